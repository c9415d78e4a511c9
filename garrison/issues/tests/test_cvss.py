"""Issue scoring agrees with the shared CVSS pairs (real published scores and reference vectors), and a wrong
vector is refused naming the metric."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.issues.cvss import CvssError, score_vector

pytestmark = pytest.mark.fixtures


@pytest.mark.parametrize("name", ["cvss_v3_1_vectors.csv", "cvss_v4_0_vectors.csv"])
def test_every_shared_pair_scores_as_published(name):
    with shared_fixture("cvss", name).open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 200
    wrong = []
    for row in rows:
        scored = score_vector(row["vector"])
        if scored.score != Decimal(row["score"]) or scored.severity != row["severity"].lower():
            wrong.append((row["vector"], row["score"], row["severity"], scored.score, scored.severity))
    assert not wrong, wrong[:5]


def test_published_mismatches_are_scored_by_the_spec_not_the_vendor():
    """Vendor data that disagrees with the vector: we trust the equations (the spec column)."""
    with shared_fixture("cvss", "cvss_published_score_mismatches.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert score_vector(row["vector"]).score == Decimal(row["spec_score_of_full_vector"])


@pytest.mark.parametrize(
    ("vector", "named"),
    [
        ("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV:X"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", '"A"'),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1", "ZZ"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:Q/SC:N/SI:N/SA:N", "VA:Q"),
        ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "starts with CVSS:"),
        ("", "Enter a CVSS vector"),
    ],
)
def test_a_wrong_vector_names_what_is_wrong(vector, named):
    with pytest.raises(CvssError) as exc:
        score_vector(vector)
    assert named in str(exc.value)
