"""The SMTP server of ``garrison smtpd`` (aiosmtpd): one message in, one ``mail_intake`` call, one answer.

It is the final delivery agent for the security address's domain: it takes RCPT only for that domain (others get
550, so it is never a relay), adds ``Return-Path`` (the envelope sender: ``<>`` marks a bounce) and one
``Delivered-To`` per recipient (so a Bcc to a reply address still threads), as a mail delivery agent does, and
answers ``250`` once the message is stored in any form (issue, reply, ignored, dead letter) and ``451`` (try again
later) when not even the dead letter could be written. The Django work runs in a worker thread with its own
database connection, closed after each message.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from aiosmtpd.controller import Controller

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>]")
OK = "250 OK"
NOT_HERE = "550 5.1.1 No such mailbox here"
TRY_LATER = "451 4.3.0 The message could not be stored; try again later"


def deliver(raw: bytes) -> Any:
    """Store one message from a worker thread: a fresh database connection, closed afterwards."""
    from django.db import close_old_connections, connections

    from garrison.issues.services.mail import mail_intake

    close_old_connections()
    try:
        return mail_intake(raw)
    finally:
        connections.close_all()


def delivery_headers(mail_from: str | None, rcpt_tos: list[str]) -> bytes:
    lines = [f"Return-Path: <{_UNSAFE.sub('', mail_from or '')}>"]
    lines += [f"Delivered-To: {_UNSAFE.sub('', rcpt)}" for rcpt in rcpt_tos]
    return "".join(f"{line}\r\n" for line in lines).encode("utf-8")


class IntakeHandler:
    """aiosmtpd handler: RCPT for our domain only, DATA stored through ``mail_intake`` in a thread."""

    def __init__(self, *, domain: str) -> None:
        self.domain = domain.lower()

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.rpartition("@")[2].lower() != self.domain:
            return NOT_HERE
        envelope.rcpt_tos.append(address)
        return OK

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content = envelope.original_content or envelope.content or b""
        raw = delivery_headers(envelope.mail_from, list(envelope.rcpt_tos)) + bytes(content)
        try:
            result = await asyncio.to_thread(deliver, raw)
        except Exception:  # not stored at all: the client keeps the message and retries
            logger.exception("smtpd: message from a client not stored; answered 451")
            return TRY_LATER
        logger.info("smtpd: %s", result.summary())
        return OK


def make_controller(*, host: str, port: int, domain: str, max_bytes: int) -> Controller:
    """A threaded server (``.start()`` / ``.stop()``) on host:port taking mail for ``domain``.

    aiosmtpd logs every command at INFO, envelope addresses included; reporters' addresses are sealed at rest, so
    its protocol log is kept to warnings and errors."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    return Controller(
        IntakeHandler(domain=domain),
        hostname=host,
        port=port,
        data_size_limit=max_bytes,
        server_hostname=domain or None,
        ident="Garrison smtpd",
    )
