"""The `garrison` command: the commands are listed here by hand."""

from __future__ import annotations

import typer

from garrison.cli import admin, audit, check, findings, serve

app = typer.Typer(
    name="garrison",
    help="Garrison: run, set up and check a Garrison server.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals can hold secrets
)

app.command("serve")(serve.serve)
app.command("worker")(serve.worker)
app.command("migrate")(admin.migrate)
app.command("createadmin")(admin.createadmin)
app.command("check")(check.check)
app.command("version")(admin.version)
app.add_typer(audit.app, name="audit")
app.command("import")(findings.import_report)
app.command("formats")(findings.formats)
app.command("expire-decisions")(findings.expire_decisions)
app.add_typer(findings.bench_app, name="bench")


def main() -> None:
    app()
