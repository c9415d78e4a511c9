"""Loading Django for a command: only when the command needs it, so `--help` and `version` work anywhere."""

from __future__ import annotations

import os

import typer


def django_ready() -> None:
    """Set up Django with config.settings (unless another settings module is already chosen).

    A configuration problem (missing secret key, malformed variable) ends the command with exit code 2 and the
    message naming the variable, instead of a traceback.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    from garrison.core.env import ConfigError

    if apps.ready:
        return
    try:
        django.setup()
    except (ConfigError, ImproperlyConfigured) as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from None
