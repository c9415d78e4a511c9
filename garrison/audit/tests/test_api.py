"""/api/v1/audit/events and /api/v1/audit/verify."""

from __future__ import annotations

import pytest

from garrison.access.permissions import Permission
from garrison.audit.actions import AuditAction
from garrison.audit.chain import compute_hash
from garrison.audit.tests.conftest import add_event, add_events, raw_sql, triggers_dropped

EVENTS = "/api/v1/audit/events"
VERIFY = "/api/v1/audit/verify"
VIEW = str(Permission.AUDIT_VIEW)


def _seqs(response) -> list[int]:
    return [item["seq"] for item in response.json()["items"]]


def test_list_returns_events_in_chain_order_with_hashes(personas, bearer):
    first = add_event(AuditAction.TEAM_CREATED, actor=personas.admin, data={"name": "Platform"})
    headers = bearer(personas.auditor, VIEW)

    response = personas.client("anonymous").get(EVENTS, {"action": "org.team_created"}, **headers)

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "seq": 1,
                "created_at": first.created_at.isoformat(),
                "actor_id": str(personas.admin.pk),
                "actor_label": "admin@example.org",
                "action": "org.team_created",
                "target_type": "",
                "target_id": "",
                "ip": None,
                "user_agent": "",
                "via": "cli",
                "data": {"name": "Platform"},
                "prev_hash": first.prev_hash,
                "hash": first.hash,
            }
        ],
        "next_cursor": None,
    }


def test_list_pages_with_a_cursor(personas, bearer):
    add_events(5)
    headers = bearer(personas.auditor, VIEW)
    client = personas.client("anonymous")
    query = {"action": "org.team_created", "limit": 2}

    first = client.get(EVENTS, query, **headers)
    second = client.get(EVENTS, {**query, "cursor": first.json()["next_cursor"]}, **headers)
    third = client.get(EVENTS, {**query, "cursor": second.json()["next_cursor"]}, **headers)

    assert (_seqs(first), _seqs(second), _seqs(third)) == ([1, 2], [3, 4], [5])
    assert third.json()["next_cursor"] is None


def test_list_filters_by_actor_email(personas, bearer):
    add_event(AuditAction.TEAM_CREATED, actor=personas.admin)
    add_event(AuditAction.TEAM_CREATED, actor=personas.security_lead)
    headers = bearer(personas.auditor, VIEW)

    response = personas.client("anonymous").get(EVENTS, {"actor_email": "lead@example.org"}, **headers)

    assert _seqs(response) == [2]


def test_list_refuses_an_unknown_action(personas, bearer):
    headers = bearer(personas.auditor, VIEW)

    response = personas.client("anonymous").get(EVENTS, {"action": "nope"}, **headers)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["action"]


def test_list_refuses_a_forged_cursor(personas, bearer):
    headers = bearer(personas.auditor, VIEW)

    response = personas.client("anonymous").get(EVENTS, {"cursor": "bm9wZQ"}, **headers)

    assert response.status_code == 400


@pytest.mark.parametrize("url", [EVENTS, VERIFY])
@pytest.mark.parametrize("persona", ["triager", "developer", "outsider"])
def test_roles_without_audit_view_get_403(personas, bearer, url, persona):
    headers = bearer(personas.user(persona), VIEW)

    response = personas.client("anonymous").get(url, **headers)

    assert response.status_code == 403


@pytest.mark.parametrize("url", [EVENTS, VERIFY])
def test_token_without_the_audit_scope_gets_403(personas, bearer, url):
    headers = bearer(personas.admin, str(Permission.TEAM_VIEW))

    response = personas.client("anonymous").get(url, **headers)

    assert response.status_code == 403


@pytest.mark.parametrize("url", [EVENTS, VERIFY])
def test_no_token_gets_401(personas, url):
    response = personas.client("auditor").get(url)

    assert response.status_code == 401


def test_list_query_count_does_not_grow_with_rows(personas, bearer, django_assert_num_queries):
    headers = bearer(personas.auditor, VIEW)
    client = personas.client("anonymous")
    client.get(EVENTS, **headers)  # first use of a token is audited once; keep it out of the count
    add_events(60)

    # the token with its user (one join), then one page of events
    with django_assert_num_queries(2):
        response = client.get(EVENTS, {"limit": 50}, **headers)
    assert len(response.json()["items"]) == 50


def test_verify_reports_an_intact_chain(personas, bearer):
    add_events(3)
    headers = bearer(personas.auditor, VIEW)

    response = personas.client("anonymous").get(VERIFY, **headers)

    assert response.json() == {"ok": True, "first_broken_seq": None, "reason": ""}


def test_verify_reports_the_first_broken_event(personas, bearer):
    add_events(3)
    headers = bearer(personas.auditor, VIEW)
    with triggers_dropped():
        raw_sql("UPDATE audit_auditevent SET data = %s WHERE seq = %s", ['{"n": 99}', 2])

    response = personas.client("anonymous").get(VERIFY, **headers)

    assert response.json() == {
        "ok": False,
        "first_broken_seq": 2,
        "reason": "content does not match its hash (the row was changed)",
    }


def test_list_items_rehash_to_their_hash(personas, bearer):
    add_event(AuditAction.TEAM_CREATED, actor=personas.admin, data={"name": "Platform", "n": [1, 2]})
    headers = bearer(personas.auditor, VIEW)

    item = personas.client("anonymous").get(EVENTS, {"action": "org.team_created"}, **headers).json()["items"][0]

    digest = item.pop("hash")
    assert compute_hash(item) == digest
