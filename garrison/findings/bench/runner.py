"""Time imports of synthetic reports: first import of N findings, then a re-import with 10% changed."""

from __future__ import annotations

import importlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from garrison.findings.bench.generate import WRITERS

CHANGED = 0.1
HEADER = (
    f"{'db':<10} {'format':<6} {'N':>8} {'first s':>8} {'findings/s':>10} {'queries':>8} "
    f"{'reimport s':>10} {'queries':>8} {'new/mitig.':>11} {'peak RSS MB':>11}"
)


def _importer(name: str) -> Any:
    """The registered importer, or the module's own while the registry does not list it yet."""
    from garrison.findings.importers import REGISTRY

    if name in REGISTRY:
        return REGISTRY[name]
    return importlib.import_module(f"garrison.findings.importers.{name}").IMPORTERS[0]


def _bench_user() -> Any:
    from garrison.access.roles import Role
    from garrison.accounts.models import User

    user = User.objects.filter(email="bench@localhost").first()
    return user or User.objects.create_user(email="bench@localhost", password=None, role=Role.ADMIN)


def _target(actor: Any, label: str) -> Any:
    from garrison.org.models import Team
    from garrison.org.services import component_create, team_create

    team = Team.objects.filter(name="Benchmark").first() or team_create(name="Benchmark", actor=actor)
    return component_create(name=f"bench-{label}-{time.time_ns()}", responsible_team=team, actor=actor)


def _timed_import(path: Path, fmt: str, component: Any, actor: Any) -> tuple[float, int, Any]:
    from garrison.findings.services import scan_import

    with path.open("rb") as source, CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = scan_import(
            source=source, file_name=path.name, component=component, release_line=None, fmt=fmt, actor=actor
        )
        seconds = time.perf_counter() - start
    return seconds, len(queries.captured_queries), result


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_one(fmt: str, n: int, workdir: Path, actor: Any) -> str:
    with (workdir / f"{fmt}-{n}.json").open("wb") as out:
        WRITERS[fmt](out, n)
    with (workdir / f"{fmt}-{n}-changed.json").open("wb") as out:
        WRITERS[fmt](out, n, changed=CHANGED)
    importer = _importer(fmt)
    from garrison.findings.importers import REGISTRY

    REGISTRY.setdefault(fmt, importer)
    component = _target(actor, f"{fmt}-{n}")
    first, first_queries, result = _timed_import(workdir / f"{fmt}-{n}.json", fmt, component, actor)
    assert result.counts.new == n, f"expected {n} new findings, got {result.counts.as_dict()}"
    again, again_queries, second = _timed_import(workdir / f"{fmt}-{n}-changed.json", fmt, component, actor)
    changed = f"{second.counts.new}/{second.counts.mitigated}"
    return (
        f"{connection.vendor:<10} {fmt:<6} {n:>8} {first:>8.2f} {n / first:>10.0f} {first_queries:>8} "
        f"{again:>10.2f} {again_queries:>8} {changed:>11} {_peak_mb():>11.0f}"
    )


MEMORY_HEADER = (
    f"{'db':<10} {'format':<6} {'report MB':>9} {'findings':>9} {'seconds':>8} {'findings/s':>10} {'peak RSS MB':>11}"
)


def run_memory(*, megabytes: int, formats: list[str]) -> Iterator[str]:
    """One big first import per format, each in a child process (so that its peak is its own)."""
    yield MEMORY_HEADER
    for fmt in formats:
        child = subprocess.run(  # noqa: S603 (our own module, our own interpreter)
            [sys.executable, "-m", "garrison.findings.bench.memory", fmt, str(megabytes)],
            capture_output=True,
            text=True,
            check=True,
        )
        got = json.loads(child.stdout.strip().splitlines()[-1])
        rate = got["findings"] / got["seconds"] if got["seconds"] else 0
        yield (
            f"{connection.vendor:<10} {fmt:<6} {got['megabytes']:>9} {got['findings']:>9} {got['seconds']:>8} "
            f"{rate:>10.0f} {got['peak_rss_mb']:>11}"
        )


def run_bench(*, sizes: list[int], formats: list[str]) -> Iterator[str]:
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"no generator for {', '.join(unknown)}; one of {', '.join(WRITERS)}")
    actor = _bench_user()
    yield HEADER
    with tempfile.TemporaryDirectory(prefix="garrison-bench-") as tmp:
        for n in sizes:
            for fmt in formats:
                yield bench_one(fmt, n, Path(tmp), actor)
                for leftover in Path(tmp).iterdir():
                    leftover.unlink()
