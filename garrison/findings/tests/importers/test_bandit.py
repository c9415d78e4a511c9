"""Bandit JSON, on the shared real reports."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.bandit import IMPORTERS, parse
from garrison.findings.importers.base import Kind, ParseError, Severity, hash_snippet

FILES = {"no_vuln.json": 0, "one_vuln.json": 1, "many_vulns.json": 214}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "bandit", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), sorted(FILES.items()))
def test_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_one_vuln_fields():
    (finding,) = _parse(_read("one_vuln.json"))

    assert finding.title == (
        "Use of assert detected. The enclosed code will be removed when compiling to optimised byte code."
    )
    assert (finding.tool, finding.kind, finding.severity) == ("bandit", Kind.CODE, Severity.LOW)
    assert finding.rule_id == finding.vulnerability_id == "B101"
    assert (finding.file_path, finding.line) == ("one/one.py", 2)
    assert finding.code_fingerprint == hash_snippet("assert False")  # line 2 only, without its number
    assert finding.references == ["https://bandit.readthedocs.io/en/latest/plugins/b101_assert_used.html"]
    assert finding.description.endswith("Test: B101 assert_used\nConfidence: high")


def test_flagged_lines_without_numbers_make_the_fingerprint():
    first = _parse(_read("many_vulns.json"))[0]

    assert (first.rule_id, first.file_path, first.line) == ("B110", "dojo/benchmark\\views.py", 26)
    assert first.code_fingerprint == hash_snippet("except:\n    pass")


def test_medium_severity():
    finding = _parse(_read("many_vulns.json"))[20]

    assert finding.title == "Possible SQL injection vector through string-based query construction."
    assert (finding.rule_id, finding.severity, finding.line) == ("B608", Severity.MEDIUM, 51)


def test_same_code_reported_twice_keeps_two_identities():
    findings = _parse(_read("many_vulns.json"))

    assert findings[21].code_fingerprint == findings[20].code_fingerprint + ":1"
    assert len({(f.rule_id, f.file_path, f.code_fingerprint) for f in findings}) == 214


def test_newer_bandit_cwe_object():
    data = (
        b'{"results": [{"test_id": "B602", "issue_severity": "HIGH", "issue_confidence": "HIGH", "filename": "a.py", '
        b'"line_number": 3, "issue_cwe": {"id": 78, "link": "https://cwe.mitre.org/data/definitions/78.html"}}]}'
    )
    (finding,) = _parse(data)

    assert (finding.cwes, finding.severity, finding.code_fingerprint) == ([78], Severity.HIGH, "")
    assert finding.references == ["https://cwe.mitre.org/data/definitions/78.html"]


@pytest.mark.parametrize("data", [b"", b"null", b"{}", b"[]", b'{"errors": [], "metrics": {}}'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "position"),
    [(b"[1]", "$"), (b'{"foo": 1}', "$"), (b'{"results": "x"}', "$.results"), (b'{"results": [null]}', "$.results[0]")],
)
def test_wrong_shape_is_a_parse_error(data, position):
    with pytest.raises(ParseError) as error:
        _parse(data)

    assert (error.value.format, error.value.position) == ("bandit", position)


def test_registered_under_its_name():
    assert [i.name for i in IMPORTERS] == ["bandit"]
