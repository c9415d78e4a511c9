"""yarn audit JSON. Yarn 1 (``yarn audit --json``) prints NDJSON: ``{"type": "auditAdvisory", "data":
{"resolution": {...}, "advisory": {...npm 6 advisory...}}}`` once per dependency path, then an ``auditSummary``
line. Yarn 2+ (``yarn npm audit --json``) prints either the npm 6 document (``{"advisories": ...}``) or NDJSON
tree nodes ``{"value": "<package>", "children": {"ID", "Issue", "URL", "Severity", "Vulnerable Versions",
"Tree Versions", "Dependents"}}``. The same advisory on several paths is one finding per installed version."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import Parsed, ParseError, expect, load_json, load_json_lines, text
from garrison.findings.importers.npm_audit import advisory_findings
from garrison.findings.importers.registry import Importer

FORMAT = "yarn-audit"
TOOL = "yarn audit"

_YARN1_LINE = re.compile(rb'"type"\s*:\s*"audit(?:Advisory|Summary|Action)"')
_BERRY_NODE = re.compile(rb'"children"\s*:\s*\{')
_BERRY_KEY = re.compile(rb'"Vulnerable Versions"\s*:')


def sniff(head: bytes) -> bool:
    return bool(_YARN1_LINE.search(head) or (_BERRY_NODE.search(head) and _BERRY_KEY.search(head)))


class _Merged:
    """Advisories by id, with every installed version and the dependency paths that lead to it."""

    def __init__(self) -> None:
        self.advisories: dict[str, dict[str, Any]] = {}
        self.paths: dict[str, dict[str, list[str]]] = {}

    def add(self, advisory: dict[str, Any], extra_paths: list[str]) -> None:
        key = text(advisory.get("id")) or text(advisory.get("url")) or text(advisory.get("title"))
        key = f"{key}|{text(advisory.get('module_name'))}"
        self.advisories.setdefault(key, advisory)
        versions = self.paths.setdefault(key, {})
        installs = advisory.get("findings")
        installs = [i for i in installs if isinstance(i, dict)] if isinstance(installs, list) else []
        for install in installs or [{"paths": extra_paths}]:
            paths = install.get("paths")
            known = versions.setdefault(text(install.get("version")), [])
            for path in [*(paths if isinstance(paths, list) else []), *extra_paths]:
                if text(path) and text(path) not in known:
                    known.append(text(path))

    def findings(self) -> Iterator[Parsed]:
        for key, advisory in self.advisories.items():
            installs = [{"version": v, "paths": p} for v, p in self.paths[key].items()]
            yield from advisory_findings({**advisory, "findings": installs}, TOOL)


def _berry_advisory(node: dict[str, Any]) -> dict[str, Any]:
    children = node.get("children")
    if not isinstance(children, dict):
        raise ParseError(FORMAT, 'expected "children" to be an object')
    versions = children.get("Tree Versions")
    dependents = children.get("Dependents")
    paths = [text(d) for d in dependents] if isinstance(dependents, list) else []
    return {
        "id": children.get("ID"),
        "module_name": text(node.get("value")),
        "title": children.get("Issue"),
        "url": children.get("URL"),
        "severity": children.get("Severity"),
        "vulnerable_versions": children.get("Vulnerable Versions"),
        "findings": [{"version": text(v), "paths": paths} for v in versions] if isinstance(versions, list) else [],
    }


def _add_line(merged: _Merged, line: Any, number: int, errors: list[str]) -> None:
    expect(isinstance(line, dict), FORMAT, "expected a JSON object on every line", f"line {number}")
    kind = line.get("type")
    if kind == "auditAdvisory":
        data = line.get("data")
        data = data if isinstance(data, dict) else {}
        advisory, resolution = data.get("advisory"), data.get("resolution")
        if not isinstance(advisory, dict):
            raise ParseError(FORMAT, 'expected "data.advisory" to be an object', f"line {number}")
        path = text(resolution.get("path")) if isinstance(resolution, dict) else ""
        merged.add(advisory, [path] if path else [])
    elif kind == "error":
        errors.append(text(line.get("data")))
    elif kind is None and "children" in line:
        try:
            merged.add(_berry_advisory(line), [])
        except ParseError as exc:
            raise ParseError(FORMAT, exc.message, f"line {number}") from None


def _lines(data: bytes) -> Iterator[tuple[int, Any]]:
    """Each line's JSON value, numbered; the document as one value when it is not NDJSON (pretty-printed)."""
    try:
        whole = load_json(data, FORMAT)
    except ParseError:
        yield from enumerate(load_json_lines(data, FORMAT), start=1)
        return
    if isinstance(whole, list):  # some wrappers collect the lines into an array
        yield from enumerate(whole, start=1)
    elif whole is not None:
        yield 1, whole


def parse(source: BinaryIO) -> Iterator[Parsed]:
    data = source.read()
    merged, summary = _Merged(), False
    errors: list[str] = []
    for number, line in _lines(data):
        if isinstance(line, dict) and "advisories" in line and "type" not in line:  # yarn 2/3: npm 6 document
            advisories = line.get("advisories") or {}
            expect(isinstance(advisories, dict), FORMAT, '"advisories" must be an object', "$.advisories")
            for advisory in advisories.values():
                expect(isinstance(advisory, dict), FORMAT, "expected an advisory object", "$.advisories")
                merged.add(advisory, [])
            summary = True
            continue
        summary = summary or (isinstance(line, dict) and line.get("type") == "auditSummary")
        _add_line(merged, line, number, errors)
    if errors and not summary and not merged.advisories:
        raise ParseError(FORMAT, f"yarn reported an error instead of an audit: {errors[0]}")
    yield from merged.findings()


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="yarn audit JSON", sniff=sniff, parse=parse)]
