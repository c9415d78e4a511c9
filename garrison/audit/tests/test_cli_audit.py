"""`garrison audit verify` and `garrison audit export`."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.audit.tests.conftest import add_event, add_events, raw_sql, triggers_dropped
from garrison.cli import app

pytestmark = pytest.mark.django_db

runner = CliRunner()


def test_verify_intact_chain_exits_0():
    add_events(3)

    result = runner.invoke(app, ["audit", "verify"])

    assert (result.exit_code, result.stdout) == (0, "audit chain intact: 3 events\n")


def test_verify_broken_chain_exits_1_naming_the_event():
    add_events(3)
    with triggers_dropped():
        raw_sql("DELETE FROM audit_auditevent WHERE seq = %s", [2])

    result = runner.invoke(app, ["audit", "verify"])

    assert result.exit_code == 1
    assert result.stdout == "audit chain broken at event #2: event #2 is missing (next present is #3)\n"


def test_export_jsonl_to_a_file_with_a_filter(tmp_path):
    add_event(AuditAction.TEAM_CREATED)
    add_event(AuditAction.TEAM_UPDATED)
    target = tmp_path / "audit.jsonl"

    result = runner.invoke(app, ["audit", "export", "--format", "jsonl", "--action", "org.team_updated", "-o", target])

    assert result.exit_code == 0
    assert [json.loads(line)["seq"] for line in target.read_text().splitlines()] == [2]
    assert f"exported 1 events to {target}" in result.stderr


def test_export_csv_escapes_formulas(tmp_path):
    add_event(AuditAction.SIGN_IN_FAILED, actor_label="=cmd|' /C calc'!A0")
    target = tmp_path / "audit.csv"

    runner.invoke(app, ["audit", "export", "--format", "csv", "--action", "accounts.sign_in_failed", "-o", target])

    rows = list(csv.DictReader(target.open(newline="")))
    assert [row["actor_label"] for row in rows] == ["'=cmd|' /C calc'!A0"]


def test_export_from_the_cli_is_audited_as_cli(tmp_path):
    runner.invoke(app, ["audit", "export", "--format", "csv", "--since", "2025-01-01", "-o", tmp_path / "a.csv"])

    event = AuditEvent.objects.get(action=AuditAction.AUDIT_EXPORTED)
    assert (event.actor_id, event.actor_label, event.via) == (None, "cli", "cli")
    assert event.data == {"format": "csv", "filters": {"since": "2025-01-01"}}


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--format", "xml"], "--format"),
        (["--format", "csv", "--action", "nope"], "'nope' is not an audit action"),
        (["--format", "csv", "--since", "yesterday"], "--since"),
        (["--format", "csv", "--since", "2025-02-01", "--until", "2025-01-01"], "must be on or after --since"),
    ],
)
def test_export_bad_arguments_exit_2_and_record_nothing(args, problem):
    result = runner.invoke(app, ["audit", "export", *args])

    assert result.exit_code == 2
    assert problem in result.stderr
    assert not AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORTED).exists()
