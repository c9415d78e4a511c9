"""Two-factor enrolment and recovery codes."""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from garrison.accounts.forms import TotpConfirmForm
from garrison.accounts.models import User
from garrison.accounts.services import mfa


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@never_cache
@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if user.mfa_enabled:
        return redirect("accounts:profile")
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and user.totp_secret_sealed:
        try:
            codes = mfa.mfa_confirm(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": True})
    if request.method == "GET" or not user.totp_secret_sealed:
        secret = mfa.mfa_begin(user=user)
        user.refresh_from_db()
    else:
        secret = mfa.totp_secret(user)
    uri = mfa.provisioning_uri(user)
    # segno writes SVG with attributes only (no style, no script), so inlining it is CSP-safe.
    qr = mark_safe(segno.make(uri, error="m").svg_inline(scale=5, dark="#1b1f24", light="#ffffff"))  # noqa: S308
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/mfa_setup.html", {"form": form, "qr": qr, "secret": grouped, "uri": uri}, status=status
    )


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.recovery_codes_regenerate(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": False})
    return render(
        request,
        "accounts/recovery_regenerate.html",
        {"form": form, "left": mfa.recovery_codes_left(user)},
        status=400 if form.errors else 200,
    )
