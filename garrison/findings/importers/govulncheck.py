"""govulncheck JSON (``govulncheck -json``). Since 1.0 it is a stream of concatenated JSON objects, not an array:
``{"config"}``, ``{"progress"}``, ``{"osv": {...}}`` once per vulnerability, then ``{"finding": {"osv", "fixed_version",
"trace": [...]}}`` at module, package or symbol level (``trace[0]`` is the vulnerable symbol; a ``function`` there
means the code calls it). Findings are grouped per vulnerability and module version; the description says whether
the vulnerable code is called, imported or only required. The pre-1.0 document (``{"Vulns": [...]}``) and an array
of stream messages are read too."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedFinding,
    ParseError,
    Severity,
    expect,
    load_json,
    severity_from_score,
    text,
)
from garrison.findings.importers.purls import build_purl
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import cvss4_vector, v3_pair, v4_pair

FORMAT = "govulncheck"
TOOL = "govulncheck"

_SCANNER = re.compile(rb'"scanner_name"\s*:\s*"govulncheck"')
_FINDING = re.compile(rb'"finding"\s*:\s*\{\s*"osv"\s*:')
_OSV_MESSAGE = re.compile(rb'\{\s*"osv"\s*:\s*\{\s*"schema_version"')
_OLD_VULNS = re.compile(rb'"Vulns"\s*:\s*\[')
_OLD_MODULES = re.compile(rb'"(?:FoundVersion|CallStacks|Modules)"\s*:')
_BETWEEN_VALUES = frozenset(" \t\r\n,")  # whitespace, and stray commas from hand-joined files

_LEVEL_TEXT = {
    3: "Called: your code calls the vulnerable function{s} {symbols}.",
    2: "Imported, not called: your code imports the vulnerable package {symbols} but not the vulnerable code.",
    1: "Required, not imported: a required module is vulnerable; your code does not import the vulnerable package.",
}


def sniff(head: bytes) -> bool:
    if _SCANNER.search(head) or _FINDING.search(head) or _OSV_MESSAGE.search(head):
        return True
    return bool(_OLD_VULNS.search(head) and _OLD_MODULES.search(head))


def _skip_between(document: str, position: int) -> int:
    while position < len(document) and document[position] in _BETWEEN_VALUES:
        position += 1
    return position


def _stream(data: bytes) -> Iterator[Any]:
    """The JSON values of a concatenated stream, each error with its line and column."""
    try:
        document = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(FORMAT, "not valid UTF-8", f"byte {exc.start}") from None
    decoder = json.JSONDecoder()
    position = _skip_between(document, 0)
    while position < len(document):
        try:
            value, position = decoder.raw_decode(document, position)
        except json.JSONDecodeError as exc:
            raise ParseError(FORMAT, f"not valid JSON ({exc.msg})", f"line {exc.lineno}, column {exc.colno}") from None
        except RecursionError:
            raise ParseError(FORMAT, "nesting too deep", f"character {position}") from None
        yield value
        position = _skip_between(document, position)


def _messages(data: bytes) -> Iterator[Any]:
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):  # the messages collected into an array
        values = load_json(data, FORMAT)
        yield from values if isinstance(values, list) else [values]
    else:
        yield from _stream(data)


@dataclass
class _Group:
    """Every govulncheck finding for one vulnerability in one module version."""

    osv_id: str
    module: str
    version: str
    fixed_version: str = ""
    level: int = 0  # 1 module, 2 package, 3 symbol (called)
    symbols: list[str] = field(default_factory=list)
    call_site: tuple[str, int | None] = ("", None)


def _frame_symbol(frame: dict[str, Any]) -> str:
    package, function, receiver = text(frame.get("package")), text(frame.get("function")), text(frame.get("receiver"))
    if function:
        name = f"{receiver.lstrip('*')}.{function}" if receiver else function
        return f"{package}.{name}" if package else name
    return package


def _call_site(trace: list[Any]) -> tuple[str, int | None]:
    """Where the user's code enters the call chain: the last frame with a position."""
    for frame in reversed(trace):
        position = frame.get("position") if isinstance(frame, dict) else None
        if isinstance(position, dict) and text(position.get("filename")):
            line = position.get("line")
            return text(position.get("filename")), line if isinstance(line, int) and line > 0 else None
    return "", None


def _add_finding(groups: dict[tuple[str, str, str], _Group], finding: Any, where: str) -> None:
    expect(isinstance(finding, dict), FORMAT, 'expected "finding" to be an object', where)
    trace = finding.get("trace")
    trace = [f for f in trace if isinstance(f, dict)] if isinstance(trace, list) else []
    top = trace[0] if trace else {}
    osv_id, module, version = text(finding.get("osv")), text(top.get("module")), text(top.get("version"))
    expect(bool(osv_id), FORMAT, 'a finding without "osv"', where)
    group = groups.setdefault((osv_id, module, version), _Group(osv_id, module, version))
    group.fixed_version = group.fixed_version or text(finding.get("fixed_version"))
    level = 3 if top.get("function") else 2 if top.get("package") else 1
    symbol = _frame_symbol(top)
    if level > group.level:
        group.level, group.symbols = level, []
        group.call_site = _call_site(trace) if level == 3 else ("", None)
    if level == group.level and symbol and symbol not in group.symbols:
        group.symbols.append(symbol)


def _add_old_vuln(groups: dict[tuple[str, str, str], _Group], osvs: dict[str, Any], vuln: Any, where: str) -> None:
    """A pre-1.0 entry: ``{"OSV": {...}, "Modules": [{"Path", "FoundVersion", "FixedVersion", "Packages"}]}``."""
    expect(isinstance(vuln, dict), FORMAT, "expected a vulnerability object", where)
    osv = vuln.get("OSV") if isinstance(vuln.get("OSV"), dict) else {}
    osv_id = text(osv.get("id"))
    osvs.setdefault(osv_id, osv)
    modules = vuln.get("Modules")
    for module in modules if isinstance(modules, list) else []:
        if not isinstance(module, dict):
            continue
        key = (osv_id, text(module.get("Path")), text(module.get("FoundVersion")))
        group = groups.setdefault(key, _Group(*key, fixed_version=text(module.get("FixedVersion")), level=1))
        packages = module.get("Packages")
        for package in packages if isinstance(packages, list) else []:
            stacks = package.get("CallStacks") if isinstance(package, dict) else None
            symbols = [text(s.get("Symbol")) for s in stacks if isinstance(s, dict)] if isinstance(stacks, list) else []
            group.level = max(group.level, 3 if symbols else 2)
            group.symbols.extend(s for s in symbols or [text(package.get("Path"))] if s and s not in group.symbols)


def _osv_cvss(osv: dict[str, Any]) -> tuple[str, float | None, str, float | None]:
    v3: tuple[str, float | None] = ("", None)
    v4: tuple[str, float | None] = ("", None)
    severities = osv.get("severity")
    for entry in severities if isinstance(severities, list) else []:
        vector = entry.get("score") if isinstance(entry, dict) else None
        if cvss4_vector(vector) and not v4[0]:
            v4 = v4_pair(vector)
        elif not v3[0]:
            v3 = v3_pair(vector)
    return v3[0], v3[1], v4[0], v4[1]


def _finding(group: _Group, osv: dict[str, Any]) -> ParsedFinding:
    v3_vector, v3_score, v4_vector, v4_score = _osv_cvss(osv)
    severity = severity_from_score(v4_score if v4_score is not None else v3_score)
    symbols = ", ".join(group.symbols)
    status = _LEVEL_TEXT.get(group.level, "").format(s="s" if len(group.symbols) > 1 else "", symbols=symbols)
    references = osv.get("references")
    urls = [text(r.get("url")) for r in references if isinstance(r, dict)] if isinstance(references, list) else []
    database = osv.get("database_specific")
    urls.append(text(database.get("url")) if isinstance(database, dict) else "")
    aliases = osv.get("aliases")
    affected = osv.get("affected")
    first = affected[0] if isinstance(affected, list) and affected and isinstance(affected[0], dict) else {}
    package = first.get("package")
    module = group.module or (text(package.get("name")) if isinstance(package, dict) else "")
    return ParsedFinding(
        title=text(osv.get("summary")) or f"{group.osv_id} in {module or 'a Go module'}",
        tool=TOOL,
        kind=Kind.DEPENDENCY,
        severity=severity if v3_vector or v4_vector else Severity.UNKNOWN,
        vulnerability_id=group.osv_id,
        aliases=[a for a in (text(x) for x in aliases) if a and a != group.osv_id] if isinstance(aliases, list) else [],
        cvss_v3_vector=v3_vector,
        cvss_v3_score=v3_score,
        cvss_v4_vector=v4_vector,
        cvss_v4_score=v4_score,
        package_name=module,
        package_purl=build_purl("golang", module, group.version),
        installed_version=group.version,
        fixed_version=group.fixed_version,
        file_path=group.call_site[0],
        line=group.call_site[1],
        description="\n\n".join(p for p in (status, text(osv.get("details"))) if p),
        references=list(dict.fromkeys(u for u in urls if u)),
    )


def parse(source: BinaryIO) -> Iterator[Parsed]:
    osvs: dict[str, Any] = {}
    groups: dict[tuple[str, str, str], _Group] = {}
    for index, message in enumerate(_messages(source.read())):
        where = f"message {index + 1}"
        if message is None:
            continue
        expect(isinstance(message, dict), FORMAT, "expected a JSON object", where)
        if isinstance(message.get("osv"), dict):
            osvs[text(message["osv"].get("id"))] = message["osv"]
        elif "finding" in message:
            _add_finding(groups, message["finding"], where)
        elif "Vulns" in message:
            vulns = message.get("Vulns") or []
            expect(isinstance(vulns, list), FORMAT, '"Vulns" must be a list', f"{where}.Vulns")
            for number, vuln in enumerate(vulns):
                _add_old_vuln(groups, osvs, vuln, f"{where}.Vulns[{number}]")
    for group in groups.values():
        osv = osvs.get(group.osv_id)
        yield _finding(group, osv if isinstance(osv, dict) else {})


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="govulncheck JSON", sniff=sniff, parse=parse)]
