"""The issues API: list (filters, cursors, constant query count), count, filing, detail, PATCH, token scopes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from garrison.access.permissions import Permission
from garrison.access.roles import ROLE_PERMISSIONS
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.api_client import api_client
from garrison.issues import services
from garrison.issues.models import Channel, IssueComment, SecurityIssue
from tests.authz import world as authz_world

BASE = "/api/v1/issues"


def errors(response: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
def w(personas: Any) -> dict[str, Any]:
    return authz_world.build(personas)


def file_issue(title: str, component: Any = None, **fields: Any) -> SecurityIssue:
    report = services.ReportData(
        title=title, description=f"{title}: details", component_id=component.pk if component else None, **fields
    )
    return services.issue_intake(report=report, channel=Channel.FORM).issue


def keys(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


# --- list ------------------------------------------------------------------------------------------------------


def test_list_shows_only_visible_issues(personas, w):
    everything = [w[n].key for n in ("issue", "secret_issue", "billing_issue", "public_issue")]
    assert keys(api_client(personas.triager).get(BASE)) == everything
    assert keys(api_client(personas.developer).get(BASE)) == [w["issue"].key, w["public_issue"].key]
    assert keys(api_client(personas.admin).get(BASE)) == [w["public_issue"].key]
    assert keys(api_client(personas.auditor).get(BASE)) == [w["public_issue"].key]
    assert api_client(personas.outsider).get(BASE).status_code == 403
    assert api_client(personas.reporter).get(BASE).status_code == 403
    assert api_client(None).get(BASE).status_code == 401


def test_list_item_fields(personas, w):
    item = api_client(personas.developer).get(BASE).json()["items"][0]
    assert item["key"] == w["issue"].key
    assert item["title"] == "Stored XSS in profile"
    assert item["level"]["name"] == "Security + component team"
    assert item["component"]["name"] == "core-api"
    assert item["responsible_team"]["name"] == "Platform"
    assert (item["status"], item["severity"], item["is_public"], item["overdue"]) == ("new", "unknown", False, False)
    assert "description" not in item


def test_list_filters(personas, w):
    lead = personas.security_lead
    api = api_client(lead)
    services.issue_score(actor=lead, issue=w["issue"], vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    services.issue_transition(actor=lead, issue=w["billing_issue"], to="closed", reason="not_vulnerability")
    label = services.label_create(actor=lead, name="preparedness")
    services.issue_update(actor=lead, issue=w["public_issue"], changes={"labels": [label], "owner": personas.triager})
    issue, secret, billing, public = (w[n].key for n in ("issue", "secret_issue", "billing_issue", "public_issue"))

    assert keys(api.get(BASE, q="zebra")) == [secret]
    assert keys(api.get(BASE, q=billing.lower())) == [billing]
    assert keys(api.get(BASE, status="closed")) == [billing]
    assert keys(api.get(BASE, open="true")) == [issue, secret, public]
    assert keys(api.get(BASE, severity="critical")) == [issue]
    assert keys(api.get(BASE, priority="p1")) == [issue]
    assert keys(api.get(BASE, level=str(w["team_level"].pk))) == [issue, billing]
    assert keys(api.get(BASE, team="Payments")) == [billing]
    assert keys(api.get(BASE, team=str(w["platform"].pk))) == [issue, secret, public]
    assert keys(api.get(BASE, component="billing")) == [billing]
    assert keys(api.get(BASE, component=str(w["core_api"].pk))) == [issue, secret, public]
    assert keys(api.get(BASE, owner="triager@example.org")) == [public]
    assert keys(api.get(BASE, owner=str(personas.triager.pk))) == [public]
    assert keys(api_client(personas.triager).get(BASE, owner="me")) == [public]
    assert keys(api.get(BASE, label="preparedness")) == [public]
    assert keys(api.get(BASE, overdue="true")) == []
    assert api.get(f"{BASE}/count", status="closed").json() == {"count": 1}


def test_list_bad_filters_are_422_naming_the_field(personas, w):
    api = api_client(personas.triager)
    assert "status" in errors(api.get(BASE, status="bogus"))
    assert "severity" in errors(api.get(BASE, severity="huge"))
    assert "level" in errors(api.get(BASE, level="not-a-uuid"))
    assert errors(api.get(BASE, component="nothing-called-this")) == {"component": "no component 'nothing-called-this'"}
    assert "team" in errors(api.get(BASE, team="Nobody"))
    assert "q" in errors(api.get(BASE, q="SEC-99999999999"))
    # A team the caller may not see (Secret label) is answered like one that does not exist.
    assert "team" in errors(api.get(BASE, team="Red Cell"))
    response = api.get(BASE, cursor="garbage!")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("cursor:")
    assert api.get(BASE, limit=0).status_code == 400


def test_pagination_is_stable_and_complete(personas, w):
    for n in range(7):
        file_issue(f"extra {n}", personas.world["core_api"])
    api = api_client(personas.triager)
    first = api.get(BASE, limit=4).json()
    file_issue("arrives while paging", personas.world["core_api"])
    seen, cursor = [i["key"] for i in first["items"]], first["next_cursor"]
    while cursor:
        body = api.get(BASE, limit=4, cursor=cursor).json()
        seen += [i["key"] for i in body["items"]]
        cursor = body["next_cursor"]
    numbers = [int(k.removeprefix("SEC-")) for k in seen]
    assert numbers == sorted(numbers)
    assert len(seen) == len(set(seen)) == SecurityIssue.objects.count() == 12


def test_list_query_count_does_not_grow(personas, w):
    api = api_client(personas.developer)
    api.get(BASE)  # warm the token's first-use bookkeeping
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(BASE).json()["items"]) == 2
    for n in range(20):
        issue = file_issue(f"more {n}", personas.world["core_api"])
        services.issue_set_level(actor=personas.security_lead, issue=issue, level=w["team_level"])
    label = services.label_create(actor=personas.security_lead, name="many")
    for issue in SecurityIssue.objects.all():
        services.issue_update(
            actor=personas.security_lead, issue=issue, changes={"labels": [label], "owner": personas.triager}
        )
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(BASE, limit=100).json()["items"]) == 22
    assert len(many.captured_queries) == len(few.captured_queries)


# --- filing ----------------------------------------------------------------------------------------------------


def test_triager_files_an_internal_issue(personas, w):
    body = {
        "title": "Session fixation",
        "description": "Login keeps the session id.",
        "component": "core-api",
        "cvss_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N",
    }
    response = api_client(personas.triager).post(BASE, body)
    assert response.status_code == 201, response.content
    filed = response.json()
    assert filed["visible"] is True
    issue = SecurityIssue.objects.get(pk=filed["id"])
    assert (issue.channel, issue.title, issue.component, issue.severity) == (
        Channel.INTERNAL,
        "Session fixation",
        w["core_api"],
        "high",
    )
    assert filed["issue"]["key"] == filed["key"] == issue.key
    assert filed["issue"]["level"]["name"] == issue.security_level.name
    assert AuditEvent.objects.filter(action=AuditAction.ISSUE_CREATED, target_id=str(issue.pk)).exists()


def test_admin_files_an_issue_it_then_cannot_see(personas, w):
    response = api_client(personas.admin).post(BASE, {"title": "From the admin", "description": "d"})
    assert response.status_code == 201
    assert response.json()["visible"] is False
    assert response.json()["issue"] is None
    assert api_client(personas.admin).get(f"{BASE}/{response.json()['key']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "no title"}, "title"),
        ({"title": "no description"}, "description"),
        ({"title": "  ", "description": "blank title"}, "title"),
        ({"title": "t", "description": "d", "cvss_vector": "CVSS:3.1/AV:Q"}, "cvss_vector"),
        ({"title": "t", "description": "d", "exposure": "everywhere"}, "exposure"),
        ({"title": "t", "description": "d", "reporter_email": "not-an-email"}, "reporter_email"),
        ({"title": "t", "description": "d", "component": "no-such"}, "component"),
        ({"title": "t", "description": "d", "component": "red-cell-tooling"}, "component"),
        ({"title": "t", "description": "d", "colour": "red"}, "colour"),
        ({"title": ["a list"], "description": "d"}, "title"),
        ({"title": "t", "description": "d", "consent_to_share": "perhaps"}, "consent_to_share"),
    ],
)
def test_filing_bad_input_is_422_and_stores_nothing(personas, w, body, field):
    before = SecurityIssue.objects.count()
    response = api_client(personas.triager).post(BASE, body)
    assert response.status_code == 422, response.content
    assert field in errors(response)
    assert response.json()["detail"]
    assert SecurityIssue.objects.count() == before


def test_filing_denied_to_developer(personas, w):
    before = SecurityIssue.objects.count()
    response = api_client(personas.developer).post(BASE, {"title": "t", "description": "d"})
    assert response.status_code == 403
    assert response.json() == {"detail": f"Not allowed: needs {Permission.ISSUE_CREATE}.", "errors": []}
    assert SecurityIssue.objects.count() == before


# --- detail ----------------------------------------------------------------------------------------------------


def test_detail_for_the_security_team_has_contact_and_who_can_see(personas, w):
    body = api_client(personas.triager).get(f"{BASE}/{w['issue'].key}").json()
    assert body["title"] == "Stored XSS in profile"
    assert body["description"] == "Stored XSS in profile: details"
    assert body["reporter"] == {"name": "", "email": "finder@example.net", "user": None}
    who = {u["email"] for u in body["who_can_see"]}
    assert {"lead@example.org", "triager@example.org", "dev@example.org"} <= who
    assert "auditor@example.org" not in who and "admin@example.org" not in who
    assert set(body["sla"]) == {"acknowledge", "triage", "fix"}
    assert body["sla"]["acknowledge"]["state"] == "met"  # a reporter-visible comment acknowledged it
    assert body["checklist"]["scope"] == ""
    assert "Is personal data exposed?" in body["checklist"]["unanswered"]
    assert body["level"] == {"id": str(w["team_level"].pk), "name": "Security + component team"}


def test_detail_for_a_developer_hides_contact_and_who_can_see(personas, w):
    response = api_client(personas.developer).get(f"{BASE}/{w['issue'].key.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Stored XSS in profile"
    assert body["reporter"] is None
    assert body["who_can_see"] is None
    assert "finder@example.net" not in response.content.decode()


@pytest.mark.parametrize("key", ["SEC-0", "SEC-", "sec-x", "12", "SEC-99999999999", "SEC-1%00"])
def test_malformed_or_unknown_keys_are_404(personas, w, key):
    response = api_client(personas.triager).get(f"{BASE}/{key}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


def test_invisible_issue_is_404_like_a_missing_one(personas, w):
    api = api_client(personas.developer)
    assert api.get(f"{BASE}/{w['billing_issue'].key}").status_code == 404
    assert api.get(f"{BASE}/{w['secret_issue'].key}").status_code == 404
    assert api.get(f"{BASE}/SEC-9999").status_code == 404


# --- PATCH -----------------------------------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent(personas, w):
    lead = personas.security_lead
    label = services.label_create(actor=lead, name="preparedness")
    key = w["issue"].key
    response = api_client(lead).patch(
        f"{BASE}/{key}",
        {
            "impact": "Account takeover",
            "owner": "DEV@example.org",
            "due_on": "2026-09-30",
            "labels": [label.name],
            "exposure": "no",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["impact"], body["owner"]["email"], body["due_on"], body["labels"], body["exposure"]) == (
        "Account takeover",
        "dev@example.org",
        "2026-09-30",
        ["preparedness"],
        "no",
    )
    assert body["title"] == "Stored XSS in profile"
    event = AuditEvent.objects.filter(action=AuditAction.ISSUE_UPDATED).latest("seq")
    assert sorted(event.data["fields"]) == ["due_on", "exposure", "impact", "labels", "owner"]
    assert "Account takeover" not in str(event.data)


def test_patch_owner_by_id_component_by_name_and_clearing(personas, w):
    api = api_client(personas.triager)
    key = w["public_issue"].key
    body = api.patch(f"{BASE}/{key}", {"owner": str(personas.auditor.pk), "component": "billing"}).json()
    assert body["owner"]["email"] == "auditor@example.org"
    assert (body["component"]["name"], body["responsible_team"]["name"]) == ("billing", "Payments")
    body = api.patch(f"{BASE}/{key}", {"owner": None, "due_on": None}).json()
    assert (body["owner"], body["due_on"]) == (None, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"severity": "critical"}, "severity"),
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"title": 12}, "title"),
        ({"exposure": "sometimes"}, "exposure"),
        ({"owner": "auditor@example.org"}, "owner"),  # the auditor cannot see this embargoed issue
        ({"owner": "nobody@example.org"}, "owner"),
        ({"labels": ["no-such-label"]}, "labels"),
        ({"component": "red-cell-tooling"}, "component"),
        ({"due_on": "next week"}, "due_on"),
    ],
)
def test_patch_bad_input_is_422_and_changes_nothing(personas, w, body, field):
    issue = w["issue"]
    api = api_client(personas.triager)
    api.get("/api/v1/me")  # the token's first use is audited
    before = (issue.title, issue.updated_at, AuditEvent.objects.count())
    response = api.patch(f"{BASE}/{issue.key}", body)
    assert response.status_code == 422, response.content
    assert field in errors(response)
    issue.refresh_from_db()
    assert (issue.title, issue.updated_at, AuditEvent.objects.count()) == before


def test_patch_denied_or_hidden_changes_nothing(personas, w):
    issue = w["issue"]
    for user, status in ((personas.developer, 403), (personas.auditor, 403), (personas.admin, 404)):
        response = api_client(user).patch(f"{BASE}/{issue.key}", {"title": "pwned"})
        assert response.status_code == status
    issue.refresh_from_db()
    assert issue.title == "Stored XSS in profile"


# --- token scopes ----------------------------------------------------------------------------------------------


def test_token_without_embargoed_scope_sees_only_public_issues(personas, w):
    scopes = [str(p) for p in ROLE_PERMISSIONS[personas.triager.role] if p != Permission.ISSUE_EMBARGOED_VIEW]
    api = api_client(personas.triager, scopes)
    assert keys(api.get(BASE)) == [w["public_issue"].key]
    assert api.get(f"{BASE}/count", q="zebra").json() == {"count": 0}
    assert api.get(f"{BASE}/{w['issue'].key}").status_code == 404
    assert api.get(f"{BASE}/{w['secret_issue'].key}/comments").status_code == 404
    assert api.get(f"{BASE}/{w['public_issue'].key}").status_code == 200
    assert api.patch(f"{BASE}/{w['issue'].key}", {"title": "x"}).status_code == 404


def test_read_only_token_cannot_write(personas, w):
    api = api_client(personas.triager, [Permission.ISSUE_VIEW, Permission.ISSUE_EMBARGOED_VIEW])
    counts = (SecurityIssue.objects.count(), IssueComment.objects.count())
    assert api.get(f"{BASE}/{w['issue'].key}").status_code == 200
    assert api.patch(f"{BASE}/{w['issue'].key}", {"title": "x"}).status_code == 403
    assert api.post(BASE, {"title": "t", "description": "d"}).status_code == 403
    assert api.post(f"{BASE}/{w['issue'].key}/comments", {"body": "hi"}).status_code == 403
    w["issue"].refresh_from_db()
    assert w["issue"].title == "Stored XSS in profile"
    assert (SecurityIssue.objects.count(), IssueComment.objects.count()) == counts
