"""Distribution lists (ADVISORY_VIEW to read, DISTRIBUTION_MANAGE to change) and sending an advisory's
pre-notification to them (ADVISORY_PUBLISH), with each recipient's delivery status."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
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
from garrison.disclosure import services_lists
from garrison.disclosure.selectors import get_advisory_for
from garrison.disclosure.selectors_lists import (
    get_list_for,
    get_recipient_for,
    lists_visible_to,
    prenotifications_of,
)
from garrison.org.forms import ServiceForm
from garrison.org.models import Client, Component
from garrison.org.selectors import clients_visible_to, components_visible_to


class ListForm(ServiceForm):
    name = forms.CharField(max_length=150)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    components = forms.ModelMultipleChoiceField(
        queryset=Component.objects.none(),
        required=False,
        help_text="The products this list hears about; none: every advisory.",
    )
    clients = forms.ModelMultipleChoiceField(
        queryset=Client.objects.none(), required=False, help_text="Their contacts receive what the list receives."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["components"].queryset = components_visible_to(actor=self.actor)  # type: ignore[attr-defined]
        self.fields["clients"].queryset = clients_visible_to(actor=self.actor)  # type: ignore[attr-defined]


class RecipientForm(ServiceForm):
    email = forms.EmailField()
    name = forms.CharField(max_length=150, required=False)
    time_zone = forms.CharField(max_length=64, initial="UTC", help_text="IANA name, e.g. Asia/Tokyo.")
    pgp_public_key = forms.CharField(
        required=False,
        label="OpenPGP public key",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="ASCII armour. When given, the whole pre-notification is encrypted to it.",
    )


class SendForm(forms.Form):
    confirm = forms.BooleanField(required=False)


@login_required
@permission_required(Permission.ADVISORY_VIEW)
def list_index(request: HttpRequest) -> HttpResponse:
    context = {
        "lists": lists_visible_to(actor=request.user),
        "can_manage": can(request.user, Permission.DISTRIBUTION_MANAGE),
    }
    return render(request, "disclosure/lists_index.html", context)


@login_required
@permission_required(Permission.DISTRIBUTION_MANAGE)
def list_create(request: HttpRequest) -> HttpResponse:
    form = ListForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services_lists.list_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, "Distribution list saved.")
            return redirect("distribution:index")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "disclosure/lists_form.html", {"form": form, "title": "New distribution list"}, status=status
    )


@login_required
@require_POST
@permission_required(Permission.DISTRIBUTION_MANAGE)
def list_delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    distribution_list = get_list_for(actor=request.user, pk=pk)
    try:
        services_lists.list_delete(actor=request.user, distribution_list=distribution_list)
    except AccessDenied:
        return forbidden(request)
    messages.success(request, "Distribution list deleted.")
    return redirect("distribution:index")


@login_required
@permission_required(Permission.DISTRIBUTION_MANAGE)
def recipient_create(request: HttpRequest, pk: UUID) -> HttpResponse:
    distribution_list = get_list_for(actor=request.user, pk=pk)
    form = RecipientForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services_lists.recipient_save(actor=request.user, distribution_list=distribution_list, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, "Recipient added.")
            return redirect("distribution:index")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "title": f"Add a recipient to {distribution_list.name}"}
    return render(request, "disclosure/lists_form.html", context, status=status)


@login_required
@require_POST
@permission_required(Permission.DISTRIBUTION_MANAGE)
def recipient_delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    recipient = get_recipient_for(actor=request.user, pk=pk)
    try:
        services_lists.recipient_delete(actor=request.user, recipient=recipient)
    except AccessDenied:
        return forbidden(request)
    messages.success(request, "Recipient removed.")
    return redirect("distribution:index")


@login_required
@permission_required(Permission.ADVISORY_VIEW)
def send(request: HttpRequest, identifier: str) -> HttpResponse:
    """GET: who was pre-notified and what became of each message. POST: send to the lists now."""
    advisory = get_advisory_for(actor=request.user, identifier=identifier)
    status = 200
    if request.method == "POST":
        if not can(request.user, Permission.ADVISORY_PUBLISH):
            return forbidden(request)
        try:
            rows = services_lists.advisory_send_prenotification(actor=request.user, advisory=advisory)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 422
        except AccessDenied:
            return forbidden(request)
        else:
            failed = sum(1 for r in rows if r.error)
            if failed:
                messages.error(request, f"{failed} recipient(s) NOT sent: their OpenPGP key failed (see below).")
            messages.success(request, f"Pre-notification queued for {len(rows) - failed} recipient(s).")
            return redirect("distribution:send", identifier=advisory.identifier)
    # Contacts of a client whose classification label the viewer may not see are counted, not shown.
    shown_clients = set(clients_visible_to(actor=request.user).values_list("pk", flat=True))
    targets = services_lists.recipients_for(advisory)
    context = {
        "advisory": advisory,
        "rows": prenotifications_of(advisory),
        "targets": [t for t in targets if t.client_id is None or t.client_id in shown_clients],
        "hidden_targets": sum(1 for t in targets if t.client_id is not None and t.client_id not in shown_clients),
        "can_send": can(request.user, Permission.ADVISORY_PUBLISH),
    }
    return render(request, "disclosure/lists_send.html", context, status=status)
