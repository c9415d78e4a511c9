from __future__ import annotations

from typing import Any
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
from garrison.org.forms import ClientForm, ContactFormSet, SearchForm, contacts_from
from garrison.org.models import Client
from garrison.org.selectors import clients_visible_to, get_client_for
from garrison.org.views.paging import paged


@login_required
@permission_required(Permission.CLIENT_VIEW)
def client_list(request: HttpRequest) -> HttpResponse:
    filters = SearchForm(request.GET)
    search = filters.cleaned_data["q"] if filters.is_valid() else ""
    context = paged(request, clients_visible_to(actor=request.user, search=search))
    context.update(filters=filters, can_create=can(request.user, Permission.CLIENT_EDIT))
    return render(request, "org/client_list.html", context)


@login_required
@permission_required(Permission.CLIENT_VIEW)
def client_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    client = get_client_for(actor=request.user, pk=pk)
    context = {"client": client, "can_edit": can(request.user, Permission.CLIENT_EDIT, client)}
    return render(request, "org/client_detail.html", context)


def _forms(request: HttpRequest, client: Client | None) -> tuple[ClientForm, Any]:
    data = request.POST if request.method == "POST" else None
    initial = ClientForm.initial_from(client) if client else None
    form = ClientForm(data, actor=request.user, initial=initial)
    contacts = [{"email": c.email, "name": c.name, "role": c.role} for c in client.contacts.all()] if client else []
    return form, ContactFormSet(data, initial=contacts, prefix="contacts")


def _save(request: HttpRequest, client: Client | None, form: ClientForm, formset: Any) -> Client:
    contacts = contacts_from(formset)
    components = list(form.cleaned_data["components"])
    if client is None:
        return services.client_create(**form.changes(), components=components, contacts=contacts, actor=request.user)
    return services.client_update(
        client=client, changes=form.changes(), components=components, contacts=contacts, actor=request.user
    )


def _form_page(request: HttpRequest, client: Client | None) -> HttpResponse:
    form, formset = _forms(request, client)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = _save(request, client, form, formset)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Client {saved.name} saved.")
            return redirect("org:client_detail", pk=saved.pk)
    return render(request, "org/client_form.html", {"form": form, "contacts": formset, "client": client})


@login_required
@permission_required(Permission.CLIENT_EDIT)
def client_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
@permission_required(Permission.CLIENT_EDIT)
def client_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    client = get_client_for(actor=request.user, pk=pk)
    if not can(request.user, Permission.CLIENT_EDIT, client):
        return forbidden(request)
    return _form_page(request, client)
