"""The on-call rota: who is on duty now, upcoming shifts and overrides; managers add and delete them."""

from __future__ import annotations

from typing import Any
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
from garrison.core import clock
from garrison.notify import services
from garrison.notify.forms import OverrideForm, ShiftForm
from garrison.notify.selectors import get_override_for, get_shift_for, overrides_from, shifts_from


@login_required
@permission_required(Permission.ONCALL_VIEW)
def oncall(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    context = {
        "now": now,
        "on_duty": services.on_duty(now),
        "shifts": shifts_from(actor=request.user, since=now)[:200],
        "overrides": overrides_from(actor=request.user, since=now)[:200],
        "can_manage": can(request.user, Permission.ONCALL_MANAGE),
    }
    return render(request, "notify/oncall.html", context)


def _create(request: HttpRequest, form_class: Any, service: Any, what: str) -> HttpResponse:
    form = form_class(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"{what.capitalize()} added.")
            return redirect("notify:oncall")
    status = 422 if request.method == "POST" else 200
    return render(request, "notify/oncall_form.html", {"form": form, "what": what}, status=status)


@login_required
@permission_required(Permission.ONCALL_MANAGE)
def shift_create(request: HttpRequest) -> HttpResponse:
    return _create(request, ShiftForm, services.shift_create, "shift")


@login_required
@permission_required(Permission.ONCALL_MANAGE)
def override_create(request: HttpRequest) -> HttpResponse:
    return _create(request, OverrideForm, services.override_create, "override")


@login_required
@require_POST
@permission_required(Permission.ONCALL_MANAGE)
def shift_delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    shift = get_shift_for(actor=request.user, pk=pk)
    try:
        services.shift_delete(actor=request.user, shift=shift)
    except AccessDenied:
        return forbidden(request)
    messages.success(request, "Shift deleted.")
    return redirect("notify:oncall")


@login_required
@require_POST
@permission_required(Permission.ONCALL_MANAGE)
def override_delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    override = get_override_for(actor=request.user, pk=pk)
    try:
        services.override_delete(actor=request.user, override=override)
    except AccessDenied:
        return forbidden(request)
    messages.success(request, "Override deleted.")
    return redirect("notify:oncall")
