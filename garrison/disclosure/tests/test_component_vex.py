"""A component's status across advisories as one CSAF VEX document, valid against the official schema."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from garrison.disclosure.document import ExportError
from garrison.disclosure.exporters.csaf_component import export_component_vex
from garrison.disclosure.tests.samples import sample
from garrison.disclosure.tests.schemas import errors

pytestmark = pytest.mark.fixtures
NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def test_two_advisories_about_one_component_make_one_valid_vex_document():
    first = sample("full")
    second = replace(sample("v3_only"), identifier="GARRISON-2026-0002", cve_id="CVE-2026-10002")
    component = first.products[0].component
    second = replace(second, products=tuple(replace(p, component=component) for p in second.products))
    document = export_component_vex([first, second], component=component, identifier="VEX-core-api", now=NOW)
    assert errors("csaf", document) == []
    assert document["document"]["category"] == "csaf_vex"
    assert [v.get("cve") for v in document["vulnerabilities"]] == [first.cve_id, second.cve_id]
    ids = [
        leaf["product"]["product_id"]
        for vendor in document["product_tree"]["branches"]
        for product in vendor["branches"]
        for leaf in product["branches"]
    ]
    assert len(ids) == len(set(ids))  # a product defined differently by the two advisories got its own id
    assert all(p.startswith(component) for p in ids)  # only the component's products


def test_a_component_no_advisory_names_is_refused():
    with pytest.raises(ExportError, match="no advisory names"):
        export_component_vex([sample("full")], component="nothing-here", identifier="VEX-x", now=NOW)


@pytest.mark.django_db
def test_the_public_component_vex_lists_only_published_advisories(personas, client):
    from garrison.disclosure import services
    from garrison.disclosure.tests import support

    lead = personas.security_lead
    published = services.advisory_draft(actor=lead, issues=[support.fixed_issue(personas, title="Published one")])
    services.advisory_publish(actor=lead, advisory=support.make_ready(published))
    services.advisory_draft(actor=lead, issues=[support.fixed_issue(personas, title="Still embargoed")])
    response = client.get("/advisories/components/core-api/vex.json")
    assert response.status_code == 200
    document = response.json()
    assert errors("csaf", document) == []
    assert [v["title"] for v in document["vulnerabilities"]] == ["Published one"]
    assert "Still embargoed" not in response.content.decode()
    assert client.get("/advisories/components/billing/vex.json").status_code == 404
