"""Triage actions on one issue's page: each form calls one service; a refusal shows the page again with the form's
errors (422)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.issues import services
from garrison.issues.forms.detail import (
    ChecklistForm,
    CvssForm,
    IssueEditForm,
    LevelForm,
    PublicForm,
    ServiceForm,
    TransitionForm,
)
from garrison.issues.models import SecurityIssue
from garrison.issues.selectors import get_issue_for
from garrison.issues.views.detail import render_detail


def detail_url(issue: SecurityIssue, anchor: str = "") -> str:
    return reverse("issues:issue_detail", args=[issue.pk]) + (f"#{anchor}" if anchor else "")


def submit(
    request: HttpRequest,
    issue: SecurityIssue,
    form: ServiceForm,
    slot: str,
    call: Callable[[], Any],
    done: str,
    anchor: str,
) -> HttpResponse:
    """Validate ``form``, run the service ``call``; on success redirect to the page, else show it with the errors."""
    if form.is_valid():
        try:
            call()
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, done)
            return redirect(detail_url(issue, anchor))
    return render_detail(request, issue, {slot: form}, status=422)


def _triage_issue(request: HttpRequest, pk: UUID) -> SecurityIssue | None:
    """The issue (404 if invisible), or None when the actor may not triage it."""
    issue = get_issue_for(actor=request.user, pk=pk)
    return issue if can(request.user, Permission.ISSUE_TRIAGE, issue) else None


@login_required
@require_POST
@permission_required(Permission.ISSUE_TRIAGE)
def issue_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    issue = _triage_issue(request, pk)
    if issue is None:
        return forbidden(request)
    form = IssueEditForm(request.POST, issue=issue, actor=request.user)

    def call() -> None:
        services.issue_update(actor=request.user, issue=issue, changes=form.changes())

    return submit(request, issue, form, "edit_form", call, "Issue updated.", "edit")


@login_required
@require_POST
@permission_required(Permission.ISSUE_TRIAGE)
def issue_score(request: HttpRequest, pk: UUID) -> HttpResponse:
    issue = _triage_issue(request, pk)
    if issue is None:
        return forbidden(request)
    form = CvssForm(request.POST)

    def call() -> None:
        vector = "" if form.cleaned_data["clear"] else form.vector()
        services.issue_score(actor=request.user, issue=issue, vector=vector)

    return submit(request, issue, form, "score_form", call, "Score saved.", "score")


@login_required
@require_POST
@permission_required(Permission.ISSUE_TRIAGE)
def issue_transition(request: HttpRequest, pk: UUID) -> HttpResponse:
    issue = _triage_issue(request, pk)
    if issue is None:
        return forbidden(request)
    form = TransitionForm(request.POST, issue=issue)

    def call() -> None:
        data = form.cleaned_data
        number = data["duplicate_of"]
        duplicate = services.visible_duplicate(actor=request.user, number=number) if number else None
        services.issue_transition(
            actor=request.user,
            issue=issue,
            to=data["to"],
            reason=data["reason"],
            duplicate_of=duplicate,
            note=data["note"],
        )

    return submit(request, issue, form, "transition_form", call, "Status changed.", "status")


@login_required
@require_POST
@permission_required(Permission.ISSUE_TRIAGE)
def issue_level(request: HttpRequest, pk: UUID) -> HttpResponse:
    issue = _triage_issue(request, pk)
    if issue is None:
        return forbidden(request)
    form = LevelForm(request.POST, actor=request.user, issue=issue)

    def call() -> None:
        services.issue_set_level(actor=request.user, issue=issue, level=form.cleaned_data["level"])

    return submit(request, issue, form, "level_form", call, "Security level changed.", "embargo")


@login_required
@require_POST
@permission_required(Permission.ISSUE_TRIAGE)
def issue_public(request: HttpRequest, pk: UUID) -> HttpResponse:
    issue = _triage_issue(request, pk)
    if issue is None:
        return forbidden(request)
    form = PublicForm(request.POST, issue=issue)

    def call() -> None:
        public = form.cleaned_data["state"] == "public"
        services.issue_set_public(actor=request.user, issue=issue, public=public, reason=form.cleaned_data["reason"])

    return submit(request, issue, form, "public_form", call, "Embargo changed.", "embargo")


@login_required
@require_POST
@permission_required(Permission.ISSUE_TRIAGE)
def issue_checklist(request: HttpRequest, pk: UUID) -> HttpResponse:
    issue = _triage_issue(request, pk)
    if issue is None:
        return forbidden(request)
    form = ChecklistForm(request.POST, issue=issue)

    def call() -> None:
        services.checklist_update(
            actor=request.user, issue=issue, answers=form.answers(), workaround=form.cleaned_data["workaround"]
        )

    return submit(request, issue, form, "checklist_form", call, "Checklist saved.", "checklist")
