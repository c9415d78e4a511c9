"""OWASP Dependency-Check XML (shared real fixtures) and JSON (same structure, hand-written in fixtures.py: the shared
fixtures hold no JSON report)."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity
from garrison.findings.importers.dependency_check import IMPORTERS, parse_json, parse_xml
from garrison.findings.tests.importers.fixtures import DEPENDENCY_CHECK_JSON

pytestmark = pytest.mark.fixtures

FIXTURES = {"dc_empty.xml": 0, "single_vuln.xml": 1, "multiple_vulnerabilities_has_multiple_findings.xml": 7}
MULTIPLE = "multiple_vulnerabilities_has_multiple_findings.xml"


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "dependency_check", name).read_bytes()


def _xml(data: bytes) -> list:
    return list(parse_xml(io.BytesIO(data)))


def _json(data: bytes) -> list:
    return list(parse_json(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_fixture_finding_count(name, count):
    assert len(_xml(_read(name))) == count


def test_schema_1_3_finding_with_a_maven_identifier():
    (finding,) = _xml(_read("single_vuln.xml"))

    assert finding == ParsedFinding(
        title="CVE-0000-0001 in org.owasp:library",
        tool="OWASP Dependency-Check",
        kind=Kind.DEPENDENCY,
        severity=Severity.MEDIUM,
        vulnerability_id="CVE-0000-0001",
        package_name="org.owasp:library",
        package_purl="pkg:maven/org.owasp/library@6.7.8",
        installed_version="6.7.8",
        file_path="C:\\\\Projectestproject\\\\libraries\\\\component2.dll",
        description="Description of a bad vulnerability.",
        references=["http://localhost/badvulnerability.htm", "http://localhost2/reference_for_badvulnerability.pdf"],
        target="Test Project",
    )


def test_findings_per_dependency_and_suppressed_ones_left_out():
    findings = _xml(_read(MULTIPLE))

    assert [(f.vulnerability_id, f.package_name) for f in findings] == [
        ("CVE-0000-0001", "org.dom4j:dom4j"),
        ("NPM-1500", "yargs-parser"),
        ("CVE-2020-7608", "yargs-parser"),
        ("CWE-400: Uncontrolled Resource Consumption ('Resource Exhaustion')", "yargs-parser"),
        ("CVE-0000-0001", "org.dom4j:dom4j"),
        ("CVE-0000-0001", "dom4j-2.1.1.jar"),
        ("CVE-0000-0001", "jquery.js"),
    ]
    assert not {"CVE-2019-7238", "CVE-2017-1000487"} & {f.vulnerability_id for f in findings}


def test_cvss_v3_metrics_become_a_vector():
    finding = _xml(_read(MULTIPLE))[2]

    assert (finding.severity, finding.cvss_v3_vector, finding.cvss_v3_score) == (
        Severity.HIGH,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N",
        7.5,
    )
    assert (finding.package_purl, finding.installed_version) == ("pkg:npm/yargs-parser@5.0.0", "5.0.0")
    assert finding.file_path.endswith("package-lock.json?yargs-parser")


def test_cwe_and_unscored_severity_and_links_inside_reference_names():
    findings = _xml(_read(MULTIPLE))

    assert (findings[3].cwes, findings[1].severity) == ([400], Severity.LOW)
    assert findings[1].references == ["https://snyk.io/vuln/SNYK-JS-YARGSPARSER-560381"]


def test_related_dependencies_are_named_in_the_description():
    first = _xml(_read(MULTIPLE))[0]

    assert first.description.endswith(
        "Also found at:\n- /var/lib/adapter-ear8.ear/dom4j-2.1.1.jar\n"
        "- /var/lib/adapter-ear1.ear/dom4j-extensions-2.1.1.jar"
    )


def test_json_report():
    assert IMPORTERS[1].sniff(DEPENDENCY_CHECK_JSON)
    log4shell, v4 = _json(DEPENDENCY_CHECK_JSON)

    assert (log4shell.vulnerability_id, log4shell.severity, log4shell.cwes) == (
        "CVE-2021-44228",
        Severity.CRITICAL,
        [502, 400],
    )
    assert (log4shell.cvss_v3_vector, log4shell.cvss_v3_score) == (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
        10.0,
    )
    assert (log4shell.package_name, log4shell.package_purl, log4shell.fixed_version) == (
        "org.apache.logging.log4j:log4j-core",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        "2.15.0",
    )
    assert (log4shell.file_path, log4shell.target) == ("/app/lib/log4j-core-2.14.1.jar", "shop")
    assert (v4.cvss_v4_score, v4.severity) == (9.3, Severity.CRITICAL)


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b"{}", b'{"dependencies": []}'])
def test_empty_json_reports_yield_nothing(data):
    assert _json(data) == []


@pytest.mark.parametrize("data", [b"", b"  \n"])
def test_empty_xml_yields_nothing(data):
    assert _xml(data) == []


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b'{"dependencies": 3}', "$.dependencies"),
        (b'{"dependencies": [1]}', "$.dependencies[0]"),
        (b'{"dependencies": [{"vulnerabilities": {}}]}', "$.dependencies[0].vulnerabilities"),
        (b"[1]", "$"),
    ],
)
def test_json_wrong_shape_raises_parse_error_with_position(data, position):
    with pytest.raises(ParseError) as caught:
        _json(data)

    assert (caught.value.format, caught.value.position) == ("dependency-check-json", position)


def test_xml_with_another_root_raises_parse_error():
    with pytest.raises(ParseError) as caught:
        _xml(b"<report><dependencies/></report>")

    assert caught.value.message == "expected an <analysis> root element, got <report>"


def test_xml_entities_are_refused():
    data = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><analysis>&x;</analysis>'

    with pytest.raises(ParseError) as caught:
        _xml(data)

    assert caught.value.message == "refused unsafe XML (EntitiesForbidden)"
