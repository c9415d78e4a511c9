# Placeholder: replaced by the real sign-in, two-factor and user pages.
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from garrison.access.decorators import permission_required
from garrison.access.permissions import Permission


def login_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("login")


def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return HttpResponse("profile")


@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    return HttpResponse("mfa")


@login_required
@permission_required(Permission.USER_VIEW)
def user_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("users")


__all__ = ["login"]
