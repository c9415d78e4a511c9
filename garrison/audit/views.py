from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from garrison.access.decorators import permission_required
from garrison.access.permissions import Permission
from garrison.audit import exports
from garrison.audit.forms import EventFilterForm
from garrison.audit.models import AuditEvent
from garrison.audit.selectors import events_page_visible_to
from garrison.audit.services import export_record
from garrison.core import clock

PAGE_SIZE = 50
_EXPORT_CHUNK = 2000


def _filter_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("cursor", None)
    return query.urlencode()


@require_GET
@login_required
@permission_required(Permission.AUDIT_VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET)
    events: list[AuditEvent] = []
    next_cursor: int | None = None
    if form.is_valid():
        events, next_cursor = events_page_visible_to(
            actor=request.user, filters=form.filters(), cursor=form.cleaned_data.get("cursor"), limit=PAGE_SIZE
        )
    context = {
        "form": form,
        "events": events,
        "next_cursor": next_cursor,
        "paged": bool(form.is_valid() and form.cleaned_data.get("cursor")),
        "filter_query": _filter_query(request),
    }
    return render(request, "audit/event_list.html", context)


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            f"The filters are not valid: {form.error_summary()}", content_type="text/plain; charset=utf-8"
        )
    events = export_record(actor=request.user, filters=form.filters(), fmt=fmt)
    response = StreamingHttpResponse(
        exports.WRITERS[fmt](events.iterator(chunk_size=_EXPORT_CHUNK)), content_type=exports.CONTENT_TYPES[fmt]
    )
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="garrison-audit-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    # access.decorators is typed for HttpResponse; Django treats the streaming response the same way.
    return cast(HttpResponse, response)


@require_GET
@login_required
@permission_required(Permission.AUDIT_EXPORT)
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@require_GET
@login_required
@permission_required(Permission.AUDIT_EXPORT)
def export_jsonl(request: HttpRequest) -> HttpResponse:
    return _export(request, "jsonl")
