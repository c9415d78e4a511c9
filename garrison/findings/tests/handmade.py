"""A hand-made report format for the import tests: JSON Lines of ParsedFinding / ParsedComponent fields.

It lets the engine be tested without depending on any real importer, and a damaged line raises ParseError after
every line before it was yielded (the all-or-nothing test needs a parser that fails half-way).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import orjson
import pytest

from garrison.findings.importers import REGISTRY, Importer, Parsed, ParsedComponent, ParsedFinding, ParseError

NAME = "handmade"


def _parse(source: BinaryIO) -> Iterator[Parsed]:
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise ParseError(NAME, "not valid JSON", f"line {number}") from None
        if "component" in data:
            yield ParsedComponent(**data["component"])
        else:
            yield ParsedFinding(**data)


IMPORTER = Importer(NAME, "Hand-made JSON Lines", lambda head: head.startswith(b'{"handmade"'), _parse)


@pytest.fixture(autouse=True)
def handmade_format(monkeypatch: pytest.MonkeyPatch) -> Importer:
    monkeypatch.setitem(REGISTRY, NAME, IMPORTER)
    return IMPORTER


def dep(n: int, **fields: Any) -> dict[str, Any]:
    """A dependency finding: CVE-2024-<10000+n> in pkg:pypi/package-<n>."""
    return {
        "title": f"Vulnerability {n}",
        "tool": "Trivy",
        "kind": "dependency",
        "severity": "high",
        "vulnerability_id": f"CVE-2024-{10000 + n}",
        "package_name": f"package-{n}",
        "package_purl": f"pkg:pypi/package-{n}@1.0.{n}",
        "installed_version": f"1.0.{n}",
        "fixed_version": f"1.1.{n}",
        "file_path": "requirements.txt",
        **fields,
    }


def code(n: int, **fields: Any) -> dict[str, Any]:
    """A code finding of rule ``rule-<n % 7>`` in ``src/module_<n>.py``."""
    return {
        "title": f"Code problem {n}",
        "tool": "Semgrep",
        "kind": "code",
        "severity": "medium",
        "rule_id": f"rule-{n % 7}",
        "file_path": f"src/module_{n}.py",
        "line": 10 + n,
        "code_fingerprint": f"snippet-{n}",
        **fields,
    }


def component(name: str, version: str = "1.0", **fields: Any) -> dict[str, Any]:
    return {"component": {"name": name, "version": version, "purl": f"pkg:pypi/{name}@{version}", **fields}}


def report(items: Iterable[dict[str, Any]], *, tail: bytes = b"") -> io.BytesIO:
    return io.BytesIO(b"\n".join(orjson.dumps(i) for i in items) + b"\n" + tail)
