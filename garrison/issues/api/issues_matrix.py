"""The backport matrix of an issue (one cell per component and release line) and the issue's history."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.audit.models import AuditEvent
from garrison.findings.api import refs as org_refs
from garrison.issues import services
from garrison.issues.api import issues_refs as refs
from garrison.issues.api.issues_out import backport_out
from garrison.issues.api.schemas import BackportIn, BackportOut, EnsureOut, HistoryPage
from garrison.issues.models import SecurityIssue
from garrison.issues.selectors import backports_of, issue_events

router = Router()


def _editable(request: HttpRequest, key: str) -> tuple[Any, SecurityIssue]:
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    require(actor, Permission.BACKPORT_EDIT)  # refuse before looking anything up
    return actor, refs.issue(actor, key)


@router.get("/issues/{key}/backports", response=list[BackportOut], summary="The backport matrix, cell by cell")
def list_backports(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    issue = refs.issue(actor, key)
    return [backport_out(actor, cell) for cell in backports_of(issue, actor)]


@router.put("/issues/{key}/backports", response=BackportOut, summary="Set one cell of the backport matrix")
def set_backport(request: HttpRequest, key: str, payload: BackportIn) -> dict[str, Any]:
    """The cell is created when missing. ``fixed`` needs ``fixed_version``; ``fix_links`` must be http(s) URLs."""
    actor, issue = _editable(request, key)
    component = org_refs.component(actor, payload.component)
    release_line = org_refs.release_line(actor, payload.release_line)
    cell = services.backport_set(
        actor=actor,
        issue=issue,
        component=component,
        release_line=release_line,
        status=str(payload.status),
        fixed_version=payload.fixed_version,
        fix_links="\n".join(payload.fix_links),
        workaround=payload.workaround,
        decision=payload.decision,
    )
    return backport_out(actor, backports_of(issue, actor).get(pk=cell.pk))


@router.post(
    "/issues/{key}/backports/ensure",
    response=EnsureOut,
    summary="Add an 'unknown' cell for each supported release line of the issue's component",
)
def ensure_backports(request: HttpRequest, key: str) -> dict[str, Any]:
    actor, issue = _editable(request, key)
    created = services.backports_add_supported(actor=actor, issue=issue)
    return {"created": created, "items": [backport_out(actor, cell) for cell in backports_of(issue, actor)]}


def _events(actor: Any, issue: SecurityIssue) -> QuerySet[AuditEvent]:
    return issue_events(actor=actor, issue=issue)


def _history_row(event: AuditEvent) -> dict[str, Any]:
    data = event.data if isinstance(event.data, dict) else {}
    changed = data.get("fields")
    return {
        "seq": event.seq,
        "action": event.action,
        "actor": event.actor_label,
        "at": event.created_at,
        "data_fields": sorted(data),
        "fields": [str(f) for f in changed] if isinstance(changed, list) else [],
    }


@router.get("/issues/{key}/history", response=HistoryPage, summary="What happened to the issue, oldest first")
def issue_history(request: HttpRequest, key: str, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    """Audit events: the action, who, when and the names of the fields recorded (never their values)."""
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    issue = refs.issue(actor, key)
    items, next_cursor = page(_events(actor, issue), cursor=cursor, limit=limit, keys=("seq",))
    return {"items": [_history_row(e) for e in items], "next_cursor": next_cursor}
