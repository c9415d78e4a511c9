"""The public side of disclosure: anonymous, read-only pages, exports and feeds of published advisories.

Every view reads ``public_advisories()`` only: an advisory that is not published does not exist here (404)."""

from __future__ import annotations

import json
from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from garrison.disclosure.document import ExportError, ProductDoc
from garrison.disclosure.exporters import EXPORTERS
from garrison.disclosure.feeds import CONTENT_TYPE, atom_feed
from garrison.disclosure.models import Advisory
from garrison.disclosure.selectors import public_advisories
from garrison.disclosure.services import document_for

# URL suffix -> exporter, and what the page calls it.
FORMATS: dict[str, tuple[str, str]] = {
    "csaf": ("csaf", "CSAF 2.0"),
    "vex": ("csaf-vex", "CSAF 2.0 VEX"),
    "openvex": ("openvex", "OpenVEX"),
    "osv": ("osv", "OSV"),
    "cve5": ("cve5", "CVE JSON 5"),
}


def _published(identifier: str) -> Advisory:
    found = (
        public_advisories()
        .filter(identifier__iexact=identifier.strip())
        .prefetch_related("credits", "revisions", "products__component", "products__release_line")
        .first()
    )
    if found is None:
        raise Http404("No such advisory")
    return found


@require_safe
def advisory_list(request: HttpRequest) -> HttpResponse:
    advisories = public_advisories().order_by("-published_at", "-identifier")
    return render(request, "disclosure/public_list.html", {"advisories": advisories})


@require_safe
def advisory_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    advisory = _published(identifier)
    doc = document_for(advisory)
    lines = [
        (line or "", list(products))
        for line, products in groupby(sorted(doc.products, key=_line_key), key=lambda p: p.release_line)
    ]
    exports = [
        (label, reverse("public:advisory_export", args=[advisory.identifier, suffix]))
        for suffix, (_, label) in FORMATS.items()
    ]
    return render(
        request,
        "disclosure/public_detail.html",
        {"advisory": advisory, "doc": doc, "lines": lines, "exports": exports},
    )


def _line_key(product: ProductDoc) -> tuple[str, str]:
    return (product.release_line, product.component)


@require_safe
def advisory_export(request: HttpRequest, identifier: str, suffix: str) -> HttpResponse:
    if suffix not in FORMATS:
        raise Http404("No such format")
    fmt, label = FORMATS[suffix]
    advisory = _published(identifier)
    try:
        document = EXPORTERS[fmt](document_for(advisory))
    except ExportError:
        context = {"advisory": advisory, "label": label}
        return render(request, "disclosure/public_unavailable.html", context, status=404)
    body = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{advisory.identifier.lower()}.{suffix}.json"'
    return response


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    advisories = public_advisories().order_by("-published_at", "-identifier").prefetch_related("revisions")
    body = atom_feed(title="Security advisories", feed_path=request.path, advisories=advisories)
    return HttpResponse(body, content_type=CONTENT_TYPE)


@require_safe
def component_feed(request: HttpRequest, component: str) -> HttpResponse:
    """Advisories naming ``component`` among their products. A component no published advisory names, or one with
    a classification label, does not exist here."""
    advisories = (
        public_advisories()
        .filter(products__component__name=component, products__component__classification__isnull=True)
        .distinct()
        .order_by("-published_at", "-identifier")
        .prefetch_related("revisions")
    )
    found = list(advisories)
    if not found:
        raise Http404("No such component")
    body = atom_feed(title=f"Security advisories: {component}", feed_path=request.path, advisories=found)
    return HttpResponse(body, content_type=CONTENT_TYPE)


@require_safe
def component_vex(request: HttpRequest, component: str) -> HttpResponse:
    """The component's status across every published advisory naming it, as one CSAF VEX document (404 for a
    component no published advisory names, or one with a classification label)."""
    from django.conf import settings

    from garrison.core import clock
    from garrison.disclosure.exporters.csaf_component import export_component_vex

    advisories = list(
        public_advisories()
        .filter(products__component__name=component, products__component__classification__isnull=True)
        .distinct()
        .order_by("published_at", "identifier")
    )
    if not advisories:
        raise Http404("No such component")
    identifier = f"{settings.GARRISON_ADVISORY_PREFIX}-VEX-{component}"
    try:
        document = export_component_vex(
            [document_for(a) for a in advisories], component=component, identifier=identifier, now=clock.now()
        )
    except ExportError:
        raise Http404("No VEX document for this component") from None
    body = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{component.lower()}.vex.json"'
    return response
