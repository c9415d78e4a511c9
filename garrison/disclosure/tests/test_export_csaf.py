"""CSAF 2.0 export: every sample validates against the official schema and passes our mandatory tests, in both
profiles; the mapping of statuses, flags, scores, notes and credits; every refusal names what is missing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from garrison.disclosure.document import CreditDoc, ExportError, ProductDoc, RevisionDoc
from garrison.disclosure.exporters import EXPORTERS
from garrison.disclosure.exporters.csaf import export_csaf, export_csaf_vex
from garrison.disclosure.exporters.csaf_checks import mandatory_problems
from garrison.disclosure.status import CSAF_FLAG_LABEL, CSAF_PRODUCT_STATUS, Justification, ProductStatus
from garrison.disclosure.tests.samples import SAMPLES, sample
from garrison.disclosure.tests.schemas import errors

PROFILES = ("security_advisory", "vex")


def _vulnerability(doc: dict) -> dict:
    [vulnerability] = doc["vulnerabilities"]
    return vulnerability


def _defined_products(doc: dict) -> dict[str, dict]:
    found: dict[str, dict] = {}

    def walk(branches: list[dict]) -> None:
        for branch in branches:
            if "product" in branch:
                found[branch["product"]["product_id"]] = branch
            walk(branch.get("branches", []))

    walk(doc["product_tree"]["branches"])
    return found


# --- valid output -----------------------------------------------------------------------------------------------


@pytest.mark.fixtures
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_validates_against_the_official_schema(name, profile):
    exported = export_csaf(sample(name), profile=profile)
    assert errors("csaf", exported) == []
    assert mandatory_problems(exported) == []
    # Round trip: what we serialise is what validates.
    reloaded = json.loads(json.dumps(exported))
    assert reloaded == exported
    assert errors("csaf", reloaded) == []


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_export_is_deterministic(name, profile):
    doc = sample(name)
    first = json.dumps(export_csaf(doc, profile=profile))
    assert json.dumps(export_csaf(replace(doc), profile=profile)) == first


def test_profiles_set_the_document_category():
    assert export_csaf(sample("full"))["document"]["category"] == "csaf_security_advisory"
    assert export_csaf(sample("full"), profile="vex")["document"]["category"] == "csaf_vex"
    assert export_csaf_vex(sample("full"))["document"]["category"] == "csaf_vex"


def test_registry_lists_both_csaf_profiles():
    assert EXPORTERS["csaf"](sample("full"))["document"]["category"] == "csaf_security_advisory"
    assert EXPORTERS["csaf-vex"](sample("full"))["document"]["category"] == "csaf_vex"


def test_unknown_profile_is_refused():
    with pytest.raises(ExportError) as caught:
        export_csaf(sample("full"), profile="informational")
    assert caught.value.missing == ["profile: 'informational' is not one of security_advisory, vex"]


# --- document ---------------------------------------------------------------------------------------------------


def test_document_header_tracking_and_revision_history():
    doc = sample("full")
    document = export_csaf(doc)["document"]
    assert document["csaf_version"] == "2.0"
    assert document["lang"] == "en"
    assert document["distribution"]["tlp"]["label"] == "WHITE"
    assert document["publisher"] == {
        "category": "vendor",
        "name": doc.publisher_name,
        "namespace": doc.publisher_namespace,
    }
    tracking = document["tracking"]
    assert tracking["id"] == "GARRISON-2026-0001"
    assert tracking["status"] == "final"
    assert tracking["version"] == "2"
    assert [r["number"] for r in tracking["revision_history"]] == ["1", "2"]
    assert tracking["revision_history"][1]["summary"] == "Added the fixed version for ramsons."
    assert tracking["generator"]["engine"]["name"] == "Garrison"
    assert document["notes"] == [{"category": "summary", "text": doc.summary, "title": "Summary"}]
    assert document["references"][0] == {
        "category": "self",
        "summary": "GARRISON-2026-0001 (this advisory)",
        "url": doc.url,
    }
    assert [r["url"] for r in document["references"][1:]] == [r.url for r in doc.references]


def test_tlp_can_be_tightened_for_pre_notification():
    doc = replace(sample("full"), extra={"tlp": "amber"})
    assert export_csaf(doc)["document"]["distribution"]["tlp"]["label"] == "AMBER"


def test_timestamps_are_utc_with_z():
    paris = timezone(timedelta(hours=2))
    doc = replace(
        sample("v3_only"),
        initial_release=datetime(2026, 3, 15, 11, 0, tzinfo=paris),
        current_release=datetime(2026, 3, 15, 11, 0, tzinfo=paris),
        revisions=(RevisionDoc(number=1, date=datetime(2026, 3, 15, 11, 0, tzinfo=paris), summary="Initial."),),
    )
    exported = export_csaf(doc)
    tracking = exported["document"]["tracking"]
    stamps = [
        tracking["initial_release_date"],
        tracking["current_release_date"],
        _vulnerability(exported)["release_date"],
    ]
    stamps += [r["date"] for r in tracking["revision_history"]]
    assert stamps == ["2026-03-15T09:00:00.000Z"] * 4
    for stamp in stamps:
        assert datetime.fromisoformat(stamp).utcoffset() == timedelta(0)


# --- product tree -----------------------------------------------------------------------------------------------


def test_product_tree_vendor_component_and_release_lines():
    exported = export_csaf(sample("full"))
    [vendor] = exported["product_tree"]["branches"]
    assert (vendor["category"], vendor["name"]) == ("vendor", "Garrison Project")
    assert [(b["category"], b["name"]) for b in vendor["branches"]] == [
        ("product_name", "core-api"),
        ("product_name", "billing"),
    ]
    leaves = _defined_products(exported)
    assert set(leaves) == {p.product_id for p in sample("full").products}
    fixed = leaves["core-api:quesnelia"]
    assert (fixed["category"], fixed["name"]) == ("product_version", "1.4.2")
    assert fixed["product"]["product_identification_helper"] == {"purl": "pkg:pypi/garrison-core-api@1.4.2"}
    affected = leaves["core-api:ramsons"]
    assert (affected["category"], affected["name"]) == ("product_version_range", "vers:pypi/>=2.0.0|<2.1.1")
    assert leaves["core-api:poppy"]["name"] == "vers:pypi/0.9.0|0.9.1"
    assert leaves["billing"]["name"] == "vers:pypi/*"


def test_products_without_package_url_have_no_purl_and_a_generic_range():
    leaves = _defined_products(export_csaf(sample("v4_only")))
    assert "product_identification_helper" not in leaves["billing:quesnelia"]["product"]
    assert leaves["payments"]["name"] == "vers:generic/*"


def test_a_range_that_is_not_a_version_list_is_kept_as_written():
    product = ProductDoc(component="core-api", status=ProductStatus.AFFECTED, affected_versions="all before 2024")
    leaves = _defined_products(export_csaf(replace(sample("v4_only"), products=(product,))))
    assert leaves["core-api"]["name"] == "all before 2024"


# --- vulnerability ----------------------------------------------------------------------------------------------


def test_product_status_uses_the_status_table():
    vulnerability = _vulnerability(export_csaf(sample("full")))
    assert vulnerability["product_status"] == {
        CSAF_PRODUCT_STATUS[ProductStatus.FIXED]: ["core-api:quesnelia"],
        CSAF_PRODUCT_STATUS[ProductStatus.AFFECTED]: ["core-api:ramsons"],
        CSAF_PRODUCT_STATUS[ProductStatus.UNDER_INVESTIGATION]: ["core-api:poppy"],
        CSAF_PRODUCT_STATUS[ProductStatus.NOT_AFFECTED]: ["billing"],
    }


@pytest.mark.parametrize("profile", PROFILES)
def test_not_affected_product_carries_the_flag_label(profile):
    vulnerability = _vulnerability(export_csaf(sample("not_affected"), profile=profile))
    assert vulnerability["flags"] == [
        {
            "label": CSAF_FLAG_LABEL[Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH],
            "product_ids": ["core-api:quesnelia"],
        },
        {"label": "component_not_present", "product_ids": ["billing"]},
    ]
    assert "threats" not in vulnerability


def test_not_affected_without_justification_gets_an_impact_threat():
    vulnerability = _vulnerability(export_csaf_vex(sample("v4_only")))
    assert "flags" not in vulnerability
    assert vulnerability["threats"] == [
        {
            "category": "impact",
            "details": "payments reads invoices through the tenant-scoped API only.",
            "product_ids": ["payments"],
        }
    ]


def test_ids_cve_and_cwe():
    vulnerability = _vulnerability(export_csaf(sample("full")))
    assert vulnerability["cve"] == "CVE-2026-10001"
    assert vulnerability["cwe"] == {
        "id": "CWE-79",
        "name": "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
    }
    assert vulnerability["ids"] == [
        {"system_name": "Garrison Project", "text": "GARRISON-2026-0001"},
        {"system_name": "GitHub Security Advisory", "text": "GHSA-abcd-efgh-ijkm"},
        {"system_name": "PyPI Advisory Database", "text": "PYSEC-2026-17"},
    ]
    further = [n for n in vulnerability["notes"] if n["title"] == "Further weaknesses (CWE)"]
    assert further == [
        {"category": "other", "text": "CWE-116: Improper Encoding or Escaping of Output", "title": further[0]["title"]}
    ]


@pytest.mark.parametrize(("name", "score", "severity"), [("full", 6.1, "MEDIUM"), ("v3_only", 9.8, "CRITICAL")])
def test_cvss_v3_score_and_severity(name, score, severity):
    [entry] = _vulnerability(export_csaf(sample(name)))["scores"]
    cvss = entry["cvss_v3"]
    assert cvss["version"] == "3.1"
    assert cvss["vectorString"] == sample(name).cvss_v3_vector
    assert (cvss["baseScore"], cvss["baseSeverity"]) == (score, severity)
    assert cvss["attackVector"] == "NETWORK"


def test_scores_name_the_affected_products_or_else_the_fixed_ones():
    assert _vulnerability(export_csaf(sample("full")))["scores"][0]["products"] == ["core-api:ramsons"]
    assert _vulnerability(export_csaf(sample("v3_only")))["scores"][0]["products"] == ["core-api"]


@pytest.mark.parametrize(("name", "text"), [("full", "5.3 (Medium)"), ("v4_only", "9.3 (Critical)")])
def test_cvss_v4_is_a_note_not_a_score(name, text):
    vulnerability = _vulnerability(export_csaf(sample(name)))
    [note] = [n for n in vulnerability["notes"] if n["title"] == "CVSS v4.0"]
    assert text in note["text"]
    assert sample(name).cvss_v4_vector in note["text"]
    assert "cvss_v4" not in json.dumps(vulnerability.get("scores", []))
    if name == "v4_only":
        assert "scores" not in vulnerability


def test_remediations_vendor_fix_workaround_and_none_available():
    full = _vulnerability(export_csaf(sample("full")))["remediations"]
    assert [(r["category"], r["product_ids"]) for r in full] == [
        ("vendor_fix", ["core-api:quesnelia"]),
        ("vendor_fix", ["core-api:ramsons"]),
        ("workaround", ["core-api:ramsons", "core-api:poppy"]),
    ]
    assert "1.4.2" in full[0]["details"]
    assert full[0]["url"] == "https://github.com/example/garrison/commit/0123456789abcdef"
    assert "2.1.1" in full[1]["details"]
    assert full[2]["details"] == sample("full").workarounds
    [none] = _vulnerability(export_csaf(sample("v4_only")))["remediations"]
    assert (none["category"], none["product_ids"]) == ("none_available", ["billing:quesnelia"])


def test_credits_become_acknowledgments():
    acknowledgments = _vulnerability(export_csaf(sample("full")))["acknowledgments"]
    assert acknowledgments[0] == {
        "names": ["Ada Finder"],
        "organization": "Example Research",
        "summary": "Found the vulnerability",
    }
    assert acknowledgments[1] == {"names": ["Bob Reporter"], "summary": "Reported the vulnerability"}
    assert [a["summary"] for a in acknowledgments[2:]] == [
        "Coordinated the disclosure",
        "Developed the fix",
        "Tool used to find the vulnerability",
    ]


def test_description_note_falls_back_to_the_summary():
    [note] = _vulnerability(export_csaf(sample("not_affected")))["notes"]
    assert note == {"category": "description", "text": sample("not_affected").summary, "title": "Description"}


# --- refusals ---------------------------------------------------------------------------------------------------

_NAIVE = datetime(2026, 3, 10, 9, 0)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": " "}, "title: required"),
        ({"products": ()}, "products: the advisory names no product"),
        ({"publisher_namespace": ""}, "publisher_namespace: must be the publisher's https URL"),
        (
            {"publisher_namespace": "http://garrison.example.org"},
            "publisher_namespace: must be the publisher's https URL",
        ),
        ({"revisions": ()}, "revisions: at least one revision is required (CSAF tracking.revision_history)"),
        ({"cwe_ids": (79, 12345)}, "CWE-12345 is not a known CWE id"),
        ({"cve_id": "CVE-26-1"}, "cve_id: 'CVE-26-1' is not a CVE id (CVE-YYYY-NNNN)"),
        ({"status": "published"}, "status: 'published' is not one of draft, interim, final"),
        ({"initial_release": _NAIVE}, "initial_release: must be a timezone-aware (UTC) datetime"),
        ({"cvss_v3_vector": "CVSS:3.1/AV:X"}, "cvss_v3_vector: 'CVSS:3.1/AV:X' is not a valid CVSS v3 vector"),
        ({"credits": (CreditDoc(name="X", type="hero"),)}, "credits[0].type: 'hero' is not one of"),
        ({"description": "", "summary": ""}, "description: a description (or summary) of the vulnerability"),
    ],
)
def test_refusals_name_the_field(changes, expected):
    with pytest.raises(ExportError) as caught:
        export_csaf(replace(sample("full"), **changes))
    assert caught.value.fmt == "csaf"
    assert any(m.startswith(expected) for m in caught.value.missing), caught.value.missing


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        (
            ProductDoc(component="core-api", status=ProductStatus.FIXED),
            "products[core-api].fixed_version: a fixed product needs the version that fixes it",
        ),
        (
            ProductDoc(component="billing", status=ProductStatus.NOT_AFFECTED),
            "products[billing].justification: a not-affected product needs a justification or an impact",
        ),
        (
            ProductDoc(component="core-api", status=ProductStatus.AFFECTED, package_url="garrison-core-api"),
            "products[core-api].package_url: not a valid package URL",
        ),
        (
            ProductDoc(component="core-api", status=ProductStatus.AFFECTED, package_url="pkg:pypi/garrison@1.0"),
            "products[core-api].package_url: not a valid package URL",
        ),
    ],
)
@pytest.mark.parametrize("profile", PROFILES)
def test_product_refusals(product, expected, profile):
    with pytest.raises(ExportError) as caught:
        export_csaf(replace(sample("v3_only"), products=(product,)), profile=profile)
    assert any(m.startswith(expected) for m in caught.value.missing), caught.value.missing


def test_every_problem_is_listed_at_once():
    broken = replace(
        sample("full"),
        title="",
        publisher_namespace="garrison.example.org",
        cwe_ids=(12345,),
        products=(
            ProductDoc(component="core-api", status=ProductStatus.FIXED),
            ProductDoc(component="billing", status=ProductStatus.NOT_AFFECTED),
        ),
    )
    with pytest.raises(ExportError) as caught:
        export_csaf(broken)
    fields = [m.split(":")[0] for m in caught.value.missing]
    assert fields == [
        "title",
        "publisher_namespace",
        "products[core-api].fixed_version",
        "products[billing].justification",
        "CWE-12345 is not a known CWE id",
    ]
    assert "csaf: cannot export: title: required" in str(caught.value)


def test_vex_profile_needs_a_vulnerability_id():
    nameless = replace(sample("not_affected"), identifier="", cve_id="")
    with pytest.raises(ExportError) as caught:
        export_csaf_vex(nameless)
    assert "cve_id: the VEX profile needs a CVE or another vulnerability id" in caught.value.missing
    assert "identifier: required, without surrounding spaces" in caught.value.missing


def test_a_score_that_contradicts_its_vector_is_refused_by_the_mandatory_test():
    with pytest.raises(ExportError) as caught:
        export_csaf(replace(sample("v3_only"), cvss_v3_score=Decimal("7.5")))
    assert caught.value.missing == ["6.1.9 /vulnerabilities/0/scores/0/cvss_v3/baseScore: 7.5 but the vector gives 9.8"]


def test_revision_history_with_a_gap_is_refused():
    revisions = (
        RevisionDoc(number=1, date=datetime(2026, 3, 1, tzinfo=UTC), summary="Initial."),
        RevisionDoc(number=3, date=datetime(2026, 3, 2, tzinfo=UTC), summary="Later."),
    )
    with pytest.raises(ExportError) as caught:
        export_csaf(replace(sample("v3_only"), revisions=revisions))
    assert caught.value.missing == ["6.1.21 /document/tracking/revision_history: version 2 is missing"]
