"""Background work of notify: sending one delivery, and the work behind each issue hook."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from garrison.core import clock
from garrison.notify import services


def _when(now: str) -> datetime:
    """The scheduler's ``now`` when it enqueued the job, unless real time is already later."""
    real = clock.now()
    if not now:
        return real
    return max(datetime.fromisoformat(now), real)


@task()
def send_delivery(*, delivery_id: str, attempt: int = 0, now: str = "") -> str:
    """One attempt of one delivery; ``attempt`` is the attempt count it was enqueued for (duplicates: no-op)."""
    return str(services.attempt_delivery(delivery_id=delivery_id, expected_attempts=attempt, now=_when(now)))


@task()
def issue_reported_task(*, issue_id: str) -> int:
    return services.issue_reported(issue_id=issue_id)


@task()
def issue_top_priority_task(*, issue_id: str) -> str:
    page = services.page_issue(issue_id=issue_id)
    return str(page.pk) if page else ""


@task()
def reporter_message_task(*, issue_id: str) -> bool:
    return services.reporter_message(issue_id=issue_id)


@task()
def reporter_replied_task(*, issue_id: str) -> int:
    return services.reporter_replied(issue_id=issue_id)
