"""SARIF 2.1.0 from any tool (CodeQL, Semgrep, Trivy, Grype, Bandit, ...): one finding per result of every run.

Reading: streamed (jsonstream), one result at a time, when a run's ``tool`` comes before its ``results`` (the
spec's order); tools that sort their keys (Semgrep, Go's encoder in Trivy) put results before the rules they need,
so those are held until the end of their run, as are results naming an artifact by index before ``artifacts``
and (up to 2,000 of them) results naming a base id before ``originalUriBaseIds``. A run's ``properties`` (the
image name or repository shown as the target) are those read before its results.

Identity (``code_fingerprint``), first that exists: a ``fingerprints`` or ``partialFingerprints`` entry that is
not about a position (CodeQL's ``primaryLocationLineHash`` / ``...StartColumnFingerprint`` are skipped: they
move with the line), then a hash of ``region.snippet``, then of ``contextRegion.snippet``, and only then
``primaryLocationLineHash`` (a hash of the line's text; better than nothing when no snippet was kept).

Kind: ``dependency`` when the rule id is a vulnerability id (CVE, GHSA, ...: Trivy, Grype) or the rule is one of
Trivy's ``*PackageVulnerability`` rules; the package, installed and fixed versions are read from the message
text (Trivy's ``Package:`` / ``Installed Version:`` lines, Grype's "reports NAME at version V"). Else ``code``.
Results of kind ``pass`` or ``notApplicable`` are not findings.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedFinding,
    Severity,
    expect,
    hash_snippet,
    severity_from_score,
    severity_from_word,
    text,
)
from garrison.findings.importers.jsonstream import JsonStream
from garrison.findings.importers.purls import build_purl, purl_type
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import v3_pair
from garrison.findings.keyset import KeySet, key_of

FORMAT = "sarif"

_SCHEMA = re.compile(rb'"\$schema"\s*:\s*"[^"]{0,300}sarif', re.IGNORECASE)
_VERSION = re.compile(rb'"version"\s*:\s*"2\.\d+\.\d+')
_RUNS = re.compile(rb'"runs"\s*:\s*\[')

_PLACEHOLDER = re.compile(r"\{(\d+)\}")
_CWE = re.compile(r"(?i)\bcwe[-_:/ ]*0*(\d{1,5})\b")
_VULN_ID = re.compile(
    r"(?i)\b(CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|(?:RUSTSEC|PYSEC|GO|OSV)-\d{4}-\d+)\b"
)
_CVSS3 = re.compile(r"^CVSS:3\.[01]/")
_CVSS4 = re.compile(r"^CVSS:4\.0/")
_LINK = re.compile(r"\((https?://[^)\s]+)\)")
_MSG_PACKAGE = re.compile(r"^\s*Package:\s*(\S+)", re.MULTILINE)
_MSG_INSTALLED = re.compile(r"^\s*Installed Version:\s*(\S+)", re.MULTILINE)
_MSG_FIXED = re.compile(r"^\s*Fixed Version:\s*(\S.*?)\s*$", re.MULTILINE)
_GRYPE_AT = re.compile(r"reports (\S+) at version (\S+)(?:.*?\((\S+)\) package)?")
_GRYPE_PKG = re.compile(r"(?:(\S+) )?package: (\S+), version (\S+)")
_SENTENCE = re.compile(r"(?<=[.!?])\s")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_POSITION_KEYS = ("primarylocationlinehash", "primarylocationstartcolumnfingerprint")

# Lock and manifest files whose name says which ecosystem a package comes from (for a purl).
_MANIFEST_TYPES = {
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
    "yarn.lock": "npm",
    "pnpm-lock.yaml": "npm",
    "package.json": "npm",
    "requirements.txt": "pypi",
    "pipfile.lock": "pypi",
    "poetry.lock": "pypi",
    "uv.lock": "pypi",
    "gemfile.lock": "gem",
    "go.mod": "golang",
    "go.sum": "golang",
    "cargo.lock": "cargo",
    "composer.lock": "composer",
    "pom.xml": "maven",
    "packages.lock.json": "nuget",
}


def sniff(head: bytes) -> bool:
    if _SCHEMA.search(head):
        return True
    return bool(_RUNS.search(head) and _VERSION.search(head))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    """A line number or an index: a non-negative int (or digits) that fits the database, else None."""
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31:
        return value
    return None


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _first_sentence(message: str, limit: int = 200) -> str:
    flat = " ".join(message.split())
    sentence = _SENTENCE.split(flat, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


@dataclass(slots=True)
class _RuleInfo:
    short: str = ""
    description: str = ""
    cwes: list[int] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    security: Severity = Severity.UNKNOWN  # from properties["security-severity"]
    level: Severity = Severity.UNKNOWN  # from defaultConfiguration.level
    word: Severity = Severity.UNKNOWN  # from a severity property
    is_vulnerability: bool = False
    cvss: tuple[str, str, float | None] = ("", "", None)  # v3 vector, v4 vector, v3 score


@dataclass(slots=True)
class _Run:
    tool: str
    rules: list[Any]
    extensions: list[list[Any]]
    by_id: dict[str, dict[str, Any]]
    bases: dict[str, Any]
    artifacts: list[Any]
    strings: dict[str, Any]
    target: str
    infos: dict[int, _RuleInfo] = field(default_factory=dict)
    paths: dict[tuple[str, str], str] = field(default_factory=dict)


def _run_context(run: dict[str, Any]) -> _Run:
    tool = _dict(run.get("tool"))
    driver = _dict(tool.get("driver"))
    rules = _list(driver.get("rules"))
    extensions = [_list(_dict(ext).get("rules")) for ext in _list(tool.get("extensions"))]
    by_id: dict[str, dict[str, Any]] = {}
    for rule in [r for ext in reversed(extensions) for r in ext] + list(reversed(rules)):
        if isinstance(rule, dict) and _str(rule.get("id")):
            by_id[_str(rule.get("id"))] = rule  # the driver's own rules win over extensions'
    props = _dict(run.get("properties"))
    provenance = _dict(next(iter(_list(run.get("versionControlProvenance"))), None))
    return _Run(
        tool=_str(driver.get("name")) or _str(driver.get("fullName")) or "SARIF",
        rules=rules,
        extensions=extensions,
        by_id=by_id,
        bases=_dict(run.get("originalUriBaseIds")),
        artifacts=_list(run.get("artifacts")),
        strings=_dict(driver.get("globalMessageStrings")),
        target=_str(props.get("imageName")) or _str(provenance.get("repositoryUri")),
    )


def _rule_for(result: dict[str, Any], run: _Run) -> dict[str, Any]:
    ref = _dict(result.get("rule"))
    index = _int(result.get("ruleIndex"))
    if index is None:
        index = _int(ref.get("index"))
    component = _int(_dict(ref.get("toolComponent")).get("index"))
    rules = run.extensions[component] if component is not None and 0 <= component < len(run.extensions) else run.rules
    if index is not None and 0 <= index < len(rules) and isinstance(rules[index], dict):
        return rules[index]
    rule_id = _str(result.get("ruleId")) or _str(ref.get("id"))
    return run.by_id.get(rule_id) or run.by_id.get(rule_id.split("/", 1)[0]) or {}


def _score_severity(value: Any) -> Severity:
    """security-severity: a CVSS-like number ("7.5", 9.8), though some tools write a word ("MEDIUM")."""
    if isinstance(value, bool) or value is None:
        return Severity.UNKNOWN
    if isinstance(value, int | float):
        return severity_from_score(float(value)) if 0 <= value <= 10 else Severity.UNKNOWN
    word = str(value).strip()
    try:
        score = float(word)
    except ValueError:
        return severity_from_word(word)
    return severity_from_score(score) if 0 <= score <= 10 else Severity.UNKNOWN


def _word_severity(props: dict[str, Any]) -> Severity:
    for key in ("severity", "problem.severity", "Severity", "impact"):
        severity = severity_from_word(props.get(key)) if isinstance(props.get(key), str) else Severity.UNKNOWN
        if severity is not Severity.UNKNOWN:
            return severity
    return Severity.UNKNOWN


def _cwes(*sources: Any) -> list[int]:
    found: list[int] = []
    for source in sources:
        for item in source if isinstance(source, list) else [source]:
            for match in _CWE.finditer(item if isinstance(item, str) else ""):
                number = int(match[1])
                if number not in found:
                    found.append(number)
    return found


def _taxa_cwes(entries: list[Any]) -> list[str]:
    """CWE ids from SARIF taxonomy references (rule ``relationships`` or result ``taxa``)."""
    out = []
    for entry in entries:
        entry = _dict(entry)
        target = _dict(entry.get("target")) or entry
        name = _str(_dict(target.get("toolComponent")).get("name"))
        if name.upper() == "CWE" and _str(target.get("id")):
            out.append(f"CWE-{_str(target.get('id'))}")
    return out


def _text_of(value: Any) -> str:
    value = _dict(value)
    return _str(value.get("text")) or _str(value.get("markdown"))


def _rule_info(rule: dict[str, Any], run: _Run) -> _RuleInfo:
    if not rule:
        return _NO_RULE
    cached = run.infos.get(id(rule))  # rules live as long as the log, so their ids are stable
    if cached is not None:
        return cached
    props = _dict(rule.get("properties"))
    full, help_text = _text_of(rule.get("fullDescription")), _text_of(rule.get("help"))
    level = _dict(rule.get("defaultConfiguration")).get("level")
    rule_id, name = _str(rule.get("id")), _str(rule.get("name"))
    info = _RuleInfo(
        short=_text_of(rule.get("shortDescription")) or _str(props.get("name")) or (name if name != rule_id else ""),
        description=_join(full, help_text),
        cwes=_cwes(
            props.get("tags"), props.get("cwe"), props.get("cwes"), _taxa_cwes(_list(rule.get("relationships")))
        ),
        references=[u for u in (_str(rule.get("helpUri")),) if u.startswith(("http://", "https://"))],
        security=_score_severity(props.get("security-severity")),
        level=severity_from_word(level) if isinstance(level, str) else Severity.UNKNOWN,
        word=_word_severity(props),
        is_vulnerability=bool(_VULN_ID.match(rule_id) or name.endswith("PackageVulnerability")),
        cvss=_cvss(props),
    )
    run.infos[id(rule)] = info
    return info


_NO_RULE = _RuleInfo()


def _message(message: Any, rule: dict[str, Any], run: _Run) -> str:
    message = _dict(message)
    body = _str(message.get("text")) or _str(message.get("markdown"))
    message_id = _str(message.get("id"))
    if not body and message_id:
        body = _text_of(_dict(rule.get("messageStrings")).get(message_id)) or _text_of(run.strings.get(message_id))
    arguments = _list(message.get("arguments"))
    if body and arguments:

        def argument(match: re.Match[str]) -> str:
            index = int(match[1])
            return text(arguments[index]) if index < len(arguments) else match[0]

        body = _PLACEHOLDER.sub(argument, body)
    return body


def _is_absolute(uri: str) -> bool:
    return uri.startswith("/") or bool(_SCHEME.match(uri))


def _resolve(uri: str, base_id: str, run: _Run) -> str:
    """The artifact path, joined to its uriBaseId chain while the bases are relative. An absolute base (a build
    root such as ``file:///home/runner/work/x/``) is left off: the path stays relative to the checkout."""
    parts = [uri]
    seen: set[str] = set()
    while base_id and base_id not in seen and not _is_absolute(parts[0]):
        seen.add(base_id)
        base = _dict(run.bases.get(base_id))
        base_uri = _str(base.get("uri"))
        if not base_uri or _is_absolute(base_uri):
            break
        parts.insert(0, base_uri if base_uri.endswith("/") else base_uri + "/")
        base_id = _str(base.get("uriBaseId"))
    path = "".join(parts)
    if path.lower().startswith("file:"):
        path = urlsplit(path).path
    return unquote(path)


def _location(result: dict[str, Any], run: _Run) -> tuple[str, int | None, str, str]:
    """(path, line, snippet, context snippet) of the first location."""
    location = _dict(next(iter(_list(result.get("locations"))), None))
    physical = _dict(location.get("physicalLocation"))
    artifact = _dict(physical.get("artifactLocation"))
    uri, base_id = _str(artifact.get("uri")), _str(artifact.get("uriBaseId"))
    index = _int(artifact.get("index"))
    if not uri and index is not None and 0 <= index < len(run.artifacts):
        listed = _dict(_dict(run.artifacts[index]).get("location"))
        uri, base_id = _str(listed.get("uri")), base_id or _str(listed.get("uriBaseId"))
    region = _dict(physical.get("region"))
    snippet = _text_of(region.get("snippet"))
    context = _text_of(_dict(physical.get("contextRegion")).get("snippet"))
    path = run.paths.get((uri, base_id)) if uri else ""
    if path is None:
        if len(run.paths) >= _PATHS_KEPT:  # a cache, not a record: a run of a million files must not keep them all
            run.paths.clear()
        path = run.paths[(uri, base_id)] = _resolve(uri, base_id, run)
    return path, _int(region.get("startLine")) or None, snippet, context


def _fingerprint(result: dict[str, Any], snippet: str, context: str) -> str:
    for key in ("fingerprints", "partialFingerprints"):
        stable = sorted(
            (name, value.strip())
            for name, value in _dict(result.get(key)).items()
            if isinstance(value, str) and value.strip() and name.lower() not in _POSITION_KEYS
        )
        if stable:
            return stable[0][1][:200]
    for code in (snippet, context):
        if code.strip():
            return hash_snippet(code)
    return _str(_dict(result.get("partialFingerprints")).get("primaryLocationLineHash"))[:200]


def _package(message: str, path: str, rule: _RuleInfo) -> tuple[str, str, str, str]:
    """(name, installed, fixed, purl) from Trivy's or Grype's message text."""
    ptype = _MANIFEST_TYPES.get(path.rsplit("/", 1)[-1].lower(), "")
    name_match, installed_match = _MSG_PACKAGE.search(message), _MSG_INSTALLED.search(message)
    fixed_match = _MSG_FIXED.search(message) or _MSG_FIXED.search(rule.description)
    name, installed = (name_match[1] if name_match else ""), (installed_match[1] if installed_match else "")
    grype = _GRYPE_AT.search(message)
    if not name and grype:
        name, installed, ptype = grype[1], grype[2], purl_type(grype[3] or "")[0] or ptype
    grype = None if name else _GRYPE_PKG.search(message)
    if grype:
        name, installed, ptype = grype[2], grype[3], purl_type(grype[1] or "")[0] or ptype
    if not ptype and "." in name.split("/", 1)[0] and "/" in name:
        ptype = "golang"  # a Go module path (golang.org/x/net) found in a binary
    fixed = fixed_match[1] if fixed_match else ""
    purl = build_purl(ptype, name, installed) if ptype and name else ""
    return name, installed, fixed, purl


def _cvss(props: dict[str, Any]) -> tuple[str, str, float | None]:
    """(v3 vector, v4 vector, v3 score) from whatever properties hold a ``CVSS:`` vector (Snyk, Grype, ...)."""
    v3 = v4 = ""
    for value in props.values():
        if isinstance(value, str) and value.startswith("CVSS:"):
            v3 = v3 or (value if _CVSS3.match(value) else "")
            v4 = v4 or (value if _CVSS4.match(value) else "")
    v3, score = v3_pair(v3, props.get("cvssv3_baseScore"))
    return v3, v4, score


def _severity(result: dict[str, Any], props: dict[str, Any], rule: _RuleInfo) -> Severity:
    """security-severity (result, then rule) says more than a level, which has no "critical"; then the result's
    level, the rule's default level, and severity words in properties."""
    severity = _score_severity(props.get("security-severity")) if props else Severity.UNKNOWN
    if severity is Severity.UNKNOWN:
        severity = rule.security
    if severity is Severity.UNKNOWN:
        level = result.get("level")
        severity = severity_from_word(level) if isinstance(level, str) else Severity.UNKNOWN
    for fallback in (rule.level, rule.word):
        if severity is Severity.UNKNOWN:
            severity = fallback
    if severity is Severity.UNKNOWN and props:
        severity = _word_severity(props)
    if severity is Severity.UNKNOWN:  # SARIF: no level at all means "warning" for a failure, "none" otherwise
        severity = Severity.MEDIUM if (_str(result.get("kind")) or "fail") == "fail" else Severity.INFO
    return severity


def _finding(result: dict[str, Any], run: _Run) -> ParsedFinding:
    rule = _rule_for(result, run)
    info = _rule_info(rule, run)
    rule_id = _str(result.get("ruleId")) or _str(_dict(result.get("rule")).get("id")) or _str(rule.get("id"))
    message = _message(result.get("message"), rule, run)
    path, line, snippet, context = _location(result, run)
    props = _dict(result.get("properties"))
    v3, v4, v3_score = _cvss(props) if props else ("", "", None)
    finding = ParsedFinding(
        title=info.short or _first_sentence(message) or rule_id or "SARIF result",
        tool=run.tool,
        kind=Kind.CODE,
        severity=_severity(result, props, info),
        vulnerability_id=rule_id,
        cvss_v3_vector=v3 or info.cvss[0],
        cvss_v3_score=info.cvss[2] if v3_score is None else v3_score,
        cvss_v4_vector=v4 or info.cvss[1],
        cwes=_result_cwes(result, props, info),
        file_path=path,
        line=line,
        rule_id=rule_id,
        code_fingerprint=_fingerprint(result, snippet, context),
        description=_join(message, info.description),
        references=list(dict.fromkeys([*info.references, *_LINK.findall(message)]))
        if "](" in message
        else list(info.references),
        target=run.target,
    )
    vuln = _VULN_ID.match(rule_id) or (_VULN_ID.search(rule_id) if info.is_vulnerability else None)
    if vuln or info.is_vulnerability:
        _as_dependency(finding, vuln[1] if vuln else rule_id, message, info)
    return finding


def _join(*parts: str) -> str:
    """Texts in order, without empty or repeated ones, a blank line apart."""
    return "\n\n".join(dict.fromkeys(p for p in parts if p))


def _result_cwes(result: dict[str, Any], props: dict[str, Any], info: _RuleInfo) -> list[int]:
    taxa = result.get("taxa")
    if not taxa and not (props and props.get("tags")):
        return list(info.cwes)
    extra = _cwes(props.get("tags"), _taxa_cwes(_list(taxa)))
    return info.cwes + [c for c in extra if c not in info.cwes]


def _as_dependency(finding: ParsedFinding, vuln_id: str, message: str, info: _RuleInfo) -> None:
    name, installed, fixed, purl = _package(message, finding.file_path, info)
    finding.kind = Kind.DEPENDENCY
    finding.vulnerability_id = vuln_id.upper() if vuln_id.upper().startswith("CVE") else vuln_id
    finding.package_name, finding.installed_version, finding.fixed_version, finding.package_purl = (
        name,
        installed,
        fixed,
        purl,
    )
    finding.code_fingerprint = ""
    summary = info.short if info.short and info.short != finding.vulnerability_id else ""
    head = f"{finding.vulnerability_id} in {name}" if name else finding.vulnerability_id
    finding.title = f"{head}: {summary}" if summary else head


_PATHS_KEPT = 50_000
_HOLD_FOR_BASES = 2_000
_CONTEXT_KEYS = frozenset({"tool", "originalUriBaseIds", "artifacts", "properties", "versionControlProvenance"})


def _findings(results: list[tuple[int, Any]], run: _Run, where: str, seen: _Repeats) -> Iterator[Parsed]:
    for index, result in results:
        expect(isinstance(result, dict), FORMAT, "expected a result object", f"{where}[{index}]")
        if _str(result.get("kind")) in ("pass", "notApplicable"):
            continue  # the rule was checked and nothing is wrong
        finding = _finding(result, run)
        _number_repeats(finding, seen)
        yield finding


def _waits(result: Any, run: dict[str, Any], held: int) -> bool:
    """True when the result's first location needs a part of the run not read yet: an artifact by index before
    ``artifacts``, or a base id before ``originalUriBaseIds`` (a relative base changes the path, so the identity).
    Base ids are waited for only while fewer than _HOLD_FOR_BASES results are held: many logs name ``%SRCROOT%``
    and never define it, and a gigabyte of them must still stream (beyond that, bases that come after their
    results are not applied)."""
    if not isinstance(result, dict):
        return False
    location = _dict(next(iter(_list(result.get("locations"))), None))
    artifact = _dict(_dict(location.get("physicalLocation")).get("artifactLocation"))
    if "artifacts" not in run and _int(artifact.get("index")) is not None and not _str(artifact.get("uri")):
        return True
    return "originalUriBaseIds" not in run and held < _HOLD_FOR_BASES and bool(_str(artifact.get("uriBaseId")))


def _run(stream: JsonStream, where: str, seen: _Repeats) -> Iterator[Parsed]:
    """One run. Its results are streamed when the run's tool came before them (the SARIF spec's order, CodeQL's);
    when they come first (Go's and Semgrep's sorted keys), or need a part of the run that comes after them, they
    are held until the run's end, so every result is read with the whole run's rules, bases and artifacts."""
    expect(stream.kind() == "object", FORMAT, "expected a run object", where)
    run: dict[str, Any] = {}
    held: list[tuple[int, Any]] = []
    for key in stream.members():
        if key != "results":
            if key in _CONTEXT_KEYS:
                run[key] = stream.value()
            else:
                stream.skip()
            continue
        if stream.kind() != "array":
            expect(not stream.value(), FORMAT, '"results" must be a list', f"{where}.results")
            continue
        context = _run_context(run) if "tool" in run else None
        for index in stream.elements():
            result = stream.value()
            if context is None or _waits(result, run, len(held)):
                held.append((index, result))
            else:
                yield from _findings([(index, result)], context, f"{where}.results", seen)
    if held:
        yield from _findings(held, _run_context(run), f"{where}.results", seen)


def parse(source: BinaryIO) -> Iterator[Parsed]:
    stream = JsonStream(source, FORMAT)
    if stream.empty():
        return
    kind = stream.kind()
    expect(kind == "object", FORMAT, 'expected a SARIF log: an object with "runs"', "$")
    keys = 0
    has_runs = False
    seen = _Repeats()
    for key in stream.members():
        keys += 1
        if key != "runs":
            stream.skip()
            continue
        has_runs = True
        runs = stream.kind()
        if runs == "null":  # allowed by the spec: the tool failed before it ran anything
            stream.value()
            continue
        expect(runs == "array", FORMAT, '"runs" must be a list', "$.runs")
        for run_index in stream.elements():
            yield from _run(stream, f"$.runs[{run_index}]", seen)
    stream.end()
    expect(has_runs or not keys, FORMAT, 'expected a SARIF log: an object with "runs"', "$")


@dataclass(slots=True)
class _Repeats:
    """(rule, file, code) seen so far in the log, and how often those seen more than once were."""

    seen: KeySet = field(default_factory=KeySet)
    counts: dict[int, int] = field(default_factory=dict)


def _number_repeats(finding: ParsedFinding, repeats: _Repeats) -> None:
    """Two results of one rule on the same code in one file (two identical lines) stay two findings. Keyed by 96
    bits of a digest in a KeySet, so that millions of results do not keep millions of paths alive."""
    if not finding.code_fingerprint:
        return
    parts = (finding.rule_id, finding.file_path, finding.code_fingerprint)
    key = key_of(hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest())
    if repeats.seen.add(key):
        return
    count = repeats.counts.get(key, 1)
    repeats.counts[key] = count + 1
    finding.code_fingerprint = f"{finding.code_fingerprint}:{count}"


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="SARIF 2.1.0 (any tool)", sniff=sniff, parse=parse)]
