"""pip-audit JSON, read from the shared real fixtures."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity
from garrison.findings.importers.pip_audit import IMPORTERS, parse

pytestmark = pytest.mark.fixtures

FIXTURES = {"empty.json": 0, "zero_vulns.json": 0, "many_vulns.json": 7}
MATCHED = {"zero_vulns.json", "many_vulns.json"}  # empty.json is "[]": detect() calls that empty before sniffing


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "pip_audit", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_fixture_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_first_finding_has_every_field():
    first = _parse(_read("many_vulns.json"))[0]

    assert first == ParsedFinding(
        title="PYSEC-2021-76 in aiohttp 3.6.2",
        tool="pip-audit",
        kind=Kind.DEPENDENCY,
        severity=Severity.UNKNOWN,
        vulnerability_id="PYSEC-2021-76",
        package_name="aiohttp",
        package_purl="pkg:pypi/aiohttp@3.6.2",
        installed_version="3.6.2",
        fixed_version="3.7.4",
        description=first.description,
    )
    assert first.description.startswith("aiohttp is an asynchronous HTTP client/server framework")


def test_several_fix_versions_are_listed_and_none_is_empty():
    findings = {f.vulnerability_id: f for f in _parse(_read("many_vulns.json"))}

    assert findings["PYSEC-2021-439"].fixed_version == "2.2.25, 3.1.14, 3.2.10"
    assert findings["PYSEC-2021-852"].fixed_version == ""


def test_one_finding_per_vulnerability_of_a_package():
    twisted = [f.vulnerability_id for f in _parse(_read("many_vulns.json")) if f.package_name == "twisted"]

    assert twisted == ["PYSEC-2019-128", "PYSEC-2020-260", "PYSEC-2019-129", "PYSEC-2020-259"]


NEW_FORMAT = b"""{"dependencies": [
  {"name": "Django_Rest", "version": "4.2.1", "vulns": [
    {"id": "GHSA-xxxx-xxxx-xxxx", "fix_versions": ["4.2.2"], "aliases": ["CVE-2023-36053", "PYSEC-2023-100"],
     "description": "ReDoS"}]},
  {"name": "skipped", "skip_reason": "Dependency not found on PyPI"}],
 "fixes": [{"name": "django", "version": "4.2.1", "new_version": "4.2.2"}]}"""


def test_newer_object_format_with_aliases():
    (finding,) = _parse(NEW_FORMAT)

    assert (finding.vulnerability_id, finding.aliases) == ("GHSA-xxxx-xxxx-xxxx", ["CVE-2023-36053", "PYSEC-2023-100"])
    assert (finding.package_purl, finding.fixed_version) == ("pkg:pypi/django-rest@4.2.1", "4.2.2")


def test_newer_format_is_sniffed_even_with_no_dependencies():
    assert IMPORTERS[0].sniff(NEW_FORMAT)
    assert IMPORTERS[0].sniff(b'{"dependencies": [], "fixes": []}')


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b"{}", b'{"dependencies": []}'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b'{"dependencies": 3}', "$.dependencies"),
        (b"[1]", "$[0]"),
        (b'[{"name": "a", "version": "1", "vulns": {"id": "x"}}]', "$[0].vulns"),
        (b'[{"name": "a", "version": "1", "vulns": ["x"]}]', "$[0].vulns[0]"),
        (b'"text"', "$"),
    ],
)
def test_wrong_shape_raises_parse_error_with_position(data, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.position) == ("pip-audit", position)
