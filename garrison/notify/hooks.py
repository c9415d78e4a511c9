"""What the rest of Garrison tells the notification layer. Each hook is called from ``transaction.on_commit`` by
a service (never inside the writing transaction) and only enqueues worker tasks: a delivery that fails later
never undoes or loses the issue. Messages carry no embargoed detail: the issue key and a link to sign in.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError

logger = logging.getLogger("garrison.notify")


def _enqueue(name: str, issue_id: Any) -> None:
    # imported here: the issue services import this module, and the tasks import the notify services, which
    # import the issue services
    from garrison.notify import tasks

    job = getattr(tasks, name)
    try:
        job.enqueue(issue_id=str(issue_id))
    except DatabaseError:
        # the issue is committed already; a lost notification must not turn the reporter's request into an error
        logger.exception("could not enqueue %s for issue %s", name, issue_id)


def issue_reported(issue_id: Any) -> None:
    """A new report arrived (any channel): tell the security team by email and in-app."""
    _enqueue("issue_reported_task", issue_id)


def issue_top_priority(issue_id: Any) -> None:
    """The issue is (or became) top priority: page the person on duty, escalate without acknowledgement."""
    _enqueue("issue_top_priority_task", issue_id)


def reporter_message(issue_id: Any) -> None:
    """A comment meant for the reporter was added: email them a pointer to their tracking link (if they gave
    an address)."""
    _enqueue("reporter_message_task", issue_id)


def reporter_replied(issue_id: Any) -> None:
    """The reporter replied (tracking page or email): tell the issue's owner (or the security team)."""
    _enqueue("reporter_replied_task", issue_id)
