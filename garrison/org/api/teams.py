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
from garrison.org.api.schemas import MemberIn, TeamIn, TeamOut, TeamPage, TeamPatch
from garrison.org.selectors import get_team_for, get_team_member_for, teams_visible_to

router = Router()


@router.get("/teams", response=TeamPage, summary="List teams")
def list_teams(request: HttpRequest, cursor: str | None = None, limit: int = 50, q: str = "") -> dict[str, Any]:
    require(request.user, Permission.TEAM_VIEW)
    items, next_cursor = page(teams_visible_to(actor=request.user, search=q), cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/teams/{uuid:team_id}", response=TeamOut, summary="One team, with its members")
def get_team(request: HttpRequest, team_id: UUID) -> Any:
    require(request.user, Permission.TEAM_VIEW)
    return get_team_for(actor=request.user, pk=team_id)


@router.post("/teams", response={201: TeamOut}, summary="Create a team")
def create_team(request: HttpRequest, payload: TeamIn) -> Status[Any]:
    actor = request.user
    require(actor, Permission.TEAM_VIEW)
    require(actor, Permission.TEAM_EDIT)  # refuse before resolving anything in the body
    team = services.team_create(
        name=payload.name,
        description=payload.description,
        lead=refs.user(actor, payload.lead_id, "lead_id"),
        classification=refs.label(actor, payload.classification),
        actor=actor,
    )
    return Status(201, get_team_for(actor=actor, pk=team.pk))


@router.patch("/teams/{uuid:team_id}", response=TeamOut, summary="Change a team (partial)")
def update_team(request: HttpRequest, team_id: UUID, payload: TeamPatch) -> Any:
    actor = request.user
    require(actor, Permission.TEAM_VIEW)
    require(actor, Permission.TEAM_EDIT)  # refuse before resolving anything in the body
    team = get_team_for(actor=actor, pk=team_id)
    changes = refs.changes(actor, payload.model_dump(exclude_unset=True))
    services.team_update(team=team, changes=changes, actor=actor)
    return get_team_for(actor=actor, pk=team_id)


@router.post("/teams/{uuid:team_id}/members", response={201: TeamOut}, summary="Add a member")
def add_member(request: HttpRequest, team_id: UUID, payload: MemberIn) -> Status[Any]:
    actor = request.user
    require(actor, Permission.TEAM_VIEW)
    require(actor, Permission.TEAM_EDIT)  # refuse before resolving anything in the body
    team = get_team_for(actor=actor, pk=team_id)
    services.team_member_add(team=team, user=refs.user(actor, payload.user_id, "user_id"), actor=actor)  # type: ignore[arg-type]
    return Status(201, get_team_for(actor=actor, pk=team_id))


@router.delete("/teams/{uuid:team_id}/members/{uuid:user_id}", response={204: None}, summary="Remove a member")
def remove_member(request: HttpRequest, team_id: UUID, user_id: UUID) -> Status[None]:
    actor = request.user
    require(actor, Permission.TEAM_VIEW)
    require(actor, Permission.TEAM_EDIT)  # refuse before resolving anything in the body
    team = get_team_for(actor=actor, pk=team_id)
    services.team_member_remove(
        team=team, user=get_team_member_for(actor=actor, team=team, user_pk=user_id), actor=actor
    )
    return Status(204, None)
