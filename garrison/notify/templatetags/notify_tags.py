"""``user|notify_staff``: whether the nav shows the Notifications link. The unread count itself is loaded by htmx
from notify:unread_badge after the page, so no page pays a query for it (pages keep their query budgets)."""

from __future__ import annotations

from typing import Any

from django import template

from garrison.access.policy import is_signed_in
from garrison.access.roles import STAFF_ROLES

register = template.Library()


@register.filter
def notify_staff(user: Any) -> bool:
    """Signed-in staff past any pending sign-in step (while one is pending, the middleware would answer the
    badge request with that step's page, and loading it again would restart the step)."""
    if not is_signed_in(user) or user.role not in STAFF_ROLES:
        return False
    pending = (user.mfa_required and not user.mfa_enabled) or user.password_change_required
    return not pending
