"""Background work of findings: imports of uploaded reports, and the daily expiry of risk acceptances."""

from __future__ import annotations

from django_tasks import task

from garrison.core import clock
from garrison.findings.models import Scan
from garrison.findings.services import decisions_expire, scan_run


@task()
def scan_import_task(*, scan_id: str) -> str:
    """Import a queued upload (see services.scan_enqueue). Returns the scan's final status."""
    scan = Scan.objects.filter(pk=scan_id).first()
    if scan is None:
        return "missing"
    return str(scan_run(scan=scan).status)


@task()
def decisions_expire_task() -> int:
    """Reopen the risk acceptances past their expiry. Run it daily (e.g. from cron: the task is idempotent)."""
    return decisions_expire(now=clock.now())
