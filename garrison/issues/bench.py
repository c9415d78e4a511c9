"""`garrison bench issues`: load N synthetic issues across L security levels, then time the issue list page and
API for a developer and a security lead (p50/p95 over repeated requests) and count their queries.

It writes to the configured database: run it on a scratch database (`make bench-issues` does).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

HEADER = (
    f"{'db':<10} {'issues':>8} {'levels':>6} {'who':<14} {'what':<5} {'visible':>8} "
    f"{'p50 ms':>8} {'p95 ms':>8} {'queries':>8}"
)
STATUSES = ("new", "triage", "confirmed", "fixing", "fixed", "closed")
SEVERITIES = ("critical", "high", "medium", "low", "unknown")


def _user(email: str, role: str) -> Any:
    import pyotp

    from garrison.accounts.models import User
    from garrison.core import clock, crypto

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, role=role)
        user.totp_secret_sealed = crypto.seal_text(pyotp.random_base32(), associated_data=f"user.totp:{user.pk}")
        user.totp_confirmed_at = clock.now()
        user.save()
    return user


def _world(levels: int) -> tuple[list[Any], list[Any], Any, Any]:
    """Teams, components and levels: the developer is in 2 of 20 teams; a third of the levels admit the component
    team, a few name the developer role, the rest only name teams the developer is not in."""
    from garrison.access.roles import Role
    from garrison.issues.models import SecurityLevel
    from garrison.org.models import Component, Team, TeamMembership

    developer = _user("bench-dev@localhost", Role.DEVELOPER)
    lead = _user("bench-lead@localhost", Role.SECURITY_LEAD)
    teams = [Team.objects.get_or_create(name=f"bench-team-{i}")[0] for i in range(20)]
    for team in teams[:2]:
        TeamMembership.objects.get_or_create(team=team, user=developer)
    components = [
        Component.objects.get_or_create(name=f"bench-comp-{i}", defaults={"responsible_team": teams[i % 20]})[0]
        for i in range(40)
    ]
    made = list(SecurityLevel.objects.all())
    for i in range(len(made), levels):
        level = SecurityLevel.objects.create(
            name=f"bench-level-{i}",
            rank=100 + i,
            include_component_team=i % 3 == 0,
            roles=["developer"] if i % 10 == 1 else [],
        )
        level.teams.set([teams[2 + i % 18]])
        made.append(level)
    return made[:levels], components, developer, lead


def load(n: int, levels: int, seed: int = 7) -> tuple[Any, Any]:
    """Top the issue table up to ``n`` synthetic issues (bulk inserts, 5,000 per batch)."""
    from garrison.issues.models import IssueCounter, SecurityIssue

    rng = random.Random(seed)  # noqa: S311 -- synthetic data, not security
    level_rows, components, developer, lead = _world(levels)
    have = SecurityIssue.objects.count()
    start = (SecurityIssue.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    from garrison.core import clock

    now = clock.now()
    batch: list[SecurityIssue] = []
    for i in range(n - have):
        component = rng.choice(components)
        created = now - timedelta(days=rng.randint(0, 700))
        batch.append(
            SecurityIssue(
                number=start + i,
                title=f"Synthetic issue {start + i}",
                description="synthetic",
                component=component,
                responsible_team_id=component.responsible_team_id,
                security_level=rng.choice(level_rows),
                status=rng.choice(STATUSES),
                close_reason="",
                severity=rng.choice(SEVERITIES),
                channel="internal",
                reply_key=f"bench{start + i}",
                ack_due_at=created + timedelta(days=2),
                triage_due_at=created + timedelta(days=7),
                fix_due_at=created + timedelta(days=30),
            )
        )
        if batch[-1].status == "closed":
            batch[-1].close_reason = "wont_fix"
        if len(batch) == 5000:
            _flush(batch)
    _flush(batch)
    with transaction.atomic():
        counter, _ = IssueCounter.objects.select_for_update().get_or_create(pk=1)
        counter.last_number = max(counter.last_number, start + n - have - 1)
        counter.save()
    if connection.vendor in ("sqlite", "postgresql"):
        # Statistics as a running deployment has them (`garrison migrate` on SQLite, autovacuum on PostgreSQL).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return developer, lead


def _flush(batch: list[Any]) -> None:
    from garrison.issues.models import SecurityIssue

    if batch:
        with transaction.atomic():
            SecurityIssue.objects.bulk_create(batch)
        batch.clear()


def _timed(get: Any, repeat: int) -> tuple[list[float], int, int]:
    timings = []
    queries = 0
    status = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = get()
            timings.append((time.perf_counter() - started) * 1000)
        queries, status = len(ctx.captured_queries), response.status_code
        if status != 200:
            raise RuntimeError(f"benchmark request failed with HTTP {status}")
    return timings, queries, status


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def run(sizes: list[int], levels: int, repeat: int) -> Iterator[str]:
    from garrison.accounts.services.tokens import token_create
    from garrison.issues.selectors import issues_visible_to

    yield HEADER
    for n in sizes:
        developer, lead = load(n, levels)
        for who, user in (("developer", developer), ("security lead", lead)):
            visible = issues_visible_to(actor=user).count()
            page = Client(SERVER_NAME="127.0.0.1")
            page.force_login(user)
            from garrison.access.policy import effective_permissions

            scopes = sorted(str(p) for p in effective_permissions(user))
            _, token = token_create(
                user=user, name=f"bench {time.time_ns()}", scopes=scopes, expires_at=None, actor=user
            )
            api = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
            for what, get in (
                ("page", lambda c=page: c.get("/issues/")),
                ("api", lambda c=api: c.get("/api/v1/issues?limit=50")),
            ):
                get()  # warm up
                timings, queries, _ = _timed(get, repeat)
                yield (
                    f"{connection.vendor:<10} {n:>8} {levels:>6} {who:<14} {what:<5} {visible:>8} "
                    f"{_p(timings, 50):>8.1f} {_p(timings, 95):>8.1f} {queries:>8}"
                )
