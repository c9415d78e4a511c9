"""Anchore Grype JSON reports, read from the shared real fixtures."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity
from garrison.findings.importers.grype import parse

pytestmark = pytest.mark.fixtures

FIXTURES = {
    "no_vuln.json": 0,
    "fix_available.json": 1,
    "check_all_fields.json": 6,
    "issue_9618.json": 35,
}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "anchore_grype", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_fixture_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_ghsa_match_takes_the_related_cve_as_alias_and_its_cvss():
    django = _parse(_read("check_all_fields.json"))[4]

    assert django == ParsedFinding(
        title="GHSA-v6rh-hp5x-86rv in Django 3.2.9",
        tool="grype",
        kind=Kind.DEPENDENCY,
        severity=Severity.HIGH,
        vulnerability_id="GHSA-v6rh-hp5x-86rv",
        aliases=["CVE-2021-44420"],
        cvss_v3_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L",
        cvss_v3_score=7.3,
        package_name="Django",
        package_purl="pkg:pypi/Django@3.2.9",
        installed_version="3.2.9",
        fixed_version="3.2.10",
        file_path="/usr/local/lib/python3.8/site-packages/Django-3.2.9.dist-info/METADATA",
        description="Potential bypass of an upstream access control based on URL paths in Django",
        references=[
            "https://github.com/advisories/GHSA-v6rh-hp5x-86rv",
            "https://docs.djangoproject.com/en/3.2/releases/security/",
            "https://www.openwall.com/lists/oss-security/2021/12/07/1",
            "https://www.djangoproject.com/weblog/2021/dec/07/security-releases/",
            "https://groups.google.com/forum/#!forum/django-announce",
        ],
        target="vulnerable-image:latest",
    )


def test_negligible_is_info_and_wont_fix_has_no_fixed_version():
    findings = _parse(_read("check_all_fields.json"))

    assert (findings[0].severity, findings[0].fixed_version) == (Severity.INFO, "")
    assert (findings[1].vulnerability_id, findings[1].fixed_version) == ("CVE-2021-32626", "")
    assert findings[0].package_purl == "pkg:deb/debian/libgssapi-krb5-2@1.17-3+deb10u3?arch=amd64"


def test_match_with_its_own_cvss_keeps_it_over_nvds():
    avahi = _parse(_read("issue_9618.json"))[0]

    assert (avahi.vulnerability_id, avahi.severity) == ("CVE-2023-38473", Severity.MEDIUM)
    assert (avahi.cvss_v3_vector, avahi.cvss_v3_score) == ("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 6.2)
    assert avahi.fixed_version == "0:0.7-21.el8_9.1"
    assert avahi.file_path == "/var/lib/rpm/Packages"
    assert avahi.references == [
        "https://access.redhat.com/security/cve/CVE-2023-38473",
        "https://bugzilla.redhat.com/show_bug.cgi?id=2191694",
        "https://access.redhat.com/errata/RHSA-2023:7836",
    ]


def test_nvd_cvss_is_used_when_the_match_has_none():
    data = (
        b'{"matches": [{"vulnerability": {"id": "GHSA-1", "severity": "Unknown", "cvss": []},'
        b' "relatedVulnerabilities": [{"id": "CVE-2024-1", "namespace": "nvd:cpe", "cvss": [{"version": "3.1",'
        b' "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metrics": {"baseScore": 9.8}}]}],'
        b' "matchDetails": [], "artifact": {"name": "left-pad", "version": "1.0.0", "type": "npm"}}]}'
    )

    (finding,) = _parse(data)

    assert (finding.cvss_v3_score, finding.severity, finding.aliases) == (9.8, Severity.CRITICAL, ["CVE-2024-1"])
    assert finding.package_purl == "pkg:npm/left-pad@1.0.0"


def test_directory_scan_target_is_the_path():
    data = (
        b'{"matches": [{"vulnerability": {"id": "CVE-2024-2", "severity": "Low"}, "matchDetails": [],'
        b' "artifact": {"name": "rack", "version": "2.0.0", "type": "gem", "locations": [{"path": "/Gemfile.lock"}]}}],'
        b' "source": {"type": "directory", "target": "/src/app"}, "descriptor": {"name": "grype"}}'
    )

    (finding,) = _parse(data)

    assert (finding.target, finding.file_path, finding.package_purl) == (
        "/src/app",
        "/Gemfile.lock",
        "pkg:gem/rack@2.0.0",
    )


@pytest.mark.parametrize("data", [b"", b"null", b"{}", b"[]", b'{"matches": null, "descriptor": {"name": "grype"}}'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "message", "position"),
    [
        (b"[1, 2]", 'expected a Grype report (an object with "matches")', "$"),
        (b'{"hello": 1}', 'expected a Grype report (an object with "matches")', "$"),
        (b'{"matches": {"a": 1}}', '"matches" must be a list', "$.matches"),
        (b'{"matches": [{}, "x"]}', "expected a match object", "$.matches[1]"),
    ],
)
def test_wrong_shape_is_a_parse_error(data, message, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.message, caught.value.position) == ("grype", message, position)
