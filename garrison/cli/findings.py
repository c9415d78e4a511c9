"""`garrison import`, `garrison formats`, `garrison expire-decisions` and `garrison bench import`.

The CLI runs as the operator of the machine, but an import is still done by a person: the user named by ``--as``
or $GARRISON_CLI_USER, with that user's permissions, in the audit log under their name.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from garrison.cli.django_env import django_ready

bench_app = typer.Typer(help="Benchmarks.", no_args_is_help=True)

COUNT_NAMES = ("total", "new", "unchanged", "mitigated", "regressed", "suppressed")


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


def _actor(email: str) -> Any:
    from garrison.access.permissions import Permission
    from garrison.access.policy import can
    from garrison.accounts.models import User

    email = email or os.environ.get("GARRISON_CLI_USER", "")
    if not email:
        raise _fail("name the user who imports: --as EMAIL or GARRISON_CLI_USER")
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise _fail(f"no active user {email!r}")
    if not can(user, Permission.SCAN_IMPORT):
        raise _fail(f"{user.email} may not import scans")
    return user


def _component(name: str, team: str, actor: Any) -> Any:
    from garrison.org.models import Component, Team
    from garrison.org.services import component_create, team_create

    found = Component.objects.filter(name=name).first()
    if found is not None:
        return found
    if not team:
        raise _fail(f"component {name} does not exist; pass --team to create it")
    owner = Team.objects.filter(name=team).first() or team_create(name=team, actor=actor)
    return component_create(name=name, responsible_team=owner, actor=actor)


def _release_line(name: str) -> Any:
    from garrison.org.models import ReleaseLine

    if not name:
        return None
    found = ReleaseLine.objects.filter(name=name).first()
    if found is None:
        raise _fail(f"release line {name} does not exist")
    return found


def _run(path: Path, options: dict[str, Any], dry_run: bool, show_progress: bool) -> Any:
    from django.db import transaction

    from garrison.findings.services import scan_import

    size = path.stat().st_size
    with path.open("rb") as source, transaction.atomic():
        component = _component(options.pop("component"), options.pop("team"), options["actor"])
        if not show_progress:
            result = scan_import(source=source, component=component, dry_run=dry_run, **options)
        else:
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

            columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
            with Progress(*columns, transient=True) as bar:
                task = bar.add_task("importing", total=size or None)

                def progress(done: int, found: int) -> None:
                    bar.update(task, completed=done, description=f"importing: {found} findings")

                result = scan_import(source=source, component=component, dry_run=dry_run, progress=progress, **options)
        if dry_run:
            transaction.set_rollback(True)  # --team may have created a component: a dry run keeps nothing
    return result


def import_report(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The report.")],
    component: Annotated[str, typer.Option("--component", help="The component that was scanned (its name).")],
    team: Annotated[str, typer.Option("--team", help="Create the component (and team) when missing.")] = "",
    release_line: Annotated[str, typer.Option("--release-line", help="Release line name.")] = "",
    service: Annotated[str, typer.Option("--service", help="Service, image or deployment.")] = "",
    fmt: Annotated[str, typer.Option("--format", help="Format name (see `garrison formats`).")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Parse and count; store nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    as_user: Annotated[str, typer.Option("--as", help="Import as this user (else $GARRISON_CLI_USER).")] = "",
) -> None:
    """Import a scanner report into a component's findings (all or nothing). Exit 2 on a bad report."""
    django_ready()
    from django.core.exceptions import ValidationError

    from garrison.access.errors import AccessDenied
    from garrison.findings.importers import ParseError

    actor = _actor(as_user)
    options = {
        "component": component.strip(),
        "team": team.strip(),
        "release_line": _release_line(release_line.strip()),
        "service": service.strip(),
        "fmt": fmt.strip() or None,
        "file_name": file.name,
        "actor": actor,
    }
    try:
        result = _run(file, options, dry_run, show_progress=sys.stderr.isatty() and not as_json)
    except ParseError as exc:
        raise _fail(str(exc)) from None
    except AccessDenied:
        raise _fail(f"{actor.email} may not do this for component {component} (missing permission)") from None
    except ValidationError as exc:
        raise _fail("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
    counts = {name: getattr(result.counts, name) for name in COUNT_NAMES}
    if as_json:
        scan_id = str(result.scan.pk) if result.scan else None
        typer.echo(json.dumps({"scan_id": scan_id, "format": result.format, "findings": counts}))
        return
    summary = ", ".join(f"{value} {name}" for name, value in counts.items())
    prefix = "dry run (nothing stored)" if dry_run else f"scan {result.scan.pk}"
    typer.echo(f"{prefix}: {result.format}: {summary}")


def formats() -> None:
    """List the report formats `garrison import --format` accepts."""
    django_ready()
    from garrison.findings.importers import REGISTRY

    width = max(len(name) for name in REGISTRY)
    for name in sorted(REGISTRY):
        typer.echo(f"{name:<{width}}  {REGISTRY[name].label}")


def expire_decisions() -> None:
    """Reopen risk acceptances past their expiry and tell whoever accepted them (run daily, e.g. from cron)."""
    django_ready()
    from garrison.core import clock
    from garrison.findings.services import decisions_expire

    typer.echo(f"{decisions_expire(now=clock.now())} risk acceptances expired")


@bench_app.command("import")
def bench_import(
    sizes: Annotated[str, typer.Option(help="Comma-separated finding counts.")] = "10000,100000",
    formats: Annotated[str, typer.Option("--formats", help="Comma-separated: trivy, sarif.")] = "trivy,sarif",
    stream_mb: Annotated[
        int, typer.Option("--stream-mb", help="Then import one report of this many MB per format; 0: skip.")
    ] = 0,
) -> None:
    """Time imports of synthetic reports on the configured database (it writes to it: use a scratch database);
    with --stream-mb, also the peak memory of importing one report that big (each in a process of its own)."""
    django_ready()
    from garrison.findings.bench.runner import run_bench, run_memory

    try:
        numbers = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise typer.BadParameter("whole numbers separated by commas", param_hint="--sizes") from None
    names = [f.strip() for f in formats.split(",") if f.strip()]
    for line in run_bench(sizes=numbers, formats=names):
        typer.echo(line)
    if stream_mb > 0:
        for line in run_memory(megabytes=stream_mb, formats=names):
            typer.echo(line)


@bench_app.command("issues")
def bench_issues(
    sizes: Annotated[str, typer.Option(help="Comma-separated issue counts (the table is topped up).")] = "100000",
    levels: Annotated[int, typer.Option(help="Security levels the issues are spread over.")] = 50,
    repeat: Annotated[int, typer.Option(help="Requests per measurement.")] = 30,
) -> None:
    """Time the issue list page and API for a developer and a security lead (it writes: use a scratch database)."""
    django_ready()
    from garrison.issues.bench import run

    try:
        numbers = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise typer.BadParameter("whole numbers separated by commas", param_hint="--sizes") from None
    for line in run(sizes=numbers, levels=levels, repeat=repeat):
        typer.echo(line)
