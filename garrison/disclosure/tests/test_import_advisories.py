"""Importers: every real CSAF / OSV / CVE 5 record in the shared fixtures reads into a draft, the drafts export
again as valid OSV / CVE 5, our own exports read back, and malformed input is an ``AdvisoryReadError`` naming the
field — never any other exception."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from garrison.core.tests.fixtures import SHARED_FIXTURES, shared_fixture
from garrison.disclosure.document import AdvisoryDoc
from garrison.disclosure.exporters import EXPORTERS
from garrison.disclosure.exporters.cve5 import export_cve5
from garrison.disclosure.exporters.osv import export_osv
from garrison.disclosure.importers import (
    IMPORTERS,
    AdvisoryReadError,
    detect,
    read_advisory,
    read_csaf,
    read_cve5,
    read_osv,
)
from garrison.disclosure.status import Justification, ProductStatus
from garrison.disclosure.tests.samples import sample
from garrison.disclosure.tests.schemas import errors

pytestmark = pytest.mark.fixtures

FOLDERS = {"csaf": "csaf", "osv": "osv", "cve": "cve5"}
ORG = "8254265b-2729-46b6-b9e3-3dfca2d5bfca"


def _names(folder: str) -> list[str]:
    """File names of a fixture folder, listed at collection (``shared_fixture`` skips or fails per test)."""
    return sorted(p.name for p in (SHARED_FIXTURES / "advisories" / folder).glob("*.json"))


def _load(folder: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(shared_fixture("advisories", folder, name).read_text(encoding="utf-8"))
    return data


def _records() -> list[tuple[str, str]]:
    return [(folder, name) for folder in FOLDERS for name in _names(folder)]


def _product(doc: AdvisoryDoc, product_id: str) -> Any:
    return next(p for p in doc.products if p.product_id == product_id)


def test_fixture_folders_are_present():
    for folder in FOLDERS:
        assert list(shared_fixture("advisories", folder).glob("*.json")), folder


def test_importers_are_registered():
    assert {"csaf": read_csaf, "osv": read_osv, "cve5": read_cve5} == IMPORTERS


@pytest.mark.parametrize(("folder", "name"), _records())
def test_every_real_record_is_detected_and_read(folder, name):
    data = _load(folder, name)
    assert detect(data) == FOLDERS[folder]
    doc = read_advisory(data)
    assert isinstance(doc, AdvisoryDoc)
    assert doc.identifier and doc.title and doc.publisher_name
    assert doc.initial_release.tzinfo is not None and doc.current_release >= doc.initial_release
    assert doc.products
    ids = [p.product_id for p in doc.products]
    assert len(ids) == len(set(ids)), "product ids of a draft are unique"
    assert doc.extra["source_format"] == FOLDERS[folder]
    assert doc.description or doc.summary
    if doc.cvss_v3_vector:
        assert isinstance(doc.cvss_v3_score, Decimal)


@pytest.mark.parametrize("name", _names("osv"))
def test_osv_records_export_again_as_valid_osv(name):
    data = _load("osv", name)
    record = export_osv(read_osv(data))
    assert errors("osv", record) == []
    assert record["id"] == data["id"]
    assert set(record.get("aliases", [])) == set(data.get("aliases", []))
    packages = {(a["package"]["ecosystem"], a["package"]["name"]) for a in data["affected"]}
    assert {(a["package"]["ecosystem"], a["package"]["name"]) for a in record["affected"]} == packages


@pytest.mark.parametrize("name", _names("cve"))
def test_cve_records_export_again_as_valid_cve_records(name):
    data = _load("cve", name)
    doc = read_cve5(data)
    assert "assigner_org_id" not in doc.extra  # the source CNA is not the assigner of our record
    record = export_cve5(replace(doc, extra={**doc.extra, "assigner_org_id": ORG}))
    assert errors("cve5", record) == []
    assert record["cveMetadata"]["cveId"] == data["cveMetadata"]["cveId"]
    assert {a["product"] for a in record["containers"]["cna"]["affected"]} == {
        a["product"] for a in data["containers"]["cna"]["affected"]
    }


def test_osv_ghsa_record_fields():
    doc = read_osv(_load("osv", "GHSA-3f63-hfp8-52jq.json"))
    assert doc.identifier == "GHSA-3f63-hfp8-52jq"
    assert (doc.cve_id, doc.ghsa_id) == ("CVE-2023-50447", "GHSA-3f63-hfp8-52jq")
    assert doc.title == "Arbitrary Code Execution in Pillow"
    assert doc.description.startswith("Pillow through 10.1.0 allows PIL.ImageMath.eval")
    assert doc.cvss_v3_vector == "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"
    assert doc.cvss_v3_score == Decimal("8.1")
    assert doc.cvss_v4_vector == ""
    assert doc.cwe_ids == (94,)
    assert doc.severity == "high"
    assert doc.initial_release == datetime(2024, 1, 19, 21, 30, 35, tzinfo=UTC)
    assert doc.current_release == datetime(2024, 3, 27, 23, 53, tzinfo=UTC)
    (pillow,) = doc.products
    assert (pillow.component, pillow.package_url) == ("Pillow", "pkg:pypi/pillow")
    assert (pillow.status, pillow.fixed_version, pillow.affected_versions) == (ProductStatus.FIXED, "10.2.0", "<10.2.0")
    assert doc.references[0].type == "advisory"
    assert ("package", "https://github.com/python-pillow/Pillow") in [(r.type, r.url) for r in doc.references]


def test_osv_ranges_with_several_intervals_become_distinct_products():
    doc = read_osv(_load("osv", "GO-2024-2963.json"))
    assert [(p.status, p.introduced_version, p.fixed_version) for p in doc.products] == [
        (ProductStatus.FIXED, "", "1.21.12"),
        (ProductStatus.FIXED, "1.22.0-0", "1.22.5"),
    ]
    assert {p.package_url for p in doc.products} == {"pkg:golang/stdlib"}
    assert doc.credits[0].name == "Geoff Franks"
    assert doc.url == "https://pkg.go.dev/vuln/GO-2024-2963"
    ursa = read_osv(_load("osv", "GHSA-2q6j-gqc4-4gw3.json"))
    assert _product(ursa, "ursa").affected_versions == "<=0.3.7"
    assert _product(ursa, "ursa").status == ProductStatus.AFFECTED


def test_cve_record_fields():
    doc = read_cve5(_load("cve", "CVE-2024-7065.json"))
    assert (doc.identifier, doc.cve_id) == ("CVE-2024-7065", "CVE-2024-7065")
    assert doc.title == "Spina CMS cross-site request forgery"
    assert doc.description.startswith("A vulnerability was found in Spina CMS")  # English, not the German text
    assert "Schwachstelle" not in doc.description
    assert (doc.cvss_v3_vector, doc.cvss_v3_score) == ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:N", Decimal("4.3"))
    assert (doc.cvss_v4_vector, doc.cvss_v4_score) == (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N",
        Decimal("6.9"),
    )
    assert doc.cwe_ids == (352,)
    assert doc.publisher_name == "VulDB"
    assert [(c.name, c.type) for c in doc.credits] == [("xingfudeshi (VulDB User)", "reporter")]
    (cms,) = doc.products
    assert cms.component == "CMS" and cms.status == ProductStatus.AFFECTED
    assert cms.affected_versions.split(", ")[-1] == "2.18"
    assert doc.references[0].type == "advisory"  # tagged vdb-entry


def test_cve_record_ranges_and_adp_enrichment():
    codesys = read_cve5(_load("cve", "CVE-2024-5000.json"))
    beagle = _product(codesys, "codesys-control-for-beaglebone-sl")
    assert (beagle.status, beagle.fixed_version, beagle.affected_versions) == (
        ProductStatus.FIXED,
        "4.12.0.0",
        "<4.12.0.0",
    )
    assert codesys.cwe_ids == (131,)
    chrome = read_cve5(_load("cve", "CVE-2024-7000.json"))
    assert chrome.cwe_ids == (416,)
    assert chrome.cvss_v3_score == Decimal("8.8")  # from CISA's ADP container: the CNA gave none


def test_csaf_advisory_fields():
    doc = read_csaf(_load("csaf", "bsi-2022-0001.json"))
    assert doc.identifier == "BSI-2022-0001"
    assert doc.title == "CVRF-CSAF-Converter: XML External Entities Vulnerability"
    assert doc.publisher_namespace == "https://www.bsi.bund.de"
    assert doc.cve_id == "CVE-2022-27193"
    assert doc.cwe_ids == (611,)
    assert doc.cvss_v3_score == Decimal("6.1")
    assert doc.severity == "medium"
    assert [(r.number, r.summary) for r in doc.revisions] == [(1, "Initial revision")]
    assert [(c.name, c.organisation, c.type) for c in doc.credits] == [
        ("Damian Pfammatter", "Cyber-Defense Campus", "finder")
    ]
    (converter,) = doc.products
    assert converter.component == "CVRF-CSAF-Converter"
    assert converter.status == ProductStatus.FIXED
    assert converter.fixed_version == "1.0.0-rc2"
    assert converter.affected_versions == "1.0.0-alpha, 1.0.0-dev1, 1.0.0-dev2, 1.0.0-dev3, 1.0.0-rc1"
    assert "1.0.0-rc2" in converter.impact


def test_csaf_service_packs_are_grouped_by_release_line():
    data = _load("csaf", "cisco-sa-20180328-smi2.json")
    doc = read_csaf(data)
    affected_ids = set(data["vulnerabilities"][0]["product_status"]["known_affected"])
    assert sum(len(p.affected_versions.split(", ")) for p in doc.products) == len(affected_ids)
    line = _product(doc, "ios:12.2se")
    assert (line.component, line.release_line, line.status) == ("IOS", "12.2SE", ProductStatus.AFFECTED)
    assert "12.2(55)SE" in line.affected_versions.split(", ")
    assert "no vstack" in doc.workarounds
    assert doc.cvss_v3_vector.startswith("CVSS:3.0/")


def test_csaf_flags_give_the_justification():
    data = copy.deepcopy(_load("csaf", "bsi-2022-0001.json"))
    vulnerability = data["vulnerabilities"][0]
    vulnerability["product_status"] = {"known_not_affected": ["CSAFPID-0001", "CSAFPID-0002"]}
    data["product_tree"]["product_groups"] = [{"group_id": "G1", "product_ids": ["CSAFPID-0001", "CSAFPID-0002"]}]
    vulnerability["flags"] = [{"label": "vulnerable_code_not_in_execute_path", "group_ids": ["G1"]}]
    vulnerability["threats"] = [
        {"category": "impact", "details": "The parser is never called.", "product_ids": ["CSAFPID-0001"]}
    ]
    (product,) = read_csaf(data).products
    assert product.status == ProductStatus.NOT_AFFECTED
    assert product.justification == Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH
    assert product.impact == "The parser is never called."
    assert product.affected_versions == "1.0.0-alpha, 1.0.0-dev1"


@pytest.mark.parametrize("fmt", ["csaf", "csaf-vex"])
def test_our_csaf_export_reads_back(fmt):
    doc = read_csaf(EXPORTERS[fmt](sample("full")))
    assert doc.identifier == "GARRISON-2026-0001"
    assert (doc.cve_id, doc.cvss_v3_score) == ("CVE-2026-10001", Decimal("6.1"))
    assert _product(doc, "core-api:quesnelia").status == ProductStatus.FIXED
    assert _product(doc, "core-api:quesnelia").fixed_version == "1.4.2"
    assert _product(doc, "core-api:ramsons").affected_versions == ">=2.0.0, <2.1.1"
    assert _product(doc, "core-api:poppy").status == ProductStatus.UNDER_INVESTIGATION
    billing = _product(doc, "billing")
    assert (billing.status, billing.justification) == (
        ProductStatus.NOT_AFFECTED,
        Justification.VULNERABLE_CODE_NOT_PRESENT,
    )


def test_our_osv_export_reads_back():
    doc = read_osv(export_osv(sample("full")))
    assert (doc.cve_id, doc.ghsa_id, doc.aliases) == ("CVE-2026-10001", "GHSA-abcd-efgh-ijkm", ("PYSEC-2026-17",))
    assert (doc.cvss_v3_score, doc.cvss_v4_score) == (Decimal("6.1"), Decimal("5.3"))
    assert doc.cwe_ids == (79, 116)
    assert [(p.product_id, p.status, p.fixed_version) for p in doc.products] == [
        ("garrison-core-api:quesnelia", ProductStatus.FIXED, "1.4.2"),
        ("garrison-core-api:ramsons", ProductStatus.FIXED, "2.1.1"),
    ]
    assert ("Dana Dev (Garrison Project)", "remediation_developer") in [(c.name, c.type) for c in doc.credits]


def test_our_cve_export_reads_back():
    doc = replace(sample("full"), extra={"assigner_org_id": ORG})
    back = read_cve5(export_cve5(doc))
    assert back.cve_id == "CVE-2026-10001"
    assert back.extra["source_assigner_org_id"] == ORG
    assert (back.cvss_v3_score, back.cvss_v4_score) == (Decimal("6.1"), Decimal("5.3"))
    assert _product(back, "billing").status == ProductStatus.NOT_AFFECTED
    fixed = [p for p in back.products if p.component == "core-api" and p.status == ProductStatus.FIXED]
    assert sorted(p.fixed_version for p in fixed) == ["1.4.2", "2.1.1"]
    assert [p.affected_versions for p in back.products if p.status == ProductStatus.UNDER_INVESTIGATION] == [
        "0.9.0, 0.9.1"
    ]
    assert ("Dana Dev (Garrison Project)", "remediation_developer") in [(c.name, c.type) for c in back.credits]


OSV_MINIMAL = {"id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-01-01T00:00:00Z", "schema_version": "1.6.0"}


@pytest.mark.parametrize(
    ("reader", "data", "field"),
    [
        (read_osv, [], "(root)"),
        (read_osv, {"modified": "2024-01-01T00:00:00Z"}, "id"),
        (read_osv, {**OSV_MINIMAL, "modified": "yesterday"}, "modified"),
        (read_osv, {**OSV_MINIMAL, "affected": {"package": "x"}}, "affected"),
        (read_osv, {**OSV_MINIMAL, "affected": [{"ranges": [{"events": "0"}]}]}, "affected/0/ranges/0/events"),
        (read_osv, {**OSV_MINIMAL, "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:Q"}]}, "severity/0/score"),
        (read_osv, {**OSV_MINIMAL, "affected": [{"package": {"purl": "pkg:"}}]}, "affected/0/package/purl"),
        (read_osv, {**OSV_MINIMAL, "references": [{"type": "WEB"}]}, "references/0/url"),
        (read_cve5, {"dataType": "CVE_RECORD"}, "cveMetadata"),
        (
            read_cve5,
            {"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2024-1", "state": "REJECTED"}},
            "cveMetadata/state",
        ),
        (read_cve5, {"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2024-1"}}, "containers"),
        (read_csaf, {"document": {}}, "document/csaf_version"),
        (read_csaf, {"document": "csaf"}, "document"),
    ],
)
def test_malformed_input_names_the_field(reader, data, field):
    with pytest.raises(AdvisoryReadError) as caught:
        reader(data)
    assert caught.value.field == field


def test_bad_statuses_and_labels_are_named():
    cve = copy.deepcopy(_load("cve", "CVE-2024-7000.json"))
    cve["containers"]["cna"]["affected"][0]["versions"][0]["status"] = "vulnerable"
    with pytest.raises(AdvisoryReadError) as caught:
        read_cve5(cve)
    assert caught.value.field == "containers/cna/affected/0/versions/0/status"
    csaf = copy.deepcopy(_load("csaf", "bsi-2022-0001.json"))
    csaf["vulnerabilities"][0]["flags"] = [{"label": "not_my_problem", "product_ids": ["CSAFPID-0001"]}]
    with pytest.raises(AdvisoryReadError) as caught:
        read_csaf(csaf)
    assert caught.value.field == "vulnerabilities/0/flags/0/label"
    csaf["vulnerabilities"][0]["product_status"] = {"maybe": ["CSAFPID-0001"]}
    with pytest.raises(AdvisoryReadError) as caught:
        read_csaf(csaf)
    assert caught.value.field == "vulnerabilities/0/product_status/maybe"


def test_detect_refuses_what_it_does_not_know():
    for data in ({"hello": "world"}, ["list"], {"document": {"title": "not csaf"}}):
        with pytest.raises(AdvisoryReadError):
            detect(data)


def _paths(node: Any, trail: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [trail] if trail else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*trail, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:3]):
            found += _paths(value, (*trail, index))
    return found


def _set(data: Any, trail: tuple[Any, ...], value: Any) -> Any:
    copied = copy.deepcopy(data)
    node = copied
    for key in trail[:-1]:
        node = node[key]
    node[trail[-1]] = value
    return copied


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("osv", "GO-2024-2963.json"),
        ("osv", "GHSA-6f9g-cxwr-q5jr.json"),
        ("cve", "CVE-2024-7065.json"),
        ("cve", "CVE-2024-7000.json"),
        ("csaf", "bsi-2022-0001.json"),
        ("csaf", "csaf_vex-2022-evd-uc-01-a-001.json"),
    ],
)
def test_any_wrong_value_anywhere_is_a_read_error_never_a_crash(folder, name):
    data = _load(folder, name)
    reader = IMPORTERS[FOLDERS[folder]]
    outcomes: dict[str, int] = {"read": 0, "refused": 0}
    wrong_values: tuple[Any, ...] = (None, 7, "", "x", [], {}, [1], True)
    for trail in _paths(data):
        for wrong in wrong_values:
            outcome = _outcome(reader, _set(data, trail, wrong))
            assert outcome in outcomes, (trail, wrong, outcome)
            outcomes[outcome] += 1
    assert outcomes["read"] and outcomes["refused"]


def _outcome(reader: Any, data: Any) -> str:
    """ "read" (a draft), "refused" (AdvisoryReadError naming a field), else what went wrong."""
    try:
        result = reader(data)
    except AdvisoryReadError as exc:
        return "refused" if exc.field else "refused without a field"
    return "read" if isinstance(result, AdvisoryDoc) else f"returned {type(result).__name__}"
