"""The issue hooks over a real SMTP server: who is told, and that no embargoed detail leaves in any message."""

from __future__ import annotations

from django.conf import settings
from django.core import mail

from garrison.issues.models import CommentVisibility
from garrison.issues.services import comment_add, issue_update, reporter_reply
from garrison.notify.models import Delivery, DeliveryStatus, Notification
from garrison.notify.tests.conftest import EMBARGOED, REPORTER_EMAIL


def _all_text() -> str:
    rows = [f"{d.recipient} {d.recipient_label} {d.subject} {d.body} {d.payload}" for d in Delivery.objects.all()]
    rows += [f"{n.text} {n.link}" for n in Notification.objects.all()]
    return "\n".join(rows)


def test_new_report_mails_the_security_team_and_acknowledges_the_reporter(personas, smtp_server, file_report):
    result = file_report()
    issue = result.issue

    link = f"{settings.BASE_URL}/issues/{issue.pk}/"
    expected = f"New security report {issue.key} needs triage: {link}"
    by_rcpt = {tuple(rcpts): msg for rcpts, msg in smtp_server.messages}
    assert set(by_rcpt) == {("lead@example.org",), ("triager@example.org",), (REPORTER_EMAIL,)}
    for staff in ("lead@example.org", "triager@example.org"):
        msg = by_rcpt[(staff,)]
        assert expected in msg.get_payload(decode=True).decode()
        assert msg["From"] == settings.DEFAULT_FROM_EMAIL
        assert msg["Message-ID"]
        assert msg["Reply-To"] is None  # only reporter mails thread to the issue
    assert sorted(Notification.objects.values_list("user__email", "text")) == [
        ("lead@example.org", expected),
        ("triager@example.org", expected),
    ]
    ack = by_rcpt[(REPORTER_EMAIL,)]
    body = ack.get_payload(decode=True).decode()
    assert f"{settings.BASE_URL}/track/{result.tracking_token}" in body
    assert issue.key in body
    assert ack["Reply-To"] == f"security+{issue.reply_key}@localhost"
    assert issue.messages.filter(message_id=ack["Message-ID"], inbound=False).exists()
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_no_embargoed_detail_in_any_delivery_notification_or_mail(personas, smtp_server, file_report, settings):
    file_report()
    staff_mail = [msg.as_string() for rcpts, msg in smtp_server.messages if rcpts != [REPORTER_EMAIL]]
    reporter_mail = [
        msg.get_payload(decode=True).decode() for rcpts, msg in smtp_server.messages if rcpts == [REPORTER_EMAIL]
    ]
    stored = _all_text()
    assert len(staff_mail) == 2 and len(reporter_mail) == 1
    for text in [*staff_mail, *reporter_mail, stored]:
        for secret in EMBARGOED:
            assert secret not in text
    # the reporter's address and private link are sealed at rest and appear in no staff message
    for text in [*staff_mail, stored]:
        assert REPORTER_EMAIL not in text
        assert "/track/" not in text
    assert Delivery.objects.get(sealed=True).recipient_label.startswith("reporter of SEC-")


def test_locmem_outbox_carries_no_title_either(personas, file_report):
    # the default test backend (locmem) as well: nothing embargoed in any message object
    file_report()
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for secret in EMBARGOED:
            assert secret not in text
        if message.to != [REPORTER_EMAIL]:
            assert REPORTER_EMAIL not in text


def test_anonymous_report_sends_no_reporter_mail(personas, file_report):
    file_report(email="")
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.org", "triager@example.org"]


def test_message_for_the_reporter_points_to_their_tracking_link(
    personas, file_report, django_capture_on_commit_callbacks
):
    result = file_report()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(
            actor=personas.security_lead,
            issue=result.issue,
            body="Which version?",
            visibility=CommentVisibility.REPORTER,
        )
    assert [m.to for m in mail.outbox] == [[REPORTER_EMAIL]]
    body = mail.outbox[0].body
    assert f"There is a new message on your report {result.issue.key}: " in body
    assert body.endswith(f"{settings.BASE_URL}/track/{result.tracking_token}")
    assert "Which version?" not in body
    assert mail.outbox[0].reply_to == [f"security+{result.issue.reply_key}@localhost"]


def test_reporter_reply_tells_the_owner_only(personas, file_report, django_capture_on_commit_callbacks):
    result = file_report()
    issue = issue_update(actor=personas.security_lead, issue=result.issue, changes={"owner": personas.triager})
    mail.outbox.clear()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        reporter_reply(issue=issue, body="It is version 2.1 " + EMBARGOED[0])
    text = f"The reporter replied on {issue.key}: {settings.BASE_URL}/issues/{issue.pk}/"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["triager@example.org"], f"[Garrison] The reporter replied on {issue.key}")
    ]
    assert text in mail.outbox[0].body
    assert list(Notification.objects.values_list("user__email", "text")) == [("triager@example.org", text)]
    assert EMBARGOED[0] not in _all_text()


def test_reporter_reply_without_owner_tells_the_security_team(
    personas, file_report, django_capture_on_commit_callbacks
):
    result = file_report()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reporter_reply(issue=result.issue, body="more detail")
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.org", "triager@example.org"]


def test_inactive_staff_are_not_told(personas, file_report):
    personas.triager.is_active = False
    personas.triager.save()
    file_report(email="")
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]
