"""npm audit JSON. npm 6 (``"advisories": {id: advisory}``, one entry per advisory with the installed versions
under ``findings``) and npm 7+ (``"auditReportVersion": 2``, ``"vulnerabilities": {package: entry}`` where the
object entries of ``via`` are the advisories on that package and the string entries name the vulnerable
packages it depends on). The npm 6 advisory shape is also what yarn 1 prints, so yarn_audit reuses it."""

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
from garrison.findings.importers.purls import build_purl
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import cvss4_vector, cwe_numbers, v3_pair, v4_pair

FORMAT_6 = "npm-audit"
FORMAT_7 = "npm-audit-7"
TOOL = "npm audit"

_ADVISORIES_KEY = re.compile(rb'"advisories"\s*:\s*\{')
_NPM6_COMPANION = re.compile(rb'"(?:actions|muted|runId)"\s*:')
_REPORT_VERSION = re.compile(rb'"auditReportVersion"\s*:\s*\d')
_VULNERABILITIES_OBJECT = re.compile(rb'"vulnerabilities"\s*:\s*\{')
_VIA_KEY = re.compile(rb'"via"\s*:\s*\[')
_NPM7_COMPANION = re.compile(rb'"(?:fixAvailable|isDirect|effects)"\s*:')
_YARN_LINE = re.compile(rb'"type"\s*:\s*"audit(?:Advisory|Summary|Action)"')

GHSA_IN_TEXT = re.compile(r"GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}", re.IGNORECASE)
CVE_IN_TEXT = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)
URL_IN_TEXT = re.compile(r"https?://[^\s)\]>\"']+")
_UPPER_BOUND = re.compile(r"<\s*v?(\d[\w.+-]*)\s*$")
_LOWER_BOUND = re.compile(r">=\s*v?(\d[\w.+-]*)")


def sniff_v6(head: bytes) -> bool:
    if _REPORT_VERSION.search(head) or _YARN_LINE.search(head):
        return False
    return bool(_ADVISORIES_KEY.search(head) and _NPM6_COMPANION.search(head))


def sniff_v7(head: bytes) -> bool:
    if _REPORT_VERSION.search(head) and _VULNERABILITIES_OBJECT.search(head):
        return True
    return bool(_VULNERABILITIES_OBJECT.search(head) and _VIA_KEY.search(head) and _NPM7_COMPANION.search(head))


def npm_purl(name: str, version: str = "") -> str:
    """pkg:npm/name@version, with a scope (``@types/node``) as the namespace."""
    return build_purl("npm", name, version)


def cvss_fields(cvss: Any) -> tuple[str, float | None, str, float | None]:
    """(v3 vector, v3 score, v4 vector, v4 score) from ``{"score": 5.3, "vectorString": "CVSS:3.1/..."}``.
    npm writes ``{"score": 0, "vectorString": null}`` for advisories without CVSS: that is no score."""
    if not isinstance(cvss, dict):
        return "", None, "", None
    vector, value = cvss.get("vectorString"), cvss.get("score")
    if cvss4_vector(vector):
        v4_vector, v4_score = v4_pair(vector, value)
        return "", None, v4_vector, v4_score
    v3_vector, v3_score = v3_pair(vector, value)
    if not v3_vector and not v3_score:
        return "", None, "", None
    return v3_vector, v3_score, "", None


def _identifiers(advisory: dict[str, Any]) -> tuple[str, list[str]]:
    """The advisory's main id (GHSA, else CVE, else NPM-<id>) and its other ids."""
    cves = advisory.get("cves")
    ids = [text(c).upper() for c in cves if CVE_IN_TEXT.fullmatch(text(c))] if isinstance(cves, list) else []
    ghsa = text(advisory.get("github_advisory_id")) or next(iter(GHSA_IN_TEXT.findall(text(advisory.get("url")))), "")
    if ghsa:
        ids.insert(0, "GHSA" + ghsa[4:].lower())
    if not ids:
        number = text(advisory.get("id"))
        return (f"NPM-{number}" if number else ""), []
    return ids[0], ids[1:]


def _fixed(patched: str) -> str:
    """``>= 1.10.2`` is version 1.10.2; a compound range stays as written; ``<0.0.0`` means there is no fix."""
    if not patched or patched.replace(" ", "") in {"<0.0.0", "<0.0.0-0"}:
        return ""
    match = _LOWER_BOUND.fullmatch(patched.strip())
    return match[1] if match else patched


def advisory_findings(advisory: dict[str, Any], tool: str) -> Iterator[ParsedFinding]:
    """One finding per installed version of the advisory's package (npm 6 and yarn 1 advisories)."""
    name = text(advisory.get("module_name"))
    vid, aliases = _identifiers(advisory)
    v3_vector, v3_score, v4_vector, v4_score = cvss_fields(advisory.get("cvss"))
    severity = severity_from_word(advisory.get("severity"))
    if severity is Severity.UNKNOWN:
        severity = severity_from_score(v4_score if v4_score is not None else v3_score)
    references = list(
        dict.fromkeys([*URL_IN_TEXT.findall(text(advisory.get("references"))), text(advisory.get("url"))])
    )
    base = "\n\n".join(p for p in (text(advisory.get("overview")), text(advisory.get("recommendation"))) if p)
    vulnerable = text(advisory.get("vulnerable_versions"))
    findings = advisory.get("findings")
    installs = [f for f in findings if isinstance(f, dict)] if isinstance(findings, list) else []
    for install in installs or [{}]:
        version = text(install.get("version"))
        install_paths = install.get("paths")
        where = [text(p) for p in install_paths] if isinstance(install_paths, list) else []
        extra = [f"Vulnerable versions: {vulnerable}"] if vulnerable else []
        if where:
            extra.append("Dependency paths:\n" + "\n".join(f"- {p}" for p in where if p))
        yield ParsedFinding(
            title=text(advisory.get("title")) or f"{vid} in {name}",
            tool=tool,
            kind=Kind.DEPENDENCY,
            severity=severity,
            vulnerability_id=vid,
            aliases=list(aliases),
            cvss_v3_vector=v3_vector,
            cvss_v3_score=v3_score,
            cvss_v4_vector=v4_vector,
            cvss_v4_score=v4_score,
            cwes=cwe_numbers(advisory.get("cwe")),
            package_name=name,
            package_purl=npm_purl(name, version) if name else "",
            installed_version=version,
            fixed_version=_fixed(text(advisory.get("patched_versions"))),
            description="\n\n".join(p for p in (base, *extra) if p),
            references=[r for r in references if r],
        )


def _parse_v6(data: dict[str, Any], fmt: str, tool: str) -> Iterator[Parsed]:
    advisories = data.get("advisories")
    if not advisories:
        return
    expect(isinstance(advisories, dict), fmt, '"advisories" must be an object', "$.advisories")
    for key, advisory in advisories.items():
        expect(isinstance(advisory, dict), fmt, "expected an advisory object", f"$.advisories.{key}")
        yield from advisory_findings(advisory, tool)


def _via_fixed(via_range: str) -> str:
    match = None if "||" in via_range else _UPPER_BOUND.search(via_range)
    return match[1] if match else ""


def _fix_text(fix: Any, name: str) -> tuple[str, str]:
    """(fixed version of this package when the fix is upgrading it, a sentence about the fix)."""
    if fix is True:
        return "", "Fix available with `npm audit fix`."
    if isinstance(fix, dict):
        fix_name, fix_version = text(fix.get("name")), text(fix.get("version"))
        major = " (a semver-major upgrade)" if fix.get("isSemVerMajor") is True else ""
        sentence = f"Fix available: upgrade {fix_name} to {fix_version}{major}."
        return (fix_version if fix_name == name else ""), sentence
    return "", "No fix available." if fix is False else ""


def _via_finding(entry: dict[str, Any], via: dict[str, Any], name: str) -> ParsedFinding:
    url = text(via.get("url"))
    ghsa = next(iter(GHSA_IN_TEXT.findall(url)), "")
    number = text(via.get("source") if via.get("source") is not None else via.get("id"))
    vid = "GHSA" + ghsa[4:].lower() if ghsa else (f"NPM-{number}" if number else "")
    v3_vector, v3_score, v4_vector, v4_score = cvss_fields(via.get("cvss"))
    severity = severity_from_word(via.get("severity"))
    if severity is Severity.UNKNOWN:
        severity = severity_from_score(v4_score if v4_score is not None else v3_score)
    if severity is Severity.UNKNOWN:
        severity = severity_from_word(entry.get("severity"))
    via_range = text(via.get("range") or via.get("vulnerable_versions"))
    installed = text(entry.get("range")) or via_range
    fixed, fix_sentence = _fix_text(entry.get("fixAvailable"), name)
    nodes = entry.get("nodes")
    node_paths = [text(n) for n in nodes if text(n)] if isinstance(nodes, list) else []
    effects = entry.get("effects")
    lines = [
        f"Vulnerable versions: {via_range}." if via_range else "",
        f"Installed versions in range: {installed}." if installed else "",
        "Direct dependency." if entry.get("isDirect") is True else "",
        f"Affects: {', '.join(text(e) for e in effects)}." if isinstance(effects, list) and effects else "",
        fix_sentence,
        ("Installed at: " + ", ".join(node_paths)) if node_paths else "",
    ]
    return ParsedFinding(
        title=text(via.get("title")) or f"{vid} in {name}",
        tool=TOOL,
        kind=Kind.DEPENDENCY,
        severity=severity,
        vulnerability_id=vid,
        cvss_v3_vector=v3_vector,
        cvss_v3_score=v3_score,
        cvss_v4_vector=v4_vector,
        cvss_v4_score=v4_score,
        cwes=cwe_numbers(via.get("cwe")),
        package_name=name,
        package_purl=npm_purl(name),  # npm 7 reports ranges, not the installed version
        installed_version=installed,
        fixed_version=fixed or _via_fixed(via_range),
        file_path=node_paths[0] if node_paths else "",
        description="\n".join(line for line in lines if line),
        references=[url] if url else [],
    )


def _parse_v7(data: dict[str, Any], fmt: str) -> Iterator[Parsed]:
    entries = data.get("vulnerabilities")
    if not entries:
        return
    expect(isinstance(entries, dict), fmt, '"vulnerabilities" must be an object', "$.vulnerabilities")
    seen: set[tuple[str, str, str]] = set()
    for key, entry in entries.items():
        expect(isinstance(entry, dict), fmt, "expected a package entry", f"$.vulnerabilities.{key}")
        vias = entry.get("via")
        if not isinstance(vias, list):
            continue
        for via in vias:
            if not isinstance(via, dict):  # a string: the advisory is on that (transitive) package's own entry
                continue
            name = text(via.get("name")) or text(entry.get("name")) or text(key)
            identity = (name, text(via.get("source") or via.get("id") or via.get("url")), text(via.get("range")))
            if identity in seen:
                continue
            seen.add(identity)
            yield _via_finding(entry, via, name)


def _parse(source: BinaryIO, fmt: str) -> Iterator[Parsed]:
    """Either npm shape, whichever name it was imported under: the two differ only by npm's version."""
    data = load_json(source, fmt)
    if data is None or data == []:
        return
    expect(isinstance(data, dict), fmt, 'expected an object with "advisories" or "vulnerabilities"', "$")
    error = data.get("error")
    if error and "advisories" not in data and "vulnerabilities" not in data:
        summary = text(error.get("summary") or error.get("code")) if isinstance(error, dict) else text(error)
        raise ParseError(fmt, f"npm reported an error instead of an audit: {summary}", "$.error")
    if "advisories" in data:
        yield from _parse_v6(data, fmt, TOOL)
    else:
        yield from _parse_v7(data, fmt)


def parse_v6(source: BinaryIO) -> Iterator[Parsed]:
    return _parse(source, FORMAT_6)


def parse_v7(source: BinaryIO) -> Iterator[Parsed]:
    return _parse(source, FORMAT_7)


IMPORTERS: list[Importer] = [
    Importer(name=FORMAT_6, label="npm audit JSON (npm 6)", sniff=sniff_v6, parse=parse_v6),
    Importer(name=FORMAT_7, label="npm audit JSON (npm 7 and later)", sniff=sniff_v7, parse=parse_v7),
]
