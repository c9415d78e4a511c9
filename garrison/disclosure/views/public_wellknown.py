"""/.well-known/: security.txt (RFC 9116) and the CSAF 2.0 provider (provider metadata and the TLP:WHITE
directory). Anonymous and read-only; only published advisories appear."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from garrison.core import clock
from garrison.disclosure import provider
from garrison.disclosure.document import ExportError

TEXT = "text/plain; charset=utf-8"


def security_txt_body() -> str:
    base = settings.BASE_URL
    expires = clock.now() + timedelta(days=settings.GARRISON_SECURITY_TXT_EXPIRES_DAYS)
    report = f"{base}{reverse('intake:report')}"
    lines = [
        f"Contact: {report}",
        f"Contact: mailto:{settings.GARRISON_SECURITY_EMAIL}",
        f"Expires: {provider.iso_z(expires)}",
    ]
    if settings.GARRISON_SECURITY_TXT_ENCRYPTION_URL:
        lines.append(f"Encryption: {settings.GARRISON_SECURITY_TXT_ENCRYPTION_URL}")
    acknowledgments = settings.GARRISON_SECURITY_TXT_ACKNOWLEDGMENTS_URL or f"{base}{reverse('public:advisory_list')}"
    lines += [
        f"Acknowledgments: {acknowledgments}",
        f"Preferred-Languages: {settings.GARRISON_SECURITY_TXT_LANGUAGES}",
        f"Canonical: {base}{reverse('wellknown:security_txt')}",
        f"Policy: {settings.GARRISON_SECURITY_TXT_POLICY_URL or report}",
        f"CSAF: {base}{reverse('wellknown:csaf_provider_metadata')}",
    ]
    return "\n".join(lines) + "\n"


@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(security_txt_body(), content_type=TEXT)


@require_safe
def csaf_provider_metadata(request: HttpRequest) -> HttpResponse:
    advisories = provider.directory_advisories().prefetch_related("revisions")
    return JsonResponse(provider.provider_metadata(advisories), json_dumps_params={"indent": 2})


@require_safe
def csaf_index(request: HttpRequest) -> HttpResponse:
    return HttpResponse(provider.index_txt(provider.directory_advisories()), content_type=TEXT)


@require_safe
def csaf_changes(request: HttpRequest) -> HttpResponse:
    advisories = provider.directory_advisories().prefetch_related("revisions")
    return HttpResponse(provider.changes_csv(advisories), content_type="text/csv; charset=utf-8")


def _document(year: str, filename: str) -> bytes:
    advisory = provider.find_in_directory(int(year), filename)
    if advisory is None:
        raise Http404("No such document")
    try:
        return provider.document_bytes(advisory)
    except ExportError:
        raise Http404("No CSAF document for this advisory") from None


@require_safe
def csaf_document(request: HttpRequest, year: str, filename: str) -> HttpResponse:
    response = HttpResponse(_document(year, filename), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def csaf_hash(request: HttpRequest, year: str, filename: str, algorithm: str) -> HttpResponse:
    if algorithm not in provider.HASHES:
        raise Http404("No such hash")
    return HttpResponse(provider.hash_line(_document(year, filename), filename, algorithm), content_type=TEXT)
