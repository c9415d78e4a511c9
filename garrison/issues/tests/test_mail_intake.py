"""Email intake (services): a new message opens an issue, a reply becomes a comment, machine-made mail is ignored,
and anything that cannot be stored is kept, sealed, as a dead letter that an admin can retry or discard."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from garrison.access.errors import AccessDenied
from garrison.audit.models import AuditEvent
from garrison.core.crypto import open_bytes
from garrison.issues import services
from garrison.issues.models import (
    Channel,
    CommentVisibility,
    DeadLetter,
    DeadLetterStatus,
    IssueComment,
    IssueMessage,
    SecurityIssue,
)
from garrison.issues.services.intake import remember_message_id
from garrison.issues.tests import mail_messages as mm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.GARRISON_SECURITY_EMAIL = mm.SECURITY
    settings.DEFAULT_FROM_EMAIL = "Garrison <garrison@example.org>"


def _counts():
    return (SecurityIssue.objects.count(), IssueComment.objects.count(), DeadLetter.objects.count())


def _opened(**kw):
    result = services.mail_intake(mm.report(**kw).as_bytes())
    assert result.kind == "opened", result
    return result.issue


def _raw_of(row):
    return open_bytes(row.key_id, row.sealed, associated_data=f"dead-letter:{row.pk}")


def test_a_new_report_opens_an_issue_with_its_attachments_and_sealed_contact():
    result = services.mail_intake(
        mm.report(message_id="<r1@example.net>", files=(("poc.html", b"<svg/onload=1>"),)).as_bytes()
    )
    assert result.kind == "opened" and result.issue is not None
    issue = SecurityIssue.objects.get(pk=result.issue.pk)
    assert result.summary() == f"opened {issue.key}"
    assert (issue.title, issue.description, issue.channel) == (mm.TITLE, mm.DESCRIPTION, Channel.EMAIL)
    assert services.reporter_contact(issue) == ("Rita Reporter", "rita@example.net")
    att = issue.attachments.get()
    assert att.filename == "poc.html" and att.from_reporter
    assert open_bytes(att.key_id, att.sealed, associated_data=f"issue.attachment:{att.pk}") == b"<svg/onload=1>"
    assert IssueMessage.objects.get(message_id="<r1@example.net>").issue == issue
    assert AuditEvent.objects.filter(action="issues.reported", target_id=str(issue.pk)).exists()


def test_a_message_without_subject_still_opens_an_issue():
    issue = _opened(subject="")
    assert issue.title == "(no subject)" and issue.description == mm.DESCRIPTION


def test_a_text_longer_than_a_description_is_attached_whole():
    body = "word " * 12_000
    issue = _opened(body=body)
    assert len(issue.description) <= 50_000 and "attached as message.txt" in issue.description
    att = issue.attachments.get(filename="message.txt")
    assert open_bytes(att.key_id, att.sealed, associated_data=f"issue.attachment:{att.pk}").decode() == body.strip()


def test_a_reply_with_in_reply_to_becomes_a_reporter_comment_without_the_quote():
    issue = _opened(message_id="<first@example.net>")
    result = services.mail_intake(
        mm.reply(in_reply_to="<first@example.net>", body="Also affects v2.", quoted=mm.DESCRIPTION).as_bytes()
    )
    assert result.kind == "replied" and result.issue == issue and result.summary() == f"replied {issue.key}"
    comment = issue.comments.get()
    assert comment.body == "Also affects v2."
    assert comment.from_reporter and comment.visibility == CommentVisibility.REPORTER and comment.channel == "email"


def test_a_reply_to_one_of_our_outgoing_messages_threads():
    issue = _opened()
    remember_message_id(issue, "<notify-1@garrison.example.org>", inbound=False)
    result = services.mail_intake(mm.reply(in_reply_to="<notify-1@garrison.example.org>", body="ok").as_bytes())
    assert result.kind == "replied" and result.issue == issue


def test_a_reply_to_the_issue_reply_address_threads_with_its_files():
    issue = _opened()
    to = f"security+{issue.reply_key}@example.org"
    result = services.mail_intake(
        mm.reply(to=to, body="Here is a video.", files=(("poc.mp4", b"\x00video"),)).as_bytes()
    )
    assert result.kind == "replied" and result.issue == issue
    comment = issue.comments.get()
    assert comment.body == "Here is a video." and comment.attachments.get().filename == "poc.mp4"


def test_a_bcc_to_the_reply_address_threads_through_delivered_to():
    issue = _opened()
    msg = mm.reply(body="bcc'd")
    msg["Delivered-To"] = f"security+{issue.reply_key}@example.org"
    assert services.mail_intake(msg.as_bytes()).issue == issue


def test_a_reply_that_is_only_a_quote_keeps_the_quote():
    issue = _opened(message_id="<q@example.net>")
    services.mail_intake(mm.reply(in_reply_to="<q@example.net>", quoted="just this").as_bytes())
    assert "> just this" in issue.comments.get().body


def test_the_same_message_delivered_twice_is_stored_once():
    raw = mm.report(message_id="<twice@example.net>").as_bytes()
    first = services.mail_intake(raw)
    before = _counts()
    again = services.mail_intake(raw)
    assert again.kind == "ignored" and again.issue == first.issue and "duplicate" in again.detail
    assert _counts() == before


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({"Auto_Submitted": "auto-replied"}, "auto-reply"),
        ({"X_Autoreply": "yes"}, "auto-reply"),
        ({"Precedence": "bulk"}, "bulk mail"),
        ({"Return_Path": "<>"}, "bounce (0 deliveries marked bounced)"),
        ({"sender": "Security <security@example.org>"}, "mail loop (from our own address)"),
        ({"sender": "garrison@example.org"}, "mail loop (from our own address)"),
    ],
)
def test_auto_replies_bounces_and_loops_store_nothing(headers, detail):
    events = AuditEvent.objects.count()
    before = _counts()
    result = services.mail_intake(mm.report(**headers).as_bytes())
    assert (result.kind, result.detail, result.summary()) == ("ignored", detail, f"ignored: {detail}")
    assert _counts() == before and AuditEvent.objects.count() == events


def test_malformed_mime_is_kept_sealed_as_a_dead_letter():
    raw = (
        b"From: Rita <rita@example.net>\r\nTo: security@example.org\r\nSubject: " + mm.TITLE.encode() + b"\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="never-used"\r\n\r\n'
        + mm.DESCRIPTION.encode()
        + b"\r\n"
    )
    result = services.mail_intake(raw)
    assert result.kind == "dead_letter" and SecurityIssue.objects.count() == 0
    row = DeadLetter.objects.get()
    assert result.dead_letter == row and result.summary() == f"dead-letter {row.pk}: {row.error}"
    assert row.error == "malformed MIME structure (StartBoundaryNotFoundDefect)"
    assert (row.status, row.attempts, row.size, row.source) == (DeadLetterStatus.PENDING, 1, len(raw), Channel.EMAIL)
    stored = bytes(DeadLetter.objects.values_list("sealed", flat=True).get())
    assert mm.TITLE.encode() not in stored and b"rita@example.net" not in stored
    assert _raw_of(row) == raw
    event = AuditEvent.objects.get(action="issues.dead_letter_stored")
    assert event.actor_label == "intake" and event.target_id == str(row.pk)
    assert mm.TITLE not in str(event.data)


def test_a_message_without_from_is_a_dead_letter():
    msg = mm.report()
    del msg["From"]
    result = services.mail_intake(msg.as_bytes())
    assert result.kind == "dead_letter" and result.detail == "no From address"


def test_an_oversized_attachment_sends_the_whole_message_to_the_dead_letters(settings):
    settings.GARRISON_ATTACHMENT_MAX_BYTES = 1000
    raw = mm.report(files=(("small.txt", b"ok"), ("dump.bin", b"x" * 1001))).as_bytes()
    result = services.mail_intake(raw)
    assert result.kind == "dead_letter" and SecurityIssue.objects.count() == 0
    assert result.detail.startswith("attachment 2 of 2 is 1,001 bytes; the limit is 1,000 bytes")
    assert "dump.bin" not in result.detail and mm.TITLE not in result.detail
    assert _raw_of(result.dead_letter) == raw


def test_a_report_refused_by_validation_is_a_dead_letter_without_its_content():
    result = services.mail_intake(mm.report(body="   ").as_bytes())
    assert result.kind == "dead_letter"
    assert result.detail == "ValidationError: description: Describe the vulnerability."
    assert result.dead_letter is not None and mm.TITLE not in result.dead_letter.error
    assert mm.TITLE not in result.summary()


def test_a_database_error_while_storing_is_a_dead_letter():
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute(
            "DROP TABLE issues_issuemessage CASCADE"
            if connection.vendor == "postgresql"
            else "DROP TABLE issues_issuemessage"
        )
    result = services.mail_intake(mm.report().as_bytes())
    assert result.kind == "dead_letter" and SecurityIssue.objects.count() == 0
    assert result.detail.split(":")[0] in {"OperationalError", "ProgrammingError"}
    assert "issues_issuemessage" in result.detail and mm.TITLE not in result.detail


def test_when_even_the_dead_letter_cannot_be_written_intake_raises():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE issues_deadletter")
    with pytest.raises(Exception) as exc:  # noqa: PT011 - any database error: the caller asks for a retry
        services.mail_intake(b"not a message at all")
    assert type(exc.value).__name__ in {"OperationalError", "ProgrammingError"}


def test_retry_stores_a_kept_message_and_links_the_issue(personas):
    raw = mm.report().as_bytes()
    row = services.dead_letter_store(raw=raw, error="OperationalError: database is locked")
    result = services.dead_letter_retry(actor=personas.security_lead, dead_letter=row)
    assert result.kind == "opened" and result.issue is not None and result.issue.title == mm.TITLE
    row.refresh_from_db()
    assert (row.status, row.issue, row.attempts) == (DeadLetterStatus.RETRIED, result.issue, 2)
    assert DeadLetter.objects.count() == 1  # the retry did not make a second dead letter
    event = AuditEvent.objects.get(action="issues.dead_letter_retried")
    assert event.data["stored"] is True and event.actor_label == personas.security_lead.email
    with pytest.raises(ValidationError):
        services.dead_letter_retry(actor=personas.security_lead, dead_letter=row)


def test_a_failed_retry_counts_the_attempt_and_keeps_the_letter_waiting(personas, settings):
    settings.GARRISON_ATTACHMENT_MAX_BYTES = 10
    result = services.mail_intake(mm.report(files=(("big.bin", b"x" * 11),)).as_bytes())
    row = result.dead_letter
    assert row is not None
    again = services.dead_letter_retry(actor=personas.admin, dead_letter=row)
    assert again.kind == "dead_letter" and DeadLetter.objects.count() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeadLetterStatus.PENDING, 2)
    settings.GARRISON_ATTACHMENT_MAX_BYTES = 1000  # the admin raised the limit
    assert services.dead_letter_retry(actor=personas.admin, dead_letter=row).kind == "opened"


def test_only_intake_managers_retry_discard_or_download(personas):
    row = services.dead_letter_store(raw=b"x", error="no From address")
    for name in ("triager", "developer", "auditor", "reporter"):
        actor = personas.user(name)
        with pytest.raises(AccessDenied):
            services.dead_letter_retry(actor=actor, dead_letter=row)
        with pytest.raises(AccessDenied):
            services.dead_letter_discard(actor=actor, dead_letter=row, reason="spam")
        with pytest.raises(AccessDenied):
            services.dead_letter_raw(actor=actor, dead_letter=row)
    row.refresh_from_db()
    assert row.status == DeadLetterStatus.PENDING and row.attempts == 1


def test_discard_needs_a_reason_and_is_audited(personas):
    row = services.dead_letter_store(raw=b"x", error="no From address")
    with pytest.raises(ValidationError) as exc:
        services.dead_letter_discard(actor=personas.admin, dead_letter=row, reason="  ")
    assert "reason" in exc.value.message_dict
    services.dead_letter_discard(actor=personas.admin, dead_letter=row, reason="spam")
    row.refresh_from_db()
    assert row.status == DeadLetterStatus.DISCARDED
    assert AuditEvent.objects.get(action="issues.dead_letter_discarded").data == {"reason": "spam"}
    with pytest.raises(ValidationError):
        services.dead_letter_retry(actor=personas.admin, dead_letter=row)


def test_download_is_audited_and_a_letter_sealed_elsewhere_is_refused(personas):
    row = services.dead_letter_store(raw=b"raw bytes", error="no From address")
    assert services.dead_letter_raw(actor=personas.admin, dead_letter=row) == b"raw bytes"
    assert AuditEvent.objects.filter(action="issues.dead_letter_downloaded", target_id=str(row.pk)).exists()
    moved = services.dead_letter_store(raw=b"other", error="x")
    DeadLetter.objects.filter(pk=moved.pk).update(sealed=row.sealed)  # a ciphertext copied from another row
    with pytest.raises(ValidationError, match="cannot be decrypted"):
        services.dead_letter_raw(actor=personas.admin, dead_letter=moved)


def test_a_bounce_marks_the_delivery_it_returns_as_bounced():
    """A delivery status report naming one of our sent emails: that delivery shows as bounced, nothing is filed."""
    from email.message import EmailMessage

    from garrison.notify.models import Delivery, DeliveryStatus
    from garrison.notify.services.delivery import deliver

    sent = deliver(channel="email", recipient="ops@partner.example", subject="[EMBARGOED] X", body="...")
    Delivery.objects.filter(pk=sent.pk).update(status=DeliveryStatus.SENT)
    other = deliver(channel="email", recipient="b@partner.example", subject="s", body="b")
    Delivery.objects.filter(pk=other.pk).update(status=DeliveryStatus.SENT)
    assert sent.message_id.startswith("<")

    dsn = EmailMessage()
    dsn["From"] = "MAILER-DAEMON@partner.example"
    dsn["To"] = "garrison@example.org"
    dsn["Subject"] = "Undelivered Mail Returned to Sender"
    dsn["Return-Path"] = "<>"
    dsn.set_content("The mail system could not deliver your message.")
    dsn.add_attachment(
        f"Message-ID: {sent.message_id}\r\nSubject: [EMBARGOED] X\r\n".encode(),
        maintype="text",
        subtype="rfc822-headers",
    )
    before = _counts()
    result = services.mail_intake(dsn.as_bytes())
    assert (result.kind, result.detail) == ("ignored", "bounce (1 delivery marked bounced)")
    assert Delivery.objects.get(pk=sent.pk).status == DeliveryStatus.BOUNCED
    assert Delivery.objects.get(pk=other.pk).status == DeliveryStatus.SENT
    assert _counts() == before
