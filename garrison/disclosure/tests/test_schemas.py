"""The schema validators accept the real advisories in the shared fixtures and reject a broken one."""

from __future__ import annotations

import json

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.disclosure.tests.schemas import errors

pytestmark = pytest.mark.fixtures


@pytest.mark.parametrize(("folder", "schema"), [("csaf", "csaf"), ("osv", "osv"), ("cve", "cve5")])
def test_real_advisories_validate(folder, schema):
    files = sorted(shared_fixture("advisories", folder).glob("*.json"))
    assert files
    for path in files:
        assert errors(schema, json.loads(path.read_text(encoding="utf-8"))) == [], path.name


def test_a_broken_csaf_document_is_reported_with_its_path():
    doc = json.loads(shared_fixture("advisories", "csaf", "bsi-2022-0001.json").read_text(encoding="utf-8"))
    doc["document"]["tracking"]["status"] = "finished"
    del doc["document"]["publisher"]
    found = errors("csaf", doc)
    assert any(e.startswith("document/tracking/status") for e in found)
    assert any("publisher" in e for e in found)
