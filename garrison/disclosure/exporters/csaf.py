"""CSAF 2.0 export of an advisory, as profile ``security_advisory`` (csaf_security_advisory) or ``vex`` (csaf_vex).

A pure function of an ``AdvisoryDoc``. An advisory that cannot make a valid document raises
``ExportError("csaf", missing=[...])`` naming every problem at once; nothing is produced. The document is checked
against the CSAF mandatory tests we can fail (``csaf_checks``) before it is returned.

Mapping notes:
- product tree: vendor (the publisher) -> product_name (component) -> product_version / product_version_range
  (one leaf per product; see ``products.product_version``), product ids are ``ProductDoc.product_id``;
- statuses, flag labels: from ``garrison.disclosure.status`` only;
- CVSS v4.0 has no place in CSAF 2.0 (``scores`` holds cvss_v2 / cvss_v3 only; v4 arrives with CSAF 2.1), so a v4
  vector is written as a vulnerability note;
- CSAF 2.0 holds one CWE per vulnerability: the first is ``cwe``, any others are listed in a note.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from cvss import CVSS3, CVSS4
from cvss.exceptions import CVSSError

from garrison.disclosure.document import AdvisoryDoc, ExportError, ProductDoc
from garrison.disclosure.exporters.csaf_checks import CVSS3_PROPERTIES, mandatory_problems
from garrison.disclosure.exporters.cwe import CWE_NAMES, cwe_label, unknown_cwe_message
from garrison.disclosure.exporters.products import (
    GENERATOR_NAME,
    date_problems,
    generator_version,
    is_https_url,
    is_web_url,
    product_label,
    product_problems,
    product_version,
    purl_at,
    utc_timestamp,
)
from garrison.disclosure.status import CSAF_FLAG_LABEL, CSAF_PRODUCT_STATUS, Justification, ProductStatus

FORMAT = "csaf"
PROFILES: dict[str, str] = {"security_advisory": "csaf_security_advisory", "vex": "csaf_vex"}
TRACKING_STATUSES = ("draft", "interim", "final")
TLP_LABELS = ("WHITE", "GREEN", "AMBER", "RED")
TLP_URL = "https://www.first.org/tlp/"
CVE_ID = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,}$")

# Credit type (garrison.disclosure.models.CreditType values) -> the acknowledgment's summary.
CREDIT_SUMMARIES: dict[str, str] = {
    "finder": "Found the vulnerability",
    "reporter": "Reported the vulnerability",
    "analyst": "Analysed the vulnerability",
    "coordinator": "Coordinated the disclosure",
    "remediation_developer": "Developed the fix",
    "remediation_reviewer": "Reviewed the fix",
    "remediation_verifier": "Verified the fix",
    "tool": "Tool used to find the vulnerability",
    "sponsor": "Sponsored the work",
    "other": "Contributed to this advisory",
}
REFERENCE_SUMMARIES: dict[str, str] = {
    "advisory": "Advisory",
    "article": "Article",
    "report": "Report",
    "fix": "Fix",
    "package": "Package",
    "evidence": "Evidence",
    "web": "Web page",
}
ALIAS_SYSTEMS: dict[str, str] = {
    "CVE": "CVE",
    "GHSA": "GitHub Security Advisory",
    "PYSEC": "PyPI Advisory Database",
    "GO": "Go Vulnerability Database",
    "RUSTSEC": "RustSec Advisory Database",
}


def export_csaf(doc: AdvisoryDoc, *, profile: str = "security_advisory") -> dict[str, Any]:
    """The CSAF 2.0 document (a JSON-ready dict) of ``doc`` in ``profile`` (security_advisory | vex)."""
    category = PROFILES.get(profile)
    if category is None:
        raise ExportError(FORMAT, [f"profile: {profile!r} is not one of {', '.join(PROFILES)}"])
    problems = advisory_problems(doc, profile)
    if problems:
        raise ExportError(FORMAT, problems)
    document: dict[str, Any] = {
        "document": _document(doc, category),
        "product_tree": _product_tree(doc),
        "vulnerabilities": [_vulnerability(doc)],
    }
    problems = mandatory_problems(document)
    if problems:
        raise ExportError(FORMAT, problems)
    return document


def export_csaf_vex(doc: AdvisoryDoc) -> dict[str, Any]:
    """The CSAF 2.0 VEX profile (csaf_vex) of ``doc``."""
    return export_csaf(doc, profile="vex")


# --- what is missing or wrong ---------------------------------------------------------------------------------


def advisory_problems(doc: AdvisoryDoc, profile: str) -> list[str]:
    """Every reason ``doc`` cannot become a valid CSAF document in ``profile``; [] when it can."""
    return (
        _document_problems(doc)
        + _revision_problems(doc)
        + date_problems(doc)
        + product_problems(doc)
        + _vulnerability_problems(doc, profile)
        + _score_problems(doc)
        + _credit_problems(doc)
    )


def _document_problems(doc: AdvisoryDoc) -> list[str]:
    problems = []
    if not doc.identifier.strip() or doc.identifier != doc.identifier.strip():
        problems.append("identifier: required, without surrounding spaces")
    if not doc.title.strip():
        problems.append("title: required")
    if not doc.publisher_name.strip():
        problems.append("publisher_name: required")
    if not is_https_url(doc.publisher_namespace):
        problems.append("publisher_namespace: must be the publisher's https URL")
    if doc.status not in TRACKING_STATUSES:
        problems.append(f"status: {doc.status!r} is not one of {', '.join(TRACKING_STATUSES)}")
    if doc.url and not is_web_url(doc.url):
        problems.append(f"url: {doc.url!r} is not an http(s) URL")
    if str(doc.extra.get("tlp", "WHITE")).upper() not in TLP_LABELS:
        problems.append(f"extra.tlp: {doc.extra.get('tlp')!r} is not one of {', '.join(TLP_LABELS)}")
    problems += [
        f"references[{i}].url: {ref.url!r} is not an http(s) URL"
        for i, ref in enumerate(doc.references)
        if not is_web_url(ref.url)
    ]
    problems += [
        f"references[{i}].type: {ref.type!r} is not one of {', '.join(REFERENCE_SUMMARIES)}"
        for i, ref in enumerate(doc.references)
        if ref.type not in REFERENCE_SUMMARIES
    ]
    return problems


def _revision_problems(doc: AdvisoryDoc) -> list[str]:
    if not doc.revisions:
        return ["revisions: at least one revision is required (CSAF tracking.revision_history)"]
    problems = [f"revisions[{r.number}].summary: required" for r in doc.revisions if not r.summary.strip()]
    problems += [f"revisions[{r.number}].number: must not be negative" for r in doc.revisions if r.number < 0]
    return problems


def _vulnerability_problems(doc: AdvisoryDoc, profile: str) -> list[str]:
    problems = []
    if not (doc.description.strip() or doc.summary.strip()):
        problems.append("description: a description (or summary) of the vulnerability is required")
    if doc.cve_id and not CVE_ID.match(doc.cve_id):
        problems.append(f"cve_id: {doc.cve_id!r} is not a CVE id (CVE-YYYY-NNNN)")
    problems += [unknown_cwe_message(number) for number in doc.cwe_ids if number not in CWE_NAMES]
    if profile == "vex" and not (doc.cve_id or doc.ghsa_id or doc.aliases or doc.identifier.strip()):
        problems.append("cve_id: the VEX profile needs a CVE or another vulnerability id")
    return problems


def _score_problems(doc: AdvisoryDoc) -> list[str]:
    problems = []
    if doc.cvss_v3_vector:
        try:
            CVSS3(doc.cvss_v3_vector)
        except (CVSSError, ValueError, KeyError, IndexError):
            problems.append(f"cvss_v3_vector: {doc.cvss_v3_vector!r} is not a valid CVSS v3 vector")
    elif doc.cvss_v3_score is not None:
        problems.append("cvss_v3_vector: a CVSS v3 score needs its vector")
    if doc.cvss_v4_vector:
        try:
            CVSS4(doc.cvss_v4_vector)
        except (CVSSError, ValueError, KeyError, IndexError):
            problems.append(f"cvss_v4_vector: {doc.cvss_v4_vector!r} is not a valid CVSS v4.0 vector")
    return problems


def _credit_problems(doc: AdvisoryDoc) -> list[str]:
    problems = []
    for i, credit in enumerate(doc.credits):
        if not credit.name.strip():
            problems.append(f"credits[{i}].name: required")
        if credit.type not in CREDIT_SUMMARIES:
            problems.append(f"credits[{i}].type: {credit.type!r} is not one of {', '.join(CREDIT_SUMMARIES)}")
    return problems


# --- /document ---------------------------------------------------------------------------------------------------


def _document(doc: AdvisoryDoc, category: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "category": category,
        "csaf_version": "2.0",
        "distribution": {"tlp": {"label": str(doc.extra.get("tlp", "WHITE")).upper(), "url": TLP_URL}},
        "lang": "en",
        "publisher": {"category": "vendor", "name": doc.publisher_name, "namespace": doc.publisher_namespace},
        "title": doc.title,
        "tracking": _tracking(doc),
    }
    if doc.severity:
        document["aggregate_severity"] = {"text": doc.severity.capitalize()}
    if doc.summary.strip():
        document["notes"] = [{"category": "summary", "text": doc.summary, "title": "Summary"}]
    references = _document_references(doc)
    if references:
        document["references"] = references
    return document


def _tracking(doc: AdvisoryDoc) -> dict[str, Any]:
    revisions = sorted(doc.revisions, key=lambda r: (r.number, r.date))
    return {
        "current_release_date": utc_timestamp(doc.current_release),
        "generator": {"engine": {"name": GENERATOR_NAME, "version": generator_version()}},
        "id": doc.identifier,
        "initial_release_date": utc_timestamp(doc.initial_release),
        "revision_history": [
            {"date": utc_timestamp(r.date), "number": str(r.number), "summary": r.summary} for r in revisions
        ],
        "status": doc.status,
        "version": str(revisions[-1].number),
    }


def _document_references(doc: AdvisoryDoc) -> list[dict[str, str]]:
    references = []
    if doc.url:
        references.append({"category": "self", "summary": f"{doc.identifier} (this advisory)", "url": doc.url})
    references += [
        {"category": "external", "summary": REFERENCE_SUMMARIES[ref.type], "url": ref.url} for ref in doc.references
    ]
    return references


# --- /product_tree -----------------------------------------------------------------------------------------------


def _product_tree(doc: AdvisoryDoc) -> dict[str, Any]:
    by_component: dict[str, list[dict[str, Any]]] = {}
    for product in doc.products:
        by_component.setdefault(product.component, []).append(_leaf(doc, product))
    components = [
        {"branches": leaves, "category": "product_name", "name": component}
        for component, leaves in by_component.items()
    ]
    return {"branches": [{"branches": components, "category": "vendor", "name": doc.publisher_name}]}


def _leaf(doc: AdvisoryDoc, product: ProductDoc) -> dict[str, Any]:
    version = product_version(product)
    if version.exact:
        label = f"{product_label(product)} {version.exact}"
    elif product.affected_versions.strip():
        label = f"{product_label(product)} {product.affected_versions.strip()}"
    else:
        label = f"{product_label(product)}, all versions"
    full_name: dict[str, Any] = {"name": f"{doc.publisher_name} {label}", "product_id": product.product_id}
    if product.package_url:
        full_name["product_identification_helper"] = {"purl": purl_at(product.package_url, version.exact)}
    return {"category": version.category, "name": version.name, "product": full_name}


# --- /vulnerabilities[0] ----------------------------------------------------------------------------------------


def _vulnerability(doc: AdvisoryDoc) -> dict[str, Any]:
    vulnerability: dict[str, Any] = {"title": doc.title}
    if doc.cve_id:
        vulnerability["cve"] = doc.cve_id
    if doc.cwe_ids:
        vulnerability["cwe"] = {"id": cwe_label(doc.cwe_ids[0]), "name": CWE_NAMES[doc.cwe_ids[0]]}
    vulnerability["ids"] = _ids(doc)
    vulnerability["notes"] = _notes(doc)
    vulnerability["product_status"] = _product_status(doc)
    optional = {
        "flags": _flags(doc),
        "threats": _threats(doc),
        "remediations": _remediations(doc),
        "scores": _scores(doc),
        "acknowledgments": _acknowledgments(doc),
        "references": _vulnerability_references(doc),
    }
    vulnerability.update({key: value for key, value in optional.items() if value})
    vulnerability["release_date"] = utc_timestamp(doc.initial_release)
    return vulnerability


def _ids(doc: AdvisoryDoc) -> list[dict[str, str]]:
    ids = [{"system_name": doc.publisher_name, "text": doc.identifier}]
    seen = {doc.cve_id, doc.identifier}
    for alias in (doc.ghsa_id, *doc.aliases):
        if alias and alias not in seen:
            seen.add(alias)
            prefix = alias.split("-", 1)[0].upper()
            ids.append({"system_name": ALIAS_SYSTEMS.get(prefix, prefix or "Alias"), "text": alias})
    return ids


def _notes(doc: AdvisoryDoc) -> list[dict[str, str]]:
    notes = [{"category": "description", "text": doc.description.strip() or doc.summary, "title": "Description"}]
    if len(doc.cwe_ids) > 1:
        others = "; ".join(f"{cwe_label(n)}: {CWE_NAMES[n]}" for n in doc.cwe_ids[1:])
        notes.append({"category": "other", "text": others, "title": "Further weaknesses (CWE)"})
    if doc.cvss_v4_vector:
        # CSAF 2.0 has no cvss_v4 score object (it comes with CSAF 2.1): keep the v4 vector as a note.
        v4 = CVSS4(doc.cvss_v4_vector)
        score = doc.cvss_v4_score if doc.cvss_v4_score is not None else Decimal(str(v4.base_score))
        text = f"CVSS v4.0 base score {score} ({v4.severity}): {v4.clean_vector()}"
        notes.append({"category": "other", "text": text, "title": "CVSS v4.0"})
    if doc.cvss_v3_vector and not _scored_products(doc):
        notes.append({"category": "other", "text": doc.cvss_v3_vector, "title": "CVSS v3"})
    if doc.workarounds.strip() and not _workaround_products(doc):
        notes.append({"category": "general", "text": doc.workarounds, "title": "Workarounds"})
    return notes


def _product_status(doc: AdvisoryDoc) -> dict[str, list[str]]:
    status: dict[str, list[str]] = {}
    for product in doc.products:
        status.setdefault(CSAF_PRODUCT_STATUS[product.status], []).append(product.product_id)
    return status


def _flags(doc: AdvisoryDoc) -> list[dict[str, Any]]:
    by_label: dict[Justification, list[str]] = {}
    for product in doc.products:
        if product.status == ProductStatus.NOT_AFFECTED and product.justification is not None:
            by_label.setdefault(product.justification, []).append(product.product_id)
    return [{"label": CSAF_FLAG_LABEL[label], "product_ids": ids} for label, ids in by_label.items()]


def _threats(doc: AdvisoryDoc) -> list[dict[str, Any]]:
    """The impact statement of each not-affected product that has one (VEX: flag or impact, at least one)."""
    return [
        {"category": "impact", "details": product.impact.strip(), "product_ids": [product.product_id]}
        for product in doc.products
        if product.status == ProductStatus.NOT_AFFECTED and product.impact.strip()
    ]


def _fix_url(doc: AdvisoryDoc) -> str:
    return next((ref.url for ref in doc.references if ref.type == "fix"), doc.url)


def _remediation(doc: AdvisoryDoc, product: ProductDoc) -> dict[str, Any] | None:
    label = product_label(product)
    if product.status == ProductStatus.FIXED:
        details = f"{label} is fixed in version {product.fixed_version}: update to it or later."
        if product.affected_versions.strip():
            details += f" Affected versions: {product.affected_versions.strip()}."
    elif product.status == ProductStatus.AFFECTED and product.fixed_version:
        details = f"Update {label} to version {product.fixed_version} or later."
        if product.impact.strip():
            details += f" {product.impact.strip()}"
    elif product.status == ProductStatus.AFFECTED:
        details = product.impact.strip() or f"No fix is available yet for {label}."
        return {"category": "none_available", "details": details, "product_ids": [product.product_id]}
    else:
        return None
    remediation: dict[str, Any] = {"category": "vendor_fix", "details": details, "product_ids": [product.product_id]}
    if _fix_url(doc):
        remediation["url"] = _fix_url(doc)
    return remediation


def _workaround_products(doc: AdvisoryDoc) -> list[str]:
    wanted = (ProductStatus.AFFECTED, ProductStatus.UNDER_INVESTIGATION)
    return [product.product_id for product in doc.products if product.status in wanted]


def _remediations(doc: AdvisoryDoc) -> list[dict[str, Any]]:
    remediations = [r for r in (_remediation(doc, product) for product in doc.products) if r is not None]
    if doc.workarounds.strip() and _workaround_products(doc):
        remediations.append(
            {"category": "workaround", "details": doc.workarounds.strip(), "product_ids": _workaround_products(doc)}
        )
    return remediations


def _scored_products(doc: AdvisoryDoc) -> list[str]:
    """The products a score describes: the affected ones; when none is affected any more, the fixed ones (the
    score of what they fixed), else those under investigation."""
    for status in (ProductStatus.AFFECTED, ProductStatus.FIXED, ProductStatus.UNDER_INVESTIGATION):
        ids = [product.product_id for product in doc.products if product.status == status]
        if ids:
            return ids
    return []


def cvss_v3_object(vector: str, score: Decimal | None = None) -> dict[str, Any]:
    """The CSAF ``cvss_v3`` object (FIRST's JSON schema) of ``vector``; ``score`` overrides the computed one."""
    parsed = CVSS3(vector)
    clean = parsed.clean_vector()
    cvss: dict[str, Any] = {
        "version": clean[5:8],
        "vectorString": clean,
        "baseScore": float(score if score is not None else parsed.base_score),
        "baseSeverity": str(parsed.severities()[0]).upper(),
    }
    for prop, (metric, values) in CVSS3_PROPERTIES.items():
        cvss[prop] = values[parsed.metrics[metric]]
    return cvss


def _scores(doc: AdvisoryDoc) -> list[dict[str, Any]]:
    products = _scored_products(doc)
    if not doc.cvss_v3_vector or not products:
        return []
    return [{"cvss_v3": cvss_v3_object(doc.cvss_v3_vector, doc.cvss_v3_score), "products": products}]


def _acknowledgments(doc: AdvisoryDoc) -> list[dict[str, Any]]:
    acknowledgments = []
    for credit in doc.credits:
        item: dict[str, Any] = {"names": [credit.name.strip()]}
        if credit.organisation.strip():
            item["organization"] = credit.organisation.strip()
        item["summary"] = CREDIT_SUMMARIES[credit.type]
        acknowledgments.append(item)
    return acknowledgments


def _vulnerability_references(doc: AdvisoryDoc) -> list[dict[str, str]]:
    references = []
    if doc.cve_id:
        references.append(
            {"category": "external", "summary": doc.cve_id, "url": f"https://www.cve.org/CVERecord?id={doc.cve_id}"}
        )
    if doc.ghsa_id:
        references.append(
            {"category": "external", "summary": doc.ghsa_id, "url": f"https://github.com/advisories/{doc.ghsa_id}"}
        )
    return references
