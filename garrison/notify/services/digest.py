"""The daily digest of overdue issues (past an SLA clock). Each recipient gets only the issues they may see,
as keys and links; never a title. Sent once a day, claimed on the SchedulerState row so several schedulers
never send it twice."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from garrison.access.roles import SECURITY_TEAM_ROLES
from garrison.accounts.models import User
from garrison.issues.models import SecurityIssue
from garrison.issues.selectors import issues_visible_to, overdue_q
from garrison.notify.models import DeliveryChannel, SchedulerState
from garrison.notify.services.delivery import Outgoing, deliver_many


def digest_recipients(*, now: datetime) -> list[User]:
    """The security team, plus owners and responsible-team members of overdue issues (one query each)."""
    overdue = SecurityIssue.objects.filter(overdue_q(now))
    teams = overdue.exclude(responsible_team__isnull=True).values("responsible_team_id")
    owners = overdue.exclude(owner__isnull=True).values("owner_id")
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(role__in=SECURITY_TEAM_ROLES) | Q(pk__in=owners) | Q(team_memberships__team_id__in=teams))
        .distinct()
        .order_by("email")
    )


def digest_send(*, now: datetime) -> int:
    """Queue one digest email per recipient who may see at least one overdue issue. Returns how many.
    Queries: a constant number per recipient, none per issue."""
    base = settings.BASE_URL
    items: list[Outgoing] = []
    for user in digest_recipients(now=now):
        rows = list(issues_visible_to(actor=user).filter(overdue_q(now)).order_by("number").values_list("pk", "number"))
        if not rows:
            continue
        lines = [f"SEC-{number}  {base}/issues/{pk}/" for pk, number in rows]
        body = (
            f"{len(rows)} security issue(s) you can see are past an SLA deadline "
            f"(acknowledge, triage or fix) on {now:%Y-%m-%d}:\n\n" + "\n".join(lines) + "\n\nSign in to read them."
        )
        subject = f"[Garrison] Overdue security issues: {len(rows)}"
        items.append(Outgoing(DeliveryChannel.EMAIL, user.email, subject, body, user=user))
    deliver_many(items, now=now)
    return len(items)


def _state() -> None:
    if not SchedulerState.objects.filter(pk=1).exists():
        try:
            with transaction.atomic():
                SchedulerState.objects.create(pk=1)
        except IntegrityError:
            pass  # another scheduler created it first


def digest_run_if_due(*, now: datetime) -> int | None:
    """Send today's digest if the hour has come and nobody sent it yet. None: not due or already sent today."""
    now = now.astimezone(UTC)
    if now.hour < settings.GARRISON_DIGEST_HOUR_UTC:
        return None
    today = now.date()
    _state()
    with transaction.atomic():
        SchedulerState.objects.select_for_update().get(pk=1)
        claimed = (
            SchedulerState.objects.filter(pk=1)
            .exclude(last_digest_on=today)
            .update(last_digest_on=today, last_run_at=now)
        )
        if not claimed:
            return None
        return digest_send(now=now)
