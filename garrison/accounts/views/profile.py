"""The signed-in user's own account: profile, password, API tokens, sessions."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from garrison.access.decorators import permission_required
from garrison.access.permissions import Permission
from garrison.accounts import selectors
from garrison.accounts.forms import PasswordChangeForm, ProfileForm, TokenForm
from garrison.accounts.models import User
from garrison.accounts.services import mfa, tokens, users
from garrison.core import clock


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _apply_errors(form: object, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None  # type: ignore[attr-defined]
        for error in errors:
            form.add_error(target, error)  # type: ignore[attr-defined]


@never_cache
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = ProfileForm(request.POST or None, initial={"full_name": me.full_name, "time_zone": me.time_zone})
    if request.method == "POST" and form.is_valid():
        try:
            users.user_update(
                user=me, actor=me, full_name=form.cleaned_data["full_name"], time_zone=form.cleaned_data["time_zone"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Profile saved.")
            return redirect("accounts:profile")
    context = {
        "form": form,
        "tokens": selectors.tokens_of(actor=me, user=me),
        "sessions": selectors.sessions_of(actor=me, user=me),
        "current_session": request.session.session_key,
        "recovery_left": mfa.recovery_codes_left(me) if me.mfa_enabled else 0,
        "now": clock.now(),
    }
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            users.password_change(user=me, current=form.cleaned_data["current"], new=form.cleaned_data["new"], actor=me)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            update_session_auth_hash(request, me)  # keep this session; the others end with the old password
            messages.success(request, "Password changed. Your other sessions have been signed out.")
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/password.html",
        {"form": form, "forced": me.password_change_required},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@permission_required(Permission.TOKEN_MANAGE_OWN)
def token_create(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = TokenForm(request.POST or None, actor=me)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = tokens.token_create(
                user=me,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=clock.now() + timedelta(days=form.cleaned_data["days"]),
                actor=me,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    return render(request, "accounts/token_form.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@login_required
@permission_required(Permission.TOKEN_MANAGE_OWN)
def token_revoke(request: HttpRequest, pk: str) -> HttpResponse:
    me = _me(request)
    token = selectors.token_of(actor=me, pk=pk)
    tokens.token_revoke(token=token, actor=me)
    messages.success(request, f"Token {token.prefix} revoked.")
    return redirect("accounts:profile")


@require_POST
@login_required
def sessions_end(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    users.sessions_end_all(user=me, actor=me)
    return redirect("accounts:login")
