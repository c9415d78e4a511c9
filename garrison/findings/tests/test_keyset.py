"""KeySet: the same answers as a Python set, before and after it moves to its compact table."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from garrison.findings.keyset import KeySet, key_of

_keys = st.integers(min_value=0, max_value=2**96 - 1)


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(_keys | st.sampled_from([0, 1, 2**32, 2**64, 2**96 - 1]), max_size=120))
def test_adding_answers_like_a_set(keys):
    KeySet.SWITCH, saved = 5, KeySet.SWITCH  # the table from the fifth key on, and several resizes
    try:
        compact, plain = KeySet(), set()
        for key in keys:
            stored = key or 1  # 0 and 1 are one key (documented): compare with what the table stores
            assert compact.add(key) == (stored not in plain)
            plain.add(stored)
            assert stored in compact
            assert len(compact) == len(plain)
    finally:
        KeySet.SWITCH = saved


def test_many_keys_take_a_fraction_of_what_a_set_takes(monkeypatch):
    rng = random.Random(7)
    keys = [rng.getrandbits(96) for _ in range(200_000)]
    monkeypatch.setattr(KeySet, "SWITCH", 1000)
    compact = KeySet()
    for key in keys:
        assert compact.add(key)

    assert all(key in compact for key in keys[::97])
    assert not any(compact.add(key) for key in keys[::1013])
    assert rng.getrandbits(96) not in compact
    table_bytes = compact._high.itemsize * len(compact._high) + compact._low.itemsize * len(compact._low)
    assert table_bytes / len(keys) < 40  # a set of ints: about 90 bytes a key


def test_key_of_takes_the_first_96_bits_of_a_hex_digest():
    assert key_of("ff" * 12 + "00" * 20) == 2**96 - 1
    assert key_of("0" * 64) == 0
