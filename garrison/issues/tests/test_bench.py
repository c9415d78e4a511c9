"""`garrison bench issues` runs end to end on a small load, and the list's query count does not depend on it."""

from __future__ import annotations

import pytest

from garrison.issues.bench import run
from garrison.issues.models import SecurityIssue, SecurityLevel

pytestmark = pytest.mark.django_db


def test_the_benchmark_loads_levels_and_issues_and_prints_one_line_per_measure():
    lines = list(run(sizes=[60], levels=8, repeat=2))
    assert SecurityIssue.objects.count() == 60 and SecurityLevel.objects.count() == 8
    assert lines[0].split()[:3] == ["db", "issues", "levels"]
    rows = [line.split() for line in lines[1:]]
    assert len(rows) == 4  # developer and security lead, page and API
    lead_rows = [r for r in rows if r[3] == "security"]
    assert all(r[6] == "60" for r in lead_rows)  # the security team sees every issue
    dev_visible = {r[5] for r in rows if r[3] == "developer"}
    assert len(dev_visible) == 1 and int(dev_visible.pop()) < 60


def test_list_queries_do_not_grow_with_issues_or_levels():
    """The same query count for the list page and API with 40 issues over 5 levels and 400 over 30."""
    counts = []
    for n, levels in ((40, 5), (400, 30)):
        lines = list(run(sizes=[n], levels=levels, repeat=1))
        counts.append([line.split()[-1] for line in lines[1:]])
        SecurityIssue.objects.all().delete()
    assert counts[0] == counts[1]
