"""Matrix entries: advisories (see tests/authz/spec.py for the vocabulary)."""

from __future__ import annotations

from tests.authz.spec import Check

ROUTES: dict[str, list[Check]] = {}
