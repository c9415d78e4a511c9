"""The `garrison` command: the commands are listed here by hand."""

from __future__ import annotations

import typer

from garrison.cli import admin, audit, check, disclosure, findings, intake, scheduler, serve

app = typer.Typer(
    name="garrison",
    help="Garrison: run, set up and check a Garrison server.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals can hold secrets
)

app.command("serve")(serve.serve)
app.command("worker")(serve.worker)
app.command("scheduler")(scheduler.scheduler)
app.command("migrate")(admin.migrate)
app.command("createadmin")(admin.createadmin)
app.command("check")(check.check)
app.command("version")(admin.version)
app.add_typer(audit.app, name="audit")
app.command("import")(findings.import_report)
app.command("formats")(findings.formats)
app.command("expire-decisions")(findings.expire_decisions)
app.add_typer(findings.bench_app, name="bench")
app.add_typer(disclosure.export_app, name="export")
app.command("import-advisory")(disclosure.import_advisory)
app.command("intake-email")(intake.intake_email)
app.command("smtpd")(intake.smtpd)


def main() -> None:
    app()
