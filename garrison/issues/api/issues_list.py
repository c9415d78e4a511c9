"""Security issues: the filtered list (cursor pagination), a count, filing one, one issue in full, editing it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.findings.api import refs as org_refs
from garrison.issues import services
from garrison.issues.api import issues_refs as refs
from garrison.issues.api.issues_out import issue_detail, issue_row
from garrison.issues.api.schemas import CountOut, IssueDetailOut, IssueFiledOut, IssueIn, IssuePage, IssuePatch
from garrison.issues.models import Channel, IssueSeverity, IssueStatus, Priority, SecurityIssue
from garrison.issues.selectors import IssueFilter, get_issue_for, issues_filtered

router = Router()


class IssueQuery(Schema):
    q: str = Field("", description="Words in the title, or an issue key / number.")
    status: IssueStatus | None = None
    open: bool = Field(False, description="Only open issues (new, triage, confirmed, fixing).")
    severity: IssueSeverity | None = None
    priority: Priority | None = None
    level: UUID | None = Field(None, description="Security level id.")
    team: str = Field("", description="Responsible team id or name.")
    component: str = Field("", description="Component id or name.")
    owner: str = Field("", description='Owner id or email, or "me".')
    label: str = Field("", description="Label name.")
    overdue: bool = Field(False, description="Open and past an SLA clock.")

    def queryset(self, actor: Any) -> QuerySet[SecurityIssue]:
        text = self.q.strip()[:200]
        number = text.upper().removeprefix("SEC-")
        if number.isdigit() and len(number) > 9:
            raise ValidationError({"q": "No issue has a number that large."})
        owner = self.owner.strip()
        owner_id: Any = None
        if owner.lower() == "me":
            owner_id = actor.pk
        elif owner:
            try:
                owner_id = UUID(owner)
            except ValueError:
                owner_id = None
        filters = IssueFilter(
            text=text,
            status=str(self.status or ""),
            open_only=self.open,
            severity=str(self.severity or ""),
            priority=str(self.priority or ""),
            level=self.level,
            team=refs.team(actor, self.team),
            component=org_refs.component(actor, self.component),
            owner=owner_id,
            label=self.label.strip(),
            overdue=self.overdue,
        )
        qs = issues_filtered(actor=actor, filters=filters)
        if owner and owner_id is None:
            qs = qs.filter(owner__email__iexact=owner)
        return qs


class PageQuery(Schema):
    cursor: str | None = None
    limit: int = 50


def detail_or_gone(actor: Any, pk: Any) -> Any:
    """The issue's detail after a write; 204 when the change took it out of the actor's sight."""
    try:
        return issue_detail(actor, get_issue_for(actor=actor, pk=pk))
    except Http404:
        return Status(204, None)


@router.get("/issues", response=IssuePage, summary="List the security issues you may see, oldest first")
def list_issues(request: HttpRequest, query: Query[IssueQuery], paging: Query[PageQuery]) -> dict[str, Any]:
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    qs = query.queryset(actor).prefetch_related("labels")
    items, next_cursor = page(qs, cursor=paging.cursor, limit=paging.limit, keys=("number",))
    return {"items": [issue_row(actor, issue) for issue in items], "next_cursor": next_cursor}


@router.get("/issues/count", response=CountOut, summary="How many issues you may see match the filters")
def count_issues(request: HttpRequest, query: Query[IssueQuery]) -> dict[str, int]:
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    return {"count": query.queryset(actor).count()}


@router.post("/issues", response={201: IssueFiledOut}, summary="File an issue (internal)")
def create_issue(request: HttpRequest, payload: IssueIn) -> Status[Any]:
    """The issue starts at the most restrictive security level, like every report."""
    actor = request.user
    require(actor, Permission.ISSUE_CREATE)  # refuse before resolving anything in the body
    component = org_refs.component(actor, payload.component)
    report = services.ReportData(
        title=payload.title,
        description=payload.description,
        component_id=component.pk if component else None,
        component_text=payload.component_text,
        affected_versions=payload.affected_versions,
        steps_to_reproduce=payload.steps_to_reproduce,
        impact=payload.impact,
        cvss_vector=payload.cvss_vector,
        exposure=str(payload.exposure),
        exposure_links=payload.exposure_links,
        reporter_name=payload.reporter_name,
        reporter_email=payload.reporter_email,
        credit_name=payload.credit_name,
        consent_to_share=payload.consent_to_share,
    )
    filed = services.issue_intake(report=report, channel=Channel.INTERNAL, actor=actor).issue
    try:
        shown: dict[str, Any] | None = issue_detail(actor, get_issue_for(actor=actor, pk=filed.pk))
    except Http404:
        shown = None
    return Status(201, {"id": filed.pk, "key": filed.key, "visible": shown is not None, "issue": shown})


@router.get("/issues/{key}", response=IssueDetailOut, summary="One issue in full")
def get_issue(request: HttpRequest, key: str) -> dict[str, Any]:
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    return issue_detail(actor, refs.issue(actor, key))


@router.patch("/issues/{key}", response={200: IssueDetailOut, 204: None}, summary="Change an issue's fields (partial)")
def update_issue(request: HttpRequest, key: str, payload: IssuePatch) -> Any:
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    require(actor, Permission.ISSUE_TRIAGE)  # refuse before looking anything up
    issue = refs.issue(actor, key)
    changes: dict[str, Any] = {}
    for name, value in payload.model_dump(exclude_unset=True).items():
        if name == "component":
            changes[name] = org_refs.component(actor, value)
        elif name == "owner":
            changes[name] = refs.owner(issue, value)
        elif name == "labels":
            changes[name] = refs.labels(value)
        elif name == "exposure":
            changes[name] = str(value)
        else:
            changes[name] = value
    services.issue_update(actor=actor, issue=issue, changes=changes)
    return detail_or_gone(actor, issue.pk)
