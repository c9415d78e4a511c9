"""Acknowledging a page: the link in the page email (GET confirms, POST acknowledges)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.roles import Role
from garrison.issues.selectors import can_see_issue
from garrison.notify import services
from garrison.notify.selectors import get_page_for


@login_required
@permission_required(Permission.ONCALL_VIEW)
def page_ack(request: HttpRequest, pk: UUID) -> HttpResponse:
    page = get_page_for(actor=request.user, pk=pk)
    may_ack = page.user_id == request.user.pk or getattr(request.user, "role", "") == Role.SECURITY_LEAD
    if not may_ack:
        return forbidden(request)
    if request.method == "POST":
        try:
            services.page_acknowledge(actor=request.user, page=page)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Page for {page.issue.key} acknowledged: escalation stopped.")
        return redirect("notify:page_ack", pk=page.pk)
    context = {"p": page, "issue_visible": can_see_issue(request.user, page.issue)}
    return render(request, "notify/page_ack.html", context)
