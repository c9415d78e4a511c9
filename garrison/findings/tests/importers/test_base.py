"""load_json's nesting limit, read from the bytes (brackets inside strings do not count)."""

from __future__ import annotations

import pytest

from garrison.findings.importers.base import MAX_DEPTH, ParseError, load_json, load_json_lines


def _nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def test_nesting_just_within_the_limit_loads():
    assert load_json(_nested(MAX_DEPTH + 1), "sarif") is not None


def test_nesting_deeper_than_the_limit_is_a_parse_error():
    with pytest.raises(ParseError, match=f"nesting deeper than {MAX_DEPTH} levels"):
        load_json(_nested(MAX_DEPTH + 2), "sarif")


def test_nesting_of_maps_counts_like_lists():
    deep = b'{"a":' * (MAX_DEPTH + 2) + b"1" + b"}" * (MAX_DEPTH + 2)
    with pytest.raises(ParseError, match="nesting deeper"):
        load_json(deep, "sarif")


def test_brackets_and_escaped_quotes_inside_strings_do_not_count():
    text = '"' + '[{\\"\\\\' * (MAX_DEPTH + 5) + '"'
    value = load_json(f'{{"a": [{text}, "]]]", {{"b": "{{{{"}}]}}'.encode(), "sarif")
    assert value["a"][1] == "]]]"


def test_far_too_deep_is_a_parse_error_from_the_decoder():
    with pytest.raises(ParseError, match="not valid JSON"):
        load_json(_nested(5000), "sarif")


def test_each_json_line_is_checked():
    lines = b'{"ok": 1}\n' + _nested(MAX_DEPTH + 2) + b"\n"
    with pytest.raises(ParseError, match="nesting deeper"):
        list(load_json_lines(lines, "nancy"))


def test_a_deep_document_that_is_not_json_is_reported_as_not_json():
    with pytest.raises(ParseError, match="not valid JSON"):
        load_json(_nested(MAX_DEPTH + 2) + b"x", "sarif")


def test_xml_declaring_an_unknown_encoding_is_a_parse_error():
    """Found by the mutation test: expat raised LookupError (a 500 on upload)."""
    from garrison.findings.importers.base import load_xml

    with pytest.raises(ParseError, match="unknown character encoding"):
        load_xml(b'<?xml version="1.0" encoding="ttf-8"?><bom/>', "cyclonedx-xml")
