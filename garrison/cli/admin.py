"""`garrison migrate`, `garrison createadmin`, `garrison version`."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from garrison.cli.django_env import django_ready

DEFAULT_ADMIN_EMAIL = "admin@localhost"


def migrate() -> None:
    """Create or update the database tables (safe to run on every start)."""
    django_ready()
    from django.core.management import call_command

    call_command("migrate", interactive=False)
    from django.db import connection

    if connection.vendor == "sqlite":
        # SQLite plans queries without statistics until ANALYZE runs (PostgreSQL's autovacuum keeps its own):
        # without them the issue list sorts every open issue instead of walking the number index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def createadmin(
    email: Annotated[
        str | None,
        typer.Option(help=f"Admin email (default: $GARRISON_ADMIN_EMAIL, else {DEFAULT_ADMIN_EMAIL})."),
    ] = None,
    if_none: Annotated[
        bool, typer.Option("--if-none", help="Do nothing when an active administrator already exists.")
    ] = False,
) -> None:
    """Create an administrator (the first one, usually).

    The password comes from $GARRISON_ADMIN_PASSWORD and must pass the password rules; without it a strong
    one-time password is generated and printed once. The admin enrols two-factor at first sign-in.
    """
    django_ready()
    from django.core.exceptions import ValidationError

    from garrison.accounts.services_bootstrap import active_admin_exists, user_create_initial_admin

    if if_none and active_admin_exists():
        typer.echo("an admin already exists")
        return
    address = email or os.environ.get("GARRISON_ADMIN_EMAIL") or DEFAULT_ADMIN_EMAIL
    given = os.environ.get("GARRISON_ADMIN_PASSWORD", "")
    password = given or secrets.token_urlsafe(18)
    try:
        user = user_create_initial_admin(email=address, password=password, one_time=not given)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                typer.echo(f"{field}: {message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"created administrator {user.email}")
    if not given:
        typer.echo(f"one-time password: {password}")
        typer.echo("It is shown only now. Sign in with it, enrol two-factor, then choose your own password.")
    else:
        typer.echo("password: from GARRISON_ADMIN_PASSWORD. Two-factor enrolment follows the first sign-in.")


def version() -> None:
    """Print Garrison's version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        number = package_version("garrison")
    except PackageNotFoundError:
        django_ready()
        from django.conf import settings

        number = settings.GARRISON_VERSION
    typer.echo(f"garrison {number}")
