"""A third-party record about software we ship becomes a private draft; bad or foreign records store nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from garrison.cli.app import app
from garrison.core.tests.fixtures import shared_fixture
from garrison.disclosure.models import Advisory
from garrison.org.models import Component

pytestmark = [pytest.mark.django_db, pytest.mark.fixtures]


def _requests(personas):
    return Component.objects.create(
        name="vendored-requests", package_url="pkg:pypi/requests", responsible_team=personas.world["platform"]
    )


def test_an_osv_record_about_our_package_becomes_a_private_draft(personas):
    component = _requests(personas)
    path = shared_fixture("advisories", "osv", "PYSEC-2023-74.json")
    result = CliRunner().invoke(app, ["import-advisory", str(path), "--as", personas.triager.email])
    assert result.exit_code == 0, result.output
    advisory = Advisory.objects.get()
    assert advisory.third_party and advisory.level == "private" and advisory.cve_id == "CVE-2023-32681"
    product = advisory.products.get()
    assert (product.component, product.status, product.fixed_version) == (component, "fixed", "2.31.0")
    assert f"drafted {advisory.identifier} for vendored-requests" in result.output


def test_a_record_naming_none_of_our_components_or_unreadable_is_refused(personas, tmp_path):
    cve = shared_fixture("advisories", "cve", "CVE-2024-5000.json")
    runner = CliRunner()
    foreign = runner.invoke(app, ["import-advisory", str(cve), "--as", personas.triager.email])
    assert foreign.exit_code == 2 and "None of its products is one of our components" in foreign.output
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"schema_version": "1.6.0", "id": 5}))
    bad = runner.invoke(app, ["import-advisory", str(broken), "--as", personas.triager.email])
    assert bad.exit_code == 2
    denied = runner.invoke(app, ["import-advisory", str(cve), "--as", personas.developer.email])
    assert denied.exit_code == 2 and "may not edit advisories" in denied.output
    assert not Advisory.objects.exists()
