"""How the audit page shows times and event data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import template

register = template.Library()

SUMMARY_LIMIT = 120


@register.filter
def utc(value: datetime | None) -> str:
    """``2025-03-01 14:05:09 UTC``: the audit log is read in one zone, named, whatever the viewer's."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return str(value)


@register.filter
def summary(data: Any) -> str:
    """``key=value, key=value``, cut at 120 characters (the export has everything)."""
    if not data:
        return ""
    if not isinstance(data, dict):
        text = _short(data)
    else:
        text = ", ".join(f"{key}={_short(value)}" for key, value in sorted(data.items()))
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"
