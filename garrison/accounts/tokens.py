"""API tokens: ``gar_<prefix>_<secret>``. Only a SHA-256 of the whole token is stored (it is long and random,
so a slow hash adds nothing); the prefix is kept in clear so people can tell their tokens apart."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction

from garrison.accounts.models import ApiToken
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.core import clock

TOKEN_PREFIX = "gar"
_USE_AUDIT_INTERVAL = timedelta(hours=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def generate() -> tuple[str, str, str]:
    """Return (raw token, visible prefix, hash)."""
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return raw, prefix, hash_token(raw)


@dataclass(frozen=True)
class TokenCheck:
    token: ApiToken | None
    reason: str = ""


def check(raw: str) -> TokenCheck:
    """Find the live token for ``raw``. Refused tokens get a reason (for the audit log, not the client)."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return TokenCheck(None, "malformed")
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None:
        return TokenCheck(None, "unknown")
    now = clock.now()
    if token.revoked_at is not None:
        return TokenCheck(None, "revoked")
    if token.expires_at is not None and token.expires_at <= now:
        return TokenCheck(None, "expired")
    if not token.user.is_active:
        return TokenCheck(None, "user deactivated")
    return TokenCheck(token)


def note_use(token: ApiToken) -> None:
    """Record use: last-used time, and an audit event at most once an hour per token (not per request)."""
    now = clock.now()
    if token.last_used_at is not None and now - token.last_used_at < _USE_AUDIT_INTERVAL:
        return
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        audit.record(action=AuditAction.TOKEN_USED, actor=token.user, target=token, data={"prefix": token.prefix})
    token.last_used_at = now


def note_rejected(raw: str, reason: str) -> None:
    parts = raw.split("_", 2)
    prefix = parts[1][:12] if len(parts) == 3 else ""
    token = ApiToken.objects.filter(prefix=prefix).select_related("user").first() if prefix else None
    with transaction.atomic():
        audit.record(
            action=AuditAction.TOKEN_REJECTED,
            actor=token.user if token else None,
            target=token,
            data={"prefix": prefix, "reason": reason},
            actor_label="" if token else "anonymous",
        )
