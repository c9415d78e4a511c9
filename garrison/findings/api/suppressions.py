"""Suppression rules: list, create, revoke."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.findings import services
from garrison.findings.api import refs
from garrison.findings.api.schemas import SuppressionIn, SuppressionOut, SuppressionPage
from garrison.findings.selectors import get_suppression_for, suppressions_visible_to

router = Router()


@router.get("/suppressions", response=SuppressionPage, summary="List suppression rules, oldest first")
def list_suppressions(
    request: HttpRequest, cursor: str | None = None, limit: int = 50, revoked: bool = False
) -> dict[str, Any]:
    require(request.user, Permission.FINDING_VIEW)
    qs = suppressions_visible_to(actor=request.user, active_only=not revoked)
    items, next_cursor = page(qs, cursor=cursor, limit=limit, keys=("created_at", "id"))
    return {"items": items, "next_cursor": next_cursor}


@router.post("/suppressions", response={201: SuppressionOut}, summary="Create a suppression rule")
def create_suppression(request: HttpRequest, payload: SuppressionIn) -> Status[Any]:
    actor = request.user
    require(actor, Permission.SUPPRESSION_MANAGE)  # refuse before resolving anything in the body
    suppression = services.suppression_create(
        vulnerability_id=payload.vulnerability_id.strip(),
        purl_pattern=payload.purl_pattern.strip(),
        path_glob=payload.path_glob.strip(),
        rule_id=payload.rule_id.strip(),
        component=refs.component(actor, payload.component),
        release_line=refs.release_line(actor, payload.release_line),
        reason=payload.reason,
        expires_at=payload.expires_at,
        actor=actor,
    )
    return Status(201, get_suppression_for(actor=actor, pk=suppression.pk))


@router.delete("/suppressions/{uuid:suppression_id}", response={204: None}, summary="Revoke a suppression rule")
def revoke_suppression(request: HttpRequest, suppression_id: UUID) -> Status[None]:
    actor = request.user
    require(actor, Permission.SUPPRESSION_MANAGE)
    suppression = get_suppression_for(actor=actor, pk=suppression_id)
    services.suppression_revoke(suppression=suppression, actor=actor)
    return Status(204, None)
