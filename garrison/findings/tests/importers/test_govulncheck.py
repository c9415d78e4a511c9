"""govulncheck JSON: the shared real fixtures (messages collected into an array), the concatenated stream that
govulncheck itself prints, and the pre-1.0 document."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity
from garrison.findings.importers.govulncheck import IMPORTERS, parse
from garrison.findings.tests.importers.mutation import mutated

pytestmark = pytest.mark.fixtures

FIXTURES = {"no_vulns_new_version.json": 0, "many_vulns_new_version.json": 1}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "govulncheck", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


def _as_stream(name: str) -> bytes:
    """The fixture as govulncheck prints it: indented objects one after another, no array."""
    return b"\n".join(json.dumps(message, indent=2).encode() for message in json.loads(_read(name)))


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_fixture_finding_count(name, count):
    assert len(_parse(_read(name))) == count


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_stream_of_concatenated_objects_reads_the_same(name, count):
    stream = _as_stream(name)

    assert IMPORTERS[0].sniff(stream)
    assert _parse(stream) == _parse(_read(name))
    assert len(_parse(stream)) == count


def test_called_finding_fields():
    (finding,) = _parse(_read("many_vulns_new_version.json"))

    assert finding == ParsedFinding(
        title="Unsafe behavior in setuid/setgid binaries in runtime",
        tool="govulncheck",
        kind=Kind.DEPENDENCY,
        severity=Severity.UNKNOWN,
        vulnerability_id="GO-2023-1840",
        aliases=["CVE-2023-29403"],
        package_name="stdlib",
        package_purl="pkg:golang/stdlib@v1.20.1",
        installed_version="v1.20.1",
        fixed_version="v1.20.5",
        file_path="/tmp/testproject/main.go",  # noqa: S108 - the path in the report, not a file we write
        line=13,
        description=finding.description,
        references=[
            "https://go.dev/issue/60272",
            "https://go.dev/cl/501223",
            "https://groups.google.com/g/golang-announce/c/q5135a9d924/m/j0ZoAJOHAwAJ",
            "https://pkg.go.dev/vuln/GO-2023-1840",
        ],
    )
    assert finding.description.startswith(
        "Called: your code calls the vulnerable function runtime.BlockProfile.\n\nOn Unix platforms, the Go runtime"
    )


OSV = {
    "id": "GO-2022-0969",
    "aliases": ["CVE-2022-27664", "GHSA-69cg-p879-7622"],
    "summary": "Denial of service in net/http",
    "affected": [{"package": {"name": "golang.org/x/net", "ecosystem": "Go"}}],
}


def _stream(*messages: object) -> bytes:
    return b"".join(json.dumps(m).encode() for m in messages)


def test_module_and_package_level_findings_group_into_one_imported_finding():
    data = _stream(
        {"osv": OSV},
        {"finding": {"osv": "GO-2022-0969", "fixed_version": "v0.0.0-2022", "trace": [
            {"module": "golang.org/x/net", "version": "v0.0.0-2021"}]}},
        {"finding": {"osv": "GO-2022-0969", "trace": [
            {"module": "golang.org/x/net", "version": "v0.0.0-2021", "package": "golang.org/x/net/http2"}]}},
    )  # fmt: skip

    (finding,) = _parse(data)

    assert (finding.package_purl, finding.fixed_version, finding.file_path, finding.line) == (
        "pkg:golang/golang.org/x/net@v0.0.0-2021",
        "v0.0.0-2022",
        "",
        None,
    )
    assert finding.description.startswith("Imported, not called: your code imports the vulnerable package")
    assert finding.aliases == ["CVE-2022-27664", "GHSA-69cg-p879-7622"]


def test_module_only_finding_says_it_is_required_not_imported():
    data = _stream(
        {"finding": {"osv": "GO-2022-0969", "trace": [{"module": "golang.org/x/net", "version": "v0.1.0"}]}},
        {"osv": OSV},
    )

    (finding,) = _parse(data)

    assert finding.description.startswith("Required, not imported:")
    assert finding.title == "Denial of service in net/http"


def test_pre_1_0_document():
    data = json.dumps({"Vulns": [{"OSV": OSV, "Modules": [{"Path": "golang.org/x/net", "FoundVersion": "v0.1.0",
        "FixedVersion": "v0.1.1", "Packages": [{"Path": "golang.org/x/net/http2", "CallStacks": [
            {"Symbol": "http2.Server.ServeConn", "Frames": []}]}]}]}]}).encode()  # fmt: skip

    assert IMPORTERS[0].sniff(data)
    (finding,) = _parse(data)

    assert (finding.vulnerability_id, finding.installed_version, finding.fixed_version) == (
        "GO-2022-0969",
        "v0.1.0",
        "v0.1.1",
    )
    assert finding.description.startswith("Called: your code calls the vulnerable function http2.Server.ServeConn.")


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b"{}", b'{"config": {"scanner_name": "govulncheck"}}'])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b'{"config": {}}\n5', "message 2"),
        (b'{"finding": 3}', "message 1"),
        (b'{"finding": {"trace": []}}', "message 1"),
        (b'{"Vulns": 3}', "message 1.Vulns"),
    ],
)
def test_wrong_shape_raises_parse_error_with_position(data, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.position) == ("govulncheck", position)


def test_truncated_stream_raises_parse_error_with_line():
    stream = _as_stream("many_vulns_new_version.json")

    with pytest.raises(ParseError) as caught:
        _parse(stream[: len(stream) // 2])

    assert caught.value.format == "govulncheck"
    assert caught.value.position.startswith("line ")


def test_invalid_utf8_in_a_stream_raises_parse_error_with_byte_offset():
    stream = b'{"config": {}}\n{"progress": {"message": "caf\xe9"}}'

    with pytest.raises(ParseError) as caught:
        _parse(stream)

    bad_byte = stream.index(b"\xe9")
    assert (caught.value.format, caught.value.position) == ("govulncheck", f"byte {bad_byte}")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_damaged_stream_parses_or_raises_parse_error(data):
    """A fixture re-written as the stream of messages that govulncheck -json prints (test_every_format damages the
    fixture files themselves, which hold the messages as one array)."""
    damaged = data.draw(mutated(_as_stream("many_vulns_new_version.json")))

    error = None
    try:
        _parse(damaged)
    except ParseError as exc:
        error = exc

    assert error is None or error.format == "govulncheck"
