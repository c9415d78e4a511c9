"""Read a CVE JSON 5.x record into an advisory draft.

The CNA container is the source; scores and CWE ids missing there are taken from the ADP containers (CISA's
enrichment, for example). Each ``affected`` entry becomes products: a range with ``lessThan`` is ``fixed`` at that
version, a range with ``lessThanOrEqual`` (or ``lessThan: *``) is ``affected``, single versions are grouped by
status into one product, and an entry without versions takes its ``defaultStatus``. Statuses are read through
the inverse of ``CVE5_STATUS``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from garrison.disclosure.document import AdvisoryDoc, CreditDoc, ProductDoc, ReferenceDoc
from garrison.disclosure.exporters.cve5 import CREDIT_TYPES, CVE5_STATUS, REFERENCE_TAGS
from garrison.disclosure.exporters.packages import BY_COLLECTION, purl_of
from garrison.disclosure.importers.reading import (
    AdvisoryReadError,
    cvss_fields,
    cwe_number,
    moment,
    obj,
    objs,
    path,
    severity_of,
    text,
    texts,
    unique_products,
)
from garrison.disclosure.status import ProductStatus

FORMAT = "cve5"
PUBLISHER_NAMESPACE = "https://www.cve.org"
# CVE 5 version status -> product status. "affected" reads as affected; a range that ends before a version
# (lessThan) is read as fixed at that version.
FROM_CVE5_STATUS: dict[str, ProductStatus] = {
    cve: status for status, cve in CVE5_STATUS.items() if status != ProductStatus.FIXED
}
_TAG_TYPES: dict[str, str] = {tag: kind for kind, tag in REFERENCE_TAGS.items()} | {
    "third-party-advisory": "advisory",
    "vdb-entry": "advisory",
    "media-coverage": "article",
    "mailing-list": "article",
    "release-notes": "fix",
    "mitigation": "web",
}
_METRIC_KEYS = ("cvssV4_0", "cvssV3_1", "cvssV3_0")


def read_cve5(data: Any) -> AdvisoryDoc:
    """The advisory draft of a CVE 5 record; ``AdvisoryReadError`` names the field that is wrong."""
    if not isinstance(data, dict):
        raise AdvisoryReadError("(root)", "a CVE record is a JSON object")
    if text(data, "dataType") != "CVE_RECORD":
        raise AdvisoryReadError("dataType", "must be CVE_RECORD")
    metadata = obj(data, "cveMetadata", required=True)
    cve_id = text(metadata, "cveId", "cveMetadata", required=True)
    if text(metadata, "state", "cveMetadata").upper() == "REJECTED":
        raise AdvisoryReadError("cveMetadata/state", "the CVE record is rejected: there is nothing to import")
    containers = obj(data, "containers", required=True)
    cna = obj(containers, "cna", "containers", required=True)
    adps = [item for _, item in objs(containers, "adp", "containers")]
    provider = obj(cna, "providerMetadata", "containers/cna")
    published, updated = _dates(metadata, provider)
    cvss = cvss_fields(_vectors(cna, "containers/cna") or _adp_vectors(adps))
    cwe_ids = _cwe_ids(cna, "containers/cna") or tuple(
        n for i, adp in enumerate(adps) for n in _cwe_ids(adp, f"containers/adp/{i}")
    )
    description = _english(cna, "descriptions", "containers/cna")
    title = text(cna, "title", "containers/cna")
    extra: dict[str, Any] = {
        "source_format": FORMAT,
        "source_id": cve_id,
        "source_assigner_org_id": text(metadata, "assignerOrgId", "cveMetadata"),
    }
    solutions = _english(cna, "solutions", "containers/cna")
    if solutions:
        extra["solutions"] = solutions
    return AdvisoryDoc(
        identifier=cve_id,
        title=title or cve_id,
        publisher_name=(
            text(metadata, "assignerShortName", "cveMetadata")
            or text(provider, "shortName", "containers/cna/providerMetadata")
            or "CVE"
        ),
        publisher_namespace=PUBLISHER_NAMESPACE,
        initial_release=published,
        current_release=updated,
        description=description,
        cve_id=cve_id,
        severity=severity_of(cvss, _severity_word(cna)),
        cwe_ids=tuple(dict.fromkeys(cwe_ids)),
        workarounds=_english(cna, "workarounds", "containers/cna"),
        products=unique_products(_products(cna)),
        credits=tuple(_credits(cna)),
        references=tuple(_references(cna)),
        extra=extra,
        **cvss,
    )


def _dates(metadata: dict[str, Any], provider: dict[str, Any]) -> tuple[datetime, datetime]:
    candidates = [
        ("cveMetadata/datePublished", text(metadata, "datePublished", "cveMetadata")),
        ("cveMetadata/dateUpdated", text(metadata, "dateUpdated", "cveMetadata")),
        (
            "containers/cna/providerMetadata/dateUpdated",
            text(provider, "dateUpdated", "containers/cna/providerMetadata"),
        ),
    ]
    given = [(field, value) for field, value in candidates if value]
    if not given:
        raise AdvisoryReadError("cveMetadata/datePublished", "required (or dateUpdated)")
    published = moment(given[0][1], given[0][0])
    updated = moment(given[1][1], given[1][0]) if len(given) > 1 else published
    return published, max(published, updated)


def _english(container: dict[str, Any], key: str, where: str) -> str:
    """The English texts of a description list (the first language when there is no English one), joined."""
    items = [(w, item) for w, item in objs(container, key, where)]
    english = [(w, i) for w, i in items if text(i, "lang", w).lower().startswith("en")] or items[:1]
    return "\n\n".join(value for value in (text(i, "value", w) for w, i in english) if value)


def _vectors(container: dict[str, Any], where: str) -> list[tuple[str, str]]:
    vectors = []
    for metric_where, metric in objs(container, "metrics", where):
        for key in _METRIC_KEYS:
            body = obj(metric, key, metric_where)
            vector = text(body, "vectorString", path(metric_where, key))
            if vector:
                vectors.append((vector, path(path(metric_where, key), "vectorString")))
    return vectors


def _adp_vectors(adps: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [v for i, adp in enumerate(adps) for v in _vectors(adp, f"containers/adp/{i}")]


def _severity_word(cna: dict[str, Any]) -> str:
    for metric_where, metric in objs(cna, "metrics", "containers/cna"):
        other = obj(metric, "other", metric_where)
        content = other.get("content")
        if text(other, "type", metric_where).lower() == "text" and isinstance(content, dict):
            return text(content, "text", f"{metric_where}/other/content")
    return ""


def _cwe_ids(container: dict[str, Any], where: str) -> tuple[int, ...]:
    numbers = []
    for problem_where, problem in objs(container, "problemTypes", where):
        for desc_where, desc in objs(problem, "descriptions", problem_where):
            number = cwe_number(text(desc, "cweId", desc_where))
            if number:
                numbers.append(number)
    return tuple(numbers)


def _products(cna: dict[str, Any]) -> list[ProductDoc]:
    products: list[ProductDoc] = []
    for where, entry in objs(cna, "affected", "containers/cna"):
        package = text(entry, "packageName", where)
        component = text(entry, "product", where) or package
        if not component:
            raise AdvisoryReadError(f"{where}/product", "required (or packageName)")
        purl = _package_url(text(entry, "collectionURL", where), package)
        default = _status(text(entry, "defaultStatus", where) or "unknown", f"{where}/defaultStatus")
        singles: dict[ProductStatus, list[str]] = {}
        for version_where, version in objs(entry, "versions", where):
            start = text(version, "version", version_where, required=True)
            status = _status(text(version, "status", version_where, required=True), f"{version_where}/status")
            less_than = text(version, "lessThan", version_where)
            at_most = text(version, "lessThanOrEqual", version_where)
            introduced = "" if start in {"0", "*"} else start
            if not (less_than or at_most):
                singles.setdefault(status, []).append(start)
                continue
            bounds = [f">={introduced}"] if introduced else []
            fixed = ""
            if less_than and "*" not in less_than:
                bounds.append(f"<{less_than}")
                fixed = less_than if status == ProductStatus.AFFECTED else ""
            elif at_most and "*" not in at_most:
                bounds.append(f"<={at_most}")
            products.append(
                ProductDoc(
                    component=component,
                    status=ProductStatus.FIXED if fixed else status,
                    package_url=purl,
                    affected_versions=", ".join(bounds),
                    introduced_version=introduced,
                    fixed_version=fixed,
                )
            )
        products += [
            ProductDoc(component=component, status=status, package_url=purl, affected_versions=", ".join(versions))
            for status, versions in singles.items()
        ]
        if not objs(entry, "versions", where):
            products.append(ProductDoc(component=component, status=default, package_url=purl))
    return products


def _status(value: str, field: str) -> ProductStatus:
    try:
        return FROM_CVE5_STATUS[value.lower()]
    except KeyError:
        raise AdvisoryReadError(field, f"{value!r} is not affected, unaffected or unknown") from None


def _package_url(collection: str, package: str) -> str:
    ecosystem = BY_COLLECTION.get(collection.rstrip("/"))
    if ecosystem is None or not package:
        return ""
    try:
        return purl_of(ecosystem, package)
    except ValueError:
        return ""


def _references(cna: dict[str, Any]) -> list[ReferenceDoc]:
    references: dict[str, ReferenceDoc] = {}
    for where, item in objs(cna, "references", "containers/cna"):
        url = text(item, "url", where, required=True)
        tags = texts(item, "tags", where)
        kind = next((_TAG_TYPES[tag] for tag in tags if tag in _TAG_TYPES), "web")
        references.setdefault(url, ReferenceDoc(url=url, type=kind))
    return list(references.values())


def _credits(cna: dict[str, Any]) -> list[CreditDoc]:
    credits = []
    for where, item in objs(cna, "credits", "containers/cna"):
        kind = (text(item, "type", where) or "finder").lower()
        kind = kind.replace(" ", "_") if kind in CREDIT_TYPES else "other"
        credits.append(CreditDoc(name=text(item, "value", where, required=True), type=kind))
    return credits
