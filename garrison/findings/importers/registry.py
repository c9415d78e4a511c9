"""The importer type. The registry itself is the dict in importers/__init__.py, written by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from garrison.findings.importers.base import Parsed

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Importer:
    name: str  # what --format takes, e.g. "trivy"
    label: str  # what people read, e.g. "Trivy JSON"
    sniff: Callable[[bytes], bool]  # True when the first HEAD_BYTES of a file look like this format
    parse: Callable[[BinaryIO], Iterator[Parsed]]  # findings and inventory components, streamed
