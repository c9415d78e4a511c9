"""Package URLs from the ecosystem names scanners use (Trivy result types, OSV ecosystems, Grype artifact types).

`purl_for("pip", "Django", "4.2.1")` is ``pkg:pypi/django@4.2.1``; `purl_for("debian", "libc6", "2.36")` is
``pkg:deb/debian/libc6@2.36``. Unknown ecosystems give "" rather than a guess."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from packageurl import PackageURL

# ecosystem or tool word (lower case) -> (purl type, namespace for OS distributions)
_TYPES: dict[str, tuple[str, str]] = {}


def _add(purl_type: str, namespace: str, *words: str) -> None:
    for word in words:
        _TYPES[word] = (purl_type, namespace)


_add("pypi", "", "pypi", "pip", "pipenv", "poetry", "pdm", "uv", "python", "python-pkg", "wheel", "egg")
_add("npm", "", "npm", "yarn", "pnpm", "bun", "node-pkg", "nodejs", "javascript", "js")
_add("maven", "", "maven", "jar", "pom", "gradle", "sbt", "java", "java-archive", "jenkins-plugin", "war", "ear")
_add("golang", "", "go", "golang", "gomod", "gobinary", "go-module")
_add("gem", "", "rubygems", "gem", "gems", "bundler", "gemspec", "ruby")
_add("cargo", "", "crates.io", "cargo", "rustbinary", "rust-binary", "rust-crate", "rust")
_add("composer", "", "packagist", "composer", "php-composer", "php-pear", "php")
_add("nuget", "", "nuget", "dotnet", "dotnet-core", "dotnet-deps", "packages-props", "packages-lock")
_add("pub", "", "pub", "dart", "dart-pub")
_add("hex", "", "hex", "mix", "mix-lock", "erlang-otp", "rebar-lock")
_add("swift", "", "swifturl", "swift")
_add("cocoapods", "", "cocoapods")
_add("conan", "", "conan", "conan-lock")
_add("conda", "", "conda", "conda-pkg", "conda-environment")
_add("hackage", "", "hackage")
_add("cran", "", "cran")
_add("deb", "debian", "debian")
_add("deb", "ubuntu", "ubuntu")
_add("deb", "", "deb", "dpkg")
_add("apk", "alpine", "alpine")
_add("apk", "wolfi", "wolfi")
_add("apk", "chainguard", "chainguard")
_add("apk", "", "apk")
_add("rpm", "redhat", "redhat", "red hat", "rhel")
_add("rpm", "centos", "centos")
_add("rpm", "rocky", "rocky", "rocky linux")
_add("rpm", "almalinux", "alma", "almalinux")
_add("rpm", "amazon", "amazon", "amazon linux")
_add("rpm", "oracle", "oracle", "oracle linux")
_add("rpm", "fedora", "fedora")
_add("rpm", "photon", "photon", "photon os")
_add("rpm", "opensuse", "opensuse", "opensuse.leap", "opensuse.tumbleweed", "opensuse leap", "suse")
_add("rpm", "suse", "sles", "suse linux enterprise server", "suse linux enterprise micro")
_add("rpm", "mariner", "cbl-mariner", "mariner")
_add("rpm", "azurelinux", "azurelinux", "azure linux")
_add("rpm", "", "rpm")


def purl_type(ecosystem: str) -> tuple[str, str]:
    """(purl type, namespace) for an ecosystem word such as ``PyPI``, ``gomod``, ``Debian:11`` or ``alpine``;
    ("", "") when the word is unknown."""
    word = ecosystem.strip().lower()
    found = _TYPES.get(word)
    if found is None and ":" in word:  # OSV: "Debian:11", "Alpine:v3.18", "Ubuntu:22.04:LTS"
        found = _TYPES.get(word.split(":", 1)[0].strip())
    return found or ("", "")


def _split_name(ptype: str, name: str) -> tuple[str, str]:
    """(namespace, name) as the purl spec lays them out for each type."""
    if ptype == "maven" and ":" in name:
        group, _, artifact = name.partition(":")
        return group, artifact.split(":", 1)[0]
    if ptype in {"golang", "composer", "npm", "swift", "cocoapods"} and "/" in name:
        namespace, _, short = name.rpartition("/")
        if ptype == "cocoapods":  # "Pod/Subspec": the name is the whole thing
            return "", name
        return namespace, short
    return "", name


@lru_cache(maxsize=65536)
def build_purl(ptype: str, name: str, version: str = "", namespace: str = "") -> str:
    """A purl string from its parts ("" when the parts cannot make one). ``name`` may carry the namespace the way
    the ecosystem writes it (``group:artifact`` for Maven, ``@scope/name`` for npm, a module path for Go)."""
    if not ptype or not name.strip():
        return ""
    name_namespace, short = _split_name(ptype, name.strip())
    if not short.strip(" /"):
        return ""
    try:
        return PackageURL(
            type=ptype,
            namespace=namespace or name_namespace or None,
            name=short,
            version=version.strip() or None,
        ).to_string()
    except (ValueError, TypeError):  # packageurl refuses some names with ValueError, trips on others with TypeError
        return ""


def purl_for(ecosystem: str, name: str, version: str = "", distro: str = "") -> str:
    """The purl of ``name@version`` in ``ecosystem``. ``distro`` names the namespace for OS packages when the
    ecosystem word alone does not (Grype's ``deb`` with distro ``debian``)."""
    ptype, namespace = purl_type(ecosystem)
    if not ptype:
        return ""
    if not namespace and ptype in {"deb", "apk", "rpm"}:
        namespace = purl_type(distro)[1] if distro else ""
    return build_purl(ptype, name, version, namespace)


def with_version(purl: str, version: str) -> str:
    """``purl`` with ``@version`` added when it has none (OSV and CycloneDX sometimes give a bare package purl)."""
    if not purl or not version:
        return purl
    body, hashmark, subpath = purl.partition("#")
    body, question, qualifiers = body.partition("?")
    if "@" in body.rsplit("/", 1)[-1]:
        return purl
    rest = (question + qualifiers) + (hashmark + subpath)
    return f"{body}@{quote(version.strip(), safe=':')}{rest}"


def split_purl(purl: str) -> tuple[str, str]:
    """(name as the ecosystem writes it, version) from a purl; ("", "") when it does not parse."""
    try:
        parsed = PackageURL.from_string(purl)
    except (ValueError, TypeError):
        return "", ""
    name = parsed.name or ""
    if parsed.namespace:
        joiner = ":" if parsed.type == "maven" else "/"
        if parsed.type not in {"deb", "apk", "rpm", "alpm", "qpkg"}:
            name = f"{parsed.namespace}{joiner}{name}"
    return name, parsed.version or ""
