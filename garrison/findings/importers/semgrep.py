"""Semgrep JSON (``semgrep --json``): ``{"results": [{"check_id", "path", "start": {"line"}, "extra": {"message",
"severity", "metadata", "lines", "fingerprint"}}], "errors": [...], ...}``.

Severity: ERROR is high, WARNING medium, INFO info; newer versions also write CRITICAL/HIGH/MEDIUM/LOW.
Identity: ``extra.fingerprint`` when Semgrep gives a real one (not "requires login"), else a hash of
``extra.lines`` (the matched code). ``code_fingerprint`` is then the same value as ``matchBasedId/v1`` in
Semgrep's SARIF output, so the two formats agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedFinding,
    expect,
    hash_snippet,
    load_json,
    severity_from_word,
    text,
)
from garrison.findings.importers.registry import Importer

FORMAT = "semgrep"
TOOL = "semgrep"

_CHECK_ID = re.compile(rb'"check_id"\s*:\s*"')
_EXTRA = re.compile(rb'"extra"\s*:\s*\{')
_START = re.compile(rb'"start"\s*:\s*\{')
_SEMGREP_ONLY = re.compile(
    rb'"(?:skipped_rules|interfile_languages_used)"\s*:|"paths"\s*:\s*\{\s*"(?:scanned|_comment)"'
)
_EMPTY = re.compile(rb'^\s*\{\s*"(?:results|errors)"\s*:\s*\[\s*\]\s*,\s*"(?:results|errors)"\s*:\s*\[\s*\]\s*\}\s*$')
_CWE = re.compile(r"(?i)\bcwe[-_:/ ]*0*(\d{1,5})\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s")
_NO_VALUE = {"", "requires login"}


def sniff(head: bytes) -> bool:
    head = head.lstrip(b"\xef\xbb\xbf")
    if b'"check_result"' in head:  # Checkov also has "check_id"
        return False
    if _CHECK_ID.search(head) and _EXTRA.search(head) and _START.search(head):
        return True
    return bool(_SEMGREP_ONLY.search(head) or _EMPTY.match(head))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    """A line number: a positive int (or digits) that fits the database, else None."""
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    return None


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [text(v) for v in items if isinstance(v, str | int | float) and text(v)]


def _cwes(value: Any) -> list[int]:
    found: list[int] = []
    for item in _strings(value):
        for match in _CWE.finditer(item):
            if int(match[1]) not in found:
                found.append(int(match[1]))
    return found


def _title(message: str, check_id: str) -> str:
    flat = " ".join(message.split())
    sentence = _SENTENCE.split(flat, maxsplit=1)[0]
    if len(sentence) > 200:
        sentence = sentence[:199].rstrip() + "…"
    return sentence or check_id.rsplit(".", 1)[-1] or "Semgrep finding"


def _references(metadata: dict[str, Any]) -> list[str]:
    urls = [*_strings(metadata.get("references")), *_strings(metadata.get("source-rule-url"))]
    urls += _strings(metadata.get("shortlink")) + _strings(metadata.get("source"))
    return list(dict.fromkeys(u for u in urls if u.startswith(("http://", "https://"))))


_RuleFacts = tuple[list[int], list[str], str]  # CWEs, references, OWASP/confidence/likelihood lines


def _rule_facts(metadata: dict[str, Any]) -> _RuleFacts:
    lines = []
    for label, key in (("OWASP", "owasp"), ("Confidence", "confidence"), ("Likelihood", "likelihood")):
        values = _strings(metadata.get(key))
        if values:
            lines.append(f"{label}: {', '.join(values)}")
    return _cwes(metadata.get("cwe")), _references(metadata), "\n".join(lines)


def _finding(result: dict[str, Any], rules: dict[str, _RuleFacts]) -> ParsedFinding:
    extra = _dict(result.get("extra"))
    check_id = _str(result.get("check_id")).strip()
    facts = rules.get(check_id)
    if facts is None:  # the metadata is the rule's: the same for every result of a check
        facts = rules[check_id] = _rule_facts(_dict(extra.get("metadata")))
    message = _str(extra.get("message")).strip()
    lines = _str(extra.get("lines"))
    fingerprint = _str(extra.get("fingerprint")).strip()
    if fingerprint.lower() in _NO_VALUE:
        fingerprint = hash_snippet(lines) if lines.strip().lower() not in _NO_VALUE else ""
    fix = _str(extra.get("fix")).strip()
    return ParsedFinding(
        title=_title(message, check_id),
        tool=TOOL,
        kind=Kind.CODE,
        severity=severity_from_word(extra.get("severity")),
        vulnerability_id=check_id,
        cwes=list(facts[0]),
        file_path=_str(result.get("path")).strip(),
        line=_int(_dict(result.get("start")).get("line")),
        rule_id=check_id,
        code_fingerprint=fingerprint[:200],
        description="\n\n".join(p for p in (message, facts[2], f"Suggested fix: {fix}" if fix else "") if p),
        references=list(facts[1]),
    )


def parse(source: BinaryIO) -> Iterator[Parsed]:
    report = load_json(source, FORMAT)
    if report is None or report == {} or report == []:
        return
    expect(isinstance(report, dict), FORMAT, 'expected a Semgrep report: an object with "results"', "$")
    results = report.get("results")
    if results is None:
        expect("errors" in report or "version" in report, FORMAT, 'expected an object with "results"', "$")
        return
    expect(isinstance(results, list), FORMAT, '"results" must be a list', "$.results")
    seen: dict[tuple[str, str, str], int] = {}
    rules: dict[str, _RuleFacts] = {}
    for index, result in enumerate(results):
        expect(isinstance(result, dict), FORMAT, "expected a result object", f"$.results[{index}]")
        finding = _finding(result, rules)
        _number_repeats(finding, seen)
        yield finding


def _number_repeats(finding: ParsedFinding, seen: dict[tuple[str, str, str], int]) -> None:
    """The same code matched twice in one file (two identical lines) is two findings: the second gets ``:1``."""
    key = (finding.rule_id, finding.file_path, finding.code_fingerprint)
    count = seen.get(key, 0)
    seen[key] = count + 1
    if count and finding.code_fingerprint:
        finding.code_fingerprint = f"{finding.code_fingerprint}:{count}"


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="Semgrep JSON", sniff=sniff, parse=parse)]
