"""Components: what we ship, each with the team responsible for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.classification import require_assignable
from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.org.models import Component, SupportStatus, Team
from garrison.org.services.changes import apply_changes, audit_data, check_label_change, created_data, locked

COMPONENT_FIELDS = frozenset(
    {"name", "description", "repository_url", "package_url", "support_status", "responsible_team", "classification"}
)


def _require_team(team: Team | None) -> None:
    if team is None:
        raise ValidationError(
            {"responsible_team": "A component must have a responsible team: choose the team that fixes its issues."}
        )


@transaction.atomic
def component_create(
    *,
    name: str,
    responsible_team: Team | None,
    description: str = "",
    repository_url: str = "",
    package_url: str = "",
    support_status: str = SupportStatus.SUPPORTED,
    classification: ClassificationLabel | None = None,
    actor: Any,
) -> Component:
    """Create a component. Developers may only create components for a team they belong to."""
    require(actor, Permission.COMPONENT_EDIT)
    _require_team(responsible_team)
    if classification is not None:
        require_assignable(actor, classification)
    component = Component(
        name=name,
        responsible_team=responsible_team,
        description=description,
        repository_url=repository_url,
        package_url=package_url,
        support_status=support_status,
        classification=classification,
    )
    require(actor, Permission.COMPONENT_EDIT, component)
    component.full_clean()
    component.save()
    audit.record(
        action=AuditAction.COMPONENT_CREATED,
        actor=actor,
        target=component,
        data=created_data(component, COMPONENT_FIELDS),
    )
    return component


@transaction.atomic
def component_update(*, component: Component, changes: Mapping[str, Any], actor: Any) -> Component:
    """Change some fields of a component. Moving it to another team needs edit rights on both sides: a developer
    can neither take over another team's component nor hand theirs to a team they are not in."""
    component = locked(component)
    require(actor, Permission.COMPONENT_EDIT, component)
    if "responsible_team" in changes:
        _require_team(changes["responsible_team"])
    check_label_change(component, changes, actor=actor)
    changed = apply_changes(component, changes, allowed=COMPONENT_FIELDS)
    if not changed:
        return component
    if "responsible_team" in changed:
        require(actor, Permission.COMPONENT_EDIT, component)
    component.full_clean()
    component.save()
    audit.record(action=AuditAction.COMPONENT_UPDATED, actor=actor, target=component, data=audit_data(changed))
    return component
