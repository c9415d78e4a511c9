"""GitHub Dependabot alerts (GraphQL responses from the shared real fixtures, and the REST alert list)."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParseError, Severity
from garrison.findings.importers.github_dependabot import IMPORTERS, parse

pytestmark = pytest.mark.fixtures

FIXTURES = {"github-0-vuln.json": 0, "github-1-vuln.json": 1, "github-5-vuln.json": 5, "github_h2.json": 1}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "github_vulnerability", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_fixture_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_repository_alert_with_ghsa_cve_cvss_and_cwe():
    (finding,) = _parse(_read("github_h2.json"))

    assert (finding.title, finding.tool, finding.kind, finding.severity) == (
        "RCE in H2 Console",
        "GitHub Dependabot",
        Kind.DEPENDENCY,
        Severity.CRITICAL,
    )
    assert (finding.vulnerability_id, finding.aliases, finding.cwes) == (
        "GHSA-h376-j262-vhq6",
        ["CVE-2021-42392"],
        [502],
    )
    assert (finding.cvss_v3_vector, finding.cvss_v3_score) == ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
    # no ecosystem in the query: the manifest (pom.xml) says Maven; no installed version in the response
    assert (finding.package_name, finding.package_purl, finding.installed_version) == (
        "com.h2database:h2",
        "pkg:maven/com.h2database/h2",
        "",
    )
    assert finding.file_path == "apache/cxf/syncope/cxf-syncope/pom.xml"
    assert len(finding.references) == 9
    assert finding.description.startswith("### Impact\nH2 Console in versions since 1.1.100")


def test_search_response_names_the_repository_and_maps_each_severity():
    findings = _parse(_read("github-5-vuln.json"))

    assert [(f.package_name, f.severity) for f in findings] == [
        ("package01", Severity.CRITICAL),
        ("package02", Severity.HIGH),
        ("package03", Severity.MEDIUM),
        ("package04", Severity.MEDIUM),
        ("package05", Severity.LOW),
    ]
    assert {f.target for f in findings} == {"test-repository"}
    assert (findings[0].vulnerability_id, findings[0].aliases) == ("TEST-aaaa-bbbb-cccc", ["TEST-1111-2222-3333"])


GRAPHQL = b"""{"data": {"repository": {"nameWithOwner": "acme/shop", "vulnerabilityAlerts": {"edges": [
 {"node": {"state": "OPEN", "vulnerableManifestPath": "package-lock.json", "vulnerableRequirements": "= 4.17.15",
   "securityVulnerability": {"severity": "HIGH", "package": {"name": "lodash", "ecosystem": "NPM"},
     "vulnerableVersionRange": "< 4.17.19", "firstPatchedVersion": {"identifier": "4.17.19"},
     "advisory": {"ghsaId": "GHSA-p6mc-m468-83gw", "summary": "Prototype Pollution in lodash",
       "identifiers": [{"type": "GHSA", "value": "GHSA-p6mc-m468-83gw"}, {"type": "CVE", "value": "CVE-2020-8203"}],
       "cvssSeverities": {"cvssV4": {"vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:H/SC:N/SI:N/SA:N",
         "score": 8.8}}}}}},
 {"node": {"state": "FIXED", "fixedAt": "2024-01-01T00:00:00Z", "securityVulnerability": {"severity": "LOW",
   "package": {"name": "minimist", "ecosystem": "NPM"}, "advisory": {"ghsaId": "GHSA-vh95-rmgr-6w4m"}}}}
]}}}}"""


def test_graphql_edges_installed_version_fix_and_fixed_alerts_left_out():
    (finding,) = _parse(GRAPHQL)

    assert (finding.package_purl, finding.installed_version, finding.fixed_version) == (
        "pkg:npm/lodash@4.17.15",
        "4.17.15",
        "4.17.19",
    )
    assert (finding.cvss_v4_score, finding.cvss_v3_vector, finding.target) == (8.8, "", "acme/shop")
    assert finding.description == "Vulnerable versions: < 4.17.19."


REST = b"""[{"number": 2, "state": "dismissed", "dismissed_reason": "tolerable_risk", "dismissed_comment": "internal",
 "dependency": {"package": {"ecosystem": "pip", "name": "Django"}, "manifest_path": "requirements.txt"},
 "security_advisory": {"ghsa_id": "GHSA-rf4j-j272-fj86", "cve_id": "CVE-2018-6188", "summary": "Django leak",
   "description": "Details.", "severity": "high",
   "identifiers": [{"value": "GHSA-rf4j-j272-fj86", "type": "GHSA"}, {"value": "CVE-2018-6188", "type": "CVE"}],
   "references": [{"url": "https://nvd.nist.gov/vuln/detail/CVE-2018-6188"}],
   "cvss": {"vector_string": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "score": 7.5},
   "cwes": [{"cwe_id": "CWE-200", "name": "Exposure"}]},
 "security_vulnerability": {"package": {"ecosystem": "pip", "name": "django"}, "severity": "high",
   "vulnerable_version_range": ">= 2.0.0, < 2.0.2", "first_patched_version": {"identifier": "2.0.2"}},
 "html_url": "https://github.com/octocat/hello-world/security/dependabot/2"},
 {"number": 3, "state": "fixed", "security_advisory": {"ghsa_id": "GHSA-xxxx-xxxx-xxxx"}}]"""


def test_rest_alert_list_keeps_dismissed_alerts_with_their_reason():
    assert IMPORTERS[0].sniff(REST)
    (finding,) = _parse(REST)

    assert (finding.vulnerability_id, finding.aliases, finding.cwes, finding.severity) == (
        "GHSA-rf4j-j272-fj86",
        ["CVE-2018-6188"],
        [200],
        Severity.HIGH,
    )
    assert (finding.package_purl, finding.fixed_version, finding.file_path) == (
        "pkg:pypi/django",
        "2.0.2",
        "requirements.txt",
    )
    assert (finding.cvss_v3_vector, finding.cvss_v3_score) == ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5)
    assert finding.description == (
        "Details.\n\nVulnerable versions: >= 2.0.0, < 2.0.2.\n\nDismissed on GitHub (tolerable_risk: internal)."
    )
    assert finding.references == [
        "https://nvd.nist.gov/vuln/detail/CVE-2018-6188",
        "https://github.com/octocat/hello-world/security/dependabot/2",
    ]


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b"{}", b'{"data": {"repository": null}}'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


def test_graphql_error_response_raises_parse_error():
    data = b'{"data": null, "errors": [{"message": "Could not resolve to a Repository"}]}'

    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert caught.value.message == "GitHub returned an error instead of alerts: Could not resolve to a Repository"


@pytest.mark.parametrize(
    ("data", "position"),
    [(b"5", "$"), (b"[1]", "$[0]"), (b'[{"foo": 1}]', "$[0]"), (b'{"foo": 1}', "$")],
)
def test_wrong_shape_raises_parse_error_with_position(data, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.position) == ("github-dependabot", position)
