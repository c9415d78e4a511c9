"""Snyk JSON (one project or --all-projects), read from the shared real fixtures."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParseError, Severity
from garrison.findings.importers.snyk import parse

pytestmark = pytest.mark.fixtures

FIXTURES = {"single_project_no_vulns.json": 0, "single_project_one_vuln.json": 1, "all-projects_many_vulns.json": 4}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "snyk", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_fixture_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_single_project_finding_fields():
    (finding,) = _parse(_read("single_project_one_vuln.json"))

    assert (finding.title, finding.tool, finding.kind, finding.severity) == (
        "XML External Entity (XXE) Injection",
        "Snyk",
        Kind.DEPENDENCY,
        Severity.MEDIUM,
    )
    assert (finding.vulnerability_id, finding.aliases, finding.cwes) == (
        "SNYK-JAVA-ORGAPACHESANTUARIO-460281",
        ["CVE-2019-12400"],
        [611],
    )
    assert (finding.cvss_v3_vector, finding.cvss_v3_score) == ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:L", 6.5)
    assert (finding.package_name, finding.package_purl, finding.installed_version, finding.fixed_version) == (
        "org.apache.santuario:xmlsec",
        "pkg:maven/org.apache.santuario/xmlsec@2.1.1",
        "2.1.1",
        "2.1.4",
    )
    assert (finding.file_path, finding.target) == ("pom.xml", "com.test:myframework")
    assert finding.references[0] == (
        "https://github.com/apache/santuario-java/commit/52ae824cf5f5c873a0e37bb33fedcc3b387cdba6"
    )
    assert finding.description.endswith(
        "Introduced through:\n- com.test:myframework@1.0.0-SNAPSHOT > org.apache.santuario:xmlsec@2.1.1"
    )


def test_all_projects_keep_their_own_target_and_manifest():
    findings = _parse(_read("all-projects_many_vulns.json"))

    assert [(f.target, f.file_path, f.vulnerability_id, f.installed_version) for f in findings] == [
        ("com.test:version-collision", "pom.xml", "SNYK-JAVA-COMGOOGLEGUAVA-1015415", "29.0-jre"),
        ("com.test:project-a", "project-a\\pom.xml", "SNYK-JAVA-COMGOOGLEGUAVA-1015415", "22.0"),
        ("com.test:project-a", "project-a\\pom.xml", "SNYK-JAVA-COMGOOGLEGUAVA-32236", "22.0"),
        ("com.test:project-b", "project-b\\pom.xml", "SNYK-JAVA-COMGOOGLEGUAVA-1015415", "29.0-jre"),
    ]
    assert findings[2].aliases == ["CVE-2018-10237", "GHSA-mvr2-9pj6-7w5j"]
    assert findings[0].fixed_version == "30.0-android, 30.0-jre"


CONTAINER = b"""{"ok": false, "dependencyCount": 3, "packageManager": "deb", "projectName": "docker-image|app",
 "vulnerabilities": [
  {"id": "SNYK-DEBIAN10-UTILLINUX-6508628", "title": "CVE-2024-28085", "severity": "low",
   "packageName": "util-linux/libuuid1", "version": "2.33.1-0.1", "packageManager": "debian:10",
   "identifiers": {"CVE": ["CVE-2024-28085"], "CWE": []}, "nearestFixedInVersion": "2.33.1-0.1+deb10u1",
   "from": ["docker-image|app@latest", "util-linux/libuuid1@2.33.1-0.1"], "upgradePath": []},
  {"id": "SNYK-DEBIAN10-UTILLINUX-6508628", "title": "CVE-2024-28085", "severity": "low",
   "packageName": "util-linux/libuuid1", "version": "2.33.1-0.1", "packageManager": "debian:10",
   "identifiers": {"CVE": ["CVE-2024-28085"]},
   "from": ["docker-image|app@latest", "e2fsprogs@1.44.5-1", "util-linux/libuuid1@2.33.1-0.1"]},
  {"id": "snyk:lic:npm:left-pad:WTFPL", "type": "license", "license": "WTFPL", "title": "WTFPL license",
   "severity": "medium", "packageName": "left-pad", "version": "1.3.0", "packageManager": "npm"}
 ],
 "applications": [{"packageManager": "npm", "displayTargetFile": "/app/package-lock.json",
   "vulnerabilities": [{"id": "SNYK-JS-DEBUG-1", "severity": "high", "title": "ReDoS", "packageName": "@a/debug",
   "version": "2.6.8", "CVSSv3": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
   "cvssScore": 8.7}]}]}"""


def test_container_paths_merge_licenses_are_other_and_applications_are_read():
    os_package, licence, app = _parse(CONTAINER)

    assert (os_package.package_purl, os_package.fixed_version) == (
        "pkg:deb/debian/libuuid1@2.33.1-0.1",
        "2.33.1-0.1+deb10u1",
    )
    assert os_package.description.endswith(
        "- docker-image|app@latest > util-linux/libuuid1@2.33.1-0.1\n"
        "- docker-image|app@latest > e2fsprogs@1.44.5-1 > util-linux/libuuid1@2.33.1-0.1"
    )
    assert (licence.kind, licence.rule_id, licence.package_purl) == (
        Kind.OTHER,
        "snyk:lic:npm:left-pad:WTFPL",
        "pkg:npm/left-pad@1.3.0",
    )
    assert (app.package_purl, app.cvss_v4_score, app.cvss_v3_vector, app.file_path) == (
        "pkg:npm/%40a/debug@2.6.8",
        8.7,
        "",
        "/app/package-lock.json",
    )


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b"{}", b'{"vulnerabilities": []}'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


def test_snyk_error_output_raises_parse_error():
    data = b'{"ok": false, "error": "Could not detect supported target files in /src", "path": "/src"}'

    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert caught.value.message == (
        "Snyk reported an error instead of results: Could not detect supported target files in /src"
    )


def test_failed_project_among_several_is_skipped():
    data = b'[{"ok": false, "error": "no manifest"}, {"vulnerabilities": [{"id": "SNYK-X-1", "packageName": "a"}]}]'

    assert [f.vulnerability_id for f in _parse(data)] == ["SNYK-X-1"]


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b"5", "$"),
        (b"[1]", "$[0]"),
        (b'{"vulnerabilities": 3}', "$.vulnerabilities"),
        (b'{"vulnerabilities": ["SNYK-1"]}', "$.vulnerabilities[0]"),
    ],
)
def test_wrong_shape_raises_parse_error_with_position(data, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.position) == ("snyk", position)
