"""Day-to-day work on one issue's page: comments (with files) and the backport matrix (inline cell edits with htmx)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.issues import services
from garrison.issues.forms.detail import BackportAddForm, BackportCellForm, CommentForm
from garrison.issues.models import BackportEntry, BackportStatus, SecurityIssue
from garrison.issues.selectors import backports_of, get_issue_for
from garrison.issues.views.detail_triage import detail_url, submit
from garrison.org.models import ReleaseLineStatus
from garrison.org.selectors import release_lines_visible_to


@login_required
@require_POST
@permission_required(Permission.ISSUE_COMMENT)
def comment_add(request: HttpRequest, pk: UUID) -> HttpResponse:
    issue = get_issue_for(actor=request.user, pk=pk)
    if not can(request.user, Permission.ISSUE_COMMENT, issue):
        return forbidden(request)
    form = CommentForm(request.POST, request.FILES, actor=request.user, issue=issue)

    def call() -> None:
        data = form.cleaned_data
        services.comment_add(
            actor=request.user, issue=issue, body=data["body"], visibility=data["visibility"], files=data["attachments"]
        )

    return submit(request, issue, form, "comment_form", call, "Comment added.", "comments")


def _htmx(request: HttpRequest) -> bool:
    """Sent by htmx (django-htmx's middleware sets ``request.htmx``)."""
    return bool(getattr(request, "htmx", False))


def _backport_issue(request: HttpRequest, pk: UUID) -> SecurityIssue | None:
    """The issue (404 if invisible), or None when the actor may not edit its backports (developers: only on their
    team's issues)."""
    issue = get_issue_for(actor=request.user, pk=pk)
    return issue if can(request.user, Permission.BACKPORT_EDIT, issue) else None


def _cell_of(issue: SecurityIssue, pk: UUID) -> BackportEntry:
    cell = backports_of(issue).filter(pk=pk).first()
    if cell is None:
        raise Http404("No such backport cell")
    return cell


def _cell_form_response(
    request: HttpRequest, issue: SecurityIssue, cell: BackportEntry, form: BackportCellForm, status: int = 200
) -> HttpResponse:
    template = "issues/_backport_cell_form.html" if _htmx(request) else "issues/detail_backport_edit.html"
    return render(request, template, {"issue": issue, "cell": cell, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@permission_required(Permission.BACKPORT_EDIT)
def backport_edit(request: HttpRequest, pk: UUID, cell: UUID) -> HttpResponse:
    """GET: the cell's edit form (a partial for htmx; ``?show=1`` gives the cell back, for "cancel"). POST: save via
    ``backport_set`` and return the updated cell (htmx) or go back to the page."""
    issue = _backport_issue(request, pk)
    if issue is None:
        return forbidden(request)
    entry = _cell_of(issue, cell)
    if request.method == "GET":
        if request.GET.get("show") and _htmx(request):
            return render(request, "issues/_backport_cell.html", {"issue": issue, "cell": entry, "may_backport": True})
        initial = {
            name: getattr(entry, name) for name in ("status", "fixed_version", "fix_links", "workaround", "decision")
        }
        return _cell_form_response(request, issue, entry, BackportCellForm(initial=initial))
    form = BackportCellForm(request.POST)
    if form.is_valid():
        try:
            entry = services.backport_set(
                actor=request.user,
                issue=issue,
                component=entry.component,
                release_line=entry.release_line,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            if _htmx(request):
                entry = _cell_of(issue, entry.pk)
                context = {"issue": issue, "cell": entry, "may_backport": True}
                return render(request, "issues/_backport_cell.html", context)
            messages.success(request, f"{entry.component.name} on {entry.release_line.name} saved.")
            return redirect(detail_url(issue, "backports"))
    return _cell_form_response(request, issue, entry, form, status=422)


@login_required
@require_POST
@permission_required(Permission.BACKPORT_EDIT)
def backport_add(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Add one component x release line to the matrix, or (no release line chosen) every supported line still
    missing for the component. Each cell goes through ``backport_set`` (status unknown), so each is audited and the
    service decides who may."""
    issue = _backport_issue(request, pk)
    if issue is None:
        return forbidden(request)
    form = BackportAddForm(request.POST, actor=request.user, issue=issue)
    added: list[str] = []

    def call() -> None:
        component, line = form.cleaned_data["component"], form.cleaned_data["release_line"]
        have = set(backports_of(issue).filter(component=component).values_list("release_line_id", flat=True))
        if line is not None:
            if line.pk in have:
                raise ValidationError({"release_line": f"{component.name} on {line.name} is in the matrix already."})
            lines = [line]
        else:
            supported = release_lines_visible_to(actor=request.user, status=ReleaseLineStatus.SUPPORTED)
            lines = [ln for ln in supported if ln.pk not in have and not ln.support_ended]
            if not lines:
                raise ValidationError({"release_line": "Every supported release line is in the matrix already."})
        for ln in lines:
            services.backport_set(
                actor=request.user, issue=issue, component=component, release_line=ln, status=BackportStatus.UNKNOWN
            )
            added.append(ln.name)

    response = submit(request, issue, form, "backport_add_form", call, "Backport matrix extended.", "backports")
    if added and response.status_code == 302:
        messages.info(request, "Added: " + ", ".join(added) + ".")
    return response
