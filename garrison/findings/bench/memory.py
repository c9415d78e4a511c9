"""Peak memory of importing one big report, measured in a process of its own (the benchmark's earlier imports
would otherwise set the peak): ``python -m garrison.findings.bench.memory FORMAT MEGABYTES``.

It writes a synthetic report of at least MEGABYTES (streamed to a temporary file, constant memory), imports it
as a first scan of a new component, and prints one JSON object: size, findings, seconds, peak RSS in MB."""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from garrison.findings.bench.generate import WRITERS

# Bytes per finding of the generated reports (measured on 100,000): how many findings make the size asked for.
BYTES_PER_FINDING = {"trivy": 766, "sarif": 343}


def measure(fmt: str, megabytes: int) -> dict[str, float]:
    from garrison.cli.django_env import django_ready

    django_ready()
    from garrison.findings.bench.runner import _bench_user, _target
    from garrison.findings.services import scan_import

    n = megabytes * 1024 * 1024 // BYTES_PER_FINDING[fmt] + 1
    with tempfile.TemporaryDirectory(prefix="garrison-bench-") as tmp:
        path = Path(tmp) / f"{fmt}-{megabytes}mb.json"
        with path.open("wb") as out:
            WRITERS[fmt](out, n)
        size = path.stat().st_size
        actor = _bench_user()
        component = _target(actor, f"{fmt}-{megabytes}mb")
        with path.open("rb") as source:
            start = time.perf_counter()
            result = scan_import(
                source=source, file_name=path.name, component=component, release_line=None, fmt=fmt, actor=actor
            )
            seconds = time.perf_counter() - start
        _forget(result.scan)
    return {
        "megabytes": round(size / 1024 / 1024),
        "findings": result.counts.new,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _forget(scan: Any) -> None:
    """Delete what the big import wrote (millions of rows would slow every later run of the benchmark)."""
    from django.db import connection, transaction

    from garrison.findings.models import Finding

    with transaction.atomic(), connection.cursor() as cursor:
        table = connection.ops.quote_name(Finding._meta.db_table)
        cursor.execute(f"DELETE FROM {table} WHERE target_key = %s", [scan.target_key])  # noqa: S608


if __name__ == "__main__":
    sys.stdout.write(json.dumps(measure(sys.argv[1], int(sys.argv[2]))) + "\n")
