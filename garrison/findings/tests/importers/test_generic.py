"""The generic JSON and CSV formats (DefectDojo's Generic Findings Import plus our fields), on the real fixtures."""

from __future__ import annotations

import io

import orjson
import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity
from garrison.findings.importers.generic import parse_csv, parse_json

pytestmark = pytest.mark.fixtures

FIXTURES = {
    "generic_empty.json": (parse_json, "generic-json", 0),
    "generic_one_finding_with_component_name.json": (parse_json, "generic-json", 1),
    "generic_report1.json": (parse_json, "generic-json", 2),
    "generic_report1.csv": (parse_csv, "generic-csv", 5),
}
CSV_HEADER = b"Date,Title,CweId,Url,Severity,Description,Mitigation,Impact,References,Active,Verified,FalsePositive\n"


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "generic", name).read_bytes()


def _json(document: object) -> list:
    return list(parse_json(io.BytesIO(orjson.dumps(document))))


def _json_bytes(data: bytes) -> list:
    return list(parse_json(io.BytesIO(data)))


def _csv(data: bytes) -> list:
    return list(parse_csv(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), [(name, count) for name, (_, _, count) in FIXTURES.items()])
def test_fixture_finding_count(name, count):
    parse, _, _ = FIXTURES[name]

    assert len(list(parse(io.BytesIO(_read(name))))) == count


def test_json_finding_fields():
    first = _json_bytes(_read("generic_report1.json"))[0]

    assert first == ParsedFinding(
        title="test title",
        tool="generic",
        kind=Kind.OTHER,
        severity=Severity.MEDIUM,
        vulnerability_id="CVE-2020-36234",
        cvss_v3_vector="CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:N",
        cwes=[261],
        rule_id="TEST1",
        code_fingerprint="3287f2d0-554f-491b-8516-3c349ead8ee5",
        description="Some very long description with\n\n some UTF-8 chars à qu'il est beau\n\nImpact:\nSome impact",
    )


def test_json_component_name_makes_a_dependency_finding():
    (finding,) = _json_bytes(_read("generic_one_finding_with_component_name.json"))

    assert (finding.title, finding.severity, finding.kind, finding.package_name, finding.description) == (
        "High",
        Severity.HIGH,
        Kind.DEPENDENCY,
        "Component A",
        "test",
    )


def test_csv_row_fields():
    first = _csv(_read("generic_report1.csv"))[0]

    assert first == ParsedFinding(
        title="ASDF",
        tool="generic",
        kind=Kind.DAST,
        severity=Severity.LOW,
        cwes=[1],
        endpoint="https://vulnerable.endpoint.com/resource1/asdf",
        description="Some description\n\nImpact:\nSome Impact\n\nMitigation:\nSome mitigation advice",
    )


def test_csv_rows_with_the_same_title_stay_separate_findings():
    findings = _csv(_read("generic_report1.csv"))

    assert [(f.cwes, f.endpoint.rsplit("/", 2)[1]) for f in findings] == [
        ([1], "resource1"),
        ([2], "resource2"),
        ([3], "resource3"),
        ([4], "resource4"),
        ([5], "resource5"),
    ]


def test_csv_wrong_severity_names_the_line_and_the_value():
    rows = [b"01/01/2024,Row %d,79,,High,d,,,,TRUE,TRUE,FALSE\n" % n for n in range(12)]
    data = CSV_HEADER + b"".join(rows) + b"01/01/2024,Bad,79,,urgent,d,,,,TRUE,TRUE,FALSE\n"

    with pytest.raises(ParseError) as caught:
        _csv(data)

    assert caught.value.format == "generic-csv"
    assert caught.value.message == 'line 14: "severity" must be one of critical, high, medium, low, info (got "urgent")'
    assert caught.value.position == "line 14"


def test_csv_line_numbers_count_the_lines_inside_quoted_cells():
    data = b'Title,Severity,Description\nOne,Low,"two\nline cell"\nTwo,bogus,x\n'

    with pytest.raises(ParseError) as caught:
        _csv(data)

    assert caught.value.position == "line 4"


def test_json_wrong_severity_names_the_finding():
    document = {"findings": [{"title": "ok", "severity": "Info"}, {"title": "bad", "severity": "urgent"}]}

    with pytest.raises(ParseError) as caught:
        _json(document)

    assert str(caught.value) == (
        'generic-json: $.findings[1]: "severity" must be one of critical, high, medium, low, info (got "urgent")'
        " at $.findings[1]"
    )


def test_csv_missing_columns_are_tolerated_and_other_delimiters_read():
    (finding,) = _csv(b"Title;Severity\nOpen redirect;Medium\n")

    assert (finding.title, finding.severity, finding.kind, finding.description) == (
        "Open redirect",
        Severity.MEDIUM,
        Kind.OTHER,
        "",
    )


def test_csv_our_columns():
    data = (
        b"Title,Severity,CVE,Vulnerability Id,purl,fixed_version,kind,CweIds,CVSSV3,References\n"
        b'Django SQLi,critical,CVE-2024-1,GHSA-aaaa-bbbb-cccc,pkg:pypi/django@4.2.1,4.2.2,dependency,"CWE-89, 20",'
        b"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H,https://x.example/a https://x.example/b\n"
    )

    (finding,) = _csv(data)

    assert (finding.vulnerability_id, finding.aliases) == ("CVE-2024-1", ["GHSA-aaaa-bbbb-cccc"])
    assert (finding.package_purl, finding.package_name, finding.installed_version, finding.fixed_version) == (
        "pkg:pypi/django@4.2.1",
        "django",
        "4.2.1",
        "4.2.2",
    )
    assert (finding.kind, finding.cwes) == (Kind.DEPENDENCY, [89, 20])
    assert finding.cvss_v3_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    assert finding.references == ["https://x.example/a", "https://x.example/b"]


def test_json_purl_without_version_gets_the_component_version():
    (finding,) = _json({"findings": [{"title": "t", "purl": "pkg:npm/%40babel/core", "component_version": "7.0.0"}]})

    assert (finding.package_purl, finding.package_name) == ("pkg:npm/%40babel/core@7.0.0", "core")


def test_json_endpoints_make_one_dast_finding_each():
    document = {
        "findings": [
            {
                "title": "XSS",
                "severity": "High",
                "param": "q",
                "endpoints": ["https://a.example/search", {"protocol": "https", "host": "b.example", "path": "find"}],
            }
        ]
    }

    findings = _json(document)

    assert [(f.kind, f.endpoint, f.parameter) for f in findings] == [
        (Kind.DAST, "https://a.example/search", "q"),
        (Kind.DAST, "https://b.example/find", "q"),
    ]


def test_json_code_finding_and_vulnerability_ids_list():
    document = {
        "name": "My SAST",
        "findings": [
            {
                "title": "Weak hash",
                "severity": "Low",
                "file_path": "src/app.py",
                "line": "42",
                "vulnerability_ids": [{"vulnerability_id": "CVE-2020-1"}, "CVE-2020-2"],
                "references": "See the internal wiki",
            }
        ],
    }

    (finding,) = _json(document)

    assert (finding.tool, finding.kind, finding.file_path, finding.line) == ("My SAST", Kind.CODE, "src/app.py", 42)
    assert (finding.vulnerability_id, finding.aliases) == ("CVE-2020-1", ["CVE-2020-2"])
    assert (finding.references, finding.description) == ([], "References:\nSee the internal wiki")


def test_missing_severity_comes_from_the_cvss_score():
    (finding,) = _json({"findings": [{"title": "t", "cvssv3_score": 9.8}]})

    assert (finding.severity, finding.cvss_v3_score) == (Severity.CRITICAL, 9.8)


@pytest.mark.parametrize(
    ("document", "message", "position"),
    [
        ([{"title": "t"}], 'expected an object with "findings"', "$"),
        ({"findings": {"title": "t"}}, '"findings" must be a list', "$.findings"),
        ({"findings": ["t"]}, "$.findings[0]: expected a finding object", "$.findings[0]"),
        (
            {"findings": [{"title": "t", "kind": "web"}]},
            '$.findings[0]: "kind" must be one of dependency, code, secret, dast, other (got "web")',
            "$.findings[0]",
        ),
        (
            {"findings": [{"title": "t", "purl": "django"}]},
            '$.findings[0]: "purl" is not a package URL (got "django")',
            "$.findings[0]",
        ),
        ({"findings": [{"severity": "low"}]}, '$.findings[0]: "title" is required', "$.findings[0]"),
    ],
)
def test_json_wrong_shape_raises_parse_error(document, message, position):
    with pytest.raises(ParseError) as caught:
        _json(document)

    assert (caught.value.format, caught.value.message, caught.value.position) == ("generic-json", message, position)


def test_csv_without_a_title_column_raises_parse_error():
    with pytest.raises(ParseError) as caught:
        _csv(b"name,age\nbob,3\n")

    assert (caught.value.message, caught.value.position) == ('expected a header row with a "Title" column', "line 1")


def test_csv_cut_inside_a_quoted_cell_raises_parse_error():
    with pytest.raises(ParseError) as caught:
        _csv(b'Title,Description\nOne,"a description cut he')

    assert (caught.value.format, caught.value.position) == ("generic-csv", "line 2")


def test_truncated_csv_raises_parse_error():
    data = _read("generic_report1.csv")

    with pytest.raises(ParseError) as caught:
        _csv(data[: len(data) // 2])

    assert (caught.value.format, caught.value.position) == ("generic-csv", "line 4")
    assert caught.value.message == "the last row has 2 of 13 cells and no line end: the file looks cut off"


def test_csv_short_rows_with_line_ends_are_read():
    (finding,) = _csv(b"Title,Severity,Description\nOnly a title\n")

    assert (finding.title, finding.severity) == ("Only a title", Severity.UNKNOWN)


@pytest.mark.parametrize(
    ("parse", "fmt", "data", "position"),
    [
        (parse_csv, "generic-csv", CSV_HEADER + b"01/01/2024,Caf\xe9,1,,Low,d,,,,TRUE,TRUE,FALSE\n", "line 2"),
        (parse_json, "generic-json", b'{"findings": [{"title": "Caf\xe9"}]}', "byte 28"),
    ],
)
def test_invalid_utf8_raises_parse_error(parse, fmt, data, position):
    with pytest.raises(ParseError) as caught:
        list(parse(io.BytesIO(data)))

    assert (caught.value.format, caught.value.position) == (fmt, position)


def test_csv_binary_junk_raises_parse_error():
    with pytest.raises(ParseError) as caught:
        _csv(b"Title,Severity\nzip,low\nPK\x03\x04\x00\x00junk\n")

    assert (caught.value.format, caught.value.position) == ("generic-csv", "line 3")
    assert caught.value.message == "binary data (control character U+0003), not CSV text"
