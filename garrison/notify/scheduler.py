"""The periodic work django-tasks cannot schedule (see docs/adr/0007-scheduler.md): `garrison scheduler` (and
`garrison serve`) call ``run_due`` every 30 seconds. Every part is idempotent and safe with several schedulers:
deliveries and pages are claimed row by row, the digest by a conditional update on the SchedulerState row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from garrison.core import clock
from garrison.notify.services import deliveries_requeue_due, digest_run_if_due, pages_escalate_due

INTERVAL_SECONDS = 30


@dataclass(frozen=True)
class RunReport:
    requeued: int
    escalated: int
    digests: int | None  # None: the digest was not due (or already sent today)
    published: tuple[str, ...] = ()  # advisories whose embargo ended

    def __str__(self) -> str:
        digest = "not due" if self.digests is None else f"{self.digests} sent"
        text = f"{self.requeued} deliveries requeued, {self.escalated} pages escalated, digest {digest}"
        return text + (f", published {', '.join(self.published)}" if self.published else "")


def run_due(now: datetime | None = None) -> RunReport:
    """(a) re-send deliveries whose next attempt has come, (b) escalate unacknowledged pages, (c) once a day at
    GARRISON_DIGEST_HOUR_UTC, the overdue digest, (d) publish the advisories whose embargo has ended."""
    from garrison.disclosure.services import advisories_publish_due

    now = now or clock.now()
    return RunReport(
        requeued=deliveries_requeue_due(now=now),
        escalated=pages_escalate_due(now=now),
        digests=digest_run_if_due(now=now),
        published=tuple(advisories_publish_due(now=now)),
    )
