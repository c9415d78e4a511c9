"""Shared set-up for the audit tests: events written through record(), tampering behind its back, API tokens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, transaction

from garrison.accounts import tokens
from garrison.accounts.models import ApiToken
from garrison.audit import services, triggers
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent


def add_event(action: AuditAction = AuditAction.TEAM_CREATED, **kwargs: Any) -> AuditEvent:
    with transaction.atomic():
        return services.record(action=action, **kwargs)


def add_events(count: int, action: AuditAction = AuditAction.TEAM_CREATED, **kwargs: Any) -> list[AuditEvent]:
    return [add_event(action, data={"n": i}, **kwargs) for i in range(count)]


@contextmanager
def triggers_dropped() -> Iterator[None]:
    """Act as someone with direct database access: the append-only triggers are gone for the block."""
    triggers.drop(connection)
    try:
        yield
    finally:
        triggers.install(connection)


def raw_sql(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.fixture
def bearer():
    """bearer(user, *scopes) -> headers for the test client, with a fresh API token."""

    def make(user: Any, *scopes: str) -> dict[str, str]:
        raw, prefix, digest = tokens.generate()
        ApiToken.objects.create(user=user, name="test", prefix=prefix, token_hash=digest, scopes=list(scopes))
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make
