"""pip-audit JSON (``pip-audit -f json``): a list of dependencies (up to 2.4) or ``{"dependencies": [...],
"fixes": [...]}`` (2.5 on), each ``{"name", "version", "vulns": [{"id", "fix_versions", "aliases",
"description"}]}`` or ``{"name", "skip_reason"}`` for packages it could not audit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import Kind, Parsed, ParsedFinding, expect, load_json, text
from garrison.findings.importers.purls import build_purl
from garrison.findings.importers.registry import Importer

FORMAT = "pip-audit"
TOOL = "pip-audit"

_START = re.compile(rb'^\s*(?:\[\s*\{|\{\s*"dependencies"\s*:\s*\[)')
# pip-audit writes each dependency as {"name", "version", "vulns": [...]} or {"name", "skip_reason"}.
_DEPENDENCY = re.compile(
    rb'\{\s*"name"\s*:\s*"[^"\\]*"\s*,\s*(?:"version"\s*:\s*"[^"\\]*"\s*,\s*"vulns"\s*:\s*\[|"skip_reason"\s*:)'
)

_FIXES = re.compile(rb'^\s*\{\s*"dependencies"\s*:\s*\[\s*\]\s*,\s*"fixes"\s*:')  # 2.5+ with nothing installed


def sniff(head: bytes) -> bool:
    head = head.lstrip(b"\xef\xbb\xbf")
    return bool((_START.match(head) and _DEPENDENCY.search(head)) or _FIXES.match(head))


def _dependencies(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    expect(isinstance(data, dict), FORMAT, 'expected a list of dependencies or an object with "dependencies"', "$")
    deps = data.get("dependencies")
    if deps is None:
        return []
    expect(isinstance(deps, list), FORMAT, '"dependencies" must be a list', "$.dependencies")
    return deps


def _finding(name: str, version: str, vuln: dict[str, Any]) -> ParsedFinding:
    vid = text(vuln.get("id"))
    aliases = vuln.get("aliases")
    fixes = vuln.get("fix_versions")
    fixed = [text(v) for v in fixes if text(v)] if isinstance(fixes, list) else [text(fixes)] if fixes else []
    description = text(vuln.get("description"))
    return ParsedFinding(
        title=f"{vid} in {name} {version}".strip() if vid else f"Vulnerability in {name} {version}".strip(),
        tool=TOOL,
        kind=Kind.DEPENDENCY,
        vulnerability_id=vid,
        aliases=[a for a in (text(x) for x in aliases) if a and a != vid] if isinstance(aliases, list) else [],
        package_name=name,
        package_purl=build_purl("pypi", name, version),
        installed_version=version,
        fixed_version=", ".join(fixed),
        description=description,
    )


def parse(source: BinaryIO) -> Iterator[Parsed]:
    data = load_json(source, FORMAT)
    if data is None:
        return
    for index, dep in enumerate(_dependencies(data)):
        where = f"$.dependencies[{index}]" if isinstance(data, dict) else f"$[{index}]"
        expect(isinstance(dep, dict), FORMAT, "expected a dependency object", where)
        vulns = dep.get("vulns")
        if not vulns:  # clean, or skipped ("skip_reason"): nothing was found
            continue
        expect(isinstance(vulns, list), FORMAT, '"vulns" must be a list', f"{where}.vulns")
        name, version = text(dep.get("name")), text(dep.get("version"))
        expect(bool(name), FORMAT, 'a dependency with vulnerabilities has no "name"', where)
        for number, vuln in enumerate(vulns):
            expect(isinstance(vuln, dict), FORMAT, "expected a vulnerability object", f"{where}.vulns[{number}]")
            yield _finding(name, version, vuln)


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="pip-audit JSON", sniff=sniff, parse=parse)]
