"""OWASP Dependency-Check reports, XML (``dependency-check-report.xml``, one namespace per schema version, so
elements are matched by local name) and JSON (``dependency-check-report.json``). Both list ``dependencies``, each
with its package identifiers and ``vulnerabilities``; ``suppressedVulnerabilities`` were suppressed by the
project's own suppression file and are not findings. The XML is first turned into the JSON report's shape so one
mapping serves both."""

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
    load_xml,
    severity_from_score,
    severity_from_word,
    text,
)
from garrison.findings.importers.purls import build_purl, split_purl
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import score_value, v3_pair, v4_pair

FORMAT_XML = "dependency-check-xml"
FORMAT_JSON = "dependency-check-json"
TOOL = "OWASP Dependency-Check"

_XML_ROOT = re.compile(rb"<(?:\w+:)?analysis\b[^>]*DependencyCheck", re.IGNORECASE)
_XML_ROOT_PLAIN = re.compile(rb"<(?:\w+:)?analysis\b")
_XML_DC_ELEMENT = re.compile(rb"<(?:\w+:)?(?:scanInfo|engineVersion|evidenceCollected)\b")
_JSON_SCAN_INFO = re.compile(rb'"scanInfo"\s*:\s*\{')
_JSON_ENGINE = re.compile(rb'"engineVersion"\s*:')
_JSON_DC_KEY = re.compile(rb'"(?:reportSchema|dependencies|projectInfo)"\s*:')
_CWE = re.compile(r"CWE-(\d+)", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s)\]>\"']+")
_DIGITS = re.compile(r"\d+")

# CVSS v3 metric names in the report and their vector abbreviations; values are words (NETWORK) or letters (N).
_V3_METRICS = (
    ("attackVector", "AV"),
    ("attackComplexity", "AC"),
    ("privilegesRequired", "PR"),
    ("userInteraction", "UI"),
    ("scope", "S"),
    ("confidentialityImpact", "C"),
    ("integrityImpact", "I"),
    ("availabilityImpact", "A"),
)


def sniff_xml(head: bytes) -> bool:
    if _XML_ROOT.search(head):
        return True
    return bool(_XML_ROOT_PLAIN.search(head) and _XML_DC_ELEMENT.search(head))


def sniff_json(head: bytes) -> bool:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"{"):
        return False
    return bool(_JSON_SCAN_INFO.search(head) and _JSON_ENGINE.search(head) and _JSON_DC_KEY.search(head))


# --- XML to the JSON report's shape -------------------------------------------------------------------------


_LOCAL_NAMES: dict[Any, str] = {}


def _local(tag: Any) -> str:
    """``{namespace}name`` -> ``name``, remembered: a report repeats a few dozen tags millions of times."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < 4096:
            _LOCAL_NAMES[tag] = name
    return name


def _by_name(element: Any) -> dict[str, list[Any]]:
    children: dict[str, list[Any]] = {}
    for child in element:
        children.setdefault(_local(child.tag), []).append(child)
    return children


def _text_of(children: dict[str, list[Any]], name: str) -> str:
    found = children.get(name)
    return (found[0].text or "").strip() if found else ""


def _grandchildren(children: dict[str, list[Any]], group: str, name: str) -> list[Any]:
    return [item for parent in children.get(group, ()) for item in parent if _local(item.tag) == name]


def _kid_text(element: Any, name: str) -> str:
    return _text_of(_by_name(element), name)


def _xml_vulnerability(element: Any) -> dict[str, Any]:
    kids = _by_name(element)
    cwes = [c.text or "" for c in _grandchildren(kids, "cwes", "cwe")]
    cwes += [c.text or "" for c in kids.get("cwe", ())]  # schema 1.x: one <cwe> with a name after the number
    refs = []
    for reference in _grandchildren(kids, "references", "reference"):
        ref_kids = _by_name(reference)
        refs.append({"url": _text_of(ref_kids, "url"), "name": _text_of(ref_kids, "name")})
    software = _grandchildren(kids, "vulnerableSoftware", "software")
    vuln: dict[str, Any] = {
        "source": element.get("source", ""),
        "name": _text_of(kids, "name"),
        "severity": _text_of(kids, "severity"),
        "cvssScore": _text_of(kids, "cvssScore"),  # schema 1.x: CVSS v2 score as a direct child
        "cwes": cwes,
        "description": _text_of(kids, "description"),
        "notes": _text_of(kids, "notes"),
        "references": refs,
        "vulnerableSoftware": [{"software": {"id": (s.text or "").strip(), **dict(s.attrib)}} for s in software],
    }
    for xml_name, json_name in (("cvssV2", "cvssv2"), ("cvssV3", "cvssv3"), ("cvssV4", "cvssv4")):
        for metrics in kids.get(xml_name, ())[:1]:  # leaf elements only: {local name: text}
            vuln[json_name] = {_local(child.tag): (child.text or "").strip() for child in metrics}
    return vuln


def _xml_packages(kids: dict[str, list[Any]]) -> list[dict[str, str]]:
    """Package URLs (``identifiers/package/id``, nested one level in some reports) and 1.x maven identifiers."""
    packages: list[dict[str, str]] = []
    for group in kids.get("identifiers", ()):
        for element in group.iter():
            name = _local(element.tag)
            if name == "package":
                packages.append({"id": _kid_text(element, "id")})
            elif name == "identifier" and element.get("type") == "maven":
                packages.append({"maven": _kid_text(element, "name")})
    return packages


def _xml_dependency(element: Any) -> dict[str, Any] | None:
    """The dependency in the JSON report's shape; None when it has no vulnerabilities (most of a report)."""
    kids = _by_name(element)
    vulnerabilities = _grandchildren(kids, "vulnerabilities", "vulnerability")
    if not vulnerabilities:
        return None
    evidence = []
    for item in _grandchildren(kids, "evidenceCollected", "evidence"):
        item_kids = _by_name(item)
        evidence.append(
            {
                "type": item.get("type", ""),
                "confidence": item.get("confidence", ""),
                "name": _text_of(item_kids, "name"),
                "value": _text_of(item_kids, "value"),
            }
        )
    related = [{"filePath": _kid_text(r, "filePath")} for g in kids.get("relatedDependencies", ()) for r in g]
    return {
        "fileName": _text_of(kids, "fileName"),
        "filePath": _text_of(kids, "filePath"),
        "packages": _xml_packages(kids),
        "evidence": evidence,
        "relatedDependencies": related,
        "vulnerabilities": [_xml_vulnerability(v) for v in vulnerabilities],
    }


# --- one mapping for both ----------------------------------------------------------------------------------


def _v3_vector(cvss: dict[str, Any]) -> str:
    letters = []
    for field, abbreviation in _V3_METRICS:
        value = text(cvss.get(field)).upper()
        if not value:
            return ""
        letters.append(f"{abbreviation}:{value[0]}")
    version = text(cvss.get("version"))
    return f"CVSS:{version if version in {'3.0', '3.1'} else '3.1'}/" + "/".join(letters)


def _block(vuln: dict[str, Any], name: str) -> dict[str, Any]:
    block = vuln.get(name)
    return block if isinstance(block, dict) else {}


def _cvss(vuln: dict[str, Any]) -> tuple[str, float | None, str, float | None, float | None]:
    """(v3 vector, v3 score, v4 vector, v4 score, v2 score)."""
    v3, v4, v2 = (_block(vuln, name) for name in ("cvssv3", "cvssv4", "cvssv2"))
    v3_vector, v3_score = v3_pair(_v3_vector(v3), v3.get("baseScore"))
    v4_vector, v4_score = v4_pair(v4.get("vectorString"), v4.get("baseScore"))
    v2_score = score_value(v2.get("score")) if v2 else score_value(vuln.get("cvssScore"))
    return v3_vector, v3_score, v4_vector, v4_score, v2_score


def _severity(vuln: dict[str, Any], scores: tuple[float | None, ...]) -> Severity:
    severity = severity_from_word(vuln.get("severity"))
    for metrics in ("cvssv4", "cvssv3", "cvssv2"):
        block = vuln.get(metrics)
        if severity is Severity.UNKNOWN and isinstance(block, dict):
            severity = severity_from_word(block.get("baseSeverity") or block.get("severity"))
    for value in scores:
        if severity is Severity.UNKNOWN and value is not None:
            severity = severity_from_score(value)
    return severity


def _purl_fields(dependency: dict[str, Any]) -> tuple[str, str, str]:
    """(package name, purl with version, version) from the first package URL or maven coordinate."""
    packages = dependency.get("packages")
    for package in packages if isinstance(packages, list) else []:
        if not isinstance(package, dict):
            continue
        purl, maven = text(package.get("id")), text(package.get("maven"))
        if not purl.startswith("pkg:") and maven.count(":") == 2:
            group, artifact, version = maven.split(":")
            purl = build_purl("maven", f"{group}:{artifact}", version)
        name, version = split_purl(purl) if purl.startswith("pkg:") else ("", "")
        if name:
            return name, purl, version
    return "", "", ""


def _evidence_version(dependency: dict[str, Any]) -> str:
    """The most confident ``version`` evidence, for dependencies without a package URL."""
    collected = dependency.get("evidenceCollected")
    evidence = collected.get("versionEvidence") if isinstance(collected, dict) else dependency.get("evidence")
    rank = {"HIGHEST": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3}
    versions = [
        (rank.get(text(e.get("confidence")).upper(), 4), text(e.get("value")))
        for e in (evidence if isinstance(evidence, list) else [])
        if isinstance(e, dict) and text(e.get("type") or "version") == "version" and text(e.get("name")) == "version"
    ]
    versions = [v for v in versions if v[1]]
    return min(versions)[1] if versions else ""


def _fixed_version(vuln: dict[str, Any]) -> str:
    software = vuln.get("vulnerableSoftware")
    for entry in software if isinstance(software, list) else []:
        item = entry.get("software") if isinstance(entry, dict) else None
        if isinstance(item, dict) and text(item.get("versionEndExcluding")):
            matched = text(item.get("vulnerabilityIdMatched") or item.get("matched")).lower()
            if matched in {"", "true"}:
                return text(item.get("versionEndExcluding"))
    return ""


def _vulnerability_id(vuln: dict[str, Any]) -> str:
    name = text(vuln.get("name"))
    source = text(vuln.get("source")).upper()
    return f"{source}-{name}" if _DIGITS.fullmatch(name) and source else name


def _references(vuln: dict[str, Any]) -> list[str]:
    refs = vuln.get("references")
    urls: list[str] = []
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict):
            url = text(ref.get("url"))
            urls.extend([url] if url else _URL.findall(text(ref.get("name"))))
    return list(dict.fromkeys(urls))


def _description(vuln: dict[str, Any], dependency: dict[str, Any]) -> str:
    parts = [text(vuln.get("description"))]
    if text(vuln.get("notes")):
        parts.append(f"Notes: {text(vuln.get('notes'))}")
    related = dependency.get("relatedDependencies")
    paths = [text(r.get("filePath")) for r in related if isinstance(r, dict)] if isinstance(related, list) else []
    if any(paths):
        parts.append("Also found at:\n" + "\n".join(f"- {p}" for p in paths if p))
    return "\n\n".join(p for p in parts if p)


def _findings(dependency: dict[str, Any], target: str) -> Iterator[ParsedFinding]:
    vulns = dependency.get("vulnerabilities")
    if not isinstance(vulns, list) or not vulns:
        return
    name, purl, version = _purl_fields(dependency)
    file_name = text(dependency.get("fileName"))
    name = name or file_name.rsplit(": ", 1)[-1]
    version = version or _evidence_version(dependency)
    for vuln in vulns:
        if not isinstance(vuln, dict):
            continue
        v3_vector, v3_score, v4_vector, v4_score, v2_score = _cvss(vuln)
        vid = _vulnerability_id(vuln)
        yield ParsedFinding(
            title=f"{vid} in {name}" if name else vid,
            tool=TOOL,
            kind=Kind.DEPENDENCY,
            severity=_severity(vuln, (v4_score, v3_score, v2_score)),
            vulnerability_id=vid,
            cvss_v3_vector=v3_vector,
            cvss_v3_score=v3_score,
            cvss_v4_vector=v4_vector,
            cvss_v4_score=v4_score,
            cwes=[n for n in dict.fromkeys(int(c) for c in _CWE.findall(f"{text(vuln.get('cwes'))} {vid}")) if n > 0],
            package_name=name,
            package_purl=purl,
            installed_version=version,
            fixed_version=_fixed_version(vuln),
            file_path=text(dependency.get("filePath")),
            description=_description(vuln, dependency),
            references=_references(vuln),
            target=target,
        )


def parse_xml(source: BinaryIO) -> Iterator[Parsed]:
    root = load_xml(source, FORMAT_XML)
    if root is None:
        return
    expect(_local(root.tag) == "analysis", FORMAT_XML, f"expected an <analysis> root element, got <{_local(root.tag)}>")
    kids = _by_name(root)
    target = next((_kid_text(info, "name") for info in kids.get("projectInfo", ())), "")
    for element in _grandchildren(kids, "dependencies", "dependency"):
        dependency = _xml_dependency(element)
        if dependency is not None:
            yield from _findings(dependency, target)


def parse_json(source: BinaryIO) -> Iterator[Parsed]:
    data = load_json(source, FORMAT_JSON)
    if data is None or data == []:
        return
    expect(isinstance(data, dict), FORMAT_JSON, 'expected an object with "dependencies"', "$")
    info = data.get("projectInfo")
    target = text(info.get("name")) if isinstance(info, dict) else ""
    dependencies = data.get("dependencies") or []
    expect(isinstance(dependencies, list), FORMAT_JSON, '"dependencies" must be a list', "$.dependencies")
    for index, dependency in enumerate(dependencies):
        expect(isinstance(dependency, dict), FORMAT_JSON, "expected a dependency object", f"$.dependencies[{index}]")
        vulns = dependency.get("vulnerabilities")
        expect(vulns is None or isinstance(vulns, list), FORMAT_JSON, '"vulnerabilities" must be a list',
               f"$.dependencies[{index}].vulnerabilities")  # fmt: skip
        yield from _findings(dependency, target)


IMPORTERS: list[Importer] = [
    Importer(name=FORMAT_XML, label="OWASP Dependency-Check XML", sniff=sniff_xml, parse=parse_xml),
    Importer(name=FORMAT_JSON, label="OWASP Dependency-Check JSON", sniff=sniff_json, parse=parse_json),
]
