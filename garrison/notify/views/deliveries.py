"""The delivery log: status, attempts, last error; retry for DELIVERY_MANAGE."""

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
from garrison.notify import services
from garrison.notify.models import DeliveryStatus
from garrison.notify.selectors import deliveries_visible_to, get_delivery_for
from garrison.org.views.paging import paged


@login_required
@permission_required(Permission.DELIVERY_VIEW)
def delivery_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in DeliveryStatus.values:
        status = ""
    context = paged(request, deliveries_visible_to(actor=request.user, status=status))
    context.update(
        status=status,
        statuses=DeliveryStatus.choices,
        can_manage=can(request.user, Permission.DELIVERY_MANAGE),
        retryable={DeliveryStatus.FAILED, DeliveryStatus.RETRYING, DeliveryStatus.CANCELLED},
    )
    return render(request, "notify/delivery_list.html", context)


@login_required
@require_POST
@permission_required(Permission.DELIVERY_MANAGE)
def delivery_retry(request: HttpRequest, pk: UUID) -> HttpResponse:
    delivery = get_delivery_for(actor=request.user, pk=pk)
    try:
        services.delivery_retry(actor=request.user, delivery=delivery)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except AccessDenied:
        return forbidden(request)
    else:
        messages.success(request, "Delivery queued again.")
    return redirect("notify:delivery_list")
