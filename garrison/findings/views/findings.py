"""The findings list (filters, counts by severity, bulk actions) and one finding (with its triage form)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.findings import services
from garrison.findings.forms import BulkActionForm, DecisionForm, FindingFilterForm
from garrison.findings.models import Finding, Severity
from garrison.findings.selectors import (
    findings_filtered,
    findings_visible_to,
    get_finding_for,
    severity_counts,
    with_last_seen,
)
from garrison.issues.selectors_listing import issues_of_finding
from garrison.org.views.paging import paged


def _list_context(request: HttpRequest, bulk_form: BulkActionForm | None = None) -> dict[str, Any]:
    actor = request.user
    filters = FindingFilterForm(request.GET, actor=actor)
    qs = findings_filtered(actor=actor, **filters.criteria())
    context = paged(request, with_last_seen(qs))
    counts = severity_counts(qs)
    context["severity_counts"] = [(value, label, counts.get(value, 0)) for value, label in Severity.choices]
    # Bulk actions need triage rights (per component: the service refuses the rows the actor may not triage).
    can_bulk = can(actor, Permission.FINDING_TRIAGE) or can(actor, Permission.SUPPRESSION_MANAGE)
    context.update(filters=filters, can_bulk=can_bulk, bulk_form=bulk_form or BulkActionForm(finding_ids=[]))
    return context


@login_required
@permission_required(Permission.FINDING_VIEW)
def finding_list(request: HttpRequest) -> HttpResponse:
    return render(request, "findings/finding_list.html", _list_context(request))


@login_required
@require_POST
@permission_required(Permission.FINDING_VIEW)
def finding_bulk(request: HttpRequest) -> HttpResponse:
    """Suppress, accept the risk of, or mark as false positive the ticked findings, with a required reason."""
    actor = request.user
    if not (can(actor, Permission.FINDING_TRIAGE) or can(actor, Permission.SUPPRESSION_MANAGE)):
        return forbidden(request)
    form = BulkActionForm(request.POST, finding_ids=request.POST.getlist("findings"))
    if form.is_valid():
        chosen = findings_visible_to(actor=actor).filter(pk__in=form.cleaned_data["findings"])
        try:
            changed = services.findings_bulk_action(
                findings=chosen, action=form.cleaned_data["action"], reason=form.cleaned_data["reason"], actor=actor
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"{changed} finding{'s' if changed != 1 else ''} updated.")
            return redirect(f"{reverse('findings:finding_list')}?{request.GET.urlencode()}")
    # The form posts to this URL with the list's filters in its query string: show the same list, with the errors.
    return render(request, "findings/finding_list.html", _list_context(request, form), status=422)


def _detail_context(request: HttpRequest, finding: Finding, form: DecisionForm | None) -> dict[str, Any]:
    decision = finding.decision
    may_triage = can(request.user, Permission.FINDING_TRIAGE, finding.component)
    if may_triage and form is None:
        initial = {"state": decision.state, "justification": decision.justification} if decision else {}
        form = DecisionForm(initial=initial)
    return {
        "finding": finding,
        "decision": decision,
        # counted among the findings the actor may see: rows on a release line hidden by its label stay uncounted
        "decision_covers": findings_visible_to(actor=request.user).filter(decision=decision).count() if decision else 0,
        "decision_form": form if may_triage else None,
        # the security issues this finding was promoted to or linked with, among those the viewer may see
        "linked_issues": list(issues_of_finding(actor=request.user, finding=finding)),
    }


@login_required
@permission_required(Permission.FINDING_VIEW)
def finding_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    finding = get_finding_for(actor=request.user, pk=pk)
    return render(request, "findings/finding_detail.html", _detail_context(request, finding, None))


@login_required
@require_POST
@permission_required(Permission.FINDING_TRIAGE)
def finding_decide(request: HttpRequest, pk: UUID) -> HttpResponse:
    finding = get_finding_for(actor=request.user, pk=pk)
    if not can(request.user, Permission.FINDING_TRIAGE, finding.component):
        return forbidden(request)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_set(finding=finding, **form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, "Decision saved.")
            return redirect("findings:finding_detail", pk=finding.pk)
    return render(request, "findings/finding_detail.html", _detail_context(request, finding, form), status=422)
