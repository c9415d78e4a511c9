"""Creating, changing and deactivating users."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.access.roles import Role
from garrison.accounts.models import ApiToken, User, UserSession
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.core import clock

_ALPHABET = string.ascii_letters + string.digits


def one_time_password() -> str:
    """A random 20-character password for a new account; the user must change it at first sign-in."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(20))


def _normalise_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def user_create(*, email: str, full_name: str = "", role: str, actor: User) -> tuple[User, str]:
    """Create a user with a one-time password (returned once, never stored in clear)."""
    require(actor, Permission.USER_MANAGE)
    email = _normalise_email(email)
    if role not in Role.values:
        raise ValidationError({"role": f"must be one of {', '.join(Role.values)} (got {role!r})"})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "a user with this email already exists"})
    password = one_time_password()
    user = User(email=email, full_name=full_name.strip(), role=role, password_change_required=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record(action=AuditAction.USER_CREATED, actor=actor, target=user, data={"role": role})
    return user, password


@transaction.atomic
def user_update(*, user: User, actor: User, full_name: str | None = None, time_zone: str | None = None) -> User:
    """Change profile fields. Users may change their own; managers anyone's."""
    if actor.pk != user.pk:
        require(actor, Permission.USER_MANAGE)
    changed: list[str] = []
    if full_name is not None and full_name.strip() != user.full_name:
        user.full_name, changed = full_name.strip(), [*changed, "full_name"]
    if time_zone is not None and time_zone != user.time_zone:
        from zoneinfo import available_timezones

        if time_zone not in available_timezones():
            raise ValidationError({"time_zone": f"unknown time zone {time_zone!r}"})
        user.time_zone, changed = time_zone, [*changed, "time_zone"]
    if changed:
        user.save(update_fields=[*changed, "updated_at"])
        audit.record(action=AuditAction.USER_UPDATED, actor=actor, target=user, data={"fields": changed})
    return user


def _other_active_admins(user: User) -> bool:
    return User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()


@transaction.atomic
def user_set_role(*, user: User, role: str, actor: User) -> User:
    require(actor, Permission.USER_MANAGE)
    if role not in Role.values:
        raise ValidationError({"role": f"must be one of {', '.join(Role.values)} (got {role!r})"})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.role == role:
        return user
    if user.role == Role.ADMIN and not _other_active_admins(user):
        raise ValidationError({"role": "this is the last active administrator; make someone else admin first"})
    before, user.role = user.role, role
    user.save(update_fields=["role", "updated_at"])
    # A role change takes effect at once: existing API tokens keep their scopes but are capped by the new role.
    audit.record(action=AuditAction.USER_ROLE_CHANGED, actor=actor, target=user, data={"from": before, "to": role})
    return user


def _end_sessions(user: User) -> int:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    """Deactivate at once: every session and API token stops working on the next request."""
    require(actor, Permission.USER_MANAGE)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    if user.role == Role.ADMIN and not _other_active_admins(user):
        raise ValidationError({"is_active": "this is the last active administrator; it cannot be deactivated"})
    now = clock.now()
    user.is_active, user.deactivated_at = False, now
    user.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    sessions = _end_sessions(user)
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    audit.record(
        action=AuditAction.USER_DEACTIVATED,
        actor=actor,
        target=user,
        data={"sessions_ended": sessions, "tokens_revoked": tokens},
    )
    return user


@transaction.atomic
def user_reactivate(*, user: User, actor: User) -> tuple[User, str]:
    """Reactivate with a fresh one-time password (the old one may have leaked in the meantime)."""
    require(actor, Permission.USER_MANAGE)
    user = User.objects.select_for_update().get(pk=user.pk)
    password = one_time_password()
    user.is_active, user.deactivated_at, user.password_change_required = True, None, True
    user.set_password(password)
    user.save()
    audit.record(action=AuditAction.USER_REACTIVATED, actor=actor, target=user)
    return user, password


@transaction.atomic
def password_change(*, user: User, current: str, new: str, actor: User) -> User:
    """The user changes their own password (current one required). Other sessions end."""
    if actor.pk != user.pk:
        raise ValidationError({"current": "you can only change your own password"})
    if not user.check_password(current):
        raise ValidationError({"current": "the current password is not correct"})
    validate_password(new, user)
    if user.check_password(new):
        raise ValidationError({"new": "the new password must differ from the current one"})
    user.set_password(new)
    user.password_change_required = False
    user.save(update_fields=["password", "password_change_required", "updated_at"])
    audit.record(action=AuditAction.PASSWORD_CHANGED, actor=actor, target=user)
    return user


@transaction.atomic
def sessions_end_all(*, user: User, actor: User) -> int:
    """Sign the user out everywhere (their own choice, or a manager's)."""
    if actor.pk != user.pk:
        require(actor, Permission.USER_MANAGE)
    count = _end_sessions(user)
    audit.record(action=AuditAction.SIGN_OUT, actor=actor, target=user, data={"everywhere": True, "sessions": count})
    return count


@transaction.atomic
def user_create_from_sso(*, email: str, full_name: str = "") -> User:
    """First SSO sign-in of someone unknown (only when GARRISON_OIDC_CREATE_USERS is on): no role, no password.
    An administrator grants a role afterwards."""
    email = _normalise_email(email)
    user = User(email=email, full_name=full_name.strip()[:150], role=Role.NONE)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    audit.record(action=AuditAction.USER_CREATED, actor=None, target=user, actor_label="sso", data={"role": Role.NONE})
    return user
