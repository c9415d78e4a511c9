"""Suppression rules: list, create, revoke."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.findings import services
from garrison.findings.forms import SuppressionForm
from garrison.findings.selectors import get_suppression_for, suppressions_visible_to
from garrison.org.views.paging import paged


@login_required
@permission_required(Permission.FINDING_VIEW)
def suppression_list(request: HttpRequest) -> HttpResponse:
    show_revoked = request.GET.get("revoked") == "1"
    context = paged(request, suppressions_visible_to(actor=request.user, active_only=not show_revoked))
    context.update(show_revoked=show_revoked, can_manage=can(request.user, Permission.SUPPRESSION_MANAGE))
    return render(request, "findings/suppression_list.html", context)


@login_required
@permission_required(Permission.SUPPRESSION_MANAGE)
def suppression_create(request: HttpRequest) -> HttpResponse:
    form = SuppressionForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.suppression_create(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, "Suppression created; matching findings are suppressed.")
            return redirect("findings:suppression_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "findings/suppression_form.html", {"form": form}, status=status)


@login_required
@require_POST
@permission_required(Permission.SUPPRESSION_MANAGE)
def suppression_revoke(request: HttpRequest, pk: UUID) -> HttpResponse:
    suppression = get_suppression_for(actor=request.user, pk=pk)
    try:
        services.suppression_revoke(suppression=suppression, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except AccessDenied:
        return forbidden(request)
    else:
        messages.success(request, "Suppression revoked; the findings it hid are shown again.")
    return redirect("findings:suppression_list")
