"""`garrison intake-email` (one message on stdin, e.g. from the MTA's pipe transport) and `garrison smtpd`.

Exit codes of intake-email follow sysexits: 0 once the message is safe (an issue, a reply, ignored, or kept as a
dead letter), 75 (EX_TEMPFAIL) when it could not be stored at all, so the mail system keeps it and tries again.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from garrison.cli.django_env import django_ready

EX_TEMPFAIL = 75
_DRAIN_CHUNK = 1024 * 1024


def _ready_or_tempfail() -> None:
    try:
        django_ready()
    except typer.Exit:
        # A configuration problem is fixed by the operator; the mail must wait for that, not bounce.
        raise typer.Exit(EX_TEMPFAIL) from None


def intake_email() -> None:
    """Read one email (RFC 5322) from stdin and store it: prints `opened SEC-N`, `replied SEC-N`,
    `ignored: <reason>` or `dead-letter <id>: <reason>`, and exits 0. Exit 75: not stored, try again later.

    A message over GARRISON_MAX_EMAIL_BYTES is kept (its first bytes) as a dead letter.
    """
    _ready_or_tempfail()
    from django.conf import settings

    from garrison.issues.services import mail_intake, mail_intake_oversized

    limit = int(settings.GARRISON_MAX_EMAIL_BYTES)
    stdin = typer.get_binary_stream("stdin")
    try:
        raw = stdin.read(limit + 1)
        oversized = len(raw) > limit
        while oversized and stdin.read(_DRAIN_CHUNK):  # the sender's pipe must not break
            pass
    except OSError as exc:
        typer.echo(f"could not read the message from stdin: {exc.strerror or exc}", err=True)
        raise typer.Exit(EX_TEMPFAIL) from None
    try:
        result = mail_intake_oversized(raw, limit=limit) if oversized else mail_intake(raw)
    except Exception as exc:  # noqa: BLE001 - whatever failed, the mail system must keep the message and retry
        typer.echo(
            f"not stored ({type(exc).__name__}): not even as a dead letter; exit {EX_TEMPFAIL}, try again later",
            err=True,
        )
        raise typer.Exit(EX_TEMPFAIL) from None
    typer.echo(result.summary())


def smtpd(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 2525,
) -> None:
    """Run an SMTP server that files each message like `garrison intake-email`, until Ctrl-C or SIGTERM.

    Takes mail only for the domain of GARRISON_SECURITY_EMAIL (other recipients: 550); answers 250 once a
    message is stored (issue, reply, ignored or dead letter), 451 when it could not be stored at all, and refuses
    messages over GARRISON_MAX_EMAIL_BYTES (552). Put it behind your MX (no TLS or authentication of its own).
    """
    django_ready()
    from django.conf import settings

    from garrison.issues.mail.smtp import make_controller

    domain = str(settings.GARRISON_SECURITY_EMAIL).rpartition("@")[2].lower()
    if not domain:
        typer.echo("GARRISON_SECURITY_EMAIL has no domain: set it to the address reports are sent to", err=True)
        raise typer.Exit(2)
    controller = make_controller(host=host, port=port, domain=domain, max_bytes=int(settings.GARRISON_MAX_EMAIL_BYTES))
    try:
        controller.start()
    except OSError as exc:
        typer.echo(f"cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    typer.echo(f"garrison smtpd on {host}:{port}, taking mail for @{domain} (Ctrl-C to stop)")
    try:
        while not stop.wait(1.0):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        controller.stop()
    typer.echo("stopped")
