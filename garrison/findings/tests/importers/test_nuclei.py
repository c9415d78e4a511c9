"""Nuclei JSON Lines and JSON export, read from the shared real fixtures."""

from __future__ import annotations

import io

import orjson
import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity
from garrison.findings.importers.nuclei import parse

pytestmark = pytest.mark.fixtures

COUNTS = {"no_findings.json": 0, "issue_9201.json": 1, "many_findings.json": 18}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "nuclei", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), list(COUNTS.items()))
def test_fixture_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_single_object_report_with_current_keys():
    (finding,) = _parse(_read("issue_9201.json"))

    assert finding == ParsedFinding(
        title="favicon-detection (asp.net-favicon)",
        tool="Nuclei",
        kind=Kind.DAST,
        severity=Severity.INFO,
        vulnerability_id="favicon-detect",
        rule_id="favicon-detect:asp.net-favicon",
        endpoint="https://example.com/favicon.ico%c0",
        references=[
            "https://twitter.com/brsn76945860/status/1171233054951501824",
            "https://gist.github.com/yehgdotnet/b9dfc618108d2f05845c4d8e28c5fc6a",
            "https://medium.com/@asm0d3us/weaponizing-favicon-ico-for-bugbounties-osint-and-what-not-ace3c214e139",
            "https://github.com/devanshbatham/favfreak",
            "https://github.com/sansatart/scrapts/blob/master/shodan-favicon-hashes.csv",
        ],
        target="https://example.com",
    )


def test_json_lines_with_pre_2_5_keys_and_reference_string():
    first = _parse(_read("many_findings.json"))[0]

    assert (first.rule_id, first.title, first.severity) == ("openssh5.3-detect", "OpenSSH 5.3 Detection", Severity.LOW)
    assert (first.endpoint, first.target) == ("nuclei-example.com:22", "https://nuclei-example.com")
    assert first.description == "OpenSSH 5.3 is vulnerable to username enumeraiton and DoS vulnerabilities."
    assert first.references == [
        "http://seclists.org/fulldisclosure/2016/Jul/51",
        "https://security-tracker.debian.org/tracker/CVE-2016-6210",
        "http://openwall.com/lists/oss-security/2016/08/01/2",
    ]


def test_each_matcher_of_a_template_is_its_own_rule():
    findings = _parse(_read("many_findings.json"))

    assert [f.rule_id for f in findings[3:6]] == [
        "tech-detect:animate.css",
        "tech-detect:bootstrap",
        "tech-detect:font-awesome",
    ]
    assert findings[3].title == "Wappalyzer Technology Detection (animate.css)"


CVE_RESULT = {
    "template-id": "CVE-2021-44228",
    "info": {
        "name": "Apache Log4j2 Remote Code Injection",
        "severity": "critical",
        "description": "Log4j2 JNDI features do not protect against attacker controlled LDAP endpoints.",
        "remediation": "Upgrade to Log4j 2.15.0.",
        "reference": ["https://logging.apache.org/log4j/2.x/security.html"],
        "classification": {
            "cve-id": ["cve-2021-44228", "cve-2021-45046"],
            "cwe-id": ["cwe-502", "cwe-917"],
            "cvss-metrics": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
            "cvss-score": 10,
        },
    },
    "type": "http",
    "host": "https://app.example",
    "matched-at": "https://app.example/api/login",
    "fuzzing_parameter": "username",
    "extracted-results": ["secret-token-value"],
    "curl-command": "curl -H 'Authorization: Bearer secret-token-value' https://app.example/api/login",
}


def test_classification_gives_ids_cwes_and_cvss():
    (finding,) = _parse(orjson.dumps(CVE_RESULT))

    assert (finding.vulnerability_id, finding.aliases) == ("CVE-2021-44228", ["CVE-2021-45046"])
    assert finding.cwes == [502, 917]
    assert (finding.cvss_v3_vector, finding.cvss_v3_score) == ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0)
    assert (finding.severity, finding.parameter) == (Severity.CRITICAL, "username")
    assert finding.description == (
        "Log4j2 JNDI features do not protect against attacker controlled LDAP endpoints.\n\n"
        "Remediation:\nUpgrade to Log4j 2.15.0."
    )


def test_extracted_results_and_requests_are_not_copied():
    (finding,) = _parse(orjson.dumps(CVE_RESULT))

    assert "secret-token-value" not in repr(finding)


def test_json_export_array_and_pretty_printed_object_are_read():
    array = orjson.dumps([CVE_RESULT, CVE_RESULT])
    pretty = orjson.dumps(CVE_RESULT, option=orjson.OPT_INDENT_2)

    assert (len(_parse(array)), len(_parse(pretty))) == (2, 1)


def test_severity_falls_back_to_the_cvss_score():
    result = {"template-id": "x", "info": {"name": "x", "classification": {"cvss-score": "7.5"}}}

    (finding,) = _parse(orjson.dumps(result))

    assert finding.severity == Severity.HIGH


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b'{"templateID": "a", "info": {}}\n[1]\n', "line 2[0]"),
        (b'{"templateID": "a", "info": {}}\n"text"\n', "line 2"),
        (b'{"results": []}', "line 1"),
        (b'[{"template-id": "a"}, {"name": "not nuclei"}]', "$[1]"),
    ],
)
def test_wrong_shape_raises_parse_error_with_position(data, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.position) == ("nuclei", position)
