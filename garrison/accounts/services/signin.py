"""Sign-in with throttling per account and per address, without revealing which emails exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest

from garrison.accounts.models import User, UserSession
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.core import ratelimit, request_context

# One message for unknown email, wrong password and inactive account: no user enumeration.
INVALID = "The email or password is not correct."
THROTTLED = "Too many failed attempts. Wait a few minutes and try again."


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    error: str = ""


def _account_key(email: str) -> str:
    return f"signin:account:{email.strip().lower()[:150]}"


def _ip_key() -> str:
    return f"signin:ip:{request_context.current().ip or 'unknown'}"


def _window() -> timedelta:
    return timedelta(minutes=settings.GARRISON_LOCKOUT_MINUTES)


def is_throttled(email: str) -> bool:
    return ratelimit.is_blocked(_account_key(email)) or ratelimit.is_blocked(_ip_key())


def record_failure(*, email: str, user: User | None, reason: str) -> None:
    """Count a failed password or second factor against the account and the address; lock out past the limit."""
    window = _window()
    account = ratelimit.hit(
        _account_key(email), limit=settings.GARRISON_LOCKOUT_THRESHOLD - 1, window=window, block=window
    )
    address = ratelimit.hit(_ip_key(), limit=settings.GARRISON_LOCKOUT_IP_THRESHOLD - 1, window=window, block=window)
    with transaction.atomic():
        audit.record(
            action=AuditAction.SIGN_IN_FAILED,
            actor=user,
            target=user,
            actor_label=email.strip().lower()[:254],
            data={"reason": reason},
        )
        if not account.allowed and account.count == settings.GARRISON_LOCKOUT_THRESHOLD:
            audit.record(
                action=AuditAction.LOCKOUT,
                actor=user,
                target=user,
                actor_label=email.strip().lower()[:254],
                data={"scope": "account"},
            )
        if not address.allowed and address.count == settings.GARRISON_LOCKOUT_IP_THRESHOLD:
            audit.record(
                action=AuditAction.LOCKOUT,
                actor=user,
                target=user,
                actor_label=email.strip().lower()[:254],
                data={"scope": "ip"},
            )


def check_password(request: HttpRequest, *, email: str, password: str) -> SignInResult:
    """First step: email and password. Does not sign in; the caller goes on to the second factor."""
    if is_throttled(email):
        return SignInResult(None, THROTTLED)
    user = authenticate(request, email=email, password=password)
    if user is None:
        known = User.objects.filter(email__iexact=email.strip()).first()
        record_failure(email=email, user=known, reason="password")
        return SignInResult(None, THROTTLED if is_throttled(email) else INVALID)
    assert isinstance(user, User)
    return SignInResult(user)


@transaction.atomic
def signed_in(*, request: HttpRequest, user: User, method: str) -> None:
    """Record a completed sign-in (after Django's login()): audit event and the session's owner."""
    ratelimit.clear(_account_key(user.email))
    key = request.session.session_key or ""
    info = request_context.current()
    if key:
        UserSession.objects.update_or_create(
            session_key=key, defaults={"user": user, "ip": info.ip, "user_agent": info.user_agent}
        )
    audit.record(action=AuditAction.SIGN_IN, actor=user, target=user, data={"second_factor": method})


@transaction.atomic
def signed_out(*, request: HttpRequest, user: User) -> None:
    key = request.session.session_key or ""
    UserSession.objects.filter(session_key=key).delete()
    audit.record(action=AuditAction.SIGN_OUT, actor=user, target=user)
