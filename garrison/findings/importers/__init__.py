"""Report importers: one module per format, listed here by hand (no discovery by file name).

Use `detect(head)` to pick a format from a file's first bytes, then `REGISTRY[name].parse(stream)`.
Every parser raises only `ParseError` for bad input.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from garrison.findings.importers import (
    bandit,
    checkov,
    cyclonedx,
    dependency_check,
    generic,
    github_dependabot,
    gitleaks,
    govulncheck,
    grype,
    nancy,
    npm_audit,
    nuclei,
    osv_scanner,
    pip_audit,
    sarif,
    semgrep,
    snyk,
    spdx,
    trivy,
    trufflehog,
    yarn_audit,
    zap,
)
from garrison.findings.importers.base import Parsed, ParsedComponent, ParsedFinding, ParseError, VexAnalysis
from garrison.findings.importers.registry import HEAD_BYTES, Importer

EMPTY = "empty"


def _parse_empty(source: BinaryIO) -> Iterator[Parsed]:
    return iter(())


_EMPTY_IMPORTER = Importer(EMPTY, "Empty report", lambda head: False, _parse_empty)

# Detection order matters: specific formats before general ones (a SARIF file from Trivy is SARIF, not Trivy).
# The generic formats come last: they accept the widest shapes.
_ORDER: list[Importer] = [
    *sarif.IMPORTERS,
    *cyclonedx.IMPORTERS,
    *spdx.IMPORTERS,
    *trivy.IMPORTERS,
    *grype.IMPORTERS,
    *osv_scanner.IMPORTERS,
    *semgrep.IMPORTERS,
    *bandit.IMPORTERS,
    *checkov.IMPORTERS,
    *gitleaks.IMPORTERS,
    *trufflehog.IMPORTERS,
    *pip_audit.IMPORTERS,
    *npm_audit.IMPORTERS,
    *yarn_audit.IMPORTERS,
    *dependency_check.IMPORTERS,
    *snyk.IMPORTERS,
    *github_dependabot.IMPORTERS,
    *govulncheck.IMPORTERS,
    *nancy.IMPORTERS,
    *zap.IMPORTERS,
    *nuclei.IMPORTERS,
    *generic.IMPORTERS,
]

REGISTRY: dict[str, Importer] = {imp.name: imp for imp in [*_ORDER, _EMPTY_IMPORTER]}


def is_empty_report(head: bytes) -> bool:
    """0 bytes, whitespace, ``null``, ``[]`` or ``{}``: zero findings, whatever the tool."""
    return b"".join(head.removeprefix(b"\xef\xbb\xbf").split()) in {b"", b"null", b"[]", b"{}"}


def detect(head: bytes) -> str:
    """The format name for a file starting with ``head`` (its first HEAD_BYTES), or raise ParseError."""
    if is_empty_report(head):
        return EMPTY
    for importer in _ORDER:
        if importer.sniff(head):
            return importer.name
    raise ParseError("unknown", "the format could not be recognised; name it with --format (see `garrison formats`)")


__all__ = [
    "EMPTY",
    "HEAD_BYTES",
    "REGISTRY",
    "Importer",
    "ParseError",
    "Parsed",
    "ParsedComponent",
    "ParsedFinding",
    "VexAnalysis",
    "detect",
    "is_empty_report",
]
