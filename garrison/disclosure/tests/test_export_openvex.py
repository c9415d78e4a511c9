"""OpenVEX 0.2.0 export: every sample validates against the official schema; one statement per product with the
status and justification from the one status table; refusals name what is missing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from garrison.disclosure.document import ExportError, ProductDoc
from garrison.disclosure.exporters import EXPORTERS
from garrison.disclosure.exporters.openvex import export_openvex
from garrison.disclosure.status import OPENVEX_JUSTIFICATION, OPENVEX_STATUS, Justification, ProductStatus
from garrison.disclosure.tests.samples import SAMPLES, sample
from garrison.disclosure.tests.schemas import errors


@pytest.mark.fixtures
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_validates_against_the_official_schema(name):
    exported = export_openvex(sample(name))
    assert errors("openvex", exported) == []
    reloaded = json.loads(json.dumps(exported))
    assert reloaded == exported
    assert errors("openvex", reloaded) == []


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_export_is_deterministic(name):
    doc = sample(name)
    assert json.dumps(export_openvex(replace(doc))) == json.dumps(export_openvex(doc))


def test_registry_entry():
    assert EXPORTERS["openvex"] is export_openvex


def test_document_header():
    doc = sample("full")
    exported = export_openvex(doc)
    assert exported["@context"] == "https://openvex.dev/ns/v0.2.0"
    assert exported["@id"] == doc.url
    assert exported["author"] == "Garrison Project"
    assert exported["timestamp"] == "2026-03-10T09:00:00.000Z"
    assert exported["last_updated"] == "2026-03-12T14:00:00.000Z"
    assert exported["version"] == 2
    assert exported["tooling"].startswith("Garrison ")


def test_without_url_the_id_is_a_stable_urn():
    first = export_openvex(sample("v4_only"))["@id"]
    assert first.startswith("urn:uuid:")
    assert export_openvex(sample("v4_only"))["@id"] == first
    assert export_openvex(replace(sample("v4_only"), identifier="GARRISON-2026-0099"))["@id"] != first


def test_timestamps_are_utc_with_z():
    tokyo = timezone(timedelta(hours=9))
    doc = replace(sample("full"), initial_release=datetime(2026, 3, 10, 18, 0, tzinfo=tokyo))
    exported = export_openvex(doc)
    assert exported["timestamp"] == "2026-03-10T09:00:00.000Z"
    assert datetime.fromisoformat(exported["last_updated"]).utcoffset() == timedelta(0)


def test_one_statement_per_product_with_the_status_table():
    doc = sample("full")
    statements = export_openvex(doc)["statements"]
    assert [s["status"] for s in statements] == [OPENVEX_STATUS[p.status] for p in doc.products]
    for statement in statements:
        assert statement["vulnerability"] == {
            "name": "CVE-2026-10001",
            "description": doc.summary,
            "aliases": ["GARRISON-2026-0001", "GHSA-abcd-efgh-ijkm", "PYSEC-2026-17"],
        }


def test_products_are_purls_with_versions_when_known_else_product_ids():
    fixed, affected, investigating, not_affected = export_openvex(sample("full"))["statements"]
    assert fixed["products"] == [{"@id": "pkg:pypi/garrison-core-api@1.4.2"}]
    assert investigating["products"] == [
        {"@id": "pkg:pypi/garrison-core-api@0.9.0"},
        {"@id": "pkg:pypi/garrison-core-api@0.9.1"},
    ]
    # A range cannot be a purl: the product id, with the range kept in the notes.
    assert affected["products"] == [{"@id": "core-api:ramsons"}]
    assert "affected versions: >=2.0.0, <2.1.1" in affected["status_notes"]
    # The component as a whole: every version of the package.
    assert not_affected["products"] == [{"@id": "billing", "identifiers": {"purl": "pkg:pypi/garrison-billing"}}]
    assert [s["products"] for s in export_openvex(sample("v4_only"))["statements"]] == [
        [{"@id": "billing:quesnelia"}],
        [{"@id": "payments"}],
    ]


def test_not_affected_carries_justification_and_impact():
    *_, billing = export_openvex(sample("full"))["statements"]
    assert billing["justification"] == OPENVEX_JUSTIFICATION[Justification.VULNERABLE_CODE_NOT_PRESENT]
    assert billing["impact_statement"] == "billing does not render comments."
    payments = export_openvex(sample("v4_only"))["statements"][1]
    assert "justification" not in payments
    assert payments["impact_statement"] == "payments reads invoices through the tenant-scoped API only."
    justified = export_openvex(sample("not_affected"))["statements"]
    assert [s["justification"] for s in justified] == ["vulnerable_code_not_in_execute_path", "component_not_present"]


def test_affected_has_an_action_statement():
    affected = export_openvex(sample("full"))["statements"][1]
    assert affected["action_statement"].startswith("Update core-api (ramsons) to version 2.1.1 or later.")
    assert "Workaround: Set COMMENT_LINKS_ENABLED=false" in affected["action_statement"]
    no_fix = export_openvex(sample("v4_only"))["statements"][0]
    assert no_fix["action_statement"] == "No fix is available yet for billing (quesnelia)."
    others = [s for s in export_openvex(sample("full"))["statements"] if s["status"] != "affected"]
    assert all("action_statement" not in s for s in others)


def test_without_cve_the_identifier_names_the_vulnerability():
    vulnerability = export_openvex(sample("v4_only"))["statements"][0]["vulnerability"]
    assert vulnerability["name"] == "GARRISON-2026-0003"
    assert vulnerability["aliases"] == ["GHSA-wxyz-2345-6789"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"products": ()}, "products: the advisory names no product"),
        (
            {"products": (ProductDoc(component="billing", status=ProductStatus.NOT_AFFECTED),)},
            "products[billing].justification: a not-affected product needs a justification or an impact",
        ),
        (
            {"products": (ProductDoc(component="core-api", status=ProductStatus.FIXED),)},
            "products[core-api].fixed_version: a fixed product needs the version that fixes it",
        ),
        (
            {"products": (ProductDoc(component="x", status=ProductStatus.AFFECTED, package_url="pkg:"),)},
            "products[x].package_url: not a valid package URL",
        ),
        ({"publisher_name": ""}, "publisher_name: required (the OpenVEX author)"),
        ({"url": "", "publisher_namespace": "ftp://x"}, "publisher_namespace: must be the publisher's https URL"),
        ({"identifier": "", "cve_id": ""}, "cve_id: the vulnerability needs a name"),
        ({"current_release": datetime(2026, 3, 1)}, "current_release: must be a timezone-aware"),
    ],
)
def test_refusals_name_the_field(changes, expected):
    with pytest.raises(ExportError) as caught:
        export_openvex(replace(sample("full"), **changes))
    assert caught.value.fmt == "openvex"
    assert any(m.startswith(expected) for m in caught.value.missing), caught.value.missing


def test_every_problem_is_listed_at_once():
    broken = replace(
        sample("full"),
        publisher_name="",
        products=(
            ProductDoc(component="billing", status=ProductStatus.NOT_AFFECTED),
            ProductDoc(component="billing", status=ProductStatus.NOT_AFFECTED, impact="n/a"),
        ),
    )
    with pytest.raises(ExportError) as caught:
        export_openvex(broken)
    assert caught.value.missing == [
        "publisher_name: required (the OpenVEX author)",
        "products[billing].justification: a not-affected product needs a justification or an impact",
        "products[billing]: listed twice (same component and release line)",
    ]
