"""Turning the component and release-line references of API requests (an id or a name) into records.

Anything the caller may not see is answered like something that does not exist: a 422 on the field.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q

from garrison.org.models import Component, ReleaseLine
from garrison.org.selectors import components_visible_to, release_lines_visible_to


def _by_id_or_name(value: str) -> Q:
    try:
        return Q(pk=UUID(value))
    except ValueError:
        return Q(name=value)


def component(actor: Any, value: str | None, field: str = "component") -> Component | None:
    value = (value or "").strip()
    if not value:
        return None
    qs = components_visible_to(actor=actor)
    found = qs.filter(_by_id_or_name(value)).first()
    if found is None:
        raise ValidationError({field: f"no component {value!r}"})
    return found


def release_line(actor: Any, value: str | None, field: str = "release_line") -> ReleaseLine | None:
    value = (value or "").strip()
    if not value:
        return None
    qs = release_lines_visible_to(actor=actor)
    found = qs.filter(_by_id_or_name(value)).first()
    if found is None:
        raise ValidationError({field: f"no release line {value!r}"})
    return found
