"""The distribution-list pages and API: field errors with nothing saved, fingerprints (never keys) in the API, and
the send page showing each recipient's delivery status."""

from __future__ import annotations

from datetime import timedelta

import pytest

from garrison.core import clock
from garrison.core.tests.api_client import api_client
from garrison.disclosure import services, services_lists
from garrison.disclosure.models_lists import DistributionList, Recipient
from garrison.disclosure.tests.lists_support import TITLE, fixed_issue, keypair

pytestmark = pytest.mark.django_db


def test_the_recipient_form_reports_a_bad_key_and_saves_nothing(personas):
    dl = services_lists.list_save(actor=personas.security_lead, name="Partners")
    client = personas.client("security_lead")
    url = f"/disclosure/lists/{dl.pk}/recipients/new"
    response = client.post(url, {"email": "a@example.net", "time_zone": "UTC", "pgp_public_key": "garbage"})
    assert response.status_code == 422
    assert "OpenPGP public key" in response.content.decode()
    response = client.post(url, {"email": "a@example.net", "time_zone": "Moon/Base"})
    assert response.status_code == 422 and "Unknown time zone" in response.content.decode()
    assert not Recipient.objects.exists()
    with keypair("a@example.net") as key:
        response = client.post(url, {"email": "a@example.net", "time_zone": "Asia/Tokyo", "pgp_public_key": key.public})
        assert response.status_code == 302
        page = client.get("/disclosure/lists/").content.decode()
        assert key.fingerprint in page and "<details>" in page


def test_the_api_creates_lists_and_recipients_and_shows_fingerprints_only(personas):
    lead = api_client(personas.security_lead)
    created = lead.post("/api/v1/distribution-lists", {"name": "Customers", "components": []})
    assert created.status_code == 201, created.json()
    list_id = created.json()["id"]
    with keypair("c@example.net") as key:
        added = lead.post(
            f"/api/v1/distribution-lists/{list_id}/recipients",
            {"email": "c@example.net", "time_zone": "Europe/Paris", "pgp_public_key": key.public},
        )
        assert added.status_code == 201 and added.json()["pgp_fingerprint"] == key.fingerprint
    bad = lead.post(f"/api/v1/distribution-lists/{list_id}/recipients", {"email": "d@example.net", "time_zone": "X/Y"})
    assert bad.status_code in (400, 422)
    assert [e["field"] for e in bad.json()["errors"]] == ["time_zone"]
    one = lead.get(f"/api/v1/distribution-lists/{list_id}").json()
    assert [r["email"] for r in one["recipients"]] == ["c@example.net"]
    assert "BEGIN PGP" not in str(one)
    assert api_client(personas.triager).post("/api/v1/distribution-lists", {"name": "Nope"}).status_code == 403
    assert DistributionList.objects.count() == 1


def test_the_send_page_sends_and_shows_each_delivery_status(personas, django_capture_on_commit_callbacks, mailoutbox):
    lead = personas.security_lead
    advisory = services.advisory_draft(actor=lead, issues=[fixed_issue(personas)])
    dl = services_lists.list_save(actor=lead, name="Partners")
    services_lists.recipient_save(actor=lead, distribution_list=dl, email="p@example.net", time_zone="Asia/Tokyo")
    client = personas.client("security_lead")
    url = f"/disclosure/lists/send/{advisory.identifier}"
    assert client.post(url).status_code == 422  # still private: refused
    services.advisory_prenotify(actor=lead, advisory=advisory, embargo_ends_at=clock.now() + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    page = client.get(url).content.decode()
    assert "p@example.net" in page and ">sent<" in page
    assert [m.to for m in mailoutbox] == [["p@example.net"]]
    assert TITLE not in mailoutbox[0].subject and TITLE in mailoutbox[0].body
