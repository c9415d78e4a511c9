"""Garrison's generic formats, for tools without an importer of their own: DefectDojo's "Generic Findings Import"
JSON (``{"findings": [...]}``) and CSV (a header row, one finding per row), plus a few optional fields of ours
(``purl``, ``fixed_version``, ``endpoint``, ``parameter``, ``kind``). docs/formats/generic.md lists every field.

Both variants are read into one shape first: a dict keyed by the field name lower-cased with everything but letters
and digits removed, so the JSON ``component_name`` and the CSV ``Component Name`` are the same field.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from packageurl import PackageURL

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedFinding,
    ParseError,
    Severity,
    load_json,
    severity_from_score,
    severity_from_word,
    text,
)
from garrison.findings.importers.registry import Importer

FORMAT_JSON = "generic-json"
FORMAT_CSV = "generic-csv"
DEFAULT_TOOL = "generic"
SEVERITY_CHOICES = "critical, high, medium, low, info"
KIND_CHOICES = ", ".join(kind.value for kind in Kind)

# The keys a DefectDojo generic finding may start with (its allowed fields) and ours.
FINDING_KEYS = frozenset(
    # a word list reads better than 63 quoted strings
    """
    title severity description date cwe cwes cve vulnerability_ids epss_score epss_percentile cvssv3 cvssv3_score
    cvssv4 cvssv4_score mitigation impact steps_to_reproduce severity_justification references active verified
    false_p out_of_scope risk_accepted under_review is_mitigated thread_id mitigated numerical_severity param payload
    line file_path component_name component_version static_finding dynamic_finding scanner_confidence
    unique_id_from_tool vuln_id_from_tool sast_source_object sast_sink_object sast_source_line sast_source_file_path
    nb_occurences publish_date service planned_remediation_date planned_remediation_version effort_for_fixing tags
    kev_date known_exploited ransomware_used fix_available fix_version endpoints files
    purl fixed_version endpoint parameter kind
    """.split()  # noqa: SIM905
)
# A CSV header is ours when it has a title and one of these.
_CSV_COLUMNS = frozenset({"severity", "description", "date", "cve", "cweid", "vulnerabilityid", "url"})

_BOM = b"\xef\xbb\xbf"
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_SPLIT = re.compile(r"[\s,;]+")
_CWE_PREFIX = re.compile(r"^CWE-", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"']+")
_CVSS3 = re.compile(r"CVSS:3\.[01]/[A-Za-z0-9:/.]+")
_CVSS4 = re.compile(r"CVSS:4\.0/[A-Za-z0-9:/.]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]]')
_FINDINGS_VALUE = re.compile(rb'\s*:\s*\[\s*(?:\]|\{\s*(?:\}|"([A-Za-z_]+)"\s*:))')


@functools.lru_cache(maxsize=1024)
def _key(name: str) -> str:
    """``Component Name``, ``component_name`` and ``componentName`` are one field."""
    return _NOT_ALNUM.sub("", name.lower())


# Sniffing -----------------------------------------------------------------------------------------------------------


def sniff_json(head: bytes) -> bool:
    """A top-level ``"findings"`` array whose first finding starts with a field of this format."""
    data = head.removeprefix(_BOM).lstrip()
    if not data.startswith(b"{"):
        return False
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        token = match.group()
        if token in (b"{", b"["):
            depth += 1
        elif token in (b"}", b"]"):
            depth -= 1
        elif depth == 1 and token == b'"findings"':
            value = _FINDINGS_VALUE.match(data, match.end())
            if value:
                first_key = value.group(1)
                return first_key is None or first_key.decode() in FINDING_KEYS
    return False


def _delimiter(first_line: str) -> str:
    return max((",", ";", "\t"), key=first_line.count)


def sniff_csv(head: bytes) -> bool:
    first = head.removeprefix(_BOM).split(b"\n", 1)[0]
    try:
        line = first.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False
    if not line or line[0] in "{[<":
        return False
    columns = {_key(cell) for cell in next(csv.reader([line], delimiter=_delimiter(line)), [])}
    return "title" in columns and bool(columns & _CSV_COLUMNS)


# One finding from one record ----------------------------------------------------------------------------------------


def _is_true(value: Any) -> bool:
    return value is True or text(value).lower() in ("true", "1", "yes")


def _score(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        score = float(text(value))
    except ValueError:
        return None
    return score if 0.0 <= score <= 10.0 else None


def _number(word: str) -> int | None:
    """A positive number small enough for a database integer, else None."""
    return int(word) if word.isdecimal() and len(word) < 10 and int(word) > 0 else None


def _line(value: Any) -> int | None:
    return _number(text(value))


def _words(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        return [str(value)]
    return [part for part in _SPLIT.split(text(value)) if part]


def _severity(row: dict[str, Any], fmt: str, where: str, score: float | None) -> Severity:
    word = text(row.get("severity"))
    severity = severity_from_word(word)
    if severity is Severity.UNKNOWN and word.lower() not in ("", "unknown"):
        message = f'{where}: "severity" must be one of {SEVERITY_CHOICES} (got "{word[:60]}")'
        raise ParseError(fmt, message, where)
    return severity if severity is not Severity.UNKNOWN else severity_from_score(score)


def _vulnerability_ids(row: dict[str, Any]) -> list[str]:
    values = [row.get("cve"), row.get("vulnerabilityid")]
    listed = row.get("vulnerabilityids")
    for item in listed if isinstance(listed, list) else [listed]:
        values.append(item.get("vulnerability_id") if isinstance(item, dict) else item)
    return list(dict.fromkeys(word for value in values for word in _words(value)))


def _cwes(row: dict[str, Any]) -> list[int]:
    words = [_CWE_PREFIX.sub("", word) for key in ("cwe", "cweid", "cwes", "cweids") for word in _words(row.get(key))]
    return list(dict.fromkeys(number for number in map(_number, words) if number))


def _package(row: dict[str, Any], fmt: str, where: str) -> tuple[str, str, str]:
    """(purl with the installed version, name, installed version)."""
    name, version, purl = text(row.get("componentname")), text(row.get("componentversion")), text(row.get("purl"))
    if not purl:
        return "", name, version
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        raise ParseError(fmt, f'{where}: "purl" is not a package URL (got "{purl[:100]}")', where) from None
    if not parsed.version and version:
        purl = parsed._replace(version=version).to_string()
    return purl, name or parsed.name, version or text(parsed.version)


def _endpoint_text(item: Any) -> str:
    if not isinstance(item, dict):
        return text(item)
    host = text(item.get("host"))
    if not host:
        return ""
    protocol, port, path = text(item.get("protocol")), text(item.get("port")), text(item.get("path"))
    query, fragment = text(item.get("query")), text(item.get("fragment"))
    url = (f"{protocol}://" if protocol else "") + host + (f":{port}" if port else "")
    url += (
        ("/" + path.lstrip("/") if path else "") + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
    )
    return url


def _endpoints(row: dict[str, Any]) -> list[str]:
    found = [text(row.get("endpoint")), text(row.get("url"))]
    listed = row.get("endpoints")
    found.extend(_endpoint_text(item) for item in (listed if isinstance(listed, list) else [listed]))
    return list(dict.fromkeys(endpoint for endpoint in found if endpoint))


def _kind(row: dict[str, Any], fmt: str, where: str, *, package: bool, endpoint: bool) -> Kind:
    word = text(row.get("kind")).lower()
    if word:
        try:
            return Kind(word)
        except ValueError:
            message = f'{where}: "kind" must be one of {KIND_CHOICES} (got "{word[:60]}")'
            raise ParseError(fmt, message, where) from None
    if package:
        return Kind.DEPENDENCY
    if endpoint or _is_true(row.get("dynamicfinding")):
        return Kind.DAST
    if text(row.get("filepath")) or text(row.get("sastsourcefilepath")) or _is_true(row.get("staticfinding")):
        return Kind.CODE
    return Kind.OTHER


def _description(row: dict[str, Any], references: list[str]) -> str:
    parts = [text(row.get("description"))]
    for label, key in (("Impact", "impact"), ("Mitigation", "mitigation"), ("Steps to reproduce", "stepstoreproduce")):
        value = text(row.get(key))
        if value:
            parts.append(f"{label}:\n{value}")
    free_text = text(row.get("references"))
    if free_text and not references:  # references that are not links are still worth reading
        parts.append(f"References:\n{free_text}")
    return "\n\n".join(part for part in parts if part)


def _finding(row: dict[str, Any], fmt: str, where: str, tool: str, endpoint: str) -> ParsedFinding:
    v3_score, v4_score = _score(row.get("cvssv3score")), _score(row.get("cvssv4score"))
    severity = _severity(row, fmt, where, v3_score if v3_score is not None else v4_score)
    ids = _vulnerability_ids(row)
    rule = text(row.get("vulnidfromtool"))
    purl, name, version = _package(row, fmt, where)
    parameter = text(row.get("parameter")) or text(row.get("param"))
    description = text(row.get("description"))
    title = text(row.get("title")) or (ids[0] if ids else "") or rule or name or description.split("\n", 1)[0][:200]
    if not title:
        raise ParseError(fmt, f'{where}: "title" is required', where)
    v3_vector, v4_vector = _CVSS3.search(text(row.get("cvssv3"))), _CVSS4.search(text(row.get("cvssv4")))
    references = list(dict.fromkeys(_URL.findall(text(row.get("references")))))
    return ParsedFinding(
        title=title,
        tool=tool,
        kind=_kind(row, fmt, where, package=bool(purl or name), endpoint=bool(endpoint or parameter)),
        severity=severity,
        vulnerability_id=ids[0] if ids else rule,
        aliases=ids[1:],
        cvss_v3_vector=v3_vector.group() if v3_vector else "",
        cvss_v3_score=v3_score,
        cvss_v4_vector=v4_vector.group() if v4_vector else "",
        cvss_v4_score=v4_score,
        cwes=_cwes(row),
        package_name=name,
        package_purl=purl,
        installed_version=version,
        fixed_version=text(row.get("fixedversion")) or text(row.get("fixversion")),
        file_path=text(row.get("filepath")) or text(row.get("sastsourcefilepath")),
        line=_line(row.get("line")) or _line(row.get("sastsourceline")),
        rule_id=rule,
        code_fingerprint=text(row.get("uniqueidfromtool")),
        endpoint=endpoint,
        parameter=parameter,
        description=_description(row, references),
        references=references,
    )


def _findings(row: dict[str, Any], fmt: str, where: str, tool: str) -> Iterator[ParsedFinding]:
    """One finding per endpoint (a finding on three URLs is three DAST findings), else one."""
    if not row.get("title") and not any(text(value) for value in row.values()):
        return  # an empty object or a blank row
    first, *others = _endpoints(row) or [""]
    finding = _finding(row, fmt, where, tool, first)
    yield finding
    for endpoint in others:
        yield dataclasses.replace(
            finding,
            endpoint=endpoint,
            aliases=list(finding.aliases),
            cwes=list(finding.cwes),
            references=list(finding.references),
        )


# JSON ---------------------------------------------------------------------------------------------------------------


def parse_json(source: BinaryIO) -> Iterator[Parsed]:
    document = load_json(source, FORMAT_JSON)
    if document is None or document == {} or document == []:
        return
    if not isinstance(document, dict) or "findings" not in document:
        raise ParseError(FORMAT_JSON, 'expected an object with "findings"', "$")
    findings = document["findings"]
    if findings is None:
        return
    if not isinstance(findings, list):
        raise ParseError(FORMAT_JSON, '"findings" must be a list', "$.findings")
    tool = text(document.get("type")) or text(document.get("name")) or DEFAULT_TOOL
    for index, item in enumerate(findings):
        where = f"$.findings[{index}]"
        if not isinstance(item, dict):
            raise ParseError(FORMAT_JSON, f"{where}: expected a finding object", where)
        yield from _findings({_key(str(key)): value for key, value in item.items()}, FORMAT_JSON, where, tool)


# CSV ----------------------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(FORMAT_CSV, "not valid UTF-8 text (save the file as UTF-8)", f"line {line}") from None
    junk = _CONTROL.search(content)
    if junk:
        line = content.count("\n", 0, junk.start()) + 1
        message = f"binary data (control character U+{ord(junk.group()):04X}), not CSV text"
        raise ParseError(FORMAT_CSV, message, f"line {line}")
    return content


def parse_csv(source: BinaryIO) -> Iterator[Parsed]:
    content = _decode(source.read())
    if not content.strip():
        return
    first_line = content.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_delimiter(first_line), strict=True)
    try:
        keys = [_key(cell) for cell in next(reader)]
        if "title" not in keys and not _CSV_COLUMNS.intersection(keys):
            raise ParseError(FORMAT_CSV, 'expected a header row with a "Title" column', "line 1")
        start, where, cells = reader.line_num + 1, "", None
        for row in reader:
            if cells is not None:  # each row is read one behind, so that the last one can be checked below
                yield from _findings(dict(zip(keys, cells, strict=False)), FORMAT_CSV, where, DEFAULT_TOOL)
            where, start, cells = f"line {start}", reader.line_num + 1, row
    except csv.Error as exc:
        raise ParseError(FORMAT_CSV, f"not valid CSV ({exc})", f"line {reader.line_num}") from None
    if cells is None:
        return
    if len(cells) < len(keys) and not content.endswith(("\n", "\r")):
        message = f"the last row has {len(cells)} of {len(keys)} cells and no line end: the file looks cut off"
        raise ParseError(FORMAT_CSV, message, where)
    yield from _findings(dict(zip(keys, cells, strict=False)), FORMAT_CSV, where, DEFAULT_TOOL)


IMPORTERS: list[Importer] = [
    Importer(name=FORMAT_JSON, label="Generic findings JSON", sniff=sniff_json, parse=parse_json),
    Importer(name=FORMAT_CSV, label="Generic findings CSV", sniff=sniff_csv, parse=parse_csv),
]
