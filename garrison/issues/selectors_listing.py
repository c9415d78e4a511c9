"""Reads behind the issue list, its CSV export, the labels page and the dashboard panel.

Everything starts from ``issues_visible_to`` / ``issues_filtered``: no count, choice or row here ever includes an
issue the actor may not see. Each function costs a constant number of queries, whatever the number of issues.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from garrison.access.classification import label_ids_visible_to
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.issues.models import IssueStatus, Priority, SecurityIssue
from garrison.issues.selectors import OPEN_STATUSES, IssueFilter, issues_filtered, issues_visible_to, overdue_q


def with_overdue(qs: QuerySet[SecurityIssue]) -> QuerySet[SecurityIssue]:
    """Each row carries ``is_overdue`` (open and past an unmet SLA clock), computed by the database."""
    return qs.annotate(
        is_overdue=Case(When(overdue_q(), then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def status_counts(*, actor: Any, filters: IssueFilter) -> dict[str, int]:
    """Issues per status among those the actor may see and the filters keep (ignoring the status filters)."""
    qs = issues_filtered(actor=actor, filters=_without_status(filters))
    rows = qs.order_by().values_list("status").annotate(n=Count("pk", distinct=True))
    return dict(rows)


def _without_status(filters: IssueFilter) -> IssueFilter:
    return replace(filters, status="", open_only=False)


@dataclass(frozen=True)
class DueInfo:
    """The SLA clock that runs next for one row: which one, when, and whether it is late."""

    clock: str
    due_at: datetime | None


def next_due(issue: SecurityIssue) -> DueInfo:
    """No query: the acknowledge, triage and fix clocks run in that order; the first unmet one is shown."""
    if issue.status not in OPEN_STATUSES:
        return DueInfo("", None)
    for name, due, done in (
        ("acknowledge", issue.ack_due_at, issue.acknowledged_at),
        ("triage", issue.triage_due_at, issue.triaged_at),
        ("fix", issue.fix_due_at, issue.fixed_at),
    ):
        if due is not None and done is None:
            return DueInfo(name, due)
    return DueInfo("", None)


def shown_names(actor: Any, issue: SecurityIssue) -> tuple[str, str]:
    """(component, team) names of a visible issue, blanked when their classification label hides them from the
    actor (an issue may be visible while the component it concerns is labelled away). No query: cached labels."""
    labels = label_ids_visible_to(actor)

    def name(obj: Any) -> str:
        if obj is None:
            return ""
        label = getattr(obj, "classification_id", None)
        return obj.name if label is None or label in labels else "(hidden)"

    component = name(issue.component) if issue.component_id else issue.component_text
    return component, name(issue.responsible_team)


def dashboard_counts(*, actor: Any) -> dict[str, int] | None:
    """New, overdue and open top-priority issues among those the actor may see, in one query; None without
    ISSUE_VIEW (no panel)."""
    if not can(actor, Permission.ISSUE_VIEW):
        return None
    return issues_visible_to(actor=actor).aggregate(
        new=Count("pk", filter=Q(status=IssueStatus.NEW)),
        overdue=Count("pk", filter=overdue_q()),
        top=Count("pk", filter=Q(priority=Priority.P1, status__in=OPEN_STATUSES)),
    )


def owners_of_visible(*, actor: Any) -> QuerySet[Any]:
    """Users who own at least one issue the actor may see (the owner filter's choices)."""
    from garrison.accounts.models import User

    owner_ids = issues_visible_to(actor=actor).filter(owner__isnull=False).values("owner_id")
    return User.objects.filter(pk__in=owner_ids).order_by("email")


def label_usage(*, actor: Any) -> dict[Any, int]:
    """Issues per label id, counted among the issues the actor may see."""
    rows = (
        issues_visible_to(actor=actor)
        .filter(labels__isnull=False)
        .order_by()
        .values_list("labels")
        .annotate(n=Count("pk", distinct=True))
    )
    return dict(rows)


def issues_of_finding(*, actor: Any, finding: Any) -> QuerySet[SecurityIssue]:
    """The issues a finding is linked to, among those the actor may see."""
    return issues_visible_to(actor=actor).filter(findings=finding).order_by("-number")
