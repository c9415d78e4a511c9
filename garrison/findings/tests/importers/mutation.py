"""A hypothesis strategy that damages a report's bytes, for "parse succeeds or raises ParseError" property tests."""

from __future__ import annotations

from hypothesis import strategies as st

# JSON punctuation and values, an invalid UTF-8 byte and a newline (a new record in JSON Lines)
_TOKENS = [b"{", b"}", b"[", b"]", b",", b":", b'"', b"null", b"0", b"\xff", b"\n"]


@st.composite
def _mutate(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if not out:
            out.extend(draw(st.binary(min_size=1, max_size=4)))
            continue
        at = draw(st.integers(min_value=0, max_value=len(out) - 1))
        if op == "flip":
            out[at] ^= draw(st.integers(min_value=1, max_value=255))
        elif op == "delete":
            del out[at : at + draw(st.integers(min_value=1, max_value=16))]
        elif op == "insert":
            out[at:at] = draw(st.sampled_from(_TOKENS))
        else:
            del out[at:]
    return bytes(out)


def mutated(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` with one to four random flips, deletions, insertions of JSON-ish tokens, or a truncation."""
    return _mutate(data)
