"""An issue's history: its audit events, for anyone who may see the issue.

The audit log's own selectors (`garrison.audit.selectors.events_visible_to`) serve readers of the whole log
(AUDIT_VIEW); here the question is narrower: what happened to this one issue, for someone already allowed to see
it. Only the action, the actor, the time and the names of the recorded fields are shown, never their values (a
transition note or a public-marking reason is free text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from garrison.audit.actions import AuditAction
from garrison.issues.models import SecurityIssue
from garrison.issues.selectors import issue_events

HISTORY_LIMIT = 200
_TARGET_TYPE = f"{SecurityIssue._meta.app_label}.{SecurityIssue._meta.model_name}"
_LABELS = {action.value: action.name.replace("_", " ").lower() for action in AuditAction}


@dataclass(frozen=True)
class HistoryRow:
    action: str
    label: str
    actor: str
    at: datetime
    fields: list[str]


def _field_names(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return []
    names: list[str] = []
    for key, value in data.items():
        # issue_update records {"fields": [names]}: those names are what changed, so they are shown too.
        if key == "fields" and isinstance(value, list):
            names.extend(str(v) for v in value if isinstance(v, str))
        else:
            names.append(str(key))
    return names


def issue_history(*, actor: Any, issue: SecurityIssue, limit: int = HISTORY_LIMIT) -> list[HistoryRow]:
    """The newest ``limit`` events recorded against the issue (one query); nothing if the actor may not see it."""
    events = issue_events(actor=actor, issue=issue).order_by("-seq")
    return [
        HistoryRow(
            action=event.action,
            label=_LABELS.get(event.action, event.action),
            actor=event.actor_label or "system",
            at=event.created_at,
            fields=_field_names(event.data),
        )
        for event in events.only("seq", "action", "actor_label", "created_at", "data")[:limit]
    ]
