"""Read a CSAF 2.0 document (security advisory, VEX, or base profile) into an advisory draft.

An ``AdvisoryDoc`` describes one vulnerability: the first of ``vulnerabilities`` is read; the CVE ids of the
others become aliases (and ``extra["other_cves"]``). Products come from the product tree: a product is named by
its ``product_name`` (or ``product_family``) branch, its version by the version branch below it; a version branch
that has service packs or patch levels under it is the release line. Product ids are grouped by component and
release line; statuses are read through the inverse of ``status.CSAF_PRODUCT_STATUS`` (and the CSAF synonyms
``first_affected``, ``last_affected``, ``first_fixed``, ``recommended``), justifications through the inverse of
``status.CSAF_FLAG_LABEL``. A component with affected and fixed versions is one ``fixed`` product (its affected
versions listed, fixed at the first fixed version); any other status of the same component is its own product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from packageurl import PackageURL

from garrison.disclosure.document import AdvisoryDoc, CreditDoc, ProductDoc, ReferenceDoc, RevisionDoc
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
from garrison.disclosure.status import CSAF_FLAG_LABEL, CSAF_PRODUCT_STATUS, Justification, ProductStatus

FORMAT = "csaf"
FROM_CSAF_STATUS: dict[str, ProductStatus] = {key: status for status, key in CSAF_PRODUCT_STATUS.items()}
# CSAF's refinements of the four statuses, read as the status they refine.
_STATUS_SYNONYMS = {
    "first_affected": "known_affected",
    "last_affected": "known_affected",
    "first_fixed": "fixed",
    "recommended": "fixed",
}
FROM_CSAF_FLAG: dict[str, Justification] = {label: justification for justification, label in CSAF_FLAG_LABEL.items()}
_VERSION_CATEGORIES = {"product_version", "product_version_range", "service_pack", "patch_level"}
_NAME_CATEGORIES = {"product_name", "product_family"}
_TRACKING_STATUSES = {"draft", "interim", "final"}
_GHSA = re.compile(r"^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$")
_FIX_REMEDIATIONS = {"vendor_fix", "no_fix_planned", "none_available"}
_WORKAROUNDS = {"workaround", "mitigation"}


def read_csaf(data: Any) -> AdvisoryDoc:
    """The advisory draft of a CSAF 2.0 document; ``AdvisoryReadError`` names the field that is wrong."""
    if not isinstance(data, dict):
        raise AdvisoryReadError("(root)", "a CSAF document is a JSON object")
    document = obj(data, "document", required=True)
    text(document, "csaf_version", "document", required=True)
    tracking = obj(document, "tracking", "document", required=True)
    publisher = obj(document, "publisher", "document", required=True)
    identifier = text(tracking, "id", "document/tracking", required=True)
    initial = moment(
        text(tracking, "initial_release_date", "document/tracking", required=True),
        "document/tracking/initial_release_date",
    )
    current = moment(
        text(tracking, "current_release_date", "document/tracking", required=True),
        "document/tracking/current_release_date",
    )
    status = text(tracking, "status", "document/tracking")
    vulnerabilities = objs(data, "vulnerabilities")
    where, vulnerability = vulnerabilities[0] if vulnerabilities else ("vulnerabilities/0", {})
    cves = [text(v, "cve", w) for w, v in vulnerabilities]
    cve_id = cves[0] if cves else ""
    other_cves = [c for c in dict.fromkeys(cves[1:]) if c and c != cve_id]
    ids = [text(item, "text", w) for w, item in objs(vulnerability, "ids", where)]
    ghsa_id = next((i for i in ids if _GHSA.match(i)), "")
    cvss = cvss_fields(_vectors(vulnerability, where))
    references = _references(document, vulnerability, where)
    extra: dict[str, Any] = {"source_format": FORMAT, "source_id": identifier, "vulnerabilities": len(vulnerabilities)}
    if other_cves:
        extra["other_cves"] = other_cves
    return AdvisoryDoc(
        identifier=identifier,
        title=text(document, "title", "document", required=True),
        publisher_name=text(publisher, "name", "document/publisher", required=True),
        publisher_namespace=text(publisher, "namespace", "document/publisher"),
        initial_release=initial,
        current_release=current,
        status=status if status in _TRACKING_STATUSES else "final",
        summary=_note(document, "document", ("summary",)),
        description=(
            _note(vulnerability, where, ("description", "summary", "details", "general"))
            or _note(document, "document", ("description", "details", "general"))
        ),
        cve_id=cve_id,
        ghsa_id=ghsa_id,
        aliases=tuple(other_cves),
        severity=severity_of(cvss, _severity_word(document, vulnerability, where)),
        cwe_ids=_cwe_ids(vulnerability, where),
        workarounds=_workarounds(vulnerability, where),
        products=unique_products(_products(data, vulnerability, where)),
        credits=tuple(_credits(document, vulnerability, where)),
        references=tuple(references),
        revisions=tuple(_revisions(tracking)),
        url=next((r.url for r in references if r.type == "advisory"), ""),
        extra=extra,
        **cvss,
    )


def _note(container: dict[str, Any], where: str, categories: tuple[str, ...]) -> str:
    notes = [(text(n, "category", w), text(n, "text", w)) for w, n in objs(container, "notes", where)]
    for category in categories:
        found = [note for kind, note in notes if kind == category and note]
        if found:
            return "\n\n".join(found)
    return ""


def _vectors(vulnerability: dict[str, Any], where: str) -> list[tuple[str, str]]:
    vectors = []
    for score_where, score in objs(vulnerability, "scores", where):
        for key in ("cvss_v4", "cvss_v3"):
            vector = text(obj(score, key, score_where), "vectorString", path(score_where, key))
            if vector:
                vectors.append((vector, f"{score_where}/{key}/vectorString"))
    return vectors


def _severity_word(document: dict[str, Any], vulnerability: dict[str, Any], where: str) -> str:
    for threat_where, threat in objs(vulnerability, "threats", where):
        if text(threat, "category", threat_where) == "impact":
            return text(threat, "details", threat_where)
    return text(obj(document, "aggregate_severity", "document"), "text", "document/aggregate_severity")


def _cwe_ids(vulnerability: dict[str, Any], where: str) -> tuple[int, ...]:
    values = [text(obj(vulnerability, "cwe", where), "id", f"{where}/cwe")]
    values += [text(item, "id", w) for w, item in objs(vulnerability, "cwes", where)]  # CSAF 2.1
    return tuple(dict.fromkeys(n for n in (cwe_number(v) for v in values if v) if n))


def _workarounds(vulnerability: dict[str, Any], where: str) -> str:
    details = [
        text(item, "details", w)
        for w, item in objs(vulnerability, "remediations", where)
        if text(item, "category", w) in _WORKAROUNDS
    ]
    return "\n\n".join(dict.fromkeys(d for d in details if d))


def _references(document: dict[str, Any], vulnerability: dict[str, Any], where: str) -> list[ReferenceDoc]:
    references: dict[str, ReferenceDoc] = {}
    items = objs(document, "references", "document") + objs(vulnerability, "references", where)
    for item_where, item in items:
        url = text(item, "url", item_where, required=True)
        kind = "advisory" if text(item, "category", item_where) == "self" else "web"
        references.setdefault(url, ReferenceDoc(url=url, type=kind))
    return list(references.values())


def _credits(document: dict[str, Any], vulnerability: dict[str, Any], where: str) -> list[CreditDoc]:
    credits: list[CreditDoc] = []
    items = objs(document, "acknowledgments", "document") + objs(vulnerability, "acknowledgments", where)
    for item_where, item in items:
        organisation = text(item, "organization", item_where)
        summary = text(item, "summary", item_where).lower()
        kind = (
            "finder" if "find" in summary or "discover" in summary else "reporter" if "report" in summary else "other"
        )
        names = texts(item, "names", item_where) or ([organisation] if organisation else [])
        for name in names:
            credit = CreditDoc(name=name, type=kind, organisation=organisation)
            if credit not in credits:
                credits.append(credit)
    return credits


def _revisions(tracking: dict[str, Any]) -> list[RevisionDoc]:
    revisions = []
    for index, (where, item) in enumerate(objs(tracking, "revision_history", "document/tracking"), start=1):
        number = text(item, "number", where, required=True)
        revisions.append(
            RevisionDoc(
                number=int(number) if number.isdigit() else index,
                date=moment(text(item, "date", where, required=True), f"{where}/date"),
                summary=text(item, "summary", where),
            )
        )
    return revisions


@dataclass(frozen=True)
class _Product:
    component: str
    release_line: str = ""
    version: str = ""
    package_url: str = ""


def _tree(data: dict[str, Any]) -> dict[str, _Product]:
    """Every product id of the product tree and what it is."""
    tree = obj(data, "product_tree")
    known: dict[str, _Product] = {}
    _walk(tree, "product_tree", [], known)
    for where, item in objs(tree, "full_product_names", "product_tree"):
        known.setdefault(*_full_name(item, where))
    for where, relation in objs(tree, "relationships", "product_tree"):
        full = obj(relation, "full_product_name", where, required=True)
        product_id, product = _full_name(full, f"{where}/full_product_name")
        reference = known.get(text(relation, "product_reference", where))
        known.setdefault(product_id, reference or product)
    return known


def _walk(node: dict[str, Any], where: str, trail: list[tuple[str, str]], known: dict[str, _Product]) -> None:
    for branch_where, branch in objs(node, "branches", where):
        step = [*trail, (text(branch, "category", branch_where), text(branch, "name", branch_where))]
        product = obj(branch, "product", branch_where)
        if product:
            product_id, full = _full_name(product, f"{branch_where}/product")
            names = [name for category, name in step if category in _NAME_CATEGORIES and name]
            versions = [(category, name) for category, name in step if category in _VERSION_CATEGORIES and name]
            lines = [name for category, name in versions[:-1] if category == "product_version"]
            component = names[-1] if names else full.component
            known.setdefault(
                product_id,
                _Product(
                    component=component,
                    release_line=lines[-1] if lines else _line_in_id(product_id, component),
                    version=_version(versions[-1][1]) if versions else full.version,
                    package_url=full.package_url,
                ),
            )
        _walk(branch, branch_where, step, known)


def _line_in_id(product_id: str, component: str) -> str:
    """The release line of a product id written as ``<component>:<release line>`` (``ProductDoc.product_id``, the
    ids our own CSAF export uses), else ""."""
    prefix = component.lower().replace(" ", "-") + ":"
    return product_id[len(prefix) :] if product_id.lower().startswith(prefix) else ""


def _version(name: str) -> str:
    """A version branch name; a ``vers:`` range in our ``affected_versions`` notation (``*`` is every version)."""
    if not name.startswith("vers:") or "/" not in name:
        return name
    constraints = name.split("/", 1)[1]
    return "" if constraints.strip() == "*" else ", ".join(c.strip() for c in constraints.split("|") if c.strip())


def _full_name(product: dict[str, Any], where: str) -> tuple[str, _Product]:
    product_id = text(product, "product_id", where, required=True)
    helper = obj(product, "product_identification_helper", where)
    purl_text = text(helper, "purl", f"{where}/product_identification_helper")
    package_url, version = "", ""
    if purl_text:
        try:
            purl = PackageURL.from_string(purl_text)
        except ValueError as exc:
            raise AdvisoryReadError(
                f"{where}/product_identification_helper/purl", f"not a package URL ({exc})"
            ) from None
        version = purl.version or ""
        package_url = PackageURL(
            type=purl.type, namespace=purl.namespace, name=purl.name, qualifiers=purl.qualifiers, subpath=purl.subpath
        ).to_string()
    name = text(product, "name", where) or product_id
    return product_id, _Product(component=name, version=version, package_url=package_url)


@dataclass
class _Group:
    package_url: str = ""
    versions: dict[ProductStatus, list[str]] = field(default_factory=dict)
    first_fixed: list[str] = field(default_factory=list)
    ids: dict[ProductStatus, list[str]] = field(default_factory=dict)


def _products(data: dict[str, Any], vulnerability: dict[str, Any], where: str) -> list[ProductDoc]:
    known = _tree(data)
    groups_of = _product_groups(data)
    status_where = f"{where}/product_status"
    groups: dict[tuple[str, str], _Group] = {}
    statuses = obj(vulnerability, "product_status", where)
    for key in statuses:
        status_key = _STATUS_SYNONYMS.get(key, key)
        if status_key not in FROM_CSAF_STATUS:
            raise AdvisoryReadError(f"{status_where}/{key}", "not a CSAF product status")
        status = FROM_CSAF_STATUS[status_key]
        for product_id in texts(statuses, key, status_where):
            product = known.get(product_id, _Product(component=product_id))
            group = groups.setdefault((product.component, product.release_line), _Group())
            group.package_url = group.package_url or product.package_url
            group.ids.setdefault(status, []).append(product_id)
            if product.version and product.version not in group.versions.setdefault(status, []):
                group.versions[status].append(product.version)
            if key == "first_fixed" and product.version:
                group.first_fixed.append(product.version)
    justifications = _justifications(vulnerability, where, groups_of)
    impacts = _texts_by_product(vulnerability, "threats", where, groups_of, {"impact"})
    actions = _texts_by_product(vulnerability, "remediations", where, groups_of, _FIX_REMEDIATIONS)
    products: list[ProductDoc] = []
    for (component, release_line), group in groups.items():
        for status, ids in group.ids.items():
            if status == ProductStatus.FIXED and ProductStatus.AFFECTED in group.ids:
                continue  # folded into the affected product below
            versions = group.versions.get(status, [])
            fixed = group.first_fixed + group.versions.get(ProductStatus.FIXED, [])
            fixed_here = status == ProductStatus.FIXED or (
                status == ProductStatus.AFFECTED and ProductStatus.FIXED in group.ids
            )
            lookup = impacts if status == ProductStatus.NOT_AFFECTED else actions
            products.append(
                ProductDoc(
                    component=component,
                    release_line=release_line,
                    status=ProductStatus.FIXED if fixed_here else status,
                    package_url=group.package_url,
                    justification=next((justifications[i] for i in ids if i in justifications), None)
                    if status == ProductStatus.NOT_AFFECTED
                    else None,
                    affected_versions="" if status == ProductStatus.FIXED else ", ".join(versions),
                    fixed_version=fixed[0] if fixed_here and fixed else "",
                    impact=next((lookup[i] for i in ids if i in lookup), ""),
                )
            )
    return products


def _product_groups(data: dict[str, Any]) -> dict[str, list[str]]:
    tree = obj(data, "product_tree")
    return {
        text(group, "group_id", w, required=True): texts(group, "product_ids", w)
        for w, group in objs(tree, "product_groups", "product_tree")
    }


def _ids(item: dict[str, Any], where: str, groups_of: dict[str, list[str]]) -> list[str]:
    ids = texts(item, "product_ids", where)
    for group_id in texts(item, "group_ids", where):
        ids += groups_of.get(group_id, [])
    return ids


def _justifications(
    vulnerability: dict[str, Any], where: str, groups_of: dict[str, list[str]]
) -> dict[str, Justification]:
    found: dict[str, Justification] = {}
    for flag_where, flag in objs(vulnerability, "flags", where):
        label = text(flag, "label", flag_where, required=True)
        if label not in FROM_CSAF_FLAG:
            raise AdvisoryReadError(f"{flag_where}/label", f"{label!r} is not a CSAF flag label")
        for product_id in _ids(flag, flag_where, groups_of):
            found.setdefault(product_id, FROM_CSAF_FLAG[label])
    return found


def _texts_by_product(
    vulnerability: dict[str, Any], key: str, where: str, groups_of: dict[str, list[str]], categories: set[str]
) -> dict[str, str]:
    found: dict[str, str] = {}
    for item_where, item in objs(vulnerability, key, where):
        details = text(item, "details", item_where)
        if details and text(item, "category", item_where) in categories:
            for product_id in _ids(item, item_where, groups_of):
                found.setdefault(product_id, details)
    return found
