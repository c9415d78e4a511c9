"""Package ecosystems: how a package URL (purl) type is named in OSV, where CVE 5 says its packages are collected,
and which version scheme CVE 5 compares with. One table, read both ways (exporters and importers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from packageurl import PackageURL


@dataclass(frozen=True)
class Ecosystem:
    purl_type: str
    osv: str  # the OSV ecosystem name
    collection_url: str  # CVE 5 affected[].collectionURL
    version_type: str  # CVE 5 versions[].versionType
    semver: bool  # versions are semantic versions (OSV SEMVER ranges)


ECOSYSTEMS: dict[str, Ecosystem] = {
    e.purl_type: e
    for e in (
        Ecosystem("pypi", "PyPI", "https://pypi.python.org", "python", False),
        Ecosystem("npm", "npm", "https://registry.npmjs.org", "semver", True),
        Ecosystem("maven", "Maven", "https://repo.maven.apache.org/maven2", "maven", False),
        Ecosystem("golang", "Go", "https://pkg.go.dev", "semver", True),
        Ecosystem("cargo", "crates.io", "https://crates.io", "semver", True),
        Ecosystem("gem", "RubyGems", "https://rubygems.org", "gem", False),
        Ecosystem("nuget", "NuGet", "https://nuget.org/packages", "nuget", False),
        Ecosystem("composer", "Packagist", "https://packagist.org", "composer", False),
        Ecosystem("hex", "Hex", "https://repo.hex.pm", "semver", True),
        Ecosystem("pub", "Pub", "https://pub.dev", "semver", True),
        Ecosystem("hackage", "Hackage", "https://hackage.haskell.org", "custom", False),
        Ecosystem("cran", "CRAN", "https://cran.r-project.org", "custom", False),
        Ecosystem("swift", "SwiftURL", "https://github.com", "semver", True),
        Ecosystem("githubactions", "GitHub Actions", "https://github.com", "semver", False),
    )
}
BY_OSV: dict[str, Ecosystem] = {e.osv: e for e in ECOSYSTEMS.values()}
BY_COLLECTION: dict[str, Ecosystem] = {e.collection_url: e for e in ECOSYSTEMS.values() if e.purl_type != "swift"}

# Maven names are group:artifact; the others join namespace and name with "/".
_NAME_SEPARATOR = {"maven": ":"}

SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def is_semver(version: str) -> bool:
    return bool(SEMVER.match(version))


def package_name(purl: PackageURL, spelled: str = "") -> str:
    """The package's name as its ecosystem writes it: ``org.example:lib`` (Maven), ``@scope/pkg`` (npm),
    ``github.com/org/mod`` (Go), ``vendor/pkg`` (Packagist), else the purl name. ``spelled`` (a component name)
    is used instead when it is the same name in another case or spelling (purls normalise ``Pillow`` to
    ``pillow``)."""
    name = purl.name
    if purl.namespace:
        name = f"{purl.namespace}{_NAME_SEPARATOR.get(purl.type, '/')}{purl.name}"
    return spelled if spelled and _normal(spelled) == _normal(name) else name


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def purl_of(ecosystem: Ecosystem, name: str) -> str:
    """The package URL (no version) of a package named as its ecosystem writes it; ValueError if it cannot be."""
    separator = _NAME_SEPARATOR.get(ecosystem.purl_type, "/")
    namespace, _, short = name.rpartition(separator)
    if not short:
        raise ValueError(f"empty package name {name!r}")
    return PackageURL(type=ecosystem.purl_type, namespace=namespace or None, name=short).to_string()
