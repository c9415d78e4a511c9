"""Test-wide fixtures: the personas every authorisation test uses, and the audit triggers' life cycle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_FIXTURES = Path(__file__).resolve().parent.parent / "shared" / "fixtures"


def shared_fixture(*parts: str) -> Path:
    """Path to a file in ../shared/fixtures; skips when absent, fails under CI=true (it is always there)."""
    path = SHARED_FIXTURES.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared fixture missing in CI: {path}")
        pytest.skip(f"shared fixture not present: {path}")
    return path


@pytest.fixture(autouse=True)
def _audit_triggers(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Keep the append-only triggers in place for every database test. SQLite empties tables with DELETE after
    transactional tests, which the triggers refuse, so they are dropped just before that flush and put back at
    the start of the next test."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "transactional_db" in names or "live_server" in names or bool(marker and marker.kwargs.get("transaction"))
    )
    if not (transactional or "db" in names or marker):
        yield
        return
    from django.db import connection

    from garrison.audit import triggers

    request.getfixturevalue("transactional_db" if transactional else "db")
    triggers.install(connection)
    yield
    if transactional and connection.vendor == "sqlite":
        triggers.drop(connection)


pytest_plugins = ["garrison.core.tests.personas"]
