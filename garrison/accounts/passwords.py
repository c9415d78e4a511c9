"""Password checks beyond Django's: an optional breached-password range lookup (k-anonymity)."""

from __future__ import annotations

import hashlib
import logging
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)


def breached_count(password: str, *, api: str, timeout: float = 3.0) -> int | None:
    """How often the password appears in the breach corpus, or None if the service could not be asked.

    Only the first five hex characters of the SHA-1 are sent; the password and its full hash never leave.
    """
    digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:5], digest[5:]
    if not api.startswith(("https://", "http://127.0.0.1:", "http://localhost:")):
        logger.warning("breached-password check skipped: the API URL must be https (or a loopback mirror)")
        return None
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        api + prefix, headers={"Add-Padding": "true", "User-Agent": "garrison"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            body = response.read().decode("ascii", "replace")
    except OSError as exc:
        logger.warning("breached-password check unavailable: %s", exc.__class__.__name__)
        return None
    for line in body.splitlines():
        candidate, _, count = line.partition(":")
        if candidate.strip() == suffix:
            return int(count.strip() or "0")
    return 0


class BreachedPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if not settings.GARRISON_BREACHED_PASSWORD_CHECK:
            return
        count = breached_count(password, api=settings.GARRISON_BREACHED_PASSWORD_API)
        if count:
            raise ValidationError(
                "This password has appeared in %(count)d known data breaches; choose another.",
                code="password_breached",
                params={"count": count},
            )

    def get_help_text(self) -> str:
        if settings.GARRISON_BREACHED_PASSWORD_CHECK:
            return "Your password must not appear in known data breaches."
        return ""
