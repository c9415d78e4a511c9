"""Distribution lists over the API: list (keyset), create, read one, add a recipient. Reading needs ADVISORY_VIEW;
changing needs DISTRIBUTION_MANAGE. A recipient's key is reported by fingerprint, never echoed back."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.disclosure import services_lists
from garrison.disclosure.models_lists import DistributionList, Recipient
from garrison.disclosure.selectors_lists import get_list_for, lists_visible_to
from garrison.org.selectors import clients_visible_to, components_visible_to

router = Router(tags=["disclosure"])


class RecipientOut(Schema):
    id: str
    email: str
    name: str
    time_zone: str
    pgp_fingerprint: str


class ListOut(Schema):
    id: str
    name: str
    description: str
    components: list[str]
    clients: list[str]
    recipients: list[RecipientOut]


class ListPage(Schema):
    items: list[ListOut]
    next_cursor: str | None


class ListIn(Schema):
    name: str
    description: str = ""
    components: list[UUID] = []
    clients: list[UUID] = []


class RecipientIn(Schema):
    email: str
    name: str = ""
    time_zone: str = "UTC"
    pgp_public_key: str = ""


def _recipient(r: Recipient) -> dict[str, Any]:
    return {
        "id": str(r.pk),
        "email": r.email,
        "name": r.name,
        "time_zone": r.time_zone,
        "pgp_fingerprint": r.pgp_fingerprint,
    }


def _list(dl: DistributionList) -> dict[str, Any]:
    return {
        "id": str(dl.pk),
        "name": dl.name,
        "description": dl.description,
        "components": [str(c.pk) for c in dl.components.all()],
        "clients": [str(c.pk) for c in dl.clients.all()],
        "recipients": [_recipient(r) for r in dl.recipients.all()],
    }


def _resolve(qs: Any, ids: list[UUID], field: str) -> list[Any]:
    found = list(qs.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: "Unknown or invisible id."})
    return found


@router.get("/distribution-lists", response=ListPage, summary="List distribution lists")
def list_lists(request: HttpRequest, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    require(request.user, Permission.ADVISORY_VIEW)
    items, next_cursor = page(lists_visible_to(actor=request.user), cursor=cursor, limit=limit, keys=("name", "id"))
    return {"items": [_list(dl) for dl in items], "next_cursor": next_cursor}


@router.post("/distribution-lists", response={201: ListOut}, summary="Create a distribution list")
def create_list(request: HttpRequest, payload: ListIn) -> Status[Any]:
    actor = request.user
    require(actor, Permission.DISTRIBUTION_MANAGE)
    dl = services_lists.list_save(
        actor=actor,
        name=payload.name,
        description=payload.description,
        components=_resolve(components_visible_to(actor=actor), payload.components, "components"),
        clients=_resolve(clients_visible_to(actor=actor), payload.clients, "clients"),
    )
    return Status(201, _list(get_list_for(actor=actor, pk=dl.pk)))


@router.get("/distribution-lists/{uuid:list_id}", response=ListOut, summary="One distribution list")
def get_list(request: HttpRequest, list_id: UUID) -> dict[str, Any]:
    require(request.user, Permission.ADVISORY_VIEW)
    return _list(get_list_for(actor=request.user, pk=list_id))


@router.post("/distribution-lists/{uuid:list_id}/recipients", response={201: RecipientOut}, summary="Add a recipient")
def add_recipient(request: HttpRequest, list_id: UUID, payload: RecipientIn) -> Status[Any]:
    actor = request.user
    require(actor, Permission.DISTRIBUTION_MANAGE)
    dl = get_list_for(actor=actor, pk=list_id)
    recipient = services_lists.recipient_save(
        actor=actor,
        distribution_list=dl,
        email=payload.email,
        name=payload.name,
        time_zone=payload.time_zone,
        pgp_public_key=payload.pgp_public_key,
    )
    return Status(201, _recipient(recipient))
