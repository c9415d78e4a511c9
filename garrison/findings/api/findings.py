"""Findings: filtered lists with cursor pagination, one finding with its tools and decision, triage."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.findings import services
from garrison.findings.api import refs
from garrison.findings.api.schemas import DecisionIn, FindingDetailOut, FindingPage
from garrison.findings.models import DecisionState, FindingState, Kind, Severity
from garrison.findings.selectors import findings_filtered, get_finding_for, with_last_seen

router = Router()


class FindingQuery(Schema):
    severity: list[Severity] = Field(default_factory=list, description="Repeat for several: ?severity=high&...")
    state: FindingState | None = None
    component: str = Field("", description="Component id or name.")
    release_line: str = Field("", description="Release line id or name.")
    tool: str = Field("", description="A tool that reported the finding (exact).")
    vulnerability_id: str = Field("", description="CVE, GHSA, ...: the primary id or one of its aliases.")
    package: str = Field("", description="Part of the versionless package URL.")
    kind: Kind | None = None
    suppressed: bool | None = None
    decision: DecisionState | None = Field(None, description="State of the triage decision that covers it.")
    cursor: str | None = None
    limit: int = 50

    def filters(self, actor: Any) -> dict[str, Any]:
        return {
            "severities": [str(s) for s in self.severity],
            "state": str(self.state or ""),
            "component": refs.component(actor, self.component),
            "release_line": refs.release_line(actor, self.release_line),
            "tool": self.tool.strip(),
            "vulnerability_id": self.vulnerability_id.strip(),
            "package": self.package.strip(),
            "kind": str(self.kind or ""),
            "suppressed": self.suppressed,
            "decision": str(self.decision or ""),
        }


@router.get("/findings", response=FindingPage, summary="List findings, oldest first")
def list_findings(request: HttpRequest, query: Query[FindingQuery]) -> dict[str, Any]:
    actor = request.user
    require(actor, Permission.FINDING_VIEW)
    qs = findings_filtered(actor=actor, **query.filters(actor))
    items, next_cursor = page(with_last_seen(qs), cursor=query.cursor, limit=query.limit, keys=("created_at", "id"))
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/findings/{uuid:finding_id}",
    response=FindingDetailOut,
    summary="One finding, its tools and decision",
)
def get_finding(request: HttpRequest, finding_id: UUID) -> Any:
    require(request.user, Permission.FINDING_VIEW)
    return get_finding_for(actor=request.user, pk=finding_id)


@router.post(
    "/findings/{uuid:finding_id}/decision",
    response=FindingDetailOut,
    summary="Set the triage decision (it covers every finding of the component with the same key)",
)
def set_decision(request: HttpRequest, finding_id: UUID, payload: DecisionIn) -> Any:
    actor = request.user
    require(actor, Permission.FINDING_VIEW)
    require(actor, Permission.FINDING_TRIAGE)  # refuse before looking anything up
    finding = get_finding_for(actor=actor, pk=finding_id)
    services.decision_set(
        finding=finding,
        state=payload.state,
        reason=payload.reason,
        justification=str(payload.justification or ""),
        expires_at=payload.expires_at,
        actor=actor,
    )
    return get_finding_for(actor=actor, pk=finding_id)
