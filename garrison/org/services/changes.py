"""Applying a partial set of field changes to a record, and describing them for the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from garrison.access.classification import require_assignable

# Fields whose old and new values may go into the audit log. Names and free text stay out: a labelled record's
# name must not be readable by everyone who may read the log.
AUDITED_VALUES = frozenset(
    {"status", "support_status", "support_ends_on", "released_on", "responsible_team", "lead", "classification"}
)


def _current(obj: models.Model, name: str) -> tuple[Any, bool]:
    field = obj._meta.get_field(name)
    if field.many_to_one:
        return getattr(obj, field.attname), True  # type: ignore[union-attr]
    return getattr(obj, name), False


def apply_changes(
    obj: models.Model, changes: Mapping[str, Any], *, allowed: frozenset[str]
) -> dict[str, tuple[Any, Any]]:
    """Set the changed attributes on ``obj`` (not saved) and return ``{field: (old, new)}`` for those that differ.

    Related objects are compared, and reported, by primary key.
    """
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise TypeError(f"{type(obj).__name__} cannot change: {', '.join(unknown)}")
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in changes.items():
        old, related = _current(obj, name)
        new = getattr(value, "pk", None) if related else value
        if old != new:
            setattr(obj, name, value)
            changed[name] = (old, new)
    return changed


def check_label_change(obj: models.Model, changes: Mapping[str, Any], *, actor: Any) -> None:
    """When ``changes`` sets a different classification label, the actor must be allowed to assign it."""
    if "classification" not in changes:
        return
    label = changes["classification"]
    if getattr(label, "pk", None) != getattr(obj, "classification_id", None):
        require_assignable(actor, label)


def audit_data(changed: Mapping[str, tuple[Any, Any]], **extra: Any) -> dict[str, Any]:
    """``{"fields": [...], "values": {field: {"from": old, "to": new}}}`` for the non-sensitive fields."""
    data: dict[str, Any] = {"fields": sorted(changed)}
    values = {name: {"from": old, "to": new} for name, (old, new) in changed.items() if name in AUDITED_VALUES}
    if values:
        data["values"] = values
    data.update(extra)
    return data


def created_data(obj: models.Model, fields: frozenset[str], **extra: Any) -> dict[str, Any]:
    """Audit data for a new record: the fields it was created with, and the values of the non-sensitive ones."""
    changed = {}
    for name in fields:
        value, _ = _current(obj, name)
        if value not in (None, ""):
            changed[name] = (None, value)
    return audit_data(changed, **extra)


def locked(obj: Any) -> Any:
    """A fresh copy of ``obj`` with its row locked for the rest of the transaction (concurrent edits queue)."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)
