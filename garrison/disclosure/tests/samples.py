"""Test data: ready-made ``AdvisoryDoc`` values for the exporter tests (CSAF, OpenVEX, OSV, CVE 5).

Public names are stable: ``SAMPLES`` (name -> AdvisoryDoc) and ``sample(name)``. Every sample exports to CSAF and
OpenVEX. ``full`` and ``v3_only`` also export to OSV and CVE 5; ``v4_only`` and ``not_affected`` do not (no affected
package with a purl for OSV; no reference, and for ``v4_only`` no CVE id, for CVE 5): their tests add what is missing
with ``dataclasses.replace``, and the exporters' refusal is itself tested.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from garrison.disclosure.document import AdvisoryDoc, CreditDoc, ProductDoc, ReferenceDoc, RevisionDoc
from garrison.disclosure.status import Justification, ProductStatus

PUBLISHER_NAME = "Garrison Project"
PUBLISHER_NAMESPACE = "https://garrison.example.org"


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


# XSS in core-api: CVSS v3.1 and v4.0, three release lines (fixed / affected / under investigation), billing not
# affected with a justification, credits of several types, two revisions, references, a workaround.
FULL = AdvisoryDoc(
    identifier="GARRISON-2026-0001",
    title="Stored cross-site scripting in the core API comment renderer",
    summary="A stored XSS in comment rendering lets an attacker run script in another user's browser.",
    description=(
        "The comment renderer of core-api did not escape link titles. An authenticated attacker could store a "
        "comment whose link title runs script when another user views it."
    ),
    cve_id="CVE-2026-10001",
    ghsa_id="GHSA-abcd-efgh-ijkm",
    aliases=("PYSEC-2026-17",),
    severity="medium",
    cvss_v3_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
    cvss_v3_score=Decimal("6.1"),
    cvss_v4_vector="CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N",
    cvss_v4_score=Decimal("5.3"),
    cwe_ids=(79, 116),
    workarounds="Set COMMENT_LINKS_ENABLED=false until you can upgrade.",
    products=(
        ProductDoc(
            component="core-api",
            release_line="quesnelia",
            status=ProductStatus.FIXED,
            package_url="pkg:pypi/garrison-core-api",
            affected_versions=">=1.0.0, <1.4.2",
            introduced_version="1.0.0",
            fixed_version="1.4.2",
        ),
        ProductDoc(
            component="core-api",
            release_line="ramsons",
            status=ProductStatus.AFFECTED,
            package_url="pkg:pypi/garrison-core-api",
            affected_versions=">=2.0.0, <2.1.1",
            introduced_version="2.0.0",
            fixed_version="2.1.1",
            impact="Until you can upgrade, disable comment links (see the workaround).",
        ),
        ProductDoc(
            component="core-api",
            release_line="poppy",
            status=ProductStatus.UNDER_INVESTIGATION,
            package_url="pkg:pypi/garrison-core-api",
            affected_versions="0.9.0, 0.9.1",
        ),
        ProductDoc(
            component="billing",
            status=ProductStatus.NOT_AFFECTED,
            package_url="pkg:pypi/garrison-billing",
            justification=Justification.VULNERABLE_CODE_NOT_PRESENT,
            impact="billing does not render comments.",
        ),
    ),
    credits=(
        CreditDoc(name="Ada Finder", type="finder", organisation="Example Research"),
        CreditDoc(name="Bob Reporter", type="reporter"),
        CreditDoc(name="CERT Example", type="coordinator", organisation="CERT Example"),
        CreditDoc(name="Dana Dev", type="remediation_developer", organisation="Garrison Project"),
        CreditDoc(name="semgrep", type="tool"),
    ),
    references=(
        ReferenceDoc(url="https://github.com/example/garrison/commit/0123456789abcdef", type="fix"),
        ReferenceDoc(url="https://blog.example.org/garrison-xss", type="article"),
    ),
    revisions=(
        RevisionDoc(number=1, date=_at(10), summary="Initial release."),
        RevisionDoc(number=2, date=_at(12, 14), summary="Added the fixed version for ramsons."),
    ),
    url="https://garrison.example.org/advisories/GARRISON-2026-0001",
    initial_release=_at(10),
    current_release=_at(12, 14),
    publisher_name=PUBLISHER_NAME,
    publisher_namespace=PUBLISHER_NAMESPACE,
)

# Critical RCE with CVSS v3.1 only (no v4), one fixed product, one credit, one revision, no GHSA.
V3_ONLY = AdvisoryDoc(
    identifier="GARRISON-2026-0002",
    title="Remote code execution through the import endpoint",
    summary="Unauthenticated code execution through unsafe deserialisation in the import endpoint.",
    description="The import endpoint deserialised uploaded files with pickle.",
    cve_id="CVE-2026-10002",
    severity="critical",
    cvss_v3_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    cvss_v3_score=Decimal("9.8"),
    cwe_ids=(502,),
    products=(
        ProductDoc(
            component="core-api",
            status=ProductStatus.FIXED,
            package_url="pkg:pypi/garrison-core-api",
            affected_versions="<1.4.3",
            fixed_version="1.4.3",
        ),
    ),
    credits=(CreditDoc(name="Eve Finder", type="finder"),),
    references=(ReferenceDoc(url="https://github.com/example/garrison/pull/42", type="fix"),),
    revisions=(RevisionDoc(number=1, date=_at(15), summary="Initial release."),),
    url="https://garrison.example.org/advisories/GARRISON-2026-0002",
    initial_release=_at(15),
    current_release=_at(15),
    publisher_name=PUBLISHER_NAME,
    publisher_namespace=PUBLISHER_NAMESPACE,
)

# CVSS v4.0 only, no CVE (own id + GHSA), an affected product without a fix (no remediation available),
# a not-affected product with an impact statement but no justification, and no package URLs.
V4_ONLY = AdvisoryDoc(
    identifier="GARRISON-2026-0003",
    title="Information disclosure in billing exports",
    summary="Billing exports included other tenants' invoice totals.",
    description="The export query was not narrowed to the tenant.",
    ghsa_id="GHSA-wxyz-2345-6789",
    severity="critical",
    cvss_v4_vector="CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    cvss_v4_score=Decimal("9.3"),
    cwe_ids=(200,),
    products=(
        ProductDoc(component="billing", release_line="quesnelia", status=ProductStatus.AFFECTED),
        ProductDoc(
            component="payments",
            status=ProductStatus.NOT_AFFECTED,
            impact="payments reads invoices through the tenant-scoped API only.",
        ),
    ),
    credits=(
        CreditDoc(name="Frank Analyst", type="analyst", organisation="Garrison Project"),
        CreditDoc(name="Grace Sponsor", type="sponsor", organisation="Example Foundation"),
    ),
    revisions=(
        RevisionDoc(number=1, date=_at(20), summary="Initial release."),
        RevisionDoc(number=2, date=_at(21), summary="Clarified the affected release line."),
    ),
    initial_release=_at(20),
    current_release=_at(21),
    publisher_name=PUBLISHER_NAME,
    publisher_namespace=PUBLISHER_NAMESPACE,
)

# A pure VEX statement: nothing is affected (two not-affected products, both justified), no score, no CWE.
NOT_AFFECTED = AdvisoryDoc(
    identifier="GARRISON-2026-0004",
    title="Garrison is not affected by CVE-2026-20000 in libexample",
    summary="Garrison ships libexample but never calls the vulnerable parser.",
    cve_id="CVE-2026-20000",
    products=(
        ProductDoc(
            component="core-api",
            release_line="quesnelia",
            status=ProductStatus.NOT_AFFECTED,
            package_url="pkg:pypi/garrison-core-api",
            justification=Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
        ),
        ProductDoc(
            component="billing",
            status=ProductStatus.NOT_AFFECTED,
            package_url="pkg:pypi/garrison-billing",
            justification=Justification.COMPONENT_NOT_PRESENT,
        ),
    ),
    revisions=(RevisionDoc(number=1, date=_at(25), summary="Initial release."),),
    initial_release=_at(25),
    current_release=_at(25),
    publisher_name=PUBLISHER_NAME,
    publisher_namespace=PUBLISHER_NAMESPACE,
)

SAMPLES: dict[str, AdvisoryDoc] = {
    "full": FULL,
    "v3_only": V3_ONLY,
    "v4_only": V4_ONLY,
    "not_affected": NOT_AFFECTED,
}


def sample(name: str) -> AdvisoryDoc:
    """The sample called ``name`` (a KeyError names the known samples)."""
    try:
        return SAMPLES[name]
    except KeyError:
        raise KeyError(f"no sample {name!r}; known: {', '.join(sorted(SAMPLES))}") from None
