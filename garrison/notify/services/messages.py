"""What the issue hooks send: the security team told of a new report, the reporter told their report arrived or
has a new message, the owner told the reporter replied. Key and link only: the title, description, component
and reporter never appear in a subject, body or in-app text (embargo)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import Http404

from garrison.access.policy import is_signed_in
from garrison.core import clock
from garrison.issues.models import SecurityIssue
from garrison.issues.selectors import can_see_issue
from garrison.issues.services import reporter_contact, tracking_token_of
from garrison.issues.services.intake import remember_message_id
from garrison.notify.models import DeliveryChannel, Notification
from garrison.notify.services.delivery import Outgoing, deliver_many
from garrison.notify.services.links import issue_link, new_message_id, reply_address, security_team, tracking_link

SUBJECT_PREFIX = "[Garrison]"


def _staff_fanout(issue: SecurityIssue, users: list[Any], *, text: str, subject: str) -> int:
    """In-app notification and email to each user, in one insert each."""
    link = issue_link(issue)
    body = f"{text}\n\nSign in to read it. This message carries no detail of the issue on purpose."
    with transaction.atomic():
        Notification.objects.bulk_create([Notification(user=u, text=text[:500], link=link) for u in users])
        deliver_many(
            [
                Outgoing(
                    DeliveryChannel.EMAIL, u.email, subject, body, user=u, issue=issue, message_id=new_message_id()
                )
                for u in users
            ]
        )
    return len(users)


def _to_reporter(issue: SecurityIssue, *, subject: str, body: str) -> bool:
    """Email the reporter (if they gave an address): sealed at rest, Reply-To threads to their issue."""
    _, email = reporter_contact(issue)
    if not email:
        return False
    message_id = new_message_id()
    with transaction.atomic():
        deliver_many(
            [
                Outgoing(
                    DeliveryChannel.EMAIL,
                    email,
                    subject,
                    body,
                    issue=issue,
                    reply_to=reply_address(issue.reply_key),
                    message_id=message_id,
                    sealed_label=f"reporter of {issue.key}",
                )
            ]
        )
        remember_message_id(issue, message_id, inbound=False)
    return True


def _issue(issue_id: Any) -> SecurityIssue | None:
    return SecurityIssue.objects.filter(pk=issue_id).first()


def issue_reported(*, issue_id: Any) -> int:
    """Tell every active security-team member (email + in-app); acknowledge to the reporter with their link."""
    issue = _issue(issue_id)
    if issue is None:
        return 0
    text = f"New security report {issue.key} needs triage: {issue_link(issue)}"
    sent = _staff_fanout(
        issue, list(security_team()), text=text, subject=f"{SUBJECT_PREFIX} New security report {issue.key}"
    )
    token = tracking_token_of(issue)
    if token:
        body = (
            f"Thank you: we received your security report {issue.key}.\n\n"
            f"Follow it, and write to us, at your private link (keep it to yourself):\n{tracking_link(token)}\n\n"
            "You can also reply to this email."
        )
        sent += _to_reporter(issue, subject=f"Your security report {issue.key} was received", body=body)
    return sent


def reporter_message(*, issue_id: Any) -> bool:
    issue = _issue(issue_id)
    if issue is None:
        return False
    token = tracking_token_of(issue)
    if not token:
        return False
    body = f"There is a new message on your report {issue.key}: {tracking_link(token)}"
    return _to_reporter(issue, subject=f"New message on your security report {issue.key}", body=body)


def reporter_replied(*, issue_id: Any) -> int:
    """Tell the issue's owner (if they may still see it), else the security team."""
    issue = _issue(issue_id)
    if issue is None:
        return 0
    owner = issue.owner
    users = (
        [owner] if owner is not None and is_signed_in(owner) and can_see_issue(owner, issue) else list(security_team())
    )
    text = f"The reporter replied on {issue.key}: {issue_link(issue)}"
    return _staff_fanout(issue, users, text=text, subject=f"{SUBJECT_PREFIX} The reporter replied on {issue.key}")


def notification_mark_read(*, actor: Any, notification: Notification, now: datetime | None = None) -> Notification:
    """Mark one of the actor's own notifications read (anyone else's: 404)."""
    if not is_signed_in(actor) or notification.user_id != actor.pk:
        raise Http404("No such notification")
    if notification.read_at is None:
        notification.read_at = now or clock.now()
        with transaction.atomic():
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, actor: Any, now: datetime | None = None) -> int:
    if not is_signed_in(actor):
        return 0
    with transaction.atomic():
        return Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(read_at=now or clock.now())
