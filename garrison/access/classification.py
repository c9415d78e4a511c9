"""Information classification: which labelled records an actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from garrison.access.models import ClassificationLabel
from garrison.access.policy import is_signed_in, team_ids_of


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
