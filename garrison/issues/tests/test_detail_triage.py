"""Triage forms on the issue page: each calls one service; refusals come back as 422 with the form's errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from garrison.audit.models import AuditEvent
from garrison.issues import services
from garrison.issues.models import BackportEntry, IssueStatus, SecurityLevel
from garrison.issues.tests.detail_support import V31, V40, fresh, report, team_issue, url

pytestmark = pytest.mark.django_db

TRIAGE_ROUTES = {
    "issue_edit": {"title": "Changed", "description": "x", "exposure": ""},
    "issue_score": {"cvss_vector": V31},
    "issue_transition": {"to": "triage"},
    "issue_level": {"level": ""},
    "issue_public": {"state": "public", "reason": "x"},
    "issue_checklist": {"scope": "one_app"},
}


@pytest.mark.parametrize("route", sorted(TRIAGE_ROUTES))
def test_developer_who_sees_the_issue_cannot_triage_it(personas, route):
    issue = team_issue(personas)
    before = fresh(issue)
    events = AuditEvent.objects.count()
    response = personas.client("developer").post(url(route, issue), TRIAGE_ROUTES[route])
    assert response.status_code == 403
    after = fresh(issue)
    assert (after.title, after.status, after.cvss_vector, after.is_public, after.scope, after.updated_at) == (
        before.title,
        before.status,
        before.cvss_vector,
        before.is_public,
        before.scope,
        before.updated_at,
    )
    assert AuditEvent.objects.count() == events


def test_developer_sees_no_triage_forms(personas):
    issue = team_issue(personas)
    text = personas.client("developer").get(url("issue_detail", issue)).content.decode()
    for route in TRIAGE_ROUTES:
        assert url(route, issue) not in text
    assert url("issue_score", issue) in personas.client("triager").get(url("issue_detail", issue)).content.decode()


def test_admin_who_may_not_see_the_issue_gets_404_on_triage(personas):
    issue = team_issue(personas)
    response = personas.client("admin").post(url("issue_transition", issue), {"to": "triage"})
    assert response.status_code == 404 and fresh(issue).status == IssueStatus.NEW


def test_edit_changes_fields_component_moves_the_team_and_owner_is_someone_who_sees_it(personas):
    issue = team_issue(personas)
    client = personas.client("triager")
    page = client.get(url("issue_detail", issue)).content.decode()
    owner_select = page.split('name="owner"', 1)[1].split("</select>", 1)[0]
    assert "Dev Eloper (Developer)" in owner_select and "Audra Auditor" not in owner_select
    data = {
        "title": "Billing SQL injection",
        "description": "new text",
        "steps_to_reproduce": "1. go",
        "impact": "all data",
        "affected_versions": "1.0 - 1.4",
        "component": str(personas.world["billing"].pk),
        "owner": str(personas.triager.pk),
        "due_on": "2030-01-31",
        "exposure": "public",
        "exposure_links": "https://example.com/post",
        "credit_name": "Rita",
    }
    response = client.post(url("issue_edit", issue), data)
    assert response.status_code == 302
    row = fresh(issue)
    assert (row.title, row.component, row.responsible_team, row.owner) == (
        "Billing SQL injection",
        personas.world["billing"],
        personas.world["payments"],
        personas.triager,
    )
    assert str(row.due_on) == "2030-01-31" and row.exposure == "public"
    page = client.get(url("issue_detail", issue)).content.decode()
    assert "<dt>Team</dt><dd>Payments</dd>" in page
    event = AuditEvent.objects.filter(action="issues.updated", target_id=str(issue.pk)).get()
    assert "component" in event.data["fields"] and "Billing" not in str(event.data)


def test_edit_refused_shows_422_with_the_error_and_changes_nothing(personas):
    issue = team_issue(personas)
    response = personas.client("triager").post(
        url("issue_edit", issue), {"title": "", "description": "x", "owner": str(personas.auditor.pk)}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "This field is required." in text and "Select a valid choice" in text  # the auditor cannot see it
    assert fresh(issue).title == "SQL injection in search"


def test_score_with_a_typed_vector(personas):
    issue = team_issue(personas)
    response = personas.client("triager").post(url("issue_score", issue), {"cvss_vector": V40})
    assert response.status_code == 302
    row = fresh(issue)
    assert (row.cvss_vector, row.cvss_version, row.cvss_score, row.severity) == (V40, "4.0", Decimal("9.3"), "critical")


def test_score_built_from_the_metric_menus(personas):
    issue = team_issue(personas)
    metrics = {"m_AV": "L", "m_AC": "H", "m_PR": "L", "m_UI": "R", "m_S": "U", "m_C": "H", "m_I": "N", "m_A": "N"}
    response = personas.client("triager").post(url("issue_score", issue), {"cvss_vector": "", **metrics})
    assert response.status_code == 302
    row = fresh(issue)
    assert row.cvss_vector == "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:H/I:N/A:N"
    assert row.cvss_score == Decimal("4.4") and row.severity == "medium"
    # the menus come back preselected from the stored vector
    page = personas.client("triager").get(url("issue_detail", issue)).content.decode()
    assert '<option value="R" selected>Required</option>' in page


def test_score_refusal_names_the_metric(personas):
    issue = team_issue(personas)
    client = personas.client("triager")
    response = client.post(url("issue_score", issue), {"cvss_vector": "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"})
    assert response.status_code == 422 and "AV:X" in response.content.decode()
    response = client.post(url("issue_score", issue), {"m_AV": "N", "m_AC": "L"})
    assert response.status_code == 422 and "Privileges Required (PR)" in response.content.decode()
    assert fresh(issue).cvss_vector == ""


def test_only_the_moves_allowed_from_the_current_state_are_offered(personas):
    issue = team_issue(personas)
    page = personas.client("triager").get(url("issue_detail", issue)).content.decode()
    moves = page.split('name="to"', 1)[1].split("</select>", 1)[0]
    assert 'value="triage"' in moves and 'value="closed"' in moves
    assert 'value="fixed"' not in moves and 'value="confirmed"' not in moves


def test_transition_refusal_message_is_shown(personas):
    issue = team_issue(personas)
    response = personas.client("triager").post(url("issue_transition", issue), {"to": "fixed"})
    assert response.status_code == 422
    assert "cannot become &#x27;fixed&#x27;; possible: in triage, closed." in response.content.decode()
    assert fresh(issue).status == IssueStatus.NEW


def test_close_needs_a_reason(personas):
    issue = team_issue(personas)
    response = personas.client("triager").post(url("issue_transition", issue), {"to": "closed"})
    assert response.status_code == 422 and "Closing needs a reason" in response.content.decode()
    assert fresh(issue).status == IssueStatus.NEW


def test_close_as_duplicate_by_issue_number(personas):
    original = team_issue(personas, title="Original")
    copy = team_issue(personas, title="Copy")
    client = personas.client("triager")
    response = client.post(
        url("issue_transition", copy), {"to": "closed", "reason": "duplicate", "duplicate_of": f"SEC-{original.number}"}
    )
    assert response.status_code == 302
    row = fresh(copy)
    assert (row.status, row.close_reason, row.duplicate_of) == ("closed", "duplicate", original)


def test_duplicate_needs_an_existing_visible_number(personas):
    copy = team_issue(personas)
    client = personas.client("triager")
    response = client.post(url("issue_transition", copy), {"to": "closed", "reason": "duplicate"})
    assert response.status_code == 422 and "Name the issue this one duplicates." in response.content.decode()
    response = client.post(
        url("issue_transition", copy), {"to": "closed", "reason": "duplicate", "duplicate_of": "SEC-999"}
    )
    assert (
        response.status_code == 422 and "SEC-999 does not exist or is not visible to you." in response.content.decode()
    )
    assert fresh(copy).status == IssueStatus.NEW


def test_fixed_blockers_are_shown_and_refuse_the_move(personas):
    issue = team_issue(personas)
    for to in ("triage", "confirmed"):
        services.issue_transition(actor=personas.triager, issue=issue, to=to)
    assert BackportEntry.objects.filter(issue=issue).count() == 1  # confirmed: one cell per supported line
    client = personas.client("triager")
    page = client.get(url("issue_detail", issue)).content.decode()
    blockers = page.split('class="blockers"', 1)[1].split("</div>", 1)[0]
    assert "core-api on Quesnelia (Unknown)" in blockers
    response = client.post(url("issue_transition", issue), {"to": "fixed"})
    assert response.status_code == 422
    assert "Supported release lines still need a status or a recorded decision: core-api on Quesnelia" in (
        response.content.decode()
    )
    assert fresh(issue).status == IssueStatus.CONFIRMED


def test_set_level_from_the_assignable_levels(personas):
    issue = report(personas)
    level = SecurityLevel.objects.get(name="Security + component team")
    response = personas.client("security_lead").post(url("issue_level", issue), {"level": str(level.pk)})
    assert response.status_code == 302 and fresh(issue).security_level == level
    assert personas.client("developer").get(url("issue_detail", issue)).status_code == 200


def test_mark_public_needs_a_reason(personas):
    issue = team_issue(personas)
    client = personas.client("triager")
    response = client.post(url("issue_public", issue), {"state": "public", "reason": ""})
    assert response.status_code == 422 and not fresh(issue).is_public
    response = client.post(url("issue_public", issue), {"state": "public", "reason": "CVE-2026-1 is public upstream"})
    assert response.status_code == 302 and fresh(issue).is_public
    assert personas.client("auditor").get(url("issue_detail", issue)).status_code == 200


def test_checklist_answers_saved_and_workaround_required_when_yes(personas):
    issue = team_issue(personas)
    client = personas.client("triager")
    response = client.post(url("issue_checklist", issue), {"scope": "whole_system", "workaround_available": "yes"})
    assert response.status_code == 422 and "Describe the workaround." in response.content.decode()
    assert fresh(issue).scope == ""
    data = {"scope": "whole_system", "personal_data": "no", "workaround_available": "yes", "workaround": "Disable it"}
    assert client.post(url("issue_checklist", issue), data).status_code == 302
    row = fresh(issue)
    assert (row.scope, row.personal_data, row.workaround) == ("whole_system", "no", "Disable it")
