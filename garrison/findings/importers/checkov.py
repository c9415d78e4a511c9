"""Checkov JSON (``checkov -o json``): one report object ``{"check_type", "results": {"failed_checks": [...],
"passed_checks", "skipped_checks", "parsing_errors"}, "summary"}``, or a list of them (one per framework), or
only a summary when there was nothing to scan. Every failed check is a finding; passed and skipped ones are not.

Kind ``code`` (IaC misconfiguration); a failed check carrying ``vulnerability_details`` with a CVE or GHSA id
(``sca_package`` scans) is a ``dependency`` finding. Identity of a code finding: the check id, the file and a hash
of the resource address (``aws_s3_bucket.logs``): editing the resource does not make it a new finding, while the
same check failing on two resources of one file is two findings. Checkov without a platform key reports no
severity: those findings are ``unknown``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedFinding,
    Severity,
    expect,
    hash_snippet,
    load_json,
    severity_from_word,
)
from garrison.findings.importers.purls import purl_for
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import v3_pair

FORMAT = "checkov"
TOOL = "checkov"

_CHECK_TYPE = re.compile(rb'"check_type"\s*:\s*"')
_CHECKOV = re.compile(rb'"checkov_version"\s*:|"check_result"\s*:\s*\{\s*"result"')
_VULN_ID = re.compile(r"^(?:CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})$", re.IGNORECASE)
_CWE = re.compile(r"(?i)\bcwe[-_:/ ]*0*(\d{1,5})\b")

# The manifest a dependency was found in names its ecosystem.
_MANIFEST_ECOSYSTEMS = {
    "requirements.txt": "pypi",
    "pipfile": "pypi",
    "pipfile.lock": "pypi",
    "poetry.lock": "pypi",
    "setup.py": "pypi",
    "pyproject.toml": "pypi",
    "package.json": "npm",
    "package-lock.json": "npm",
    "yarn.lock": "npm",
    "go.mod": "go",
    "go.sum": "go",
    "pom.xml": "maven",
    "build.gradle": "maven",
    "gemfile": "gem",
    "gemfile.lock": "gem",
    "cargo.lock": "cargo",
    "composer.json": "composer",
    "composer.lock": "composer",
}


def sniff(head: bytes) -> bool:
    return bool(_CHECK_TYPE.search(head) or _CHECKOV.search(head))


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    """A line number: a positive int (or digits) that fits the database, else None."""
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    return None


def _reports(document: Any) -> list[tuple[str, Any]]:
    """(JSON path, report) for each framework's report."""
    if isinstance(document, list):
        return [(f"$[{i}]", report) for i, report in enumerate(document)]
    expect(isinstance(document, dict), FORMAT, 'expected a Checkov report: an object with "results" or a list', "$")
    return [("$", document)]


def _failed_checks(where: str, report: Any) -> list[Any]:
    expect(isinstance(report, dict), FORMAT, "expected a Checkov report object", where)
    results = report.get("results")
    if results is None:
        known = any(key in report for key in ("summary", "checkov_version", "check_type", "passed", "failed"))
        expect(known, FORMAT, 'expected a Checkov report: an object with "results"', where)
        return []
    expect(isinstance(results, dict), FORMAT, '"results" must be an object', f"{where}.results")
    failed = results.get("failed_checks")
    if failed is None:
        return []
    expect(isinstance(failed, list), FORMAT, '"failed_checks" must be a list', f"{where}.results.failed_checks")
    return failed


def _code(block: Any) -> str:
    """The resource's source from ``code_block``: ``[[line, "text\\n"], ...]``."""
    if not isinstance(block, list):
        return ""
    rows = [row[1] for row in block if isinstance(row, list) and len(row) > 1 and isinstance(row[1], str)]
    return "".join(rows)


def _fingerprint(check: dict[str, Any]) -> str:
    resource = _str(check.get("resource_address")) or _str(check.get("resource"))
    if resource:
        return hashlib.sha256(f"resource:{resource}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    code = _code(check.get("code_block"))
    return hash_snippet(code) if code.strip() else ""


def _description(check: dict[str, Any], check_type: str) -> str:
    parts = [_str(check.get("description")) or _str(check.get("short_description"))]
    evaluated = check.get("check_result")
    keys = evaluated.get("evaluated_keys") if isinstance(evaluated, dict) else None
    facts = [
        ("Framework", check_type),
        ("Resource", _str(check.get("resource"))),
        ("Check", " ".join(p for p in (_str(check.get("check_id")), _str(check.get("bc_check_id"))) if p)),
        ("Category", _str(check.get("bc_category"))),
        ("Evaluated keys", ", ".join(k for k in keys if isinstance(k, str)) if isinstance(keys, list) else ""),
    ]
    parts.append("\n".join(f"{label}: {value}" for label, value in facts if value))
    return "\n\n".join(p for p in parts if p)


def _finding(check: dict[str, Any], check_type: str) -> ParsedFinding:
    check_id = _str(check.get("check_id"))
    name = _str(check.get("check_name"))
    resource = _str(check.get("resource"))
    lines = check.get("file_line_range")
    path = _str(check.get("file_path")) or _str(check.get("repo_file_path")) or _str(check.get("file_abs_path"))
    finding = ParsedFinding(
        title=f"{name or check_id or 'Checkov check failed'}" + (f" ({resource})" if resource else ""),
        tool=TOOL,
        kind=Kind.CODE,
        severity=severity_from_word(check.get("severity")),
        vulnerability_id=check_id,
        cwes=[int(m[1]) for m in _CWE.finditer(" ".join(str(c) for c in _listed(check.get("cwe"))))],
        file_path=path,
        line=_int(lines[0]) if isinstance(lines, list) and lines else None,
        rule_id=check_id,
        code_fingerprint=_fingerprint(check),
        description=_description(check, check_type),
        references=[u for u in (_str(check.get("guideline")),) if u.startswith(("http://", "https://"))],
    )
    details = check.get("vulnerability_details")
    if isinstance(details, dict) and _VULN_ID.match(_str(details.get("id"))):
        _as_dependency(finding, details)
    return finding


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if isinstance(value, str | int) else []


def _as_dependency(finding: ParsedFinding, details: dict[str, Any]) -> None:
    """An SCA result (``check_type: sca_package``): the package, its versions and the CVE."""
    vuln_id = _str(details.get("id"))
    name, version = _str(details.get("package_name")), _str(details.get("package_version"))
    fixed = _str(details.get("lowest_fixed_version"))
    if not fixed and isinstance(details.get("fixed_versions"), list):
        fixed = ", ".join(v for v in (_str(x) for x in details["fixed_versions"]) if v)
    ecosystem = _MANIFEST_ECOSYSTEMS.get(finding.file_path.rsplit("/", 1)[-1].lower(), "")
    vector, score = v3_pair(details.get("vector"), details.get("cvss"))
    finding.kind = Kind.DEPENDENCY
    finding.vulnerability_id = vuln_id.upper() if vuln_id.upper().startswith("CVE") else vuln_id
    finding.title = f"{finding.vulnerability_id} in {name} {version}".strip()
    finding.package_name, finding.installed_version, finding.fixed_version = name, version, fixed
    finding.package_purl = purl_for(ecosystem, name, version) if ecosystem and name else ""
    finding.cvss_v3_vector, finding.cvss_v3_score = vector, score
    finding.code_fingerprint = ""
    severity = severity_from_word(details.get("severity"))
    finding.severity = severity if finding.severity is Severity.UNKNOWN else finding.severity
    description, link = _str(details.get("description")), _str(details.get("link"))
    finding.description = "\n\n".join(p for p in (description, finding.description) if p)
    if link.startswith(("http://", "https://")):
        finding.references.insert(0, link)


def parse(source: BinaryIO) -> Iterator[Parsed]:
    document = load_json(source, FORMAT)
    if document is None or document == {} or document == []:
        return
    for where, report in _reports(document):
        check_type = _str(report.get("check_type")) if isinstance(report, dict) else ""
        for index, check in enumerate(_failed_checks(where, report)):
            expect(
                isinstance(check, dict), FORMAT, "expected a check object", f"{where}.results.failed_checks[{index}]"
            )
            yield _finding(check, check_type)


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="Checkov JSON", sniff=sniff, parse=parse)]
