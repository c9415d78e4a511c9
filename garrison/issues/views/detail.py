"""One issue's page (header, reporter's text, who can see it, history, checklist, comments, attachments, backport
matrix, triage forms), its attachment downloads and the live CVSS calculator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from garrison.access.decorators import permission_required
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.findings.selectors import findings_visible_to
from garrison.issues import services
from garrison.issues.cvss import CvssError, CvssScore, score_vector
from garrison.issues.forms.detail import (
    BackportAddForm,
    ChecklistForm,
    CommentForm,
    CvssForm,
    IssueEditForm,
    LevelForm,
    PublicForm,
    TransitionForm,
    metrics_of,
)
from garrison.issues.models import BackportEntry, IssueStatus, SecurityIssue
from garrison.issues.selectors import (
    backports_of,
    comments_for_staff,
    get_attachment_for,
    get_issue_for,
    issues_visible_to,
    sla_state,
    who_can_see,
)
from garrison.issues.services.triage import TRANSITIONS, fixed_blockers
from garrison.issues.views.detail_history import issue_history
from garrison.org.selectors import components_visible_to, release_lines_visible_to

TEMPLATE = "issues/detail.html"


@dataclass(frozen=True)
class Matrix:
    """The backport grid: ``columns`` are release lines; each row is a component and one cell (or None) a column."""

    columns: list[Any]
    rows: list[tuple[Any, list[BackportEntry | None]]]


def backport_matrix(actor: Any, issue: SecurityIssue) -> Matrix:
    """Two queries for the cells plus two for what the actor may see, however many cells there are. Cells on a
    component or release line hidden from the actor by a classification label are left out."""
    cells = list(backports_of(issue))
    component_ids = {c.component_id for c in cells}
    line_ids = {c.release_line_id for c in cells}
    seen_components = set(components_visible_to(actor=actor).filter(pk__in=component_ids).values_list("pk", flat=True))
    seen_lines = set(release_lines_visible_to(actor=actor).filter(pk__in=line_ids).values_list("pk", flat=True))
    cells = [c for c in cells if c.component_id in seen_components and c.release_line_id in seen_lines]
    columns = sorted({c.release_line_id: c.release_line for c in cells}.values(), key=lambda line: line.name)
    components = sorted({c.component_id: c.component for c in cells}.values(), key=lambda comp: comp.name)
    by_key = {(c.component_id, c.release_line_id): c for c in cells}
    rows = [(comp, [by_key.get((comp.pk, line.pk)) for line in columns]) for comp in components]
    return Matrix(columns=columns, rows=rows)


def _triage_forms(request: HttpRequest, issue: SecurityIssue, bound: dict[str, Any]) -> dict[str, Any]:
    actor = request.user
    cvss = bound.get("score_form") or CvssForm(initial=metrics_of(issue.cvss_vector))
    moves = TRANSITIONS.get(issue.status, ())
    return {
        "edit_form": bound.get("edit_form") or IssueEditForm(issue=issue, actor=actor),
        "score_form": cvss,
        "current_score": (
            CvssScore(issue.cvss_vector, issue.cvss_version, issue.cvss_score, issue.severity)
            if issue.cvss_score is not None
            else None
        ),
        "transition_form": bound.get("transition_form") or TransitionForm(issue=issue),
        "level_form": bound.get("level_form") or LevelForm(actor=actor, issue=issue),
        "public_form": bound.get("public_form") or PublicForm(issue=issue),
        "checklist_form": bound.get("checklist_form") or ChecklistForm(issue=issue),
        "fixed_blockers": fixed_blockers(issue) if IssueStatus.FIXED in moves else [],
    }


def _sla_rows(issue: SecurityIssue) -> list[tuple[str, Any, Any, str]]:
    """(clock, due, done, state) for acknowledge, triage and fix; state as ``sla_state`` says."""
    state = sla_state(issue)
    return [
        ("Acknowledge", issue.ack_due_at, issue.acknowledged_at, state["acknowledge"]),
        ("Triage", issue.triage_due_at, issue.triaged_at, state["triage"]),
        ("Fix", issue.fix_due_at, issue.fixed_at, state["fix"]),
    ]


def _reporter(request: HttpRequest, issue: SecurityIssue, may_triage: bool) -> dict[str, str] | None:
    """The reporter's decrypted name and email, for those who triage (and so may write to them) only."""
    if not may_triage:
        return None
    name, email = services.reporter_contact(issue)
    return {"name": name, "email": email}


def detail_context(request: HttpRequest, issue: SecurityIssue, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the page shows. ``bound`` holds a form that failed (by its context name) to show with its errors.
    The number of queries does not depend on the number of comments, attachments or backport cells."""
    bound = bound or {}
    actor = request.user
    may_triage = can(actor, Permission.ISSUE_TRIAGE, issue)
    may_comment = can(actor, Permission.ISSUE_COMMENT, issue)
    may_backport = can(actor, Permission.BACKPORT_EDIT, issue)
    visible = issues_visible_to(actor=actor)
    context: dict[str, Any] = {
        "issue": issue,
        "sla": _sla_rows(issue),
        "component_visible": issue.component_id is None or can(actor, Permission.COMPONENT_VIEW, issue.component),
        "exposure_links": [line.strip() for line in issue.exposure_links.splitlines() if line.strip()],
        "reporter": _reporter(request, issue, may_triage),
        "labels": list(issue.labels.all()),
        "findings": list(findings_visible_to(actor=actor).filter(security_issues=issue).select_related("component")),
        "duplicate_of": visible.filter(pk=issue.duplicate_of_id).first() if issue.duplicate_of_id else None,
        "duplicates": list(visible.filter(duplicate_of=issue).only("pk", "number", "title", "status")),
        "viewers": list(who_can_see(issue)),
        "history": issue_history(actor=actor, issue=issue),
        "unanswered": services.checklist_unanswered(issue),
        "comments": list(comments_for_staff(actor=actor, issue=issue)),
        "attachments": list(issue.attachments.defer("sealed").select_related("uploaded_by")),
        "matrix": backport_matrix(actor, issue),
        "may_triage": may_triage,
        "may_comment": may_comment,
        "may_backport": may_backport,
    }
    if may_triage:
        context.update(_triage_forms(request, issue, bound))
    if may_comment:
        context["comment_form"] = bound.get("comment_form") or CommentForm(actor=actor, issue=issue)
    if may_backport:
        context["backport_add_form"] = bound.get("backport_add_form") or BackportAddForm(actor=actor, issue=issue)
    return context


def render_detail(
    request: HttpRequest, issue: SecurityIssue, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    return render(request, TEMPLATE, detail_context(request, issue, bound), status=status)


@login_required
@require_GET
@permission_required(Permission.ISSUE_VIEW)
def issue_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    issue = get_issue_for(actor=request.user, pk=pk)
    return render_detail(request, issue)


@login_required
@require_GET
@permission_required(Permission.ISSUE_VIEW)
def attachment_download(request: HttpRequest, pk: UUID, att: UUID) -> HttpResponse:
    """The decrypted file, always as a download of opaque bytes (never rendered by the browser); audited."""
    issue = get_issue_for(actor=request.user, pk=pk)
    attachment = get_attachment_for(actor=request.user, issue=issue, pk=att)
    data = services.attachment_read(actor=request.user, attachment=attachment)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=attachment.filename) or "attachment"
    )
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@permission_required(Permission.ISSUE_VIEW)
def cvss_preview(request: HttpRequest) -> HttpResponse:
    """The calculator's partial: score and severity of the typed vector (or of the chosen v3.1 metrics), or what is
    wrong with it. Scored on the server only; nothing is stored."""
    form = CvssForm(request.POST if request.method == "POST" else request.GET)
    scored: CvssScore | None = None
    error = ""
    if form.is_valid():
        try:
            scored = score_vector(form.vector())
        except ValidationError as exc:
            error = "; ".join(exc.messages)
        except CvssError as exc:
            error = str(exc)
    else:
        error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    return render(request, "issues/_cvss_preview.html", {"scored": scored, "error": error})
