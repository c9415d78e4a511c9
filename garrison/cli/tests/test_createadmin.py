"""`garrison createadmin`: from the environment, generated, --if-none, weak passwords refused."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from garrison.access.roles import Role
from garrison.accounts.models import User
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.cli import app

pytestmark = pytest.mark.django_db

runner = CliRunner()
STRONG = "a long and unusual pass phrase 93"


@pytest.fixture(autouse=True)
def _no_admin_env(monkeypatch):
    monkeypatch.delenv("GARRISON_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("GARRISON_ADMIN_PASSWORD", raising=False)


def test_creates_admin_from_environment(monkeypatch):
    monkeypatch.setenv("GARRISON_ADMIN_EMAIL", "Boss@Example.org")
    monkeypatch.setenv("GARRISON_ADMIN_PASSWORD", STRONG)

    result = runner.invoke(app, ["createadmin"])

    assert result.exit_code == 0
    user = User.objects.get()
    assert (user.email, user.role, user.is_active) == ("boss@example.org", Role.ADMIN, True)
    assert user.check_password(STRONG)
    assert user.password_change_required is False
    assert STRONG not in result.stdout


def test_creation_is_audited_with_actor_cli(monkeypatch):
    monkeypatch.setenv("GARRISON_ADMIN_PASSWORD", STRONG)

    runner.invoke(app, ["createadmin", "--email", "first@example.org"])

    event = AuditEvent.objects.get(action=AuditAction.USER_CREATED)
    user = User.objects.get()
    assert (event.actor_id, event.actor_label, event.target_type, event.target_id) == (
        None,
        "cli",
        "accounts.user",
        str(user.pk),
    )
    assert event.data == {"email": "first@example.org", "role": "admin", "one_time_password": False}


def test_generated_password_is_printed_once_and_works():
    result = runner.invoke(app, ["createadmin", "--email", "first@example.org"])

    assert result.exit_code == 0
    match = re.search(r"^one-time password: (\S+)$", result.stdout, re.MULTILINE)
    assert match is not None
    assert result.stdout.count(match.group(1)) == 1
    user = User.objects.get(email="first@example.org")
    assert user.check_password(match.group(1))
    assert user.password_change_required is True


def test_default_email_without_option_or_environment():
    runner.invoke(app, ["createadmin"])

    assert list(User.objects.values_list("email", "role")) == [("admin@localhost", Role.ADMIN)]


def test_if_none_does_nothing_when_an_active_admin_exists(monkeypatch):
    User.objects.create_user(email="existing@example.org", password=STRONG, role=Role.ADMIN)
    monkeypatch.setenv("GARRISON_ADMIN_PASSWORD", STRONG)

    result = runner.invoke(app, ["createadmin", "--if-none", "--email", "second@example.org"])

    assert (result.exit_code, result.stdout) == (0, "an admin already exists\n")
    assert list(User.objects.values_list("email", flat=True)) == ["existing@example.org"]
    assert not AuditEvent.objects.exists()


def test_if_none_ignores_deactivated_admins(monkeypatch):
    User.objects.create_user(email="gone@example.org", password=STRONG, role=Role.ADMIN, is_active=False)
    monkeypatch.setenv("GARRISON_ADMIN_PASSWORD", STRONG)

    result = runner.invoke(app, ["createadmin", "--if-none", "--email", "new@example.org"])

    assert result.exit_code == 0
    assert User.objects.filter(email="new@example.org", role=Role.ADMIN, is_active=True).exists()


def test_weak_password_is_refused_with_exit_2_and_reasons(monkeypatch):
    monkeypatch.setenv("GARRISON_ADMIN_PASSWORD", "password123")

    result = runner.invoke(app, ["createadmin", "--email", "first@example.org"])

    assert result.exit_code == 2
    assert result.stderr == (
        "password: This password is too short. It must contain at least 12 characters.\n"
        "password: This password is too common.\n"
    )
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_password_like_the_email_is_refused(monkeypatch):
    monkeypatch.setenv("GARRISON_ADMIN_PASSWORD", "margaret.hamilton.admin")

    result = runner.invoke(app, ["createadmin", "--email", "margaret.hamilton.admin@example.org"])

    assert result.exit_code == 2
    assert "too similar to the email" in result.stderr


def test_existing_email_is_refused_with_exit_2(monkeypatch):
    User.objects.create_user(email="taken@example.org", password=STRONG, role=Role.DEVELOPER)
    monkeypatch.setenv("GARRISON_ADMIN_PASSWORD", STRONG)

    result = runner.invoke(app, ["createadmin", "--email", "TAKEN@example.org"])

    assert (result.exit_code, result.stderr) == (2, "email: a user with the email taken@example.org already exists\n")
    assert User.objects.get(email="taken@example.org").role == Role.DEVELOPER


def test_malformed_email_is_refused_with_exit_2():
    result = runner.invoke(app, ["createadmin", "--email", "not-an-email"])

    assert (result.exit_code, result.stderr) == (2, "email: 'not-an-email' is not a valid email address\n")
