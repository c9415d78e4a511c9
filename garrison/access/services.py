"""Writes to classification labels: who a label admits. Every change is audited with before/after."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from garrison.access.classification import visible_q
from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.accounts.models import User
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.org.models import Team

LABEL_FIELDS = frozenset({"name", "rank", "description", "roles"})


def _ids(objs: Iterable[Any]) -> set[Any]:
    return {o.pk for o in objs}


def _sorted(ids: Iterable[Any]) -> list[str]:
    return sorted(str(i) for i in ids)


@transaction.atomic
def label_create(
    *,
    name: str,
    rank: int,
    description: str = "",
    roles: Iterable[str] = (),
    teams: Iterable[Team] = (),
    users: Iterable[User] = (),
    actor: Any,
) -> ClassificationLabel:
    require(actor, Permission.LABEL_MANAGE)
    label = ClassificationLabel(name=name, rank=rank, description=description, roles=sorted(set(roles)))
    label.full_clean()
    label.save()
    team_ids, user_ids = _ids(teams), _ids(users)
    label.teams.set(team_ids)
    label.users.set(user_ids)
    audit.record(
        action=AuditAction.LABEL_CREATED,
        actor=actor,
        target=label,
        data={"rank": label.rank, "roles": label.roles, "team_ids": _sorted(team_ids), "user_ids": _sorted(user_ids)},
    )
    return label


def _replace(manager: Any, wanted: set[Any], *, within: Any = None) -> tuple[set[Any], set[Any]]:
    """Make ``manager`` hold ``wanted``, touching only rows matching ``within`` (a Q) when given."""
    current = set((manager.filter(within) if within is not None else manager).values_list("pk", flat=True))
    added, removed = wanted - current, current - wanted
    if removed:
        manager.remove(*removed)
    if added:
        manager.add(*added)
    return added, removed


@transaction.atomic
def label_update(
    *,
    label: ClassificationLabel,
    changes: Mapping[str, Any],
    teams: Iterable[Team] | None = None,
    users: Iterable[User] | None = None,
    actor: Any,
) -> ClassificationLabel:
    """Change name, rank, description or roles; ``teams`` and ``users``, when given, replace who the label names.

    Teams hidden from the actor by their own label are neither shown to them nor removed by them.
    """
    require(actor, Permission.LABEL_MANAGE)
    label = ClassificationLabel.objects.select_for_update().get(pk=label.pk)
    unknown = sorted(set(changes) - LABEL_FIELDS)
    if unknown:
        raise TypeError(f"ClassificationLabel cannot change: {', '.join(unknown)}")
    roles_before = list(label.roles)
    fields = []
    for name, value in changes.items():
        new = sorted(set(value)) if name == "roles" else value
        if getattr(label, name) != new:
            setattr(label, name, new)
            fields.append(name)
    if fields:
        label.full_clean()
        label.save()
    data: dict[str, Any] = {"roles_before": roles_before, "roles_after": list(label.roles)}
    for relation, given in (("teams", teams), ("users", users)):
        if given is None:
            continue
        within = visible_q(actor) if relation == "teams" else None
        added, removed = _replace(getattr(label, relation), _ids(given), within=within)
        data[f"{relation[:-1]}_ids_added"], data[f"{relation[:-1]}_ids_removed"] = _sorted(added), _sorted(removed)
        if added or removed:
            fields.append(relation)
    if not fields:
        return label
    data["fields"] = sorted(fields)
    audit.record(action=AuditAction.LABEL_UPDATED, actor=actor, target=label, data=data)
    return label
