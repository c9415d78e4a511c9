"""What the CSAF and OpenVEX exporters share: the versions a product names, its package URL, UTC timestamps.

A ``ProductDoc`` is one product of the document (its id is ``ProductDoc.product_id``). Which versions it names
depends on its status: a fixed product is the fixed version; any other product is what ``affected_versions``
says (one version, a list, a range) or, when that is empty, every version of the component / release line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlparse

from packageurl import PackageURL

from garrison.disclosure.document import AdvisoryDoc, ProductDoc
from garrison.disclosure.status import ProductStatus

GENERATOR_NAME = "Garrison"

# One constraint of a range: an optional comparator and a version ("1.4.2", ">=1.0.0", "<2.1.1").
_CONSTRAINT = re.compile(r"^(?P<op>>=|<=|==|!=|>|<|=)?\s*(?P<version>[A-Za-z0-9][A-Za-z0-9.+_~:-]*)$")


def generator_version() -> str:
    try:
        return version("garrison")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "unknown"


def utc_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` suffix, milliseconds included: ``2026-03-10T09:00:00.000Z``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def is_aware(moment: datetime | None) -> bool:
    return moment is not None and moment.tzinfo is not None and moment.utcoffset() is not None


def is_https_url(value: str) -> bool:
    parts = urlparse(value or "")
    return parts.scheme == "https" and bool(parts.netloc) and " " not in value


def is_web_url(value: str) -> bool:
    parts = urlparse(value or "")
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in value


def parse_purl(value: str) -> PackageURL:
    """The package URL of a product (without a version); ValueError names what is wrong."""
    purl = PackageURL.from_string(value)  # raises ValueError for a malformed purl
    if purl.version:
        raise ValueError(f"{value} carries a version; give the package URL without one")
    return purl


def purl_at(package_url: str, at: str = "") -> str:
    """``pkg:type/name@version`` (or without ``@version`` when ``at`` is empty), correctly encoded."""
    purl = parse_purl(package_url)
    return PackageURL(
        type=purl.type,
        namespace=purl.namespace,
        name=purl.name,
        version=at or None,
        qualifiers=purl.qualifiers,
        subpath=purl.subpath,
    ).to_string()


@dataclass(frozen=True)
class Versions:
    """What ``affected_versions`` says: ``listed`` exact versions, or range ``constraints`` (op, version), or
    free ``text`` that is neither (kept as written)."""

    listed: tuple[str, ...] = ()
    constraints: tuple[tuple[str, str], ...] = ()
    text: str = ""


def parse_versions(value: str) -> Versions:
    parts = [part.strip() for part in (value or "").split(",") if part.strip()]
    if not parts:
        return Versions()
    matches = [_CONSTRAINT.match(part) for part in parts]
    if not all(matches):
        return Versions(text=value.strip())
    pairs = [(m["op"] or "", m["version"]) for m in matches if m]
    if all(op in {"", "=", "=="} for op, _ in pairs):
        return Versions(listed=tuple(dict.fromkeys(v for _, v in pairs)))
    return Versions(constraints=tuple(pairs))


def vers_scheme(product: ProductDoc) -> str:
    """The ``vers`` versioning scheme: the purl type when the product has a package URL, else ``generic``."""
    if product.package_url:
        try:
            return parse_purl(product.package_url).type
        except ValueError:
            return "generic"
    return "generic"


def vers_range(product: ProductDoc, versions: Versions) -> str:
    """A ``vers:`` range for listed versions or constraints (``=``/``==`` are written bare, as vers does)."""
    scheme = vers_scheme(product)
    if versions.listed:
        return f"vers:{scheme}/" + "|".join(versions.listed)
    if versions.constraints:
        return f"vers:{scheme}/" + "|".join(("" if op in {"=", "=="} else op) + v for op, v in versions.constraints)
    return f"vers:{scheme}/*"


@dataclass(frozen=True)
class ProductVersion:
    """The leaf of the CSAF product tree for one product."""

    category: str  # product_version | product_version_range
    name: str  # the version, a vers range, or the range text as written
    exact: str = ""  # the single version this product is, when it is one


def product_version(product: ProductDoc) -> ProductVersion:
    if product.status == ProductStatus.FIXED and product.fixed_version:
        return ProductVersion("product_version", product.fixed_version, product.fixed_version)
    versions = parse_versions(product.affected_versions)
    if len(versions.listed) == 1:
        return ProductVersion("product_version", versions.listed[0], versions.listed[0])
    if versions.text:
        return ProductVersion("product_version_range", versions.text)
    return ProductVersion("product_version_range", vers_range(product, versions))


def exact_versions(product: ProductDoc) -> tuple[str, ...]:
    """The versions a product names one by one (the fixed version, or a list); () for a range or nothing."""
    if product.status == ProductStatus.FIXED and product.fixed_version:
        return (product.fixed_version,)
    return parse_versions(product.affected_versions).listed


def product_label(product: ProductDoc) -> str:
    """Human name: ``core-api (quesnelia)`` or ``core-api``."""
    return f"{product.component} ({product.release_line})" if product.release_line else product.component


def product_problems(doc: AdvisoryDoc) -> list[str]:
    """What every exporter refuses in the products: none at all, duplicates, a bad purl, a fixed product
    without its version, a not-affected product without justification or impact."""
    if not doc.products:
        return ["products: the advisory names no product"]
    problems: list[str] = []
    seen: set[str] = set()
    for product in doc.products:
        pid = product.product_id
        where = f"products[{pid}]"
        if not product.component.strip():
            problems.append(f"{where}.component: required")
        if pid in seen:
            problems.append(f"{where}: listed twice (same component and release line)")
        seen.add(pid)
        if product.package_url:
            try:
                parse_purl(product.package_url)
            except ValueError as exc:
                problems.append(f"{where}.package_url: not a valid package URL ({exc})")
        if product.status == ProductStatus.FIXED and not product.fixed_version.strip():
            problems.append(f"{where}.fixed_version: a fixed product needs the version that fixes it")
        if (
            product.status == ProductStatus.NOT_AFFECTED
            and product.justification is None
            and not product.impact.strip()
        ):
            problems.append(f"{where}.justification: a not-affected product needs a justification or an impact")
    return problems


def date_problems(doc: AdvisoryDoc) -> list[str]:
    problems = [
        f"{name}: must be a timezone-aware (UTC) datetime"
        for name, value in (("initial_release", doc.initial_release), ("current_release", doc.current_release))
        if not is_aware(value)
    ]
    for revision in doc.revisions:
        if not is_aware(revision.date):
            problems.append(f"revisions[{revision.number}].date: must be a timezone-aware (UTC) datetime")
    return problems
