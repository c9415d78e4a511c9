"""Fixed-window counters in the database, so every web process and worker shares one view of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction

from garrison.core import clock
from garrison.core.models import RateCounter


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    blocked_until: object | None = None


def is_blocked(key: str) -> bool:
    row = RateCounter.objects.filter(key=key).only("blocked_until").first()
    return bool(row and row.blocked_until and row.blocked_until > clock.now())


def hit(key: str, *, limit: int, window: timedelta, block: timedelta | None = None) -> Verdict:
    """Count one event for ``key``. Past ``limit`` events in ``window`` the key is blocked for ``block``
    (default: until the window ends). Returns whether this event is still allowed."""
    now = clock.now()
    with transaction.atomic():
        row = RateCounter.objects.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = RateCounter.objects.create(key=key, count=0, window_start=now)
            except IntegrityError:  # another process created it first
                row = RateCounter.objects.select_for_update().get(key=key)
        if row.blocked_until and row.blocked_until > now:
            return Verdict(allowed=False, count=row.count, blocked_until=row.blocked_until)
        if row.window_start + window <= now:
            row.count, row.window_start, row.blocked_until = 0, now, None
        row.count += 1
        allowed = row.count <= limit
        if not allowed:
            row.blocked_until = now + (block or (row.window_start + window - now))
        row.save()
        return Verdict(allowed=allowed, count=row.count, blocked_until=row.blocked_until)


def clear(key: str) -> None:
    RateCounter.objects.filter(key=key).delete()
