"""Information classification: which labelled records an actor may see."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.access.policy import is_signed_in, require, team_ids_of


def label_ids_visible_to(actor: Any) -> frozenset[Any]:
    """Ids of the labels whose records the actor may see (cached on the actor for the request)."""
    if not is_signed_in(actor):
        return frozenset()
    cached = getattr(actor, "_garrison_label_ids", None)
    if cached is not None:
        return cached
    teams = team_ids_of(actor)
    visible = set()
    for label in ClassificationLabel.objects.prefetch_related("teams", "users"):
        if (
            actor.role in label.roles
            or any(u.pk == actor.pk for u in label.users.all())
            or any(t.pk in teams for t in label.teams.all())
        ):
            visible.add(label.pk)
    result = frozenset(visible)
    actor._garrison_label_ids = result
    return result


def visible_q(actor: Any, field: str = "classification") -> Q:
    """A filter that keeps unlabelled records and those whose label the actor may see."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": label_ids_visible_to(actor)})


def require_assignable(actor: Any, label: ClassificationLabel | None) -> None:
    """Setting, changing or clearing a record's label needs LABEL_MANAGE; a new label must be one the actor sees.

    A label the actor may not see is answered like one that does not exist, so its name is not confirmed.
    """
    require(actor, Permission.LABEL_MANAGE)
    if label is not None and label.pk not in label_ids_visible_to(actor):
        raise ValidationError({"classification": "Choose a classification label you are allowed to see."})
