"""Email messages for the mail intake tests, built with the standard library."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

SECURITY = "security@example.org"
TITLE = "Stored XSS in the profile page"
DESCRIPTION = "The bio field renders <script> unescaped; any visitor runs the attacker's code."


def report(
    *,
    subject: str = TITLE,
    body: str = DESCRIPTION,
    sender: str = "Rita Reporter <rita@example.net>",
    to: str = SECURITY,
    message_id: str | None = None,
    files: tuple[tuple[str, bytes], ...] = (),
    **headers: str,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="example.net")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    for filename, data in files:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    return msg


def reply(*, in_reply_to: str = "", to: str = SECURITY, body: str = "", quoted: str = "", **kw: Any) -> EmailMessage:
    text = body
    if quoted:
        text += "\n\nOn Mon, 3 Mar 2025 at 10:00, Garrison <security@example.org> wrote:\n"
        text += "\n".join(f"> {line}" for line in quoted.splitlines())
    headers: dict[str, Any] = {"In_Reply_To": in_reply_to, "References": in_reply_to} if in_reply_to else {}
    return report(subject="Re: your report", body=text, to=to, **headers, **kw)
