"""TruffleHog secrets, three related formats (all ``kind = secret``):

- ``trufflehog``: TruffleHog v3 ``--json``, one object per line: ``{"SourceMetadata": {"Data": {"<Source>":
  {"file", "line", "commit", "repository", ...}}}, "DetectorName", "Verified", "Raw", "RawV2", "Redacted",
  "ExtraData", ...}``. ``Raw`` is the secret; older v3 releases wrote it base64-encoded (Go ``[]byte``), newer
  ones as text: a value that decodes to printable text is taken as base64, so both spell the same secret.
- ``trufflehog2``: TruffleHog v2 ``--json``, one object per line: ``{"path", "reason", "stringsFound": [...],
  "commitHash", "branch", "date", "diff", "printDiff", ...}``.
- ``trufflehog3``: feeltheajf/trufflehog3, a JSON list of ``{"rule": {"id", "message", "severity"}, "path",
  "line", "secret", "context", ...}`` or, from its older releases, of v2-style objects.

Secrets are only ever hashed; ``Raw``, ``RawV2``, ``stringsFound``, ``secret``, ``diff`` and ``context`` are not
copied anywhere, and any other text is redacted. Severity: ``critical`` for a secret TruffleHog verified as live,
else ``high`` (trufflehog3 gives its own).
"""

from __future__ import annotations

import base64
import binascii
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
    load_json_lines,
    severity_from_word,
)
from garrison.findings.importers.registry import Importer

TOOL = "trufflehog"
MASK = "[REDACTED]"

_V3 = re.compile(rb'"SourceMetadata"\s*:')
_V3_DETECTOR = re.compile(rb'"Detector(?:Name|Type)"\s*:')
_V2_STRINGS = re.compile(rb'"stringsFound"\s*:\s*\[')
_V2_REASON = re.compile(rb'"reason"\s*:')
_TH3_RULE = re.compile(rb'"rule"\s*:\s*\{\s*"id"\s*:')
_TH3_SECRET = re.compile(rb'"secret"\s*:')
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
_LOCATION_KEYS = ("file", "path", "filename", "link", "object", "key")
_TARGET_KEYS = ("repository", "repo", "image", "bucket", "url", "link", "project", "organization")


def _start(head: bytes) -> bytes:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]


def sniff_v3(head: bytes) -> bool:
    return _start(head) == b"{" and bool(_V3.search(head) and _V3_DETECTOR.search(head))


def sniff_v2(head: bytes) -> bool:
    return _start(head) == b"{" and bool(_V2_STRINGS.search(head) and _V2_REASON.search(head))


def sniff_trufflehog3(head: bytes) -> bool:
    if _start(head) != b"[":
        return False
    legacy = _V2_STRINGS.search(head) and _V2_REASON.search(head)
    return bool(legacy or (_TH3_RULE.search(head) and _TH3_SECRET.search(head)))


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


def _redact(value: str, secrets: list[str]) -> str:
    """Mask every occurrence of a secret; a very short one (under 4 characters) only where it stands alone, since
    masking it inside words would shred the text (and would itself point at where the secret is)."""
    for secret in secrets:
        if len(secret) >= 4:
            value = value.replace(secret, MASK)
        elif secret.strip():
            value = re.sub(rf"(?<![\w]){re.escape(secret)}(?![\w])", MASK, value)
    return value


def _decoded(raw: str) -> str:
    """``raw`` itself, or the text it encodes when it is base64 of printable text (TruffleHog before ~3.28)."""
    if len(raw) < 8 or len(raw) % 4 or not _BASE64.match(raw):
        return raw
    try:
        decoded = base64.b64decode(raw, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return raw
    return decoded if decoded.isprintable() or decoded.replace("\n", "").replace("\r", "").isprintable() else raw


# ---- TruffleHog v3 ---------------------------------------------------------------------------------------------


def _source(record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(source name, its metadata) from ``SourceMetadata.Data``: ``("Git", {"file": ..., "line": ...})``."""
    metadata = record.get("SourceMetadata")
    data = metadata.get("Data") if isinstance(metadata, dict) else None
    if isinstance(data, dict):
        for name, value in data.items():
            if isinstance(value, dict):
                return name, value
    return "", {}


def _first(values: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = _str(values.get(key))
        if value:
            return value
    return ""


def _v3_finding(record: dict[str, Any]) -> ParsedFinding:
    raw, raw_v2 = _str(record.get("Raw")), _str(record.get("RawV2"))
    secret = _decoded(raw) if raw else _decoded(raw_v2)
    secrets = sorted({s for s in (raw, raw_v2, secret, _decoded(raw_v2)) if s}, key=len, reverse=True)
    detector = _str(record.get("DetectorName")) or _str(record.get("DetectorType")) or "Secret"
    verified = record.get("Verified") is True
    source, where = _source(record)
    path = _first(where, _LOCATION_KEYS)
    redacted = _str(record.get("Redacted"))
    extra = record.get("ExtraData")
    facts = [
        ("Detector", detector),
        ("About", _str(record.get("DetectorDescription"))),
        ("Decoder", _str(record.get("DecoderName"))),
        ("Verified", "yes" if verified else "no"),
        ("Source", _str(record.get("SourceName")) or source),
        ("Commit", _str(where.get("commit"))),
        ("Redacted", redacted if "*" in redacted and not any(redacted in s or s in redacted for s in secrets) else ""),
    ]
    if isinstance(extra, dict):
        facts += [(str(k), _str(v)) for k, v in extra.items() if _str(v)]
    link = _str(where.get("link"))
    return ParsedFinding(
        title=_redact(f"{detector} secret in {path}" if path else f"{detector} secret", secrets),
        tool=TOOL,
        kind=Kind.SECRET,
        severity=Severity.CRITICAL if verified else Severity.HIGH,
        vulnerability_id=detector,
        file_path=_redact(path, secrets),
        line=_int(where.get("line")),
        rule_id=detector,
        secret_hash=hash_secret(secret) if secret else "",
        description=_redact("\n".join(f"{label}: {value}" for label, value in facts if value), secrets),
        references=[link] if link.startswith(("http://", "https://")) and not any(s in link for s in secrets) else [],
        target=_redact(_first(where, _TARGET_KEYS), secrets),
    )


def _objects(source: BinaryIO | bytes, fmt: str) -> Iterator[dict[str, Any]]:
    """The objects of a JSON Lines stream; a line holding a list of them (a wrapped export) is read through, and
    empty values (``null``, ``[]``, ``{}``) are nothing."""
    for number, value in enumerate(load_json_lines(source, fmt), start=1):
        if value is None or value == [] or value == {}:
            continue
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            where = f"record {number}" if items is not value else f"record {number}[{index}]"
            expect(isinstance(item, dict), fmt, "expected one JSON object per line", where)
            yield item


def parse_v3(source: BinaryIO) -> Iterator[Parsed]:
    for record in _objects(source, "trufflehog"):
        if "SourceMetadata" not in record and "DetectorName" not in record and "DetectorType" not in record:
            continue  # a log line captured with the results, not a finding
        yield _v3_finding(record)


# ---- TruffleHog v2 and trufflehog3 ------------------------------------------------------------------------------


def _legacy_finding(record: dict[str, Any], tool: str) -> ParsedFinding:
    """A v2-style record: ``reason`` is the rule, ``stringsFound`` the secrets (diff lines for high entropy)."""
    found = record.get("stringsFound")
    secrets = (
        sorted({s for s in (_str(v) for v in found) if s}, key=len, reverse=True) if isinstance(found, list) else []
    )
    reason = _str(record.get("reason")) or "Secret"
    path = _str(record.get("path"))
    facts = [
        ("Reason", reason),
        ("Commit", _str(record.get("commitHash"))),
        ("Branch", _str(record.get("branch"))),
        ("Date", _str(record.get("date"))),
        ("Commit message", _str(record.get("commit"))),
        ("Strings found", str(len(secrets)) if secrets else ""),
    ]
    return ParsedFinding(
        title=_redact(f"{reason} in {path}" if path else reason, secrets),
        tool=tool,
        kind=Kind.SECRET,
        severity=Severity.HIGH,
        vulnerability_id=reason,
        file_path=_redact(path, secrets),
        rule_id=reason,
        secret_hash=hash_secret("\n".join(sorted(secrets))) if secrets else "",
        description=_redact("\n".join(f"{label}: {value}" for label, value in facts if value), secrets),
    )


def parse_v2(source: BinaryIO) -> Iterator[Parsed]:
    data = source.read()
    if data.lstrip()[:1] == b"[":  # the same records as a JSON list (trufflehog3's legacy output)
        yield from parse_trufflehog3(data, fmt="trufflehog2")
        return
    for record in _objects(data, "trufflehog2"):
        yield _legacy_finding(record, TOOL)


def _th3_finding(record: dict[str, Any]) -> ParsedFinding:
    rule: dict[str, Any] = record["rule"] if isinstance(record.get("rule"), dict) else {}
    secret = _str(record.get("secret"))
    secrets = [secret] if secret else []
    rule_id = _str(rule.get("id")) or _str(rule.get("message")) or "secret"
    message = _str(rule.get("message")) or rule_id
    path = _str(record.get("path"))
    facts = [
        ("Rule", f"{rule_id} ({message})" if message != rule_id else rule_id),
        ("Commit", _str(record.get("commit"))),
        ("Branch", _str(record.get("branch"))),
        ("Author", _str(record.get("author"))),
        ("Date", _str(record.get("date"))),
        ("Commit message", _str(record.get("message"))),
    ]
    severity = severity_from_word(rule.get("severity"))
    return ParsedFinding(
        title=_redact(f"{message} in {path}" if path else message, secrets),
        tool="trufflehog3",
        kind=Kind.SECRET,
        severity=Severity.HIGH if severity is Severity.UNKNOWN else severity,
        vulnerability_id=rule_id,
        file_path=_redact(path, secrets),
        line=_int(record.get("line")),
        rule_id=rule_id,
        secret_hash=hash_secret(secret) if secret else "",
        description=_redact("\n".join(f"{label}: {value}" for label, value in facts if value), secrets),
    )


def parse_trufflehog3(source: BinaryIO | bytes, fmt: str = "trufflehog3") -> Iterator[Parsed]:
    document = load_json(source, fmt)
    if document is None or document == [] or document == {}:
        return
    expect(isinstance(document, list), fmt, "expected a JSON list of findings", "$")
    for index, record in enumerate(document):
        expect(isinstance(record, dict), fmt, "expected a finding object", f"$[{index}]")
        if "stringsFound" in record or "reason" in record:
            yield _legacy_finding(record, "trufflehog3" if fmt == "trufflehog3" else TOOL)
        else:
            yield _th3_finding(record)


IMPORTERS: list[Importer] = [
    Importer(name="trufflehog", label="TruffleHog v3 JSON lines", sniff=sniff_v3, parse=parse_v3),
    Importer(name="trufflehog2", label="TruffleHog v2 JSON lines", sniff=sniff_v2, parse=parse_v2),
    Importer(
        name="trufflehog3", label="trufflehog3 JSON (feeltheajf)", sniff=sniff_trufflehog3, parse=parse_trufflehog3
    ),
]
