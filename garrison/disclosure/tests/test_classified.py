"""A classified component (a label the viewer may not see) never shows through the disclosure pages: the draft
advisory that names it is hidden, the distribution lists do not name it, and its clients' contacts are counted,
not listed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from garrison.access.models import ClassificationLabel
from garrison.core import clock
from garrison.disclosure import services, services_lists
from garrison.disclosure.selectors import advisories_visible_to
from garrison.disclosure.tests.lists_support import fixed_issue
from garrison.org.models import Client, ClientContact
from garrison.org.selectors import clients_visible_to, components_visible_to

pytestmark = pytest.mark.django_db


def _secret(record):
    record.classification = ClassificationLabel.objects.get(name="Secret")
    record.save()
    return record


@pytest.fixture(autouse=True)
def _lead_sees_secret(personas):
    """The security lead is given the "Secret" label (nobody has it by default); the triager is not."""
    ClassificationLabel.objects.get(name="Secret").users.add(personas.security_lead)


def test_a_draft_naming_a_classified_component_is_hidden_from_who_may_not_see_it(personas):
    lead = personas.security_lead
    advisory = services.advisory_draft(actor=lead, issues=[fixed_issue(personas)])
    core = _secret(personas.world["core_api"])
    assert not components_visible_to(actor=personas.triager).filter(pk=core.pk).exists()

    assert not advisories_visible_to(actor=personas.triager).filter(pk=advisory.pk).exists()
    assert advisories_visible_to(actor=lead).filter(pk=advisory.pk).exists()
    triager = personas.client("triager")
    for url in (f"/disclosure/{advisory.identifier}/", f"/disclosure/{advisory.identifier}/export/csaf"):
        response = triager.get(url)
        assert response.status_code == 404
        assert core.name not in response.content.decode()
    assert core.name not in triager.get("/disclosure/").content.decode()


def test_the_lists_page_does_not_name_a_classified_component(personas):
    core = _secret(personas.world["core_api"])
    services_lists.list_save(actor=personas.security_lead, name="Partners", components=[core])

    page = personas.client("triager").get("/disclosure/lists/").content.decode()

    assert "Partners" in page
    assert core.name not in page
    assert "others you may not see" in page
    assert core.name in personas.client("security_lead").get("/disclosure/lists/").content.decode()


def test_contacts_of_a_classified_client_are_counted_not_listed(personas):
    lead = personas.security_lead
    advisory = services.advisory_draft(actor=lead, issues=[fixed_issue(personas)])
    ends = clock.now() + timedelta(days=2)
    advisory = services.advisory_prenotify(actor=lead, advisory=advisory, embargo_ends_at=ends)
    hidden = _secret(Client.objects.create(name="Quiet Bank"))
    ClientContact.objects.create(client=hidden, name="Ops", email="ops@quiet-bank.example")
    services_lists.list_save(actor=lead, name="Customers", clients=[hidden])
    assert not clients_visible_to(actor=personas.triager).filter(pk=hidden.pk).exists()

    url = f"/disclosure/lists/send/{advisory.identifier}"
    page = personas.client("triager").get(url).content.decode()

    assert "ops@quiet-bank.example" not in page
    assert "1 contact of clients you may not see" in page
    assert "ops@quiet-bank.example" in personas.client("security_lead").get(url).content.decode()


def test_a_pre_notified_advisory_links_to_its_send_page(personas):
    lead = personas.security_lead
    advisory = services.advisory_draft(actor=lead, issues=[fixed_issue(personas)])
    client = personas.client("security_lead")
    send = f"/disclosure/lists/send/{advisory.identifier}"
    assert send not in client.get(f"/disclosure/{advisory.identifier}/").content.decode()  # private: not yet

    services.advisory_prenotify(actor=lead, advisory=advisory, embargo_ends_at=clock.now() + timedelta(days=2))

    assert send in client.get(f"/disclosure/{advisory.identifier}/").content.decode()
