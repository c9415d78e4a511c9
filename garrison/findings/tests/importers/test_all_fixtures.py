"""Every shared scanner report, SBOM and VEX file is recognised as the right format and parses without error.

The table (fixtures.FIXTURE_FORMATS) is written by hand on purpose: a new fixture file must be added there with the
format it is, and a sniffer that starts claiming someone else's file fails here first.
"""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers import EMPTY, HEAD_BYTES, REGISTRY, detect
from garrison.findings.tests.importers.fixtures import FIXTURE_FORMATS, read_fixture

pytestmark = pytest.mark.fixtures

AREAS = ("scanners", "sbom", "vex")


def test_table_lists_every_fixture_file():
    root = shared_fixture()
    on_disk = sorted(
        path.relative_to(root).as_posix() for area in AREAS for path in (root / area).rglob("*") if path.is_file()
    )

    assert on_disk == sorted(FIXTURE_FORMATS)


@pytest.mark.parametrize(("path", "fmt"), sorted(FIXTURE_FORMATS.items()))
def test_detect_names_the_format(path, fmt):
    assert detect(read_fixture(path)[:HEAD_BYTES]) == fmt


@pytest.mark.parametrize(("path", "fmt"), sorted(FIXTURE_FORMATS.items()))
def test_importer_parses_the_file(path, fmt):
    list(REGISTRY[fmt].parse(io.BytesIO(read_fixture(path))))


@pytest.mark.parametrize("name", sorted(set(REGISTRY) - {EMPTY}))
def test_each_sniffer_claims_exactly_its_own_fixtures(name):
    """Sniffers must be exclusive, not just first in the detection order: each claims its own files and no other
    (empty files are left out: the registry answers those before any sniffer is asked)."""
    heads = {path: read_fixture(path)[:HEAD_BYTES] for path, fmt in FIXTURE_FORMATS.items() if fmt != EMPTY}
    claimed = sorted(path for path, head in heads.items() if REGISTRY[name].sniff(head))

    assert claimed == sorted(path for path, fmt in FIXTURE_FORMATS.items() if fmt == name)
