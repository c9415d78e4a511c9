"""Nuclei results: ``-jsonl`` (one JSON object per line, also what ``-json`` wrote before v3) or ``-json-export``
(one JSON array). Each result is one DAST finding: a template (and, for templates with several named matchers, the
matcher) that matched at a URL or host.

Nuclei renamed its keys over time (``templateID``/``matched``/``matcher_name`` before v2.5, ``template-id``/
``matched-at``/``matcher-name`` since); both spellings are read. Request, response, curl command and extracted results
are never copied: token-exposure templates extract live credentials into them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedFinding,
    ParseError,
    Severity,
    load_json,
    numbered_json_lines,
    severity_from_score,
    severity_from_word,
    text,
)
from garrison.findings.importers.registry import Importer

FORMAT = "nuclei"
TOOL = "Nuclei"

_TEMPLATE_KEY = re.compile(rb'"template(?:-id|ID|_id)"\s*:\s*"')
_INFO_KEY = re.compile(rb'"info"\s*:\s*\{')
_URL = re.compile(r"https?://[^\s<>\"']+")
_CVE = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)
_CWE = re.compile(r"(?:CWE-)?(\d+)", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"
_TEMPLATE_KEYS = ("template-id", "templateID", "template_id")


def sniff(head: bytes) -> bool:
    start = head.lstrip(_BOM + b" \t\r\n")[:1]
    return start in (b"{", b"[") and bool(_TEMPLATE_KEY.search(head) and _INFO_KEY.search(head))


def _first(item: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = text(item.get(key))
        if value:
            return value
    return ""


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _cves(value: Any) -> list[str]:
    return list(dict.fromkeys(match.upper() for match in _CVE.findall(text(value))))


def _cwes(value: Any) -> list[int]:
    numbers = (int(match) for match in _CWE.findall(text(value)))
    return list(dict.fromkeys(number for number in numbers if number > 0))


def _score(value: Any) -> float | None:
    try:
        score = float(text(value))
    except ValueError:
        return None
    return score if 0.0 <= score <= 10.0 else None


def _references(info: dict[str, Any]) -> list[str]:
    # A list of URLs, or (older templates) one string such as "- http://a\n- http://b\n".
    return list(dict.fromkeys(url.rstrip(".,;)") for url in _URL.findall(text(info.get("reference")))))


def _description(info: dict[str, Any]) -> str:
    parts = [text(info.get("description"))]
    remediation = text(info.get("remediation"))
    if remediation:
        parts.append(f"Remediation:\n{remediation}")
    return "\n\n".join(part for part in parts if part)


def _finding(item: dict[str, Any]) -> ParsedFinding:
    info = _as_dict(item.get("info"))
    classification = _as_dict(info.get("classification"))
    template = _first(item, *_TEMPLATE_KEYS)
    matcher = _first(item, "matcher-name", "matcher_name")
    # Nuclei prints a result as [template-id:matcher-name]; several matchers of one template are separate findings.
    rule = f"{template}:{matcher}" if template and matcher else template or matcher
    cves = _cves(classification.get("cve-id")) or _cves(template)
    vector = text(classification.get("cvss-metrics"))
    score = _score(classification.get("cvss-score"))
    is_v4 = vector.upper().startswith("CVSS:4")
    severity = severity_from_word(info.get("severity"))
    if severity is Severity.UNKNOWN:
        severity = severity_from_score(score)
    name = text(info.get("name")) or template or "Nuclei result"
    return ParsedFinding(
        title=f"{name} ({matcher})" if matcher else name,
        tool=TOOL,
        kind=Kind.DAST,
        severity=severity,
        vulnerability_id=cves[0] if cves else template,
        aliases=cves[1:],
        cvss_v3_vector="" if is_v4 else vector,
        cvss_v3_score=None if is_v4 else score,
        cvss_v4_vector=vector if is_v4 else "",
        cvss_v4_score=score if is_v4 else None,
        cwes=_cwes(classification.get("cwe-id")),
        rule_id=rule,
        endpoint=_first(item, "matched-at", "matched", "url", "host"),
        parameter=_first(item, "fuzzing_parameter", "fuzzing-parameter"),
        description=_description(info),
        references=_references(info),
        target=_first(item, "host", "url"),
    )


def _lines(data: bytes) -> Iterator[tuple[str, Any]]:
    for number, value in numbered_json_lines(data, FORMAT):
        yield f"line {number}", value


def _is_json_lines(data: bytes) -> bool:
    """One result per line, unless the first line alone is not a whole JSON value (a pretty-printed document)."""
    first = data.lstrip().split(b"\n", 1)[0]
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return True


def _results(data: bytes) -> Iterator[tuple[str, Any]]:
    data = data.removeprefix(_BOM)
    values: Iterator[tuple[str, Any]]
    if data.lstrip().startswith(b"[") or not _is_json_lines(data):
        values = iter([("$", load_json(data, FORMAT))])
    else:
        values = _lines(data)
    for position, value in values:
        if isinstance(value, list):
            yield from ((f"{position}[{index}]", item) for index, item in enumerate(value))
        elif value is not None and value != {}:
            yield position, value


def parse(source: BinaryIO) -> Iterator[Parsed]:
    for position, item in _results(source.read()):
        if not isinstance(item, dict) or not (_first(item, *_TEMPLATE_KEYS) or isinstance(item.get("info"), dict)):
            raise ParseError(FORMAT, 'expected a Nuclei result object (with "template-id" and "info")', position)
        yield _finding(item)


IMPORTERS: list[Importer] = [
    Importer(name=FORMAT, label="Nuclei JSON / JSON Lines", sniff=sniff, parse=parse),
]
