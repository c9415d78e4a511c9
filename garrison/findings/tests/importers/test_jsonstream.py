"""The streaming JSON reader under the big importers: same values as json.loads at every chunk size, clear errors."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from garrison.findings.importers import jsonstream
from garrison.findings.importers.base import ParseError
from garrison.findings.importers.jsonstream import JsonStream

_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20
)


def _stream(data: bytes) -> JsonStream:
    return JsonStream(io.BytesIO(data), "test")


def _walk(stream: JsonStream) -> object:
    """Rebuild a document through the streaming interface: containers walked, leaves decoded."""
    kind = stream.kind()
    if kind == "array":
        return [_walk(stream) for _ in stream.elements()]
    if kind == "object":
        return {key: _walk(stream) for key in stream.members()}
    return stream.value()


def _read_all(data: bytes) -> object:
    stream = _stream(data)
    value = _walk(stream)
    stream.end()
    return value


@pytest.fixture(params=[1, 2, 3, 7, 64])
def tiny_chunks(request, monkeypatch):
    """Chunks of a few bytes put every token, escape and multi-byte character across a chunk boundary."""
    monkeypatch.setattr(jsonstream, "CHUNK", request.param)
    monkeypatch.setattr(jsonstream, "_SLACK", 8)
    return request.param


@settings(max_examples=150, deadline=None)
@given(document=_values, pretty=st.booleans())
def test_walking_and_decoding_give_what_json_loads_gives(document, pretty):
    text = json.dumps(document, indent=2 if pretty else None, ensure_ascii=False).encode()
    for size in (1, 3, 1 << 20):
        jsonstream.CHUNK, saved = size, jsonstream.CHUNK
        try:
            walked = _stream(text)
            assert _walk(walked) == document
            walked.end()
            whole = _stream(text)
            assert whole.value() == document
            whole.end()
        finally:
            jsonstream.CHUNK = saved


def test_a_number_at_a_chunk_boundary_is_read_whole(tiny_chunks):
    stream = _stream(b"[1234567890123, 45.678e3, true, null]")

    assert [stream.value() for _ in stream.elements()] == [1234567890123, 45678.0, True, None]


def test_multibyte_characters_across_chunks(tiny_chunks):
    stream = _stream('{"naïve": "日本語 \u2013 ✓ 😀", "e": "\\ud83d\\ude00"}'.encode())

    assert {key: stream.value() for key in stream.members()} == {"naïve": "日本語 \u2013 ✓ 😀", "e": "😀"}


def test_a_byte_order_mark_is_skipped():
    assert _stream(b"\xef\xbb\xbf[1]").value() == [1]


def test_skip_walks_what_it_does_not_keep(tiny_chunks):
    stream = _stream(b'{"big": [{"a": [1, {"b": 2}]}, 3], "keep": "yes"}')
    kept = {}
    for key in stream.members():
        if key == "keep":
            kept[key] = stream.value()
        else:
            stream.skip()
    stream.end()

    assert kept == {"keep": "yes"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[{"a": 1}, {"a": ', "not valid JSON (the report ends in the middle of a value: truncated?)"),
        (b'[{"a": "unterminated', "not valid JSON (the report ends in the middle of a value: truncated?)"),
        (b"[1, 2", "not valid JSON (expected ',' or ']', found the end of the report)"),
        (b"[1 2]", "not valid JSON (expected ',' or ']', found '2')"),
        (b"[1] [2]", "not valid JSON (more text after the end of the document)"),
        (b"[NaN]", "not valid JSON (NaN is not JSON)"),
        (b"[-Infinity]", "not valid JSON (-Infinity is not JSON)"),
        (b'["\\ud800 alone"]', "not valid JSON (a lone UTF-16 surrogate escape)"),
        (b'["\\udc00 low alone"]', "not valid JSON (a lone UTF-16 surrogate escape)"),
        (b'{"a": 1, 2: 3}', "not valid JSON (expected a quoted key)"),
        (b'[{"a" 1}]', "not valid JSON (expected ':', found '1')"),
    ],
)
def test_bad_json_is_a_parse_error_naming_the_format(data, message):
    with pytest.raises(ParseError) as caught:
        _read_all(data)

    assert (caught.value.format, caught.value.message) == ("test", message)
    assert caught.value.position.startswith("character ")


@pytest.mark.parametrize(
    "data",
    [
        b'["x\\\\uD800\\uDC00"]',  # an escaped backslash, the text "uD800", then a lone low surrogate
        b'["\\uD800\\uD800\\uDC00"]',  # a lone high one before a pair
        b'["\\uDBFF"]',
    ],
)
def test_lone_surrogates_after_other_escapes_are_refused(data):
    with pytest.raises(ParseError, match="lone UTF-16 surrogate"):
        _read_all(data)


def test_a_surrogate_pair_after_an_escaped_backslash_is_read():
    assert _read_all(b'["\\\\ \\ud83d\\ude00"]') == ["\\ \U0001f600"]


def test_an_escaped_backslash_before_u_is_not_a_surrogate_escape():
    assert _stream(b'["\\\\ud800 is text"]').value() == ["\\ud800 is text"]


def test_invalid_utf8_names_the_byte(tiny_chunks):
    data = b'["ok", "bad \xff here"]'

    with pytest.raises(ParseError) as caught:
        _walk(_stream(data))

    bad = data.index(b"\xff")
    assert (caught.value.message, caught.value.position) == ("invalid UTF-8", f"byte {bad}")


def test_nesting_deeper_than_the_limit_is_refused():
    deep = b"[" * 300 + b"]" * 300

    with pytest.raises(ParseError, match="nesting deeper than 200 levels"):
        _stream(deep).value()


def test_one_value_larger_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(jsonstream, "CHUNK", 16)
    monkeypatch.setattr(jsonstream, "MAX_ELEMENT", 100)
    stream = _stream(b'[{"a": "' + b"x" * 500 + b'"}]')

    with pytest.raises(ParseError, match="one value is larger than"):
        _walk(stream)


def test_memory_holds_a_buffer_not_the_document(monkeypatch):
    """After a million characters of elements the buffer has been cut back: what was consumed is dropped."""
    monkeypatch.setattr(jsonstream, "CHUNK", 4096)
    data = b"[" + b",".join(b'{"n": %d, "pad": "%s"}' % (i, b"p" * 40) for i in range(20_000)) + b"]"
    stream = _stream(data)
    longest = 0
    for index in stream.elements():
        assert stream.value()["n"] == index
        longest = max(longest, len(stream._buf))

    assert len(data) > 1_000_000
    assert longest < 3 * 4096 + 1024
