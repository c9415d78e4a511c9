"""End to end: an advisory pre-notified with its embargo ending in Tokyo is sent to a list with one OpenPGP
recipient and one plain recipient, through the notify delivery machinery and a real SMTP server."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from garrison.core import clock
from garrison.disclosure import services, services_lists
from garrison.disclosure.selectors_lists import prenotifications_of
from garrison.disclosure.tests.lists_support import TITLE, fixed_issue, keypair, smtp_server
from garrison.notify.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


def _tokyo_end():
    day = (clock.now() + timedelta(days=3)).astimezone(ZoneInfo("Asia/Tokyo"))
    return day.replace(hour=18, minute=0, second=0, microsecond=0)


def test_prenotification_reaches_both_recipients_encrypted_and_in_their_own_zone(
    personas, settings, django_capture_on_commit_callbacks
):
    lead = personas.security_lead
    advisory = services.advisory_draft(actor=lead, issues=[fixed_issue(personas)])
    ends = _tokyo_end()
    advisory = services.advisory_prenotify(actor=lead, advisory=advisory, embargo_ends_at=ends)
    utc_text = f"{ends.astimezone(ZoneInfo('UTC')):%Y-%m-%d %H:%M} UTC"
    tokyo_text = f"{ends:%Y-%m-%d} 18:00 JST (Asia/Tokyo)"

    with keypair("psirt@partner.example") as key, smtp_server(settings) as sink:
        dl = services_lists.list_save(actor=lead, name="Partners", components=[personas.world["core_api"]])
        services_lists.recipient_save(
            actor=lead,
            distribution_list=dl,
            email="psirt@partner.example",
            time_zone="Asia/Tokyo",
            pgp_public_key=key.public,
        )
        services_lists.recipient_save(
            actor=lead, distribution_list=dl, email="ops@plain.example", time_zone="America/New_York"
        )
        with django_capture_on_commit_callbacks(execute=True):
            rows = services_lists.advisory_send_prenotification(actor=lead, advisory=advisory)

        assert len(rows) == 2
        secret = sink.to("psirt@partner.example")
        plain = sink.to("ops@plain.example")
        assert len(secret) == 1 and len(plain) == 1

        message = secret[0]
        assert message["Subject"] == f"[EMBARGOED] {advisory.identifier}"
        armoured = _text(message)
        assert "-----BEGIN PGP MESSAGE-----" in armoured
        assert TITLE not in armoured and "Asia/Tokyo" not in armoured  # nothing in clear
        text = key.decrypt(armoured)
        assert TITLE in text
        assert tokyo_text in text
        assert utc_text in text
        assert "fixed in 1.4.2" in text

    local_ny = ends.astimezone(ZoneInfo("America/New_York"))
    ny_text = f"{local_ny:%Y-%m-%d %H:%M} {local_ny.tzname()} (America/New_York)"
    assert plain[0]["Subject"] == f"[EMBARGOED until {ny_text}] {advisory.identifier}"
    body = _text(plain[0])
    assert ny_text in body and utc_text in body and TITLE in body
    assert "Asia/Tokyo" not in body

    statuses = {p.email: (p.current_status, p.encrypted) for p in prenotifications_of(advisory)}
    assert statuses == {
        "psirt@partner.example": (DeliveryStatus.SENT, True),
        "ops@plain.example": (DeliveryStatus.SENT, False),
    }
    # the embargoed body is sealed at rest in the delivery log
    assert not Delivery.objects.filter(body__contains=TITLE).exists()


def _text(message: Any) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()
