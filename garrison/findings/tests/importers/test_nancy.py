"""Sonatype nancy JSON, read from the shared real fixtures."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity
from garrison.findings.importers.nancy import parse

pytestmark = pytest.mark.fixtures

FIXTURES = {"nancy_no_findings.json": 0, "nancy_one_findings.json": 1, "nancy_many_findings.json": 13}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "nancy", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_fixture_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_finding_fields():
    (finding,) = _parse(_read("nancy_one_findings.json"))

    assert finding == ParsedFinding(
        title='URL Redirection to Untrusted Site ("Open Redirect")',
        tool="nancy",
        kind=Kind.DEPENDENCY,
        severity=Severity.MEDIUM,
        vulnerability_id="CVE-2017-1000070",
        aliases=["9eb9a5bc-8310-4104-bf85-3a820d28ba79"],
        cvss_v3_vector="CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
        cvss_v3_score=6.1,
        package_name="github.com/bitly/oauth2_proxy",
        package_purl="pkg:golang/github.com/bitly/oauth2_proxy@0.1",
        installed_version="0.1",
        description=(
            "The Bitly oauth2_proxy in version 2.1 and earlier was affected by an open redirect vulnerability during "
            "the start and termination of the 2-legged OAuth flow. This issue was caused by improper input "
            "validation and a violation of RFC-6819"
        ),
        references=["https://ossindex.sonatype.org/vuln/9eb9a5bc-8310-4104-bf85-3a820d28ba79"],
    )


def test_vulnerability_without_cve_keeps_the_oss_index_id_and_cwe_from_the_title():
    finding = _parse(_read("nancy_many_findings.json"))[1]

    assert (finding.vulnerability_id, finding.aliases, finding.cwes, finding.severity) == (
        "4efaed86-e62e-4c0c-b812-36c07e61ede4",
        [],
        [400],
        Severity.HIGH,
    )


def test_severity_follows_the_cvss_score():
    findings = _parse(_read("nancy_many_findings.json"))

    assert [f.severity for f in findings if f.package_name == "github.com/gogs/gogs"] == [
        Severity.CRITICAL,
        Severity.HIGH,
        Severity.HIGH,
        Severity.CRITICAL,
        Severity.MEDIUM,
        Severity.MEDIUM,
    ]


def test_only_the_vulnerable_list_counts_not_audited():
    assert _parse(_read("nancy_no_findings.json")) == []


def test_excluded_vulnerabilities_are_not_findings():
    data = (
        b'{"num_vulnerable": 1, "vulnerable": [{"Coordinates": "pkg:golang/a/b@1.0", "Vulnerabilities": ['
        b'{"Id": "x", "Title": "t", "Cve": "CVE-2020-1", "Excluded": true},'
        b'{"Id": "y", "Title": "u", "Cve": "CVE-2020-2", "CvssScore": "3.1", "Excluded": false}]}]}'
    )

    assert [(f.vulnerability_id, f.severity) for f in _parse(data)] == [("CVE-2020-2", Severity.LOW)]


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b"{}", b'{"audited": [], "vulnerable": []}'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b"[1]", "$"),
        (b'{"vulnerable": 3}', "$.vulnerable"),
        (b'{"vulnerable": [3]}', "$.vulnerable[0]"),
        (b'{"vulnerable": [{"Vulnerabilities": 3}]}', "$.vulnerable[0].Vulnerabilities"),
        (b'{"vulnerable": [{"Vulnerabilities": [3]}]}', "$.vulnerable[0].Vulnerabilities[0]"),
    ],
)
def test_wrong_shape_raises_parse_error_with_position(data, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.position) == ("nancy", position)
