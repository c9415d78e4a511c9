"""npm audit JSON, npm 6 ("advisories") and npm 7+ ("vulnerabilities"), read from the shared real fixtures."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity
from garrison.findings.importers.npm_audit import parse_v6, parse_v7

pytestmark = pytest.mark.fixtures

FIXTURES = {
    ("npm_audit", "no_vuln.json"): (parse_v6, "npm-audit", 0),
    ("npm_audit", "one_vuln.json"): (parse_v6, "npm-audit", 1),
    ("npm_audit", "many_vuln.json"): (parse_v6, "npm-audit", 5),
    ("npm_audit_7_plus", "no_vuln.json"): (parse_v7, "npm-audit-7", 0),
    ("npm_audit_7_plus", "one_vuln.json"): (parse_v7, "npm-audit-7", 2),
    ("npm_audit_7_plus", "many_vulns.json"): (parse_v7, "npm-audit-7", 3),
}


def _read(folder: str, name: str) -> bytes:
    return shared_fixture("scanners", folder, name).read_bytes()


def _findings(parse, data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


def _parse_fixture(folder: str, name: str) -> list:
    parse, _, _ = FIXTURES[(folder, name)]
    return _findings(parse, _read(folder, name))


@pytest.mark.parametrize(("folder", "name", "count"), [(*key, count) for key, (_, _, count) in FIXTURES.items()])
def test_fixture_finding_count(folder, name, count):
    assert len(_parse_fixture(folder, name)) == count


def test_npm6_advisory_fields():
    (finding,) = _parse_fixture("npm_audit", "one_vuln.json")

    assert finding == ParsedFinding(
        title="Command Injection",
        tool="npm audit",
        kind=Kind.DEPENDENCY,
        severity=Severity.CRITICAL,
        vulnerability_id="CVE-2017-16042",
        cwes=[94],
        package_name="growl",
        package_purl="pkg:npm/growl@1.9.2",
        installed_version="1.9.2",
        fixed_version="1.10.2",
        description=(
            "Affected versions of `growl` do not properly sanitize input prior to passing it into a shell command, "
            "allowing for arbitrary command execution.\n\nUpdate to version 1.10.2 or later.\n\n"
            "Vulnerable versions: <1.10.2\n\nDependency paths:\n- mocha-jenkins-reporter>mocha>growl"
        ),
        references=[
            "https://github.com/tj/node-growl/issues/60",
            "https://github.com/tj/node-growl/pull/61",
            "https://www.npmjs.com/advisories/146",
        ],
    )


def test_npm6_moderate_is_medium_and_a_compound_patched_range_stays_as_written():
    mime = next(f for f in _parse_fixture("npm_audit", "many_vuln.json") if f.package_name == "mime")

    assert (mime.severity, mime.fixed_version, mime.cwes) == (Severity.MEDIUM, ">= 1.4.1 < 2.0.0 || >= 2.0.3", [])


def test_npm7_object_vias_are_findings_on_their_package():
    findings = _parse_fixture("npm_audit_7_plus", "one_vuln.json")

    assert [(f.vulnerability_id, f.severity, f.cwes) for f in findings] == [
        ("GHSA-gxpj-cx7g-858c", Severity.MEDIUM, [400]),
        ("GHSA-9vvw-cc9w-f27h", Severity.HIGH, [1333]),
    ]
    first = findings[0]
    assert (first.package_name, first.package_purl, first.installed_version, first.fixed_version) == (
        "debug",
        "pkg:npm/debug",
        "<=2.6.8",
        "2.6.9",
    )
    assert (first.cvss_v3_vector, first.cvss_v3_score) == ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3)
    assert (first.file_path, first.references) == (
        "node_modules/debug",
        ["https://github.com/advisories/GHSA-gxpj-cx7g-858c"],
    )
    assert "Fix available: upgrade express to 4.18.3." in first.description


def test_npm7_transitive_entries_are_not_findings_of_their_own():
    findings = _parse_fixture("npm_audit_7_plus", "many_vulns.json")

    assert [(f.package_name, f.vulnerability_id) for f in findings] == [
        ("debug", "GHSA-gxpj-cx7g-858c"),
        ("semver", "GHSA-c2qf-rxjj-qqgw"),
        ("undici", "GHSA-3787-6prv-h9w3"),
    ]
    assert "Fix available: upgrade vercel to 32.3.0 (a semver-major upgrade)." in findings[0].description


EARLY_NPM7 = b"""{"auditReportVersion": 2, "vulnerabilities": {"@scope/pkg": {"name": "@scope/pkg", "severity": "high",
 "via": [{"id": 755, "url": "https://npmjs.com/advisories/755", "title": "Prototype Pollution", "severity": "high",
 "vulnerable_versions": "<=4.0.13 || >=4.1.0 <4.1.2"}], "effects": [], "range": "<=4.7.3", "nodes": [],
 "fixAvailable": true}}}"""


def test_npm7_early_via_shape_with_npm_advisory_number_and_scoped_name():
    (finding,) = _findings(parse_v7, EARLY_NPM7)

    assert (finding.vulnerability_id, finding.package_purl, finding.fixed_version) == (
        "NPM-755",
        "pkg:npm/%40scope/pkg",
        "",
    )
    assert "Fix available with `npm audit fix`." in finding.description


def test_npm6_advisory_with_ghsa_and_cvss():
    data = (
        b'{"actions": [], "advisories": {"1": {"id": 1, "module_name": "lodash", "title": "Proto", "cves": '
        b'["CVE-2020-8203"], "github_advisory_id": "GHSA-p6mc-m468-83gw", "severity": "high", "cwe": ["CWE-770"],'
        b' "cvss": {"score": 7.4, "vectorString": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H"},'
        b' "patched_versions": "<0.0.0", "findings": [{"version": "4.17.15", "paths": ["lodash"]}]}}}'
    )

    (finding,) = _findings(parse_v6, data)

    assert (finding.vulnerability_id, finding.aliases, finding.cwes) == (
        "GHSA-p6mc-m468-83gw",
        ["CVE-2020-8203"],
        [770],
    )
    assert (finding.cvss_v3_score, finding.fixed_version) == (7.4, "")


def test_either_importer_reads_either_npm_shape():
    assert len(_findings(parse_v6, _read("npm_audit_7_plus", "many_vulns.json"))) == 3
    assert len(_findings(parse_v7, _read("npm_audit", "many_vuln.json"))) == 5


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b"{}", b'{"advisories": {}}', b'{"vulnerabilities": {}}'])
def test_empty_reports_yield_nothing(data):
    assert _findings(parse_v6, data) == []
    assert _findings(parse_v7, data) == []


def test_npm_error_output_raises_parse_error():
    data = b'{"error": {"code": "ENOLOCK", "summary": "This command requires an existing lockfile."}}'

    with pytest.raises(ParseError) as caught:
        _findings(parse_v7, data)

    assert (
        caught.value.message == "npm reported an error instead of an audit: This command requires an existing lockfile."
    )


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b"[1, 2]", "$"),
        (b'{"advisories": [1]}', "$.advisories"),
        (b'{"advisories": {"1": "x"}}', "$.advisories.1"),
        (b'{"vulnerabilities": [1]}', "$.vulnerabilities"),
        (b'{"vulnerabilities": {"debug": 3}}', "$.vulnerabilities.debug"),
    ],
)
def test_wrong_shape_raises_parse_error_with_position(data, position):
    with pytest.raises(ParseError) as caught:
        _findings(parse_v7, data)

    assert (caught.value.format, caught.value.position) == ("npm-audit-7", position)
