"""What the rest of Garrison tells the notification layer. Each hook is called from ``transaction.on_commit`` by
a service (never inside the writing transaction) and only enqueues worker tasks: a delivery that fails later
never undoes or loses the issue. Messages carry no embargoed detail: the issue key and a link to sign in.
"""

from __future__ import annotations

from typing import Any


def issue_reported(issue_id: Any) -> None:
    """A new report arrived (any channel): tell the security team by email and in-app."""
    raise NotImplementedError  # filled in by the notify app


def issue_top_priority(issue_id: Any) -> None:
    """The issue is (or became) top priority: page the person on duty, escalate without acknowledgement."""
    raise NotImplementedError


def reporter_message(issue_id: Any) -> None:
    """A comment meant for the reporter was added: email them a pointer to their tracking link (if they gave
    an address)."""
    raise NotImplementedError


def reporter_replied(issue_id: Any) -> None:
    """The reporter replied (tracking page or email): tell the issue's owner (or the security team)."""
    raise NotImplementedError
