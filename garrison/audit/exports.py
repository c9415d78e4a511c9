"""Audit events as CSV or JSON Lines, one line at a time, so an export of any size streams in constant memory.

Each JSON line holds exactly the fields the chain hashes plus ``hash``, so anyone can re-check an export with
SHA-256 over the canonical JSON (see chain.py) without access to Garrison.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from garrison.audit.chain import fields_of
from garrison.audit.models import AuditEvent

COLUMNS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "ip",
    "user_agent",
    "via",
    "data",
    "prev_hash",
    "hash",
)

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a leading quote makes
# it text. Tab and carriage return are included because some spreadsheets strip them and read what follows.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def event_record(event: AuditEvent) -> dict[str, Any]:
    """The event as the chain hashed it, with its own hash."""
    fields = fields_of(event)
    fields["hash"] = event.hash
    return fields


def _csv_row(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    yield _csv_row(COLUMNS)
    for event in events:
        record = event_record(event)
        record["data"] = json.dumps(record["data"], sort_keys=True, ensure_ascii=False)
        yield _csv_row(safe_cell("" if record[c] is None else str(record[c])) for c in COLUMNS)


def jsonl_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    for event in events:
        yield json.dumps(event_record(event), ensure_ascii=False, sort_keys=True) + "\n"


WRITERS = {"csv": csv_lines, "jsonl": jsonl_lines}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
