"""Security levels (who may see an embargoed issue), their access reviews, and each user's saved list filters."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.permissions import Permission
from garrison.access.policy import is_signed_in, require
from garrison.access.roles import Role
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core import clock
from garrison.issues.models import LevelReview, SavedFilter, SecurityLevel
from garrison.issues.services.intake import clean_text


def _members(level: SecurityLevel) -> dict[str, Any]:
    return {
        "roles": sorted(level.roles or []),
        "teams": sorted(level.teams.values_list("name", flat=True)),
        "users": sorted(level.users.values_list("email", flat=True)),
        "component_team": level.include_component_team,
        "trusted_installations": level.include_trusted_installations,
    }


def _check(name: str, roles: list[str], exclude_pk: Any = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the level a name."
    elif SecurityLevel.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        errors["name"] = f"A level named {name!r} exists."
    bad = [r for r in roles if r not in Role.values or r in (Role.REPORTER, Role.NONE)]
    if bad:
        errors["roles"] = f"Unknown or non-staff roles: {', '.join(map(str, bad))}."
    return errors


def level_save(
    *,
    actor: Any,
    level: SecurityLevel | None = None,
    name: str,
    description: str = "",
    rank: int = 100,
    roles: list[str] | None = None,
    teams: list[Any] | None = None,
    users: list[Any] | None = None,
    include_component_team: bool = False,
    include_trusted_installations: bool = False,
) -> SecurityLevel:
    """Create (``level`` None) or change a security level. Membership changes are audited with before/after."""
    require(actor, Permission.LEVEL_MANAGE)
    name, roles = clean_text(name)[:100], sorted(set(roles or []))
    errors = _check(name, roles, level.pk if level else None)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        creating = level is None
        row = SecurityLevel() if level is None else SecurityLevel.objects.select_for_update().get(pk=level.pk)
        before = None if creating else _members(row)
        row.name, row.description, row.rank, row.roles = name, clean_text(description), max(0, int(rank)), roles
        row.include_component_team = include_component_team
        row.include_trusted_installations = include_trusted_installations
        row.save()
        row.teams.set(teams or [])
        row.users.set(users or [])
        after = _members(row)
        record(
            action=AuditAction.LEVEL_CREATED if creating else AuditAction.LEVEL_UPDATED,
            actor=actor,
            target=row,
            data={"name": name, "before": before, "after": after},
        )
    return row


def level_delete(*, actor: Any, level: SecurityLevel) -> None:
    require(actor, Permission.LEVEL_MANAGE)
    if level.issues.exists():
        raise ValidationError({"level": "Issues use this level: move them to another level first."})
    if SecurityLevel.objects.count() <= 1:
        raise ValidationError({"level": "The last security level cannot be deleted."})
    with transaction.atomic():
        record(action=AuditAction.LEVEL_DELETED, actor=actor, target=level, data={"name": level.name})
        level.delete()


def level_review(*, actor: Any, level: SecurityLevel, note: str = "") -> LevelReview:
    """Record that the actor reviewed the level's membership (with a snapshot of what they saw)."""
    require(actor, Permission.LEVEL_MANAGE)
    with transaction.atomic():
        row = SecurityLevel.objects.select_for_update().get(pk=level.pk)
        review = LevelReview.objects.create(
            level=row, reviewed_by=actor, note=clean_text(note)[:2000], members=_members(row)
        )
        row.last_reviewed_at, row.last_reviewed_by = clock.now(), actor
        row.save(update_fields=["last_reviewed_at", "last_reviewed_by", "updated_at"])
        record(action=AuditAction.LEVEL_REVIEWED, actor=actor, target=row, data={"review": str(review.pk)})
    return review


def saved_filter_save(*, actor: Any, name: str, query: str) -> SavedFilter:
    """Save (or overwrite) one of the actor's own list filters. Not audited: personal, holds no issue data."""
    if not is_signed_in(actor):
        raise ValidationError({"name": "Sign in to save filters."})
    name, query = clean_text(name)[:80], clean_text(query).lstrip("?")[:1000]
    if not name:
        raise ValidationError({"name": "Name the filter."})
    row, _ = SavedFilter.objects.update_or_create(user=actor, name=name, defaults={"query": query})
    return row


def saved_filter_delete(*, actor: Any, pk: Any) -> None:
    if is_signed_in(actor):
        SavedFilter.objects.filter(user_id=actor.pk, pk=pk).delete()
