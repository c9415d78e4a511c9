"""yarn audit JSON (yarn 1 NDJSON, yarn 2+ shapes), read from the shared real fixtures."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParseError, Severity
from garrison.findings.importers.yarn_audit import IMPORTERS, parse

pytestmark = pytest.mark.fixtures

FIXTURES = {"yarn_audit_zero_vul.json": 0, "yarn_audit_one_vul.json": 1, "yarn_audit_many_vul.json": 3}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "yarn_audit", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_fixture_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_advisory_fields():
    (finding,) = _parse(_read("yarn_audit_one_vul.json"))

    assert (finding.title, finding.tool, finding.kind, finding.severity) == (
        "Prototype Pollution",
        "yarn audit",
        Kind.DEPENDENCY,
        Severity.HIGH,
    )
    assert (finding.vulnerability_id, finding.aliases, finding.cwes) == ("NPM-1325", [], [471])
    assert (finding.package_name, finding.package_purl, finding.installed_version) == (
        "handlebars",
        "pkg:npm/handlebars@4.5.2",
        "4.5.2",
    )
    assert finding.fixed_version == ">=3.0.8 <4.0.0 || >=4.5.3"
    assert finding.references == ["https://npmjs.com/advisories/1325"]
    assert finding.description.endswith(
        "Vulnerable versions: <3.0.8 || >=4.0.0 <4.5.3\n\nDependency paths:\n- handlebars"
    )


def test_many_advisories_in_order_with_their_severities():
    findings = _parse(_read("yarn_audit_many_vul.json"))

    assert [(f.vulnerability_id, f.package_name, f.severity) for f in findings] == [
        ("NPM-1179", "minimist", Severity.LOW),
        ("NPM-1324", "handlebars", Severity.HIGH),
        ("NPM-1325", "handlebars", Severity.HIGH),
    ]


def _advisory_line(path: str, version: str) -> bytes:
    return (
        b'{"type":"auditAdvisory","data":{"resolution":{"id":1,"path":"' + path.encode() + b'"},'
        b'"advisory":{"id":1,"module_name":"minimist","title":"Prototype Pollution","severity":"moderate",'
        b'"cves":["CVE-2020-7598"],"github_advisory_id":"GHSA-vh95-rmgr-6w4m","patched_versions":">=1.2.3",'
        b'"findings":[{"version":"' + version.encode() + b'","paths":["' + path.encode() + b'"]}]}}}\n'
    )


def test_the_same_advisory_on_two_paths_is_one_finding_per_version():
    data = _advisory_line("a>minimist", "1.2.0") + _advisory_line("b>minimist", "1.2.0")
    data += _advisory_line("c>minimist", "0.0.8")

    findings = _parse(data)

    assert [(f.installed_version, f.vulnerability_id, f.aliases, f.fixed_version) for f in findings] == [
        ("1.2.0", "GHSA-vh95-rmgr-6w4m", ["CVE-2020-7598"], "1.2.3"),
        ("0.0.8", "GHSA-vh95-rmgr-6w4m", ["CVE-2020-7598"], "1.2.3"),
    ]
    assert findings[0].description.endswith("Dependency paths:\n- a>minimist\n- b>minimist")


BERRY = (
    b'{"value":"debug","children":{"ID":1094222,"Issue":"ReDoS in debug","URL":'
    b'"https://github.com/advisories/GHSA-gxpj-cx7g-858c","Severity":"moderate","Vulnerable Versions":"<2.6.9",'
    b'"Tree Versions":["2.6.8"],"Dependents":["express@npm:4.16.0"]}}\n'
)


def test_yarn_berry_tree_lines():
    assert IMPORTERS[0].sniff(BERRY)
    (finding,) = _parse(BERRY)

    assert (finding.vulnerability_id, finding.package_purl, finding.severity, finding.title) == (
        "GHSA-gxpj-cx7g-858c",
        "pkg:npm/debug@2.6.8",
        Severity.MEDIUM,
        "ReDoS in debug",
    )


def test_single_json_advisories_document_is_read():
    data = (
        b'{\n  "advisories": {\n    "1325": {"id": 1325, "module_name": "handlebars", "title": "Prototype Pollution",'
        b'\n "severity": "high", "findings": [{"version": "4.5.2", "paths": ["handlebars"]}]}\n  }\n}'
    )

    assert [f.package_purl for f in _parse(data)] == ["pkg:npm/handlebars@4.5.2"]


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b"{}", b'{"type":"info","data":"No lockfile found."}\n'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


def test_error_without_a_summary_raises_parse_error():
    data = b'{"type":"error","data":"An unexpected error occurred: \\"Request failed\\"."}\n'

    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (
        caught.value.message
        == 'yarn reported an error instead of an audit: An unexpected error occurred: "Request failed".'
    )


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b'{"type":"auditSummary","data":{}}\n[1]\n', "line 2"),
        (b'{"type":"auditAdvisory","data":{"advisory":5}}\n', "line 1"),
        (b'{"value":"x","children":[1]}\n', "line 1"),
    ],
)
def test_wrong_shape_raises_parse_error_with_line(data, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.position) == ("yarn-audit", position)
