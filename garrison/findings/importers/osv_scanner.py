"""OSV-Scanner JSON (``osv-scanner --format json``): ``results[]`` (one per scanned lockfile, SBOM, directory or
image) with ``packages[]``, each with the OSV ``vulnerabilities`` found in it and ``groups`` of ids that are the
same vulnerability.

One dependency finding per (package, vulnerability). CVSS scores are computed from the vectors (OSV records give
vectors only). A record without a severity of its own takes the highest one in its group (GHSA and PYSEC records of
one CVE are grouped, and often only the GHSA one is rated). The fixed version is the end of the affected range that
contains the installed version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedFinding,
    Severity,
    expect,
    load_json,
    severity_from_score,
    severity_from_word,
    text,
)
from garrison.findings.importers.purls import purl_for, with_version
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import cwe_numbers, score_value, v3_pair, v4_pair

FORMAT = "osv-scanner"
TOOL = "osv-scanner"

_RESULTS_KEY = re.compile(rb'\A\s*\{\s*"results"\s*:')
_PACKAGES_KEY = re.compile(rb'"packages"\s*:\s*\[')
_SOURCE_KEY = re.compile(rb'"source"\s*:\s*\{\s*"path"\s*:')
_CONFIG_KEY = re.compile(rb'"experimental_config"\s*:')
_ONLY_EMPTY_RESULTS = re.compile(rb'\A\s*\{\s*"results"\s*:\s*\[\s*\]\s*\}\s*\Z')
_VERSION_PART = re.compile(r"\d+|[A-Za-z]+")
_PYPI_NAME = re.compile(r"[-_.]+")
_RANK = {Severity.CRITICAL: 5, Severity.HIGH: 4, Severity.MEDIUM: 3, Severity.LOW: 2, Severity.INFO: 1}


def sniff(head: bytes) -> bool:
    head = head.removeprefix(b"\xef\xbb\xbf")
    if not _RESULTS_KEY.match(head):
        return False
    if _ONLY_EMPTY_RESULTS.match(head):
        return True
    return bool(_SOURCE_KEY.search(head) and _PACKAGES_KEY.search(head)) or bool(_CONFIG_KEY.search(head))


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _objects(value: Any, position: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    expect(isinstance(value, list), FORMAT, "expected a list", position)
    for index, item in enumerate(value):
        expect(isinstance(item, dict), FORMAT, "expected an object", f"{position}[{index}]")
    return value


# --- versions and ranges ------------------------------------------------------------------------------------------


def _version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """A loose, total order good enough to place a version in an OSV range: numbers compare as numbers, letters
    (pre-releases: ``a1``, ``rc2``, ``beta``) sort below any number. ``0`` is the start of time."""
    return tuple((1, int(p), "") if p.isdigit() else (0, 0, p.lower()) for p in _VERSION_PART.findall(version))


def _same_package(affected: dict[str, Any], name: str, ecosystem: str) -> bool:
    package = _dict(affected.get("package"))
    other, other_ecosystem = text(package.get("name")), text(package.get("ecosystem"))
    if other_ecosystem.split(":", 1)[0].lower() != ecosystem.split(":", 1)[0].lower():
        return False
    if ecosystem.lower() == "pypi":
        return _PYPI_NAME.sub("-", other).lower() == _PYPI_NAME.sub("-", name).lower()
    return other == name


def _spans(affected: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(introduced, fixed) pairs from the ECOSYSTEM and SEMVER ranges (GIT ranges are commits, not versions)."""
    spans: list[tuple[str, str]] = []
    for entry in affected:
        for rng in _dicts(entry.get("ranges")):
            if text(rng.get("type")).upper() == "GIT":
                continue
            introduced = "0"
            for event in _dicts(rng.get("events")):
                if "introduced" in event:
                    introduced = text(event.get("introduced")) or "0"
                elif text(event.get("fixed")):
                    spans.append((introduced, text(event.get("fixed"))))
    return spans


def _fixed_version(vuln: dict[str, Any], name: str, ecosystem: str, installed: str) -> str:
    affected = _dicts(vuln.get("affected"))
    mine = [entry for entry in affected if _same_package(entry, name, ecosystem)] or affected
    spans = _spans(mine)
    if not spans or not installed:
        return ""
    current = _version_key(installed)
    containing = [fixed for start, fixed in spans if _version_key(start) <= current < _version_key(fixed)]
    if containing:
        return min(containing, key=_version_key)
    later = [fixed for _, fixed in spans if _version_key(fixed) > current]
    return min(later, key=_version_key) if later else ""


# --- severity -----------------------------------------------------------------------------------------------------


def _scores(vuln: dict[str, Any]) -> tuple[tuple[str, float | None], tuple[str, float | None]]:
    v3: tuple[str, float | None] = ("", None)
    v4: tuple[str, float | None] = ("", None)
    for entry in _dicts(vuln.get("severity")):
        kind = text(entry.get("type")).upper()
        if kind == "CVSS_V3" and not v3[0]:
            v3 = v3_pair(entry.get("score"))
        elif kind == "CVSS_V4" and not v4[0]:
            v4 = v4_pair(entry.get("score"))
    return v3, v4


def _own_severity(vuln: dict[str, Any]) -> Severity:
    (_, v3_score), (_, v4_score) = _scores(vuln)
    score = v3_score if v3_score is not None else v4_score
    if score is not None:
        return severity_from_score(score)
    severity = severity_from_word(_dict(vuln.get("database_specific")).get("severity"))
    for entry in _dicts(vuln.get("severity")):  # {"type": "Ubuntu", "score": "medium"}: a word, not a vector
        if severity is Severity.UNKNOWN and not text(entry.get("type")).upper().startswith("CVSS"):
            severity = severity_from_word(entry.get("score"))
    if severity is Severity.UNKNOWN:  # some ecosystems put the word on the affected entry
        for entry in _dicts(vuln.get("affected")):
            severity = severity_from_word(_dict(entry.get("ecosystem_specific")).get("severity"))
            if severity is not Severity.UNKNOWN:
                break
    return severity


def _group_severities(package: dict[str, Any], vulns: list[dict[str, Any]]) -> dict[str, Severity]:
    """For each id, the highest severity in its group (``max_severity`` when the scanner gives it)."""
    own = {text(vuln.get("id")): _own_severity(vuln) for vuln in vulns}
    best: dict[str, Severity] = {}
    for group in _dicts(package.get("groups")):
        ids = [text(i) for i in _list(group.get("ids")) if text(i)]
        candidates = [own.get(i, Severity.UNKNOWN) for i in ids]
        max_score = score_value(group.get("max_severity"))
        if max_score is not None:
            candidates.append(severity_from_score(max_score))
        top = max(candidates, key=lambda s: _RANK.get(s, 0), default=Severity.UNKNOWN)
        for i in ids:
            best[i] = top
    return best


def _group_aliases(package: dict[str, Any]) -> dict[str, list[str]]:
    aliases: dict[str, list[str]] = {}
    for group in _dicts(package.get("groups")):
        names = [text(i) for key in ("ids", "aliases") for i in _list(group.get(key))]
        for i in _list(group.get("ids")):
            aliases.setdefault(text(i), []).extend(n for n in names if n)
    return aliases


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _git_repository(vuln: dict[str, Any]) -> str:
    """For a package scanned by commit (a git checkout, no name): the repository the record's GIT range names."""
    for entry in _dicts(vuln.get("affected")):
        for rng in _dicts(entry.get("ranges")):
            if text(rng.get("type")).upper() == "GIT" and text(rng.get("repo")):
                return text(rng.get("repo"))
    return ""


def _cwes(vuln: dict[str, Any]) -> list[int]:
    """CWE ids from ``database_specific.cwe_ids`` (GitHub) and ``affected[].database_specific.cwes`` (malware)."""
    found: list[Any] = _list(_dict(vuln.get("database_specific")).get("cwe_ids"))
    for entry in _dicts(vuln.get("affected")):
        found += [weakness.get("cweId") for weakness in _dicts(_dict(entry.get("database_specific")).get("cwes"))]
    return cwe_numbers(found)


# --- findings -----------------------------------------------------------------------------------------------------


def _package_fields(package: dict[str, Any]) -> dict[str, str]:
    info = _dict(package.get("package"))
    name, version, ecosystem = text(info.get("name")), text(info.get("version")), text(info.get("ecosystem"))
    commit = text(info.get("commit"))
    purl = text(info.get("purl"))
    purl = with_version(purl, version) if purl.startswith("pkg:") else purl_for(ecosystem, name, version)
    return {"name": name, "version": version or commit, "ecosystem": ecosystem, "purl": purl}


def _finding(
    vuln: dict[str, Any], pkg: dict[str, str], group_severity: Severity, aliases: list[str], source: dict[str, str]
) -> ParsedFinding | None:
    vid = text(vuln.get("id"))
    if not vid:
        return None
    (v3_vector, v3_score), (v4_vector, v4_score) = _scores(vuln)
    severity = _own_severity(vuln)
    if _RANK.get(severity, 0) == 0 and group_severity is not Severity.UNKNOWN:
        severity = group_severity
    cwes = _cwes(vuln)
    all_aliases = [text(a) for a in _list(vuln.get("aliases"))] + aliases
    name, version = pkg["name"] or _git_repository(vuln), pkg["version"]
    summary, details = text(vuln.get("summary")), text(vuln.get("details"))
    return ParsedFinding(
        title=f"{vid} in {name} {version}".strip() if name else vid,
        tool=TOOL,
        kind=Kind.DEPENDENCY,
        severity=severity,
        vulnerability_id=vid,
        aliases=[a for a in dict.fromkeys(all_aliases) if a and a != vid],
        cvss_v3_vector=v3_vector,
        cvss_v3_score=v3_score,
        cvss_v4_vector=v4_vector,
        cvss_v4_score=v4_score,
        cwes=cwes,
        package_name=name,
        package_purl=pkg["purl"],
        installed_version=version,
        fixed_version=_fixed_version(vuln, name, pkg["ecosystem"], version) if pkg["name"] else "",
        file_path=source["path"],
        description="\n\n".join(part for part in (summary, details) if part),
        references=list(dict.fromkeys(u for r in _dicts(vuln.get("references")) if (u := text(r.get("url"))))),
        target=source["path"],
    )


def _package_findings(package: dict[str, Any], position: str, source: dict[str, str]) -> Iterator[ParsedFinding]:
    vulns = _objects(package.get("vulnerabilities"), f"{position}.vulnerabilities")
    severities = _group_severities(package, vulns)
    aliases = _group_aliases(package)
    pkg = _package_fields(package)
    for vuln in vulns:
        vid = text(vuln.get("id"))
        finding = _finding(vuln, pkg, severities.get(vid, Severity.UNKNOWN), aliases.get(vid, []), source)
        if finding is not None:
            yield finding


def parse(source: BinaryIO) -> Iterator[Parsed]:
    report = load_json(source, FORMAT)
    if report is None or report == {} or report == []:
        return
    expect(isinstance(report, dict), FORMAT, 'expected an OSV-Scanner report (an object with "results")', "$")
    expect("results" in report, FORMAT, 'expected an OSV-Scanner report (an object with "results")', "$")
    for index, result in enumerate(_objects(report.get("results"), "$.results")):
        where = f"$.results[{index}]"
        scanned = _dict(result.get("source"))
        origin = {"path": text(scanned.get("path"))}
        for number, package in enumerate(_objects(result.get("packages"), f"{where}.packages")):
            yield from _package_findings(package, f"{where}.packages[{number}]", origin)


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="OSV-Scanner JSON", sniff=sniff, parse=parse)]
