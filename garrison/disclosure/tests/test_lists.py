"""Distribution lists: key and time-zone validation, who receives an advisory, refusals, failures that never fall
back to clear text, and the 'fix already public' rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from garrison.access.policy import AccessDenied
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core import clock
from garrison.disclosure import pgp, services, services_lists
from garrison.disclosure.models import DisclosureLevel
from garrison.disclosure.models_lists import PreNotification, PreNotificationStatus, Recipient
from garrison.disclosure.tests.lists_support import TITLE, fixed_issue, keypair, smtp_server
from garrison.org.models import Client, ClientContact

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisory(personas):
    return services.advisory_draft(actor=personas.security_lead, issues=[fixed_issue(personas)])


@pytest.fixture
def trusted(personas, advisory):
    return services.advisory_prenotify(
        actor=personas.security_lead, advisory=advisory, embargo_ends_at=clock.now() + timedelta(days=2)
    )


@pytest.fixture
def partners(personas):
    return services_lists.list_save(actor=personas.security_lead, name="Partners")


def test_an_invalid_key_is_a_field_error_and_nothing_is_saved(personas, partners):
    for bad in ("not a key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----"):
        with pytest.raises(ValidationError) as exc:
            services_lists.recipient_save(
                actor=personas.security_lead, distribution_list=partners, email="a@example.net", pgp_public_key=bad
            )
        assert "pgp_public_key" in exc.value.message_dict
    assert not Recipient.objects.exists()


def test_a_secret_key_and_an_expired_key_are_refused(personas, partners):
    with keypair("k@example.net", expire="1d") as key:
        with pytest.raises(ValidationError) as exc:
            pgp.key_info(key.secret)
        assert "secret" in exc.value.message_dict["pgp_public_key"][0]
        with pytest.raises(ValidationError) as exc:
            pgp.key_info(key.public, now=clock.now() + timedelta(days=3))
        assert "expired" in exc.value.message_dict["pgp_public_key"][0]
        info = pgp.key_info(key.public)
        assert info.fingerprint == key.fingerprint and "k@example.net" in info.uids[0]
        row = services_lists.recipient_save(
            actor=personas.security_lead, distribution_list=partners, email="K@example.net", pgp_public_key=key.public
        )
    assert (row.email, row.pgp_fingerprint) == ("k@example.net", key.fingerprint)


def test_an_unknown_time_zone_is_refused(personas, partners):
    for zone in ("Mars/Olympus_Mons", "../../etc/passwd", ""):
        with pytest.raises(ValidationError) as exc:
            services_lists.recipient_save(
                actor=personas.security_lead, distribution_list=partners, email="a@example.net", time_zone=zone
            )
        assert "time_zone" in exc.value.message_dict
    assert not Recipient.objects.exists()


def test_only_leads_and_admins_manage_lists(personas, partners):
    for name in ("triager", "developer", "auditor"):
        with pytest.raises(AccessDenied):
            services_lists.list_save(actor=personas.user(name), name=f"by {name}")
    services_lists.recipient_save(actor=personas.admin, distribution_list=partners, email="b@example.net")
    assert AuditEvent.objects.filter(action=AuditAction.RECIPIENT_SAVED).count() == 1


def test_a_private_advisory_is_not_sent(personas, advisory, partners):
    services_lists.recipient_save(actor=personas.security_lead, distribution_list=partners, email="a@example.net")
    with pytest.raises(ValidationError) as exc:
        services_lists.advisory_send_prenotification(actor=personas.security_lead, advisory=advisory)
    assert "level" in exc.value.message_dict
    assert not PreNotification.objects.exists()
    with pytest.raises(AccessDenied):
        services_lists.advisory_send_prenotification(actor=personas.triager, advisory=advisory)


def test_recipients_follow_component_subscriptions_and_client_contacts(personas, trusted):
    lead, world = personas.security_lead, personas.world
    everything = services_lists.list_save(actor=lead, name="Everything")
    core = services_lists.list_save(actor=lead, name="Core", components=[world["core_api"]])
    billing = services_lists.list_save(actor=lead, name="Billing", components=[world["billing"]])
    client = Client.objects.create(name="Acme")
    ClientContact.objects.create(client=client, email="sec@acme.example", name="Acme PSIRT")
    ClientContact.objects.create(client=client, email="dup@example.net")
    core = services_lists.list_save(
        actor=lead, distribution_list=core, name="Core", components=[world["core_api"]], clients=[client]
    )
    services_lists.recipient_save(actor=lead, distribution_list=everything, email="all@example.net")
    services_lists.recipient_save(actor=lead, distribution_list=core, email="dup@example.net", time_zone="Europe/Paris")
    services_lists.recipient_save(actor=lead, distribution_list=billing, email="billing@example.net")
    targets = services_lists.recipients_for(trusted)
    assert [(t.email, t.time_zone) for t in targets] == [
        ("all@example.net", "UTC"),
        ("dup@example.net", "Europe/Paris"),
        ("sec@acme.example", "UTC"),
    ]
    assert [t.email for t in services_lists.recipients_for(trusted, lists=[everything])] == ["all@example.net"]


def test_a_key_that_fails_at_send_gets_nothing_and_a_failed_row(
    personas, trusted, partners, settings, monkeypatch, django_capture_on_commit_callbacks
):
    lead = personas.security_lead
    with keypair("short@example.net", expire="1d") as key, smtp_server(settings) as sink:
        services_lists.recipient_save(
            actor=lead, distribution_list=partners, email="short@example.net", pgp_public_key=key.public
        )
        services_lists.recipient_save(actor=lead, distribution_list=partners, email="plain@example.net")
        later = clock.now() + timedelta(days=3)
        monkeypatch.setattr(clock, "now", lambda: later)  # the key has expired by the time we send
        with django_capture_on_commit_callbacks(execute=True):
            rows = services_lists.advisory_send_prenotification(actor=lead, advisory=trusted)
    by_email = {r.email: r for r in rows}
    failed = by_email["short@example.net"]
    assert (failed.current_status, failed.delivery) == (PreNotificationStatus.FAILED, None)
    assert "encryption failed" in failed.error
    assert sink.to("short@example.net") == []
    assert len(sink.to("plain@example.net")) == 1
    event = AuditEvent.objects.get(action=AuditAction.ADVISORY_PRENOTIFICATION_SENT)
    assert event.data["queued"] == 1 and len(event.data["failed"]) == 1
    assert TITLE not in str(event.data)


def test_a_public_fix_publishes_now_or_needs_a_reason(personas, trusted):
    lead = personas.security_lead
    with pytest.raises(ValidationError) as exc:
        services_lists.advisory_fix_made_public(actor=lead, advisory=trusted, publish_now=False)
    assert "override_reason" in exc.value.message_dict
    kept = services_lists.advisory_fix_made_public(
        actor=lead, advisory=trusted, publish_now=False, override_reason="Vendor patch not yet shipped to clients"
    )
    assert kept.level == DisclosureLevel.TRUSTED
    event = AuditEvent.objects.get(action=AuditAction.ADVISORY_FIX_PUBLIC)
    assert event.data["override"] is True
    with pytest.raises(ValidationError):  # not ready: the credit/approval rules of advisory_publish still apply
        services_lists.advisory_fix_made_public(actor=lead, advisory=trusted, publish_now=True)
