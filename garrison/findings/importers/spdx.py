"""SPDX 2.x JSON documents (2.2 and 2.3): the inventory.

Each entry of ``packages`` is a ParsedComponent: the purl from an ``externalRefs`` entry of type ``purl`` (with the
package version added when the purl has none), licences from ``licenseConcluded`` then ``licenseDeclared``
(``NOASSERTION`` and ``NONE`` mean "not known" and are left out), the supplier without its ``Person:`` or
``Organization:`` prefix and e-mail address, the type from ``primaryPackagePurpose``. SPDX has no
vulnerabilities, so there are no findings; files and snippets are not packages and are not listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import Parsed, ParsedComponent, expect, load_json, text
from garrison.findings.importers.purls import with_version
from garrison.findings.importers.registry import Importer

FORMAT = "spdx-json"

_VERSION_KEY = re.compile(rb'"spdxVersion"\s*:\s*"SPDX-\d')
_SPDXID_KEY = re.compile(rb'"SPDXID"\s*:\s*"SPDXRef-')
_PARTY_PREFIX = re.compile(r"^\s*(?:Person|Organization|Organisation|Tool)\s*:\s*", re.IGNORECASE)
_PARTY_EMAIL = re.compile(r"\s*\([^()]*\)\s*$")
_UNKNOWN = {"", "NOASSERTION", "NONE"}


def sniff(head: bytes) -> bool:
    return bool(_VERSION_KEY.search(head) and _SPDXID_KEY.search(head))


def _known(value: Any) -> str:
    value = text(value)
    return "" if value.upper() in _UNKNOWN else value


def _party(value: Any) -> str:
    """``Organization: ExampleCodeInspect (contact@example.com)`` -> ``ExampleCodeInspect``."""
    value = _known(value)
    return _PARTY_EMAIL.sub("", _PARTY_PREFIX.sub("", value)).strip() if value else ""


def _purl(package: dict[str, Any], version: str) -> str:
    refs = package.get("externalRefs")
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and text(ref.get("referenceType")).lower() == "purl":
            locator = text(ref.get("referenceLocator"))
            if locator.startswith("pkg:"):
                return with_version(locator, version)
    return ""


def _licenses(package: dict[str, Any]) -> list[str]:
    found = [_known(package.get("licenseConcluded")), _known(package.get("licenseDeclared"))]
    return list(dict.fromkeys(licence for licence in found if licence))


def _component(package: dict[str, Any]) -> ParsedComponent:
    version = _known(package.get("versionInfo"))
    return ParsedComponent(
        name=text(package.get("name")),
        version=version,
        purl=_purl(package, version),
        type=_known(package.get("primaryPackagePurpose")).lower().replace("_", "-"),
        licenses=_licenses(package),
        supplier=_party(package.get("supplier")) or _party(package.get("originator")),
    )


def parse(source: BinaryIO) -> Iterator[Parsed]:
    document = load_json(source, FORMAT)
    if document is None or document == {}:
        return
    expect(isinstance(document, dict), FORMAT, "expected an SPDX document object", "$")
    expect(
        "spdxVersion" in document or "packages" in document,
        FORMAT,
        'expected an SPDX document (an object with "spdxVersion" and "packages")',
        "$",
    )
    packages = document.get("packages")
    if packages is None:
        return
    expect(isinstance(packages, list), FORMAT, '"packages" must be a list', "$.packages")
    for index, package in enumerate(packages):
        expect(isinstance(package, dict), FORMAT, "expected a package object", f"$.packages[{index}]")
        if text(package.get("name")):
            yield _component(package)


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="SPDX 2.x JSON (SBOM)", sniff=sniff, parse=parse)]
