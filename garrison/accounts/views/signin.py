"""Sign-in in two steps (password, then second factor), and sign-out."""

from __future__ import annotations

import time

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from garrison.accounts.forms import CodeForm, SignInForm
from garrison.accounts.models import User
from garrison.accounts.services import mfa, signin

_PENDING = "garrison_mfa_pending"
_PENDING_SECONDS = 300


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _complete(request: HttpRequest, user: User, method: str) -> HttpResponse:
    next_url = request.session.pop("garrison_next", "/")
    request.session.pop(_PENDING, None)
    login(request, user, backend="garrison.accounts.backends.EmailBackend")
    signin.signed_in(request=request, user=user, method=method)
    return redirect(next_url)


def second_factor_pending(request: HttpRequest, user: User, *, next_url: str) -> HttpResponse:
    """The first factor passed (password or SSO): a new session key, then ask for the second factor."""
    request.session.cycle_key()
    request.session["garrison_next"] = next_url
    request.session[_PENDING] = {"user": str(user.pk), "at": time.time()}
    return redirect("accounts:login_mfa")


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = signin.check_password(
            request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if result.user is None:
            error = result.error
        else:
            request.session.cycle_key()
            request.session["garrison_next"] = _next_url(request)
            if not result.user.mfa_enabled:
                return _complete(request, result.user, "none")
            request.session[_PENDING] = {"user": str(result.user.pk), "at": time.time()}
            return redirect("accounts:login_mfa")
    status = 200 if request.method == "GET" or not error else 400
    return render(
        request, "accounts/login.html", {"form": form, "error": error, "next": _next_url(request)}, status=status
    )


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(_PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > _PENDING_SECONDS:
        return None
    return User.objects.filter(pk=str(pending.get("user", "")), is_active=True).first()


@never_cache
def login_mfa_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        request.session.pop(_PENDING, None)
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if signin.is_throttled(user.email):
            error = signin.THROTTLED
        else:
            method = mfa.mfa_verify(user=user, code=form.cleaned_data["code"])
            if method is not None:
                return _complete(request, user, method)
            signin.record_failure(email=user.email, user=user, reason="second factor")
            error = "That code is not valid." if not signin.is_throttled(user.email) else signin.THROTTLED
            if signin.is_throttled(user.email):
                request.session.pop(_PENDING, None)
    status = 200 if request.method == "GET" or not error else 400
    return render(request, "accounts/login_mfa.html", {"form": form, "error": error}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        assert isinstance(request.user, User)
        signin.signed_out(request=request, user=request.user)
    logout(request)
    return redirect("accounts:login")
