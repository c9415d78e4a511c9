"""Anchore Grype JSON (``grype -o json``): ``matches[]``, each a vulnerability found in one artifact.

One dependency finding per match. The match's own vulnerability gives the id, severity, CVSS, fix and URLs; its
``relatedVulnerabilities`` (usually the NVD record of the same CVE) give aliases, and CVSS when the match's own
record has none. The artifact gives the package, purl and first location.
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
from garrison.findings.importers.scoring import cwe_numbers, v3_pair, v4_pair

FORMAT = "grype"
TOOL = "grype"

_MATCHES_KEY = re.compile(rb'"matches"\s*:\s*\[')
_GRYPE_MARKERS = re.compile(
    rb'"descriptor"\s*:\s*\{\s*"name"\s*:\s*"grype"|"name"\s*:\s*"grype"|"matchDetails"\s*:|"relatedVulnerabilities"\s*:'
)
_NVD = "nvd@nist.gov"


def sniff(head: bytes) -> bool:
    return bool(_MATCHES_KEY.search(head) and _GRYPE_MARKERS.search(head))


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pairs(entries: list[dict[str, Any]]) -> tuple[tuple[str, float | None], tuple[str, float | None]]:
    """v3 and v4 (vector, score) from a ``cvss`` list: NVD's primary entry first, then in order."""
    entries = sorted(entries, key=lambda e: (text(e.get("source")) != _NVD, text(e.get("type")).lower() != "primary"))
    v3: tuple[str, float | None] = ("", None)
    v4: tuple[str, float | None] = ("", None)
    for entry in entries:
        version = text(entry.get("version"))
        score = _dict(entry.get("metrics")).get("baseScore")
        if version.startswith("3") and not v3[0]:
            v3 = v3_pair(entry.get("vector"), score, version)
        elif version.startswith("4") and not v4[0]:
            v4 = v4_pair(entry.get("vector"), score)
    return v3, v4


def _cvss(vuln: dict[str, Any], related: list[dict[str, Any]]) -> tuple[tuple[str, float | None], ...]:
    v3, v4 = _pairs(_dicts(vuln.get("cvss")))
    nvd_first = sorted(related, key=lambda r: not text(r.get("namespace")).startswith("nvd"))
    for record in nvd_first:
        if v3[0] and v4[0]:
            break
        r3, r4 = _pairs(_dicts(record.get("cvss")))
        v3 = v3 if v3[0] else r3 if r3[0] else v3
        v4 = v4 if v4[0] else r4 if r4[0] else v4
    return v3, v4


def _severity(vuln: dict[str, Any], related: list[dict[str, Any]], score: float | None) -> Severity:
    severity = severity_from_word(vuln.get("severity"))
    if severity is Severity.UNKNOWN and score is not None:
        severity = severity_from_score(score)
    for record in related:
        if severity is not Severity.UNKNOWN:
            break
        severity = severity_from_word(record.get("severity"))
    return severity


def _urls(vuln: dict[str, Any], related: list[dict[str, Any]]) -> list[str]:
    urls = [text(vuln.get("dataSource"))]
    for record in (vuln, *related):
        for key in ("urls", "links"):  # "links" in Grype before 0.30
            listed = record.get(key)
            urls += [text(url) for url in listed] if isinstance(listed, list) else []
    urls += [text(advisory.get("link")) for advisory in _dicts(vuln.get("advisories"))]
    return list(dict.fromkeys(url for url in urls if url.startswith(("http://", "https://"))))


def _fixed(vuln: dict[str, Any]) -> str:
    fix = _dict(vuln.get("fix"))
    versions = fix.get("versions")
    if text(fix.get("state")).lower() in {"not-fixed", "wont-fix", "unknown"} or not isinstance(versions, list):
        return ""
    return ", ".join(v for v in dict.fromkeys(text(version) for version in versions) if v)


def _location(location: Any) -> str:
    return text(location.get("path")) if isinstance(location, dict) else text(location)


def _target(report: dict[str, Any]) -> str:
    source = _dict(report.get("source"))
    target = source.get("target")
    if isinstance(target, dict):
        return text(target.get("userInput")) or text(target.get("imageID"))
    return text(target)


def _finding(match: dict[str, Any], distro: str, target: str) -> ParsedFinding | None:
    vuln = _dict(match.get("vulnerability"))
    vid = text(vuln.get("id"))
    if not vid:
        return None
    related = _dicts(match.get("relatedVulnerabilities"))
    artifact = _dict(match.get("artifact"))
    name, version = text(artifact.get("name")), text(artifact.get("version"))
    (v3_vector, v3_score), (v4_vector, v4_score) = _cvss(vuln, related)
    purl = text(artifact.get("purl"))
    purl = (
        with_version(purl, version)
        if purl.startswith("pkg:")
        else purl_for(text(artifact.get("type")), name, version, distro)
    )
    locations = artifact.get("locations") if isinstance(artifact.get("locations"), list) else []
    description = text(vuln.get("description")) or next(
        (text(r.get("description")) for r in related if r.get("description")), ""
    )
    return ParsedFinding(
        title=f"{vid} in {name} {version}".strip(),
        tool=TOOL,
        kind=Kind.DEPENDENCY,
        severity=_severity(vuln, related, v3_score if v3_score is not None else v4_score),
        vulnerability_id=vid,
        aliases=[a for a in dict.fromkeys(text(r.get("id")) for r in related) if a and a != vid],
        cvss_v3_vector=v3_vector,
        cvss_v3_score=v3_score,
        cvss_v4_vector=v4_vector,
        cvss_v4_score=v4_score,
        cwes=cwe_numbers(vuln.get("cwes")),
        package_name=name,
        package_purl=purl,
        installed_version=version,
        fixed_version=_fixed(vuln),
        file_path=_location(locations[0]) if locations else "",
        description=description,
        references=_urls(vuln, related),
        target=target,
    )


def parse(source: BinaryIO) -> Iterator[Parsed]:
    report = load_json(source, FORMAT)
    if report is None or report == {} or report == []:
        return
    expect(isinstance(report, dict), FORMAT, 'expected a Grype report (an object with "matches")', "$")
    expect(
        any(key in report for key in ("matches", "descriptor", "source")),
        FORMAT,
        'expected a Grype report (an object with "matches")',
        "$",
    )
    matches = report.get("matches")
    if matches is None:
        return
    expect(isinstance(matches, list), FORMAT, '"matches" must be a list', "$.matches")
    distro = text(_dict(report.get("distro")).get("name"))
    target = _target(report)
    for index, match in enumerate(matches):
        expect(isinstance(match, dict), FORMAT, "expected a match object", f"$.matches[{index}]")
        finding = _finding(match, distro, target)
        if finding is not None:
            yield finding


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="Anchore Grype JSON", sniff=sniff, parse=parse)]
