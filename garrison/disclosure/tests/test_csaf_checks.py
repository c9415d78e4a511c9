"""The CSAF 2.0 mandatory tests we implement: the real CSAF documents of the shared fixtures pass them, and each
test catches the fault it is about in an otherwise valid exported document."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.disclosure.exporters.csaf import export_csaf
from garrison.disclosure.exporters.csaf_checks import MANDATORY_TESTS, mandatory_problems
from garrison.disclosure.tests.samples import sample

Doc = dict[str, Any]


@pytest.mark.fixtures
def test_real_csaf_documents_pass_our_mandatory_tests():
    files = sorted(shared_fixture("advisories", "csaf").glob("*.json"))
    assert files
    for path in files:
        assert mandatory_problems(json.loads(path.read_text(encoding="utf-8"))) == [], path.name


def _exported(profile: str = "security_advisory") -> Doc:
    return copy.deepcopy(export_csaf(sample("full"), profile=profile))


def _vuln(doc: Doc) -> Doc:
    return doc["vulnerabilities"][0]


def _first_leaf(doc: Doc) -> Doc:
    return doc["product_tree"]["branches"][0]["branches"][0]["branches"][0]


def _undefined_reference(doc: Doc) -> None:
    _vuln(doc)["product_status"]["known_affected"].append("ghost")


def _duplicate_definition(doc: Doc) -> None:
    component = doc["product_tree"]["branches"][0]["branches"][0]
    component["branches"].append(copy.deepcopy(component["branches"][0]))


def _contradicting_status(doc: Doc) -> None:
    _vuln(doc)["product_status"]["fixed"].append("core-api:ramsons")


def _two_v3_scores(doc: Doc) -> None:
    _vuln(doc)["scores"].append(copy.deepcopy(_vuln(doc)["scores"][0]))


def _bad_vector(doc: Doc) -> None:
    _vuln(doc)["scores"][0]["cvss_v3"]["vectorString"] = "CVSS:3.1/AV:Q"


def _wrong_severity(doc: Doc) -> None:
    _vuln(doc)["scores"][0]["cvss_v3"]["baseSeverity"] = "HIGH"


def _wrong_metric(doc: Doc) -> None:
    _vuln(doc)["scores"][0]["cvss_v3"]["attackVector"] = "LOCAL"


def _wrong_cwe_name(doc: Doc) -> None:
    _vuln(doc)["cwe"]["name"] = "Cross-site Scripting"


def _unknown_cwe(doc: Doc) -> None:
    _vuln(doc)["cwe"]["id"] = "CWE-99999"


def _bad_purl(doc: Doc) -> None:
    _first_leaf(doc)["product"]["product_identification_helper"]["purl"] = "pkg:/garrison"


def _unsorted_history(doc: Doc) -> None:
    history = doc["document"]["tracking"]["revision_history"]
    history[0]["date"], history[1]["date"] = history[1]["date"], history[0]["date"]


def _stale_version(doc: Doc) -> None:
    doc["document"]["tracking"]["version"] = "1"


def _history_gap(doc: Doc) -> None:
    doc["document"]["tracking"]["revision_history"][1]["number"] = "3"
    doc["document"]["tracking"]["version"] = "3"


def _repeated_revision(doc: Doc) -> None:
    doc["document"]["tracking"]["revision_history"][1]["number"] = "1"
    doc["document"]["tracking"]["version"] = "1"


def _no_product_tree(doc: Doc) -> None:
    del doc["product_tree"]


def _no_notes(doc: Doc) -> None:
    del _vuln(doc)["notes"]


def _no_status(doc: Doc) -> None:
    del _vuln(doc)["product_status"]


def _no_vulnerabilities(doc: Doc) -> None:
    doc["vulnerabilities"] = []


CASES: list[tuple[Callable[[Doc], None], str, str]] = [
    (_undefined_reference, "security_advisory", "6.1.1 /vulnerabilities/0/product_status/known_affected/1"),
    (_duplicate_definition, "security_advisory", "6.1.2 /product_tree: product id core-api:quesnelia is defined 2"),
    (_contradicting_status, "security_advisory", "6.1.6 /vulnerabilities/0/product_status: core-api:ramsons"),
    (_two_v3_scores, "security_advisory", "6.1.7 /vulnerabilities/0/scores: core-api:ramsons has 2 CVSS 3.1"),
    (_bad_vector, "security_advisory", "6.1.8 /vulnerabilities/0/scores/0/cvss_v3/vectorString"),
    (_wrong_severity, "security_advisory", "6.1.9 /vulnerabilities/0/scores/0/cvss_v3/baseSeverity: HIGH"),
    (_wrong_metric, "security_advisory", "6.1.10 /vulnerabilities/0/scores/0/cvss_v3/attackVector: LOCAL"),
    (_wrong_cwe_name, "security_advisory", "6.1.11 /vulnerabilities/0/cwe/name"),
    (_unknown_cwe, "security_advisory", "6.1.11 /vulnerabilities/0/cwe/id: CWE-99999 is not a known CWE id"),
    (_bad_purl, "security_advisory", "6.1.13 /product_tree/branches/0/branches/0/branches/0/product/"),
    (_unsorted_history, "security_advisory", "6.1.14 /document/tracking/revision_history"),
    (_stale_version, "security_advisory", "6.1.16 /document/tracking/version: 1 but the latest revision is 2"),
    (_history_gap, "security_advisory", "6.1.21 /document/tracking/revision_history: version 2 is missing"),
    (_repeated_revision, "security_advisory", "6.1.22 /document/tracking/revision_history: 1 is listed 2 times"),
    (_no_product_tree, "vex", "6.1.27.4 /product_tree"),
    (_no_notes, "security_advisory", "6.1.27.5 /vulnerabilities/0/notes"),
    (_no_status, "vex", "6.1.27.6 /vulnerabilities/0/product_status"),
    (_no_vulnerabilities, "security_advisory", "6.1.27.11 /vulnerabilities"),
]


@pytest.mark.parametrize(("breaks", "profile", "expected"), CASES, ids=[case[0].__name__ for case in CASES])
def test_each_mandatory_test_catches_its_fault(breaks, profile, expected):
    doc = _exported(profile)
    assert mandatory_problems(doc) == []
    breaks(doc)
    problems = mandatory_problems(doc)
    assert any(p.startswith(expected) for p in problems), problems


def test_vex_profile_tests_need_ids_statuses_impact_and_action():
    doc = _exported("vex")
    vulnerability = _vuln(doc)
    del vulnerability["cve"], vulnerability["ids"], vulnerability["flags"], vulnerability["threats"]
    vulnerability["remediations"] = [r for r in vulnerability["remediations"] if r["category"] != "vendor_fix"]
    vulnerability["remediations"][0]["product_ids"] = ["core-api:poppy"]
    assert mandatory_problems(doc) == [
        "6.1.27.8 /vulnerabilities/0: needs a cve or ids",
        "6.1.27.9 /vulnerabilities/0/product_status/known_not_affected: billing has no impact statement",
        "6.1.27.10 /vulnerabilities/0/product_status/known_affected: core-api:ramsons has no action statement",
    ]
    vulnerability["product_status"] = {"first_affected": ["core-api:ramsons"]}
    assert any(p.startswith("6.1.27.7 ") for p in mandatory_problems(doc))


def test_vex_only_tests_do_not_apply_to_security_advisories():
    doc = _exported("security_advisory")
    vulnerability = _vuln(doc)
    del vulnerability["flags"], vulnerability["threats"]
    assert mandatory_problems(doc) == []


def test_every_test_is_registered_once():
    names = [check.__name__ for check in MANDATORY_TESTS]
    assert len(names) == len(set(names)) == 21
