"""Semgrep JSON, on the shared real reports."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParseError, Severity, hash_snippet
from garrison.findings.importers.semgrep import IMPORTERS, parse

FILES = {"empty.json": 0, "one_finding.json": 1, "many_findings.json": 3, "many_vulns.json": 48}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "semgrep", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), sorted(FILES.items()))
def test_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_one_finding_fields():
    (finding,) = _parse(_read("one_finding.json"))

    assert finding.title == "Using CBC with PKCS5Padding is susceptible to padding orcale attacks."
    assert (finding.tool, finding.kind) == ("semgrep", Kind.CODE)
    assert (
        finding.rule_id == finding.vulnerability_id == "java.lang.security.audit.cbc-padding-oracle.cbc-padding-oracle"
    )
    assert finding.severity is Severity.MEDIUM  # WARNING
    assert finding.cwes == [696]  # "CWE-696: Incorrect Behavior Order"
    assert finding.file_path == "src/main/java/org/owasp/benchmark/testcode/BenchmarkTest02194.java"
    assert finding.line == 64
    lines = '\t\t\tjavax.crypto.Cipher c = javax.crypto.Cipher.getInstance("DES/CBC/PKCS5Padding");'
    assert finding.code_fingerprint == hash_snippet(lines)
    assert finding.references == [
        "https://capec.mitre.org/data/definitions/463.html",
        "https://find-sec-bugs.github.io/bugs.htm#PADDING_ORACLE",
    ]
    assert 'Suggested fix: javax crypto Cipher.getInstance("AES/GCM/NoPadding");' in finding.description


def test_info_severity():
    assert [f.severity for f in _parse(_read("many_findings.json"))] == [
        Severity.MEDIUM,
        Severity.MEDIUM,
        Severity.INFO,
    ]


def test_error_severity_is_high():
    first = _parse(_read("many_vulns.json"))[0]

    assert (first.rule_id, first.severity) == (
        "python.lang.correctness.tempfile.flush.tempfile-without-flush",
        Severity.HIGH,
    )
    assert (first.file_path, first.line, first.cwes) == ("tasks.py", 186, [])


def test_same_code_twice_in_a_file_is_two_identities():
    findings = _parse(_read("many_vulns.json"))

    assert (findings[13].line, findings[14].line) == (114, 174)
    assert findings[14].code_fingerprint == findings[13].code_fingerprint + ":1"
    assert len({(f.rule_id, f.file_path, f.code_fingerprint) for f in findings}) == 48


def test_real_semgrep_fingerprint_wins_over_the_snippet():
    data = (
        b'{"results": [{"check_id": "r", "path": "a.py", "start": {"line": 3}, '
        b'"extra": {"lines": "requires login", "fingerprint": "abc123_0", "severity": "ERROR", "message": "m"}}]}'
    )

    assert _parse(data)[0].code_fingerprint == "abc123_0"


def test_requires_login_is_no_snippet():
    extra = b'{"lines": "requires login", "fingerprint": "requires login"}'
    data = b'{"results": [{"check_id": "r", "path": "a.py", "extra": ' + extra + b"}]}"

    assert _parse(data)[0].code_fingerprint == ""


@pytest.mark.parametrize("data", [b"", b"null", b"{}", b"[]", b'{"errors": [], "version": "1.50.0"}'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b"[1]", "$"),
        (b'{"foo": 1}', "$"),
        (b'{"results": {}}', "$.results"),
        (b'{"results": [{"check_id": "x"}, 7]}', "$.results[1]"),
    ],
)
def test_wrong_shape_is_a_parse_error(data, position):
    with pytest.raises(ParseError) as error:
        _parse(data)

    assert (error.value.format, error.value.position) == ("semgrep", position)


def test_registered_under_its_name():
    assert [i.name for i in IMPORTERS] == ["semgrep"]
