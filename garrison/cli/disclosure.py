"""`garrison export advisory ID --format csaf|csaf-vex|openvex|osv|cve5`: print one advisory as a standard document.

A published advisory needs no user. An unpublished one is exported as the user named by ``--as`` (or
$GARRISON_CLI_USER), with that user's permissions, and the export is recorded in the audit log.
"""

from __future__ import annotations

import json
import os
from typing import Annotated, Any

import typer

from garrison.cli.django_env import django_ready

export_app = typer.Typer(help="Export records as standard documents.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


def _user(email: str) -> Any:
    from garrison.accounts.models import User

    email = email or os.environ.get("GARRISON_CLI_USER", "")
    if not email:
        return None
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise _fail(f"no active user {email!r}")
    return user


@export_app.command("advisory")
def export_advisory(
    identifier: Annotated[str, typer.Argument(help="e.g. GARRISON-2026-0001")],
    fmt: Annotated[str, typer.Option("--format", help="csaf, csaf-vex, openvex, osv or cve5.")] = "csaf",
    as_user: Annotated[str, typer.Option("--as", help="Export as this user (else $GARRISON_CLI_USER).")] = "",
) -> None:
    """Print the advisory as a CSAF 2.0, OpenVEX, OSV or CVE JSON 5 document (exit 2 naming what is missing)."""
    django_ready()
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from garrison.access.errors import AccessDenied
    from garrison.disclosure.document import ExportError
    from garrison.disclosure.exporters import EXPORTERS
    from garrison.disclosure.selectors import get_advisory_for
    from garrison.disclosure.services import advisory_export

    if fmt not in EXPORTERS:
        raise _fail(f"unknown format {fmt!r}: choose one of {', '.join(EXPORTERS)}")
    actor = _user(as_user)
    try:
        advisory = get_advisory_for(actor=actor, identifier=identifier)
        document = advisory_export(actor=actor, advisory=advisory, fmt=fmt)
    except Http404:
        raise _fail(f"no advisory {identifier!r} that {'you' if actor else 'the public'} may see") from None
    except (AccessDenied, ValidationError) as exc:
        raise _fail(f"cannot export {identifier}: {exc}") from None
    except ExportError as exc:
        raise _fail(f"cannot export {identifier} as {fmt}: " + "; ".join(exc.missing)) from None
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False))


def import_advisory(
    path: Annotated[str, typer.Argument(help="A CSAF, OSV or CVE JSON 5 record (the format is read from it).")],
    as_user: Annotated[str, typer.Option("--as", help="Import as this user (else $GARRISON_CLI_USER).")] = "",
) -> None:
    """Store a third-party advisory about software we ship as a private draft (exit 2 on a bad record)."""
    django_ready()
    from django.core.exceptions import ValidationError

    from garrison.access.errors import AccessDenied
    from garrison.disclosure.services_import import advisory_import

    actor = _user(as_user)
    if actor is None:
        raise _fail("name the user who imports: --as EMAIL or GARRISON_CLI_USER")
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read())
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise _fail(f"{path} is not JSON: {exc}") from None
    try:
        result = advisory_import(actor=actor, data=data)
    except AccessDenied:
        raise _fail(f"{actor.email} may not edit advisories") from None
    except ValidationError as exc:
        raise _fail(f"{path}: " + "; ".join(exc.messages)) from None
    typer.echo(f"drafted {result.advisory.identifier} for {', '.join(result.matched)}")
    if result.unmatched:
        typer.echo(f"not ours: {', '.join(result.unmatched)}")
