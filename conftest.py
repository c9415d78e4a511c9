"""Test-wide fixtures: the personas every authorisation test uses, and the audit triggers' life cycle."""

from __future__ import annotations

import pytest


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
    if transactional:
        _reseed()
    yield
    if transactional and connection.vendor == "sqlite":
        triggers.drop(connection)


def _reseed() -> None:
    """A transactional test starts from the tables an earlier one emptied: put back what the migrations seed
    (classification labels, security levels, the security-preparedness label), with the migrations' own code."""
    import importlib

    from django.apps import apps

    for module in ("garrison.access.migrations.0003_policy_labels", "garrison.issues.migrations.0002_seed_levels"):
        importlib.import_module(module).seed(apps, None)


pytest_plugins = ["garrison.core.tests.personas"]
