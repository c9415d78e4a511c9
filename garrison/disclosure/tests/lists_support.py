"""Support for the distribution-list tests: a fixed, scored issue to draft from, OpenPGP keys generated on the spot
in a temporary GnuPG home (never a real keyring), and a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

import gnupg
from aiosmtpd.controller import Controller

from garrison.disclosure.tests import support

TITLE = "Quokka deserialisation flaw in session import"


def fixed_issue(personas: Any) -> Any:
    """A confirmed, scored core-api issue titled TITLE, fixed in 1.4.2 on the Quesnelia line."""
    return support.fixed_issue(
        personas,
        title=TITLE,
        description="Crafted session blobs run code on import.",
        vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    )


@dataclass
class KeyPair:
    gpg: Any
    fingerprint: str
    public: str
    secret: str

    def decrypt(self, armoured: str) -> str:
        result = self.gpg.decrypt(armoured)
        assert result.ok, result.status
        return str(result)


@contextmanager
def keypair(email: str, expire: str = "0") -> Iterator[KeyPair]:
    """A fresh ed25519/cv25519 key without passphrase, in its own temporary GnuPG home."""
    with tempfile.TemporaryDirectory(prefix="garrison-test-gpg-") as home:
        gpg = gnupg.GPG(gnupghome=home)
        spec = gpg.gen_key_input(
            key_type="EDDSA",
            key_curve="ed25519",
            subkey_type="ECDH",
            subkey_curve="cv25519",
            name_real="Test Recipient",
            name_email=email,
            expire_date=expire,
            no_protection=True,
        )
        key = gpg.gen_key(spec)
        assert key.fingerprint, key.status
        fpr = str(key.fingerprint)
        yield KeyPair(gpg, fpr, gpg.export_keys(fpr), gpg.export_keys(fpr, secret=True, expect_passphrase=False))


class Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages.append(
            (list(envelope.rcpt_tos), message_from_bytes(envelope.original_content, policy=policy.default))
        )
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for rcpt, m in self.messages if address in rcpt]


@contextmanager
def smtp_server(settings: Any) -> Iterator[Sink]:
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to."""
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield sink
    finally:
        controller.stop()
