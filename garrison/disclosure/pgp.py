"""OpenPGP for pre-notifications, with python-gnupg and a fresh temporary keyring (GNUPGHOME) per operation: the
recipient's public key is imported there, used, and the directory is removed. Never the user's own keyring.

A key that cannot be used (not a public key, secret key material, expired, revoked, no encryption capability) is
refused with a field error on ``pgp_public_key``; an encryption failure raises, so nothing goes out in clear text.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import gnupg
from django.conf import settings
from django.core.exceptions import ValidationError

from garrison.core import clock

FIELD = "pgp_public_key"
MAX_KEY_CHARS = 100_000


class EncryptionError(Exception):
    """The text could not be encrypted to the key. Short, secret-free reason."""


@dataclass(frozen=True)
class KeyInfo:
    fingerprint: str
    uids: tuple[str, ...]
    expires: datetime | None


@contextmanager
def _keyring() -> Iterator[Any]:
    with tempfile.TemporaryDirectory(prefix="garrison-gpg-") as home:
        yield gnupg.GPG(gpgbinary=settings.GARRISON_GNUPG_BINARY, gnupghome=home)


def _refuse(message: str) -> ValidationError:
    return ValidationError({FIELD: message})


def _import(gpg: Any, armoured: str, now: datetime) -> KeyInfo:
    text = (armoured or "").strip()
    if "PRIVATE KEY BLOCK" in text:
        raise _refuse("This is a secret (private) key: give the public key only, and treat the secret one as leaked.")
    if "BEGIN PGP PUBLIC KEY BLOCK" not in text or len(text) > MAX_KEY_CHARS:
        raise _refuse("Give an ASCII-armoured OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----).")
    gpg.import_keys(text)
    if gpg.list_keys(True):
        raise _refuse("This block holds secret key material: give the public key only.")
    keys = gpg.list_keys()
    if len(keys) != 1:
        raise _refuse("Give exactly one valid OpenPGP public key." if keys else "This is not a valid OpenPGP key.")
    key = keys[0]
    expires = datetime.fromtimestamp(int(key["expires"]), tz=UTC) if key.get("expires") else None
    if key.get("trust") == "r":
        raise _refuse("This key is revoked.")
    if key.get("trust") == "e" or (expires is not None and expires <= now):
        raise _refuse("This key has expired.")
    if "E" not in str(key.get("cap", "")):
        raise _refuse("This key cannot encrypt (no usable encryption subkey).")
    return KeyInfo(fingerprint=str(key["fingerprint"]), uids=tuple(key.get("uids") or ()), expires=expires)


def key_info(armoured: str, now: datetime | None = None) -> KeyInfo:
    """The key's fingerprint, user ids and expiry; ValidationError({"pgp_public_key": ...}) when it is unusable."""
    with _keyring() as gpg:
        return _import(gpg, armoured, now or clock.now())


def encrypt(text: str, armoured_key: str) -> str:
    """``text`` encrypted (ASCII armour) to the one key in ``armoured_key``; EncryptionError when it fails."""
    with _keyring() as gpg:
        try:
            info = _import(gpg, armoured_key, clock.now())
        except ValidationError as exc:
            raise EncryptionError("the recipient's OpenPGP key is not usable") from exc
        result = gpg.encrypt(text, [info.fingerprint], always_trust=True, armor=True)
        armoured = str(result)
        if not result.ok or "BEGIN PGP MESSAGE" not in armoured:
            raise EncryptionError(f"gpg could not encrypt: {result.status or 'unknown error'}"[:200])
        return armoured
