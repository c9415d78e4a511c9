"""`garrison check`: is this deployment fit to hold security reports? One line per check: OK, WARN or FAIL."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import typer

from garrison.cli.django_env import django_ready

OK, WARN, FAIL = "OK", "WARN", "FAIL"
_COLOURS = {OK: "green", WARN: "yellow", FAIL: "red"}
MIN_SECRET_KEY_LENGTH = 50
_KNOWN_WEAK_KEYS = ("insecure-development-key-do-not-use-in-production",)


@dataclass(frozen=True)
class Result:
    status: str
    name: str
    detail: str


def check_debug(s: Any) -> Result:
    if s.DEBUG:
        return Result(FAIL, "debug mode", "on (GARRISON_DEBUG): it shows internals on errors; turn it off")
    return Result(OK, "debug mode", "off")


def check_secret_key(s: Any) -> Result:
    key = s.SECRET_KEY or ""
    name = "secret key"
    if not key:
        return Result(FAIL, name, "not set: set GARRISON_SECRET_KEY or GARRISON_SECRET_KEY_FILE")
    if key in _KNOWN_WEAK_KEYS or key.startswith("django-insecure"):
        return Result(FAIL, name, "is the built-in development key: generate a real one")
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        return Result(FAIL, name, f"too short or repetitive: use at least {MIN_SECRET_KEY_LENGTH} random characters")
    return Result(OK, name, f"set ({len(key)} characters)")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(s: Any) -> Result:
    parts = urlsplit(s.BASE_URL)
    if parts.scheme == "https":
        return Result(OK, "base URL", s.BASE_URL)
    if _is_loopback(parts.hostname or ""):
        return Result(WARN, "base URL", f"{s.BASE_URL} is plain http: fine on this machine only")
    return Result(FAIL, "base URL", f"{s.BASE_URL} is plain http: set GARRISON_BASE_URL to an https URL")


def check_allowed_hosts(s: Any) -> Result:
    hosts = list(s.ALLOWED_HOSTS)
    if "*" in hosts:
        return Result(
            FAIL, "allowed hosts", "'*' accepts any Host header: list the real names in GARRISON_ALLOWED_HOSTS"
        )
    if not hosts:
        return Result(FAIL, "allowed hosts", "empty: every request would be refused; set GARRISON_ALLOWED_HOSTS")
    return Result(OK, "allowed hosts", ", ".join(dict.fromkeys(hosts)))


def check_database(s: Any) -> Result:
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Result(FAIL, "database", f"unreachable ({connection.vendor}): {exc}")
    if plan:
        return Result(FAIL, "database", f"{len(plan)} migrations not applied: run `garrison migrate`")
    return Result(OK, "database", f"{connection.vendor}, reachable, migrated")


def check_encryption_keys(s: Any) -> Result:
    from garrison.core.crypto import parse_keys
    from garrison.core.env import ConfigError

    if s.GARRISON_ENCRYPTION_KEYS:
        try:
            ring = parse_keys(s.GARRISON_ENCRYPTION_KEYS)
        except ConfigError as exc:
            return Result(FAIL, "encryption keys", str(exc))
        return Result(
            OK, "encryption keys", f"explicit: {len(ring.keys)} key(s), new data sealed with {ring.primary!r}"
        )
    return Result(
        WARN,
        "encryption keys",
        "derived from the secret key: set GARRISON_ENCRYPTION_KEYS, or a new secret key locks stored secrets away",
    )


def check_email(s: Any) -> Result:
    if not s.EMAIL_HOST:
        return Result(WARN, "email", "no GARRISON_EMAIL_HOST: mail is written to the log, not sent")
    return Result(OK, "email", f"SMTP {s.EMAIL_HOST}:{s.EMAIL_PORT}, from {s.DEFAULT_FROM_EMAIL}")


def check_audit_chain(database: Result) -> Result:
    if database.status != OK:
        return Result(FAIL, "audit chain", "not checked: the database is not ready")
    from garrison.audit.selectors import chain_report

    report = chain_report()
    if report.broken is not None:
        return Result(FAIL, "audit chain", f"broken at event #{report.broken.seq}: {report.broken.reason}")
    return Result(OK, "audit chain", f"intact: {report.checked} events")


SETTINGS_CHECKS: tuple[Callable[[Any], Result], ...] = (
    check_debug,
    check_secret_key,
    check_base_url,
    check_allowed_hosts,
    check_encryption_keys,
    check_email,
)


def run_checks() -> list[Result]:
    from django.conf import settings

    results = [check(settings) for check in SETTINGS_CHECKS]
    database = check_database(settings)
    return [*results, database, check_audit_chain(database)]


def check() -> None:
    """Check that this deployment is fit for production; exit 1 if any check FAILs.

    Checks: debug off, a real secret key, https base URL, allowed hosts, database reachable and migrated,
    explicit encryption keys, email, audit chain intact.
    """
    django_ready()
    results = run_checks()
    for result in results:
        typer.secho(f"{result.status:<5} {result.name}: {result.detail}", fg=_COLOURS[result.status])
    failed = sum(r.status == FAIL for r in results)
    warned = sum(r.status == WARN for r in results)
    typer.echo(f"{len(results)} checks: {len(results) - failed - warned} OK, {warned} WARN, {failed} FAIL")
    if failed:
        raise typer.Exit(1)
