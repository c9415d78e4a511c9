"""The security team's advisory pages: the list, drafting from an issue, one advisory with its edit forms,
approval / pre-notification / publication, and the standard-format exports."""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.disclosure import services, services_edit
from garrison.disclosure.document import ExportError
from garrison.disclosure.exporters import EXPORTERS
from garrison.disclosure.forms import AdvisoryForm, CreditForm, PrenotifyForm, ProductForm, RevisionForm
from garrison.disclosure.models import Advisory
from garrison.disclosure.selectors import advisories_visible_to, get_advisory_for
from garrison.issues.selectors import get_issue_for
from garrison.org.views.paging import paged


def _zone_name(user: Any) -> str:
    name = str(getattr(user, "time_zone", "") or "UTC")
    return name if name in zoneinfo.available_timezones() else "UTC"


def _refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A service's AccessDenied is the ordinary 403 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AccessDenied:
            return forbidden(request)

    return wrapped


@login_required
@permission_required(Permission.ADVISORY_VIEW)
def advisory_list(request: HttpRequest) -> HttpResponse:
    qs = advisories_visible_to(actor=request.user).order_by("-created_at")
    context = paged(request, qs)
    context.update(zone=_zone_name(request.user), can_edit=can(request.user, Permission.ADVISORY_EDIT))
    return render(request, "disclosure/staff_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@permission_required(Permission.ADVISORY_EDIT)
@_refusals
def advisory_new(request: HttpRequest) -> HttpResponse:
    try:
        issue = get_issue_for(actor=request.user, pk=UUID(request.GET.get("issue", "")))
    except ValueError:
        raise Http404("No such issue") from None
    error = ""
    if request.method == "POST":
        try:
            advisory = services.advisory_draft(actor=request.user, issues=[issue])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Draft {advisory.identifier} created.")
            return redirect("advisories:advisory_detail", identifier=advisory.identifier)
    status = 422 if error else 200
    return render(request, "disclosure/staff_new.html", {"issue": issue, "error": error}, status=status)


def _detail_page(request: HttpRequest, advisory: Advisory, status: int = 200, **forms: Any) -> HttpResponse:
    actor = request.user
    zone = _zone_name(actor)
    context = {
        "advisory": advisory,
        "zone": zone,
        "problems": services.publication_problems(advisory),
        "products": list(advisory.products.select_related("component", "release_line")),
        "credits": list(advisory.credits.all()),
        "revisions": list(advisory.revisions.all()),
        "issues": list(advisory.issues.order_by("number")),
        "formats": list(EXPORTERS),
        "can_edit": can(actor, Permission.ADVISORY_EDIT),
        "can_publish": can(actor, Permission.ADVISORY_PUBLISH),
        "form": forms.get("form") or AdvisoryForm(initial=AdvisoryForm.initial_for(advisory)),
        "product_form": forms.get("product_form") or ProductForm(actor=actor),
        "credit_form": forms.get("credit_form") or CreditForm(),
        "revision_form": forms.get("revision_form") or RevisionForm(),
        "prenotify_form": forms.get("prenotify_form") or PrenotifyForm(initial={"time_zone": zone}),
        "action_error": forms.get("action_error", ""),
    }
    return render(request, "disclosure/staff_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@permission_required(Permission.ADVISORY_VIEW)
@_refusals
def advisory_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    if request.method == "POST" and not can(request.user, Permission.ADVISORY_EDIT):
        return forbidden(request)
    advisory = get_advisory_for(actor=request.user, identifier=identifier)
    if request.method != "POST":
        return _detail_page(request, advisory)
    form = AdvisoryForm(request.POST)
    if form.is_valid():
        try:
            services_edit.advisory_update(actor=request.user, advisory=advisory, changes=form.changes())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Advisory saved.")
            return redirect("advisories:advisory_detail", identifier=advisory.identifier)
    return _detail_page(request, advisory, status=422, form=form)


def _edit_view(handler: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A POST-only sub-form of the detail page, for holders of ADVISORY_EDIT on a visible advisory."""

    @login_required
    @require_POST
    @permission_required(Permission.ADVISORY_EDIT)
    @_refusals
    @wraps(handler)
    def view(request: HttpRequest, identifier: str, **kwargs: Any) -> HttpResponse:
        advisory = get_advisory_for(actor=request.user, identifier=identifier)
        return handler(request, advisory, **kwargs)

    return view


def _done(request: HttpRequest, advisory: Advisory, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("advisories:advisory_detail", identifier=advisory.identifier)


@_edit_view
def product_save(request: HttpRequest, advisory: Advisory) -> HttpResponse:
    form = ProductForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            services_edit.product_set(
                actor=request.user,
                advisory=advisory,
                component=form.cleaned_data["component"],
                release_line=form.cleaned_data["release_line"],
                changes=form.changes(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _done(request, advisory, "Product saved.")
    return _detail_page(request, advisory, status=422, product_form=form)


@_edit_view
def product_delete(request: HttpRequest, advisory: Advisory, pk: UUID) -> HttpResponse:
    try:
        services_edit.product_delete(actor=request.user, advisory=advisory, product_id=pk)
    except ValidationError as exc:  # not on this advisory, or removed already (a second click)
        messages.error(request, _service_error(exc))
        return redirect("advisories:advisory_detail", identifier=advisory.identifier)
    return _done(request, advisory, "Product removed.")


@_edit_view
def credit_add(request: HttpRequest, advisory: Advisory) -> HttpResponse:
    form = CreditForm(request.POST)
    if form.is_valid():
        try:
            services_edit.credit_add(actor=request.user, advisory=advisory, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _done(request, advisory, "Credit added.")
    return _detail_page(request, advisory, status=422, credit_form=form)


@_edit_view
def credit_delete(request: HttpRequest, advisory: Advisory, pk: UUID) -> HttpResponse:
    try:
        services_edit.credit_delete(actor=request.user, advisory=advisory, credit_id=pk)
    except ValidationError as exc:  # not on this advisory, or removed already (a second click)
        messages.error(request, _service_error(exc))
        return redirect("advisories:advisory_detail", identifier=advisory.identifier)
    return _done(request, advisory, "Credit removed.")


@_edit_view
def revision_add(request: HttpRequest, advisory: Advisory) -> HttpResponse:
    form = RevisionForm(request.POST)
    if form.is_valid():
        try:
            services_edit.revision_add(actor=request.user, advisory=advisory, summary=form.cleaned_data["summary"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _done(request, advisory, "Revision added.")
    return _detail_page(request, advisory, status=422, revision_form=form)


def _publish_view(handler: Callable[[HttpRequest, Advisory], HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    @permission_required(Permission.ADVISORY_PUBLISH)
    @_refusals
    @wraps(handler)
    def view(request: HttpRequest, identifier: str) -> HttpResponse:
        advisory = get_advisory_for(actor=request.user, identifier=identifier)
        return handler(request, advisory)

    return view


def _service_error(exc: ValidationError) -> str:
    return " ".join(m if m.endswith(".") else f"{m}." for m in exc.messages)


@_publish_view
def advisory_approve(request: HttpRequest, advisory: Advisory) -> HttpResponse:
    try:
        services.advisory_approve(actor=request.user, advisory=advisory)
    except ValidationError as exc:
        return _detail_page(request, advisory, status=422, action_error=_service_error(exc))
    return _done(request, advisory, "Publication approved.")


@_publish_view
def advisory_prenotify(request: HttpRequest, advisory: Advisory) -> HttpResponse:
    form = PrenotifyForm(request.POST)
    if form.is_valid():
        try:
            services.advisory_prenotify(actor=request.user, advisory=advisory, embargo_ends_at=form.aware_end())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _done(request, advisory, "Pre-notified: the embargo has started.")
    return _detail_page(request, advisory, status=422, prenotify_form=form)


@_publish_view
def advisory_publish(request: HttpRequest, advisory: Advisory) -> HttpResponse:
    try:
        services.advisory_publish(actor=request.user, advisory=advisory)
    except ValidationError as exc:
        return _detail_page(request, advisory, status=422, action_error=_service_error(exc))
    return _done(request, advisory, "Advisory published.")


@login_required
@permission_required(Permission.ADVISORY_VIEW)
@_refusals
def advisory_export(request: HttpRequest, identifier: str, fmt: str) -> HttpResponse:
    advisory = get_advisory_for(actor=request.user, identifier=identifier)
    if fmt not in EXPORTERS:
        raise Http404("No such format")
    try:
        document = services.advisory_export(actor=request.user, advisory=advisory, fmt=fmt)
    except ExportError as exc:
        context = {"advisory": advisory, "fmt": fmt, "missing": exc.missing}
        return render(request, "disclosure/staff_export_error.html", context, status=422)
    response = HttpResponse(json.dumps(document, indent=2, default=str), content_type="application/json")
    filename = f"{advisory.identifier}.{fmt}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
