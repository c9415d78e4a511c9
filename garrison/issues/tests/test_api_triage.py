"""The issues API, triage: CVSS score, status transitions, security level, public flag, investigation checklist."""

from __future__ import annotations

from typing import Any

import pytest

from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.api_client import ApiClient, make_token
from garrison.issues.models import SecurityIssue
from tests.authz import world as authz_world

BASE = "/api/v1/issues"
CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


Api = ApiClient


def api_client(user: Any) -> Api:
    return Api(make_token(user))


def errors(response: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
def w(personas: Any) -> dict[str, Any]:
    return authz_world.build(personas)


def snapshot(issue: SecurityIssue) -> tuple[Any, ...]:
    issue.refresh_from_db()
    return (issue.updated_at, issue.status, issue.cvss_vector, issue.is_public, issue.security_level_id, issue.scope)


def refused(api: Any, method: str, url: str, body: dict[str, Any], issue: SecurityIssue, status: int = 422) -> Any:
    """Send a request that must be refused and check nothing changed (the issue and the audit log)."""
    api.get("/api/v1/me")  # the token's first use is audited
    before = (snapshot(issue), AuditEvent.objects.count())
    response = getattr(api, method)(url, body)
    assert response.status_code == status, response.content
    assert (snapshot(issue), AuditEvent.objects.count()) == before
    return response


# --- score -----------------------------------------------------------------------------------------------------


def test_score_sets_severity_priority_and_is_audited(personas, w):
    response = api_client(personas.triager).post(f"{BASE}/{w['issue'].key}/score", {"vector": CRITICAL})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["cvss_vector"], body["cvss_score"], body["severity"], body["priority"]) == (
        CRITICAL,
        9.8,
        "critical",
        "p1",
    )
    assert body["sla"]["fix"]["due_at"] is not None
    assert AuditEvent.objects.filter(action=AuditAction.ISSUE_SCORED, target_id=str(w["issue"].pk)).exists()


def test_empty_vector_clears_the_score(personas, w):
    api = api_client(personas.triager)
    api.post(f"{BASE}/{w['issue'].key}/score", {"vector": CRITICAL})
    body = api.post(f"{BASE}/{w['issue'].key}/score", {"vector": ""}).json()
    assert (body["cvss_vector"], body["cvss_score"], body["severity"], body["priority"]) == ("", None, "unknown", "")


@pytest.mark.parametrize(
    ("vector", "metric"),
    [("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q", "A"), ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "A")],
)
def test_invalid_vector_is_422_naming_the_metric(personas, w, vector, metric):
    response = refused(
        api_client(personas.triager), "post", f"{BASE}/{w['issue'].key}/score", {"vector": vector}, w["issue"]
    )
    message = errors(response)["vector"]
    assert metric in message and "CVSS" in message


def test_score_wrong_type_or_missing_is_422(personas, w):
    api = api_client(personas.triager)
    url = f"{BASE}/{w['issue'].key}/score"
    assert "vector" in errors(refused(api, "post", url, {}, w["issue"]))
    assert "vector" in errors(refused(api, "post", url, {"vector": ["CVSS:3.1"]}, w["issue"]))
    assert "score" in errors(refused(api, "post", url, {"vector": CRITICAL, "score": 10}, w["issue"]))


def test_score_denied_to_developer_and_hidden_from_admin(personas, w):
    url = f"{BASE}/{w['issue'].key}/score"
    refused(api_client(personas.developer), "post", url, {"vector": CRITICAL}, w["issue"], status=403)
    refused(api_client(personas.admin), "post", url, {"vector": CRITICAL}, w["issue"], status=404)


# --- transitions -----------------------------------------------------------------------------------------------


def test_transitions_through_triage_and_close_as_duplicate(personas, w):
    api = api_client(personas.triager)
    url = f"{BASE}/{w['issue'].key}/transition"
    assert api.post(url, {"to": "triage", "note": "on it"}).json()["status"] == "triage"
    body = api.post(url, {"to": "closed", "reason": "duplicate", "duplicate_of": w["billing_issue"].key}).json()
    assert (body["status"], body["close_reason"], body["duplicate_of"]) == ("closed", "duplicate", "SEC-3")
    assert body["closed_at"] is not None
    # The developer may see the issue but not the one it duplicates: the key is not shown to them.
    assert api_client(personas.developer).get(f"{BASE}/{w['issue'].key}").json()["duplicate_of"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "closed"}, "reason"),
        ({"to": "closed", "reason": "bored"}, "reason"),
        ({"to": "finished"}, "to"),
        ({"to": "fixed"}, "to"),  # new -> fixed is not a move
        ({"to": "disclosed"}, "to"),
        ({}, "to"),
        ({"to": "closed", "reason": "duplicate"}, "duplicate_of"),
        ({"to": "closed", "reason": "duplicate", "duplicate_of": "yesterday's"}, "duplicate_of"),
        ({"to": "closed", "reason": "duplicate", "duplicate_of": "SEC-4242"}, "duplicate_of"),
        ({"to": "closed", "reason": "duplicate", "duplicate_of": "SEC-1"}, "duplicate_of"),  # itself
        ({"to": "triage", "note": 5}, "note"),
    ],
)
def test_bad_transitions_are_422_and_change_nothing(personas, w, body, field):
    response = refused(api_client(personas.triager), "post", f"{BASE}/{w['issue'].key}/transition", body, w["issue"])
    assert field in errors(response), response.json()


def test_impossible_move_lists_the_possible_ones(personas, w):
    response = api_client(personas.triager).post(f"{BASE}/{w['issue'].key}/transition", {"to": "fixed"})
    assert "possible: in triage, closed" in errors(response)["to"]


def test_duplicate_must_be_an_issue_the_closer_can_see(personas, w):
    # The admin triages public issues only: an embargoed issue is "not visible", and its title is not echoed.
    response = refused(
        api_client(personas.admin),
        "post",
        f"{BASE}/{w['public_issue'].key}/transition",
        {"to": "closed", "reason": "duplicate", "duplicate_of": w["secret_issue"].key},
        w["public_issue"],
    )
    message = errors(response)["duplicate_of"]
    assert "does not exist or is not visible" in message
    assert authz_world.EMBARGO_MARKER not in response.content.decode()


# --- level and public ------------------------------------------------------------------------------------------


def test_level_by_name_or_id_moves_who_may_see(personas, w):
    api = api_client(personas.security_lead)
    dev = api_client(personas.developer)
    key = w["secret_issue"].key
    assert dev.get(f"{BASE}/{key}").status_code == 404
    body = api.put(f"{BASE}/{key}/level", {"level": "Security + component team"}).json()
    assert body["level"]["name"] == "Security + component team"
    assert dev.get(f"{BASE}/{key}").status_code == 200
    most_restrictive = min(w["levels"].values(), key=lambda level: level.rank)
    api.put(f"{BASE}/{key}/level", {"level": str(most_restrictive.pk)})
    assert dev.get(f"{BASE}/{key}").status_code == 404
    assert (
        AuditEvent.objects.filter(action=AuditAction.ISSUE_LEVEL_CHANGED, target_id=str(w["secret_issue"].pk)).count()
        == 2
    )


@pytest.mark.parametrize("body", [{"level": "Everyone please"}, {"level": ""}, {}, {"level": None}])
def test_unknown_level_is_422(personas, w, body):
    response = refused(api_client(personas.triager), "put", f"{BASE}/{w['issue'].key}/level", body, w["issue"])
    assert "level" in errors(response)


def test_make_public_needs_a_reason_and_admin_loses_sight_when_embargoed_again(personas, w):
    api = api_client(personas.triager)
    key = w["public_issue"].key
    assert "reason" in errors(
        refused(api, "put", f"{BASE}/{key}/public", {"public": False, "reason": " "}, w["public_issue"])
    )
    assert "public" in errors(refused(api, "put", f"{BASE}/{key}/public", {"reason": "x"}, w["public_issue"]))
    response = api_client(personas.admin).put(
        f"{BASE}/{key}/public", {"public": False, "reason": "not public after all"}
    )
    assert response.status_code == 204  # done, and now out of the admin's sight
    assert api_client(personas.admin).get(f"{BASE}/{key}").status_code == 404
    assert api.put(f"{BASE}/{key}/public", {"public": True, "reason": "it is"}).json()["is_public"] is True


# --- checklist -------------------------------------------------------------------------------------------------


def test_checklist_answers_are_partial(personas, w):
    api = api_client(personas.triager)
    url = f"{BASE}/{w['issue'].key}/checklist"
    body = api.put(url, {"scope": "one_app", "workaround_available": "yes", "workaround": "disable profiles"}).json()
    assert (body["checklist"]["scope"], body["checklist"]["workaround"]) == ("one_app", "disable profiles")
    assert "Does it affect one application or the whole system?" not in body["checklist"]["unanswered"]
    body = api.put(url, {"layer": "backend"}).json()["checklist"]
    assert (body["scope"], body["layer"], body["workaround"]) == ("one_app", "backend", "disable profiles")
    event = AuditEvent.objects.filter(action=AuditAction.ISSUE_CHECKLIST_UPDATED).latest("seq")
    assert event.data == {"fields": ["layer"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scope": "galaxy"}, "scope"),
        ({"personal_data": "maybe"}, "personal_data"),
        ({"workaround_available": "yes"}, "workaround"),
        ({"scope": None}, "scope"),
        ({"risk": "high"}, "risk"),
    ],
)
def test_checklist_bad_answers_are_422(personas, w, body, field):
    response = refused(api_client(personas.triager), "put", f"{BASE}/{w['issue'].key}/checklist", body, w["issue"])
    assert field in errors(response)
