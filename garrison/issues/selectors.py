"""Every read of security issues, already narrowed to what the actor may see (deny by default).

An issue is visible to an actor holding ISSUE_VIEW when it is public, or when the actor also holds
ISSUE_EMBARGOED_VIEW and either is on the security team (SECURITY_TEAM_ROLES) or is admitted by the issue's
security level: by role, by team, by name, or, for levels with ``include_component_team``, as a member of the
issue's responsible team. Anyone else gets 404 (never 403) for the issue and everything hanging off it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from garrison.access.permissions import Permission
from garrison.access.policy import can, effective_permissions, is_signed_in, team_ids_of
from garrison.access.roles import ROLE_PERMISSIONS, SECURITY_TEAM_ROLES
from garrison.core import clock
from garrison.issues.models import (
    BackportEntry,
    CommentVisibility,
    DeadLetter,
    IssueAttachment,
    IssueComment,
    IssueLabel,
    IssueStatus,
    SavedFilter,
    SecurityIssue,
    SecurityLevel,
)

OPEN_STATUSES = (IssueStatus.NEW, IssueStatus.TRIAGE, IssueStatus.CONFIRMED, IssueStatus.FIXING)


@dataclass(frozen=True)
class LevelAccess:
    """Which levels admit the actor outright, and which admit them as a member of the issue's responsible team."""

    everything: bool
    direct: frozenset[Any]
    via_component_team: frozenset[Any]
    team_ids: frozenset[Any]


_NOTHING = LevelAccess(False, frozenset(), frozenset(), frozenset())


def level_access(actor: Any) -> LevelAccess:
    """Three small queries, cached on the actor for the request; constant in the number of issues."""
    if not is_signed_in(actor) or Permission.ISSUE_EMBARGOED_VIEW not in effective_permissions(actor):
        return _NOTHING
    cached = getattr(actor, "_garrison_level_access", None)
    if cached is not None:
        return cached
    if actor.role in SECURITY_TEAM_ROLES:
        access = LevelAccess(True, frozenset(), frozenset(), frozenset())
    else:
        teams = frozenset(team_ids_of(actor))
        direct: set[Any] = set()
        component: set[Any] = set()
        for pk, roles, with_team in SecurityLevel.objects.values_list("pk", "roles", "include_component_team"):
            if actor.role in (roles or []):
                direct.add(pk)
            if with_team:
                component.add(pk)
        direct.update(
            SecurityLevel.users.through.objects.filter(user_id=actor.pk).values_list("securitylevel_id", flat=True)
        )
        if teams:
            direct.update(
                SecurityLevel.teams.through.objects.filter(team_id__in=teams).values_list("securitylevel_id", flat=True)
            )
        access = LevelAccess(False, frozenset(direct), frozenset(component - direct), teams)
    actor._garrison_level_access = access
    return access


def _visible_q(actor: Any) -> Q | None:
    """The filter for issues the actor may see; None means every issue."""
    access = level_access(actor)
    if access.everything:
        return None
    q = Q(is_public=True)
    if access.direct:
        q |= Q(security_level_id__in=access.direct)
    if access.via_component_team and access.team_ids:
        q |= Q(security_level_id__in=access.via_component_team, responsible_team_id__in=access.team_ids)
    return q


def issues_visible_to(*, actor: Any) -> QuerySet[SecurityIssue]:
    if not can(actor, Permission.ISSUE_VIEW):
        return SecurityIssue.objects.none()
    qs = SecurityIssue.objects.all()
    q = _visible_q(actor)
    return qs if q is None else qs.filter(q)


def can_see_issue(actor: Any, issue: SecurityIssue) -> bool:
    """The same rule as issues_visible_to, for one issue already in hand."""
    if not can(actor, Permission.ISSUE_VIEW):
        return False
    access = level_access(actor)
    if access.everything or issue.is_public or issue.security_level_id in access.direct:
        return True
    return issue.security_level_id in access.via_component_team and issue.responsible_team_id in access.team_ids


@dataclass(frozen=True)
class IssueFilter:
    text: str = ""
    status: str = ""
    open_only: bool = False
    severity: str = ""
    priority: str = ""
    level: Any = None
    team: Any = None
    component: Any = None
    owner: Any = None
    label: str = ""
    overdue: bool = False


def overdue_q(now: Any = None) -> Q:
    """Open and past one of its SLA clocks (acknowledge, triage or fix) that has not been met."""
    now = now or clock.now()
    return Q(status__in=OPEN_STATUSES) & (
        Q(acknowledged_at__isnull=True, ack_due_at__lt=now)
        | Q(triaged_at__isnull=True, triage_due_at__lt=now)
        | Q(fixed_at__isnull=True, fix_due_at__lt=now)
    )


def issues_filtered(*, actor: Any, filters: IssueFilter) -> QuerySet[SecurityIssue]:
    qs = issues_visible_to(actor=actor).select_related("component", "responsible_team", "owner", "security_level")
    f = filters
    if f.text.strip():
        text = f.text.strip()
        number = text.upper().removeprefix("SEC-")
        qs = qs.filter(Q(title__icontains=text) | (Q(number=int(number)) if number.isdigit() else Q(pk__in=[])))
    if f.status:
        qs = qs.filter(status=f.status)
    elif f.open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    for field, value in (("severity", f.severity), ("priority", f.priority)):
        if value:
            qs = qs.filter(**{field: value})
    for field, value in (("security_level", f.level), ("responsible_team", f.team), ("component", f.component)):
        if value:
            qs = qs.filter(**{f"{field}_id": getattr(value, "pk", value)})
    if f.owner:
        qs = qs.filter(owner_id=getattr(f.owner, "pk", f.owner))
    if f.label:
        qs = qs.filter(labels__name=f.label)
    if f.overdue:
        qs = qs.filter(overdue_q())
    return qs


def get_issue_for(*, actor: Any, pk: Any) -> SecurityIssue:
    try:
        return (
            issues_visible_to(actor=actor)
            .select_related("component", "responsible_team", "owner", "security_level", "duplicate_of")
            .get(pk=pk)
        )
    except (SecurityIssue.DoesNotExist, ValueError, TypeError):
        raise Http404("No such issue") from None


def get_issue_by_number_for(*, actor: Any, number: int) -> SecurityIssue:
    issue = issues_visible_to(actor=actor).filter(number=number).only("pk").first()
    if issue is None:
        raise Http404("No such issue")
    return get_issue_for(actor=actor, pk=issue.pk)


def tracking_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_for_tracking_token(token: str) -> SecurityIssue:
    """The reporter's view: the issue whose private tracking link this is, else 404."""
    if not token or len(token) > 200:
        raise Http404("No such report")
    issue = SecurityIssue.objects.filter(tracking_token_hash=tracking_token_hash(token)).first()
    if issue is None:
        raise Http404("No such report")
    return issue


def comments_for_staff(*, actor: Any, issue: SecurityIssue) -> QuerySet[IssueComment]:
    """Every comment, for someone who may see the issue (callers obtained it through get_issue_for)."""
    if not can_see_issue(actor, issue):
        return IssueComment.objects.none()
    return issue.comments.select_related("author").prefetch_related("attachments")


def comments_for_reporter(issue: SecurityIssue) -> QuerySet[IssueComment]:
    """What the reporter sees on their tracking page: their own messages and comments meant for them."""
    return issue.comments.filter(Q(visibility=CommentVisibility.REPORTER) | Q(from_reporter=True)).prefetch_related(
        "attachments"
    )


def attachments_for_reporter(issue: SecurityIssue) -> QuerySet[IssueAttachment]:
    return issue.attachments.filter(Q(from_reporter=True) | Q(comment__visibility=CommentVisibility.REPORTER)).defer(
        "sealed"
    )


def get_attachment_for(*, actor: Any, issue: SecurityIssue, pk: Any) -> IssueAttachment:
    if not can_see_issue(actor, issue):
        raise Http404("No such attachment")
    try:
        return issue.attachments.get(pk=pk)
    except (IssueAttachment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such attachment") from None


def issue_events(*, actor: Any, issue: SecurityIssue) -> QuerySet[Any]:
    """The audit events recorded against an issue, for someone who may see the issue (the audit log's own
    selectors serve AUDIT_VIEW holders reading the whole log). Callers show actions, actors, times and the names
    of recorded fields, never their values."""
    from garrison.audit.models import AuditEvent

    if not can_see_issue(actor, issue):
        return AuditEvent.objects.none()
    target_type = f"{SecurityIssue._meta.app_label}.{SecurityIssue._meta.model_name}"
    return AuditEvent.objects.filter(target_type=target_type, target_id=str(issue.pk))


def attachments_for_staff(*, actor: Any, issue: SecurityIssue) -> QuerySet[IssueAttachment]:
    """Every attachment of an issue the actor may see (metadata only: the sealed bytes are deferred)."""
    if not can_see_issue(actor, issue):
        return IssueAttachment.objects.none()
    return issue.attachments.defer("sealed").select_related("comment", "uploaded_by")


def backports_of(issue: SecurityIssue, actor: Any = None) -> QuerySet[BackportEntry]:
    """The issue's backport cells; with ``actor``, only cells whose component and release line the actor may see
    (a classification label on either hides the cell, so its name never shows)."""
    qs = issue.backports.select_related("component", "release_line")
    if actor is not None:
        from garrison.access.classification import visible_q

        qs = qs.filter(visible_q(actor, "component__classification"), visible_q(actor, "release_line__classification"))
    return qs


def levels_visible_to(*, actor: Any) -> QuerySet[SecurityLevel]:
    if not can(actor, Permission.LEVEL_VIEW):
        return SecurityLevel.objects.none()
    return SecurityLevel.objects.prefetch_related("teams", "users").select_related("last_reviewed_by")


def get_level_for(*, actor: Any, pk: Any) -> SecurityLevel:
    try:
        return levels_visible_to(actor=actor).get(pk=pk)
    except (SecurityLevel.DoesNotExist, ValueError, TypeError):
        raise Http404("No such security level") from None


def levels_assignable(*, actor: Any) -> QuerySet[SecurityLevel]:
    """Levels an issue may be moved to (every level, for those who may triage)."""
    if not can(actor, Permission.ISSUE_TRIAGE):
        return SecurityLevel.objects.none()
    return SecurityLevel.objects.all()


def most_restrictive_level() -> SecurityLevel:
    level = SecurityLevel.objects.order_by("rank", "created_at").first()
    if level is None:  # the migration seeds three; an admin may not delete the last one (see services)
        raise RuntimeError("no security level exists")
    return level


def who_can_see(issue: SecurityIssue) -> QuerySet[Any]:
    """Active users who can see this issue through the web or API (the "who can see this" panel)."""
    from garrison.accounts.models import User

    embargo_roles = [r for r, perms in ROLE_PERMISSIONS.items() if Permission.ISSUE_EMBARGOED_VIEW in perms]
    view_roles = [r for r, perms in ROLE_PERMISSIONS.items() if Permission.ISSUE_VIEW in perms]
    if issue.is_public:
        return User.objects.filter(is_active=True, role__in=view_roles).order_by("email")
    level = issue.security_level
    q = Q(role__in=SECURITY_TEAM_ROLES) | Q(role__in=level.roles or []) | Q(security_levels=level)
    q |= Q(team_memberships__team__security_levels=level)
    if level.include_component_team and issue.responsible_team_id:
        q |= Q(team_memberships__team_id=issue.responsible_team_id)
    return User.objects.filter(q, is_active=True, role__in=embargo_roles).distinct().order_by("email")


def labels_all() -> QuerySet[IssueLabel]:
    return IssueLabel.objects.all()


def saved_filters_of(*, actor: Any) -> QuerySet[SavedFilter]:
    if not is_signed_in(actor):
        return SavedFilter.objects.none()
    return SavedFilter.objects.filter(user_id=actor.pk)


def dead_letters_visible_to(*, actor: Any) -> QuerySet[DeadLetter]:
    if not can(actor, Permission.INTAKE_MANAGE):
        return DeadLetter.objects.none()
    return DeadLetter.objects.defer("sealed")


def get_dead_letter_for(*, actor: Any, pk: Any) -> DeadLetter:
    try:
        return dead_letters_visible_to(actor=actor).get(pk=pk)
    except (DeadLetter.DoesNotExist, ValueError, TypeError):
        raise Http404("No such dead letter") from None


def sla_state(issue: SecurityIssue, today: date | None = None) -> dict[str, str]:
    """For each SLA clock: "met", "overdue", "due" or "" (no clock)."""
    now = clock.now()
    out: dict[str, str] = {}
    for name, due, done in (
        ("acknowledge", issue.ack_due_at, issue.acknowledged_at),
        ("triage", issue.triage_due_at, issue.triaged_at),
        ("fix", issue.fix_due_at, issue.fixed_at),
    ):
        if due is None:
            out[name] = ""
        elif done is not None:
            out[name] = "met" if done <= due else "late"
        elif issue.status in OPEN_STATUSES and due < now:
            out[name] = "overdue"
        else:
            out[name] = "due"
    return out


def components_for_reports() -> QuerySet[Any]:
    """Components a member of the public may pick on the report form: unlabelled and not archived."""
    from garrison.org.models import Component, SupportStatus

    return Component.objects.filter(classification__isnull=True).exclude(support_status=SupportStatus.ARCHIVED)
