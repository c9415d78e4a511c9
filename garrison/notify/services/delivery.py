"""Deliveries: queue a message (written with its Delivery row, sent by the worker after commit), attempt it,
back off and retry, give up visibly after GARRISON_DELIVERY_MAX_ATTEMPTS. A delivery never touches the issue.

Sending is claimed with a compare-and-set on ``attempts``: a task carries the attempt number it was enqueued for,
so a duplicate task (two scheduler ticks, a re-delivered job) is a no-op and one message goes out once per attempt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core import clock
from garrison.core.crypto import seal_text
from garrison.notify.channels import CHANNELS, DeliveryError
from garrison.notify.models import Delivery, DeliveryStatus
from garrison.notify.services.links import new_message_id

logger = logging.getLogger("garrison.notify")

# A queued delivery not sent by then (worker down, job lost) is picked up again by the scheduler.
LEASE = timedelta(minutes=5)
BACKOFF_CAP_MINUTES = 60
PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)


@dataclass(frozen=True)
class Outgoing:
    """One message to queue. ``sealed_label``: when set, the recipient and body are sealed at rest (reporter mail:
    their address and private tracking link) and the log shows this label instead of the address."""

    channel: str
    recipient: str
    subject: str = ""
    body: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    user: Any = None
    issue: Any = None
    reply_to: str = ""
    message_id: str = ""
    sealed_label: str = ""


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 ... minutes, at most BACKOFF_CAP_MINUTES."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), BACKOFF_CAP_MINUTES))


def _row(item: Outgoing, now: datetime) -> Delivery:
    row = Delivery(
        channel=item.channel,
        recipient=item.recipient,
        user=item.user,
        subject=item.subject[:300],
        body=item.body,
        payload=item.payload,
        issue=item.issue,
        reply_to=item.reply_to,
        # Every email gets a Message-ID we keep: a bounce names it, so the delivery can show as bounced.
        message_id=item.message_id or (new_message_id() if item.channel == "email" else ""),
        status=DeliveryStatus.QUEUED,
        next_attempt_at=now + LEASE,
    )
    if item.sealed_label:
        row.sealed = True
        row.recipient_label = item.sealed_label[:200]
        row.recipient = seal_text(item.recipient, associated_data=f"notify.delivery.recipient:{row.pk}")
        row.body = seal_text(item.body, associated_data=f"notify.delivery.body:{row.pk}") if item.body else ""
    return row


def deliveries_bounced(*, message_ids: list[str]) -> int:
    """A bounce came back naming these Message-IDs: the sent emails among them show as bounced."""
    ids = [m.strip() for m in message_ids if m.strip()]
    if not ids:
        return 0
    return Delivery.objects.filter(message_id__in=ids, status=DeliveryStatus.SENT).update(
        status=DeliveryStatus.BOUNCED, last_error="bounced: the recipient's mail server returned it"
    )


def enqueue_send(delivery_id: Any, attempt: int, now: datetime | None = None) -> None:
    from garrison.notify.tasks import send_delivery

    send_delivery.enqueue(delivery_id=str(delivery_id), attempt=attempt, now=now.isoformat() if now else "")


def _enqueue_all(pairs: list[tuple[Any, int]], now: datetime | None = None) -> None:
    for pk, attempts in pairs:
        enqueue_send(pk, attempts, now)


def deliver_many(items: list[Outgoing], *, now: datetime | None = None) -> list[Delivery]:
    """Queue several deliveries in one insert; each is sent by the worker once the transaction commits."""
    if not items:
        return []
    now = now or clock.now()
    with transaction.atomic():
        rows = Delivery.objects.bulk_create([_row(item, now) for item in items])
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _enqueue_all([(pk, 0) for pk in ids]))
    return rows


def deliver(
    *,
    channel: str,
    recipient: str,
    subject: str = "",
    body: str = "",
    payload: dict[str, Any] | None = None,
    user: Any = None,
    issue: Any = None,
    reply_to: str = "",
    message_id: str = "",
    sealed_label: str = "",
    now: datetime | None = None,
) -> Delivery:
    """Queue one delivery (see deliver_many)."""
    item = Outgoing(channel, recipient, subject, body, payload or {}, user, issue, reply_to, message_id, sealed_label)
    return deliver_many([item], now=now)[0]


def attempt_delivery(*, delivery_id: Any, expected_attempts: int, now: datetime | None = None) -> str:
    """One attempt (the worker task). Returns the delivery's status afterwards, or "skipped" when another attempt
    already claimed this one or it is no longer pending."""
    now = now or clock.now()
    claimed = Delivery.objects.filter(pk=delivery_id, attempts=expected_attempts, status__in=PENDING).update(
        attempts=expected_attempts + 1, next_attempt_at=now + LEASE, updated_at=now
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.get(pk=delivery_id)
    sender = CHANNELS.get(delivery.channel)
    try:
        if sender is None:
            raise DeliveryError(f"no sender for channel {delivery.channel!r}")
        sender(delivery)
    except DeliveryError as exc:
        return _failed(delivery, str(exc), now)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None, last_error="", updated_at=now
    )
    return DeliveryStatus.SENT


def _failed(delivery: Delivery, error: str, now: datetime) -> str:
    if delivery.attempts >= settings.GARRISON_DELIVERY_MAX_ATTEMPTS:
        status, next_at = DeliveryStatus.FAILED, None
        logger.warning("delivery %s failed for good after %s attempts: %s", delivery.pk, delivery.attempts, error)
    else:
        status, next_at = DeliveryStatus.RETRYING, now + backoff(delivery.attempts)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, next_attempt_at=next_at, last_error=error[:300], updated_at=now
    )
    return status


def deliveries_requeue_due(*, now: datetime) -> int:
    """Enqueue every pending delivery whose next attempt is due (retries after back-off, and queued ones whose
    worker job was lost). Pushes their next attempt one lease ahead so the next tick does not enqueue them again."""
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status__in=PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", "attempts")[:500]
        )
        if not due:
            return 0
        Delivery.objects.filter(pk__in=[pk for pk, _ in due]).update(next_attempt_at=now + LEASE, updated_at=now)
        transaction.on_commit(lambda: _enqueue_all(due, now))
    return len(due)


def delivery_retry(*, actor: Any, delivery: Delivery) -> Delivery:
    """Send a failed (or waiting) delivery again now: one more attempt, whatever the count so far."""
    require(actor, Permission.DELIVERY_MANAGE)
    if delivery.status == DeliveryStatus.SENT:
        raise ValidationError({"status": "This delivery was already sent."})
    now = clock.now()
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        before = locked.status
        locked.status = DeliveryStatus.QUEUED
        locked.next_attempt_at = now + LEASE
        locked.save(update_fields=["status", "next_attempt_at", "updated_at"])
        record(
            action=AuditAction.DELIVERY_RETRIED,
            actor=actor,
            target=locked,
            data={"from": before, "attempts": locked.attempts, "channel": locked.channel},
        )
        pk, attempts = locked.pk, locked.attempts
        transaction.on_commit(lambda: enqueue_send(pk, attempts))
    return locked
