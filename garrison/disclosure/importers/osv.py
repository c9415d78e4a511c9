"""Read an OSV record into an advisory draft.

Each ``affected`` package becomes products: one per interval of its ranges (``introduced`` up to ``fixed`` or
``last_affected``), or one for a plain list of versions. An interval with a ``fixed`` event is ``fixed`` at that
version, any other one ``affected`` (OSV lists only affected packages: ``status.OSV_INCLUDES``). A package's
release line is ``database_specific.release_line`` when the record gives one (our own export does).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from packageurl import PackageURL

from garrison.disclosure.document import AdvisoryDoc, CreditDoc, ProductDoc, ReferenceDoc
from garrison.disclosure.exporters.packages import BY_OSV, purl_of
from garrison.disclosure.importers.reading import (
    AdvisoryReadError,
    arr,
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

FORMAT = "osv"
PUBLISHER_NAMESPACE = "https://osv.dev"
_REFERENCE_TYPES = {"advisory", "article", "report", "fix", "package", "evidence", "web"}
_CREDIT_TYPES = {
    "finder",
    "reporter",
    "analyst",
    "coordinator",
    "remediation_developer",
    "remediation_reviewer",
    "remediation_verifier",
    "tool",
    "sponsor",
    "other",
}
# Ranges of package versions are preferred to git commit ranges when a package has both.
_VERSION_RANGES = ("ECOSYSTEM", "SEMVER")


def read_osv(data: Any) -> AdvisoryDoc:
    """The advisory draft of an OSV record; ``AdvisoryReadError`` names the field that is wrong."""
    if not isinstance(data, dict):
        raise AdvisoryReadError("(root)", "an OSV record is a JSON object")
    identifier = text(data, "id", required=True)
    modified = moment(text(data, "modified", required=True), "modified")
    published_text = text(data, "published")
    published = moment(published_text, "published") if published_text else modified
    aliases = texts(data, "aliases")
    cve_id = next((a for a in [identifier, *aliases] if a.upper().startswith("CVE-")), "")
    ghsa_id = next((a for a in [identifier, *aliases] if a.upper().startswith("GHSA-")), "")
    others = tuple(a for a in aliases if a not in {cve_id, ghsa_id, identifier})
    specific = obj(data, "database_specific")
    cvss = cvss_fields(_vectors(data))
    cwe_ids = tuple(
        dict.fromkeys(n for n in (cwe_number(v) for v in texts(specific, "cwe_ids", "database_specific")) if n)
    )
    summary = text(data, "summary")
    return AdvisoryDoc(
        identifier=identifier,
        title=summary or identifier,
        publisher_name=identifier.split("-", 1)[0] if "-" in identifier else identifier,
        publisher_namespace=PUBLISHER_NAMESPACE,
        initial_release=published,
        current_release=max(published, modified),
        description=text(data, "details"),
        cve_id=cve_id,
        ghsa_id=ghsa_id,
        aliases=others,
        severity=severity_of(cvss, text(specific, "severity", "database_specific")),
        cwe_ids=cwe_ids,
        products=unique_products(_products(data)),
        credits=tuple(_credits(data)),
        references=tuple(_references(data)),
        url=text(specific, "url", "database_specific"),
        extra=_extra(data, identifier),
        **cvss,
    )


def _extra(data: dict[str, Any], identifier: str) -> dict[str, Any]:
    extra: dict[str, Any] = {"source_format": FORMAT, "source_id": identifier}
    withdrawn = text(data, "withdrawn")
    if withdrawn:
        extra["withdrawn"] = moment(withdrawn, "withdrawn").isoformat()
    return extra


def _vectors(data: dict[str, Any]) -> list[tuple[str, str]]:
    """CVSS vectors of the record, else of its packages (OSV puts severity in one place or the other)."""
    vectors = [(text(item, "score", where), f"{where}/score") for where, item in objs(data, "severity")]
    if not vectors:
        for where, entry in objs(data, "affected"):
            vectors += [(text(item, "score", w), f"{w}/score") for w, item in objs(entry, "severity", where)]
    return [(vector, field) for vector, field in vectors if vector.startswith("CVSS:")]


@dataclass(frozen=True)
class _Interval:
    introduced: str = ""
    fixed: str = ""
    last_affected: str = ""


def _products(data: dict[str, Any]) -> list[ProductDoc]:
    products: list[ProductDoc] = []
    for where, entry in objs(data, "affected"):
        package = obj(entry, "package", where)
        name = text(package, "name", path(where, "package"))
        purl = _package_url(package, path(where, "package"))
        component = name or purl or "unknown package"
        release_line = text(obj(entry, "database_specific", where), "release_line", path(where, "database_specific"))
        intervals = _intervals(entry, where)
        versions = texts(entry, "versions", where)
        base = ProductDoc(
            component=component, status=ProductStatus.AFFECTED, release_line=release_line, package_url=purl
        )
        if intervals:
            products += [_interval_product(base, interval) for interval in intervals]
        else:
            products.append(replace(base, affected_versions=", ".join(versions)))
    return products


def _package_url(package: dict[str, Any], where: str) -> str:
    given = text(package, "purl", where)
    if given:
        try:
            purl = PackageURL.from_string(given)
        except ValueError as exc:
            raise AdvisoryReadError(f"{where}/purl", f"not a valid package URL ({exc})") from None
        return PackageURL(
            type=purl.type, namespace=purl.namespace, name=purl.name, qualifiers=purl.qualifiers, subpath=purl.subpath
        ).to_string()
    ecosystem = BY_OSV.get(text(package, "ecosystem", where).split(":", 1)[0])
    name = text(package, "name", where)
    if ecosystem is None or not name:
        return ""  # an ecosystem without a package URL type (a Linux distribution, ...): the name is kept
    try:
        return purl_of(ecosystem, name)
    except ValueError:
        return ""


def _intervals(entry: dict[str, Any], where: str) -> list[_Interval]:
    ranges = objs(entry, "ranges", where)
    version_ranges = [(w, r) for w, r in ranges if text(r, "type", w).upper() in _VERSION_RANGES]
    intervals: list[_Interval] = []
    for range_where, one in version_ranges or ranges:
        current: _Interval | None = None
        for event_where, event in objs(one, "events", range_where):
            if "introduced" in event:
                if current is not None:
                    intervals.append(current)
                current = _Interval(introduced=text(event, "introduced", event_where))
            elif "fixed" in event or "last_affected" in event:
                start = current or _Interval(introduced="0")
                current = None
                intervals.append(
                    _Interval(
                        introduced=start.introduced,
                        fixed=text(event, "fixed", event_where),
                        last_affected=text(event, "last_affected", event_where),
                    )
                )
            # "limit" only bounds git commit ranges: nothing to keep
        if current is not None:
            intervals.append(current)
    return intervals


def _interval_product(base: ProductDoc, interval: _Interval) -> ProductDoc:
    introduced = "" if interval.introduced in {"", "0"} else interval.introduced
    bounds = [f">={introduced}"] if introduced else []
    if interval.fixed:
        bounds.append(f"<{interval.fixed}")
    elif interval.last_affected:
        bounds.append(f"<={interval.last_affected}")
    return ProductDoc(
        component=base.component,
        status=ProductStatus.FIXED if interval.fixed else ProductStatus.AFFECTED,
        release_line=base.release_line,
        package_url=base.package_url,
        affected_versions=", ".join(bounds),
        introduced_version=introduced,
        fixed_version=interval.fixed,
    )


def _references(data: dict[str, Any]) -> list[ReferenceDoc]:
    references: dict[str, ReferenceDoc] = {}
    for where, item in objs(data, "references"):
        url = text(item, "url", where, required=True)
        kind = text(item, "type", where).lower()
        references.setdefault(url, ReferenceDoc(url=url, type=kind if kind in _REFERENCE_TYPES else "web"))
    return list(references.values())


def _credits(data: dict[str, Any]) -> list[CreditDoc]:
    credits = []
    for where, item in objs(data, "credits"):
        name = text(item, "name", where, required=True)
        kind = text(item, "type", where).lower()
        credits.append(CreditDoc(name=name, type=kind if kind in _CREDIT_TYPES else "other"))
        arr(item, "contact", where)  # checked for shape only: contact details are not kept in a draft
    return credits
