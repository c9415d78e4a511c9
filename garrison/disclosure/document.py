"""An advisory as plain data: what every exporter reads (and every importer produces). Exporters are pure
functions of an ``AdvisoryDoc``; ``from_advisory`` builds one from the database rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from garrison.disclosure.status import Justification, ProductStatus


class ExportError(ValueError):
    """The advisory cannot produce a valid document: ``missing`` names each field that is missing or wrong."""

    def __init__(self, fmt: str, missing: list[str]) -> None:
        self.fmt = fmt
        self.missing = missing
        super().__init__(f"{fmt}: cannot export: " + "; ".join(missing))


@dataclass(frozen=True)
class ProductDoc:
    """One product (a component, optionally on one release line) and its status."""

    component: str  # component name
    status: ProductStatus
    release_line: str = ""  # release line name; "" = the component as a whole
    package_url: str = ""  # purl without version, e.g. pkg:pypi/garrison
    justification: Justification | None = None
    affected_versions: str = ""  # a range such as ">=1.0.0, <1.4.2" or a list "1.2.0, 1.2.1"
    introduced_version: str = ""
    fixed_version: str = ""
    impact: str = ""

    @property
    def product_id(self) -> str:
        """Stable id within the document, e.g. ``core-api`` or ``core-api:quesnelia``."""
        base = self.component.lower().replace(" ", "-")
        return f"{base}:{self.release_line.lower().replace(' ', '-')}" if self.release_line else base


@dataclass(frozen=True)
class CreditDoc:
    name: str
    type: str  # a CreditType value
    organisation: str = ""


@dataclass(frozen=True)
class RevisionDoc:
    number: int
    date: datetime
    summary: str


@dataclass(frozen=True)
class ReferenceDoc:
    url: str
    type: str = "web"  # advisory | article | report | fix | package | evidence | web


@dataclass(frozen=True)
class AdvisoryDoc:
    identifier: str  # e.g. GARRISON-2026-0001
    title: str
    publisher_name: str
    publisher_namespace: str  # https URL of the publisher
    initial_release: datetime  # UTC
    current_release: datetime  # UTC
    status: str = "final"  # draft | interim | final (CSAF tracking status)
    summary: str = ""
    description: str = ""
    cve_id: str = ""
    ghsa_id: str = ""
    aliases: tuple[str, ...] = ()
    severity: str = ""  # critical | high | medium | low | none
    cvss_v3_vector: str = ""
    cvss_v3_score: Decimal | None = None
    cvss_v4_vector: str = ""
    cvss_v4_score: Decimal | None = None
    cwe_ids: tuple[int, ...] = ()
    workarounds: str = ""
    products: tuple[ProductDoc, ...] = ()
    credits: tuple[CreditDoc, ...] = ()
    references: tuple[ReferenceDoc, ...] = ()
    revisions: tuple[RevisionDoc, ...] = ()
    url: str = ""  # the public page of this advisory
    extra: dict[str, Any] = field(default_factory=dict)
