"""Trivy JSON (``trivy image|fs|repo|config --format json``), schema 2, plus the old list-of-results layout
(Trivy before 0.20) and the ``trivy k8s`` layout (``Resources[].Results``).

Each result's ``Vulnerabilities`` are dependency findings, ``Misconfigurations`` (failed checks only) are code
findings and ``Secrets`` are secret findings. Reports can be a gigabyte, so the file is streamed (jsonstream):
one vulnerability at a time, never loaded whole; a ``trivy k8s`` resource is read whole, one at a time.
"""

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
    hash_secret,
    hash_snippet,
    severity_from_score,
    severity_from_word,
    text,
)
from garrison.findings.importers.jsonstream import JsonStream
from garrison.findings.importers.purls import purl_for, with_version
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import cwe_numbers, v3_pair, v4_pair

FORMAT = "trivy"
TOOL = "trivy"

_SCHEMA_KEY = re.compile(rb'"SchemaVersion"\s*:\s*\d')
_REPORT_KEY = re.compile(rb'"(?:ArtifactName|ArtifactType|Results)"\s*:')
_K8S_KEYS = re.compile(rb'\A\s*\{\s*"ClusterName"\s*:')
_LEGACY_START = re.compile(rb'\A\s*\[\s*\{\s*"Target"\s*:')
_LEGACY_KEY = re.compile(rb'"(?:Vulnerabilities|Misconfigurations|Secrets)"\s*:')
_MASK = re.compile(r"\*+")
_BOM = b"\xef\xbb\xbf"
_REPORT_KEYS = {"Results", "SchemaVersion", "ArtifactName", "Resources", "ClusterName"}


def sniff(head: bytes) -> bool:
    head = head.removeprefix(_BOM)
    if _SCHEMA_KEY.search(head) and _REPORT_KEY.search(head):
        return True
    if _K8S_KEYS.match(head) and b'"Resources"' in head:
        return True
    return bool(_LEGACY_START.match(head) and _LEGACY_KEY.search(head))


# --- mapping ----------------------------------------------------------------------------------------------------


def _objects(value: Any, position: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    expect(isinstance(value, list), FORMAT, "expected a list", position)
    for index, item in enumerate(value):
        expect(isinstance(item, dict), FORMAT, "expected an object", f"{position}[{index}]")
    return value


def _urls(item: dict[str, Any]) -> list[str]:
    refs = item.get("References")
    urls = [text(item.get("PrimaryURL")), *(text(r) for r in (refs if isinstance(refs, list) else []))]
    return list(dict.fromkeys(url for url in urls if url.startswith(("http://", "https://"))))


def _cvss(vuln: dict[str, Any]) -> tuple[tuple[str, float | None], tuple[str, float | None]]:
    """v3 and v4 (vector, score): NVD's entry first, then the severity source's, then the others."""
    entries = vuln.get("CVSS")
    if not isinstance(entries, dict) or not entries:
        return ("", None), ("", None)
    order = ["nvd", text(vuln.get("SeveritySource")), *entries]
    sources = [entries[name] for name in dict.fromkeys(order) if isinstance(entries.get(name), dict)]
    v3: tuple[str, float | None] = ("", None)
    v4: tuple[str, float | None] = ("", None)
    for entry in sources:
        if not v3[0] and v3[1] is None:
            v3 = v3_pair(entry.get("V3Vector"), entry.get("V3Score"))
        if not v4[0] and v4[1] is None:
            v4 = v4_pair(entry.get("V40Vector"), entry.get("V40Score"))
    return v3, v4


def _purl(vuln: dict[str, Any], result_type: str, name: str, version: str) -> str:
    identifier = vuln.get("PkgIdentifier")
    purl = text(identifier.get("PURL")) if isinstance(identifier, dict) else ""
    if not purl and text(vuln.get("Ref")).startswith("pkg:"):  # SBOM scans of older Trivy versions
        purl = text(vuln.get("Ref"))
    return with_version(purl, version) if purl else purl_for(result_type, name, version)


def _vulnerability(vuln: dict[str, Any], result: dict[str, Any], target: str) -> ParsedFinding | None:
    vid = text(vuln.get("VulnerabilityID"))
    if not vid:
        return None
    name, version = text(vuln.get("PkgName")), text(vuln.get("InstalledVersion"))
    (v3_vector, v3_score), (v4_vector, v4_score) = _cvss(vuln)
    severity = severity_from_word(vuln.get("Severity"))
    if severity is Severity.UNKNOWN:
        severity = severity_from_score(v3_score if v3_score is not None else v4_score)
    vendor_ids = vuln.get("VendorIDs")
    os_packages = text(result.get("Class")) == "os-pkgs"
    return ParsedFinding(
        title=f"{vid} in {name} {version}".strip(),
        tool=TOOL,
        kind=Kind.DEPENDENCY,
        severity=severity,
        vulnerability_id=vid,
        aliases=[a for a in dict.fromkeys(text(v) for v in vendor_ids) if a and a != vid]
        if isinstance(vendor_ids, list)
        else [],
        cvss_v3_vector=v3_vector,
        cvss_v3_score=v3_score,
        cvss_v4_vector=v4_vector,
        cvss_v4_score=v4_score,
        cwes=cwe_numbers(vuln.get("CweIDs")),
        package_name=name,
        package_purl=_purl(vuln, text(result.get("Type")), name, version),
        installed_version=version,
        fixed_version=text(vuln.get("FixedVersion")),
        file_path=text(vuln.get("PkgPath")) or ("" if os_packages else text(result.get("Target"))),
        description="\n\n".join(part for part in (text(vuln.get("Title")), text(vuln.get("Description"))) if part),
        references=_urls(vuln),
        target=target,
    )


def _line(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _snippet(cause: dict[str, Any]) -> str:
    code = cause.get("Code")
    lines = code.get("Lines") if isinstance(code, dict) else None
    contents = (
        [text(line.get("Content")) for line in lines if isinstance(line, dict)] if isinstance(lines, list) else []
    )
    return "\n".join(contents)


def _misconfiguration(item: dict[str, Any], result: dict[str, Any], target: str) -> ParsedFinding | None:
    status = text(item.get("Status")).upper()
    rule = text(item.get("ID")) or text(item.get("AVDID"))
    if (status and status != "FAIL") or not rule:  # passed and excepted checks are listed with --include-non-failures
        return None
    cause: dict[str, Any] = item["CauseMetadata"] if isinstance(item.get("CauseMetadata"), dict) else {}
    snippet = _snippet(cause)
    avd = text(item.get("AVDID"))
    parts = (text(item.get("Description")), text(item.get("Message")), text(item.get("Resolution")))
    return ParsedFinding(
        title=text(item.get("Title")) or text(item.get("Message")) or rule,
        tool=TOOL,
        kind=Kind.CODE,
        severity=severity_from_word(item.get("Severity")),
        vulnerability_id=rule,
        aliases=[avd] if avd and avd != rule else [],
        file_path=text(result.get("Target")),
        line=_line(cause.get("StartLine")),
        rule_id=rule,
        code_fingerprint=hash_snippet(snippet) if snippet.strip() else "",
        description="\n\n".join(part for part in parts if part),
        references=_urls(item),
        target=target,
    )


def _secret_hash(rule: str, item: dict[str, Any]) -> str:
    match = text(item.get("Match"))
    if "*" not in match:
        return hash_secret(match) if match else ""
    # Trivy has already replaced the secret with asterisks ("GITHUB_PAT=*****"), so we never see it. What is left
    # cannot tell two secrets apart, so the rule and the line range join it (the asterisks are dropped, since their
    # number changes between Trivy versions). A secret that moves to other lines will therefore look new.
    start, end = item.get("StartLine"), item.get("EndLine")
    return hash_secret(f"trivy-masked|{rule}|{start}-{end}|{_MASK.sub('', match).strip()}")


def _secret(item: dict[str, Any], result: dict[str, Any], target: str) -> ParsedFinding | None:
    rule = text(item.get("RuleID"))
    if not rule:
        return None
    title = text(item.get("Title")) or rule
    category = text(item.get("Category"))
    start, end = _line(item.get("StartLine")), _line(item.get("EndLine"))
    lines = f"line {start}" if start and (not end or end == start) else f"lines {start}-{end}" if start else ""
    about = f"{title} ({category})" if category and category != title else title
    return ParsedFinding(
        title=title,
        tool=TOOL,
        kind=Kind.SECRET,
        severity=severity_from_word(item.get("Severity")),
        vulnerability_id=rule,
        file_path=text(result.get("Target")),
        line=start,
        rule_id=rule,
        secret_hash=_secret_hash(rule, item),
        description=f"{about} found{' at ' + lines if lines else ''}. The matched text is not kept.",
        target=target,
    )


_SECTIONS = {"Vulnerabilities": _vulnerability, "Misconfigurations": _misconfiguration, "Secrets": _secret}
_RESULT_KEYS = ("Target", "Class", "Type")


# --- streaming ------------------------------------------------------------------------------------------------


def _mapped(mapper: Any, item: dict[str, Any], result: dict[str, Any], target: str) -> Iterator[ParsedFinding]:
    finding = mapper(item, result, target or text(result.get("Target")))
    if finding is not None:
        yield finding


def _section(stream: JsonStream, position: str) -> Iterator[dict[str, Any]]:
    """The objects of one of a result's lists, one at a time."""
    kind = stream.kind()
    if kind == "null":
        stream.value()
        return
    expect(kind == "array", FORMAT, "expected a list", position)
    for index in stream.elements():
        item = stream.value()
        expect(isinstance(item, dict), FORMAT, "expected an object", f"{position}[{index}]")
        yield item


def _result(stream: JsonStream, position: str, target: str) -> Iterator[ParsedFinding]:
    """One result, streamed: its lists are mapped item by item once Target, Class and Type are known (Trivy
    writes them first); items listed before all three are held until the end of the result."""
    expect(stream.kind() == "object", FORMAT, "expected a result object", position)
    result: dict[str, Any] = {}
    held: list[tuple[str, dict[str, Any]]] = []
    for key in stream.members():
        mapper = _SECTIONS.get(key)
        if mapper is None:
            if key in _RESULT_KEYS:
                result[key] = stream.value()
            else:
                stream.skip()
            continue
        known = all(k in result for k in _RESULT_KEYS)
        for item in _section(stream, f"{position}.{key}"):
            if known:
                yield from _mapped(mapper, item, result, target)
            else:
                held.append((key, item))
    for key, item in held:
        yield from _mapped(_SECTIONS[key], item, result, target)


def _resource(stream: JsonStream, position: str) -> Iterator[ParsedFinding]:
    """A ``trivy k8s`` resource, read whole: its results under the name Namespace/Kind/Name."""
    resource = stream.value()
    expect(isinstance(resource, dict), FORMAT, "expected a resource object", position)
    parts = (text(resource.get("Namespace")), text(resource.get("Kind")), text(resource.get("Name")))
    target = "/".join(part for part in parts if part)
    for index, result in enumerate(_objects(resource.get("Results"), f"{position}.Results")):
        expect(isinstance(result, dict), FORMAT, "expected a result object", f"{position}.Results[{index}]")
        for key, mapper in _SECTIONS.items():
            for item in _objects(result.get(key), f"{position}.Results[{index}].{key}"):
                yield from _mapped(mapper, item, result, target)


def _results(stream: JsonStream, position: str, target: str) -> Iterator[ParsedFinding]:
    kind = stream.kind()
    if kind == "null":
        stream.value()
        return
    if kind != "array":
        raise ParseError(FORMAT, f'"{position.rsplit(".", 1)[-1]}" must be a list', position)
    for index in stream.elements():
        yield from _result(stream, f"{position}[{index}]", target)


def parse(source: BinaryIO) -> Iterator[Parsed]:
    stream = JsonStream(source, FORMAT)
    if stream.empty():
        return
    kind = stream.kind()
    if kind == "array":  # Trivy before 0.20: a list of results
        yield from _results(stream, "$", "")
        stream.end()
        return
    expect(kind == "object", FORMAT, "expected a Trivy report object", "$")
    keys: set[str] = set()
    artifact = ""
    for key in stream.members():
        keys.add(key)
        if key == "ArtifactName":
            artifact = text(stream.value())
        elif key == "Results":
            yield from _results(stream, "$.Results", artifact)
        elif key == "Resources":
            if stream.kind() == "array":
                for index in stream.elements():
                    yield from _resource(stream, f"$.Resources[{index}]")
            elif stream.kind() == "null":
                stream.value()
            else:
                raise ParseError(FORMAT, '"Resources" must be a list', "$.Resources")
        else:
            stream.skip()
    stream.end()
    if keys:
        expect(bool(keys & _REPORT_KEYS), FORMAT, 'expected a Trivy report (an object with "Results")', "$")


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="Trivy JSON", sniff=sniff, parse=parse)]
