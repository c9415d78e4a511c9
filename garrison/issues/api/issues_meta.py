"""What tools need beside the issues: security levels, issue labels, and a CVSS calculator."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.issues.api.issues_out import labelled_ref, user_ref
from garrison.issues.api.schemas import CvssIn, CvssOut, LabelPage, LevelPage
from garrison.issues.cvss import CvssError, score_vector
from garrison.issues.models import SecurityLevel
from garrison.issues.selectors import labels_all, levels_visible_to

router = Router()


def _level_out(actor: Any, level: SecurityLevel) -> dict[str, Any]:
    teams = [labelled_ref(actor, team) for team in level.teams.all()]
    return {
        "id": level.pk,
        "name": level.name,
        "description": level.description,
        "rank": level.rank,
        "roles": list(level.roles or []),
        "include_component_team": level.include_component_team,
        "include_trusted_installations": level.include_trusted_installations,
        "teams": sorted((t for t in teams if t is not None), key=lambda t: t["name"]),
        "users": [user_ref(u) for u in sorted(level.users.all(), key=lambda u: u.email)],
        "last_reviewed_at": level.last_reviewed_at,
        "last_reviewed_by": user_ref(level.last_reviewed_by),
    }


@router.get("/security-levels", response=LevelPage, summary="Security levels: who may see an embargoed issue")
def list_levels(request: HttpRequest, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    """Most restrictive first (lowest rank). Teams whose classification you may not see are left out."""
    actor = request.user
    require(actor, Permission.LEVEL_VIEW)
    items, next_cursor = page(levels_visible_to(actor=actor), cursor=cursor, limit=limit, keys=("rank", "name"))
    return {"items": [_level_out(actor, level) for level in items], "next_cursor": next_cursor}


@router.get("/issue-labels", response=LabelPage, summary="Issue labels, by name")
def list_labels(request: HttpRequest, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    require(request.user, Permission.ISSUE_VIEW)
    items, next_cursor = page(labels_all(), cursor=cursor, limit=limit, keys=("name",))
    return {"items": items, "next_cursor": next_cursor}


@router.post("/cvss/score", response=CvssOut, summary="Score a CVSS v3.0/v3.1/v4.0 vector")
def cvss_score(request: HttpRequest, payload: CvssIn) -> dict[str, Any]:
    """A wrong vector is a 422 on ``vector`` naming the metric. Stores nothing."""
    require(request.user, Permission.ISSUE_VIEW)
    try:
        scored = score_vector(payload.vector)
    except CvssError as exc:
        raise ValidationError({"vector": str(exc)}) from None
    return {
        "vector": scored.vector,
        "version": scored.version,
        "score": float(scored.score),
        "severity": scored.severity,
    }
