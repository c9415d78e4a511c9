"""Classification labels over the API: GET (LABEL_VIEW), POST and PATCH (LABEL_MANAGE).

Teams and users are referenced by id; ``team_ids`` and ``user_ids``, when sent, replace the whole list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import BeforeValidator, ConfigDict

from garrison.access import services
from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.access.roles import Role
from garrison.access.selectors import get_label_for, label_team_choices, label_user_choices, labels_visible_to
from garrison.api.pagination import page

router = Router(tags=["access"])


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be left out, but may not be null")
    return value


NotNull = BeforeValidator(_not_null)


class LabelUser(Schema):
    id: UUID
    email: str


class LabelTeam(Schema):
    id: UUID
    name: str


class LabelOut(Schema):
    id: UUID
    name: str
    rank: int
    description: str
    roles: list[str]
    teams: list[LabelTeam]
    users: list[LabelUser]
    created_at: datetime
    updated_at: datetime


class LabelPage(Schema):
    items: list[LabelOut]
    next_cursor: str | None


class LabelIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str
    rank: int = Field(ge=0, le=32767, description="Higher is more restricted.")
    description: str = ""
    roles: list[Role] = Field(default_factory=list)
    team_ids: list[UUID] = Field(default_factory=list)
    user_ids: list[UUID] = Field(default_factory=list)


class LabelPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str | None, NotNull] = None
    rank: Annotated[int | None, NotNull] = Field(None, ge=0, le=32767)
    description: Annotated[str | None, NotNull] = None
    roles: Annotated[list[Role] | None, NotNull] = Field(None, description="Replaces the whole list.")
    team_ids: Annotated[list[UUID] | None, NotNull] = Field(None, description="Replaces the whole list.")
    user_ids: Annotated[list[UUID] | None, NotNull] = Field(None, description="Replaces the whole list.")


def _resolve(qs: Any, pks: list[UUID] | None, field: str) -> list[Any] | None:
    if pks is None:
        return None
    found = list(qs.filter(pk__in=set(pks)))
    missing = set(pks) - {o.pk for o in found}
    if missing:
        raise ValidationError({field: f"unknown id {', '.join(sorted(map(str, missing)))}"})
    return found


@router.get("/labels", response=LabelPage, summary="List classification labels")
def list_labels(request: HttpRequest, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    require(request.user, Permission.LABEL_VIEW)
    items, next_cursor = page(labels_visible_to(actor=request.user), cursor=cursor, limit=limit, keys=("rank", "id"))
    return {"items": items, "next_cursor": next_cursor}


@router.get("/labels/{uuid:label_id}", response=LabelOut, summary="One classification label")
def get_label(request: HttpRequest, label_id: UUID) -> Any:
    require(request.user, Permission.LABEL_VIEW)
    return get_label_for(actor=request.user, pk=label_id)


@router.post("/labels", response={201: LabelOut}, summary="Create a classification label")
def create_label(request: HttpRequest, payload: LabelIn) -> Status[Any]:
    actor = request.user
    require(actor, Permission.LABEL_MANAGE)
    label = services.label_create(
        name=payload.name,
        rank=payload.rank,
        description=payload.description,
        roles=[str(r) for r in payload.roles],
        teams=_resolve(label_team_choices(actor=actor), payload.team_ids, "team_ids") or [],
        users=_resolve(label_user_choices(actor=actor), payload.user_ids, "user_ids") or [],
        actor=actor,
    )
    return Status(201, get_label_for(actor=actor, pk=label.pk))


@router.patch("/labels/{uuid:label_id}", response=LabelOut, summary="Change a classification label (partial)")
def update_label(request: HttpRequest, label_id: UUID, payload: LabelPatch) -> Any:
    actor = request.user
    require(actor, Permission.LABEL_MANAGE)
    label = get_label_for(actor=actor, pk=label_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"team_ids", "user_ids"})
    if "roles" in changes:
        changes["roles"] = [str(r) for r in changes["roles"]]
    services.label_update(
        label=label,
        changes=changes,
        teams=_resolve(label_team_choices(actor=actor), payload.team_ids, "team_ids"),
        users=_resolve(label_user_choices(actor=actor), payload.user_ids, "user_ids"),
        actor=actor,
    )
    return get_label_for(actor=actor, pk=label_id)
