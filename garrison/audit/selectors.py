from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet

from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.audit.chain import Break, find_break
from garrison.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class EventFilter:
    """What a reader of the audit log narrows it to; empty fields do not filter."""

    actor_email: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    since: date | None = None
    until: date | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def as_data(self) -> dict[str, str]:
        """The filters in use, as strings (for the audit record of an export)."""
        return {name: str(value) for name, value in self.as_kwargs().items() if value not in ("", None)}


def _filtered(
    qs: QuerySet[AuditEvent],
    *,
    actor_email: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
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
    return _filtered(
        AuditEvent.objects.all().order_by("-seq"),
        actor_email=actor_email,
        action=action,
        target_type=target_type,
        target_id=target_id,
        since=since,
        until=until,
    )


def events_page_visible_to(
    *, actor: Any, filters: EventFilter, cursor: int | None, limit: int
) -> tuple[list[AuditEvent], int | None]:
    """One page of events, newest first, older than ``cursor`` (a seq), and the cursor of the next older page.

    Keyset pagination on the primary key: one query per page however deep the reader goes.
    """
    qs = events_visible_to(actor=actor, **filters.as_kwargs())
    if cursor is not None:
        qs = qs.filter(seq__lt=cursor)
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, rows[-1].seq


def events_for_operator(filters: EventFilter) -> QuerySet[AuditEvent]:
    """Every event matching ``filters``, oldest first, unscoped.

    Only for the `garrison` command line: whoever runs it holds the database credentials already. Pages and the
    API use `events_visible_to`.
    """
    return _filtered(AuditEvent.objects.all(), **filters.as_kwargs()).order_by("seq")


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def chain_length() -> int:
    """How many events the chain head says there are (what a verification will walk)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return head.last_seq if head else AuditEvent.objects.count()


def chain_report(*, progress: Callable[[int], None] | None = None, every: int = 1000) -> ChainReport:
    """Walk the whole chain in batches; ``progress(n)`` is called after every ``every`` events."""
    head = AuditChainHead.objects.filter(pk=1).first()
    checked = 0

    def counted(events: Iterator[AuditEvent]) -> Iterator[AuditEvent]:
        nonlocal checked
        for event in events:
            checked += 1
            if progress is not None and checked % every == 0:
                progress(every)
            yield event

    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    broken = find_break(
        counted(events), head_seq=head.last_seq if head else None, head_hash=head.last_hash if head else None
    )
    if progress is not None and checked % every:
        progress(checked % every)
    return ChainReport(checked=checked, broken=broken)


def chain_break() -> Break | None:
    """Verify the whole chain (streams the table in batches). None means intact."""
    return chain_report().broken
