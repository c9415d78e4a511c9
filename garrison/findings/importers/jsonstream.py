"""Reading a large JSON document one element at a time.

The outer structure (the report object, its lists) is walked here by hand; each element of a list, and each
small value, is decoded by the standard library's C scanner (``json.JSONDecoder.raw_decode``). Memory holds one
buffer of text and one element, whatever the size of the report, and the cost per element stays in C.

    stream = JsonStream(source, "trivy")
    for key in stream.members():            # the top-level object
        if key == "Results":
            for index in stream.elements():
                result = stream.value()     # one element, decoded
        else:
            stream.skip()                   # every value must be consumed: value(), skip(), members(), elements()
    stream.end()

Errors are ParseError naming the format and the character offset: not valid JSON, invalid UTF-8, nesting deeper
than MAX_DEPTH, an element larger than MAX_ELEMENT, NaN/Infinity (not JSON), lone UTF-16 surrogates.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import MAX_DEPTH, ParseError, too_deep

CHUNK = 1 << 20
MAX_ELEMENT = 32 << 20  # characters: one finding (or one small value) bigger than this is not a report we read
_SLACK = 1024  # an error this close to the end of the buffer may be the buffer's end: read more and try again
_WHITESPACE = frozenset(" \t\n\r")
_AFTER_NUMBER = frozenset(" \t\n\r,]}")
# Escapes read left to right, so that an escaped backslash ("\\\\") is one unit: a surrogate pair, a lone
# surrogate (the only one of the three that is 6 characters and a surrogate), or any other escaped character.
_ESCAPES = re.compile(
    r"\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[dD][89a-fA-F][0-9a-fA-F]{2}|.)", re.S
)


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class JsonStream:
    def __init__(self, source: BinaryIO, fmt: str) -> None:
        self.format = fmt
        self._source = source
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._buf = ""
        self._pos = 0
        self._base = 0  # characters dropped from the front of the buffer
        self._bytes = 0
        self._eof = False
        self._scan = json.JSONDecoder(parse_constant=_not_json).raw_decode
        self._fill()
        if self._buf.startswith("\ufeff"):
            self._pos = 1

    # --- positions and errors -------------------------------------------------------------------------------

    @property
    def offset(self) -> int:
        """Characters read before the current position (bytes, for ASCII reports)."""
        return self._base + self._pos

    def error(self, message: str, at: int | None = None) -> ParseError:
        return ParseError(self.format, message, f"character {self.offset if at is None else at}")

    # --- the buffer -------------------------------------------------------------------------------------------

    def _fill(self, at_least: int = 1) -> bool:
        """Read more text into the buffer (dropping what is consumed); False at the end of the source."""
        if self._eof:
            return False
        if self._pos > CHUNK:
            self._buf = self._buf[self._pos :]
            self._base += self._pos
            self._pos = 0
        wanted = len(self._buf) + max(at_least, CHUNK)
        parts = [self._buf]
        size = len(self._buf)
        while size < wanted:
            raw = self._source.read(CHUNK)
            try:
                text = self._decoder.decode(raw, final=not raw)
            except UnicodeDecodeError as exc:
                raise ParseError(self.format, "invalid UTF-8", f"byte {self._bytes + exc.start}") from None
            self._bytes += len(raw)
            parts.append(text)
            size += len(text)
            if not raw:
                self._eof = True
                break
        self._buf = "".join(parts)
        return True

    def _peek(self) -> str:
        """The next character that is not whitespace ("" at the end), without consuming it."""
        while True:
            buf, pos, end = self._buf, self._pos, len(self._buf)
            while pos < end and buf[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < end:
                return buf[pos]
            if not self._fill():
                return ""

    def _take(self, expected: str) -> str:
        char = self._peek()
        if char not in expected or not char:
            found = f"'{char}'" if char else "the end of the report"
            wanted = " or ".join(f"'{c}'" for c in expected)
            raise self.error(f"not valid JSON (expected {wanted}, found {found})")
        self._pos += 1
        return char

    # --- values -----------------------------------------------------------------------------------------------

    def value(self) -> Any:
        """Decode the next value whole."""
        self._peek()
        while True:
            start = self._pos
            try:
                value, end = self._scan(self._buf, start)
            except json.JSONDecodeError as exc:
                truncated = exc.pos >= len(self._buf) - _SLACK or exc.msg.startswith("Unterminated string")
                if truncated and self._grow(start):
                    continue
                if truncated:
                    raise self.error("not valid JSON (the report ends in the middle of a value: truncated?)") from None
                message = exc.msg.removesuffix(" starting at").removesuffix(":")
                raise self.error(f"not valid JSON ({message[:1].lower()}{message[1:]})", self._base + exc.pos) from None
            except RecursionError:
                raise self.error(f"nesting deeper than {MAX_DEPTH} levels") from None
            except ValueError as exc:  # NaN, Infinity
                raise self.error(f"not valid JSON ({exc})") from None
            if self._cut_short(value, end) and self._grow(start):
                continue  # a number at the end of the buffer may go on in the next chunk
            self._check(start, end)
            self._pos = end
            return value

    def _cut_short(self, value: Any, end: int) -> bool:
        """A number that ends at, or just before, the end of the buffer ("12" of "12.5e3") may go on."""
        if self._eof or end < len(self._buf) - _SLACK:
            return False
        if end == len(self._buf):
            return True
        return isinstance(value, int | float) and self._buf[end] not in _AFTER_NUMBER

    def _grow(self, start: int) -> bool:
        if len(self._buf) - start > MAX_ELEMENT:
            raise self.error(f"one value is larger than {MAX_ELEMENT >> 20} MiB", self._base + start)
        self._pos = start
        return self._fill(at_least=len(self._buf) - start)

    def _check(self, start: int, end: int) -> None:
        buf = self._buf
        if buf.count("[", start, end) + buf.count("{", start, end) > MAX_DEPTH and too_deep(_utf8(buf[start:end])):
            raise self.error(f"nesting deeper than {MAX_DEPTH} levels", self._base + start)
        if buf.find("\\u", start, end) != -1 and _has_lone_surrogate(buf[start:end]):
            raise self.error("not valid JSON (a lone UTF-16 surrogate escape)", self._base + start)

    def skip(self, depth: int = 0) -> None:
        """Consume the next value without keeping it; big lists and objects are walked, not decoded whole."""
        char = self._peek()
        if depth > 2 or char not in "[{" or not char:
            self.value()
        elif char == "[":
            for _ in self.elements(depth + 1):
                self.skip(depth + 1)
        else:
            for _ in self.members(depth + 1):
                self.skip(depth + 1)

    def empty(self) -> bool:
        """True, with the document read, when it is nothing but whitespace or ``null`` (an empty report)."""
        kind = self.kind()
        if kind not in {"", "null"}:
            return False
        if kind:
            self.value()
        self.end()
        return True

    def kind(self) -> str:
        """What the next value is: "object", "array", "string", "null", "other", or "" at the end."""
        char = self._peek()
        return {"{": "object", "[": "array", '"': "string", "n": "null", "": ""}.get(char, "other")

    # --- containers -------------------------------------------------------------------------------------------

    def members(self, depth: int = 0) -> Iterator[str]:
        """The keys of the next value, an object; after each key the caller consumes its value."""
        if depth > MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH} levels")
        self._take("{")
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            if self._peek() != '"':
                raise self.error("not valid JSON (expected a quoted key)")
            key = self.value()
            self._take(":")
            yield key
            if self._take(",}") == "}":
                return

    def elements(self, depth: int = 0) -> Iterator[int]:
        """The indexes of the next value, an array; after each the caller consumes the element."""
        if depth > MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH} levels")
        self._take("[")
        if self._peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if self._take(",]") == "]":
                return

    def end(self) -> None:
        """Only whitespace may follow the top-level value."""
        if self._peek():
            raise self.error("not valid JSON (more text after the end of the document)")


def _has_lone_surrogate(text: str) -> bool:
    """A \\uD800-\\uDFFF escape that is not half of a high-low pair (PostgreSQL and UTF-8 cannot hold it)."""
    return any(len(match.group()) == 6 for match in _ESCAPES.finditer(text))


def _utf8(text: str) -> bytes:
    """The element as bytes inside one more level (too_deep counts the top level as depth 0; an element is not
    the top level)."""
    return b"[" + text.encode("utf-8", "surrogatepass") + b"]"
