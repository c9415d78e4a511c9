"""Trivy JSON (``trivy image|fs|repo|config --format json``), schema 2, plus the old list-of-results layout
(Trivy before 0.20) and the ``trivy k8s`` layout (``Resources[].Results``).

Each result's ``Vulnerabilities`` are dependency findings, ``Misconfigurations`` (failed checks only) are code
findings and ``Secrets`` are secret findings. Reports can be a gigabyte, so the file is streamed with ijson one
result (one k8s resource) at a time, never loaded whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import ijson

from garrison.findings.importers.base import (
    MAX_DEPTH,
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
_HEAD = 64 * 1024
_REPORT_KEYS = {"Results", "SchemaVersion", "ArtifactName", "Resources", "ClusterName"}
_BRACKETS = frozenset({"start_map", "start_array", "end_map", "end_array"})
_VALUE_EVENTS = {"start_map", "start_array", "string", "number", "boolean", "null"}


def sniff(head: bytes) -> bool:
    head = head.removeprefix(_BOM)
    if _SCHEMA_KEY.search(head) and _REPORT_KEY.search(head):
        return True
    if _K8S_KEYS.match(head) and b'"Resources"' in head:
        return True
    return bool(_LEGACY_START.match(head) and _LEGACY_KEY.search(head))


# --- streaming --------------------------------------------------------------------------------------------------


class _Replay:
    """The stream with the bytes already read to choose the layout given back first, counting what ijson reads
    so that an error can say roughly where it is."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest
        self.start = 0  # where the chunk ijson is parsing begins
        self.end = 0

    def read(self, size: int = -1) -> bytes:
        if self._head:
            cut = len(self._head) if size < 0 else size
            chunk, self._head = self._head[:cut], self._head[cut:]
        else:
            chunk = self._rest.read(size)
        if chunk:
            self.start, self.end = self.end, self.end + len(chunk)
        return chunk


@dataclass
class _Walk:
    """What the event filter learns on its way through the document."""

    items: str  # "Results" or "Resources"; "" for the old top-level list of results
    top: str = ""  # the first event: start_map, start_array or a scalar type
    keys: set[str] = field(default_factory=set)
    artifact: str = ""
    index: int = -1  # the item being read


def _events(events: Iterator[tuple[str, str, Any]], walk: _Walk) -> Iterator[tuple[str, str, Any]]:
    """Pass ijson's events through, refusing what would blow up (deep nesting) or is not a Trivy report.
    Every event of a gigabyte report comes through here, so values inside the items take the shortest path."""
    depth = 0
    item_prefix = f"{walk.items}.item" if walk.items else "item"
    for event in events:
        kind = event[1]
        if depth > 2 and kind not in _BRACKETS:
            yield event
            continue
        prefix = event[0]
        if prefix == item_prefix and kind in _VALUE_EVENTS:
            walk.index += 1
        if kind == "start_map" or kind == "start_array":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(FORMAT, f"nesting deeper than {MAX_DEPTH} levels", _where(walk))
            if depth == 1:
                walk.top = kind
            elif depth == 2 and walk.items and prefix == walk.items and kind == "start_map":
                raise ParseError(FORMAT, f'"{walk.items}" must be a list', f"$.{walk.items}")
        elif kind == "end_map" or kind == "end_array":
            depth -= 1
        elif depth == 1:
            _top_level(walk, prefix, kind, event[2])
        elif depth == 0:
            walk.top = kind
        yield event


def _top_level(walk: _Walk, prefix: str, kind: str, value: Any) -> None:
    if kind == "map_key":
        walk.keys.add(value)
    elif prefix == "ArtifactName":
        walk.artifact = text(value)
    elif walk.items and prefix == walk.items and kind != "null":
        raise ParseError(FORMAT, f'"{walk.items}" must be a list', f"$.{walk.items}")


def _where(walk: _Walk) -> str:
    if walk.index < 0:
        return "$"
    return f"$.{walk.items}[{walk.index}]" if walk.items else f"$[{walk.index}]"


def _layout(head: bytes) -> str:
    if head.lstrip().startswith(b"["):
        return ""
    return "Resources" if _K8S_KEYS.match(head) else "Results"


def _error_message(exc: Exception) -> str:
    """The first line of yajl's message, without the quoted report text that follows it (it may hold secrets)."""
    message = str(exc)
    if message[:2] in {"b'", 'b"'}:
        message = message[2:]
    return re.split(r"\\n|\n", message, maxsplit=1)[0].strip().rstrip(".") or "not valid JSON"


def _items(source: BinaryIO) -> Iterator[tuple[_Walk, Any]]:
    head = source.read(_HEAD).removeprefix(_BOM)
    if not head.strip():
        return
    stream = _Replay(head, source)
    walk = _Walk(items=_layout(head))
    prefix = f"{walk.items}.item" if walk.items else "item"
    try:
        for item in ijson.items(_events(ijson.parse(stream, use_float=True), walk), prefix):
            yield walk, item
    except ijson.JSONError as exc:
        where = f"{_where(walk)}, bytes {stream.start}-{stream.end}"
        raise ParseError(FORMAT, f"not valid JSON ({_error_message(exc)})", where) from None
    if walk.top in {"", "null"}:
        return
    expect(walk.top in {"start_map", "start_array"}, FORMAT, "expected a Trivy report object", "$")
    if walk.top == "start_map" and walk.keys:
        expect(bool(walk.keys & _REPORT_KEYS), FORMAT, 'expected a Trivy report (an object with "Results")', "$")


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


_SECTIONS = (("Vulnerabilities", _vulnerability), ("Misconfigurations", _misconfiguration), ("Secrets", _secret))


def _result(result: Any, position: str, target: str) -> Iterator[ParsedFinding]:
    expect(isinstance(result, dict), FORMAT, "expected a result object", position)
    for key, mapper in _SECTIONS:
        for item in _objects(result.get(key), f"{position}.{key}"):
            finding = mapper(item, result, target or text(result.get("Target")))
            if finding is not None:
                yield finding


def _resource_results(resource: Any, position: str) -> Iterator[ParsedFinding]:
    expect(isinstance(resource, dict), FORMAT, "expected a resource object", position)
    parts = (text(resource.get("Namespace")), text(resource.get("Kind")), text(resource.get("Name")))
    target = "/".join(part for part in parts if part)
    for index, result in enumerate(_objects(resource.get("Results"), f"{position}.Results")):
        yield from _result(result, f"{position}.Results[{index}]", target)


def parse(source: BinaryIO) -> Iterator[Parsed]:
    for walk, item in _items(source):
        if walk.items == "Resources":
            yield from _resource_results(item, _where(walk))
        else:
            yield from _result(item, _where(walk), walk.artifact)


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="Trivy JSON", sniff=sniff, parse=parse)]
