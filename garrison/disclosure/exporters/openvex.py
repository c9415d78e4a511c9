"""OpenVEX 0.2.0 export of an advisory: one statement per product.

A pure function of an ``AdvisoryDoc``. The vulnerability is named by its CVE (else our identifier) with every
other id as an alias. A product is its package URL at each version it names (the fixed version, or a list of
versions); a range, or a product without a package URL, is named by its product id (``ProductDoc.product_id``,
the id the CSAF export uses too) and the range is kept in ``status_notes`` (OpenVEX 0.2.0 has no ranges).
Statuses and justifications come from ``garrison.disclosure.status`` only. Problems raise
``ExportError("openvex", missing=[...])`` naming each one.
"""

from __future__ import annotations

import uuid
from typing import Any

from garrison.disclosure.document import AdvisoryDoc, ExportError, ProductDoc
from garrison.disclosure.exporters.products import (
    GENERATOR_NAME,
    date_problems,
    exact_versions,
    generator_version,
    is_https_url,
    is_web_url,
    product_label,
    product_problems,
    purl_at,
    utc_timestamp,
)
from garrison.disclosure.status import OPENVEX_JUSTIFICATION, OPENVEX_STATUS, ProductStatus

FORMAT = "openvex"
CONTEXT = "https://openvex.dev/ns/v0.2.0"


def export_openvex(doc: AdvisoryDoc) -> dict[str, Any]:
    """The OpenVEX 0.2.0 document (a JSON-ready dict) of ``doc``."""
    problems = _problems(doc)
    if problems:
        raise ExportError(FORMAT, problems)
    vex: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": document_id(doc),
        "author": doc.publisher_name,
        "role": "Document Creator",
        "timestamp": utc_timestamp(doc.initial_release),
        "last_updated": utc_timestamp(doc.current_release),
        "version": max(1, len(doc.revisions)),
        "tooling": f"{GENERATOR_NAME} {generator_version()}",
        "statements": [_statement(doc, product) for product in doc.products],
    }
    return vex


def document_id(doc: AdvisoryDoc) -> str:
    """The advisory's public URL, else a stable URN derived from the publisher namespace and the identifier."""
    if doc.url:
        return doc.url
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{doc.publisher_namespace.rstrip('/')}/{doc.identifier}").urn


def _problems(doc: AdvisoryDoc) -> list[str]:
    problems = []
    if not doc.identifier.strip():
        problems.append("identifier: required")
    if not doc.publisher_name.strip():
        problems.append("publisher_name: required (the OpenVEX author)")
    if not doc.url and not is_https_url(doc.publisher_namespace):
        problems.append("publisher_namespace: must be the publisher's https URL (or give the advisory url)")
    if doc.url and not is_web_url(doc.url):
        problems.append(f"url: {doc.url!r} is not an http(s) URL")
    if not (doc.cve_id or doc.identifier.strip()):
        problems.append("cve_id: the vulnerability needs a name (a CVE or the identifier)")
    return problems + date_problems(doc) + product_problems(doc)


def _vulnerability(doc: AdvisoryDoc) -> dict[str, Any]:
    name = doc.cve_id or doc.identifier
    aliases = [a for a in dict.fromkeys((doc.identifier, doc.ghsa_id, *doc.aliases)) if a and a != name]
    vulnerability: dict[str, Any] = {"name": name}
    if doc.summary.strip():
        vulnerability["description"] = doc.summary.strip()
    if aliases:
        vulnerability["aliases"] = aliases
    return vulnerability


def _products(product: ProductDoc) -> list[dict[str, Any]]:
    versions = exact_versions(product)
    if product.package_url and versions:
        return [{"@id": purl_at(product.package_url, v)} for v in versions]
    entry: dict[str, Any] = {"@id": product.product_id}
    if product.package_url and not product.release_line and not product.affected_versions.strip():
        # The component as a whole: the purl without a version says "every version". A range or a release line
        # must not claim that, so it keeps only its product id (the range is in status_notes).
        entry["identifiers"] = {"purl": purl_at(product.package_url)}
    return [entry]


def _status_notes(product: ProductDoc) -> str:
    notes = [product_label(product)]
    if product.affected_versions.strip():
        notes.append(f"affected versions: {product.affected_versions.strip()}")
    if product.fixed_version:
        notes.append(f"fixed in {product.fixed_version}")
    return "; ".join(notes)


def _action(doc: AdvisoryDoc, product: ProductDoc) -> str:
    parts = []
    if product.fixed_version:
        parts.append(f"Update {product_label(product)} to version {product.fixed_version} or later.")
    if product.impact.strip():
        parts.append(product.impact.strip())
    if doc.workarounds.strip():
        parts.append(f"Workaround: {doc.workarounds.strip()}")
    return " ".join(parts) or f"No fix is available yet for {product_label(product)}."


def _statement(doc: AdvisoryDoc, product: ProductDoc) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "vulnerability": _vulnerability(doc),
        "products": _products(product),
        "status": OPENVEX_STATUS[product.status],
        "status_notes": _status_notes(product),
    }
    if product.status == ProductStatus.NOT_AFFECTED:
        if product.justification is not None:
            statement["justification"] = OPENVEX_JUSTIFICATION[product.justification]
        if product.impact.strip():
            statement["impact_statement"] = product.impact.strip()
    elif product.status == ProductStatus.AFFECTED:
        statement["action_statement"] = _action(doc, product)
        statement["action_statement_timestamp"] = utc_timestamp(doc.current_release)
    return statement
