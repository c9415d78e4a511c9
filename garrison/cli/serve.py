"""`garrison serve` and `garrison worker`: the web process (waitress) and the background task worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from types import FrameType
from typing import Annotated

import typer

from garrison.cli.django_env import django_ready

_WORKER_STOP_SECONDS = 15


def _worker_command() -> list[str]:
    # No autoreload: the child must stop when we stop it, not restart itself.
    return [sys.executable, "-m", "django", "db_worker", "--no-reload"]


def _scheduler_command() -> list[str]:
    return [sys.executable, "-m", "garrison.cli", "scheduler"]


def _start_child(name: str, command: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    # Its own process group: a terminal's Ctrl-C reaches only us, and we stop the child, so there is one way
    # down (and no "exited" race with our own shutdown).
    child = subprocess.Popen(command, env=env, process_group=0)  # noqa: S603 (our interpreter and arguments)
    typer.echo(f"{name} started (pid {child.pid})")
    return child


def _start_worker() -> subprocess.Popen[bytes]:
    return _start_child("task worker", _worker_command())


def _watch_child(name: str, child: subprocess.Popen[bytes], stopping: threading.Event, consequence: str) -> None:
    code = child.wait()
    if not stopping.is_set():
        typer.echo(f"{name} exited on its own (code {code}); {consequence}", err=True)


def _watch_worker(child: subprocess.Popen[bytes], stopping: threading.Event) -> None:
    _watch_child("task worker", child, stopping, "background tasks wait until it runs again")


def _stop_child(name: str, child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
    try:
        child.wait(timeout=_WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        typer.echo(f"{name} did not stop within {_WORKER_STOP_SECONDS}s; killing it", err=True)
        child.kill()
        child.wait()
    typer.echo(f"{name} stopped")


def _stop_worker(child: subprocess.Popen[bytes]) -> None:
    _stop_child("task worker", child)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # waitress's loop stops cleanly on KeyboardInterrupt. Installed for SIGINT too, because a shell starts
    # background jobs with SIGINT ignored, and for SIGTERM (systemd, docker, kill).
    raise KeyboardInterrupt


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on. Put a TLS proxy in front for anything public.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    with_worker: Annotated[
        bool, typer.Option("--with-worker/--no-worker", help="Also run the background task worker as a child.")
    ] = True,
    threads: Annotated[int, typer.Option(min=1, max=256, help="Request threads in the web process.")] = 8,
    with_scheduler: Annotated[
        bool,
        typer.Option(
            "--with-scheduler/--no-scheduler",
            help="Also run the scheduler (retries, page escalation, daily digest, embargo ends) as a child.",
        ),
    ] = True,
) -> None:
    """Serve Garrison (config.wsgi) with waitress, and run the task worker and the scheduler beside it.

    Ctrl-C or SIGTERM stops all three: the worker finishes its current task first.
    """
    django_ready()
    from waitress import create_server  # type: ignore[import-untyped]

    from config.wsgi import application

    try:
        server = create_server(application, host=host, port=port, threads=threads, ident="")
    except OSError as exc:
        typer.echo(f"cannot listen on {host}:{port}: {exc.strerror}", err=True)
        raise typer.Exit(1) from None
    stopping = threading.Event()
    child = _start_worker() if with_worker else None
    if child is not None:
        threading.Thread(target=_watch_worker, args=(child, stopping), daemon=True).start()
    ticker = _start_child("scheduler", _scheduler_command()) if with_scheduler else None
    if ticker is not None:
        consequence = "retries, escalations and digests wait until it runs again"
        threading.Thread(target=_watch_child, args=("scheduler", ticker, stopping, consequence), daemon=True).start()
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    typer.echo(f"Garrison {_version()} serving on http://{host}:{port} (Ctrl-C to stop)")
    try:
        server.run()
    finally:
        stopping.set()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.close()
        if ticker is not None:
            _stop_child("scheduler", ticker)
        if child is not None:
            _stop_worker(child)
    typer.echo("stopped")


def _version() -> str:
    from django.conf import settings

    return str(settings.GARRISON_VERSION)


def worker(
    interval: Annotated[
        float, typer.Option(min=0.1, help="Seconds to wait between polls when the queue is empty.")
    ] = 1.0,
    batch: Annotated[bool, typer.Option("--batch", help="Run what is queued now, then exit.")] = False,
) -> None:
    """Run the background task worker (django-tasks database backend) until Ctrl-C or SIGTERM.

    Start as many as you need, on any machine that reaches the database.
    """
    django_ready()
    from django.core.management import call_command

    call_command("db_worker", interval=interval, batch=batch, reload=False)
