"""Gitleaks JSON (v7 and v8), on the shared real reports. The secret must never come out of the parser."""

from __future__ import annotations

import dataclasses
import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParseError, Severity, hash_secret
from garrison.findings.importers.gitleaks import IMPORTERS, parse

FILES = {"no_findings.json": 0, "data_one.json": 1, "gitleaks8_many.json": 4}
SECRETS = [
    "secretAWSsecret",
    "-----BEGIN RSA PRIVATE KEY-----",
    "dfjksdjfs3294dfjlsdaf213",
    "-----BEGIN PRIVATE KEY-----",
]


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "gitleaks", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


def _texts(finding) -> list[str]:
    values = dataclasses.asdict(finding).values()
    return [v for v in values if isinstance(v, str)] + [s for v in values if isinstance(v, list) for s in map(str, v)]


@pytest.mark.parametrize(("name", "count"), sorted(FILES.items()))
def test_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_v7_fields():
    (finding,) = _parse(_read("data_one.json"))

    assert finding.title == "Asymmetric Private Key in cert-key.pem"
    assert (finding.tool, finding.kind, finding.severity) == ("gitleaks", Kind.SECRET, Severity.HIGH)
    assert finding.rule_id == finding.vulnerability_id == "Asymmetric Private Key"
    assert (finding.file_path, finding.line) == ("cert-key.pem", None)
    assert finding.secret_hash == hash_secret("-----BEGIN PRIVATE KEY-----")
    assert "Commit: 9afb561b348d59eceb6dc82c0061fb07bee09f7b" in finding.description


def test_v8_fields():
    finding = _parse(_read("gitleaks8_many.json"))[3]

    assert finding.title == "Generic API Key in tests/api.py"
    assert finding.rule_id == "generic-api-key"
    assert (finding.file_path, finding.line) == ("tests/api.py", 21)
    assert finding.secret_hash == hash_secret("dfjksdjfs3294dfjlsdaf213")
    assert 'Match: apikey = "[REDACTED]"' in finding.description


def test_the_secret_is_in_no_field():
    findings = _parse(_read("gitleaks8_many.json")) + _parse(_read("data_one.json"))

    leaked = [(f.title, secret) for f in findings for text in _texts(f) for secret in SECRETS if secret in text]
    assert leaked == []


def test_redacted_report_has_no_secret_hash():
    data = b'[{"RuleID": "aws", "Secret": "REDACTED", "Match": "key=REDACTED", "File": "a.tf", "StartLine": 2}]'

    assert _parse(data)[0].secret_hash == ""


def test_null_file_is_an_empty_path():
    data = b'[{"RuleID": "aws", "Secret": "abcd1234", "File": null, "StartLine": 0}]'

    (finding,) = _parse(data)

    assert (finding.file_path, finding.line) == ("", None)


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b"{}"])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "position"), [(b"3", "$"), (b'{"foo": []}', "$"), (b'[{"RuleID": "x"}, "y"]', "$[1]")]
)
def test_wrong_shape_is_a_parse_error(data, position):
    with pytest.raises(ParseError) as error:
        _parse(data)

    assert (error.value.format, error.value.position) == ("gitleaks", position)


def test_registered_under_its_name():
    assert [i.name for i in IMPORTERS] == ["gitleaks"]
