"""Calling the JSON API as a persona: a real token row, sent as a Bearer header."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.test import Client

from garrison.access.roles import ROLE_PERMISSIONS
from garrison.accounts import tokens
from garrison.accounts.models import ApiToken, User
from garrison.core import clock


class ApiClient:
    """A Django test client that adds ``Authorization: Bearer <token>`` and sends JSON bodies."""

    def __init__(self, raw_token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else body
        return self.client.post(path, data, content_type="application/json", headers=self.headers)

    def patch(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else body
        return self.client.patch(path, data, content_type="application/json", headers=self.headers)

    def put(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else body
        return self.client.put(path, data, content_type="application/json", headers=self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self.headers)


def make_token(user: User, scopes: Iterable[str] | None = None, *, days: int = 30) -> str:
    """Create a live token for ``user`` (all of the role's permissions unless ``scopes`` is given)."""
    raw, prefix, digest = tokens.generate()
    granted = [str(p) for p in ROLE_PERMISSIONS.get(user.role, frozenset())] if scopes is None else list(scopes)
    ApiToken.objects.create(
        user=user,
        name="test",
        prefix=prefix,
        token_hash=digest,
        scopes=granted,
        expires_at=clock.now() + timedelta(days=days),
    )
    return raw


def api_client(user: User | None, scopes: Iterable[str] | None = None) -> ApiClient:
    return ApiClient(make_token(user, scopes) if user is not None else None)
