"""Paging the person on duty for a top-priority issue, escalating when nobody acknowledges in time.

Chain: the people on duty (see oncall.on_duty) in order, then the security leads. Each page waits
GARRISON_PAGE_ACK_MINUTES; unacknowledged, the scheduler pages the next person in the chain not yet paged for
this issue. Any acknowledgement stops the escalation of the issue's pending pages.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.access.roles import Role
from garrison.accounts.models import User
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core import clock
from garrison.issues.models import SecurityIssue
from garrison.issues.selectors import OPEN_STATUSES
from garrison.notify.channels import PAGER_KINDS, pager_payload
from garrison.notify.models import DeliveryChannel, Notification, Page
from garrison.notify.services.delivery import Outgoing, deliver_many
from garrison.notify.services.links import issue_link, new_message_id, page_ack_link, security_leads
from garrison.notify.services.oncall import on_duty

logger = logging.getLogger("garrison.notify")


def escalation_chain(at: datetime) -> list[User]:
    chain = on_duty(at)
    seen = {u.pk for u in chain}
    chain.extend(u for u in security_leads() if u.pk not in seen)
    return chain


def _page(issue: SecurityIssue, user: User, *, level: int, now: datetime) -> Page:
    """Create the page and its deliveries (inside the caller's transaction)."""
    page = Page.objects.create(
        issue=issue,
        user=user,
        level=level,
        sent_at=now,
        escalate_at=now + timedelta(minutes=settings.GARRISON_PAGE_ACK_MINUTES),
    )
    ack = page_ack_link(page)
    text = f"You are paged for top-priority security issue {issue.key}. Acknowledge: {ack}"
    body = (
        f"{text}\n\nSign in to read it: {issue_link(issue)}\n\n"
        f"Without acknowledgement within {settings.GARRISON_PAGE_ACK_MINUTES} minutes the next person is paged."
    )
    items = [
        Outgoing(
            DeliveryChannel.EMAIL,
            user.email,
            f"[Garrison] PAGE: top-priority security issue {issue.key}",
            body,
            user=user,
            issue=issue,
            message_id=new_message_id(),
        )
    ]
    kind = settings.GARRISON_PAGER_KIND
    if level == 0 and settings.GARRISON_PAGER_URL and kind in PAGER_KINDS:
        # the pager's own routing takes over from here; our escalation continues by email and in-app
        payload = pager_payload(kind=kind, issue_key=issue.key, link=issue_link(issue))
        items.append(
            Outgoing(
                DeliveryChannel.PAGE,
                settings.GARRISON_PAGER_URL,
                f"Pager alert {issue.key}",
                payload=payload,
                user=user,
                issue=issue,
            )
        )
    deliver_many(items, now=now)
    Notification.objects.create(user=user, text=text[:500], link=ack)
    record(
        action=AuditAction.PAGE_SENT,
        target=page,
        actor_label="system",
        data={"issue": str(issue.pk), "user": str(user.pk), "level": level},
    )
    return page


def page_issue(*, issue_id: Any, now: datetime | None = None) -> Page | None:
    """Page the first person of the chain for a top-priority issue (once: not while a page is pending)."""
    now = now or clock.now()
    with transaction.atomic():
        issue = SecurityIssue.objects.select_for_update().filter(pk=issue_id).first()
        if issue is None or issue.status not in OPEN_STATUSES:
            return None
        if Page.objects.filter(issue=issue, acknowledged_at__isnull=True, escalate_at__isnull=False).exists():
            return None
        chain = escalation_chain(now)
        if not chain:
            logger.error("top-priority issue %s: nobody on duty and no security lead to page", issue.key)
            return None
        return _page(issue, chain[0], level=0, now=now)


def pages_escalate_due(*, now: datetime) -> int:
    """Escalate every page past its acknowledgement deadline. Safe with several schedulers (row claimed)."""
    due = list(
        Page.objects.filter(acknowledged_at__isnull=True, escalated=False, escalate_at__lte=now).values_list(
            "pk", flat=True
        )[:200]
    )
    done = 0
    everyone: list[Any] | None = None  # the escalation chain, read once per run (it does not depend on the page)
    for pk in due:
        with transaction.atomic():
            claimed = Page.objects.filter(
                pk=pk, acknowledged_at__isnull=True, escalated=False, escalate_at__lte=now
            ).update(escalated=True, escalate_at=None, updated_at=now)
            if not claimed:
                continue
            page = Page.objects.select_related("issue").get(pk=pk)
            record(
                action=AuditAction.PAGE_ESCALATED,
                target=page,
                actor_label="system",
                data={"issue": str(page.issue_id), "from_user": str(page.user_id), "level": page.level},
            )
            done += 1
            if page.issue.status not in OPEN_STATUSES:
                continue
            paged = set(Page.objects.filter(issue_id=page.issue_id).values_list("user_id", flat=True))
            if everyone is None:
                everyone = list(escalation_chain(now))
            chain = [u for u in everyone if u.pk not in paged]
            if chain:
                _page(page.issue, chain[0], level=page.level + 1, now=now)
            else:
                logger.error("page %s for %s: nobody left to escalate to", page.pk, page.issue.key)
    return done


def page_acknowledge(*, actor: Any, page: Page, now: datetime | None = None) -> Page:
    """The paged person or a security lead acknowledges: the issue's pending escalations stop."""
    require(actor, Permission.ONCALL_VIEW)
    if page.user_id != actor.pk and actor.role != Role.SECURITY_LEAD:
        raise AccessDenied(Permission.ONCALL_VIEW, "only the paged person or a security lead acknowledges a page")
    now = now or clock.now()
    with transaction.atomic():
        locked = Page.objects.select_for_update().get(pk=page.pk)
        if locked.acknowledged_at is not None:
            raise ValidationError({"page": "This page was already acknowledged."})
        locked.acknowledged_at, locked.acknowledged_by, locked.escalate_at = now, actor, None
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "escalate_at", "updated_at"])
        Page.objects.filter(issue_id=locked.issue_id, acknowledged_at__isnull=True, escalate_at__isnull=False).update(
            escalate_at=None, updated_at=now
        )
        record(
            action=AuditAction.PAGE_ACKNOWLEDGED,
            actor=actor,
            target=locked,
            data={"issue": str(locked.issue_id), "level": locked.level, "paged_user": str(locked.user_id)},
        )
    return locked
