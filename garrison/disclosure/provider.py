"""The CSAF 2.0 provider layout (section 7): provider metadata, and a TLP:WHITE directory of the CSAF documents of
public advisories with their hashes, index.txt and changes.csv. Pure functions of ``public_advisories()`` rows:
nothing here reads an advisory that is not published."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from garrison.core import clock
from garrison.disclosure.exporters import EXPORTERS
from garrison.disclosure.models import Advisory
from garrison.disclosure.selectors import public_advisories

HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}
_NOT_ALLOWED = re.compile(r"[^+\-a-z0-9]+")


def directory_advisories() -> QuerySet[Advisory]:
    """Published advisories we author (imported third-party advisories are not ours to provide), newest first."""
    return public_advisories().filter(third_party=False).order_by("-published_at", "-identifier")


def csaf_filename(identifier: str) -> str:
    """CSAF 7.1.7: the lower-cased tracking id, every run of characters outside [+-a-z0-9] replaced by "_"."""
    return _NOT_ALLOWED.sub("_", identifier.lower()) + ".json"


def csaf_year(advisory: Advisory) -> int:
    """CSAF 7.1.8: the year of the initial release date (publication, in UTC)."""
    published = advisory.published_at or advisory.created_at
    return published.astimezone(UTC).year


def csaf_path(advisory: Advisory) -> str:
    """Path inside the directory, e.g. ``2026/garrison-2026-0001.json``."""
    return f"{csaf_year(advisory)}/{csaf_filename(advisory.identifier)}"


def updated_at(advisory: Advisory) -> datetime:
    """When the published advisory last changed: its publication or its latest revision, whichever is later."""
    dates = [r.date for r in advisory.revisions.all()]
    published = advisory.published_at or advisory.created_at
    return max([published, *dates])


def iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def directory_url() -> str:
    return f"{settings.BASE_URL}/.well-known/csaf/white/"


def find_in_directory(year: int, filename: str) -> Advisory | None:
    """The published advisory served at ``<year>/<filename>``, or None."""
    for advisory in directory_advisories().filter(published_at__year=year).prefetch_related("revisions"):
        if csaf_filename(advisory.identifier) == filename and csaf_year(advisory) == year:
            return advisory
    return None


def document_bytes(advisory: Advisory) -> bytes:
    """The served bytes of the advisory's CSAF document (the hashes are of exactly these). Raises ExportError."""
    from garrison.disclosure.services import document_for

    document = EXPORTERS["csaf"](document_for(advisory))
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def hash_line(data: bytes, filename: str, algorithm: str) -> str:
    """The hash file's content: ``<hex>  <filename>`` (as sha256sum writes it)."""
    return f"{HASHES[algorithm](data).hexdigest()}  {filename}\n"


def index_txt(advisories: Iterable[Advisory]) -> str:
    return "".join(f"{csaf_path(a)}\n" for a in advisories)


def changes_csv(advisories: Iterable[Advisory]) -> str:
    """One line per document, newest change first: ``"2026/garrison-2026-0001.json","2026-03-05T09:00:00Z"``."""
    rows = sorted(((updated_at(a), csaf_path(a)) for a in advisories), reverse=True)
    return "".join(f'"{path}","{iso_z(moment)}"\n' for moment, path in rows)


def provider_metadata(advisories: Iterable[Advisory]) -> dict[str, Any]:
    """CSAF 7.1.7 provider-metadata.json for a directory-based CSAF provider."""
    changed = [updated_at(a) for a in advisories]
    return {
        "canonical_url": f"{settings.BASE_URL}/.well-known/csaf/provider-metadata.json",
        "distributions": [{"directory_url": directory_url()}],
        "last_updated": iso_z(max(changed, default=None) or clock.now()),
        "list_on_CSAF_aggregators": False,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": False,
        "publisher": {
            "category": "vendor",
            "name": settings.GARRISON_PUBLISHER_NAME,
            "namespace": settings.GARRISON_PUBLISHER_NAMESPACE,
        },
        "role": "csaf_provider",
    }
