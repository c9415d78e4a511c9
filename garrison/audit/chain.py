"""The hash chain: canonical JSON of each event, SHA-256 over it and the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def event_fields(
    *,
    seq: int,
    created_at: datetime,
    actor_id: Any,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    ip: str | None,
    user_agent: str,
    via: str,
    data: dict[str, Any],
    prev_hash: str,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "created_at": created_at.isoformat(),
        "actor_id": str(actor_id) if actor_id else None,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "ip": ip,
        "user_agent": user_agent,
        "via": via,
        "data": data,
        "prev_hash": prev_hash,
    }


def fields_of(event: Any) -> dict[str, Any]:
    """The hashed fields of a stored event (an AuditEvent row or anything with the same attributes)."""
    return event_fields(
        seq=event.seq,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        ip=event.ip,
        user_agent=event.user_agent,
        via=event.via,
        data=event.data,
        prev_hash=event.prev_hash,
    )


def compute_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def find_break(events: Iterable[Any], *, head_seq: int | None, head_hash: str | None) -> Break | None:
    """Walk events in ascending seq and return the first that does not fit the chain, or None."""
    expected_seq, prev = 1, GENESIS
    for event in events:
        if event.seq != expected_seq:
            return Break(expected_seq, f"event #{expected_seq} is missing (next present is #{event.seq})")
        if event.prev_hash != prev:
            return Break(event.seq, "previous-hash link does not match the event before it")
        if compute_hash(fields_of(event)) != event.hash:
            return Break(event.seq, "content does not match its hash (the row was changed)")
        prev, expected_seq = event.hash, expected_seq + 1
    last = expected_seq - 1
    if head_seq is not None and head_seq != last:
        return Break(last + 1, f"chain ends at #{last} but the head records #{head_seq} (events removed at the end)")
    if head_hash is not None and head_seq == last and head_hash != prev:
        return Break(last, "last event's hash differs from the head")
    return None
