"""End to end through a real SMTP server (aiosmtpd, the one `garrison smtpd` runs) on loopback, with smtplib as
the sending mail server. The server stores each message from its own thread and database connection."""

from __future__ import annotations

import importlib
import smtplib
import socket
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import connection

from garrison.access.roles import Role
from garrison.core.tests.personas import make_user
from garrison.issues import services
from garrison.issues.mail.smtp import make_controller
from garrison.issues.models import DeadLetter, DeadLetterStatus, IssueComment, SecurityIssue
from garrison.issues.tests import mail_messages as mm

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 200_000


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """A transactional test starts from empty tables after another one ran: put back the seeded security levels
    (the migration's own seeding)."""
    importlib.import_module("garrison.issues.migrations.0002_seed_levels").seed(apps, None)


@pytest.fixture
def port(settings) -> Iterator[int]:
    settings.GARRISON_SECURITY_EMAIL = mm.SECURITY
    settings.DEFAULT_FROM_EMAIL = "garrison@example.org"
    settings.GARRISON_ATTACHMENT_MAX_BYTES = 50_000
    number = _free_port()
    controller = make_controller(host="127.0.0.1", port=number, domain="example.org", max_bytes=LIMIT)
    controller.start()
    yield number
    controller.stop()


def _send(port: int, msg, *, rcpt: str = mm.SECURITY, mail_from: str = "rita@example.net") -> dict:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        # On the wire every line ends in CRLF (smtplib sends bytes as given).
        return client.sendmail(mail_from, [rcpt], msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))


def test_a_report_by_smtp_opens_an_issue_with_its_attachment(port):
    assert _send(port, mm.report(message_id="<s1@example.net>", files=(("poc.txt", b"curl -d x"),))) == {}
    issue = SecurityIssue.objects.get()
    assert (issue.title, issue.channel) == (mm.TITLE, "email")
    assert issue.attachments.get().filename == "poc.txt"


def test_replies_thread_by_in_reply_to_and_by_the_envelope_reply_address(port):
    _send(port, mm.report(message_id="<s2@example.net>"))
    issue = SecurityIssue.objects.get()
    _send(port, mm.reply(in_reply_to="<s2@example.net>", body="Version 1.2 too.", quoted=mm.DESCRIPTION))
    # A Bcc to the reply address: only the envelope names it (the server adds Delivered-To).
    _send(port, mm.reply(body="One more detail."), rcpt=f"security+{issue.reply_key}@example.org")
    assert list(IssueComment.objects.filter(issue=issue).values_list("body", flat=True)) == [
        "Version 1.2 too.",
        "One more detail.",
    ]
    assert SecurityIssue.objects.count() == 1


def test_auto_replies_loops_and_bounces_are_accepted_and_ignored(port):
    _send(port, mm.report(Auto_Submitted="auto-replied"))
    _send(port, mm.report(sender="Garrison <garrison@example.org>"), mail_from="garrison@example.org")
    _send(port, mm.report(sender="MAILER-DAEMON@mx.example.net"), mail_from="")  # envelope sender <>: a bounce
    assert SecurityIssue.objects.count() == 0 and DeadLetter.objects.count() == 0


def test_malformed_and_oversized_attachment_messages_become_dead_letters_that_can_be_retried(port, settings):
    malformed = mm.report()
    malformed.replace_header("Content-Type", 'multipart/mixed; boundary="nowhere"')
    _send(port, malformed)
    _send(port, mm.report(files=(("dump.bin", b"x" * 50_001),)))
    rows = {row.error.split(" ")[0]: row for row in DeadLetter.objects.all()}
    assert set(rows) == {"malformed", "attachment"} and SecurityIssue.objects.count() == 0
    assert all(mm.TITLE not in row.error for row in rows.values())

    settings.GARRISON_ATTACHMENT_MAX_BYTES = 100_000  # the admin raises the limit, then retries
    lead = make_user("lead@example.org", Role.SECURITY_LEAD)
    result = services.dead_letter_retry(actor=lead, dead_letter=rows["attachment"])
    assert result.kind == "opened" and result.issue is not None
    assert result.issue.attachments.get().size == 50_001
    assert DeadLetter.objects.get(pk=rows["attachment"].pk).status == DeadLetterStatus.RETRIED


def test_other_domains_and_oversized_messages_are_refused(port):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        _send(port, mm.report(), rcpt="someone@elsewhere.example")
    assert refused.value.recipients["someone@elsewhere.example"][0] == 550
    with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as too_big:
        _send(port, mm.report(body="y" * (LIMIT + 10)))
    assert too_big.value.smtp_code == 552
    assert SecurityIssue.objects.count() == 0 and DeadLetter.objects.count() == 0


def test_451_when_not_even_the_dead_letter_can_be_written(port):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE issues_deadletter RENAME TO issues_deadletter_away")
    try:
        with pytest.raises(smtplib.SMTPDataError) as exc:
            _send(port, mm.report(body=""))  # refused by validation: would be a dead letter
        assert exc.value.smtp_code == 451
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE issues_deadletter_away RENAME TO issues_deadletter")
    _send(port, mm.report(body=""))  # the sender retries later: kept
    assert DeadLetter.objects.get().error == "ValidationError: description: Describe the vulnerability."
