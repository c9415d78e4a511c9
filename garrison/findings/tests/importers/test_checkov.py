"""Checkov JSON, on the shared real reports."""

from __future__ import annotations

import hashlib
import io

import orjson
import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParseError, Severity
from garrison.findings.importers.checkov import IMPORTERS, parse

FILES = {"checkov-report-0-vuln.json": 0, "checkov-report-1-vuln.json": 1, "checkov-report-many-vuln.json": 3}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "checkov", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), sorted(FILES.items()))
def test_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_failed_check_fields():
    (finding,) = _parse(_read("checkov-report-1-vuln.json"))

    assert finding.title == "Ensure the key vault is recoverable (azurerm_key_vault.main)"
    assert (finding.tool, finding.kind) == ("checkov", Kind.CODE)
    assert finding.rule_id == finding.vulnerability_id == "CKV_AZURE_42"
    assert finding.severity is Severity.UNKNOWN  # Checkov without a platform key gives none
    assert (finding.file_path, finding.line) == ("file_path", 1)
    assert finding.code_fingerprint == hashlib.sha256(b"resource:azurerm_key_vault.main").hexdigest()[:32]
    assert finding.references == ["https://docs.bridgecrew.io/docs/ensure-the-key-vault-is-recoverable"]
    assert "Framework: terraform" in finding.description


def test_many_checks_keep_their_ids():
    assert [f.rule_id for f in _parse(_read("checkov-report-many-vuln.json"))] == [
        "CKV_AZURE_41",
        "CKV_AZURE_42",
        "CKV_AZURE_43",
    ]


def test_list_of_framework_reports_and_severity():
    check = {
        "check_id": "CKV_GCP_28",
        "check_name": "Ensure bucket is not public",
        "severity": "HIGH",
        "file_path": "/gcs.tf",
        "file_line_range": [17, 21],
        "resource": "google_storage_bucket_iam_binding.allow_public_read",
        "check_result": {"result": "FAILED"},
    }
    reports = [
        {"check_type": "terraform", "results": {"failed_checks": [check], "passed_checks": [{"check_id": "x"}]}},
        {"check_type": "dockerfile", "results": {"failed_checks": [{**check, "check_id": "CKV_DOCKER_2"}]}},
    ]
    findings = _parse(orjson.dumps(reports))

    assert [(f.rule_id, f.severity, f.file_path, f.line) for f in findings] == [
        ("CKV_GCP_28", Severity.HIGH, "/gcs.tf", 17),
        ("CKV_DOCKER_2", Severity.HIGH, "/gcs.tf", 17),
    ]


def test_sca_check_is_a_dependency_finding():
    details = {
        "id": "CVE-2020-29651",
        "severity": "high",
        "package_name": "py",
        "package_version": "1.9.0",
        "link": "https://nvd.nist.gov/vuln/detail/CVE-2020-29651",
        "cvss": 7.5,
        "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
        "lowest_fixed_version": "1.10.0",
    }
    check = {"check_id": "CKV_CVE_2020_29651", "file_path": "/requirements.txt", "vulnerability_details": details}
    (finding,) = _parse(orjson.dumps({"check_type": "sca_package", "results": {"failed_checks": [check]}}))

    assert (finding.kind, finding.vulnerability_id, finding.severity) == (
        Kind.DEPENDENCY,
        "CVE-2020-29651",
        Severity.HIGH,
    )
    assert (finding.package_name, finding.installed_version, finding.fixed_version) == ("py", "1.9.0", "1.10.0")
    assert finding.package_purl == "pkg:pypi/py@1.9.0"
    assert (finding.cvss_v3_vector, finding.cvss_v3_score) == ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5)
    assert finding.references[0] == "https://nvd.nist.gov/vuln/detail/CVE-2020-29651"


@pytest.mark.parametrize(
    "data", [b"", b"null", b"{}", b"[]", b'{"passed": 0, "failed": 0, "checkov_version": "2.1.269"}']
)
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b'"text"', "$"),
        (b'{"foo": 1}', "$"),
        (b"[3]", "$[0]"),
        (b'{"check_type": "x", "results": []}', "$.results"),
        (b'{"results": {"failed_checks": {}}}', "$.results.failed_checks"),
        (b'{"results": {"failed_checks": [1]}}', "$.results.failed_checks[0]"),
    ],
)
def test_wrong_shape_is_a_parse_error(data, position):
    with pytest.raises(ParseError) as error:
        _parse(data)

    assert (error.value.format, error.value.position) == ("checkov", position)


def test_registered_under_its_name():
    assert [i.name for i in IMPORTERS] == ["checkov"]
