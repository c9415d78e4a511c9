"""Teams and their members."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.classification import require_assignable
from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.accounts.models import User
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.org.models import Team, TeamMembership
from garrison.org.services.changes import apply_changes, audit_data, check_label_change, created_data, locked

TEAM_FIELDS = frozenset({"name", "description", "lead", "classification"})


def _check_user(user: User | None, field: str) -> None:
    if user is None:
        return
    if not user.is_active:
        raise ValidationError({field: f"{user.email} is deactivated; choose an active user."})
    if not user.is_staff_role:
        raise ValidationError({field: f"{user.email} has no staff role; only staff can belong to a team."})


def _add_membership(team: Team, user: User, *, actor: Any, reason: str) -> TeamMembership:
    membership = TeamMembership.objects.create(team=team, user=user)
    audit.record(
        action=AuditAction.TEAM_MEMBER_ADDED,
        actor=actor,
        target=team,
        data={"user_id": user.pk, "reason": reason},
    )
    return membership


def _ensure_lead_is_member(team: Team, *, actor: Any) -> None:
    if team.lead is not None and not TeamMembership.objects.filter(team=team, user=team.lead).exists():
        _add_membership(team, team.lead, actor=actor, reason="lead")


@transaction.atomic
def team_create(
    *,
    name: str,
    description: str = "",
    lead: User | None = None,
    classification: ClassificationLabel | None = None,
    actor: Any,
) -> Team:
    """Create a team. A lead is made a member of the team at once (a lead is always a member)."""
    require(actor, Permission.TEAM_EDIT)
    if classification is not None:
        require_assignable(actor, classification)
    _check_user(lead, "lead")
    team = Team(name=name, description=description, lead=lead, classification=classification)
    team.full_clean()
    team.save()
    audit.record(action=AuditAction.TEAM_CREATED, actor=actor, target=team, data=created_data(team, TEAM_FIELDS))
    _ensure_lead_is_member(team, actor=actor)
    return team


@transaction.atomic
def team_update(*, team: Team, changes: Mapping[str, Any], actor: Any) -> Team:
    """Change some of name, description, lead, classification. A new lead becomes a member."""
    team = locked(team)
    require(actor, Permission.TEAM_EDIT, team)
    check_label_change(team, changes, actor=actor)
    _check_user(changes.get("lead"), "lead")
    changed = apply_changes(team, changes, allowed=TEAM_FIELDS)
    if not changed:
        return team
    team.full_clean()
    team.save()
    audit.record(action=AuditAction.TEAM_UPDATED, actor=actor, target=team, data=audit_data(changed))
    if "lead" in changed:
        _ensure_lead_is_member(team, actor=actor)
    return team


@transaction.atomic
def team_member_add(*, team: Team, user: User, actor: Any) -> TeamMembership:
    team = locked(team)
    require(actor, Permission.TEAM_EDIT, team)
    _check_user(user, "user")
    if TeamMembership.objects.filter(team=team, user=user).exists():
        raise ValidationError({"user": f"{user.email} is already a member of {team.name}."})
    return _add_membership(team, user, actor=actor, reason="added")


@transaction.atomic
def team_member_remove(*, team: Team, user: User, actor: Any) -> None:
    """Remove a member. The lead cannot be removed while they lead the team: choose another lead first."""
    team = locked(team)
    require(actor, Permission.TEAM_EDIT, team)
    if team.lead_id == user.pk:
        raise ValidationError({"user": f"{user.email} leads {team.name}; choose another lead before removing them."})
    deleted, _ = TeamMembership.objects.filter(team=team, user=user).delete()
    if not deleted:
        raise ValidationError({"user": f"{user.email} is not a member of {team.name}."})
    audit.record(action=AuditAction.TEAM_MEMBER_REMOVED, actor=actor, target=team, data={"user_id": user.pk})
