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
from garrison.access.policy import can
from garrison.org import services
from garrison.org.forms import ComponentFilterForm, ComponentForm
from garrison.org.selectors import components_visible_to, get_component_for
from garrison.org.views.paging import paged


@login_required
@permission_required(Permission.COMPONENT_VIEW)
def component_list(request: HttpRequest) -> HttpResponse:
    filters = ComponentFilterForm(request.GET, actor=request.user)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    qs = components_visible_to(
        actor=request.user,
        search=criteria.get("q", ""),
        team=criteria.get("team"),
        support_status=criteria.get("support_status", ""),
    )
    context = paged(request, qs)
    user = request.user
    context["rows"] = [(c, can(user, Permission.COMPONENT_EDIT, c)) for c in context["page"]]
    context.update(filters=filters, can_create=can(user, Permission.COMPONENT_EDIT))
    return render(request, "org/component_list.html", context)


@login_required
@permission_required(Permission.COMPONENT_VIEW)
def component_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    component = get_component_for(actor=request.user, pk=pk)
    context = {"component": component, "can_edit": can(request.user, Permission.COMPONENT_EDIT, component)}
    return render(request, "org/component_detail.html", context)


@login_required
@permission_required(Permission.COMPONENT_EDIT)
def component_create(request: HttpRequest) -> HttpResponse:
    form = ComponentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            component = services.component_create(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Component {component.name} created.")
            return redirect("org:component_detail", pk=component.pk)
    return render(request, "org/component_form.html", {"form": form, "component": None})


@login_required
@permission_required(Permission.COMPONENT_EDIT)
def component_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    component = get_component_for(actor=request.user, pk=pk)
    if not can(request.user, Permission.COMPONENT_EDIT, component):
        return forbidden(request)
    form = ComponentForm(request.POST or None, actor=request.user, initial=ComponentForm.initial_from(component))
    if request.method == "POST" and form.is_valid():
        try:
            component = services.component_update(component=component, changes=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Component {component.name} saved.")
            return redirect("org:component_detail", pk=component.pk)
    return render(request, "org/component_form.html", {"form": form, "component": component})
