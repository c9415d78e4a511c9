"""SARIF 2.1.0 (CodeQL, Semgrep, the spec's own examples, Trivy-style dependency results)."""

from __future__ import annotations

import io

import orjson
import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParseError, Severity, hash_snippet
from garrison.findings.importers.sarif import IMPORTERS, parse

FILES = {"appendix_k1.sarif": 0, "appendix_k2.sarif": 1, "codeQL-output.sarif": 72, "issue_10191.json": 77}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "sarif", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


def _log(results: list, rules: list | None = None, **run) -> bytes:
    """A log of one run in the spec's key order: tool, the run's other parts, results."""
    driver = {"name": "Scanner", "rules": rules or []}
    return orjson.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": driver}, **run, "results": results}]})


@pytest.mark.parametrize(("name", "count"), sorted(FILES.items()))
def test_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_message_from_rule_message_strings_with_arguments():
    (finding,) = _parse(_read("appendix_k2.sarif"))

    assert finding.title == 'Variable "count" was used without being initialized.'
    assert (finding.tool, finding.kind, finding.rule_id, finding.vulnerability_id) == (
        "CodeScanner",
        Kind.CODE,
        "C2001",
        "C2001",
    )
    assert (finding.file_path, finding.line) == ("src/collections/list.cpp", 15)
    assert finding.severity is Severity.MEDIUM  # no level anywhere: SARIF's default "warning"
    assert finding.code_fingerprint == ""  # no fingerprint, no snippet


def test_codeql_security_result():
    finding = _parse(_read("codeQL-output.sarif"))[59]

    assert finding.title == "SQL query built from user-controlled sources"
    assert finding.tool == "CodeQL"
    assert finding.rule_id == "py/sql-injection"
    assert finding.severity is Severity.HIGH  # defaultConfiguration.level "error"
    assert finding.cwes == [89]  # "external/cwe/cwe-089"
    assert (finding.file_path, finding.line) == ("bad/libuser.py", 12)
    assert finding.description.endswith("insertion of malicious SQL code by the user.")


def test_codeql_fingerprint_is_the_context_snippet_not_the_line_hash():
    first = _parse(_read("codeQL-output.sarif"))[0]

    context = "    try:\n        os.remove('db_users.sqlite')\n    except FileNotFoundError:\n        pass\n\n"
    assert first.code_fingerprint == hash_snippet(context)
    assert first.severity is Severity.LOW  # level "note"
    assert first.cwes == [390]


def test_codeql_results_keep_distinct_identities():
    findings = _parse(_read("codeQL-output.sarif"))

    assert len({(f.rule_id, f.file_path, f.code_fingerprint) for f in findings}) == 72


def test_semgrep_sarif_uses_the_tools_stable_fingerprint_and_security_severity_word():
    finding = _parse(_read("issue_10191.json"))[21]

    assert finding.tool == "Semgrep OSS"
    assert finding.severity is Severity.CRITICAL  # properties["security-severity"] = "CRITICAL"
    assert finding.cwes == [943]  # tag "CWE-943"
    assert (finding.file_path, finding.line) == ("routes/address.ts", 18)
    assert finding.code_fingerprint.startswith("b791fb07e2b974ef6c94f59fcceb71ac")
    assert finding.code_fingerprint.endswith("_0")


def test_security_severity_score_wins_over_level():
    rules = [{"id": "R1", "properties": {"security-severity": "9.8"}}]
    (finding,) = _parse(_log([{"ruleId": "R1", "level": "warning", "message": {"text": "x"}}], rules))

    assert finding.severity is Severity.CRITICAL


def test_relative_uri_base_ids_are_joined_and_absolute_ones_dropped():
    results = [
        {
            "ruleId": "R1",
            "message": {"text": "m"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a%20b.py", "uriBaseId": "PKG"}}}],
        }
    ]
    bases = {"PKG": {"uri": "pkg/", "uriBaseId": "SRC"}, "SRC": {"uri": "file:///home/runner/work/app/"}}
    (finding,) = _parse(_log(results, originalUriBaseIds=bases))

    assert finding.file_path == "pkg/a b.py"


def test_location_by_artifact_index():
    results = [
        {
            "ruleId": "R1",
            "message": {"text": "m"},
            "locations": [{"physicalLocation": {"artifactLocation": {"index": 1}}}],
        }
    ]
    artifacts = [{"location": {"uri": "a.py"}}, {"location": {"uri": "src/b.py"}}]
    (finding,) = _parse(_log(results, artifacts=artifacts))

    assert finding.file_path == "src/b.py"


def test_results_before_the_tool_and_artifacts_are_read_with_the_whole_run():
    """Sorted keys (Semgrep, Go) put results before the rules and artifacts they refer to."""
    rules = [{"id": "R1", "shortDescription": {"text": "Rule one"}, "properties": {"security-severity": "9.1"}}]
    results = [{"ruleIndex": 0, "message": {"text": "m"}, "locations": [_at_index(1)]}, {"ruleId": "R1"}]
    artifacts = [{"location": {"uri": "a.py"}}, {"location": {"uri": "src/b.py"}}]
    log = {"runs": [{"results": results, "artifacts": artifacts, "tool": {"driver": {"name": "S", "rules": rules}}}]}

    findings = _parse(orjson.dumps(log))

    assert [(f.rule_id, f.file_path, f.severity) for f in findings] == [
        ("R1", "src/b.py", Severity.CRITICAL),
        ("R1", "", Severity.CRITICAL),
    ]


def test_a_result_naming_an_artifact_before_the_artifacts_waits_for_them():
    results = [{"ruleId": "R1", "message": {"text": "m"}, "locations": [_at_index(0)]}]
    artifacts = [{"location": {"uri": "x.go"}}]
    log = {"runs": [{"tool": {"driver": {"name": "S"}}, "results": results, "artifacts": artifacts}]}

    assert [f.file_path for f in _parse(orjson.dumps(log))] == ["x.go"]


def test_a_result_naming_a_base_id_before_the_bases_waits_for_them():
    location = {"physicalLocation": {"artifactLocation": {"uri": "app/a.py", "uriBaseId": "SRC"}}}
    results = [{"ruleId": "R1", "message": {"text": "m"}, "locations": [location]}]
    run = {"tool": {"driver": {"name": "S"}}, "results": results, "originalUriBaseIds": {"SRC": {"uri": "src/"}}}

    assert [f.file_path for f in _parse(orjson.dumps({"runs": [run]}))] == ["src/app/a.py"]


def _at_index(index: int) -> dict:
    return {"physicalLocation": {"artifactLocation": {"index": index}}}


def test_position_fingerprints_are_skipped_for_a_stable_one():
    result = {
        "ruleId": "R1",
        "message": {"text": "m"},
        "partialFingerprints": {"primaryLocationLineHash": "abc:1", "stableHash/v1": "f00d"},
    }

    assert _parse(_log([result]))[0].code_fingerprint == "f00d"


def test_passing_results_are_not_findings():
    results = [
        {"ruleId": "R1", "kind": "pass", "message": {"text": "ok"}},
        {"ruleId": "R1", "message": {"text": "bad"}},
    ]

    assert [f.title for f in _parse(_log(results))] == ["bad"]


def test_trivy_sarif_result_is_a_dependency_finding():
    rules = [
        {
            "id": "CVE-2021-23337",
            "name": "LanguageSpecificPackageVulnerability",
            "shortDescription": {"text": "lodash: command injection via template"},
            "helpUri": "https://avd.aquasec.com/nvd/cve-2021-23337",
            "properties": {"security-severity": "7.2", "tags": ["vulnerability", "security", "HIGH"]},
        }
    ]
    message = "Package: lodash\nInstalled Version: 4.17.20\nVulnerability CVE-2021-23337\nFixed Version: 4.17.21"
    results = [
        {
            "ruleId": "CVE-2021-23337",
            "ruleIndex": 0,
            "level": "error",
            "message": {"text": message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "web/package-lock.json"}}}],
        }
    ]
    (finding,) = _parse(_log(results, rules, properties={"imageName": "shop:1.2"}))

    assert finding.kind is Kind.DEPENDENCY
    assert finding.vulnerability_id == "CVE-2021-23337"
    assert (finding.package_name, finding.installed_version, finding.fixed_version) == ("lodash", "4.17.20", "4.17.21")
    assert finding.package_purl == "pkg:npm/lodash@4.17.20"
    assert finding.severity is Severity.HIGH
    assert finding.title == "CVE-2021-23337 in lodash: lodash: command injection via template"
    assert finding.target == "shop:1.2"
    assert finding.references == ["https://avd.aquasec.com/nvd/cve-2021-23337"]


def test_multiple_runs_each_name_their_tool():
    run = {"tool": {"driver": {"name": "A"}}, "results": [{"ruleId": "x", "message": {"text": "m"}}]}
    data = orjson.dumps({"version": "2.1.0", "runs": [run, {**run, "tool": {"driver": {"name": "B"}}}]})

    assert [f.tool for f in _parse(data)] == ["A", "B"]


@pytest.mark.parametrize("data", [b"", b"null", b"{}", b'{"version": "2.1.0", "runs": null}', b'{"runs": []}'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b"[1, 2]", "$"),
        (b'{"version": "2.1.0"}', "$"),
        (b'{"runs": {}}', "$.runs"),
        (b'{"runs": [3]}', "$.runs[0]"),
        (b'{"runs": [{"results": {"a": 1}}]}', "$.runs[0].results"),
        (b'{"runs": [{"results": ["x"]}]}', "$.runs[0].results[0]"),
    ],
)
def test_wrong_shape_is_a_parse_error(data, position):
    with pytest.raises(ParseError) as error:
        _parse(data)

    assert (error.value.format, error.value.position) == ("sarif", position)


def test_registered_under_its_name():
    assert [i.name for i in IMPORTERS] == ["sarif"]
