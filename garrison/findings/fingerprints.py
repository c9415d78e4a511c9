"""A finding's identity: what stays the same when a scan is run again (docs/adr/0006-finding-identity.md).

Never the line number, never the tool. Pure functions: no ORM, no I/O.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from garrison.findings.importers.base import Kind, ParsedFinding

_CVE = re.compile(r"^CVE-(\d{4})-(\d{4,})$", re.IGNORECASE)
_GHSA = re.compile(r"^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$", re.IGNORECASE)

# purl types whose namespace and name compare without case (purl spec, "Known purl types").
_CASE_INSENSITIVE_TYPES = frozenset({"pypi", "npm", "golang", "gem", "cargo", "github", "bitbucket", "hex"})
_PEP503 = re.compile(r"[-_.]+")
_VERSION_AT = re.compile(r"(?<=[^/])@")

# Where CI systems and containers check code out: a path under one of these is the same file on every machine.
_BUILD_ROOTS = [
    re.compile(r"^/home/runner/work/[^/]+/[^/]+/"),  # GitHub Actions
    re.compile(r"^/github/workspace/"),  # GitHub Actions in a container
    re.compile(r"^/builds/(?:[^/]+/)+?[^/]+/(?=.)"),  # GitLab: /builds/<group>/<project>/
    re.compile(r"^/(?:var/lib/)?jenkins/workspace/[^/]+/"),  # Jenkins
    re.compile(r"^/bitbucket/pipelines/agent/build/"),
    re.compile(r"^/(?:workspace|workdir|src|app|code|project|repo)/"),  # conventional container mounts
    re.compile(r"^/tmp/[^/]+/"),
    re.compile(r"^[a-z]:/", re.IGNORECASE),  # a Windows drive letter
]
_DIGITS = re.compile(r"\d+")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_NUMERIC = re.compile(r"^\d+$")

DECISION_KEY_MAX = 600


def _cve_order(vid: str) -> tuple[int, int] | None:
    match = _CVE.match(vid)
    return (int(match[1]), int(match[2])) if match else None


def canonical_vulnerability_id(vid: str, aliases: list[str] | tuple[str, ...] = ()) -> str:
    """The lowest CVE among the id and its aliases, else the lowest GHSA, else the id itself (stripped)."""
    ids = [i.strip() for i in (vid, *aliases) if i and i.strip()]
    cves = [(order, i.upper()) for i in ids if (order := _cve_order(i)) is not None]
    if cves:
        return min(cves)[1]
    ghsas = sorted("GHSA" + i[4:].lower() for i in ids if _GHSA.match(i))
    if ghsas:
        return ghsas[0]
    return vid.strip()


# Pure functions of short strings that a large report repeats (the same package in many findings, the same
# file in many results): cached, so a 100,000-finding import normalises each distinct value once.
_CACHE = 65536


def package_key(purl: str, name: str = "") -> str:
    """The package URL without version, qualifiers or subpath; type, and for case-insensitive ecosystems the
    namespace and name, lower-cased (PyPI names also PEP 503-normalised). Without a purl: the package name.
    The version is cut here, before the cache: a report names many versions of few packages."""
    purl = purl.strip()
    if purl[:4].lower() != "pkg:":
        return name.strip().lower() if not purl else purl.lower()
    ptype, _, rest = purl.split("#", 1)[0].split("?", 1)[0][4:].lstrip("/").partition("/")
    version = _VERSION_AT.search(rest)  # the first "@" that does not start a segment (npm scopes do)
    return _versionless_key(f"pkg:{ptype}/{rest[: version.start()] if version else rest}")


@lru_cache(maxsize=_CACHE)
def _versionless_key(purl: str) -> str:
    ptype, _, rest = purl[4:].lstrip("/").partition("/")
    ptype = ptype.lower()
    parts = [unquote(p) for p in rest.strip("/").split("/") if p]
    if not parts:
        return f"pkg:{ptype}"
    if ptype in _CASE_INSENSITIVE_TYPES:
        parts = [p.lower() for p in parts]
    if ptype == "pypi":
        parts[-1] = _PEP503.sub("-", parts[-1])
    return f"pkg:{ptype}/" + "/".join(quote(p, safe="") for p in parts)


@lru_cache(maxsize=_CACHE)
def normalise_path(path: str) -> str:
    """A path that names the same file on every build machine and in every build: ``\\`` to ``/``, no scheme,
    no leading ``./`` or build root, and digit runs in directory names (not the file name) replaced by ``#``."""
    path = path.strip().replace("\\", "/")
    if path.lower().startswith("file://"):
        path = unquote(path[7:])
        if path[:1] != "/":  # file://host/path
            path = "/" + path.split("/", 1)[-1]
    path = re.sub(r"/{2,}", "/", path)
    for root in _BUILD_ROOTS:
        stripped = root.sub("", path, count=1)
        if stripped != path:
            path = stripped
            break
    while path.startswith("./"):
        path = path[2:]
    segments = [s for s in path.lstrip("/").split("/") if s not in ("", ".")]
    if not segments:
        return ""
    dirs = [_DIGITS.sub("#", s) for s in segments[:-1]]
    return "/".join([*dirs, segments[-1]])


def endpoint_template(url: str) -> str:
    """scheme://host/path with numeric and UUID segments as ``{id}``; no query, no fragment."""
    raw = url.strip()
    parts = urlsplit(raw if "://" in raw else f"//{raw}" if raw and not raw.startswith("/") else raw)
    host = (parts.hostname or "").lower()
    if parts.port is not None and (parts.scheme.lower(), parts.port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{parts.port}"
    segments = ["{id}" if _NUMERIC.match(s) or _UUID.match(s) else s for s in parts.path.split("/") if s]
    path = "/" + "/".join(segments)
    scheme = parts.scheme.lower()
    return f"{scheme}://{host}{path}" if scheme or host else path


def _digest(*fields: str) -> str:
    return hashlib.sha256("\x1f".join(fields).encode("utf-8", "surrogatepass")).hexdigest()


def _identity(f: ParsedFinding) -> tuple[str, ...]:
    rule = f.rule_id.strip() or f.vulnerability_id.strip()
    kind = Kind(f.kind)
    if kind is Kind.CODE:
        return (rule, normalise_path(f.file_path), f.code_fingerprint.strip() or f"title:{f.title.strip()}")
    if kind is Kind.SECRET:
        return (rule, normalise_path(f.file_path), f.secret_hash or f.code_fingerprint or f"title:{f.title.strip()}")
    if kind is Kind.DAST:
        return (rule, endpoint_template(f.endpoint), f.parameter.strip())
    return (
        canonical_vulnerability_id(f.vulnerability_id, f.aliases),
        package_key(f.package_purl, f.package_name),
        rule,
        normalise_path(f.file_path),
        f.title.strip(),
    )


def fingerprint(f: ParsedFinding) -> tuple[str, str]:
    """(SHA-256 hex of the finding's identity, the key a triage decision about it is stored under)."""
    kind = Kind(f.kind)
    if kind is Kind.DEPENDENCY:
        vid = canonical_vulnerability_id(f.vulnerability_id, f.aliases) or f"title:{f.title.strip()}"
        pkg = package_key(f.package_purl, f.package_name)
        digest = _digest(kind.value, vid, pkg)
        key = f"dep:{vid}|{pkg}"
        return digest, key if len(key) <= DECISION_KEY_MAX else f"fp:{digest}"
    digest = _digest(kind.value, *_identity(f))
    return digest, f"fp:{digest}"
