"""Creating and revoking API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from garrison.access.permissions import Permission
from garrison.access.policy import effective_permissions, require
from garrison.access.roles import ROLE_PERMISSIONS
from garrison.accounts import tokens
from garrison.accounts.models import ApiToken, User
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.core import clock

MAX_LIFETIME = timedelta(days=366)


@transaction.atomic
def token_create(
    *, user: User, name: str, scopes: list[str], expires_at: datetime | None, actor: User
) -> tuple[ApiToken, str]:
    """A new token for the actor themself, limited to ``scopes`` (within their role). Returns the raw token once."""
    require(actor, Permission.TOKEN_MANAGE_OWN)
    if actor.pk != user.pk:
        raise ValidationError({"user": "tokens can only be created for yourself"})
    name = name.strip()
    if not name:
        raise ValidationError({"name": "give the token a name, e.g. the pipeline that uses it"})
    unknown = sorted(set(scopes) - {str(p) for p in Permission})
    if unknown:
        raise ValidationError({"scopes": f"unknown permissions: {', '.join(unknown)}"})
    if not scopes:
        raise ValidationError({"scopes": "choose at least one permission"})
    # Checked against the role, not the current request's token: a token cannot mint a wider one.
    beyond = sorted(set(scopes) - {str(p) for p in ROLE_PERMISSIONS.get(user.role, frozenset())})
    beyond += sorted(set(scopes) - {str(p) for p in effective_permissions(actor)} - set(beyond))
    if beyond:
        raise ValidationError({"scopes": f"your role does not grant: {', '.join(sorted(set(beyond)))}"})
    now = clock.now()
    if expires_at is None:
        expires_at = now + timedelta(days=90)
    if timezone.is_naive(expires_at):
        raise ValidationError({"expires_at": "give the time zone, e.g. 2026-12-01T00:00:00Z"})
    if expires_at <= now:
        raise ValidationError({"expires_at": "must be in the future"})
    if expires_at > now + MAX_LIFETIME:
        raise ValidationError({"expires_at": "must be within a year"})
    raw, prefix, digest = tokens.generate()
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=prefix, token_hash=digest, scopes=sorted(set(scopes)), expires_at=expires_at
    )
    audit.record(
        action=AuditAction.TOKEN_CREATED,
        actor=actor,
        target=token,
        data={"prefix": prefix, "scopes": token.scopes, "expires_at": expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke at once. Owners revoke their own; user managers anyone's."""
    if token.user_id != actor.pk:
        require(actor, Permission.USER_MANAGE)
    else:
        require(actor, Permission.TOKEN_MANAGE_OWN)
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(action=AuditAction.TOKEN_REVOKED, actor=actor, target=token, data={"prefix": token.prefix})
    return token
