"""GitHub Dependabot alerts. GraphQL responses (``data.repository.vulnerabilityAlerts.nodes``, or a search over
repositories with ``vulnerabilityAlerts`` on each) whose nodes carry ``securityVulnerability {package,
severity, advisory {...}}``, and the REST API alert list (``[{number, state, dependency, security_advisory,
security_vulnerability}]``). Alerts GitHub marks fixed are not findings; dismissed ones are, with the reason."""

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
    load_json,
    severity_from_score,
    severity_from_word,
    text,
)
from garrison.findings.importers.purls import build_purl, purl_type
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import cvss4_vector, cwe_numbers, v3_pair, v4_pair

FORMAT = "github-dependabot"
TOOL = "GitHub Dependabot"

_GRAPHQL = re.compile(rb'"vulnerabilityAlerts"\s*:')
_REST_ADVISORY = re.compile(rb'"security_advisory"\s*:\s*\{')
_REST_COMPANION = re.compile(rb'"(?:security_vulnerability|dependency)"\s*:\s*\{')
_GHSA = re.compile(r"^GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}$", re.IGNORECASE)
_EXACT = re.compile(r"^\s*={1,2}\s*v?([^\s,<>=|]+)\s*$")

# GitHub ecosystem names that purls.purl_type does not know.
_ECOSYSTEMS = {"erlang": "hex", "actions": "githubactions"}
# GraphQL queries often leave out package.ecosystem; the manifest file says it.
_MANIFEST_ECOSYSTEMS = (
    (re.compile(r"(?:^|/)(?:pom\.xml|build\.gradle(?:\.kts)?|gradle\.lockfile)$"), "maven"),
    (re.compile(r"(?:^|/)(?:package(?:-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml)$"), "npm"),
    (
        re.compile(
            r"(?:^|/)(?:[^/]*requirements[^/]*\.(?:txt|in)|Pipfile(?:\.lock)?|poetry\.lock|pyproject\.toml|"
            r"setup\.py|uv\.lock)$"
        ),
        "pip",
    ),
    (re.compile(r"(?:^|/)(?:Gemfile(?:\.lock)?|[^/]+\.gemspec)$"), "rubygems"),
    (re.compile(r"(?:^|/)go\.(?:mod|sum)$"), "go"),
    (re.compile(r"(?:^|/)composer\.(?:json|lock)$"), "composer"),
    (re.compile(r"(?:^|/)Cargo\.(?:toml|lock)$"), "rust"),
    (re.compile(r"(?:\.csproj|\.vbproj|\.fsproj|packages\.config|packages\.lock\.json)$"), "nuget"),
)
_MAX_SEARCH_DEPTH = 6


def sniff(head: bytes) -> bool:
    return bool(_GRAPHQL.search(head) or (_REST_ADVISORY.search(head) and _REST_COMPANION.search(head)))


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _nodes(connection: Any) -> list[Any]:
    """GraphQL connection items: ``nodes`` or ``edges[].node``."""
    if isinstance(connection, list):
        return connection
    nodes = _get(connection, "nodes")
    if isinstance(nodes, list):
        return nodes
    edges = _get(connection, "edges")
    return [_get(edge, "node") for edge in edges] if isinstance(edges, list) else []


def _graphql_alerts(value: Any, repository: str, depth: int = 0) -> Iterator[tuple[dict[str, Any], str]]:
    """Every alert node under any ``vulnerabilityAlerts`` connection, with its repository's name."""
    if depth > _MAX_SEARCH_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _graphql_alerts(item, repository, depth + 1)
        return
    if not isinstance(value, dict):
        return
    repository = text(value.get("nameWithOwner") or value.get("name")) or repository
    for key, child in value.items():
        if key == "vulnerabilityAlerts":
            yield from ((node, repository) for node in _nodes(child) if isinstance(node, dict))
        elif isinstance(child, dict | list):
            yield from _graphql_alerts(child, repository, depth + 1)


def _purl(ecosystem: str, name: str, version: str) -> str:
    ptype = purl_type(ecosystem)[0] or _ECOSYSTEMS.get(ecosystem.strip().lower(), "")
    if ptype == "githubactions" and "/" in name:  # "actions/checkout": owner is the namespace
        owner, _, repo = name.partition("/")
        return build_purl(ptype, repo, version, owner)
    return build_purl(ptype, name, version)


def _cvss(advisory: dict[str, Any]) -> tuple[str, float | None, str, float | None]:
    """(v3 vector, v3 score, v4 vector, v4 score) from ``cvss`` and ``cvssSeverities`` (either spelling)."""
    v3: tuple[str, float | None] = ("", None)
    v4: tuple[str, float | None] = ("", None)
    blocks = [
        _get(advisory, "cvssSeverities", "cvssV4"),
        _get(advisory, "cvss_severities", "cvss_v4"),
        _get(advisory, "cvssSeverities", "cvssV3"),
        _get(advisory, "cvss_severities", "cvss_v3"),
        _get(advisory, "cvss"),
    ]
    for block in blocks:
        vector, value = _get(block, "vectorString") or _get(block, "vector_string"), _get(block, "score")
        if cvss4_vector(vector):
            v4 = v4 if v4[0] else v4_pair(vector, value)
        elif not v3[0]:
            pair = v3_pair(vector, value)
            v3 = pair if pair[0] else v3
    return v3[0], v3[1], v4[0], v4[1]


def _ids(advisory: dict[str, Any], fallback: str) -> tuple[str, list[str]]:
    """(main id: the GHSA when there is one, other ids)."""
    ids = [text(advisory.get("ghsaId") or advisory.get("ghsa_id")), text(advisory.get("cve_id"))]
    identifiers = advisory.get("identifiers")
    for item in identifiers if isinstance(identifiers, list) else []:
        ids.append(text(_get(item, "value")))
    ids = list(dict.fromkeys(i for i in ids if i))
    main = next((i for i in ids if _GHSA.match(i)), ids[0] if ids else fallback)
    return main, [i for i in ids if i != main]


def _cwes(advisory: dict[str, Any]) -> list[int]:
    raw = _nodes(advisory.get("cwes"))
    return cwe_numbers([text(_get(c, "cweId") or _get(c, "cwe_id")) if isinstance(c, dict) else c for c in raw])


def _references(advisory: dict[str, Any], alert: dict[str, Any]) -> list[str]:
    refs = advisory.get("references")
    urls = [text(_get(r, "url")) if isinstance(r, dict) else text(r) for r in refs] if isinstance(refs, list) else []
    urls += [text(advisory.get("permalink") or advisory.get("html_url")), text(alert.get("html_url"))]
    return list(dict.fromkeys(u for u in urls if u.startswith(("http://", "https://"))))


def _status(alert: dict[str, Any]) -> tuple[bool, str]:
    """(fixed on GitHub, a sentence about a dismissal)."""
    state = text(alert.get("state")).lower()
    if state == "fixed" or alert.get("fixedAt") or alert.get("fixed_at"):
        return True, ""
    if state in {"dismissed", "auto_dismissed"} or alert.get("dismissedAt") or alert.get("dismissed_at"):
        reason = text(alert.get("dismissReason") or alert.get("dismissed_reason"))
        comment = text(alert.get("dismissComment") or alert.get("dismissed_comment"))
        detail = ": ".join(p for p in (reason, comment) if p)
        return False, f"Dismissed on GitHub{f' ({detail})' if detail else ''}."
    return False, ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _package(alert: dict[str, Any], vulnerability: dict[str, Any]) -> tuple[str, str, str, str]:
    """(name, purl, installed version or the manifest requirement, manifest path)."""
    package = vulnerability.get("package") or _get(alert, "dependency", "package") or {}
    name, ecosystem = text(_get(package, "name")), text(_get(package, "ecosystem"))
    manifest = text(alert.get("vulnerableManifestPath") or _get(alert, "dependency", "manifest_path"))
    if not ecosystem:
        ecosystem = next((eco for pattern, eco in _MANIFEST_ECOSYSTEMS if pattern.search(manifest)), "")
    requirement = text(alert.get("vulnerableRequirements"))  # "= 4.17.15" pins the installed version
    exact = _EXACT.match(requirement)
    version = exact[1] if exact else ""
    return name, _purl(ecosystem, name, version), version or requirement, manifest


def _finding(alert: dict[str, Any], repository: str) -> ParsedFinding | None:
    fixed_on_github, dismissal = _status(alert)
    if fixed_on_github:
        return None
    vulnerability = _dict(alert.get("securityVulnerability") or alert.get("security_vulnerability"))
    advisory = _dict(vulnerability.get("advisory") or alert.get("securityAdvisory") or alert.get("security_advisory"))
    name, purl, installed, manifest = _package(alert, vulnerability)
    requirement = text(alert.get("vulnerableRequirements"))
    vid, aliases = _ids(advisory, text(alert.get("id") or alert.get("number")))
    v3_vector, v3_score, v4_vector, v4_score = _cvss(advisory)
    severity = severity_from_word(vulnerability.get("severity") or advisory.get("severity"))
    if severity is Severity.UNKNOWN:
        severity = severity_from_score(v4_score if v4_score is not None else v3_score)
    patched = vulnerability.get("firstPatchedVersion") or vulnerability.get("first_patched_version")
    vulnerable = text(vulnerability.get("vulnerableVersionRange") or vulnerability.get("vulnerable_version_range"))
    lines = [
        text(advisory.get("description")),
        f"Vulnerable versions: {vulnerable}." if vulnerable else "",
        f"Requirement in the manifest: {installed}." if installed and not _EXACT.match(requirement) else "",
        dismissal,
    ]
    return ParsedFinding(
        title=text(advisory.get("summary")) or f"{vid} in {name}",
        tool=TOOL,
        kind=Kind.DEPENDENCY,
        severity=severity,
        vulnerability_id=vid,
        aliases=aliases,
        cvss_v3_vector=v3_vector,
        cvss_v3_score=v3_score,
        cvss_v4_vector=v4_vector,
        cvss_v4_score=v4_score,
        cwes=_cwes(advisory),
        package_name=name,
        package_purl=purl,
        installed_version=installed,
        fixed_version=text(_get(patched, "identifier")),
        file_path=manifest,
        description="\n\n".join(line for line in lines if line),
        references=_references(advisory, alert),
        target=repository or text(_get(alert, "repository", "full_name")),
    )


_ALERT_KEYS = ("securityVulnerability", "security_vulnerability", "security_advisory", "securityAdvisory")


def _alerts(data: Any) -> Iterator[tuple[dict[str, Any], str]]:
    if isinstance(data, list):  # the REST list, a list of GraphQL alert nodes, or several GraphQL pages
        for index, item in enumerate(data):
            expect(isinstance(item, dict), FORMAT, "expected an alert object", f"$[{index}]")
            if any(key in item for key in _ALERT_KEYS):
                yield item, ""
            elif "data" in item or "vulnerabilityAlerts" in item:
                yield from _graphql_alerts(item, "")
            else:
                expect(False, FORMAT, 'expected an alert with "security_advisory" or "securityVulnerability"',
                       f"$[{index}]")  # fmt: skip
        return
    expect(isinstance(data, dict), FORMAT, 'expected a GraphQL response with "data" or a list of alerts', "$")
    errors = data.get("errors")
    if isinstance(errors, list) and errors and not data.get("data"):
        message = text(_get(errors[0], "message")) if isinstance(errors[0], dict) else text(errors[0])
        expect(False, FORMAT, f"GitHub returned an error instead of alerts: {message}", "$.errors")
    if any(key in data for key in _ALERT_KEYS):  # a single REST alert
        yield data, ""
        return
    expect("data" in data or "vulnerabilityAlerts" in data, FORMAT, 'expected a GraphQL response with "data"', "$")
    yield from _graphql_alerts(data, "")


def parse(source: BinaryIO) -> Iterator[Parsed]:
    data = load_json(source, FORMAT)
    if data is None or data in ([], {}):
        return
    for alert, repository in _alerts(data):
        finding = _finding(alert, repository)
        if finding is not None:
            yield finding


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="GitHub Dependabot alerts JSON", sniff=sniff, parse=parse)]
