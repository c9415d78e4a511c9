"""The on-call rota: who is on duty at a moment, and the writes that change the rota (ONCALL_MANAGE, audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.permissions import Permission
from garrison.access.policy import can, require
from garrison.accounts.models import User
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core import clock
from garrison.notify.models import OnCallOverride, OnCallShift


def on_duty(at: datetime | None = None) -> list[User]:
    """Who is on duty at ``at``, in paging order: override users first (latest override first), then the users of
    the shifts running at ``at`` by position. An override replaces the primary shift (the lowest position running);
    the other positions stay behind it for escalation. A shift covers [starts_at, ends_at): at a hand-over instant
    the next shift is on duty. Inactive users are skipped; each user appears once."""
    at = at or clock.now()
    overrides = (
        OnCallOverride.objects.filter(starts_at__lte=at, ends_at__gt=at, user__is_active=True)
        .select_related("user")
        .order_by("-starts_at", "-created_at")
    )
    shifts = list(
        OnCallShift.objects.filter(starts_at__lte=at, ends_at__gt=at, user__is_active=True)
        .select_related("user")
        .order_by("position", "starts_at", "created_at")
    )
    override_users = [o.user for o in overrides]
    if override_users and shifts:
        primary = shifts[0].position
        shifts = [s for s in shifts if s.position != primary]
    result: list[User] = []
    seen: set[Any] = set()
    for user in [*override_users, *(s.user for s in shifts)]:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _validate_window(user: Any, starts_at: Any, ends_at: Any) -> None:
    errors: dict[str, str] = {}
    if user is None or not getattr(user, "is_active", False):
        errors["user"] = "Choose an active user."
    elif not can(user, Permission.ONCALL_VIEW):
        errors["user"] = "This user's role cannot be on call (it cannot see the rota or acknowledge pages)."
    if starts_at is None:
        errors["starts_at"] = "Give the start time."
    if ends_at is None:
        errors["ends_at"] = "Give the end time."
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "The end must be after the start."
    if errors:
        raise ValidationError(errors)


def shift_create(
    *, actor: Any, user: Any, starts_at: datetime, ends_at: datetime, position: int = 0, note: str = ""
) -> OnCallShift:
    require(actor, Permission.ONCALL_MANAGE)
    _validate_window(user, starts_at, ends_at)
    if position < 0 or position > 100:
        raise ValidationError({"position": "Between 0 (paged first) and 100."})
    with transaction.atomic():
        shift = OnCallShift.objects.create(
            user=user,
            starts_at=starts_at,
            ends_at=ends_at,
            position=position,
            note=note.strip()[:200],
            created_by=actor,
        )
        record(
            action=AuditAction.ONCALL_SHIFT_CREATED,
            actor=actor,
            target=shift,
            data={"user": str(user.pk), "starts_at": starts_at, "ends_at": ends_at, "position": position},
        )
    return shift


def shift_delete(*, actor: Any, shift: OnCallShift) -> None:
    require(actor, Permission.ONCALL_MANAGE)
    with transaction.atomic():
        record(
            action=AuditAction.ONCALL_SHIFT_DELETED,
            actor=actor,
            target=shift,
            data={"user": str(shift.user_id), "starts_at": shift.starts_at, "ends_at": shift.ends_at},
        )
        shift.delete()


def override_create(
    *, actor: Any, user: Any, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> OnCallOverride:
    require(actor, Permission.ONCALL_MANAGE)
    _validate_window(user, starts_at, ends_at)
    with transaction.atomic():
        override = OnCallOverride.objects.create(
            user=user, starts_at=starts_at, ends_at=ends_at, reason=reason.strip()[:200], created_by=actor
        )
        record(
            action=AuditAction.ONCALL_OVERRIDE_CREATED,
            actor=actor,
            target=override,
            data={"user": str(user.pk), "starts_at": starts_at, "ends_at": ends_at},
        )
    return override


def override_delete(*, actor: Any, override: OnCallOverride) -> None:
    require(actor, Permission.ONCALL_MANAGE)
    with transaction.atomic():
        record(
            action=AuditAction.ONCALL_OVERRIDE_DELETED,
            actor=actor,
            target=override,
            data={"user": str(override.user_id), "starts_at": override.starts_at, "ends_at": override.ends_at},
        )
        override.delete()
