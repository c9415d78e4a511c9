"""Reading one email (no database): what is text, what is a file, what is machine-made mail to ignore."""

from __future__ import annotations

import pytest

from garrison.issues.mail.parse import (
    MailError,
    OwnAddresses,
    html_to_text,
    ignore_reason,
    parse_message,
    read_content,
    read_headers,
    strip_quoted,
)
from garrison.issues.tests import mail_messages as mm

OWN = OwnAddresses.of(mm.SECURITY, "Garrison <garrison@example.org>")


def _parse(msg):
    return parse_message(msg.as_bytes())


def test_headers_give_subject_sender_message_id_and_thread():
    msg = mm.report(message_id="<new@example.net>", In_Reply_To="<a@x>", References="<root@x> <a@x> <b@x>")
    msg["Cc"] = "Other <security+abc123@example.org>"
    head = read_headers(_parse(msg))
    assert head.subject == mm.TITLE
    assert (head.from_name, head.from_email) == ("Rita Reporter", "rita@example.net")
    assert head.message_id == "<new@example.net>"
    assert head.thread_ids == ["<a@x>", "<b@x>", "<root@x>"]  # In-Reply-To, then References newest first
    assert "security+abc123@example.org" in head.recipients
    assert OWN.reply_key("Security+ABC123@Example.org") == "abc123"
    assert OWN.reply_key("other+abc123@example.org") == ""


def test_plain_text_is_preferred_and_every_attachment_is_kept():
    msg = mm.report(files=(("poc.py", b"print(1)"), ("trace.bin", b"\x00\x01")))
    content = read_content(_parse(msg))
    assert content.body == mm.DESCRIPTION
    assert [(f.filename, f.data) for f in content.files] == [("poc.py", b"print(1)"), ("trace.bin", b"\x00\x01")]


def test_alternative_html_is_not_an_attachment_and_html_only_becomes_text():
    msg = mm.report(body="plain words")
    msg.add_alternative("<p>html words</p>", subtype="html")
    content = read_content(_parse(msg))
    assert content.body == "plain words" and content.files == []

    html_only = mm.report()
    html_only.set_content("<h1>Title</h1><p>a &amp; b<br>next</p><script>alert(1)</script><b>bold</b>", subtype="html")
    content = read_content(_parse(html_only))
    assert content.body == "Title\na & b\nnext\nbold"
    assert "<" not in content.body and "alert" not in content.body


def test_html_to_text_strips_every_tag_and_keeps_escaped_markup_as_text():
    assert html_to_text('<a href="javascript:x" onclick="y">link</a> &lt;img src=x&gt;') == "link <img src=x>"
    assert html_to_text("<p>mine</p><blockquote>theirs</blockquote>", drop_quotes=True) == "mine"


def test_forwarded_message_is_an_eml_attachment():
    inner = mm.report(subject="inner")
    outer = mm.report(body="see the forwarded mail")
    outer.add_attachment(inner)
    content = read_content(_parse(outer))
    assert content.body == "see the forwarded mail"
    assert len(content.files) == 1 and content.files[0].content_type == "message/rfc822"
    assert b"Subject: inner" in content.files[0].data


def test_quoted_reply_text_is_stripped_unless_nothing_is_left():
    text = (
        "Thanks, here is more.\n\nOn Mon, 3 Mar 2025 at 10:00, Garrison\n<security@example.org> wrote:\n> old\n> text"
    )
    assert strip_quoted(text) == "Thanks, here is more."
    assert strip_quoted("> only a quote") == "> only a quote"
    assert strip_quoted("new\n-----Original Message-----\nFrom: x\nold") == "new"


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("Auto-Submitted", "auto-replied", "auto-reply"),
        ("X-Autoreply", "yes", "auto-reply"),
        ("X-Autorespond", "on", "auto-reply"),
        ("Precedence", "bulk", "bulk mail"),
        ("Precedence", "junk", "junk mail"),
        ("Precedence", "list", "list mail"),
        ("Return-Path", "<>", "bounce"),
    ],
)
def test_machine_made_mail_is_ignored(header, value, reason):
    msg = mm.report()
    msg[header] = value
    assert ignore_reason(_parse(msg), OWN) == reason


def test_people_and_auto_submitted_no_are_not_ignored():
    assert ignore_reason(_parse(mm.report()), OWN) == ""
    assert ignore_reason(_parse(mm.report(Auto_Submitted="no")), OWN) == ""
    assert ignore_reason(_parse(mm.report(List_Id="<dev.example.net>")), OWN) == ""  # a list id alone: a person


def test_mailing_list_traffic_and_our_own_mail_are_ignored():
    listed = mm.report(List_Id="<announce.example.net>", List_Unsubscribe="<mailto:leave@example.net>")
    assert ignore_reason(_parse(listed), OWN) == "mailing list"
    for sender in (mm.SECURITY, "security+abc@example.org", "Garrison <garrison@example.org>"):
        assert ignore_reason(_parse(mm.report(sender=sender)), OWN) == "mail loop (from our own address)"


def test_a_delivery_status_report_is_a_bounce():
    raw = (
        b"From: MAILER-DAEMON@mx.example.net\r\nTo: security@example.org\r\nSubject: Undelivered\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--\r\n"
    )
    assert ignore_reason(parse_message(raw), OWN) == "bounce"


def test_broken_mime_structure_and_empty_input_are_errors():
    raw = (
        b"From: rita@example.net\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-used"\r\n\r\njust text, no parts\r\n'
    )
    with pytest.raises(MailError, match="malformed MIME structure"):
        read_content(parse_message(raw))
    with pytest.raises(MailError, match="empty message"):
        parse_message(b"  \r\n")


def test_unknown_charset_that_is_not_utf8_is_an_error():
    raw = b"From: rita@example.net\r\nSubject: x\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\n\xff\xfe\r\n"
    with pytest.raises(MailError, match="unknown character set"):
        read_content(parse_message(raw))
