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
from garrison.org.api.schemas import ComponentIn, ComponentOut, ComponentPage, ComponentPatch
from garrison.org.models import SupportStatus
from garrison.org.selectors import components_visible_to, get_component_for

router = Router()


@router.get("/components", response=ComponentPage, summary="List components")
def list_components(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = 50,
    q: str = "",
    team_id: UUID | None = None,
    support_status: SupportStatus | None = None,
) -> dict[str, Any]:
    require(request.user, Permission.COMPONENT_VIEW)
    qs = components_visible_to(actor=request.user, search=q, team=team_id, support_status=support_status or "")
    items, next_cursor = page(qs, cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/components/{uuid:component_id}", response=ComponentOut, summary="One component")
def get_component(request: HttpRequest, component_id: UUID) -> Any:
    require(request.user, Permission.COMPONENT_VIEW)
    return get_component_for(actor=request.user, pk=component_id)


@router.post("/components", response={201: ComponentOut}, summary="Create a component")
def create_component(request: HttpRequest, payload: ComponentIn) -> Status[Any]:
    actor = request.user
    require(actor, Permission.COMPONENT_VIEW)
    require(actor, Permission.COMPONENT_EDIT)  # refuse before resolving anything in the body
    component = services.component_create(
        name=payload.name,
        responsible_team=refs.team(actor, payload.responsible_team_id, "responsible_team_id"),
        description=payload.description,
        repository_url=payload.repository_url,
        package_url=payload.package_url,
        support_status=payload.support_status,
        classification=refs.label(actor, payload.classification),
        actor=actor,
    )
    return Status(201, get_component_for(actor=actor, pk=component.pk))


@router.patch("/components/{uuid:component_id}", response=ComponentOut, summary="Change a component (partial)")
def update_component(request: HttpRequest, component_id: UUID, payload: ComponentPatch) -> Any:
    actor = request.user
    require(actor, Permission.COMPONENT_VIEW)
    require(actor, Permission.COMPONENT_EDIT)  # refuse before resolving anything in the body
    component = get_component_for(actor=actor, pk=component_id)
    changes = refs.changes(actor, payload.model_dump(exclude_unset=True))
    services.component_update(component=component, changes=changes, actor=actor)
    return get_component_for(actor=actor, pk=component_id)
