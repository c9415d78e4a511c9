"""Writing to the audit log. Call `record()` inside the service's transaction, never after it."""

from __future__ import annotations

import json
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit.actions import AuditAction
from garrison.audit.chain import GENESIS, compute_hash, event_fields
from garrison.audit.models import AuditChainHead, AuditEvent
from garrison.audit.selectors import EventFilter, events_for_operator, events_visible_to
from garrison.core import clock, request_context

EXPORT_FORMATS = ("csv", "jsonl")


def _target(target: Any) -> tuple[str, str]:
    if target is None:
        return "", ""
    meta = target._meta
    return f"{meta.app_label}.{meta.model_name}", str(target.pk)


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                head = AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS)
        except IntegrityError:
            head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def record(
    *,
    action: AuditAction,
    actor: Any = None,
    target: Any = None,
    data: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. ``data`` must hold no embargoed detail or secret: ids and field names."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction")
    info = request_context.current()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label if actor_label is not None else (getattr(actor_obj, "email", "") or "")
    target_type, target_id = _target(target)
    clean_data = json.loads(json.dumps(data or {}, default=str))
    head = _locked_head()
    created_at = clock.now()
    fields = event_fields(
        seq=head.last_seq + 1,
        created_at=created_at,
        actor_id=getattr(actor_obj, "pk", None),
        actor_label=label,
        action=str(action),
        target_type=target_type,
        target_id=target_id,
        ip=info.ip,
        user_agent=info.user_agent,
        via=info.via,
        data=clean_data,
        prev_hash=head.last_hash,
    )
    digest = compute_hash(fields)
    event = AuditEvent.objects.create(
        seq=fields["seq"],
        created_at=created_at,
        actor_id=getattr(actor_obj, "pk", None),
        actor_label=label,
        action=fields["action"],
        target_type=target_type,
        target_id=target_id,
        ip=info.ip,
        user_agent=info.user_agent,
        via=info.via,
        data=clean_data,
        prev_hash=head.last_hash,
        hash=digest,
    )
    head.last_seq, head.last_hash = fields["seq"], digest
    head.save(update_fields=["last_seq", "last_hash"])
    return event


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"export format must be one of {', '.join(EXPORT_FORMATS)} (got {fmt!r})")


@transaction.atomic
def export_record(*, actor: Any, filters: EventFilter, fmt: str) -> QuerySet[AuditEvent]:
    """Record that ``actor`` exports the events matching ``filters``, and return those events, oldest first
    (chain order, so a reader can re-check the hashes line by line). The caller streams the query set."""
    require(actor, Permission.AUDIT_EXPORT)
    _check_format(fmt)
    record(action=AuditAction.AUDIT_EXPORTED, actor=actor, data={"format": fmt, "filters": filters.as_data()})
    return events_visible_to(actor=actor, **filters.as_kwargs()).order_by("seq")


@transaction.atomic
def export_record_operator(*, filters: EventFilter, fmt: str) -> QuerySet[AuditEvent]:
    """`export_record` for the command line: the operator already holds the database, so no role applies;
    the event names "cli" as its actor."""
    _check_format(fmt)
    record(action=AuditAction.AUDIT_EXPORTED, actor_label="cli", data={"format": fmt, "filters": filters.as_data()})
    return events_for_operator(filters)
