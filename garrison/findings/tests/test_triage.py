"""decision_set, decisions_expire and findings_bulk_action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from garrison.access.errors import AccessDenied
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core import clock
from garrison.findings.models import DecisionState, Finding, Suppression, TriageDecision
from garrison.findings.services import decision_set, decisions_expire, findings_bulk_action, scan_import
from garrison.findings.tests.handmade import dep, handmade_format, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(handmade_format.__name__)]


def imported(personas: Any, items: list[dict[str, Any]], component: str = "core_api", release_line: Any = None) -> None:
    scan_import(
        source=report(items),
        file_name="r.jsonl",
        component=personas.world[component],
        release_line=release_line,
        fmt="handmade",
        actor=personas.admin,
    )


def test_a_decision_covers_every_finding_of_the_component_with_its_key(personas):
    imported(personas, [dep(1)])
    imported(personas, [dep(1, package_purl="pkg:pypi/package-1@2.0")], release_line=personas.world["quesnelia"])
    imported(personas, [dep(1)], component="billing")
    first = Finding.objects.filter(component=personas.world["core_api"]).earliest("created_at")

    decision = decision_set(finding=first, state="false_positive", reason="never imported", actor=personas.triager)

    covered = Finding.objects.filter(decision=decision)
    assert covered.count() == 2
    assert set(covered.values_list("component__name", flat=True)) == {"core-api"}
    event = AuditEvent.objects.get(action=AuditAction.DECISION_SET)
    assert (event.data["to"], event.data["findings"], event.data["from"]) == ("false_positive", 2, None)


def test_a_later_scan_keeps_the_decision(personas):
    imported(personas, [dep(1)])
    decision = decision_set(
        finding=Finding.objects.get(), state="affected", reason="fix planned", actor=personas.triager
    )

    imported(personas, [dep(1, installed_version="1.0.2")])

    assert Finding.objects.get().decision == decision


def test_not_affected_needs_a_justification(personas):
    imported(personas, [dep(1)])

    with pytest.raises(ValidationError) as raised:
        decision_set(finding=Finding.objects.get(), state="not_affected", reason="x", actor=personas.triager)

    assert "justification" in raised.value.message_dict
    assert TriageDecision.objects.count() == 0


def test_not_affected_with_a_justification_is_kept(personas):
    imported(personas, [dep(1)])

    decision = decision_set(
        finding=Finding.objects.get(),
        state="not_affected",
        justification="vulnerable_code_not_in_execute_path",
        reason="only the CLI uses it",
        actor=personas.triager,
    )

    assert (decision.state, decision.justification) == ("not_affected", "vulnerable_code_not_in_execute_path")


def test_a_reason_is_required(personas):
    imported(personas, [dep(1)])

    with pytest.raises(ValidationError) as raised:
        decision_set(finding=Finding.objects.get(), state="affected", reason="  ", actor=personas.triager)

    assert list(raised.value.message_dict) == ["reason"]


def test_risk_acceptance_by_someone_who_may_not_accept_risks_is_refused(personas):
    imported(personas, [dep(1)])
    expires = clock.now() + timedelta(days=30)

    with pytest.raises(ValidationError) as raised:
        decision_set(
            finding=Finding.objects.get(), state="risk_accepted", reason="r", expires_at=expires, actor=personas.triager
        )

    assert "may accept risks" in raised.value.message_dict["state"][0]
    assert TriageDecision.objects.count() == 0


def test_risk_acceptance_is_approved_by_whoever_records_it(personas):
    imported(personas, [dep(1)])
    expires = clock.now() + timedelta(days=30)

    decision = decision_set(
        finding=Finding.objects.get(),
        state="risk_accepted",
        reason="compensating WAF rule",
        expires_at=expires,
        actor=personas.security_lead,
    )

    assert (decision.approved_by, decision.expires_at) == (personas.security_lead, expires)


@pytest.mark.parametrize("days", [None, -1, 366])
def test_risk_acceptance_needs_an_expiry_within_the_maximum(personas, settings, days):
    settings.GARRISON_RISK_ACCEPT_MAX_DAYS = 365
    imported(personas, [dep(1)])
    expires = None if days is None else clock.now() + timedelta(days=days)

    with pytest.raises(ValidationError) as raised:
        decision_set(
            finding=Finding.objects.get(),
            state="risk_accepted",
            reason="r",
            expires_at=expires,
            actor=personas.security_lead,
        )

    assert list(raised.value.message_dict) == ["expires_at"]


def test_a_developer_may_not_triage_another_teams_finding(personas):
    imported(personas, [dep(1)], component="billing")

    with pytest.raises(AccessDenied):
        decision_set(finding=Finding.objects.get(), state="affected", reason="r", actor=personas.developer)

    assert TriageDecision.objects.count() == 0


def test_a_developer_triages_their_teams_finding(personas):
    imported(personas, [dep(1)])

    decision = decision_set(finding=Finding.objects.get(), state="affected", reason="r", actor=personas.developer)

    assert decision.decided_by == personas.developer


def _accepted(personas: Any, expires_in: timedelta) -> TriageDecision:
    imported(personas, [dep(1)])
    decision = decision_set(
        finding=Finding.objects.get(),
        state="risk_accepted",
        reason="r",
        expires_at=clock.now() + timedelta(days=1),
        actor=personas.security_lead,
    )
    TriageDecision.objects.filter(pk=decision.pk).update(expires_at=clock.now() + expires_in)
    return decision


def test_expired_risk_acceptances_reopen_and_are_audited(personas, django_capture_on_commit_callbacks):
    decision = _accepted(personas, timedelta(seconds=-1))

    with django_capture_on_commit_callbacks(execute=True):
        assert decisions_expire(now=clock.now()) == 1

    decision.refresh_from_db()
    assert (decision.state, decision.expired_at is not None) == (DecisionState.AFFECTED, True)
    event = AuditEvent.objects.get(action=AuditAction.DECISION_EXPIRED)
    assert (event.actor_id, event.actor_label, event.target_id) == (None, "worker", str(decision.pk))


def test_the_decider_is_told_with_only_the_component_and_a_link(personas, django_capture_on_commit_callbacks):
    _accepted(personas, timedelta(seconds=-1))

    with django_capture_on_commit_callbacks(execute=True):
        decisions_expire(now=clock.now())

    (message,) = mail.outbox
    assert message.to == [personas.security_lead.email]
    assert "core-api" in message.subject
    assert "CVE-2024-10001" not in message.body and "package-1" not in message.body
    assert f"?component={personas.world['core_api'].pk}" in message.body


def test_unexpired_risk_acceptances_stay(personas):
    decision = _accepted(personas, timedelta(hours=1))

    assert decisions_expire(now=clock.now()) == 0

    decision.refresh_from_db()
    assert decision.state == DecisionState.RISK_ACCEPTED


def test_bulk_false_positive_decides_every_chosen_key(personas):
    imported(personas, [dep(1), dep(2), dep(3)])
    chosen = Finding.objects.filter(vulnerability_id__in=["CVE-2024-10001", "CVE-2024-10002"])

    changed = findings_bulk_action(findings=chosen, action="false_positive", reason="test data", actor=personas.triager)

    assert changed == 2
    assert set(TriageDecision.objects.values_list("state", flat=True)) == {"false_positive"}
    assert Finding.objects.get(vulnerability_id="CVE-2024-10003").decision is None
    assert AuditEvent.objects.get(action=AuditAction.FINDINGS_BULK_ACTION).data["changed"] == 2


def test_bulk_counts_only_the_chosen_component_and_key_pairs(personas):
    """Two components each with two keys; choosing (core-api, key 1) and (billing, key 2) changes exactly those."""
    imported(personas, [dep(1), dep(2)])
    imported(personas, [dep(1), dep(2)], component="billing")
    decision_set(
        finding=Finding.objects.get(component=personas.world["core_api"], vulnerability_id="CVE-2024-10002"),
        state="affected",
        reason="known",
        actor=personas.triager,
    )
    chosen = Finding.objects.filter(component=personas.world["core_api"], vulnerability_id="CVE-2024-10001") | (
        Finding.objects.filter(component=personas.world["billing"], vulnerability_id="CVE-2024-10002")
    )

    changed = findings_bulk_action(findings=chosen, action="false_positive", reason="test", actor=personas.triager)

    assert changed == 2
    assert AuditEvent.objects.get(action=AuditAction.FINDINGS_BULK_ACTION).data["changed"] == 2
    assert Finding.objects.get(component=personas.world["billing"], vulnerability_id="CVE-2024-10001").decision is None


def test_bulk_accept_risk_runs_for_the_maximum_when_no_expiry_is_given(personas, settings):
    settings.GARRISON_RISK_ACCEPT_MAX_DAYS = 30
    imported(personas, [dep(1)])

    findings_bulk_action(findings=Finding.objects.all(), action="accept_risk", reason="r", actor=personas.security_lead)

    decision = TriageDecision.objects.get()
    assert decision.state == "risk_accepted"
    assert decision.expires_at is not None
    assert timedelta(days=29) < decision.expires_at - clock.now() <= timedelta(days=30)


def test_bulk_accept_risk_by_a_triager_changes_nothing(personas):
    imported(personas, [dep(1)])

    with pytest.raises(ValidationError):
        findings_bulk_action(findings=Finding.objects.all(), action="accept_risk", reason="r", actor=personas.triager)

    assert TriageDecision.objects.count() == 0


def test_bulk_suppress_creates_rules_that_cover_the_findings(personas):
    imported(personas, [dep(1), dep(2)])

    changed = findings_bulk_action(
        findings=Finding.objects.all(), action="suppress", reason="r", actor=personas.triager
    )

    assert changed == 2
    assert Suppression.objects.count() == 2
    assert Finding.objects.filter(suppressed_by__isnull=True).count() == 0


def test_bulk_actions_need_a_reason(personas):
    imported(personas, [dep(1)])

    with pytest.raises(ValidationError):
        findings_bulk_action(findings=Finding.objects.all(), action="false_positive", reason="", actor=personas.triager)


def test_bulk_action_by_someone_who_may_not_triage_is_denied(personas):
    imported(personas, [dep(1)])

    with pytest.raises(AccessDenied):
        findings_bulk_action(
            findings=Finding.objects.all(), action="false_positive", reason="r", actor=personas.auditor
        )

    assert TriageDecision.objects.count() == 0
