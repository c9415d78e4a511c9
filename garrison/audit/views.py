# Placeholder: the audit helper replaces this with the filtered list and exports.
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from garrison.access.decorators import permission_required
from garrison.access.permissions import Permission


@login_required
@permission_required(Permission.AUDIT_VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("audit")
