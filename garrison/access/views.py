"""Classification-label pages: list (LABEL_VIEW), create and edit (LABEL_MANAGE)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from garrison.access import services
from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.forms import LabelForm
from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.access.selectors import get_label_for, labels_visible_to


@login_required
@permission_required(Permission.LABEL_VIEW)
def label_list(request: HttpRequest) -> HttpResponse:
    context = {
        "labels": labels_visible_to(actor=request.user),
        "can_manage": can(request.user, Permission.LABEL_MANAGE),
    }
    return render(request, "access/label_list.html", context)


def _save(request: HttpRequest, label: ClassificationLabel | None, form: LabelForm) -> ClassificationLabel:
    teams, users = list(form.cleaned_data["teams"]), list(form.cleaned_data["users"])
    if label is None:
        return services.label_create(**form.changes(), teams=teams, users=users, actor=request.user)
    return services.label_update(label=label, changes=form.changes(), teams=teams, users=users, actor=request.user)


def _form_page(request: HttpRequest, label: ClassificationLabel | None) -> HttpResponse:
    initial = LabelForm.initial_from(label) if label else None
    form = LabelForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(request, label, form)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Label {saved.name} saved.")
            return redirect("access:label_list")
    return render(request, "access/label_form.html", {"form": form, "label": label})


@login_required
@permission_required(Permission.LABEL_MANAGE)
def label_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
@permission_required(Permission.LABEL_MANAGE)
def label_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _form_page(request, get_label_for(actor=request.user, pk=pk))
