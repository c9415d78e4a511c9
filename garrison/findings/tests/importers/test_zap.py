"""OWASP ZAP XML and JSON reports, read from the shared real fixtures."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity
from garrison.findings.importers.zap import parse_json, parse_xml

pytestmark = pytest.mark.fixtures

FIXTURES = {
    "basic-traditional-json.json": (parse_json, "zap-json", 2),
    "empty_2.9.0.xml": (parse_xml, "zap-xml", 0),
    "zap-xml-plus-format.xml": (parse_xml, "zap-xml", 1),
    "zap_2.16.1_with_req_resp.xml": (parse_xml, "zap-xml", 13),
}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "zap", name).read_bytes()


def _parse_fixture(name: str) -> list:
    parse, _, _ = FIXTURES[name]
    return list(parse(io.BytesIO(_read(name))))


def _xml(data: bytes) -> list:
    return list(parse_xml(io.BytesIO(data)))


def _parse_json(data: bytes) -> list:
    return list(parse_json(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), [(name, count) for name, (_, _, count) in FIXTURES.items()])
def test_fixture_finding_count(name, count):
    assert len(_parse_fixture(name)) == count


def test_json_report_yields_one_finding_per_instance_with_risk_from_riskcode():
    first = _parse_fixture("basic-traditional-json.json")[0]

    assert first == ParsedFinding(
        title="XSS",
        tool="ZAP",
        kind=Kind.DAST,
        severity=Severity.HIGH,
        vulnerability_id="1",
        rule_id="1",
        cwes=[123],
        endpoint="http://example.com/example_3",
        parameter="Test Param",
        description=(
            'XSS Description\n\nSolution:\nTest Solution\n\nMethod: GET\nAttack: Test "Attack\\"\n'
            "Evidence: Test <p>Evidence\nOther information:\nTest 'Other\\"
        ),
        references=[],
        target="http://example.com",
    )


def test_json_report_keeps_each_instance_other_info():
    findings = _parse_fixture("basic-traditional-json.json")

    assert findings[1].description.endswith("Other information:\nTest Another 'Other\\")


def test_xml_report_finding_fields():
    (finding,) = _parse_fixture("zap-xml-plus-format.xml")

    assert (finding.title, finding.severity, finding.rule_id, finding.cwes) == (
        "Insecure HTTP Method - PUT",
        Severity.MEDIUM,
        "90028",
        [200],
    )
    assert (finding.endpoint, finding.parameter, finding.target) == (
        "http://localhost:8080/bodgeit/js/qndto7n63d",
        "",
        "http://localhost:8080",
    )
    assert finding.references == ["http://projects.webappsec.org/Fingerprinting"]
    assert "Method: PUT\nEvidence: response code 403 for potentially insecure HTTP METHOD" in finding.description


def test_xml_report_2_16_instances_parameters_and_tag_links():
    findings = _parse_fixture("zap_2.16.1_with_req_resp.xml")
    poisoning = findings[1]

    assert [(f.rule_id, f.parameter) for f in findings[1:6]] == [
        ("10029", "clearCache"),
        ("10029", "addToSession"),
        ("10029", "allowPartialSave"),
        ("10029", "rehydrate"),
        ("10029", "allowPartialSave"),
    ]
    assert poisoning.endpoint == (
        "https://example-domain.com/cpapi/api/redirect/getPrefillOtuTokenData?otuToken=otuToken&clearCache=true"
    )
    assert (poisoning.severity, poisoning.cwes, poisoning.kind) == (Severity.INFO, [565], Kind.DAST)
    assert poisoning.references == [
        "https://en.wikipedia.org/wiki/HTTP_cookie",
        "https://cwe.mitre.org/data/definitions/565.html",
        "https://owasp.org/Top10/A03_2021-Injection/",
        "https://owasp.org/www-project-top-ten/2017/A1_2017-Injection.html",
    ]


def test_xml_report_cwe_minus_one_means_none():
    assert _parse_fixture("zap_2.16.1_with_req_resp.xml")[0].cwes == []


def test_xml_other_info_loses_its_indentation():
    first = _parse_fixture("zap_2.16.1_with_req_resp.xml")[0]

    assert first.description.endswith(
        "Other information:\nuserParam=user_identifier\nuserValue=string\npasswordParam=passwordless_code"
    )


OLD_XML = b"""<?xml version="1.0"?>
<OWASPZAPReport version="2.4.3" generated="Mon, 1 Feb 2016">
<site name="http://old.example" host="old.example" port="80" ssl="false"><alerts>
<alertitem><pluginid>10016</pluginid><alert>Web Browser XSS Protection Not Enabled</alert>
<riskcode>1</riskcode><confidence>2</confidence><riskdesc>Low (Medium)</riskdesc>
<desc>&lt;p&gt;Web Browser XSS Protection is not enabled&lt;/p&gt;&lt;p&gt;second paragraph&lt;/p&gt;</desc>
<uri>http://old.example/robots.txt</uri><param>X-XSS-Protection</param>
<solution>&lt;p&gt;Set the header&lt;/p&gt;</solution>
<reference>&lt;p&gt;https://a.example/one&lt;/p&gt;&lt;p&gt;https://b.example/two&lt;/p&gt;</reference>
<cweid>933</cweid><wascid>14</wascid></alertitem>
</alerts></site></OWASPZAPReport>"""


def test_xml_alert_without_instances_is_one_finding_with_html_turned_into_text():
    (finding,) = _xml(OLD_XML)

    assert (finding.endpoint, finding.parameter, finding.severity) == (
        "http://old.example/robots.txt",
        "X-XSS-Protection",
        Severity.LOW,
    )
    assert finding.description == (
        "Web Browser XSS Protection is not enabled\nsecond paragraph\n\nSolution:\nSet the header"
    )
    assert finding.references == ["https://a.example/one", "https://b.example/two"]


def test_xml_with_a_comment_before_the_declaration_is_read():
    data = b"<!-- SPDX-License-Identifier: Apache-2.0 -->\n" + _read("zap-xml-plus-format.xml")

    assert [f.rule_id for f in _xml(data)] == ["90028"]


def test_json_risk_placeholder_is_used_when_riskcode_is_missing():
    data = (
        b'{"site": [{"@name": "h", "alerts": [{"pluginid": "7", "name": "n", "riskdesc": "!reports.report.risk.2!"}]}]}'
    )

    (finding,) = _parse_json(data)

    assert (finding.severity, finding.endpoint) == (Severity.MEDIUM, "h")


def test_json_report_without_sites_is_empty():
    assert list(parse_json(io.BytesIO(b'{"@programName": "ZAP", "@version": "2.14.0"}'))) == []


@pytest.mark.parametrize(
    ("parse", "fmt", "data", "position"),
    [
        (parse_json, "zap-json", b'{"version": 1}', "$"),
        (parse_json, "zap-json", b"[1, 2]", "$"),
        (parse_json, "zap-json", b'{"site": 3}', "$.site"),
        (parse_json, "zap-json", b'{"site": [{"alerts": ["x"]}]}', "$.site[0].alerts[0]"),
        (parse_json, "zap-json", b'{"site": [{"alerts": [{"instances": [7]}]}]}', "$.site[0].alerts[0].instances[0]"),
        (parse_xml, "zap-xml", b"<report><site/></report>", "line 1"),
    ],
)
def test_wrong_shape_raises_parse_error_with_position(parse, fmt, data, position):
    with pytest.raises(ParseError) as caught:
        list(parse(io.BytesIO(data)))

    assert (caught.value.format, caught.value.position) == (fmt, position)


def test_entity_expansion_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        b"<OWASPZAPReport>&b;</OWASPZAPReport>"
    )

    with pytest.raises(ParseError, match="refused unsafe XML"):
        list(parse_xml(io.BytesIO(bomb)))
