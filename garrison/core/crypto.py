"""AES-256-GCM with a key ring: the key id is stored beside every ciphertext, so keys can rotate.

Format of a sealed value: ``g1:<kid>:<base64url(nonce || ciphertext+tag)>``. The first key of the ring encrypts;
every key decrypts. ``associated_data`` binds a ciphertext to its place (e.g. ``b"user.totp:<uuid>"``) so a value
copied to another row does not decrypt.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from garrison.core.env import ConfigError

_PREFIX = "g1"


class DecryptionError(Exception):
    """The value was sealed with an unknown key, was altered, or belongs to another record."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    primary: str
    derived: bool = False

    def seal(self, plaintext: bytes, *, associated_data: bytes) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[self.primary]).encrypt(nonce, plaintext, associated_data)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{_PREFIX}:{self.primary}:{body}"

    def open(self, value: str, *, associated_data: bytes) -> bytes:
        try:
            prefix, kid, body = value.split(":", 2)
        except ValueError:
            raise DecryptionError("not a sealed value") from None
        if prefix != _PREFIX or kid not in self.keys:
            raise DecryptionError(f"unknown key id {kid!r}")
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
        try:
            return AESGCM(self.keys[kid]).decrypt(raw[:12], raw[12:], associated_data)
        except Exception as exc:  # cryptography raises InvalidTag; anything else is also a bad value
            raise DecryptionError("ciphertext does not authenticate") from exc


def parse_keys(spec: str) -> KeyRing:
    keys: dict[str, bytes] = {}
    primary = ""
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        kid, sep, encoded = item.partition(":")
        if not sep or not kid.isalnum():
            raise ConfigError("GARRISON_ENCRYPTION_KEYS: each entry must be 'kid:base64key' with an alphanumeric kid")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError:
            raise ConfigError(f"GARRISON_ENCRYPTION_KEYS: key {kid!r} is not base64") from None
        if len(key) != 32:
            raise ConfigError(f"GARRISON_ENCRYPTION_KEYS: key {kid!r} must be 32 bytes (got {len(key)})")
        keys[kid] = key
        primary = primary or kid
    if not keys:
        raise ConfigError("GARRISON_ENCRYPTION_KEYS is empty")
    return KeyRing(keys=keys, primary=primary)


def derived_ring(secret_key: str) -> KeyRing:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"garrison keyring v1").derive(
        secret_key.encode("utf-8")
    )
    return KeyRing(keys={"sk": key}, primary="sk", derived=True)


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    spec = settings.GARRISON_ENCRYPTION_KEYS
    return parse_keys(spec) if spec else derived_ring(settings.SECRET_KEY)


def seal_text(text: str, *, associated_data: str) -> str:
    return keyring().seal(text.encode("utf-8"), associated_data=associated_data.encode("utf-8"))


def open_text(value: str, *, associated_data: str) -> str:
    return keyring().open(value, associated_data=associated_data.encode("utf-8")).decode("utf-8")


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii").rstrip("=")


def seal_bytes(data: bytes, *, associated_data: str) -> tuple[str, bytes]:
    """Seal a file's bytes: returns (key id, nonce || ciphertext+tag) for a binary column beside a key-id column."""
    ring = keyring()
    nonce = os.urandom(12)
    sealed = AESGCM(ring.keys[ring.primary]).encrypt(nonce, data, associated_data.encode("utf-8"))
    return ring.primary, nonce + sealed


def open_bytes(key_id: str, blob: bytes, *, associated_data: str) -> bytes:
    ring = keyring()
    if key_id not in ring.keys:
        raise DecryptionError(f"unknown key id {key_id!r}")
    raw = bytes(blob)
    try:
        return AESGCM(ring.keys[key_id]).decrypt(raw[:12], raw[12:], associated_data.encode("utf-8"))
    except Exception as exc:  # InvalidTag, or a truncated blob
        raise DecryptionError("ciphertext does not authenticate") from exc
