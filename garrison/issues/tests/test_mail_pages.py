"""The dead-letter pages (/intake/dead-letters/): list, detail, retry, discard and the audited raw download."""

from __future__ import annotations

import pytest

from garrison.audit.models import AuditEvent
from garrison.issues import services
from garrison.issues.models import DeadLetter, DeadLetterStatus, SecurityIssue
from garrison.issues.tests import mail_messages as mm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.GARRISON_SECURITY_EMAIL = mm.SECURITY


def _letter(raw: bytes | None = None, error: str = "OperationalError: database is locked") -> DeadLetter:
    return services.dead_letter_store(raw=raw if raw is not None else mm.report().as_bytes(), error=error)


def test_the_list_shows_metadata_and_the_reason_but_never_the_message(personas):
    row = _letter()
    response = personas.client("security_lead").get("/intake/dead-letters/")
    text = response.content.decode()
    assert response.status_code == 200
    assert f"/intake/dead-letters/{row.pk}/" in text and "database is locked" in text and "Waiting for retry" in text
    assert mm.TITLE not in text and "rita@example.net" not in text
    assert personas.client("triager").get("/intake/dead-letters/").status_code == 403


def test_the_list_filters_by_status(personas):
    pending = _letter(error="pending one")
    done = _letter(error="discarded one")
    services.dead_letter_discard(actor=personas.admin, dead_letter=done, reason="spam")
    text = personas.client("admin").get("/intake/dead-letters/?status=discarded").content.decode()
    assert "discarded one" in text and str(pending.pk) not in text


def test_retry_from_the_detail_page_opens_the_issue(personas):
    row = _letter()
    client = personas.client("security_lead")
    detail = client.get(f"/intake/dead-letters/{row.pk}/").content.decode()
    assert "Retry" in detail and "Discard" in detail and mm.TITLE not in detail
    response = client.post(f"/intake/dead-letters/{row.pk}/retry", follow=True)
    issue = SecurityIssue.objects.get()
    text = response.content.decode()
    assert f"Stored: opened {issue.key}." in text and f"/issues/{issue.pk}/" in text
    assert DeadLetter.objects.get(pk=row.pk).status == DeadLetterStatus.RETRIED
    assert "Retry</button>" not in text  # nothing left to do


def test_a_retry_that_fails_again_says_why(personas):
    row = _letter(raw=b"no headers at all", error="no From address")
    response = personas.client("admin").post(f"/intake/dead-letters/{row.pk}/retry", follow=True)
    assert "Still not stored: no From address" in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeadLetterStatus.PENDING, 2)


def test_an_admin_outside_the_issue_level_sees_its_key_but_no_link(personas):
    row = _letter()
    services.dead_letter_retry(actor=personas.security_lead, dead_letter=row)
    issue = SecurityIssue.objects.get()
    text = personas.client("admin").get(f"/intake/dead-letters/{row.pk}/").content.decode()
    assert issue.key in text and "not visible to you" in text and f"/issues/{issue.pk}/" not in text


def test_discard_needs_a_reason(personas):
    row = _letter()
    client = personas.client("admin")
    response = client.post(f"/intake/dead-letters/{row.pk}/discard", {"reason": ""})
    assert response.status_code == 422 and DeadLetter.objects.get(pk=row.pk).status == DeadLetterStatus.PENDING
    response = client.post(f"/intake/dead-letters/{row.pk}/discard", {"reason": "test message"})
    assert response.status_code == 302
    assert DeadLetter.objects.get(pk=row.pk).status == DeadLetterStatus.DISCARDED


def test_the_raw_download_is_an_audited_attachment(personas):
    raw = mm.report().as_bytes()
    row = _letter(raw)
    response = personas.client("security_lead").get(f"/intake/dead-letters/{row.pk}/raw")
    assert response.status_code == 200 and response.content == raw
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="dead-letter-{row.pk}.eml"'
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="issues.dead_letter_downloaded")
    assert event.actor_label == personas.security_lead.email and event.target_id == str(row.pk)
    assert personas.client("developer").get(f"/intake/dead-letters/{row.pk}/raw").status_code == 403
