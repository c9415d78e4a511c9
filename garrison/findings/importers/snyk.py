"""Snyk Open Source and Container JSON (``snyk test --json``, ``snyk container test --json``): one project object,
or a list of them (``--all-projects``), each with ``vulnerabilities``. Snyk lists a vulnerability once per
dependency path (``from``); those are one finding here, with the paths in the description. License issues
(``"type": "license"``) are kept as findings of kind ``other``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedFinding,
    ParseError,
    Severity,
    expect,
    load_json,
    severity_from_score,
    severity_from_word,
    text,
)
from garrison.findings.importers.purls import build_purl, purl_type
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import cvss4_vector, cwe_numbers, v3_pair, v4_pair

FORMAT = "snyk"
TOOL = "Snyk"

_VULNERABILITIES = re.compile(rb'"vulnerabilities"\s*:\s*\[')
_SNYK_KEYS = re.compile(rb'"(?:upgradePath|isUpgradable|isPatchable|dependencyCount|uniqueCount)"\s*:')
_CYCLONEDX = re.compile(rb'"bomFormat"\s*:')

# Snyk's package manager words that purls.purl_type does not know.
_MANAGERS = {"gomodules": "golang", "govendor": "golang", "golangdep": "golang", "paket": "nuget", "hex": "hex"}


def sniff(head: bytes) -> bool:
    return bool(_VULNERABILITIES.search(head) and _SNYK_KEYS.search(head) and not _CYCLONEDX.search(head))


def _purl(manager: str, name: str, version: str) -> str:
    ptype, namespace = purl_type(manager)  # container projects name the distribution: "debian:10", "alpine:3.18"
    ptype = ptype or _MANAGERS.get(manager.strip().lower(), "")
    if ptype in {"deb", "apk", "rpm"}:  # Snyk writes "source/binary" ("util-linux/libuuid1"): the purl is the binary
        name = name.rsplit("/", 1)[-1]
    return build_purl(ptype, name, version, namespace)


def _ids(vuln: dict[str, Any]) -> tuple[list[str], list[int]]:
    identifiers = vuln.get("identifiers")
    identifiers = identifiers if isinstance(identifiers, dict) else {}
    aliases: list[str] = []
    for key in ("CVE", "GHSA"):
        values = identifiers.get(key)
        aliases.extend(text(v) for v in (values if isinstance(values, list) else [values]) if text(v))
    return list(dict.fromkeys(aliases)), cwe_numbers(identifiers.get("CWE") or [])


def _cvss(vuln: dict[str, Any]) -> tuple[str, float | None, str, float | None]:
    """(v3 vector, v3 score, v4 vector, v4 score) from ``CVSSv3``/``cvssScore`` and newer ``cvssSources``."""
    vector, value = vuln.get("CVSSv3"), vuln.get("cvssScore")
    v3, v4 = v3_pair(vector, value), v4_pair(vector, value) if cvss4_vector(vector) else ("", None)
    if not v3[0] and v4[0]:
        v3 = ("", None)
    sources = vuln.get("cvssSources")
    for source in sources if isinstance(sources, list) else []:
        if not isinstance(source, dict) or source.get("type") not in {"primary", None}:
            continue
        if not v4[0] and cvss4_vector(source.get("vector")):
            v4 = v4_pair(source.get("vector"), source.get("baseScore"))
        elif not v3[0] and not cvss4_vector(source.get("vector")):
            v3 = v3_pair(source.get("vector"), source.get("baseScore"), text(source.get("cvssVersion")) or "3.1")
            v3 = v3 if v3[0] else ("", None)
    return v3[0], v3[1], v4[0], v4[1]


def _finding(vuln: dict[str, Any], paths: list[str], project: dict[str, Any]) -> ParsedFinding:
    vid = text(vuln.get("id"))
    aliases, cwes = _ids(vuln)
    v3_vector, v3_score, v4_vector, v4_score = _cvss(vuln)
    severity = severity_from_word(vuln.get("severity") or vuln.get("severityWithCritical"))
    if severity is Severity.UNKNOWN:
        severity = severity_from_score(v4_score if v4_score is not None else v3_score)
    name = text(vuln.get("packageName") or vuln.get("moduleName") or vuln.get("name"))
    version = text(vuln.get("version"))
    manager = text(vuln.get("packageManager") or project.get("packageManager"))
    fixed = vuln.get("fixedIn")
    fixed_version = ", ".join(text(v) for v in fixed if text(v)) if isinstance(fixed, list) else text(fixed)
    is_license = text(vuln.get("type")) == "license" or vid.startswith("snyk:lic")
    lines = [text(vuln.get("description"))]
    if paths:
        lines.append("Introduced through:\n" + "\n".join(f"- {p}" for p in paths))
    references = vuln.get("references")
    return ParsedFinding(
        title=text(vuln.get("title")) or f"{vid} in {name}",
        tool=TOOL,
        kind=Kind.OTHER if is_license else Kind.DEPENDENCY,
        severity=severity,
        vulnerability_id=vid,
        aliases=[a for a in aliases if a != vid],
        cvss_v3_vector=v3_vector,
        cvss_v3_score=v3_score,
        cvss_v4_vector=v4_vector,
        cvss_v4_score=v4_score,
        cwes=cwes,
        package_name=name,
        package_purl=_purl(manager, name, version),
        installed_version=version,
        fixed_version=fixed_version or text(vuln.get("nearestFixedInVersion")),
        file_path=text(project.get("displayTargetFile") or project.get("targetFile")),
        rule_id=vid if is_license else "",
        description="\n\n".join(line for line in lines if line),
        references=[text(r.get("url")) for r in references if isinstance(r, dict) and text(r.get("url"))]
        if isinstance(references, list)
        else [],
        target=text(project.get("projectName") or project.get("path")),
    )


def _project_findings(project: dict[str, Any], where: str) -> Iterator[ParsedFinding]:
    vulns = project.get("vulnerabilities") or []
    expect(isinstance(vulns, list), FORMAT, '"vulnerabilities" must be a list', f"{where}.vulnerabilities")
    grouped: dict[tuple[str, str, str], tuple[dict[str, Any], list[str]]] = {}
    for index, vuln in enumerate(vulns):
        expect(isinstance(vuln, dict), FORMAT, "expected a vulnerability object", f"{where}.vulnerabilities[{index}]")
        key = (text(vuln.get("id")), text(vuln.get("packageName") or vuln.get("name")), text(vuln.get("version")))
        _, paths = grouped.setdefault(key, (vuln, []))
        chain = vuln.get("from")
        path = " > ".join(text(step) for step in chain) if isinstance(chain, list) else ""
        if path and path not in paths:
            paths.append(path)
    for vuln, paths in grouped.values():
        yield _finding(vuln, paths, project)
    applications = project.get("applications")  # snyk container test --app-vulns: one project per application
    for index, application in enumerate(applications if isinstance(applications, list) else []):
        if isinstance(application, dict):
            yield from _project_findings(application, f"{where}.applications[{index}]")


def parse(source: BinaryIO) -> Iterator[Parsed]:
    data = load_json(source, FORMAT)
    if data is None:
        return
    projects = data if isinstance(data, list) else [data]
    for index, project in enumerate(projects):
        where = f"$[{index}]" if isinstance(data, list) else "$"
        expect(isinstance(project, dict), FORMAT, 'expected a project object with "vulnerabilities"', where)
        if "vulnerabilities" not in project and project.get("error"):
            if isinstance(data, list):  # one project of several failed; the others still count
                continue
            raise ParseError(FORMAT, f"Snyk reported an error instead of results: {text(project.get('error'))}", where)
        yield from _project_findings(project, where)


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="Snyk JSON", sniff=sniff, parse=parse)]
