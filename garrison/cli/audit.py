"""`garrison audit verify` and `garrison audit export`."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from garrison.cli.django_env import django_ready

app = typer.Typer(help="The audit log: verify its hash chain, export events.", no_args_is_help=True)


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@app.command("verify")
def verify() -> None:
    """Verify the audit log's hash chain: exit 0 when intact, 1 when broken.

    Walks every event in order and names the first one that was changed, removed or added behind Garrison's back.
    """
    django_ready()
    from garrison.audit.selectors import chain_length, chain_report

    if sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("verifying the audit chain", total=chain_length() or None)
            report = chain_report(progress=lambda n: bar.advance(task, n))
    else:
        report = chain_report()
    if report.broken is None:
        typer.echo(f"audit chain intact: {report.checked} events")
        return
    typer.echo(f"audit chain broken at event #{report.broken.seq}: {report.broken.reason}")
    raise typer.Exit(1)


def _date(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


def _check_filters(action: str, since: datetime | None, until: datetime | None) -> None:
    from garrison.audit.actions import AuditAction

    if action and action not in set(AuditAction):
        raise typer.BadParameter(
            f"{action!r} is not an audit action; one of: {', '.join(a.value for a in AuditAction)}",
            param_hint="--action",
        )
    if since and until and since > until:
        raise typer.BadParameter(f"must be on or after --since ({_date(since)})", param_hint="--until")


def _write(lines: Iterable[str], out: TextIO) -> int:
    count = 0
    for line in lines:
        out.write(line)
        count += 1
    return count


DateOption = typer.Option(formats=["%Y-%m-%d"], help="Whole UTC day, YYYY-MM-DD (included).")


@app.command("export")
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv or jsonl.")],
    actor_email: Annotated[str, typer.Option(help="Only events by this actor (email at the time).")] = "",
    action: Annotated[str, typer.Option(help="Only this action, e.g. accounts.sign_in.")] = "",
    target_type: Annotated[str, typer.Option(help="Only targets of this type, e.g. accounts.user.")] = "",
    target_id: Annotated[str, typer.Option(help="Only this target id.")] = "",
    since: Annotated[datetime | None, DateOption] = None,
    until: Annotated[datetime | None, DateOption] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Export audit events, oldest first, streamed (any size). The export is itself recorded in the log.

    JSON Lines hold exactly what each hash covers, so the chain can be re-checked outside Garrison.
    """
    _check_filters(action, since, until)
    django_ready()
    from garrison.audit import exports
    from garrison.audit.selectors import EventFilter
    from garrison.audit.services import export_record_operator

    filters = EventFilter(
        actor_email=actor_email.strip(),
        action=action,
        target_type=target_type.strip(),
        target_id=target_id.strip(),
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    events = export_record_operator(filters=filters, fmt=fmt.value)
    lines = exports.WRITERS[fmt.value](events.iterator(chunk_size=2000))
    if output is None:
        count = _write(lines, sys.stdout)
        sys.stdout.flush()
    else:
        try:
            with output.open("w", encoding="utf-8", newline="") as out:
                count = _write(lines, out)
        except OSError as exc:
            typer.echo(f"cannot write {output}: {exc.strerror}", err=True)
            raise typer.Exit(1) from None
    events_written = count - 1 if fmt is ExportFormat.csv else count
    typer.echo(f"exported {events_written} events" + (f" to {output}" if output else ""), err=True)
