"""`garrison import`, `garrison formats` and `garrison expire-decisions` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from garrison.cli import app
from garrison.findings.models import Finding, Scan
from garrison.findings.tests.handmade import dep, handmade_format, report
from garrison.org.models import Component, Team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(handmade_format.__name__)]

runner = CliRunner()


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    path = tmp_path / "trivy.jsonl"
    path.write_bytes(report([dep(1), dep(2)]).getvalue())
    return path


def invoke(*args: Any, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, [str(a) for a in args], env=env)


def test_json_output_is_exactly_the_documented_object(personas, report_file):
    result = invoke(
        "import",
        report_file,
        "--component",
        "core-api",
        "--format",
        "handmade",
        "--json",
        "--as",
        "triager@example.org",
    )

    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out == {
        "scan_id": str(Scan.objects.get().pk),
        "format": "handmade",
        "findings": {"total": 2, "new": 2, "unchanged": 0, "mitigated": 0, "regressed": 0, "suppressed": 0},
    }


def test_the_user_may_come_from_the_environment(personas, report_file):
    result = invoke(
        "import",
        report_file,
        "--component",
        "core-api",
        "--format",
        "handmade",
        env={"GARRISON_CLI_USER": "dev@example.org"},
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"scan {Scan.objects.get().pk}: handmade: 2 total, 2 new")
    assert Scan.objects.get().created_by == personas.developer


def test_without_a_user_the_import_is_refused(personas, report_file):
    result = invoke("import", report_file, "--component", "core-api", env={"GARRISON_CLI_USER": ""})

    assert result.exit_code == 2
    assert "--as EMAIL or GARRISON_CLI_USER" in result.stderr
    assert Scan.objects.count() == 0


@pytest.mark.parametrize("email", ["nobody@example.org", "auditor@example.org"])
def test_an_unknown_user_or_one_who_may_not_import_is_refused(personas, report_file, email):
    result = invoke("import", report_file, "--component", "core-api", "--as", email)

    assert result.exit_code == 2
    assert Scan.objects.count() == 0


def test_a_developer_may_not_import_for_another_team(personas, report_file):
    result = invoke("import", report_file, "--component", "billing", "--format", "handmade", "--as", "dev@example.org")

    assert result.exit_code == 2
    assert "may not do this for component billing" in result.stderr
    assert Scan.objects.count() == 0


def test_a_missing_component_needs_team(personas, report_file):
    result = invoke("import", report_file, "--component", "new-app", "--as", "admin@example.org")

    assert result.exit_code == 2
    assert result.stderr.strip() == "component new-app does not exist; pass --team to create it"


def test_team_creates_the_component_and_the_team(personas, report_file):
    result = invoke(
        "import",
        report_file,
        "--component",
        "new-app",
        "--team",
        "Mobile",
        "--format",
        "handmade",
        "--as",
        "admin@example.org",
    )

    assert result.exit_code == 0, result.output
    assert Component.objects.get(name="new-app").responsible_team == Team.objects.get(name="Mobile")
    assert Finding.objects.filter(component__name="new-app").count() == 2


def test_a_dry_run_stores_nothing_not_even_a_new_component(personas, report_file):
    result = invoke(
        "import",
        report_file,
        "--component",
        "new-app",
        "--team",
        "Mobile",
        "--format",
        "handmade",
        "--dry-run",
        "--json",
        "--as",
        "admin@example.org",
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scan_id"] is None
    assert json.loads(result.stdout)["findings"]["new"] == 2
    assert (Component.objects.filter(name="new-app").count(), Finding.objects.count(), Scan.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_bad_report_exits_2_naming_the_format_and_position(personas, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(report([dep(1)], tail=b'{"tit').getvalue())

    result = invoke("import", bad, "--component", "core-api", "--format", "handmade", "--as", "admin@example.org")

    assert result.exit_code == 2
    assert result.stderr.strip() == "handmade: not valid JSON at line 2"
    assert Finding.objects.count() == 0


def test_an_unknown_release_line_is_refused(personas, report_file):
    result = invoke(
        "import", report_file, "--component", "core-api", "--release-line", "Nope", "--as", "admin@example.org"
    )

    assert result.exit_code == 2
    assert "release line Nope does not exist" in result.stderr


def test_the_release_line_and_service_make_the_target(personas, report_file):
    invoke(
        "import",
        report_file,
        "--component",
        "core-api",
        "--release-line",
        "Quesnelia",
        "--service",
        "api",
        "--format",
        "handmade",
        "--as",
        "admin@example.org",
    )

    scan = Scan.objects.get()
    assert (scan.release_line, scan.service) == (personas.world["quesnelia"], "api")


def test_formats_lists_names_and_labels(personas):
    result = invoke("formats")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.split()[0] == "handmade" and line.endswith("Hand-made JSON Lines") for line in lines)
    assert any(line.split()[0] == "empty" for line in lines)


def test_expire_decisions_reports_how_many(personas):
    result = invoke("expire-decisions")

    assert (result.exit_code, result.stdout.strip()) == (0, "0 risk acceptances expired")
