"""The notify pages and API as each persona sees them."""

from __future__ import annotations

from datetime import timedelta

from garrison.core import clock
from garrison.core.tests.api_client import api_client
from garrison.notify.models import Delivery, DeliveryStatus, Notification, OnCallShift, Page


def _page_for(personas, issue, user):
    now = clock.now()
    return Page.objects.create(issue=issue, user=user, sent_at=now, escalate_at=now + timedelta(minutes=15))


def test_nav_shows_unread_count_and_mark_read(personas):
    Notification.objects.create(user=personas.triager, text="New security report SEC-9 needs triage: x", link="/x")
    Notification.objects.create(user=personas.security_lead, text="someone else's")
    client = personas.client("triager")

    nav = client.get("/notify/on-call/").content.decode()
    assert 'Notifications<span hx-get="/notify/unread" hx-trigger="load"' in nav
    assert client.get("/notify/unread").content.decode() == " (1 unread)"
    listing = client.get("/notify/").content.decode()
    assert "SEC-9 needs triage" in listing and "someone else" not in listing
    mine = Notification.objects.get(user=personas.triager)
    response = client.post(f"/notify/{mine.pk}/read", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "read" in response.content.decode()
    assert client.get("/notify/unread").content.decode() == " (0 unread)"
    assert client.post(f"/notify/{Notification.objects.get(user=personas.security_lead).pk}/read").status_code == 404
    assert "/notify/unread" not in personas.client("reporter").get("/notify/").content.decode()


def test_rota_page_and_adding_a_shift(personas):
    lead = personas.client("security_lead")
    response = lead.post(
        "/notify/on-call/shifts/new",
        {"user": personas.triager.pk, "starts_at": "2031-01-05T08:00", "ends_at": "2031-01-05T16:00", "position": 0},
    )
    assert response.status_code == 302
    shift = OnCallShift.objects.get()
    assert (shift.user, shift.created_by, shift.starts_at.hour) == (personas.triager, personas.security_lead, 8)
    bad = lead.post(
        "/notify/on-call/shifts/new",
        {"user": personas.triager.pk, "starts_at": "2031-01-05T08:00", "ends_at": "2031-01-05T07:00", "position": 0},
    )
    assert bad.status_code == 422 and "The end must be after the start." in bad.content.decode()

    now = clock.now()
    OnCallShift.objects.create(
        user=personas.developer, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    page = personas.client("developer").get("/notify/on-call/").content.decode()
    assert "Dev Eloper" in page and "paged first" in page
    assert "Add a shift" not in page and "Add a shift" in lead.get("/notify/on-call/").content.decode()


def test_delivery_log_hides_deliveries_of_issues_the_viewer_cannot_see(personas, file_report):
    issue = file_report(email="").issue  # security team only
    Delivery.objects.create(
        channel="email", recipient="ops@example.org", subject="Digest", status=DeliveryStatus.FAILED
    )

    lead = personas.client("security_lead").get("/notify/deliveries/").content.decode()
    auditor = personas.client("auditor").get("/notify/deliveries/").content.decode()
    triager = personas.client("triager").get("/notify/deliveries/").content.decode()
    assert issue.key in lead and "triager@example.org" in lead
    assert issue.key not in auditor and "triager@example.org" not in auditor and "ops@example.org" in auditor
    assert "Retry<span" in lead and "Retry<span" not in triager


def test_page_ack_link_confirms_then_acknowledges(personas, file_report):
    page = _page_for(personas, file_report(email="").issue, personas.triager)
    client = personas.client("triager")
    confirm = client.get(f"/notify/pages/{page.pk}/ack")
    assert confirm.status_code == 200 and "Acknowledge" in confirm.content.decode()
    page.refresh_from_db()
    assert page.acknowledged_at is None  # GET does not acknowledge
    assert client.post(f"/notify/pages/{page.pk}/ack").status_code == 302
    page.refresh_from_db()
    assert page.acknowledged_by == personas.triager
    assert personas.client("developer").get(f"/notify/pages/{page.pk}/ack").status_code == 404


def test_api_on_call_deliveries_and_ack(personas, file_report):
    now = clock.now()
    OnCallShift.objects.create(
        user=personas.triager, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    issue = file_report(email="").issue
    page = _page_for(personas, issue, personas.triager)

    duty = api_client(personas.developer).get("/api/v1/notify/on-call").json()
    assert [p["email"] for p in duty["on_duty"]] == ["triager@example.org"]

    lead = api_client(personas.security_lead)
    items = lead.get("/api/v1/notify/deliveries", status="sent").json()["items"]
    assert {i["issue_key"] for i in items} == {issue.key}
    assert api_client(personas.auditor).get("/api/v1/notify/deliveries").json()["items"] == []

    assert api_client(personas.developer).post(f"/api/v1/notify/pages/{page.pk}/ack").status_code == 404
    response = api_client(personas.triager).post(f"/api/v1/notify/pages/{page.pk}/ack")
    assert response.status_code == 200
    assert response.json()["acknowledged_by"] == "triager@example.org"
    again = lead.post(f"/api/v1/notify/pages/{page.pk}/ack")
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "page"


def test_no_unread_badge_while_two_factor_enrolment_is_pending(db):
    from django.test import Client

    from garrison.access.roles import Role
    from garrison.core.tests.personas import make_user

    client = Client()
    client.force_login(make_user("new@example.org", Role.TRIAGER, mfa=False))
    page = client.get("/account/2fa/setup").content.decode()
    assert "Sign out" in page and "/notify/unread" not in page
