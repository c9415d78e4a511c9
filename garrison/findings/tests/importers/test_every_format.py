"""What every importer must do with a broken report, checked for every format in REGISTRY over each of its reports
(fixtures.py: the shared fixture files, and a hand-written report for a format that has none):

- a report cut short is a ParseError naming the format, what is wrong and a place inside what was read; a JSON Lines
  or CSV report cut at a line end is the records before the cut (each line stands alone), cut inside a line an error
  on that line;
- invalid UTF-8 is a ParseError that says so;
- random damage (mutation.py) gives findings or our ParseError, never another exception.

Messages and positions that one format documents stay in that format's own test file.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from garrison.findings.importers import EMPTY, HEAD_BYTES, REGISTRY, ParseError, detect
from garrison.findings.tests.importers.fixtures import FIXTURE_FORMATS, REPORTS, SAMPLES, read_report
from garrison.findings.tests.importers.mutation import mutated

REPORT_PARAMS = [
    pytest.param(name, fmt, id=name, marks=[] if name.endswith(" sample") else [pytest.mark.fixtures])
    for name, fmt in REPORTS
]


@dataclass(frozen=True)
class Reader:
    """How one kind of reader words a report cut short and a bad byte (patterns of ParseError.message) and names
    the place (patterns of ParseError.position, the number in group 1)."""

    cut: str
    cut_at: str
    bad_utf8: str
    bad_utf8_at: str
    word: re.Pattern[bytes]  # a word inside a string, text or cell: a bad byte there is only an encoding error


LINE_COLUMN = r"line (\d+), column \d+"
JSON_WORD = re.compile(rb'"[A-Za-z]{2}')
READERS = {
    "json": Reader(  # orjson, whole documents and JSON Lines (bad UTF-8: the byte, in the line for JSON Lines)
        r"not valid JSON \(.+\)", LINE_COLUMN, r"invalid UTF-8", r"(?:line \d+, )?byte (\d+)", JSON_WORD
    ),
    "stream": Reader(  # jsonstream (Trivy, SARIF): characters for bad JSON, bytes for bad UTF-8
        r"not valid JSON \(.+\)", r"character (\d+)", r"invalid UTF-8", r"byte (\d+)", JSON_WORD
    ),
    "xml": Reader(  # expat, through defusedxml
        r"not well-formed XML \(.+\)",
        LINE_COLUMN,
        r"not well-formed XML \(not well-formed \(invalid token\)\)",
        LINE_COLUMN,
        re.compile(rb'[>"][A-Za-z]{2}'),
    ),
    "csv": Reader(
        r"the last row has \d+ of \d+ cells and no line end: the file looks cut off",
        r"line (\d+)",
        r"not valid UTF-8 text \(save the file as UTF-8\)",
        r"line (\d+)",
        re.compile(rb",[A-Za-z]{2}"),
    ),
}
STREAMED = {"trivy", "sarif"}


def _kind(fmt: str) -> str:
    if fmt.endswith("-xml"):
        return "xml"
    if fmt.endswith("-csv"):
        return "csv"
    return "stream" if fmt in STREAMED else "json"


def _parse(fmt: str, data: bytes) -> list:
    return list(REGISTRY[fmt].parse(io.BytesIO(data)))


def _error(fmt: str, data: bytes) -> ParseError:
    with pytest.raises(ParseError) as caught:
        _parse(fmt, data)
    assert caught.value.format == fmt
    return caught.value


def _number(pattern: str, position: str) -> int:
    match = re.fullmatch(pattern, position)
    assert match, f"position {position!r} is not of the form {pattern!r}"
    return int(match[1])


def _line_of(data: bytes, at: int) -> int:
    return data.count(b"\n", 0, at) + 1


def _is_line_based(fmt: str, data: bytes) -> bool:
    """CSV, or JSON Lines: two or more lines, each a JSON value of its own."""
    if _kind(fmt) == "csv":
        return True
    lines = [line for line in data.splitlines() if line.strip()]
    try:
        for line in lines:
            orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return len(lines) > 1


def _inside_a_line(data: bytes, at: int) -> int:
    """``at`` or the first offset after it with no white space on either side: a cut there ends inside a value."""
    while at < len(data) - 1 and (data[at - 1 : at].isspace() or data[at : at + 1].isspace()):
        at += 1
    return at


def _assert_says_it_is_cut(error: ParseError, fmt: str, head: bytes) -> None:
    """The error of a report cut to ``head`` says so and names a place in what was read: its last line (for XML, at
    most its last line: expat names the line where the token left open starts)."""
    kind = _kind(fmt)
    reader = READERS[kind]
    assert re.fullmatch(reader.cut, error.message), error.message
    where = _number(reader.cut_at, error.position)
    if kind == "stream":
        assert 0 <= where <= len(head)
    elif kind == "xml":
        assert 1 <= where <= _line_of(head, len(head))
    else:
        assert where == _line_of(head, len(head))


def test_every_format_has_a_report_to_check():
    assert sorted({fmt for _, fmt in REPORTS}) == sorted(set(REGISTRY) - {EMPTY})


@pytest.mark.parametrize(("fmt", "data"), sorted(SAMPLES.items()))
def test_samples_stand_in_only_where_no_fixture_exists(fmt, data):
    assert fmt not in FIXTURE_FORMATS.values()
    assert detect(data[:HEAD_BYTES]) == fmt
    assert _parse(fmt, data)


@pytest.mark.parametrize(("name", "fmt"), REPORT_PARAMS)
def test_a_report_cut_inside_a_value_is_a_parse_error(name, fmt):
    data = read_report(name)
    head = data[: _inside_a_line(data, len(data) // 2)]

    _assert_says_it_is_cut(_error(fmt, head), fmt, head)


@pytest.mark.parametrize(("name", "fmt"), REPORT_PARAMS)
def test_a_report_cut_at_a_line_end(name, fmt):
    """JSON Lines and CSV: the records before the cut. Any other report: a ParseError, as when cut inside a value."""
    data = read_report(name)
    lines = data.splitlines(keepends=True)
    if len(lines) < 2:
        pytest.skip("one line: no line end inside the report")
    head = b"".join(lines[: len(lines) // 2])

    if _is_line_based(fmt, data):
        read = _parse(fmt, head)
        assert read == _parse(fmt, data)[: len(read)]
    else:
        _assert_says_it_is_cut(_error(fmt, head), fmt, head)


@pytest.mark.parametrize("bad", [b"\xff", b"\xe9"], ids=["never-utf8-byte", "latin-1-e-acute"])
@pytest.mark.parametrize(("name", "fmt"), REPORT_PARAMS)
def test_invalid_utf8_is_a_parse_error(name, fmt, bad):
    data = read_report(name)
    kind = _kind(fmt)
    reader = READERS[kind]
    word = reader.word.search(data, len(data) // 2) or reader.word.search(data)
    assert word, "no word to put a bad byte in"
    at = word.start() + 2
    damaged = data[:at] + bad + data[at:]

    error = _error(fmt, damaged)

    assert re.fullmatch(reader.bad_utf8, error.message), error.message
    where = _number(reader.bad_utf8_at, error.position)
    if kind == "stream" or (kind == "json" and not _is_line_based(fmt, data)):
        assert error.position == f"byte {at}"
    elif kind == "json":  # JSON Lines: the line, and the byte within it
        line_start = data.rfind(b"\n", 0, at) + 1
        assert error.position == f"line {_line_of(data, at)}, byte {at - line_start}"
    else:
        assert where == _line_of(data, at)


@pytest.mark.parametrize(("name", "fmt"), REPORT_PARAMS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_damaged_report_parses_or_raises_parse_error(name, fmt, data):
    damaged = data.draw(mutated(read_report(name)))

    error = None
    try:
        _parse(fmt, damaged)
    except ParseError as exc:
        error = exc

    assert error is None or error.format == fmt
