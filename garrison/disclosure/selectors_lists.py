"""Reads of distribution lists and pre-notifications (ADVISORY_VIEW; nobody else sees who is on a list)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.disclosure.models import Advisory
from garrison.disclosure.models_lists import DistributionList, PreNotification, Recipient
from garrison.org.selectors import components_visible_to


def lists_visible_to(*, actor: Any) -> QuerySet[DistributionList]:
    if not can(actor, Permission.ADVISORY_VIEW):
        return DistributionList.objects.none()
    # "components" and "clients" whole (they decide who receives what); the names shown are those the actor may
    # see ("shown_components"), as a classified component's name must not appear.
    shown = Prefetch("components", queryset=components_visible_to(actor=actor), to_attr="shown_components")
    return DistributionList.objects.prefetch_related("recipients", "components", "clients", shown).order_by("name")


def get_list_for(*, actor: Any, pk: Any) -> DistributionList:
    found = lists_visible_to(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404("No such distribution list")
    return found


def get_recipient_for(*, actor: Any, pk: Any) -> Recipient:
    if not can(actor, Permission.ADVISORY_VIEW):
        raise Http404("No such recipient")
    found = Recipient.objects.select_related("distribution_list").filter(pk=pk).first()
    if found is None:
        raise Http404("No such recipient")
    return found


def prenotifications_of(advisory: Advisory) -> QuerySet[PreNotification]:
    """The advisory's pre-notifications with their deliveries (call with an advisory the actor may see)."""
    return PreNotification.objects.filter(advisory=advisory).select_related("delivery").order_by("-created_at", "email")
