"""TruffleHog v3 and v2 JSON lines and trufflehog3 JSON, on the shared real reports. Secrets never come out."""

from __future__ import annotations

import base64
import dataclasses
import io

import orjson
import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParseError, Severity, hash_secret
from garrison.findings.importers.trufflehog import (
    IMPORTERS,
    parse_trufflehog3,
    parse_v2,
    parse_v3,
    sniff_trufflehog3,
)


def _read(*parts: str) -> bytes:
    return shared_fixture("scanners", *parts).read_bytes()


def _run(parse, data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


def _records(data: bytes) -> list[dict]:
    return [orjson.loads(line) for line in data.splitlines() if line.strip()]


def _texts(finding) -> list[str]:
    values = dataclasses.asdict(finding).values()
    return [v for v in values if isinstance(v, str)] + [s for v in values if isinstance(v, list) for s in map(str, v)]


def _leaks(findings: list, secrets: set[str]) -> list[str]:
    return [secret[:12] for f in findings for text in _texts(f) for secret in secrets if secret in text]


def test_v3_count():
    assert len(_run(parse_v3, _read("trufflehog", "v3_git.json"))) == 4


def test_v3_fields():
    finding = _run(parse_v3, _read("trufflehog", "v3_git.json"))[0]

    assert finding.title == "AWS secret in keys"
    assert (finding.tool, finding.kind) == ("trufflehog", Kind.SECRET)
    assert finding.severity is Severity.CRITICAL  # verified live
    assert finding.rule_id == finding.vulnerability_id == "AWS"
    assert (finding.file_path, finding.line) == ("keys", 4)
    assert finding.secret_hash == hash_secret("AKIAYVP4CIPPERUVIFXG")  # Raw is base64 in this release
    assert finding.target == "https://github.com/trufflesecurity/test_keys"
    assert "Commit: fbc14303ffbf8fb1c2c1914e8dda7d0121633aca" in finding.description


def test_v3_plain_raw_hashes_like_base64_raw():
    record = _records(_read("trufflehog", "v3_git.json"))[0]
    plain = orjson.dumps({**record, "Raw": "AKIAYVP4CIPPERUVIFXG"})

    assert _run(parse_v3, plain)[0].secret_hash == hash_secret("AKIAYVP4CIPPERUVIFXG")


def test_v3_secret_is_in_no_field():
    data = _read("trufflehog", "v3_git.json")
    secrets = {r["Raw"] for r in _records(data)} | {base64.b64decode(r["Raw"]).decode() for r in _records(data)}
    findings = _run(parse_v3, data)

    assert _leaks(findings, secrets) == []
    assert "Redacted: https://*****:*****@the-internet.herokuapp.com/basic_auth" in findings[1].description


def test_v3_a_very_short_secret_is_masked_where_it_stands_alone():
    record = _records(_read("trufflehog", "v3_git.json"))[0]
    short = orjson.dumps({**record, "Raw": "q7", "RawV2": "", "ExtraData": {"token": "q7", "note": "aq7b q7"}})
    finding = _run(parse_v3, short)[0]

    assert "token: [REDACTED]" in finding.description
    assert "note: aq7b [REDACTED]" in finding.description
    assert finding.secret_hash == hash_secret("q7")


def test_v3_unverified_is_high_and_log_lines_are_skipped():
    record = {**_records(_read("trufflehog", "v3_git.json"))[0], "Verified": False}
    log = {"level": "info-0", "logger": "trufflehog", "msg": "finished scanning"}
    data = orjson.dumps(log) + b"\n" + orjson.dumps(record)

    assert [f.severity for f in _run(parse_v3, data)] == [Severity.HIGH]


def test_v2_count_and_fields():
    findings = _run(parse_v2, _read("trufflehog", "v2_many_vulns.json"))

    assert len(findings) == 64
    finding = findings[2]
    assert finding.title == "RSA private key in scripts/searchOrg.py"
    assert (finding.tool, finding.kind, finding.severity) == ("trufflehog", Kind.SECRET, Severity.HIGH)
    assert finding.rule_id == "RSA private key"
    assert finding.file_path == "scripts/searchOrg.py"
    assert finding.secret_hash == hash_secret("-----BEGIN RSA PRIVATE KEY-----")
    assert "Commit: 466cdc94b4fcb0acd1904726a9b4de5c26e9125d" in finding.description


def test_v2_secrets_are_in_no_field():
    data = _read("trufflehog", "v2_many_vulns.json")
    secrets = {s for record in _records(data) for s in record["stringsFound"]}

    assert _leaks(_run(parse_v2, data), secrets) == []


def test_trufflehog3_current_format():
    record = {
        "rule": {"id": "high-entropy", "message": "High Entropy", "severity": "MEDIUM"},
        "path": "env-file.txt",
        "line": "10",
        "secret": "44c45225cf94e58d0c86f0a31051eb7c52c8f78f",
        "context": {"10": "DD_API_KEY=44c45225cf94e58d0c86f0a31051eb7c52c8f78f"},
        "commit": None,
    }
    (finding,) = _run(parse_trufflehog3, orjson.dumps([record]))

    assert (finding.tool, finding.rule_id, finding.severity) == ("trufflehog3", "high-entropy", Severity.MEDIUM)
    assert (finding.title, finding.file_path, finding.line) == ("High Entropy in env-file.txt", "env-file.txt", 10)
    assert finding.secret_hash == hash_secret("44c45225cf94e58d0c86f0a31051eb7c52c8f78f")
    assert _leaks([finding], {"44c45225cf94e58d0c86f0a31051eb7c52c8f78f"}) == []


def test_trufflehog3_zero_vulns():
    assert list(parse_trufflehog3(io.BytesIO(_read("trufflehog3", "zero_vulns.json")))) == []


@pytest.mark.parametrize("parse", [parse_v3, parse_v2, parse_trufflehog3])
@pytest.mark.parametrize("data", [b"", b"\n\n", b"[]"])
def test_empty_reports_yield_nothing(parse, data):
    assert list(parse(io.BytesIO(data))) == []


@pytest.mark.parametrize(
    ("parse", "fmt", "data", "position"),
    [
        (parse_v3, "trufflehog", b'{"DetectorName": "AWS"}\n1\n', "record 2"),
        (parse_v3, "trufflehog", b'[{"DetectorName": "AWS"}, 1]', "record 1[1]"),
        (parse_v2, "trufflehog2", b'{"reason": "x"}\n"y"\n', "record 2"),
        (parse_trufflehog3, "trufflehog3", b'{"rule": {}}', "$"),
        (parse_trufflehog3, "trufflehog3", b"[1]", "$[0]"),
    ],
)
def test_wrong_shape_is_a_parse_error(parse, fmt, data, position):
    with pytest.raises(ParseError) as error:
        list(parse(io.BytesIO(data)))

    assert (error.value.format, error.value.position) == (fmt, position)


def test_trufflehog3_sniff_needs_its_own_shape():
    assert sniff_trufflehog3(b'[{"rule": {"id": "high-entropy", "message": "x"}, "path": "a", "secret": "s"}]')
    assert not sniff_trufflehog3(b'[{"rule": "Twitter Client ID", "offender": "x"}]')  # gitleaks 7


def test_registered_under_their_names():
    assert [i.name for i in IMPORTERS] == ["trufflehog", "trufflehog2", "trufflehog3"]
