"""SPDX 2.x JSON documents, read from the shared real fixture (the SPDX 2.3 spec example)."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import ParsedComponent, ParseError
from garrison.findings.importers.spdx import parse

pytestmark = pytest.mark.fixtures

EXAMPLE = ("sbom", "spdx", "SPDXJSONExample-v2.3.spdx.json")


def _read() -> bytes:
    return shared_fixture(*EXAMPLE).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


def test_every_package_is_a_component_and_files_are_not():
    assert [component.name for component in _parse(_read())] == ["glibc", "Apache Commons Lang", "Jena", "Saxon"]


def test_package_with_concluded_and_declared_licences_and_a_person_supplier():
    glibc = _parse(_read())[0]

    assert glibc == ParsedComponent(
        name="glibc",
        version="2.11.1",
        type="source",
        licenses=["(LGPL-2.0-only OR LicenseRef-3)", "(LGPL-2.0-only AND LicenseRef-3)"],
        supplier="Jane Doe",
    )


def test_purl_comes_from_the_package_manager_external_ref():
    jena = _parse(_read())[2]

    assert (jena.purl, jena.version, jena.licenses) == ("pkg:maven/org.apache.jena/apache-jena@3.12.0", "3.12.0", [])


def test_noassertion_is_not_a_licence():
    commons = _parse(_read())[1]

    assert (commons.version, commons.licenses, commons.supplier) == ("", [], "")


def test_purl_without_a_version_gets_the_package_version():
    data = (
        b'{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [{"SPDXID": "SPDXRef-1", "name":'
        b' "requests", "versionInfo": "2.31.0", "supplier": "Organization: PSF (psf@example.org)", "licenseConcluded":'
        b' "NOASSERTION", "licenseDeclared": "Apache-2.0", "primaryPackagePurpose": "LIBRARY", "externalRefs":'
        b' [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",'
        b' "referenceLocator": "pkg:pypi/requests"}]}]}'
    )

    assert _parse(data) == [
        ParsedComponent(
            name="requests",
            version="2.31.0",
            purl="pkg:pypi/requests@2.31.0",
            type="library",
            licenses=["Apache-2.0"],
            supplier="PSF",
        )
    ]


@pytest.mark.parametrize("data", [b"", b"null", b"{}", b'{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"}'])
def test_empty_documents_yield_nothing(data):
    assert _parse(data) == []


@pytest.mark.parametrize(
    ("data", "message", "position"),
    [
        (b"[1]", "expected an SPDX document object", "$"),
        (b'{"bomFormat": "CycloneDX"}', 'expected an SPDX document (an object with "spdxVersion" and "packages")', "$"),
        (b'{"spdxVersion": "SPDX-2.3", "packages": {"a": 1}}', '"packages" must be a list', "$.packages"),
        (
            b'{"spdxVersion": "SPDX-2.3", "packages": [{"name": "a"}, "b"]}',
            "expected a package object",
            "$.packages[1]",
        ),
    ],
)
def test_wrong_shape_is_a_parse_error(data, message, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.message, caught.value.position) == ("spdx-json", message, position)
