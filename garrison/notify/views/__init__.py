from garrison.notify.views.deliveries import delivery_list, delivery_retry
from garrison.notify.views.notifications import (
    notification_list,
    notification_read,
    notifications_read_all,
    unread_badge,
)
from garrison.notify.views.oncall import oncall, override_create, override_delete, shift_create, shift_delete
from garrison.notify.views.pages import page_ack

__all__ = [
    "delivery_list",
    "delivery_retry",
    "notification_list",
    "notification_read",
    "notifications_read_all",
    "oncall",
    "override_create",
    "override_delete",
    "page_ack",
    "shift_create",
    "shift_delete",
    "unread_badge",
]
