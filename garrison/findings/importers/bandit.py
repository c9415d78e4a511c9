"""Bandit JSON (``bandit -f json``): ``{"errors", "generated_at", "metrics", "results": [{"filename",
"line_number", "line_range", "test_id", "test_name", "issue_text", "issue_severity", "issue_confidence",
"issue_cwe": {"id", "link"}, "code", "more_info"}]}``.

Identity: a hash of the flagged lines (``line_range``) taken from ``code``, with Bandit's line-number prefixes
removed so the hash survives the code moving; the whole ``code`` when the range is not in it.
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
)
from garrison.findings.importers.registry import Importer

FORMAT = "bandit"
TOOL = "bandit"

_MARKERS = re.compile(rb'"(?:issue_confidence|issue_severity|CONFIDENCE\.HIGH|SEVERITY\.UNDEFINED)"\s*:')
_SARIF_RUNS = re.compile(rb'"runs"\s*:\s*\[')
_NUMBERED = re.compile(r"^\s*(\d+)\s?(.*)$")


def sniff(head: bytes) -> bool:
    return bool(_MARKERS.search(head)) and not _SARIF_RUNS.search(head)  # Bandit's SARIF has the same properties


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    """A line number: a positive int (or digits) that fits the database, else None."""
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    return None


def _flagged_code(code: str, lines: list[int]) -> str:
    """The lines Bandit flagged, without its ``12 `` line-number prefixes."""
    numbered = [(_NUMBERED.match(row), row) for row in code.splitlines()]
    wanted = set(lines)
    flagged = [m[2] for m, _ in numbered if m and int(m[1]) in wanted]
    if flagged and any(row.strip() for row in flagged):
        return "\n".join(flagged)
    return "\n".join(m[2] if m else row for m, row in numbered)


def _lines(result: dict[str, Any], line: int | None) -> list[int]:
    raw = result.get("line_range")
    found = [n for n in (_int(v) for v in raw) if n is not None] if isinstance(raw, list) else []
    if len(found) == 2 and 1 < found[1] - found[0] < 1000:
        found = list(range(found[0], found[1] + 1))  # some versions give [first, last]
    return found or ([line] if line is not None else [])


def _cwe(value: Any) -> list[int]:
    if isinstance(value, dict):
        value = value.get("id")
    number = _int(value)
    return [number] if number else []


def _finding(result: dict[str, Any]) -> ParsedFinding:
    test_id, test_name = _str(result.get("test_id")), _str(result.get("test_name"))
    issue = _str(result.get("issue_text"))
    line = _int(result.get("line_number"))
    code = result.get("code")
    code = code if isinstance(code, str) else ""
    snippet = _flagged_code(code, _lines(result, line)) if code.strip() else ""
    confidence = _str(result.get("issue_confidence"))
    cwe = result.get("issue_cwe")
    references = [_str(result.get("more_info")), _str(cwe.get("link")) if isinstance(cwe, dict) else ""]
    details = [f"Test: {test_id} {test_name}".strip() if test_id or test_name else ""]
    details.append(f"Confidence: {confidence.lower()}" if confidence else "")
    return ParsedFinding(
        title=issue.splitlines()[0][:300] if issue else test_name or test_id or "Bandit issue",
        tool=TOOL,
        kind=Kind.CODE,
        severity=severity_from_word(result.get("issue_severity")),
        vulnerability_id=test_id,
        cwes=_cwe(cwe),
        file_path=_str(result.get("filename")),
        line=line,
        rule_id=test_id,
        code_fingerprint=hash_snippet(snippet) if snippet.strip() else "",
        description="\n\n".join(p for p in [issue, "\n".join(d for d in details if d)] if p),
        references=list(dict.fromkeys(u for u in references if u.startswith(("http://", "https://")))),
    )


def parse(source: BinaryIO) -> Iterator[Parsed]:
    report = load_json(source, FORMAT)
    if report is None or report == {} or report == []:
        return
    expect(isinstance(report, dict), FORMAT, 'expected a Bandit report: an object with "results"', "$")
    results = report.get("results")
    if results is None:
        expect("metrics" in report or "errors" in report, FORMAT, 'expected an object with "results"', "$")
        return
    expect(isinstance(results, list), FORMAT, '"results" must be a list', "$.results")
    seen: dict[tuple[str, str, str], int] = {}
    for index, result in enumerate(results):
        expect(isinstance(result, dict), FORMAT, "expected a result object", f"$.results[{index}]")
        finding = _finding(result)
        key = (finding.rule_id, finding.file_path, finding.code_fingerprint)
        seen[key] = count = seen.get(key, 0) + 1
        if count > 1 and finding.code_fingerprint:  # the same code flagged twice in a file: two findings
            finding.code_fingerprint = f"{finding.code_fingerprint}:{count - 1}"
        yield finding


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="Bandit JSON", sniff=sniff, parse=parse)]
