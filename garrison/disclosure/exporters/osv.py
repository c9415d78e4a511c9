"""OSV (Open Source Vulnerability format, schema 1.6) export of an advisory.

A pure function of an ``AdvisoryDoc``. OSV describes packages, so only products whose status is in
``garrison.disclosure.status.OSV_INCLUDES`` (affected, fixed) and that have a package URL become ``affected``
entries, one per product (so one per release line): the purl gives the ecosystem and name, the versions give the
range (``introduced`` / ``fixed`` / ``last_affected`` events) or the list of affected versions. Products left out
(other statuses, no package URL) are named in ``database_specific.products_not_listed`` so nothing disappears
silently. Problems raise ``ExportError("osv", missing=[...])`` naming each one.
"""

from __future__ import annotations

import re
from typing import Any

from garrison.disclosure.document import AdvisoryDoc, ExportError, ProductDoc
from garrison.disclosure.exporters.packages import ECOSYSTEMS, is_semver, package_name
from garrison.disclosure.exporters.products import (
    date_problems,
    is_web_url,
    parse_purl,
    parse_versions,
    product_problems,
    utc_timestamp,
)
from garrison.disclosure.status import OSV_INCLUDES
from garrison.issues.cvss import CvssError, score_vector

FORMAT = "osv"
SCHEMA_VERSION = "1.6.6"

# The id is "<DB>-<ENTRYID>" with a registered database prefix; anything else must start with "x_" (the
# prefixes the OSV validation schema accepts).
_REGISTERED_ID = re.compile(
    r"^(ASB-A|PUB-A|ALPINE|ALSA|ALBA|ALEA|AZL|BELL|BIT|CGA|CLEANSTART|CLSA|CURL|CVE|DEBIAN|DHI|DRUPAL|DSA|DLA|ELA|"
    r"DTSA|ECHO|EEF|FreeBSD|GHSA|GO|GSD|HSEC|JLSEC|KUBE|LBSEC|LSN|MAL|MINI|MGASA|OESA|OSEC|OSV|openSUSE-SU|PHSA|"
    r"PSF|PYSEC|RHBA|RHEA|RHSA|RLSA|RXSA|RSEC|ROOT|RUSTSEC|SUSE-[SRFO]U|UBUNTU|USN|V8)-"
)
UNREGISTERED_PREFIX = "x_"

# Our reference types are OSV's, lower-cased.
REFERENCE_TYPES = frozenset({"ADVISORY", "ARTICLE", "REPORT", "FIX", "PACKAGE", "EVIDENCE", "WEB"})
CREDIT_TYPES = frozenset(
    {
        "FINDER",
        "REPORTER",
        "ANALYST",
        "COORDINATOR",
        "REMEDIATION_DEVELOPER",
        "REMEDIATION_REVIEWER",
        "REMEDIATION_VERIFIER",
        "TOOL",
        "SPONSOR",
        "OTHER",
    }
)
SEVERITY_TYPES = {"3": "CVSS_V3", "4": "CVSS_V4"}


def export_osv(doc: AdvisoryDoc) -> dict[str, Any]:
    """The OSV record (a JSON-ready dict) of ``doc``."""
    problems = _problems(doc)
    if problems:
        raise ExportError(FORMAT, problems)
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": osv_id(doc),
        "modified": utc_timestamp(doc.current_release),
        "published": utc_timestamp(doc.initial_release),
    }
    aliases = _aliases(doc, record["id"])
    if aliases:
        record["aliases"] = aliases
    record["summary"] = _summary(doc)
    record["details"] = _details(doc)
    severity = [
        {"type": SEVERITY_TYPES[vector[5]], "score": score_vector(vector).vector}
        for vector in (doc.cvss_v3_vector, doc.cvss_v4_vector)
        if vector
    ]
    if severity:
        record["severity"] = severity
    record["affected"] = [_affected(product) for product in listed_products(doc)]
    references = _references(doc)
    if references:
        record["references"] = references
    if doc.credits:
        record["credits"] = [_credit(credit.name, credit.organisation, credit.type) for credit in doc.credits]
    specific = _database_specific(doc)
    if specific:
        record["database_specific"] = specific
    return record


def osv_id(doc: AdvisoryDoc) -> str:
    """``doc.extra["osv_id"]`` when given, else the identifier; an identifier without a registered database prefix
    gets the ``x_`` prefix OSV reserves for other databases (``x_GARRISON-2026-0001``)."""
    given = str(doc.extra.get("osv_id") or doc.identifier).strip()
    if _REGISTERED_ID.match(given) or given.startswith(UNREGISTERED_PREFIX):
        return given
    return UNREGISTERED_PREFIX + given


def listed_products(doc: AdvisoryDoc) -> list[ProductDoc]:
    """The products an OSV record lists: status in ``OSV_INCLUDES`` and a package URL."""
    return [p for p in doc.products if p.status in OSV_INCLUDES and p.package_url]


def _problems(doc: AdvisoryDoc) -> list[str]:
    problems: list[str] = []
    if not doc.identifier.strip():
        problems.append("identifier: required")
    if not (doc.title.strip() or doc.summary.strip()):
        problems.append("summary: OSV needs a summary (the title or the summary)")
    if not (doc.description.strip() or doc.summary.strip()):
        problems.append("details: OSV needs details (the description or the summary)")
    problems += date_problems(doc)
    problems += product_problems(doc)
    for product in doc.products:
        if product.status in OSV_INCLUDES and product.package_url:
            try:
                purl_type = parse_purl(product.package_url).type
            except ValueError:
                continue  # product_problems names it
            if purl_type not in ECOSYSTEMS:
                problems.append(
                    f"products[{product.product_id}].package_url: OSV has no ecosystem for purl type {purl_type!r}"
                )
    if doc.products and not listed_products(doc):
        problems.append("products: OSV lists affected packages; no affected or fixed product has a package_url")
    for name in ("cvss_v3_vector", "cvss_v4_vector"):
        vector = getattr(doc, name)
        if not vector:
            continue
        try:
            scored = score_vector(vector)
        except CvssError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if scored.version[0] != name[6]:
            problems.append(f"{name}: a CVSS v{name[6]} vector is expected, not v{scored.version}")
    for index, reference in enumerate(doc.references):
        if not is_web_url(reference.url):
            problems.append(f"references[{index}].url: not an http(s) URL")
    if doc.url and not is_web_url(doc.url):
        problems.append("url: not an http(s) URL")
    for index, credit in enumerate(doc.credits):
        if not credit.name.strip():
            problems.append(f"credits[{index}].name: required")
        if credit.type.upper() not in CREDIT_TYPES:
            problems.append(f"credits[{index}].type: {credit.type!r} is not an OSV credit type")
    return problems


def _aliases(doc: AdvisoryDoc, record_id: str) -> list[str]:
    names = [doc.cve_id, doc.ghsa_id, *doc.aliases]
    return [name for name in dict.fromkeys(n.strip() for n in names if n.strip()) if name != record_id]


def _summary(doc: AdvisoryDoc) -> str:
    return (doc.title or doc.summary).strip()


def _details(doc: AdvisoryDoc) -> str:
    parts: list[str] = []
    summary, description = doc.summary.strip(), doc.description.strip()
    if summary and summary != _summary(doc) and not description.startswith(summary):
        parts.append(summary)
    parts.append(description or summary)
    if doc.workarounds.strip():
        parts.append("### Workarounds\n\n" + doc.workarounds.strip())
    return "\n\n".join(part for part in parts if part)


def _affected(product: ProductDoc) -> dict[str, Any]:
    purl = parse_purl(product.package_url)
    ecosystem = ECOSYSTEMS[purl.type]
    entry: dict[str, Any] = {
        "package": {"ecosystem": ecosystem.osv, "name": package_name(purl, product.component), "purl": purl.to_string()}
    }
    versions = parse_versions(product.affected_versions)
    events = _events(product)
    if events is not None:
        semver = ecosystem.semver and all(is_semver(v) for event in events for v in event.values() if v != "0")
        entry["ranges"] = [{"type": "SEMVER" if semver else "ECOSYSTEM", "events": events}]
    if versions.listed:
        entry["versions"] = list(versions.listed)
    specific: dict[str, Any] = {}
    if product.release_line:
        specific["release_line"] = product.release_line
    if versions.text:
        specific["affected_versions"] = versions.text
    if specific:
        entry["database_specific"] = specific
    return entry


def _events(product: ProductDoc) -> list[dict[str, str]] | None:
    """``introduced`` then ``fixed`` (or ``last_affected``) from the explicit versions, else from the range
    constraints; None when the product is a plain list of versions without a fix."""
    versions = parse_versions(product.affected_versions)
    lower = {op: v for op, v in versions.constraints if op in {">=", ">"}}
    upper = {op: v for op, v in versions.constraints if op in {"<", "<="}}
    introduced = product.introduced_version or lower.get(">=", "")
    fixed = product.fixed_version or upper.get("<", "")
    last_affected = "" if fixed else upper.get("<=", "")
    if versions.listed and not (introduced or fixed):
        return None
    events = [{"introduced": introduced or "0"}]
    if fixed:
        events.append({"fixed": fixed})
    elif last_affected:
        events.append({"last_affected": last_affected})
    return events


def _references(doc: AdvisoryDoc) -> list[dict[str, str]]:
    pairs = [("ADVISORY", doc.url)] if doc.url else []
    pairs += [(ref.type.upper() if ref.type.upper() in REFERENCE_TYPES else "WEB", ref.url) for ref in doc.references]
    seen: set[str] = set()
    references = []
    for kind, url in pairs:
        if url not in seen:
            seen.add(url)
            references.append({"type": kind, "url": url})
    return references


def _credit(name: str, organisation: str, kind: str) -> dict[str, str]:
    shown = f"{name} ({organisation})" if organisation and organisation != name else name
    return {"name": shown, "type": kind.upper()}


def _database_specific(doc: AdvisoryDoc) -> dict[str, Any]:
    specific: dict[str, Any] = {}
    if doc.severity:
        specific["severity"] = doc.severity.upper()
    if doc.cwe_ids:
        specific["cwe_ids"] = [f"CWE-{number}" for number in doc.cwe_ids]
    if doc.url:
        specific["url"] = doc.url
    listed = {id(p) for p in listed_products(doc)}
    left_out = [{"product": p.product_id, "status": p.status.value} for p in doc.products if id(p) not in listed]
    if left_out:
        specific["products_not_listed"] = left_out
    return specific
