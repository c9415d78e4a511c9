"""/api/v1/notify: who is on duty now, the delivery log, acknowledging a page."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.core import clock
from garrison.notify import services
from garrison.notify.models import DeliveryChannel, DeliveryStatus
from garrison.notify.selectors import deliveries_visible_to, get_page_for

router = Router(tags=["notify"])


class PersonOut(Schema):
    id: UUID
    email: str
    name: str


class OnCallOut(Schema):
    at: datetime
    on_duty: list[PersonOut]


class DeliveryOut(Schema):
    id: UUID
    channel: DeliveryChannel
    recipient: str
    subject: str
    issue_key: str | None
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    sent_at: datetime | None
    created_at: datetime


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryQuery(Schema):
    status: DeliveryStatus | None = None
    cursor: str | None = None
    limit: int = 50


class PageOut(Schema):
    id: UUID
    issue_key: str
    level: int
    sent_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None


@router.get("/on-call", response=OnCallOut, summary="Who is on duty now, in paging order")
def on_call(request: HttpRequest) -> dict[str, Any]:
    require(request.user, Permission.ONCALL_VIEW)
    now = clock.now()
    people = [{"id": u.pk, "email": u.email, "name": u.display_name} for u in services.on_duty(now)]
    return {"at": now, "on_duty": people}


@router.get("/deliveries", response=DeliveryPage, summary="The delivery log, oldest first")
def deliveries(request: HttpRequest, query: Query[DeliveryQuery]) -> dict[str, Any]:
    require(request.user, Permission.DELIVERY_VIEW)
    qs = deliveries_visible_to(actor=request.user, status=str(query.status or ""))
    rows, next_cursor = page(qs, cursor=query.cursor, limit=query.limit, keys=("created_at", "id"))
    items = [
        {
            "id": d.pk,
            "channel": d.channel,
            "recipient": d.recipient_display,
            "subject": d.subject,
            "issue_key": d.issue.key if d.issue is not None else None,
            "status": d.status,
            "attempts": d.attempts,
            "next_attempt_at": d.next_attempt_at,
            "last_error": d.last_error,
            "sent_at": d.sent_at,
            "created_at": d.created_at,
        }
        for d in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


@router.post("/pages/{uuid:page_id}/ack", response=PageOut, summary="Acknowledge a page (the paged person or a lead)")
def acknowledge(request: HttpRequest, page_id: UUID) -> dict[str, Any]:
    actor = request.user
    require(actor, Permission.ONCALL_VIEW)
    acked = services.page_acknowledge(actor=actor, page=get_page_for(actor=actor, pk=page_id))
    return {
        "id": acked.pk,
        "issue_key": acked.issue.key,
        "level": acked.level,
        "sent_at": acked.sent_at,
        "acknowledged_at": acked.acknowledged_at,
        "acknowledged_by": acked.acknowledged_by.email if acked.acknowledged_by else None,
    }
