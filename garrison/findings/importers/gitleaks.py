"""Gitleaks JSON (``gitleaks detect -f json``): a list of leaks. Version 8 writes ``RuleID``, ``Description``,
``File``, ``StartLine``, ``Secret``, ``Match``, ``Commit``, ...; version 7 ``rule``, ``file``, ``lineNumber``,
``offender``, ``line``, ``commit``, ... . No leaks is ``null`` or ``[]``.

The secret (``Secret`` / ``offender``) is kept only as ``secret_hash``; every text that may quote it (``Match``,
``line``, the commit message) has it replaced by ``[REDACTED]``. Reports made with ``--redact`` hold
``REDACTED`` instead of the secret: there is nothing to hash, so such findings get no ``secret_hash`` and are
told apart by rule, file and title. Gitleaks gives no severity: a leaked credential is ``high``.
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
    hash_secret,
    load_json,
)
from garrison.findings.importers.registry import Importer

FORMAT = "gitleaks"
TOOL = "gitleaks"
MASK = "[REDACTED]"

_V8 = re.compile(rb'"RuleID"\s*:')
_V8_SECRET = re.compile(rb'"(?:Secret|StartColumn|Entropy)"\s*:')  # not "Match": Trivy's secrets have it
_V7 = re.compile(rb'"offender"\s*:')
_V7_KEYS = re.compile(rb'"(?:rule|leakURL|commitMessage|lineNumber)"\s*:')
_REDACTED = {"", "redacted", "[redacted]"}


def sniff(head: bytes) -> bool:
    return bool((_V8.search(head) and _V8_SECRET.search(head)) or (_V7.search(head) and _V7_KEYS.search(head)))


def _str(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, int | float) else ""


def _int(value: Any) -> int | None:
    """A line number: a positive int (or digits) that fits the database, else None."""
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    return None


def _field(leak: dict[str, Any], *names: str) -> Any:
    for name in names:
        if leak.get(name) is not None:
            return leak[name]
    return None


def _redact(value: str, secret: str) -> str:
    return value.replace(secret, MASK) if secret else value


def _tags(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_str(v) for v in value if _str(v))
    return _str(value)


def _finding(leak: dict[str, Any]) -> ParsedFinding:
    secret = _str(_field(leak, "Secret", "secret", "offender", "Offender"))
    if secret.lower() in _REDACTED:
        secret = ""
    rule_id = _str(_field(leak, "RuleID", "ruleID", "rule", "Rule"))
    description = _str(_field(leak, "Description", "description")) or rule_id
    path = _str(_field(leak, "File", "file"))
    match = _redact(_str(_field(leak, "Match", "match", "line", "Line")), secret)
    commit = _str(_field(leak, "Commit", "commit"))
    facts = [
        ("Rule", rule_id),
        ("Match", match),
        ("Commit", commit),
        ("Author", _str(_field(leak, "Author", "author"))),
        ("Date", _str(_field(leak, "Date", "date"))),
        ("Commit message", _redact(_str(_field(leak, "Message", "commitMessage")), secret)),
        ("Tags", _tags(_field(leak, "Tags", "tags"))),
    ]
    link = _str(_field(leak, "Link", "leakURL"))
    repo = _str(leak.get("repo"))
    title = _redact(f"{description} in {path}" if path else description or "Secret found", secret)
    return ParsedFinding(
        title=title,
        tool=TOOL,
        kind=Kind.SECRET,
        severity=Severity.HIGH,
        vulnerability_id=rule_id,
        file_path=path,
        line=_int(_field(leak, "StartLine", "lineNumber", "line_number")),
        rule_id=rule_id,
        secret_hash=hash_secret(secret) if secret else "",
        description="\n".join(f"{label}: {value}" for label, value in facts if value),
        references=[link] if link.startswith(("http://", "https://")) else [],
        target=_str(leak.get("repoURL")) or (repo if repo != "." else ""),
    )


def _leaks(document: Any) -> tuple[str, list[Any]]:
    if isinstance(document, list):
        return "$", document
    expect(isinstance(document, dict), FORMAT, "expected a list of leaks", "$")
    for key in ("leaks", "findings", "Leaks", "Findings"):
        if isinstance(document.get(key), list):
            return f"$.{key}", document[key]
    expect(False, FORMAT, "expected a list of leaks", "$")
    return "$", []


def parse(source: BinaryIO) -> Iterator[Parsed]:
    document = load_json(source, FORMAT)
    if document is None or document == {} or document == []:
        return
    where, leaks = _leaks(document)
    for index, leak in enumerate(leaks):
        expect(isinstance(leak, dict), FORMAT, "expected a leak object", f"{where}[{index}]")
        yield _finding(leak)


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="Gitleaks JSON (v7 and v8)", sniff=sniff, parse=parse)]
