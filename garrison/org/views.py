# Placeholder pages: the org helper replaces these with the real list/create/edit views.
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from garrison.access.decorators import permission_required
from garrison.access.permissions import Permission


@login_required
@permission_required(Permission.TEAM_VIEW)
def team_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("teams")


@login_required
@permission_required(Permission.COMPONENT_VIEW)
def component_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("components")


@login_required
@permission_required(Permission.RELEASE_VIEW)
def release_line_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("release lines")


@login_required
@permission_required(Permission.CLIENT_VIEW)
def client_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("clients")
