"""`garrison scheduler`: the periodic work (delivery retries, page escalation, the daily digest, advisories whose
embargo ended) every 30 s."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from garrison.cli.django_env import django_ready

logger = logging.getLogger("garrison.notify")


def scheduler(
    once: Annotated[bool, typer.Option("--once", help="Run what is due now, then exit.")] = False,
    interval: Annotated[float, typer.Option(min=1.0, help="Seconds between runs.")] = 30.0,
) -> None:
    """Run the scheduler until Ctrl-C or SIGTERM. Safe to run several (each step claims its rows); `garrison serve`
    starts one beside the web process."""
    django_ready()
    from django.db import DatabaseError, close_old_connections

    from garrison.notify.scheduler import run_due

    if once:
        typer.echo(str(run_due()))
        return
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    typer.echo(f"scheduler running every {interval:g}s (Ctrl-C to stop)")
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                report = run_due()
            except DatabaseError:
                # the database went away for a moment: say so and try again next tick, do not die
                logger.exception("scheduler run failed; retrying in %ss", interval)
            else:
                if report.requeued or report.escalated or report.digests:
                    logger.info("scheduler: %s", report)
            stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    typer.echo("scheduler stopped")
