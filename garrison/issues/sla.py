"""Severity -> priority and SLA due dates, from settings (GARRISON_SLA_*, GARRISON_SEVERITY_PRIORITY)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from garrison.issues.models import Priority


def add_business_days(start: datetime, days: int) -> datetime:
    """``days`` working days (Monday to Friday) after ``start``, at the same time of day."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def priority_for(severity: str) -> str:
    return str(settings.GARRISON_SEVERITY_PRIORITY.get(severity, ""))


def is_top_priority(priority: str) -> bool:
    return priority == Priority.P1


def ack_due(received_at: datetime) -> datetime:
    return add_business_days(received_at, settings.GARRISON_SLA_ACK_BUSINESS_DAYS)


def triage_due(received_at: datetime) -> datetime:
    return add_business_days(received_at, settings.GARRISON_SLA_TRIAGE_BUSINESS_DAYS)


def fix_due(received_at: datetime, severity: str) -> datetime | None:
    days = settings.GARRISON_SLA_FIX_DAYS.get(severity)
    return received_at + timedelta(days=int(str(days))) if days else None
