"""The audit page: who may open it, filters, keyset pagination, constant queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from garrison.audit.actions import AuditAction
from garrison.audit.tests.conftest import add_event, add_events
from garrison.audit.views import PAGE_SIZE

URL = reverse("audit:event_list")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("security_lead", 200),
        ("auditor", 200),
        ("triager", 403),
        ("developer", 403),
        ("outsider", 403),
        ("reporter", 403),
    ],
)
def test_audit_page_access_per_role(personas, persona, status):
    response = personas.client(persona).get(URL)

    assert response.status_code == status


def test_anonymous_is_sent_to_sign_in(personas):
    response = personas.client("anonymous").get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_denied_role_sees_no_event(personas):
    add_event(AuditAction.TEAM_CREATED, actor=personas.admin, data={"name": "secret-team"})

    response = personas.client("triager").get(URL)

    assert b"secret-team" not in response.content


def test_page_lists_events_newest_first_with_utc_time(personas):
    add_event(AuditAction.TEAM_CREATED, actor=personas.admin, data={"name": "Platform"})
    add_event(AuditAction.TEAM_UPDATED, actor=personas.security_lead, data={"name": "Payments"})

    response = personas.client("auditor").get(URL)

    assert [e.seq for e in response.context["events"]] == [2, 1]
    stamp = response.context["events"][0].created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert stamp.encode() in response.content
    assert b"name=Payments" in response.content
    assert b"lead@example.org" in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor_email": "LEAD@example.org"}, [2]),
        ({"action": AuditAction.TEAM_UPDATED.value}, [3, 2]),
        ({"target_type": "accounts.user"}, [3, 1]),
    ],
)
def test_filters_narrow_the_list(personas, query, expected):
    add_event(AuditAction.TEAM_CREATED, actor=personas.admin, target=personas.developer)
    add_event(AuditAction.TEAM_UPDATED, actor=personas.security_lead)
    add_event(AuditAction.TEAM_UPDATED, actor=personas.admin, target=personas.triager)

    response = personas.client("admin").get(URL, query)

    assert [e.seq for e in response.context["events"]] == expected


def test_target_id_filter(personas):
    add_event(AuditAction.USER_UPDATED, target=personas.developer)
    add_event(AuditAction.USER_UPDATED, target=personas.triager)

    response = personas.client("admin").get(URL, {"target_id": str(personas.triager.pk)})

    assert [e.seq for e in response.context["events"]] == [2]


def test_date_filters_are_whole_utc_days(personas):
    add_events(2)
    today = datetime.now(UTC).date().isoformat()

    on_today = personas.client("admin").get(URL, {"since": today, "until": today})
    before = personas.client("admin").get(URL, {"until": "2000-01-01"})

    assert [e.seq for e in on_today.context["events"]] == [2, 1]
    assert list(before.context["events"]) == []


def test_reversed_dates_are_an_error_on_the_field(personas):
    add_events(1)

    response = personas.client("admin").get(URL, {"since": "2025-02-01", "until": "2025-01-01"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"until": ["must be on or after the From date (2025-02-01)"]}
    assert list(response.context["events"]) == []


def test_unknown_action_is_refused(personas):
    add_events(1)

    response = personas.client("admin").get(URL, {"action": "nope"})

    assert "action" in response.context["form"].errors
    assert list(response.context["events"]) == []


def test_older_link_pages_by_seq(personas):
    add_events(PAGE_SIZE + 5)
    client = personas.client("auditor")

    first = client.get(URL)
    second = client.get(URL, {"cursor": first.context["next_cursor"]})

    assert first.context["next_cursor"] == 6
    assert [e.seq for e in first.context["events"]] == list(range(PAGE_SIZE + 5, 5, -1))
    assert [e.seq for e in second.context["events"]] == [5, 4, 3, 2, 1]
    assert second.context["next_cursor"] is None
    assert b'cursor=6">Older events' in first.content


def test_older_link_keeps_the_filter(personas):
    add_events(PAGE_SIZE + 1, AuditAction.TEAM_UPDATED)

    response = personas.client("auditor").get(URL, {"action": AuditAction.TEAM_UPDATED.value})

    assert b"?action=org.team_updated&amp;cursor=2" in response.content


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_page_query_count_does_not_grow_with_rows(personas, django_assert_num_queries):
    client = personas.client("auditor")
    add_events(3)
    few = _page_queries(client)
    add_events(PAGE_SIZE + 10)

    # session, user, one page of events
    with django_assert_num_queries(3):
        client.get(URL)
    assert _page_queries(client) == few


def test_export_links_shown_to_exporters(personas):
    response = personas.client("auditor").get(URL, {"action": AuditAction.TEAM_CREATED.value})

    assert f"{reverse('audit:export_csv')}?action=org.team_created".encode() in response.content
    assert f"{reverse('audit:export_jsonl')}?action=org.team_created".encode() in response.content
