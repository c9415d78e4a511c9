"""/api/v1/audit: read the audit log and verify its hash chain."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.audit.selectors import EventFilter, chain_break, events_visible_to

router = Router(tags=["audit"])


class EventQuery(Schema):
    actor_email: str = ""
    action: AuditAction | None = None
    target_type: str = ""
    target_id: str = ""
    since: date | None = None
    until: date | None = None
    cursor: str | None = None
    limit: int = 50

    def filters(self) -> EventFilter:
        return EventFilter(
            actor_email=self.actor_email,
            action=str(self.action) if self.action else "",
            target_type=self.target_type,
            target_id=self.target_id,
            since=self.since,
            until=self.until,
        )


class EventOut(Schema):
    """An event with exactly the values its hash covers (``created_at`` to the microsecond), so a client can
    re-check the chain: SHA-256 over the canonical JSON of every field but ``hash`` (see audit/chain.py)."""

    seq: int
    created_at: str
    actor_id: UUID | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    ip: str | None
    user_agent: str
    via: str
    data: dict[str, Any]
    prev_hash: str
    hash: str

    @staticmethod
    def resolve_created_at(obj: AuditEvent) -> str:
        return obj.created_at.isoformat()


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class VerifyOut(Schema):
    ok: bool
    first_broken_seq: int | None
    reason: str


@router.get("/events", response=EventPage, summary="List audit events, oldest first")
def event_list(request: HttpRequest, query: Query[EventQuery]) -> dict[str, Any]:
    """Events in chain order (ascending ``seq``), so a collector can follow the log page by page. Same filters as
    the audit page; ``since``/``until`` are whole UTC days, both included."""
    require(request.user, Permission.AUDIT_VIEW)
    qs = events_visible_to(actor=request.user, **query.filters().as_kwargs())
    items, next_cursor = page(qs, cursor=query.cursor, limit=query.limit, keys=("seq",))
    return {"items": items, "next_cursor": next_cursor}


@router.get("/verify", response=VerifyOut, summary="Verify the audit hash chain")
def verify(request: HttpRequest) -> dict[str, Any]:
    """Walk the whole chain; ``first_broken_seq`` is the first event that does not fit (or is missing)."""
    require(request.user, Permission.AUDIT_VIEW)
    broken = chain_break()
    if broken is None:
        return {"ok": True, "first_broken_seq": None, "reason": ""}
    return {"ok": False, "first_broken_seq": broken.seq, "reason": broken.reason}
