"""Who sees which findings, scans, suppressions and decisions."""

from __future__ import annotations

from typing import Any

import pytest

from garrison.access.models import ClassificationLabel
from garrison.findings.models import DecisionState, Finding, Suppression, TriageDecision
from garrison.findings.selectors import (
    decisions_visible_to,
    findings_visible_to,
    scans_visible_to,
    suppressions_visible_to,
)
from garrison.findings.services import scan_import
from garrison.findings.tests.handmade import code, dep, handmade_format, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(handmade_format.__name__)]


@pytest.fixture
def world(personas: Any) -> Any:
    for name, items in (("core_api", [dep(1), code(2)]), ("billing", [dep(3, tool="Grype")])):
        scan_import(
            source=report(items),
            file_name="r.jsonl",
            component=personas.world[name],
            release_line=None,
            fmt="handmade",
            actor=personas.admin,
        )
    return personas


def names(qs: Any) -> set[str]:
    return {row.component.name for row in qs}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", {"core-api", "billing"}),
        ("triager", {"core-api", "billing"}),
        ("developer", {"core-api", "billing"}),
        ("auditor", {"core-api", "billing"}),
        ("reporter", set()),
        ("outsider", set()),
        ("anonymous", set()),
    ],
)
def test_findings_and_scans_by_role(world, persona, expected):
    actor = world.user(persona)

    assert names(findings_visible_to(actor=actor)) == expected
    assert names(scans_visible_to(actor=actor)) == expected


def test_a_labelled_component_hides_its_findings_from_those_outside_the_label(world):
    label = ClassificationLabel.objects.create(name="Admins only", rank=9, roles=["admin"])
    world.world["billing"].classification = label
    world.world["billing"].save()

    assert names(findings_visible_to(actor=world.triager)) == {"core-api"}
    assert names(findings_visible_to(actor=world.admin)) == {"core-api", "billing"}


def test_filters(world):
    actor = world.triager

    assert names(findings_visible_to(actor=actor, component=world.world["billing"])) == {"billing"}
    assert findings_visible_to(actor=actor, tool="Grype").get().vulnerability_id == "CVE-2024-10003"
    assert findings_visible_to(actor=actor, severity="medium").get().kind == "code"
    assert findings_visible_to(actor=actor, package="PACKAGE-1").get().vulnerability_id == "CVE-2024-10001"
    assert findings_visible_to(actor=actor, vulnerability_id="cve-2024-10001").count() == 1
    assert findings_visible_to(actor=actor, state="mitigated").count() == 0


def test_a_vulnerability_filter_matches_aliases(world):
    Finding.objects.filter(vulnerability_id="CVE-2024-10001").update(aliases=["GHSA-aaaa-bbbb-cccc"])

    assert findings_visible_to(actor=world.triager, vulnerability_id="GHSA-aaaa-bbbb-cccc").count() == 1


def test_finding_list_queries_do_not_grow_with_rows(world, django_assert_num_queries):
    actor = world.triager
    list(findings_visible_to(actor=actor))  # warms the actor's label and team caches

    with django_assert_num_queries(1):
        rows = list(findings_visible_to(actor=actor))
        _ = [(r.component.name, r.decision, r.suppressed_by) for r in rows]


def test_suppressions_global_or_on_visible_components(world):
    label = ClassificationLabel.objects.create(name="Admins only", rank=9, roles=["admin"])
    world.world["billing"].classification = label
    world.world["billing"].save()
    Suppression.objects.create(vulnerability_id="CVE-1", reason="r", created_by=world.admin)
    Suppression.objects.create(
        vulnerability_id="CVE-2", reason="r", created_by=world.admin, component=world.world["billing"]
    )

    assert set(suppressions_visible_to(actor=world.triager).values_list("vulnerability_id", flat=True)) == {"CVE-1"}
    assert suppressions_visible_to(actor=world.admin).count() == 2
    assert suppressions_visible_to(actor=world.outsider).count() == 0


def test_decisions_of_visible_components(world):
    TriageDecision.objects.create(
        component=world.world["billing"],
        key="k",
        state=DecisionState.AFFECTED,
        reason="r",
        decided_by=world.admin,
    )

    assert decisions_visible_to(actor=world.developer).count() == 1
    assert decisions_visible_to(actor=world.reporter).count() == 0
