"""Every read of notify data, narrowed to the actor. A delivery or page tied to an issue is visible only to
those who may see the issue (issues_visible_to); anything invisible is a 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from garrison.access.permissions import Permission
from garrison.access.policy import can, is_signed_in
from garrison.access.roles import ROLE_PERMISSIONS
from garrison.accounts.models import User
from garrison.issues.selectors import can_see_issue, issues_visible_to
from garrison.notify.models import Delivery, Notification, OnCallOverride, OnCallShift, Page


def notifications_of(*, actor: Any) -> QuerySet[Notification]:
    if not is_signed_in(actor):
        return Notification.objects.none()
    return Notification.objects.filter(user_id=actor.pk).order_by("-created_at")


def unread_count(*, actor: Any) -> int:
    return notifications_of(actor=actor).filter(read_at__isnull=True).count()


def get_notification_for(*, actor: Any, pk: Any) -> Notification:
    found = notifications_of(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404("No such notification")
    return found


def deliveries_visible_to(*, actor: Any, status: str = "") -> QuerySet[Delivery]:
    if not can(actor, Permission.DELIVERY_VIEW):
        return Delivery.objects.none()
    qs = Delivery.objects.filter(
        Q(issue__isnull=True) | Q(issue_id__in=issues_visible_to(actor=actor).values("pk"))
    ).select_related("issue", "user")
    if status:
        qs = qs.filter(status=status)
    return qs


def get_delivery_for(*, actor: Any, pk: Any) -> Delivery:
    found = deliveries_visible_to(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404("No such delivery")
    return found


def shifts_from(*, actor: Any, since: datetime) -> QuerySet[OnCallShift]:
    """Shifts running at or starting after ``since``."""
    if not can(actor, Permission.ONCALL_VIEW):
        return OnCallShift.objects.none()
    return OnCallShift.objects.filter(ends_at__gt=since).select_related("user").order_by("starts_at", "position")


def overrides_from(*, actor: Any, since: datetime) -> QuerySet[OnCallOverride]:
    if not can(actor, Permission.ONCALL_VIEW):
        return OnCallOverride.objects.none()
    return OnCallOverride.objects.filter(ends_at__gt=since).select_related("user").order_by("starts_at")


def get_shift_for(*, actor: Any, pk: Any) -> OnCallShift:
    found = OnCallShift.objects.filter(pk=pk).first() if can(actor, Permission.ONCALL_VIEW) else None
    if found is None:
        raise Http404("No such shift")
    return found


def get_override_for(*, actor: Any, pk: Any) -> OnCallOverride:
    found = OnCallOverride.objects.filter(pk=pk).first() if can(actor, Permission.ONCALL_VIEW) else None
    if found is None:
        raise Http404("No such override")
    return found


def oncall_candidates() -> QuerySet[User]:
    """Active users whose role can be on call (sees the rota, can acknowledge a page)."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Permission.ONCALL_VIEW in perms]
    return User.objects.filter(is_active=True, role__in=roles).order_by("email")


def get_page_for(*, actor: Any, pk: Any) -> Page:
    """A page, for the paged person or anyone with ONCALL_VIEW who may see its issue; else 404."""
    if not can(actor, Permission.ONCALL_VIEW):
        raise Http404("No such page")
    page = Page.objects.select_related("issue", "user", "acknowledged_by").filter(pk=pk).first()
    if page is None or (page.user_id != actor.pk and not can_see_issue(actor, page.issue)):
        raise Http404("No such page")
    return page
