"""`garrison intake-email`: one message on stdin, one line out; exit 0 once the message is safe, 75 when not."""

from __future__ import annotations

import pytest
from django.db import connection
from typer.testing import CliRunner

from garrison.cli import app
from garrison.core.crypto import open_bytes
from garrison.issues.models import DeadLetter, IssueComment, SecurityIssue
from garrison.issues.tests import mail_messages as mm

pytestmark = pytest.mark.django_db

runner = CliRunner()


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.GARRISON_SECURITY_EMAIL = mm.SECURITY
    settings.DEFAULT_FROM_EMAIL = "garrison@example.org"


def _run(raw: bytes):
    return runner.invoke(app, ["intake-email"], input=raw)


def test_a_report_opens_an_issue_and_a_reply_threads():
    result = _run(mm.report(message_id="<c1@example.net>", files=(("poc.txt", b"1"),)).as_bytes())
    issue = SecurityIssue.objects.get()
    assert (result.exit_code, result.stdout) == (0, f"opened {issue.key}\n")
    assert issue.attachments.count() == 1
    result = _run(mm.reply(in_reply_to="<c1@example.net>", body="more").as_bytes())
    assert (result.exit_code, result.stdout) == (0, f"replied {issue.key}\n")
    assert IssueComment.objects.get().body == "more"


def test_an_auto_reply_is_ignored_with_exit_0():
    result = _run(mm.report(Auto_Submitted="auto-replied").as_bytes())
    assert (result.exit_code, result.stdout) == (0, "ignored: auto-reply\n")
    assert SecurityIssue.objects.count() == 0 and DeadLetter.objects.count() == 0


def test_a_message_that_cannot_be_stored_is_a_dead_letter_with_exit_0_and_no_content_in_the_output():
    result = _run(mm.report(body="").as_bytes())
    row = DeadLetter.objects.get()
    assert result.exit_code == 0
    assert result.stdout == f"dead-letter {row.pk}: ValidationError: description: Describe the vulnerability.\n"
    assert mm.TITLE not in result.output and mm.TITLE not in row.error


def test_a_message_over_the_size_limit_keeps_its_start_as_a_dead_letter(settings):
    settings.GARRISON_MAX_EMAIL_BYTES = 2048
    raw = mm.report(body="z" * 5000).as_bytes()
    result = _run(raw)
    row = DeadLetter.objects.get()
    assert result.exit_code == 0 and result.stdout.startswith(f"dead-letter {row.pk}: message larger than 2,048 bytes")
    assert row.size == 2048
    assert open_bytes(row.key_id, row.sealed, associated_data=f"dead-letter:{row.pk}") == raw[:2048]
    assert SecurityIssue.objects.count() == 0


def test_exit_75_when_not_even_the_dead_letter_can_be_written():
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("DROP TABLE issues_deadletter")
    result = _run(b"Subject: no sender\r\n\r\nhello\r\n")
    assert result.exit_code == 75
    assert "not stored" in result.stderr and result.stdout == ""
