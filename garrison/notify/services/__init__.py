"""Every write of the notify app. Views, API, CLI, hooks and tasks call these."""

from garrison.notify.services.delivery import (
    Outgoing,
    attempt_delivery,
    backoff,
    deliver,
    deliver_many,
    deliveries_requeue_due,
    delivery_retry,
)
from garrison.notify.services.digest import digest_recipients, digest_run_if_due, digest_send
from garrison.notify.services.messages import (
    issue_reported,
    notification_mark_read,
    notifications_mark_all_read,
    reporter_message,
    reporter_replied,
)
from garrison.notify.services.oncall import on_duty, override_create, override_delete, shift_create, shift_delete
from garrison.notify.services.paging import escalation_chain, page_acknowledge, page_issue, pages_escalate_due

__all__ = [
    "Outgoing",
    "attempt_delivery",
    "backoff",
    "deliver",
    "deliver_many",
    "deliveries_requeue_due",
    "delivery_retry",
    "digest_recipients",
    "digest_run_if_due",
    "digest_send",
    "escalation_chain",
    "issue_reported",
    "notification_mark_read",
    "notifications_mark_all_read",
    "on_duty",
    "override_create",
    "override_delete",
    "page_acknowledge",
    "page_issue",
    "pages_escalate_due",
    "reporter_message",
    "reporter_replied",
    "shift_create",
    "shift_delete",
]
