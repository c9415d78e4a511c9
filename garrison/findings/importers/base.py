"""What every importer produces and raises. Importers are pure: bytes in, dataclasses out, no ORM, no I/O
beyond the stream they are given."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, BinaryIO

import orjson


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"
    UNKNOWN = "unknown"


class Kind(StrEnum):
    DEPENDENCY = "dependency"  # a vulnerable package (SCA, container, SBOM with vulnerabilities)
    CODE = "code"  # static analysis of our own code (SAST, IaC misconfiguration)
    SECRET = "secret"  # noqa: S105 (a kind name) — a credential in code or history
    DAST = "dast"  # a finding on a running endpoint
    OTHER = "other"


class ParseError(Exception):
    """The report cannot be read. ``position`` says where (``line 14, column 3``, ``byte 2048``, ``$.runs[0]``)."""

    def __init__(self, fmt: str, message: str, position: str = "") -> None:
        self.format = fmt
        self.message = message
        self.position = position
        where = f" at {position}" if position else ""
        super().__init__(f"{fmt}: {message}{where}")


@dataclass(frozen=True, slots=True)
class VexAnalysis:
    """What a VEX statement in the report says about the finding (CycloneDX ``analysis``), as written there:
    state (not_affected, false_positive, exploitable, in_triage, resolved, ...), justification, detail."""

    state: str
    justification: str = ""
    detail: str = ""


@dataclass(slots=True)
class ParsedFinding:
    title: str
    tool: str
    kind: Kind
    severity: Severity = Severity.UNKNOWN
    vulnerability_id: str = ""  # the report's primary id: CVE-..., GHSA-..., a rule id for code findings, ...
    aliases: list[str] = field(default_factory=list)  # other ids of the same vulnerability
    cvss_v3_vector: str = ""
    cvss_v3_score: float | None = None
    cvss_v4_vector: str = ""
    cvss_v4_score: float | None = None
    cwes: list[int] = field(default_factory=list)
    package_name: str = ""
    package_purl: str = ""  # with the installed version when known: pkg:pypi/django@4.2.1
    installed_version: str = ""
    fixed_version: str = ""
    file_path: str = ""
    line: int | None = None
    rule_id: str = ""
    code_fingerprint: str = ""  # SARIF partialFingerprints or a hash of the normalised snippet; never the line
    secret_hash: str = ""  # SHA-256 of the secret (see hash_secret); the secret itself is never kept
    endpoint: str = ""  # DAST: the URL
    parameter: str = ""  # DAST: the parameter or header
    description: str = ""
    references: list[str] = field(default_factory=list)
    target: str = ""  # what the report says it scanned (image name, directory, host), for display only
    vex: VexAnalysis | None = None  # a VEX statement about this finding in the report itself


@dataclass(slots=True)
class ParsedComponent:
    """A package an SBOM says the component ships (the inventory)."""

    name: str
    version: str = ""
    purl: str = ""
    type: str = ""  # library, application, container, framework, operating-system, ...
    licenses: list[str] = field(default_factory=list)
    supplier: str = ""


Parsed = ParsedFinding | ParsedComponent


def hash_secret(secret: str) -> str:
    """What we keep of a secret: enough to recognise it again, nothing to use it."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def hash_snippet(snippet: str) -> str:
    """A fingerprint of code that survives re-indentation and blank lines, not renames."""
    normalised = "\n".join(" ".join(line.split()) for line in snippet.splitlines() if line.strip())
    return hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()[:32]


_SEVERITY_WORDS = {
    "critical": Severity.CRITICAL,
    "crit": Severity.CRITICAL,
    "high": Severity.HIGH,
    "error": Severity.HIGH,
    "important": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "moderate": Severity.MEDIUM,
    "warning": Severity.MEDIUM,
    "low": Severity.LOW,
    "note": Severity.LOW,
    "minor": Severity.LOW,
    "info": Severity.INFO,
    "informational": Severity.INFO,
    "information": Severity.INFO,
    "none": Severity.INFO,
    "negligible": Severity.INFO,
    "unknown": Severity.UNKNOWN,
    "": Severity.UNKNOWN,
}


def severity_from_word(word: Any) -> Severity:
    return _SEVERITY_WORDS.get(str(word or "").strip().lower(), Severity.UNKNOWN)


def severity_from_score(score: float | None) -> Severity:
    """FIRST's CVSS bands."""
    if score is None:
        return Severity.UNKNOWN
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.INFO


MAX_DEPTH = 200


# Nesting depth from the bytes, not the parsed value (walking every value cost a third of loading a report):
# drop escaped backslashes and quotes, keep only quotes and brackets, drop strings (they may hold brackets), then
# peel the innermost bracket pairs off, one level per pass. Its answer counts only for documents orjson accepts;
# it runs before parsing so that its copies of the bytes are gone before the parsed value exists.
_NOT_QUOTE_OR_BRACKET = bytes(b for b in range(256) if b not in b'"[]{}')
_CURLY_TO_SQUARE = bytes.maketrans(b"{}", b"[]")
_STRING = re.compile(rb'"[^"]*"')


def too_deep(data: bytes) -> bool:
    # '""' is an empty string or the end of one and the start of the next: either way no bracket is lost.
    quotes_and_brackets = (
        data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_QUOTE_OR_BRACKET).replace(b'""', b"")
    )
    brackets = _STRING.sub(b"", quotes_and_brackets).translate(_CURLY_TO_SQUARE)
    for _ in range(MAX_DEPTH + 1):  # the top level is depth 0
        if not brackets:
            return False
        brackets = brackets.replace(b"[]", b"")
    return bool(brackets)


def _loads(data: bytes, fmt: str, line: int | None = None) -> Any:
    """One document; ``line`` is where it starts in a JSON Lines file (else orjson's line)."""
    deep = too_deep(data)
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        try:  # orjson says "line 1, column 1" for bad UTF-8 wherever it is: find the byte (on the error path only)
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            where = f"line {line}, byte {bad.start}" if line else f"byte {bad.start}"
            raise ParseError(fmt, "invalid UTF-8", where) from None
        raise ParseError(fmt, f"not valid JSON ({exc.msg})", f"line {line or exc.lineno}, column {exc.colno}") from None
    if deep:
        raise ParseError(fmt, f"nesting deeper than {MAX_DEPTH} levels")
    return value


def load_json(source: BinaryIO | bytes, fmt: str) -> Any:
    """Read a whole JSON document with a clear error (position, invalid UTF-8, too deep). Empty input is None."""
    data = source if isinstance(source, bytes) else source.read()
    if not data.strip():
        return None
    return _loads(data, fmt)


def load_json_lines(source: BinaryIO | bytes, fmt: str) -> Iterator[Any]:
    """JSON Lines / NDJSON: one document per non-empty line, each error naming its line."""
    for _, value in numbered_json_lines(source, fmt):
        yield value


def numbered_json_lines(source: BinaryIO | bytes, fmt: str) -> Iterator[tuple[int, Any]]:
    """(line number, document) for each non-empty line; the same errors as load_json_lines."""
    data = source if isinstance(source, bytes) else source.read()
    for number, raw in enumerate(data.splitlines(), start=1):
        if raw.strip():
            yield number, _loads(raw, fmt, number)


def load_xml(source: BinaryIO | bytes, fmt: str) -> Any:
    """Parse XML with defusedxml (no entities, no external DTDs: billion laughs and XXE are refused)."""
    from xml.etree.ElementTree import ParseError as XmlError

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    data = source if isinstance(source, bytes) else source.read()
    if not data.strip():
        return None
    try:
        return SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise ParseError(fmt, f"refused unsafe XML ({exc.__class__.__name__})") from None
    except LookupError:  # <?xml encoding="..."?> naming an encoding that does not exist
        raise ParseError(fmt, "not well-formed XML (it declares an unknown character encoding)", "line 1") from None
    except XmlError as exc:
        line, column = exc.position
        raise ParseError(
            fmt, f"not well-formed XML ({str(exc).split(':')[0]})", f"line {line}, column {column}"
        ) from None


def expect(condition: bool, fmt: str, message: str, position: str = "") -> None:
    if not condition:
        raise ParseError(fmt, message, position)


def text(value: Any) -> str:
    """A display string from whatever a report put there (None, numbers, lists of strings)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(text(v) for v in value if v is not None)
    return str(value).strip()
