"""CVE JSON 5.1 export of an advisory: a full published CVE record whose CNA container we write.

A pure function of an ``AdvisoryDoc``. Products of the same component become one ``affected`` entry (vendor = the
publisher, product = the component, plus ``collectionURL`` / ``packageName`` from the package URL) whose
``versions`` carry one entry per release line: a fixed product is ``{version: introduced, lessThan: fixed,
status: affected}``; a not-affected product is ``unaffected`` (its versions, or its release line); a product under
investigation is ``unknown``. Statuses come from ``CVE5_STATUS`` (keyed by ``ProductStatus``). The assigner is our
CNA: ``doc.extra["assigner_org_id"]`` (a UUID), optionally ``doc.extra["assigner_short_name"]``. Scores are
computed from the vectors with the ``cvss`` package. Problems raise ``ExportError("cve5", missing=[...])``.
"""

from __future__ import annotations

import re
from typing import Any

from garrison.disclosure.document import AdvisoryDoc, ExportError, ProductDoc
from garrison.disclosure.exporters.cwe import CWE_NAMES
from garrison.disclosure.exporters.packages import ECOSYSTEMS, is_semver, package_name
from garrison.disclosure.exporters.products import (
    date_problems,
    is_web_url,
    parse_purl,
    parse_versions,
    product_label,
    product_problems,
    utc_timestamp,
)
from garrison.disclosure.status import CVE5_STATUS, ProductStatus
from garrison.issues.cvss import CvssError, score_vector

FORMAT = "cve5"
DATA_VERSION = "5.1"

# CVE 5 version status of each product status (a fixed product's versions before the fix are "affected" with
# ``lessThan`` the fixed version). Candidate for garrison.disclosure.status, beside the other format tables.
# CVE 5 credit types are our credit types with spaces.
CREDIT_TYPES = frozenset(
    {
        "finder",
        "reporter",
        "analyst",
        "coordinator",
        "remediation developer",
        "remediation reviewer",
        "remediation verifier",
        "tool",
        "sponsor",
        "other",
    }
)
# Our reference types as CVE 5 reference tags ("web" has no tag).
REFERENCE_TAGS: dict[str, str] = {
    "advisory": "vendor-advisory",
    "article": "technical-description",
    "report": "issue-tracking",
    "fix": "patch",
    "package": "product",
    "evidence": "exploit",
}

_CVE_ID = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,19}$")
_UUID4 = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-4[0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$")
_TEXT_MAX = 4096
_TITLE_MAX = 256

# Base metrics of the vectors, as the CVE 5 cvssV3_x / cvssV4_0 objects name them and their values.
_V3_METRICS: dict[str, tuple[str, dict[str, str]]] = {
    "AV": ("attackVector", {"N": "NETWORK", "A": "ADJACENT_NETWORK", "L": "LOCAL", "P": "PHYSICAL"}),
    "AC": ("attackComplexity", {"L": "LOW", "H": "HIGH"}),
    "PR": ("privilegesRequired", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
    "UI": ("userInteraction", {"N": "NONE", "R": "REQUIRED"}),
    "S": ("scope", {"U": "UNCHANGED", "C": "CHANGED"}),
    "C": ("confidentialityImpact", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
    "I": ("integrityImpact", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
    "A": ("availabilityImpact", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
}
_NLH = {"N": "NONE", "L": "LOW", "H": "HIGH"}
_V4_METRICS: dict[str, tuple[str, dict[str, str]]] = {
    "AV": ("attackVector", {"N": "NETWORK", "A": "ADJACENT", "L": "LOCAL", "P": "PHYSICAL"}),
    "AC": ("attackComplexity", {"L": "LOW", "H": "HIGH"}),
    "AT": ("attackRequirements", {"N": "NONE", "P": "PRESENT"}),
    "PR": ("privilegesRequired", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
    "UI": ("userInteraction", {"N": "NONE", "P": "PASSIVE", "A": "ACTIVE"}),
    "VC": ("vulnConfidentialityImpact", _NLH),
    "VI": ("vulnIntegrityImpact", _NLH),
    "VA": ("vulnAvailabilityImpact", _NLH),
    "SC": ("subConfidentialityImpact", _NLH),
    "SI": ("subIntegrityImpact", _NLH),
    "SA": ("subAvailabilityImpact", _NLH),
}


def export_cve5(doc: AdvisoryDoc) -> dict[str, Any]:
    """The CVE JSON 5.1 record (a JSON-ready dict) of ``doc``."""
    problems = _problems(doc)
    if problems:
        raise ExportError(FORMAT, problems)
    org_id = str(doc.extra["assigner_org_id"])
    short_name = str(doc.extra.get("assigner_short_name") or "")
    metadata: dict[str, Any] = {
        "cveId": doc.cve_id,
        "assignerOrgId": org_id,
        "state": "PUBLISHED",
        "datePublished": utc_timestamp(doc.initial_release),
        "dateUpdated": utc_timestamp(doc.current_release),
    }
    provider: dict[str, Any] = {"orgId": org_id, "dateUpdated": utc_timestamp(doc.current_release)}
    if short_name:
        metadata["assignerShortName"] = short_name
        provider["shortName"] = short_name
    cna: dict[str, Any] = {
        "providerMetadata": provider,
        "datePublic": utc_timestamp(doc.initial_release),
        "title": doc.title.strip(),
        "descriptions": [{"lang": "en", "value": description(doc)}],
        "affected": affected(doc),
    }
    if doc.cwe_ids:
        cna["problemTypes"] = [{"descriptions": [_problem_type(number) for number in dict.fromkeys(doc.cwe_ids)]}]
    metrics = _metrics(doc)
    if metrics:
        cna["metrics"] = metrics
    if doc.workarounds.strip():
        cna["workarounds"] = [{"lang": "en", "value": doc.workarounds.strip()}]
    solutions = _solutions(doc)
    if solutions:
        cna["solutions"] = [{"lang": "en", "value": text} for text in solutions]
    cna["references"] = _references(doc)
    credits = _credits(doc)
    if credits:
        cna["credits"] = credits
    cna["source"] = {"advisory": doc.identifier, "discovery": "UNKNOWN"}
    return {
        "dataType": "CVE_RECORD",
        "dataVersion": DATA_VERSION,
        "cveMetadata": metadata,
        "containers": {"cna": cna},
    }


def description(doc: AdvisoryDoc) -> str:
    """The English description: the description, else the summary."""
    return (doc.description or doc.summary).strip()


def _problems(doc: AdvisoryDoc) -> list[str]:
    problems: list[str] = []
    if not doc.cve_id:
        problems.append("cve_id: a CVE record needs the CVE id")
    elif not _CVE_ID.match(doc.cve_id):
        problems.append(f"cve_id: {doc.cve_id!r} is not a CVE id (CVE-YYYY-NNNN)")
    org_id = str(doc.extra.get("assigner_org_id") or "")
    if not org_id:
        problems.append("assigner_org_id: the CNA's organisation UUID is required (extra['assigner_org_id'])")
    elif not _UUID4.match(org_id):
        problems.append(f"assigner_org_id: {org_id!r} is not a version 4 UUID")
    if not doc.title.strip():
        problems.append("title: required")
    elif len(doc.title.strip()) > _TITLE_MAX:
        problems.append(f"title: at most {_TITLE_MAX} characters in a CVE record")
    text = description(doc)
    if not text:
        problems.append("description: a CVE record needs a description (or a summary)")
    elif len(text) > _TEXT_MAX:
        problems.append(f"description: at most {_TEXT_MAX} characters in a CVE record")
    if len(doc.workarounds.strip()) > _TEXT_MAX:
        problems.append(f"workarounds: at most {_TEXT_MAX} characters in a CVE record")
    problems += date_problems(doc)
    problems += product_problems(doc)
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
    if not (doc.url or doc.references):
        problems.append("references: a CVE record needs at least one reference (or the advisory url)")
    if doc.url and not is_web_url(doc.url):
        problems.append("url: not an http(s) URL")
    for index, reference in enumerate(doc.references):
        if not is_web_url(reference.url):
            problems.append(f"references[{index}].url: not an http(s) URL")
    for index, credit in enumerate(doc.credits):
        if not credit.name.strip():
            problems.append(f"credits[{index}].name: required")
        if credit.type.replace("_", " ") not in CREDIT_TYPES:
            problems.append(f"credits[{index}].type: {credit.type!r} is not a CVE credit type")
    return problems


def affected(doc: AdvisoryDoc) -> list[dict[str, Any]]:
    """One entry per component, in the order the components first appear."""
    groups: dict[str, list[ProductDoc]] = {}
    for product in doc.products:
        groups.setdefault(product.component, []).append(product)
    return [_affected_entry(doc, component, products) for component, products in groups.items()]


def _affected_entry(doc: AdvisoryDoc, component: str, products: list[ProductDoc]) -> dict[str, Any]:
    entry: dict[str, Any] = {"vendor": str(doc.extra.get("vendor") or doc.publisher_name), "product": component}
    purl_text = next((p.package_url for p in products if p.package_url), "")
    version_type = "custom"
    if purl_text:
        purl = parse_purl(purl_text)
        ecosystem = ECOSYSTEMS.get(purl.type)
        if ecosystem:
            entry["collectionURL"] = ecosystem.collection_url
            entry["packageName"] = package_name(purl, component)
            version_type = ecosystem.version_type
    versions: list[dict[str, str]] = []
    default = "unknown"
    for product in products:
        product_versions = _versions(product, version_type)
        if product_versions:
            versions += product_versions
        else:  # no versions, no release line: the status of the whole component
            default = CVE5_STATUS[product.status]
    if versions:
        entry["versions"] = list({tuple(sorted(v.items())): v for v in versions}.values())
    if default == "unknown" and all(_bounded(p) for p in products):
        default = "unaffected"
    entry["defaultStatus"] = default
    return entry


def _bounded(product: ProductDoc) -> bool:
    """Versions outside what this product lists are unaffected: it is fixed or not affected, or has a fix."""
    return product.status in {ProductStatus.FIXED, ProductStatus.NOT_AFFECTED} or bool(product.fixed_version)


def _versions(product: ProductDoc, version_type: str) -> list[dict[str, str]]:
    status = CVE5_STATUS[product.status]
    parsed = parse_versions(product.affected_versions)
    lower = {op: v for op, v in parsed.constraints if op in {">=", ">"}}
    upper = {op: v for op, v in parsed.constraints if op in {"<", "<="}}
    introduced = product.introduced_version or lower.get(">=", "") or "0"
    less_than = upper.get("<", "")
    if product.status in {ProductStatus.AFFECTED, ProductStatus.FIXED}:
        less_than = product.fixed_version or less_than
    if less_than:
        return [_range(introduced, status, version_type, lessThan=less_than)]
    if upper.get("<="):
        return [_range(introduced, status, version_type, lessThanOrEqual=upper["<="])]
    if parsed.listed:
        return [{"version": version, "status": status} for version in parsed.listed]
    if product.introduced_version or lower.get(">="):
        return [_range(introduced, status, version_type, lessThan="*")]
    if product.release_line:  # nothing but the release line: name it
        return [{"version": product.release_line, "status": status}]
    if parsed.text:
        return [{"version": parsed.text, "status": status}]
    return []


def _range(start: str, status: str, version_type: str, **limit: str) -> dict[str, str]:
    if version_type == "custom" and all(is_semver(v) for v in (start, *limit.values()) if v not in {"0", "*"}):
        version_type = "semver"
    return {"version": start, "status": status, "versionType": version_type, **limit}


def _problem_type(number: int) -> dict[str, str]:
    name = CWE_NAMES.get(number)
    return {
        "lang": "en",
        "type": "CWE",
        "cweId": f"CWE-{number}",
        "description": f"CWE-{number} {name}" if name else f"CWE-{number}",
    }


def _metrics(doc: AdvisoryDoc) -> list[dict[str, Any]]:
    metrics = []
    for vector in (doc.cvss_v4_vector, doc.cvss_v3_vector):
        if vector:
            key, body = cvss_metric(vector)
            metrics.append({"format": "CVSS", "scenarios": [{"lang": "en", "value": "GENERAL"}], key: body})
    return metrics


def cvss_metric(vector: str) -> tuple[str, dict[str, Any]]:
    """The CVE 5 metric key (``cvssV3_1``, ``cvssV3_0``, ``cvssV4_0``) and object of a vector, score computed."""
    scored = score_vector(vector)
    body: dict[str, Any] = {
        "version": scored.version,
        "vectorString": scored.vector,
        "baseScore": float(scored.score),
        "baseSeverity": scored.severity.upper(),
    }
    table = _V4_METRICS if scored.version == "4.0" else _V3_METRICS
    parts = dict(part.split(":", 1) for part in scored.vector.split("/")[1:])
    for abbreviation, (name, values) in table.items():
        if parts.get(abbreviation) in values:
            body[name] = values[parts[abbreviation]]
    return "cvssV" + scored.version.replace(".", "_"), body


def _solutions(doc: AdvisoryDoc) -> list[str]:
    texts = []
    for product in doc.products:
        if product.status in {ProductStatus.FIXED, ProductStatus.AFFECTED} and product.fixed_version:
            text = f"Upgrade {product_label(product)} to {product.fixed_version} or later."
            if product.impact.strip() and product.impact.strip() not in text:
                text += " " + product.impact.strip()
            texts.append(text[:_TEXT_MAX])
    return list(dict.fromkeys(texts))


def _references(doc: AdvisoryDoc) -> list[dict[str, Any]]:
    pairs = [(doc.url, "advisory")] if doc.url else []
    pairs += [(ref.url, ref.type) for ref in doc.references]
    references: dict[str, dict[str, Any]] = {}
    for url, kind in pairs:
        if url in references:
            continue
        reference: dict[str, Any] = {"url": url}
        if kind in REFERENCE_TAGS:
            reference["tags"] = [REFERENCE_TAGS[kind]]
        references[url] = reference
    return list(references.values())


def _credits(doc: AdvisoryDoc) -> list[dict[str, str]]:
    credits: list[dict[str, str]] = []
    for credit in doc.credits:
        shown = (
            f"{credit.name} ({credit.organisation})" if credit.organisation not in {"", credit.name} else credit.name
        )
        entry = {"lang": "en", "value": shown.strip(), "type": credit.type.replace("_", " ")}
        if entry not in credits:
            credits.append(entry)
    return credits
