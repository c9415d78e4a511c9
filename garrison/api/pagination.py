"""Keyset (cursor) pagination: stable under inserts, constant cost per page however deep."""

from __future__ import annotations

import base64
import json
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from ninja import Schema
from ninja.errors import HttpError

M = TypeVar("M", bound=Model)

MAX_LIMIT = 200


class PageMeta(Schema):
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def _decode(cursor: str, width: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        raise HttpError(400, "cursor: not a cursor this API issued") from None
    if not isinstance(values, list) or len(values) != width:
        raise HttpError(400, "cursor: not a cursor this API issued")
    return values


def page(
    qs: QuerySet[M], *, cursor: str | None, limit: int, keys: tuple[str, ...] = ("name", "id")
) -> tuple[list[M], str | None]:
    """One page of ``qs`` ordered by ``keys`` (ascending, the last one unique), and the cursor for the next."""
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"limit: must be between 1 and {MAX_LIMIT}")
    qs = qs.order_by(*keys)
    if cursor:
        values = _decode(cursor, len(keys))
        condition = Q()
        for i, key in enumerate(keys):
            step = Q(**{f"{key}__gt": values[i]})
            for j in range(i):
                step &= Q(**{keys[j]: values[j]})
            condition |= step
        try:
            qs = qs.filter(condition)
        except (TypeError, ValueError, OverflowError, ValidationError):
            # values of the wrong type for the key columns: a forged cursor, not a server fault
            raise HttpError(400, "cursor: not a cursor this API issued") from None
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, _encode([getattr(last, key) for key in keys])
