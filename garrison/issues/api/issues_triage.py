"""Triage: score, move through the states, choose the security level, mark public, answer the checklist.

Each answers with the issue in full, or 204 when the change took the issue out of the caller's sight.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.issues import services
from garrison.issues.api import issues_refs as refs
from garrison.issues.api.issues_list import detail_or_gone
from garrison.issues.api.schemas import ChecklistIn, IssueDetailOut, LevelIn, PublicIn, ScoreIn, TransitionIn
from garrison.issues.models import SecurityIssue

router = Router()
RESPONSES: dict[int, Any] = {200: IssueDetailOut, 204: None}


def _triageable(request: HttpRequest, key: str) -> tuple[Any, SecurityIssue]:
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    require(actor, Permission.ISSUE_TRIAGE)  # refuse before looking anything up
    return actor, refs.issue(actor, key)


@router.post("/issues/{key}/score", response=RESPONSES, summary="Score with a CVSS vector (sets priority and SLA)")
def score_issue(request: HttpRequest, key: str, payload: ScoreIn) -> Any:
    """A wrong vector is a 422 on ``vector`` naming the metric; an empty one clears the score."""
    actor, issue = _triageable(request, key)
    with refs.fields_as({"cvss_vector": "vector"}):
        services.issue_score(actor=actor, issue=issue, vector=payload.vector)
    return detail_or_gone(actor, issue.pk)


@router.post("/issues/{key}/transition", response=RESPONSES, summary="Move the issue to another status")
def transition_issue(request: HttpRequest, key: str, payload: TransitionIn) -> Any:
    """An impossible move is a 422 on ``to`` listing the possible ones; closing needs a ``reason`` (and
    ``duplicate_of`` for duplicates)."""
    actor, issue = _triageable(request, key)
    with refs.fields_as({"status": "to"}):
        services.issue_transition(
            actor=actor,
            issue=issue,
            to=str(payload.to),
            reason=str(payload.reason or ""),
            duplicate_of=refs.duplicate(actor, payload.duplicate_of),
            note=payload.note,
        )
    return detail_or_gone(actor, issue.pk)


@router.put("/issues/{key}/level", response=RESPONSES, summary="Choose the security level (who may see it)")
def set_level(request: HttpRequest, key: str, payload: LevelIn) -> Any:
    actor, issue = _triageable(request, key)
    services.issue_set_level(actor=actor, issue=issue, level=refs.level(actor, payload.level))
    return detail_or_gone(actor, issue.pk)


@router.put("/issues/{key}/public", response=RESPONSES, summary="Mark public (no embargo) or embargo again")
def set_public(request: HttpRequest, key: str, payload: PublicIn) -> Any:
    actor, issue = _triageable(request, key)
    services.issue_set_public(actor=actor, issue=issue, public=payload.public, reason=payload.reason)
    return detail_or_gone(actor, issue.pk)


@router.put("/issues/{key}/checklist", response=RESPONSES, summary="Answer investigation-checklist questions")
def set_checklist(request: HttpRequest, key: str, payload: ChecklistIn) -> Any:
    """Questions left out keep their answer; ``workaround`` is required once a workaround is available."""
    actor, issue = _triageable(request, key)
    sent = payload.model_dump(exclude_unset=True)
    workaround = sent.pop("workaround", issue.workaround)
    answers = {name: str(value) for name, value in sent.items()}
    services.checklist_update(actor=actor, issue=issue, answers=answers, workaround=workaround)
    return detail_or_gone(actor, issue.pk)
