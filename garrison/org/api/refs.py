"""Turning ids and label names from API bodies into the records the services take.

Anything the caller may not see is answered like something that does not exist: a 422 on the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError

from garrison.access.models import ClassificationLabel
from garrison.access.selectors import labels_assignable_by
from garrison.accounts.models import User
from garrison.org.models import Component, Team
from garrison.org.selectors import components_visible_to, team_member_candidates, teams_visible_to


def label(actor: Any, name: str | None, field: str = "classification") -> ClassificationLabel | None:
    if name is None:
        return None
    found = labels_assignable_by(actor=actor).filter(name=name).first()
    if found is None:
        raise ValidationError({field: f"no classification label named {name!r} that you may assign"})
    return found


def team(actor: Any, pk: UUID | None, field: str) -> Team | None:
    if pk is None:
        return None
    found = teams_visible_to(actor=actor).select_related(None).prefetch_related(None).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"no team with id {pk}"})
    return found


def user(actor: Any, pk: UUID | None, field: str) -> User | None:
    if pk is None:
        return None
    found = team_member_candidates(actor=actor).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"no active staff user with id {pk}"})
    return found


def components(actor: Any, pks: Iterable[UUID], field: str = "component_ids") -> list[Component]:
    wanted = set(pks)
    found = list(components_visible_to(actor=actor).filter(pk__in=wanted))
    missing = wanted - {c.pk for c in found}
    if missing:
        raise ValidationError({field: f"no component with id {', '.join(sorted(map(str, missing)))}"})
    return found


def changes(actor: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Map the fields a PATCH body sent to service field names and records (``*_id`` -> the record)."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key == "classification":
            out[key] = label(actor, value)
        elif key == "lead_id":
            out["lead"] = user(actor, value, key)
        elif key == "responsible_team_id":
            out["responsible_team"] = team(actor, value, key)
        else:
            out[key] = value
    return out
