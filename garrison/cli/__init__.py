"""The `garrison` command (typer). Django is set up lazily, by each command that needs it."""

from garrison.cli.app import app, main

__all__ = ["app", "main"]
