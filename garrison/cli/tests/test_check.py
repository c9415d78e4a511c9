"""`garrison check`: one line per check, exit 1 on any FAIL."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from garrison.cli import app

pytestmark = pytest.mark.django_db

runner = CliRunner()
GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    settings.BASE_URL = "https://garrison.example.org"
    settings.ALLOWED_HOSTS = ["garrison.example.org"]
    settings.GARRISON_ENCRYPTION_KEYS = "k1:" + "A" * 43 + "="
    settings.EMAIL_HOST = "smtp.example.org"
    return settings


def _line(output: str, name: str) -> str:
    return next(line for line in output.splitlines() if line.split(maxsplit=1)[1].startswith(f"{name}:"))


def test_everything_in_order_exits_0(production):
    result = runner.invoke(app, ["check"])

    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "8 checks: 8 OK, 0 WARN, 0 FAIL"


def test_debug_on_fails(production):
    production.DEBUG = True

    result = runner.invoke(app, ["check"])

    assert result.exit_code == 1
    assert _line(result.stdout, "debug mode").startswith("FAIL  debug mode: on")


@pytest.mark.parametrize("key", ["insecure-development-key-do-not-use-in-production", "short-key"])
def test_weak_secret_key_fails(production, key):
    production.SECRET_KEY = key

    result = runner.invoke(app, ["check"])

    assert result.exit_code == 1
    assert _line(result.stdout, "secret key").startswith("FAIL")


def test_wildcard_allowed_hosts_fail(production):
    production.ALLOWED_HOSTS = ["*"]

    result = runner.invoke(app, ["check"])

    assert _line(result.stdout, "allowed hosts").startswith("FAIL")


def test_plain_http_base_url_fails_unless_loopback(production):
    production.BASE_URL = "http://garrison.example.org"
    public = runner.invoke(app, ["check"])
    production.BASE_URL = "http://127.0.0.1:8000"
    local = runner.invoke(app, ["check"])

    assert _line(public.stdout, "base URL").startswith("FAIL")
    assert _line(local.stdout, "base URL").startswith("WARN")
    assert local.exit_code == 0


def test_derived_encryption_keys_warn(production):
    production.GARRISON_ENCRYPTION_KEYS = ""

    result = runner.invoke(app, ["check"])

    assert result.exit_code == 0
    assert _line(result.stdout, "encryption keys").startswith("WARN  encryption keys: derived from the secret key")


def test_malformed_encryption_keys_fail(production):
    production.GARRISON_ENCRYPTION_KEYS = "k1:c2hvcnQ"

    result = runner.invoke(app, ["check"])

    assert result.exit_code == 1
    assert _line(result.stdout, "encryption keys") == (
        "FAIL  encryption keys: GARRISON_ENCRYPTION_KEYS: key 'k1' must be 32 bytes (got 5)"
    )


def test_no_email_host_warns(production):
    production.EMAIL_HOST = ""

    result = runner.invoke(app, ["check"])

    assert _line(result.stdout, "email").startswith("WARN")


def test_broken_audit_chain_fails(production):
    from garrison.audit.tests.conftest import add_events, raw_sql, triggers_dropped

    add_events(2)
    with triggers_dropped():
        raw_sql("UPDATE audit_auditevent SET via = %s WHERE seq = %s", ["web", 1])

    result = runner.invoke(app, ["check"])

    assert result.exit_code == 1
    assert _line(result.stdout, "audit chain") == (
        "FAIL  audit chain: broken at event #1: content does not match its hash (the row was changed)"
    )
