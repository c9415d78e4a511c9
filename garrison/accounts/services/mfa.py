"""Two-factor sign-in: TOTP (RFC 6238) with replay protection, and single-use recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.accounts.models import RecoveryCode, User
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.core import clock, crypto

RECOVERY_CODE_COUNT = 10
_STEP = 30


def _aad(user: User) -> str:
    return f"user.totp:{user.pk}"


def totp_secret(user: User) -> str:
    return crypto.open_text(user.totp_secret_sealed, associated_data=_aad(user))


def provisioning_uri(user: User) -> str:
    issuer = settings.GARRISON_TOTP_ISSUER
    return pyotp.TOTP(totp_secret(user)).provisioning_uri(name=user.email, issuer_name=issuer)


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode("ascii")).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
    codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    codes = [f"{c[:5]}-{c[5:]}" for c in codes]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash_recovery(c)) for c in codes])
    return codes


@transaction.atomic
def mfa_begin(*, user: User) -> str:
    """Start (or restart) enrolment: a new secret, not yet active. Returns the secret to show once."""
    if user.mfa_enabled:
        raise ValidationError({"code": "two-factor sign-in is already set up"})
    secret = pyotp.random_base32()
    user.totp_secret_sealed = crypto.seal_text(secret, associated_data=_aad(user))
    user.save(update_fields=["totp_secret_sealed", "updated_at"])
    return secret


def _matching_step(secret: str, code: str, *, after: int) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(clock.now().timestamp()) // _STEP
    for step in (current - 1, current, current + 1):
        if step > after and hmac.compare_digest(totp.at(step * _STEP), code):
            return step
    return None


@transaction.atomic
def mfa_confirm(*, user: User, code: str) -> list[str]:
    """Finish enrolment with a code from the app; returns the ten recovery codes (shown once)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.mfa_enabled:
        raise ValidationError({"code": "two-factor sign-in is already set up"})
    if not user.totp_secret_sealed:
        raise ValidationError({"code": "enrolment has not been started"})
    step = _matching_step(totp_secret(user), code, after=0)
    if step is None:
        raise ValidationError({"code": "that code is not valid; check the time on your phone and try again"})
    user.totp_confirmed_at, user.totp_last_step = clock.now(), step
    user.save(update_fields=["totp_confirmed_at", "totp_last_step", "updated_at"])
    codes = _new_recovery_codes(user)
    audit.record(action=AuditAction.MFA_ENROLLED, actor=user, target=user)
    return codes


@transaction.atomic
def mfa_verify(*, user: User, code: str) -> str | None:
    """Check a second factor at sign-in: a TOTP code (each accepted once) or an unused recovery code.
    Returns "totp" or "recovery" on success, None on failure (the failure is audited)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.mfa_enabled:
        step = _matching_step(totp_secret(user), code, after=user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            user.save(update_fields=["totp_last_step"])
            return "totp"
        recovery = RecoveryCode.objects.filter(user=user, code_hash=_hash_recovery(code), used_at__isnull=True).first()
        if recovery is not None and len(_normalise_recovery(code)) == 10:
            recovery.used_at = clock.now()
            recovery.save(update_fields=["used_at", "updated_at"])
            left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
            audit.record(action=AuditAction.RECOVERY_CODE_USED, actor=user, target=user, data={"left": left})
            return "recovery"
    audit.record(action=AuditAction.MFA_FAILED, actor=user, target=user)
    return None


@transaction.atomic
def recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """New recovery codes (old ones stop working); needs a current TOTP code."""
    user = User.objects.select_for_update().get(pk=user.pk)
    step = _matching_step(totp_secret(user), code, after=user.totp_last_step) if user.mfa_enabled else None
    if step is None:
        raise ValidationError({"code": "enter a current code from your authenticator app"})
    user.totp_last_step = step
    user.save(update_fields=["totp_last_step"])
    codes = _new_recovery_codes(user)
    audit.record(action=AuditAction.RECOVERY_CODES_REGENERATED, actor=user, target=user)
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def mfa_reset(*, user: User, actor: User) -> User:
    """An administrator clears a user's two-factor (lost phone); they must enrol again at next sign-in."""
    require(actor, Permission.USER_MANAGE)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.totp_secret_sealed, user.totp_confirmed_at, user.totp_last_step = "", None, 0
    user.save(update_fields=["totp_secret_sealed", "totp_confirmed_at", "totp_last_step", "updated_at"])
    RecoveryCode.objects.filter(user=user).delete()
    from garrison.accounts.models import ApiToken
    from garrison.accounts.services.users import _end_sessions

    # A lost second factor may mean a lost laptop: its sessions and API tokens end with it.
    sessions = _end_sessions(user)
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=clock.now())
    audit.record(
        action=AuditAction.MFA_RESET,
        actor=actor,
        target=user,
        data={"sessions_ended": sessions, "tokens_revoked": tokens},
    )
    return user
