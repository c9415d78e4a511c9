"""suppression_create / suppression_revoke, and the same matching in SQL and at import."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from garrison.access.errors import AccessDenied
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core import clock
from garrison.findings.models import Finding, Suppression
from garrison.findings.services import scan_import, suppression_create, suppression_revoke
from garrison.findings.services.suppressions import glob_regex
from garrison.findings.tests.handmade import code, dep, handmade_format, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(handmade_format.__name__)]


def imported(personas: Any, items: list[dict[str, Any]], component: str = "core_api") -> Any:
    return scan_import(
        source=report(items),
        file_name="r.jsonl",
        component=personas.world[component],
        release_line=None,
        fmt="handmade",
        actor=personas.admin,
    )


def suppressed(**filters: Any) -> set[str]:
    return set(Finding.objects.filter(suppressed_by__isnull=False, **filters).values_list("title", flat=True))


def test_a_rule_applies_to_existing_findings_at_once_and_is_audited(personas):
    imported(personas, [dep(1), dep(2)])

    rule = suppression_create(vulnerability_id="CVE-2024-10001", reason="disputed CVE", actor=personas.triager)

    assert suppressed() == {"Vulnerability 1"}
    assert (rule.approved_by, rule.created_by) == (personas.triager, personas.triager)
    event = AuditEvent.objects.get(action=AuditAction.SUPPRESSION_CREATED)
    assert event.data["findings"] == 1


def test_a_vulnerability_id_also_matches_an_alias(personas):
    imported(personas, [dep(1, aliases=["GHSA-abcd-efgh-ijkl"]), dep(2)])

    suppression_create(vulnerability_id="ghsa-abcd-efgh-ijkl", reason="r", actor=personas.triager)

    assert suppressed() == {"Vulnerability 1"}


def test_a_purl_glob_matches_the_versionless_purl(personas):
    imported(personas, [dep(1), dep(12), dep(2)])

    suppression_create(purl_pattern="pkg:pypi/package-1*", reason="r", actor=personas.triager)

    assert suppressed() == {"Vulnerability 1", "Vulnerability 12"}


def test_a_path_glob_and_a_rule_id_must_both_match(personas):
    imported(
        personas, [code(0, file_path="tests/a.py"), code(7, file_path="src/a.py"), code(1, file_path="tests/b.py")]
    )

    suppression_create(path_glob="tests/*", rule_id="rule-0", reason="test code", actor=personas.triager)

    assert suppressed() == {"Code problem 0"}


def test_a_rule_scoped_to_a_component_leaves_the_others(personas):
    imported(personas, [dep(1)])
    imported(personas, [dep(1)], component="billing")

    suppression_create(
        vulnerability_id="CVE-2024-10001", component=personas.world["billing"], reason="r", actor=personas.triager
    )

    assert suppressed(component__name="billing") == {"Vulnerability 1"}
    assert suppressed(component__name="core-api") == set()


def test_the_import_applies_the_same_rule_as_creation(personas):
    suppression_create(purl_pattern="pkg:pypi/package-[12]", path_glob="*.txt", reason="r", actor=personas.triager)

    result = imported(personas, [dep(1), dep(2), dep(3)])

    assert result.counts.suppressed == 2
    assert suppressed() == {"Vulnerability 1", "Vulnerability 2"}


def test_an_expired_rule_is_not_applied_at_import(personas):
    rule = suppression_create(vulnerability_id="CVE-2024-10001", reason="r", actor=personas.triager)
    Suppression.objects.filter(pk=rule.pk).update(expires_at=clock.now() - timedelta(seconds=1))

    result = imported(personas, [dep(1)])

    assert result.counts.suppressed == 0


def test_at_least_one_match_field_is_required(personas):
    with pytest.raises(ValidationError):
        suppression_create(reason="everything", actor=personas.triager)

    assert Suppression.objects.count() == 0


def test_a_rule_for_everything_needs_an_author_who_sees_every_component(personas):
    """A triager cannot see a Secret-labelled component: a global rule from them would silently hide its findings."""
    from garrison.access.models import ClassificationLabel
    from garrison.org.models import Component

    hidden = Component.objects.create(
        name="red-team-tools",
        responsible_team=personas.world["payments"],
        classification=ClassificationLabel.objects.get(name="Secret"),
    )
    imported(personas, [dep(1)], component="core_api")
    with pytest.raises(ValidationError) as raised:
        suppression_create(vulnerability_id="CVE-2024-10001", reason="disputed", actor=personas.triager)
    assert list(raised.value.message_dict) == ["component"]
    assert Suppression.objects.count() == 0 and suppressed() == set()

    rule = suppression_create(
        vulnerability_id="CVE-2024-10001",
        component=personas.world["core_api"],
        reason="disputed",
        actor=personas.triager,
    )
    assert rule.component_id == personas.world["core_api"].pk and suppressed() == {"Vulnerability 1"}
    hidden.delete()
    suppression_create(vulnerability_id="CVE-2024-10002", reason="disputed", actor=personas.triager)


def test_a_reason_is_required(personas):
    with pytest.raises(ValidationError) as raised:
        suppression_create(vulnerability_id="CVE-2024-1", reason=" ", actor=personas.triager)

    assert list(raised.value.message_dict) == ["reason"]


def test_developers_may_not_manage_suppressions(personas):
    imported(personas, [dep(1)])

    with pytest.raises(AccessDenied):
        suppression_create(
            vulnerability_id="CVE-2024-10001",
            component=personas.world["core_api"],
            reason="r",
            actor=personas.developer,
        )

    assert (Suppression.objects.count(), suppressed()) == (0, set())


def test_revoking_releases_the_findings_and_is_audited(personas):
    imported(personas, [dep(1)])
    rule = suppression_create(vulnerability_id="CVE-2024-10001", reason="r", actor=personas.triager)

    suppression_revoke(suppression=rule, actor=personas.security_lead)

    rule.refresh_from_db()
    assert rule.revoked_at is not None
    assert suppressed() == set()
    assert AuditEvent.objects.get(action=AuditAction.SUPPRESSION_REVOKED).data["findings"] == 1


def test_a_revoked_rule_cannot_be_revoked_again(personas):
    rule = suppression_create(vulnerability_id="CVE-2024-10001", reason="r", actor=personas.triager)
    suppression_revoke(suppression=rule, actor=personas.triager)

    with pytest.raises(ValidationError):
        suppression_revoke(suppression=rule, actor=personas.triager)


@pytest.mark.parametrize(
    ("glob", "text", "matches"),
    [
        ("pkg:npm/*", "pkg:npm/%40angular/core", True),
        ("src/?.py", "src/a.py", True),
        ("src/?.py", "src/ab.py", False),
        ("a[!b]c", "abc", False),
        ("a[!b]c", "axc", True),
        ("a.b", "axb", False),
        ("50%_off", "50%_off", True),
    ],
)
def test_glob_regex(glob, text, matches):
    import re

    assert (re.match(glob_regex(glob), text) is not None) is matches
