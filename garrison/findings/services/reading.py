"""Reading an uploaded report: pick its format from the first bytes, then stream it to the parser while counting
bytes (for the progress bar) and hashing them (for the Scan row)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import BinaryIO, cast

from garrison.findings.importers import HEAD_BYTES, REGISTRY, Importer, ParseError, detect


def pick_importer(head: bytes, fmt: str | None) -> Importer:
    """The importer named by ``fmt``, else the one whose sniffer recognises ``head``. ParseError when neither."""
    if fmt:
        importer = REGISTRY.get(fmt)
        if importer is None:
            raise ParseError(fmt, f"unknown format; use one of: {', '.join(sorted(REGISTRY))}")
        return importer
    return REGISTRY[detect(head)]


class _Raw(io.RawIOBase):
    """The head already read for detection, then the rest of the source, counted and hashed on the way."""

    def __init__(self, head: bytes, source: BinaryIO, on_read: Callable[[int], None] | None) -> None:
        self._head = head
        self._pos = 0
        self._source = source
        self._on_read = on_read
        self.size = 0
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def _take(self, n: int) -> bytes:
        if self._pos < len(self._head):
            chunk = self._head[self._pos : self._pos + n] if n >= 0 else self._head[self._pos :]
            self._pos += len(chunk)
            if n < 0:
                chunk += self._source.read()
        else:
            chunk = self._source.read(n) if n >= 0 else self._source.read()
        self.size += len(chunk)
        self.sha256.update(chunk)
        if self._on_read is not None and chunk:
            self._on_read(self.size)
        return chunk

    def readinto(self, buffer: object) -> int:
        view = memoryview(cast(bytearray, buffer))
        chunk = self._take(len(view))
        view[: len(chunk)] = chunk
        return len(chunk)

    def readall(self) -> bytes:
        return self._take(-1)


class ReportStream:
    """A report being read: ``stream`` for the parser, plus the bytes read so far and their SHA-256."""

    def __init__(self, source: BinaryIO, on_read: Callable[[int], None] | None = None) -> None:
        self.head = source.read(HEAD_BYTES) or b""
        self._raw = _Raw(self.head, source, on_read)
        self.stream = cast(BinaryIO, io.BufferedReader(self._raw, buffer_size=256 * 1024))

    @property
    def size(self) -> int:
        return self._raw.size

    def sha256(self) -> str:
        return self._raw.sha256.hexdigest()

    def finish(self) -> None:
        """Read whatever the parser left (trailing whitespace, usually), so size and hash cover the whole file."""
        while self.stream.read(1024 * 1024):
            pass
