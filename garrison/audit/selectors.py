from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet

from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.audit.chain import Break, find_break
from garrison.audit.models import AuditChainHead, AuditEvent


def events_visible_to(
    *,
    actor: Any,
    actor_email: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events the actor may read, newest first, filtered. No permission: no rows."""
    if not can(actor, Permission.AUDIT_VIEW):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.all().order_by("-seq")
    if actor_email:
        qs = qs.filter(actor_label__iexact=actor_email.strip())
    if action:
        qs = qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if since:
        qs = qs.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=UTC))
    if until:
        qs = qs.filter(created_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC))
    return qs


def chain_break() -> Break | None:
    """Verify the whole chain (streams the table in batches). None means intact."""
    head = AuditChainHead.objects.filter(pk=1).first()
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    return find_break(events, head_seq=head.last_seq if head else None, head_hash=head.last_hash if head else None)
