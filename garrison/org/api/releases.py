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
from garrison.org.api.schemas import (
    ReleaseIn,
    ReleaseLineIn,
    ReleaseLineOut,
    ReleaseLinePage,
    ReleaseLinePatch,
    ReleaseOut,
    ReleasePage,
    ReleasePatch,
)
from garrison.org.models import ReleaseLineStatus
from garrison.org.selectors import get_release_for, get_release_line_for, release_lines_visible_to, releases_visible_to

router = Router()


@router.get("/release-lines", response=ReleaseLinePage, summary="List release lines")
def list_release_lines(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = 50,
    q: str = "",
    status: ReleaseLineStatus | None = None,
) -> dict[str, Any]:
    require(request.user, Permission.RELEASE_VIEW)
    qs = release_lines_visible_to(actor=request.user, search=q, status=status or "")
    items, next_cursor = page(qs, cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/release-lines/{uuid:line_id}", response=ReleaseLineOut, summary="One release line")
def get_release_line(request: HttpRequest, line_id: UUID) -> Any:
    require(request.user, Permission.RELEASE_VIEW)
    return get_release_line_for(actor=request.user, pk=line_id)


@router.post("/release-lines", response={201: ReleaseLineOut}, summary="Create a release line")
def create_release_line(request: HttpRequest, payload: ReleaseLineIn) -> Status[Any]:
    actor = request.user
    require(actor, Permission.RELEASE_VIEW)
    require(actor, Permission.RELEASE_EDIT)  # refuse before resolving anything in the body
    line = services.release_line_create(
        name=payload.name,
        description=payload.description,
        status=payload.status,
        support_ends_on=payload.support_ends_on,
        classification=refs.label(actor, payload.classification),
        actor=actor,
    )
    return Status(201, get_release_line_for(actor=actor, pk=line.pk))


@router.patch("/release-lines/{uuid:line_id}", response=ReleaseLineOut, summary="Change a release line (partial)")
def update_release_line(request: HttpRequest, line_id: UUID, payload: ReleaseLinePatch) -> Any:
    actor = request.user
    require(actor, Permission.RELEASE_VIEW)
    require(actor, Permission.RELEASE_EDIT)  # refuse before resolving anything in the body
    line = get_release_line_for(actor=actor, pk=line_id)
    changes = refs.changes(actor, payload.model_dump(exclude_unset=True))
    services.release_line_update(release_line=line, changes=changes, actor=actor)
    return get_release_line_for(actor=actor, pk=line_id)


@router.get("/release-lines/{uuid:line_id}/releases", response=ReleasePage, summary="Releases of a line")
def list_releases(request: HttpRequest, line_id: UUID, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    require(request.user, Permission.RELEASE_VIEW)
    line = get_release_line_for(actor=request.user, pk=line_id)
    qs = releases_visible_to(actor=request.user, release_line=line)
    items, next_cursor = page(qs, cursor=cursor, limit=limit, keys=("version", "id"))
    return {"items": items, "next_cursor": next_cursor}


@router.post("/release-lines/{uuid:line_id}/releases", response={201: ReleaseOut}, summary="Add a release")
def create_release(request: HttpRequest, line_id: UUID, payload: ReleaseIn) -> Status[Any]:
    actor = request.user
    require(actor, Permission.RELEASE_VIEW)
    require(actor, Permission.RELEASE_EDIT)  # refuse before resolving anything in the body
    line = get_release_line_for(actor=actor, pk=line_id)
    release = services.release_create(
        release_line=line, version=payload.version, released_on=payload.released_on, notes=payload.notes, actor=actor
    )
    return Status(201, release)


@router.get("/releases/{uuid:release_id}", response=ReleaseOut, summary="One release")
def get_release(request: HttpRequest, release_id: UUID) -> Any:
    require(request.user, Permission.RELEASE_VIEW)
    return get_release_for(actor=request.user, pk=release_id)


@router.patch("/releases/{uuid:release_id}", response=ReleaseOut, summary="Change a release (partial)")
def update_release(request: HttpRequest, release_id: UUID, payload: ReleasePatch) -> Any:
    actor = request.user
    require(actor, Permission.RELEASE_VIEW)
    require(actor, Permission.RELEASE_EDIT)  # refuse before resolving anything in the body
    release = get_release_for(actor=actor, pk=release_id)
    return services.release_update(release=release, changes=payload.model_dump(exclude_unset=True), actor=actor)
