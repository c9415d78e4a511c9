from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.org import services
from garrison.org.api import refs
from garrison.org.api.schemas import ClientIn, ClientOut, ClientPage, ClientPatch, ContactSchema
from garrison.org.selectors import clients_visible_to, get_client_for

router = Router()


def _contacts(items: list[ContactSchema]) -> list[services.ContactData]:
    return [services.ContactData(email=c.email, name=c.name, role=c.role) for c in items]


@router.get("/clients", response=ClientPage, summary="List clients")
def list_clients(request: HttpRequest, cursor: str | None = None, limit: int = 50, q: str = "") -> dict[str, Any]:
    require(request.user, Permission.CLIENT_VIEW)
    items, next_cursor = page(clients_visible_to(actor=request.user, search=q), cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/clients/{uuid:client_id}", response=ClientOut, summary="One client, with contacts and components")
def get_client(request: HttpRequest, client_id: UUID) -> Any:
    require(request.user, Permission.CLIENT_VIEW)
    return get_client_for(actor=request.user, pk=client_id)


@router.post("/clients", response={201: ClientOut}, summary="Create a client")
def create_client(request: HttpRequest, payload: ClientIn) -> Status[Any]:
    actor = request.user
    require(actor, Permission.CLIENT_VIEW)
    require(actor, Permission.CLIENT_EDIT)  # refuse before resolving anything in the body
    client = services.client_create(
        name=payload.name,
        description=payload.description,
        classification=refs.label(actor, payload.classification),
        components=refs.components(actor, payload.component_ids),
        contacts=_contacts(payload.contacts),
        actor=actor,
    )
    return Status(201, get_client_for(actor=actor, pk=client.pk))


@router.patch("/clients/{uuid:client_id}", response=ClientOut, summary="Change a client (partial)")
def update_client(request: HttpRequest, client_id: UUID, payload: ClientPatch) -> Any:
    actor = request.user
    require(actor, Permission.CLIENT_VIEW)
    require(actor, Permission.CLIENT_EDIT)  # refuse before resolving anything in the body
    client = get_client_for(actor=actor, pk=client_id)
    body = payload.model_dump(exclude_unset=True, exclude={"component_ids", "contacts"})
    sent = payload.model_fields_set
    services.client_update(
        client=client,
        changes=refs.changes(actor, body),
        components=refs.components(actor, payload.component_ids or []) if "component_ids" in sent else None,
        contacts=_contacts(payload.contacts or []) if "contacts" in sent else None,
        actor=actor,
    )
    return get_client_for(actor=actor, pk=client_id)
