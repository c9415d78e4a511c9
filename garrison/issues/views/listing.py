"""The issue list (filters, counts per status, saved filters, CSV export), filing an issue, promoting a finding, and
labels. Every row comes from ``issues_filtered``: what the viewer may not see is never listed, counted or exported."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any, cast
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.audit.exports import safe_cell
from garrison.core import clock
from garrison.findings.selectors import get_finding_for
from garrison.issues import services
from garrison.issues.forms.listing import IssueCreateForm, IssueFilterForm, LabelForm, SavedFilterForm
from garrison.issues.models import Channel, IssueStatus, SecurityIssue
from garrison.issues.selectors import can_see_issue, issues_filtered, labels_all, saved_filters_of
from garrison.issues.selectors_listing import label_usage, next_due, shown_names, status_counts, with_overdue
from garrison.org.views.paging import paged

_EXPORT_CHUNK = 2000


def issue_url(issue: SecurityIssue) -> str:
    """The issue's page (served by the detail views at /issues/<uuid>/)."""
    return f"{reverse('issues:issue_list')}{issue.pk}/"


def _list_url(query: str = "") -> str:
    return reverse("issues:issue_list") + (f"?{query}" if query else "")


def _rows(actor: Any, page: Iterable[SecurityIssue]) -> list[dict[str, Any]]:
    """Per row: the issue, its next SLA clock and the names it may show. No query (all selected with the page)."""
    rows = []
    for issue in page:
        component, team = shown_names(actor, issue)
        rows.append(
            {"issue": issue, "url": issue_url(issue), "due": next_due(issue), "component": component, "team": team}
        )
    return rows


def _list_context(request: HttpRequest) -> dict[str, Any]:
    actor = request.user
    filters = IssueFilterForm(request.GET, actor=actor)
    criteria = filters.criteria()
    context = paged(request, with_overdue(issues_filtered(actor=actor, filters=criteria)))
    counts = status_counts(actor=actor, filters=criteria)
    status_params = request.GET.copy()
    for key in ("page", "status", "show"):
        status_params.pop(key, None)
    base = status_params.urlencode()
    context.update(
        filters=filters,
        rows=_rows(actor, context["page"]),
        status_counts=[
            (value, label, counts.get(value, 0), "&".join(p for p in (base, urlencode({"status": value})) if p))
            for value, label in IssueStatus.choices
        ],
        saved_filters=list(saved_filters_of(actor=actor)),
        save_form=SavedFilterForm(initial={"query": context["filter_query"]}),
        export_url=reverse("issues:issue_export") + (f"?{context['filter_query']}" if context["filter_query"] else ""),
        can_create=can(actor, Permission.ISSUE_CREATE),
    )
    return context


@require_GET
@login_required
@permission_required(Permission.ISSUE_VIEW)
def issue_list(request: HttpRequest) -> HttpResponse:
    template = "issues/list_results.html" if getattr(request, "htmx", False) else "issues/list_issues.html"
    return render(request, template, _list_context(request))


EXPORT_COLUMNS = (
    "key",
    "title",
    "status",
    "close_reason",
    "severity",
    "cvss_score",
    "cvss_vector",
    "priority",
    "component",
    "team",
    "owner",
    "security_level",
    "public",
    "created_at",
    "ack_due_at",
    "triage_due_at",
    "fix_due_at",
    "due_on",
    "overdue",
)


def _csv_row(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["" if v is None else safe_cell(str(v)) for v in values])
    return buffer.getvalue()


def _stamp(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def export_lines(actor: Any, issues: Iterable[SecurityIssue]) -> Iterator[str]:
    """CSV lines (no descriptions, no reporter data); every cell that a spreadsheet would run is quoted as text."""
    yield _csv_row(EXPORT_COLUMNS)
    for issue in issues:
        component, team = shown_names(actor, issue)
        yield _csv_row(
            (
                issue.key,
                issue.title,
                issue.status,
                issue.close_reason,
                issue.severity,
                issue.cvss_score,
                issue.cvss_vector,
                issue.priority,
                component,
                team,
                issue.owner.email if issue.owner is not None else "",
                issue.security_level.name,
                "yes" if issue.is_public else "no",
                _stamp(issue.created_at),
                _stamp(issue.ack_due_at),
                _stamp(issue.triage_due_at),
                _stamp(issue.fix_due_at),
                _stamp(issue.due_on),
                "yes" if getattr(issue, "is_overdue", False) else "no",
            )
        )


@require_GET
@login_required
@permission_required(Permission.ISSUE_VIEW)
def issue_export(request: HttpRequest) -> HttpResponse:
    """The list's filtered rows as CSV, streamed in constant memory (a read: not audited)."""
    actor = request.user
    criteria = IssueFilterForm(request.GET, actor=actor).criteria()
    issues = with_overdue(issues_filtered(actor=actor, filters=criteria))
    response = StreamingHttpResponse(
        export_lines(actor, issues.iterator(chunk_size=_EXPORT_CHUNK)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="garrison-issues-{clock.now():%Y%m%dT%H%M%SZ}.csv"'
    response["Cache-Control"] = "no-store"
    return cast(HttpResponse, response)


def _normal_query(raw: str) -> str:
    """The list's query string, re-encoded (so no raw character reaches a link or a header), without the page."""
    params = QueryDict(raw.strip().lstrip("?"), mutable=True)
    params.pop("page", None)
    return params.urlencode()


@require_POST
@login_required
@permission_required(Permission.ISSUE_VIEW)
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    form = SavedFilterForm(request.POST)
    query = _normal_query(request.POST.get("query", ""))
    if form.is_valid():
        try:
            saved = services.saved_filter_save(actor=request.user, name=form.cleaned_data["name"], query=query)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Filters saved as “{saved.name}”.")
            return redirect(_list_url(saved.query))
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    messages.error(request, f"The filters were not saved: {errors}")
    return redirect(_list_url(query))


@require_POST
@login_required
@permission_required(Permission.ISSUE_VIEW)
def saved_filter_delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Deletes one of the viewer's own saved filters; anyone else's is left alone (and not confirmed to exist)."""
    if not saved_filters_of(actor=request.user).filter(pk=pk).exists():
        raise Http404("No such saved filter")
    services.saved_filter_delete(actor=request.user, pk=pk)
    messages.success(request, "Saved filter deleted.")
    return redirect("issues:issue_list")


def _after_filing(request: HttpRequest, issue: SecurityIssue) -> HttpResponse:
    """To the new issue's page, or (when the actor's role cannot see the level new issues get) to the list."""
    if can_see_issue(request.user, issue):
        messages.success(request, f"{issue.key} filed.")
        return redirect(issue_url(issue))
    messages.warning(
        request,
        f"{issue.key} filed at the level “{issue.security_level.name}”, which your role cannot see: "
        "the security team has it now.",
    )
    return redirect("issues:issue_list")


@login_required
@permission_required(Permission.ISSUE_CREATE)
def issue_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if request.method != "POST":
        return render(request, "issues/list_create.html", {"form": IssueCreateForm(actor=actor)})
    form = IssueCreateForm(request.POST, request.FILES, actor=actor)
    if form.is_valid():
        try:
            result = services.issue_intake(report=form.report(), channel=Channel.INTERNAL, actor=actor)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            return _after_filing(request, result.issue)
    return render(request, "issues/list_create.html", {"form": form}, status=422)


@require_POST
@login_required
@permission_required(Permission.ISSUE_CREATE)
def finding_promote(request: HttpRequest, finding_pk: UUID) -> HttpResponse:
    """A finding becomes a security issue (at the most restrictive level), linked both ways."""
    finding = get_finding_for(actor=request.user, pk=finding_pk)
    back = reverse("findings:finding_detail", kwargs={"pk": finding.pk})
    try:
        issue = services.issue_from_finding(actor=request.user, finding=finding)
    except ValidationError as exc:
        messages.error(request, "Not promoted: " + "; ".join(exc.messages))
        return redirect(back)
    except AccessDenied:
        return forbidden(request)
    return _after_filing(request, issue)


@login_required
@permission_required(Permission.ISSUE_VIEW)
def label_list(request: HttpRequest) -> HttpResponse:
    """Every label, with the number of issues (among those the viewer may see) carrying it; creating one needs
    ISSUE_TRIAGE."""
    actor = request.user
    may_create = can(actor, Permission.ISSUE_TRIAGE)
    form = LabelForm()
    status = 200
    if request.method == "POST":
        if not may_create:
            return forbidden(request)
        form = LabelForm(request.POST)
        if form.is_valid():
            try:
                label = services.label_create(actor=actor, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            except AccessDenied:
                return forbidden(request)
            else:
                messages.success(request, f"Label “{label.name}” created.")
                return redirect("issues:label_list")
        status = 422
    usage = label_usage(actor=actor)
    labels = [(label, usage.get(label.pk, 0), _list_url(urlencode({"label": label.name}))) for label in labels_all()]
    return render(
        request, "issues/list_labels.html", {"labels": labels, "form": form if may_create else None}, status=status
    )
