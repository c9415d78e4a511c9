"""A set of 96-bit keys that stays small for millions of findings.

An import remembers every finding it has seen (to merge duplicates across batches), and the SARIF reader every
(rule, file, code) it has seen (to number repeats). A Python set of ints costs about 90 bytes a key: 300 MB for
the 3 million results of a 1 GB SARIF log. ``KeySet`` is a Python set while small (fast), then an open-addressing
table in two flat arrays (a 64-bit and a 32-bit column: about 17 bytes a key at its fullest). Pure, no I/O.
"""

from __future__ import annotations

from array import array

KEY_BITS = 96
_LOW = (1 << 32) - 1


def key_of(hex_digest: str) -> int:
    """The first 96 bits of a hex digest, as an int."""
    return int(hex_digest[: KEY_BITS // 4], 16)


class KeySet:
    SWITCH = 250_000  # keys kept in a Python set before moving to the table
    FULL = 0.7  # the table grows (x2) beyond this share of used slots

    def __init__(self) -> None:
        self._small: set[int] | None = set()
        self._high = array("Q")
        self._low = array("I")
        self._size = 0
        self._count = 0

    def __len__(self) -> int:
        return len(self._small) if self._small is not None else self._count

    def __contains__(self, key: int) -> bool:
        key = key or 1
        if self._small is not None:
            return key in self._small
        return self._find(key) < 0

    def add(self, key: int) -> bool:
        """Add ``key``; True when it was not there yet."""
        key = key or 1
        if self._small is not None:
            if key in self._small:
                return False
            self._small.add(key)
            if len(self._small) >= self.SWITCH:
                self._move_to_table()
            return True
        slot = self._find(key)
        if slot < 0:
            return False
        self._store(slot, key)
        self._count += 1
        if self._count > self._size * self.FULL:
            self._resize(self._size * 2)
        return True

    # --- the table: slot i holds (high[i], low[i]); (0, 0) is empty, so a key of 0 is taken as 1 (everywhere) --

    def _find(self, key: int) -> int:
        """The free slot where ``key`` (never 0) goes, or -1 when it is already there."""
        high, low = key >> 32, key & _LOW
        size, highs, lows = self._size, self._high, self._low
        slot = (high ^ low) % size
        while True:
            h, lo = highs[slot], lows[slot]
            if h == high and lo == low:
                return -1
            if h == 0 and lo == 0:
                return slot
            slot += 1
            if slot == size:
                slot = 0

    def _store(self, slot: int, key: int) -> None:
        self._high[slot] = key >> 32
        self._low[slot] = key & _LOW

    def _resize(self, size: int) -> None:
        """Move every key into a table of ``size`` slots, reading the old arrays in place (a list of the keys as
        Python ints would cost more than both tables)."""
        highs, lows = self._high, self._low
        self._size = size
        self._high = array("Q", bytes(8 * size))
        self._low = array("I", bytes(4 * size))
        for h, lo in zip(highs, lows, strict=True):
            if h or lo:
                key = (h << 32) | lo
                self._store(self._find(key), key)

    def _move_to_table(self) -> None:
        keys, self._small = self._small or set(), None
        self._count = len(keys)
        self._size = int(len(keys) / self.FULL * 2) + 1
        self._high = array("Q", bytes(8 * self._size))
        self._low = array("I", bytes(4 * self._size))
        for key in keys:
            self._store(self._find(key), key)
