"""Turning what API requests name (an issue key, ids or names of levels, teams, users, labels) into records.

An issue the caller may not see, or a malformed key, is a 404 (the same answer as for one that does not exist).
Anything else the caller may not see is answered like something that does not exist: a 422 on the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from garrison.issues.models import IssueLabel, SecurityIssue, SecurityLevel
from garrison.issues.selectors import get_issue_by_number_for, labels_all, levels_assignable, who_can_see
from garrison.issues.services import visible_duplicate
from garrison.org.models import Team
from garrison.org.selectors import teams_visible_to

_KEY = re.compile(r"SEC-([1-9][0-9]{0,8})", re.IGNORECASE)


def number_of(key: str) -> int | None:
    """The N of "SEC-N" (case-insensitive), or None when ``key`` is not an issue key."""
    match = _KEY.fullmatch((key or "").strip())
    return int(match.group(1)) if match else None


def issue(actor: Any, key: str) -> SecurityIssue:
    """The issue the actor may see, else 404."""
    number = number_of(key)
    if number is None:
        raise Http404("No such issue")
    return get_issue_by_number_for(actor=actor, number=number)


def duplicate(actor: Any, key: str | None) -> SecurityIssue | None:
    if not key:
        return None
    number = number_of(key)
    if number is None:
        raise ValidationError({"duplicate_of": f"{key[:40]!r} is not an issue key such as SEC-12."})
    return visible_duplicate(actor=actor, number=number)


def _id_or_name(value: str, name_field: str = "name") -> Q:
    try:
        return Q(pk=UUID(value))
    except ValueError:
        return Q(**{name_field: value})


def level(actor: Any, value: str) -> SecurityLevel:
    value = value.strip()
    found = levels_assignable(actor=actor).filter(_id_or_name(value)).first() if value else None
    if found is None:
        raise ValidationError({"level": f"no security level {value[:100]!r}"})
    return found


def team(actor: Any, value: str) -> Team | None:
    value = value.strip()
    if not value:
        return None
    found = teams_visible_to(actor=actor).filter(_id_or_name(value)).first()
    if found is None:
        raise ValidationError({"team": f"no team {value[:100]!r}"})
    return found


def owner(issue: SecurityIssue, value: str | None) -> Any:
    """Someone who can see the issue, by id or email; None clears the owner."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        condition = Q(pk=UUID(value))
    except ValueError:
        condition = Q(email__iexact=value)
    found = who_can_see(issue).filter(condition).first()
    if found is None:
        raise ValidationError({"owner": f"{value[:100]!r} is not an active user who can see this issue."})
    return found


def labels(names: list[str]) -> list[IssueLabel]:
    wanted = {n.strip() for n in names if n.strip()}
    found = list(labels_all().filter(name__in=wanted))
    missing = wanted - {label.name for label in found}
    if missing:
        raise ValidationError({"labels": f"unknown label(s): {', '.join(sorted(missing))}"})
    return found


@contextmanager
def fields_as(mapping: Mapping[str, str]) -> Iterator[None]:
    """Re-raise a service's ValidationError under the field names of the request body."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {mapping.get(field, field): messages for field, messages in exc.message_dict.items()}
        ) from None
