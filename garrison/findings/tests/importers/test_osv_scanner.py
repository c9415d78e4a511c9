"""OSV-Scanner JSON reports, read from the shared real fixtures; CVSS scoring checked against the shared vectors."""

from __future__ import annotations

import csv
import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity, severity_from_word
from garrison.findings.importers.osv_scanner import parse
from garrison.findings.importers.scoring import cvss3_score, cvss4_score, cwe_numbers, v3_pair

pytestmark = pytest.mark.fixtures

FIXTURES = {
    "no_findings.json": 0,
    "some_findings.json": 1,
    "many_findings.json": 66,
}


# Paths as the scanned machine wrote them into the reports (not temporary files of ours).
YARN_LOCK = "/tmp/components/yarn.lock"  # noqa: S108
RENGINE = "/tmprengine/"  # noqa: S108


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "osv_scanner", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


def _by_id(findings: list, vid: str, package: str = "") -> ParsedFinding:
    return next(f for f in findings if f.vulnerability_id == vid and package in f.package_purl)


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_fixture_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_malicious_package_record_without_a_rating():
    (finding,) = _parse(_read("some_findings.json"))

    assert finding == ParsedFinding(
        title="MAL-2023-1035 in flot-axis 0.0.0",
        tool="osv-scanner",
        kind=Kind.DEPENDENCY,
        severity=Severity.UNKNOWN,
        vulnerability_id="MAL-2023-1035",
        aliases=["GHSA-8348-2q94-ffjx"],
        cwes=[506],
        package_name="flot-axis",
        package_purl="pkg:npm/flot-axis@0.0.0",
        installed_version="0.0.0",
        file_path=YARN_LOCK,
        description=finding.description,
        references=["https://github.com/advisories/GHSA-8348-2q94-ffjx"],
        target=YARN_LOCK,
    )
    assert finding.description.startswith("Malicious code in flot-axis (npm)\n\n---\n")


def test_score_is_computed_from_the_vector_and_fixed_version_from_the_matching_range():
    guzzle = _by_id(_parse(_read("many_findings.json")), "GHSA-25mq-v84q-4j7r")

    assert (guzzle.cvss_v3_vector, guzzle.cvss_v3_score) == ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N", 7.7)
    assert guzzle.severity is Severity.HIGH
    assert (guzzle.package_purl, guzzle.fixed_version) == ("pkg:composer/guzzlehttp/guzzle@6.3.3", "6.5.8")
    assert guzzle.aliases == ["CVE-2022-31090"]
    assert guzzle.cwes == [200, 212]


def test_fixed_version_picks_the_branch_of_the_installed_version():
    django = _by_id(_parse(_read("many_findings.json")), "GHSA-2gwj-7jmv-h26r")

    assert (django.installed_version, django.fixed_version) == ("3.2.4", "3.2.13")


def test_group_gives_its_ids_as_aliases_and_its_severity_to_unrated_records():
    findings = _parse(_read("many_findings.json"))
    pysec = _by_id(findings, "PYSEC-2021-109")

    assert pysec.aliases == ["BIT-django-2021-35042", "CVE-2021-35042", "GHSA-xpfp-f569-q3p2"]
    assert (pysec.cvss_v3_vector, pysec.severity) == ("", Severity.CRITICAL)
    assert _by_id(findings, "PYSEC-2023-74", "requests@2.29.0").severity is Severity.MEDIUM


def test_package_scanned_by_commit_is_named_by_its_repository():
    rengine = _by_id(_parse(_read("many_findings.json")), "CVE-2023-50094")

    assert (rengine.package_name, rengine.installed_version, rengine.package_purl) == (
        "https://github.com/yogeshojha/rengine",
        "f5f3c22f3ed5a6804a2a8d9ee9fa43044cfa24a6",
        "",
    )
    assert (rengine.cvss_v3_score, rengine.severity, rengine.file_path) == (8.8, Severity.HIGH, RENGINE)


def test_cvss_v4_and_max_severity_are_read():
    data = (
        b'{"results": [{"source": {"path": "/app/go.mod", "type": "lockfile"}, "packages": [{"package": {"name":'
        b' "golang.org/x/net", "version": "0.1.0", "ecosystem": "Go"}, "vulnerabilities": [{"id": "GO-2024-1",'
        b' "severity": [{"type": "CVSS_V4",'
        b' "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}]},'
        b' {"id": "GO-2024-2"}], "groups": [{"ids": ["GO-2024-1"]}, {"ids": ["GO-2024-2"], "max_severity": "5.3"}]}]}]}'
    )

    first, second = _parse(data)

    assert (first.cvss_v4_score, first.severity, first.package_purl) == (
        9.3,
        Severity.CRITICAL,
        "pkg:golang/golang.org/x/net@0.1.0",
    )
    assert second.severity is Severity.MEDIUM


def test_a_broken_vector_is_dropped_not_fatal():
    data = (
        b'{"results": [{"source": {"path": "req.txt"}, "packages": [{"package": {"name": "x", "version": "1",'
        b' "ecosystem": "PyPI"}, "vulnerabilities": [{"id": "PYSEC-1", "severity": [{"type": "CVSS_V3",'
        b' "score": "CVSS:3.1/AV:Q"}]}]}]}]}'
    )

    (finding,) = _parse(data)

    assert (finding.cvss_v3_vector, finding.cvss_v3_score, finding.severity) == ("", None, Severity.UNKNOWN)


@pytest.mark.parametrize("data", [b"", b"null", b"{}", b'{"results": []}', b'{"results": null}'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "message", "position"),
    [
        (b"[1]", 'expected an OSV-Scanner report (an object with "results")', "$"),
        (b'{"runs": []}', 'expected an OSV-Scanner report (an object with "results")', "$"),
        (b'{"results": {"a": 1}}', "expected a list", "$.results"),
        (b'{"results": [{"packages": [3]}]}', "expected an object", "$.results[0].packages[0]"),
        (
            b'{"results": [{"packages": [{"vulnerabilities": "x"}]}]}',
            "expected a list",
            "$.results[0].packages[0].vulnerabilities",
        ),
    ],
)
def test_wrong_shape_is_a_parse_error(data, message, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.message, caught.value.position) == ("osv-scanner", message, position)


# --- scoring.py, on the shared CVSS test vectors ------------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    with shared_fixture("cvss", name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_cvss_v3_scores_match_the_published_pairs():
    rows = _rows("cvss_v3_1_vectors.csv")

    assert [(row["vector"], cvss3_score(row["vector"])) for row in rows] == [
        (row["vector"], float(row["score"])) for row in rows
    ]
    assert len(rows) == 200


def test_cvss_v4_scores_match_the_published_pairs():
    rows = _rows("cvss_v4_0_vectors.csv")

    assert [(row["vector"], cvss4_score(row["vector"])) for row in rows] == [
        (row["vector"], float(row["score"])) for row in rows
    ]
    assert [severity_from_word(row["severity"]) for row in rows][:2] == [Severity.CRITICAL, Severity.INFO]


def test_a_published_score_is_kept_even_when_it_disagrees_with_the_vector():
    row = next(r for r in _rows("cvss_published_score_mismatches.csv") if r["vector"].startswith("CVSS:3.1/"))

    assert v3_pair(row["vector"], row["published_score"]) == (row["vector"], float(row["published_score"]))
    assert v3_pair(row["vector"]) == (row["vector"], float(row["spec_score_of_full_vector"]))


def test_bare_v3_vectors_get_their_prefix():
    assert v3_pair("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", None, "3.0") == (
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        9.8,
    )


def test_cwe_numbers_read_every_spelling_and_skip_the_rest():
    assert cwe_numbers(["CWE-79", 89, "cwe-352", "NVD-CWE-Other", "79", True, None]) == [79, 89, 352]
