"""My notifications: the list, mark one or all read."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from garrison.notify import services
from garrison.notify.selectors import get_notification_for, notifications_of, unread_count
from garrison.org.views.paging import paged


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    qs = notifications_of(actor=request.user)
    context = paged(request, qs)
    context["unread"] = qs.filter(read_at__isnull=True).count()
    return render(request, "notify/notification_list.html", context)


@login_required
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The nav's " (N unread)", fetched by htmx after the page loads."""
    return HttpResponse(f" ({unread_count(actor=request.user)} unread)", content_type="text/plain; charset=utf-8")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: UUID) -> HttpResponse:
    notification = get_notification_for(actor=request.user, pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    if getattr(request, "htmx", False):  # set by django-htmx's middleware
        return render(request, "notify/_notification_row.html", {"n": notification})
    return redirect("notify:notification_list")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=request.user)
    return redirect("notify:notification_list")
