"""Scan history, one scan, a component's findings over time, and the upload form."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.findings import services
from garrison.findings.forms import ScanFilterForm, ScanUploadForm
from garrison.findings.importers import ParseError
from garrison.findings.models import Scan
from garrison.findings.selectors import get_scan_for, scan_history, scans_visible_to
from garrison.findings.views.chart import scan_chart
from garrison.org.selectors import get_component_for
from garrison.org.views.paging import paged

HISTORY_SCANS = 60


@login_required
@permission_required(Permission.FINDING_VIEW)
def scan_list(request: HttpRequest) -> HttpResponse:
    filters = ScanFilterForm(request.GET, actor=request.user)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    qs = scans_visible_to(
        actor=request.user, component=criteria.get("component"), release_line=criteria.get("release_line")
    )
    context = paged(request, qs)
    context["filters"] = filters
    return render(request, "findings/scan_list.html", context)


@login_required
@permission_required(Permission.FINDING_VIEW)
def scan_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    return render(request, "findings/scan_detail.html", {"scan": get_scan_for(actor=request.user, pk=pk)})


@login_required
@permission_required(Permission.FINDING_VIEW)
def component_history(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Per-scan counts of one component as a chart drawn on the server, and the same numbers as a table."""
    component = get_component_for(actor=request.user, pk=pk)
    scans = scan_history(actor=request.user, component=component, limit=HISTORY_SCANS)
    context = {"component": component, "scans": scans, "chart": scan_chart(scans)}
    return render(request, "findings/component_history.html", context)


def _import(request: HttpRequest, form: ScanUploadForm) -> tuple[Scan | None, Any]:
    """The same service calls as ``POST /api/v1/scans``: small files now, large ones to the worker.

    Returns the scan (None on a dry run) and the import result (None when queued)."""
    data = form.cleaned_data
    upload = data["file"]
    options = {
        "component": data["component"],
        "release_line": data["release_line"],
        "service": data["service"].strip(),
        "fmt": data["format"] or None,
        "actor": request.user,
    }
    if data["dry_run"] or upload.size <= settings.GARRISON_SYNC_IMPORT_BYTES:
        result = services.scan_import(source=upload, file_name=upload.name or "", dry_run=data["dry_run"], **options)
        return result.scan, result
    return services.scan_enqueue(upload=upload, **options), None


@login_required
@permission_required(Permission.SCAN_IMPORT)
def scan_upload(request: HttpRequest) -> HttpResponse:
    form = ScanUploadForm(request.POST or None, request.FILES or None, actor=request.user)
    context: dict[str, Any] = {"form": form, "sync_limit": settings.GARRISON_SYNC_IMPORT_BYTES}
    if request.method == "POST" and form.is_valid():
        limit = settings.GARRISON_MAX_UPLOAD_BYTES
        if form.cleaned_data["file"].size > limit:
            form.add_error("file", f"Larger than the limit of {limit} bytes.")
            return render(request, "findings/scan_upload.html", context, status=413)
        try:
            scan, result = _import(request, form)
        except ParseError as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            if scan is None:  # a dry run: show the counts, nothing was stored
                context["result"] = result
                return render(request, "findings/scan_upload.html", context)
            messages.success(request, f"Report uploaded ({scan.get_status_display().lower()}).")
            return redirect("findings:scan_detail", pk=scan.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "findings/scan_upload.html", context, status=status)
