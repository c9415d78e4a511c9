"""CVE JSON 5.1 export: a full published record valid against the official bundled schema, statuses through the
status table, computed CVSS scores, and every refusal naming its field."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from garrison.disclosure.document import AdvisoryDoc, ExportError, ProductDoc, ReferenceDoc
from garrison.disclosure.exporters import EXPORTERS
from garrison.disclosure.exporters.cve5 import CVE5_STATUS, export_cve5
from garrison.disclosure.status import Justification, ProductStatus
from garrison.disclosure.tests.samples import sample
from garrison.disclosure.tests.schemas import errors

pytestmark = pytest.mark.fixtures

ORG = "8254265b-2729-46b6-b9e3-3dfca2d5bfca"
ADVISORY_URL = "https://garrison.example.org/advisories/GARRISON-2026-0099"


def cna_doc(name: str, **changes: object) -> AdvisoryDoc:
    """A sample with our CNA's organisation id (and whatever ``changes`` add)."""
    doc = sample(name)
    changes.setdefault("extra", {**doc.extra, "assigner_org_id": ORG})
    return replace(doc, **changes)  # type: ignore[arg-type]


def _missing(doc: AdvisoryDoc) -> list[str]:
    with pytest.raises(ExportError) as caught:
        export_cve5(doc)
    assert caught.value.fmt == "cve5"
    return caught.value.missing


def _component(record: dict, name: str) -> dict:
    return next(a for a in record["containers"]["cna"]["affected"] if a["product"] == name)


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("full", {}),
        ("v3_only", {}),
        ("v4_only", {"cve_id": "CVE-2026-10003", "url": ADVISORY_URL}),
        ("not_affected", {"url": ADVISORY_URL}),
    ],
)
def test_samples_export_valid_cve_records(name, changes):
    assert errors("cve5", export_cve5(cna_doc(name, **changes))) == []


def test_registered_as_cve5():
    assert EXPORTERS["cve5"] is export_cve5


def test_every_product_status_has_a_cve_status():
    assert set(CVE5_STATUS) == set(ProductStatus)
    assert CVE5_STATUS[ProductStatus.NOT_AFFECTED] == "unaffected"


def test_full_record_metadata_texts_and_metrics():
    record = export_cve5(cna_doc("full", extra={"assigner_org_id": ORG, "assigner_short_name": "Garrison"}))
    assert record["dataType"] == "CVE_RECORD"
    assert record["dataVersion"] == "5.1"
    assert record["cveMetadata"] == {
        "cveId": "CVE-2026-10001",
        "assignerOrgId": ORG,
        "state": "PUBLISHED",
        "datePublished": "2026-03-10T09:00:00.000Z",
        "dateUpdated": "2026-03-12T14:00:00.000Z",
        "assignerShortName": "Garrison",
    }
    cna = record["containers"]["cna"]
    assert cna["providerMetadata"]["orgId"] == ORG
    assert cna["title"] == "Stored cross-site scripting in the core API comment renderer"
    assert cna["descriptions"][0]["lang"] == "en"
    assert "did not escape link titles" in cna["descriptions"][0]["value"]
    assert [d["cweId"] for d in cna["problemTypes"][0]["descriptions"]] == ["CWE-79", "CWE-116"]
    assert cna["problemTypes"][0]["descriptions"][0]["description"].startswith("CWE-79 Improper Neutralization")
    v4, v3 = cna["metrics"]
    assert v4["cvssV4_0"]["baseScore"] == 5.3
    assert v4["cvssV4_0"]["baseSeverity"] == "MEDIUM"
    assert v4["cvssV4_0"]["userInteraction"] == "PASSIVE"
    assert v3["cvssV3_1"]["vectorString"] == "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"
    assert v3["cvssV3_1"]["baseScore"] == 6.1
    assert v3["cvssV3_1"]["scope"] == "CHANGED"
    assert cna["workarounds"] == [{"lang": "en", "value": "Set COMMENT_LINKS_ENABLED=false until you can upgrade."}]
    assert any("core-api (quesnelia) to 1.4.2" in s["value"] for s in cna["solutions"])
    assert cna["references"][0] == {
        "url": "https://garrison.example.org/advisories/GARRISON-2026-0001",
        "tags": ["vendor-advisory"],
    }
    assert {"url": "https://github.com/example/garrison/commit/0123456789abcdef", "tags": ["patch"]} in cna[
        "references"
    ]
    credits = {c["value"]: c["type"] for c in cna["credits"]}
    assert credits["Dana Dev (Garrison Project)"] == "remediation developer"
    assert credits["Bob Reporter"] == "reporter"
    assert cna["source"]["advisory"] == "GARRISON-2026-0001"


def test_release_lines_are_version_ranges_of_one_product_and_not_affected_is_unaffected():
    record = export_cve5(cna_doc("full"))
    core = _component(record, "core-api")
    assert core["vendor"] == "Garrison Project"
    assert (core["collectionURL"], core["packageName"]) == ("https://pypi.python.org", "garrison-core-api")
    assert core["versions"] == [
        {"version": "1.0.0", "status": "affected", "versionType": "python", "lessThan": "1.4.2"},
        {"version": "2.0.0", "status": "affected", "versionType": "python", "lessThan": "2.1.1"},
        {"version": "0.9.0", "status": "unknown"},
        {"version": "0.9.1", "status": "unknown"},
    ]
    assert core["defaultStatus"] == "unknown"  # poppy is still under investigation
    billing = _component(record, "billing")
    assert billing["defaultStatus"] == "unaffected"
    assert "versions" not in billing


def test_not_affected_release_line_is_named_as_unaffected():
    record = export_cve5(cna_doc("not_affected", url=ADVISORY_URL))
    core = _component(record, "core-api")
    assert core["versions"] == [{"version": "quesnelia", "status": "unaffected"}]
    assert core["defaultStatus"] == "unaffected"


def test_a_fixed_product_without_introduced_version_starts_at_zero():
    core = _component(export_cve5(cna_doc("v3_only")), "core-api")
    assert core["versions"] == [{"version": "0", "status": "affected", "versionType": "python", "lessThan": "1.4.3"}]
    assert core["defaultStatus"] == "unaffected"


def test_products_without_a_package_url_use_semver_when_the_versions_are():
    product = ProductDoc(component="appliance", status=ProductStatus.FIXED, fixed_version="4.2.0")
    record = export_cve5(cna_doc("v3_only", products=(product,)))
    assert errors("cve5", record) == []
    entry = _component(record, "appliance")
    assert "packageName" not in entry
    assert entry["versions"][0]["versionType"] == "semver"
    odd = ProductDoc(component="appliance", status=ProductStatus.FIXED, fixed_version="R4.2b")
    assert (
        _component(export_cve5(cna_doc("v3_only", products=(odd,))), "appliance")["versions"][0]["versionType"]
        == "custom"
    )


def test_inclusive_bounds_and_open_ranges():
    products = (
        ProductDoc(component="a", status=ProductStatus.AFFECTED, affected_versions=">=1.0.0, <=1.9.0"),
        ProductDoc(component="b", status=ProductStatus.AFFECTED, introduced_version="2.0.0"),
        ProductDoc(
            component="c",
            status=ProductStatus.NOT_AFFECTED,
            affected_versions="<3.0.0",
            justification=Justification.COMPONENT_NOT_PRESENT,
        ),
    )
    record = export_cve5(cna_doc("v3_only", products=products))
    assert errors("cve5", record) == []
    assert _component(record, "a")["versions"][0]["lessThanOrEqual"] == "1.9.0"
    assert _component(record, "b")["versions"][0] == {
        "version": "2.0.0",
        "status": "affected",
        "versionType": "semver",
        "lessThan": "*",
    }
    assert _component(record, "c")["versions"][0]["status"] == "unaffected"


def test_scores_are_computed_from_the_vector_not_copied():
    record = export_cve5(cna_doc("v3_only", cvss_v3_score=Decimal("1.0")))
    assert record["containers"]["cna"]["metrics"][0]["cvssV3_1"]["baseScore"] == 9.8
    assert record["containers"]["cna"]["metrics"][0]["cvssV3_1"]["baseSeverity"] == "CRITICAL"


def test_a_cvss_3_0_vector_is_a_cvss_v3_0_metric():
    vector = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    record = export_cve5(cna_doc("v3_only", cvss_v3_vector=vector))
    assert errors("cve5", record) == []
    assert record["containers"]["cna"]["metrics"][0]["cvssV3_0"]["vectorString"] == vector


def test_no_cwe_means_no_problem_types():
    record = export_cve5(cna_doc("not_affected", url=ADVISORY_URL))
    assert "problemTypes" not in record["containers"]["cna"]
    assert "metrics" not in record["containers"]["cna"]


def test_missing_cve_id_and_assigner_are_named():
    missing = _missing(replace(sample("full"), cve_id=""))
    assert any(m.startswith("cve_id:") for m in missing)
    assert any(m.startswith("assigner_org_id:") for m in missing)
    missing = _missing(cna_doc("full", cve_id="CVE-26-1", extra={"assigner_org_id": "not-a-uuid"}))
    assert any(m.startswith("cve_id:") and "not a CVE id" in m for m in missing)
    assert any(m.startswith("assigner_org_id:") and "UUID" in m for m in missing)


def test_missing_texts_references_and_fixed_versions_are_named():
    doc = cna_doc(
        "v3_only",
        title="",
        summary="",
        description="",
        url="",
        references=(),
        products=(ProductDoc(component="core-api", status=ProductStatus.FIXED),),
    )
    missing = _missing(doc)
    for field in ("title:", "description:", "references:", "products[core-api].fixed_version"):
        assert any(m.startswith(field) for m in missing), field


def test_texts_over_the_cve_limits_are_refused():
    missing = _missing(cna_doc("v3_only", title="x" * 257, description="y" * 4097))
    assert any(m.startswith("title:") and "256" in m for m in missing)
    assert any(m.startswith("description:") and "4096" in m for m in missing)


def test_bad_vectors_urls_and_credit_types_are_named():
    doc = cna_doc(
        "full",
        cvss_v4_vector="CVSS:4.0/AV:N",
        references=(ReferenceDoc(url="javascript:alert(1)"),),
        credits=(replace(sample("full").credits[0], type="hero"),),
    )
    missing = _missing(doc)
    for field in ("cvss_v4_vector", "references[0].url", "credits[0].type"):
        assert any(m.startswith(field) for m in missing), field


def test_output_is_deterministic():
    first = json.dumps(export_cve5(cna_doc("full")))
    assert json.dumps(export_cve5(cna_doc("full"))) == first
