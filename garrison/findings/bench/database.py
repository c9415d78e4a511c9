"""`python -m garrison.findings.bench.database URL`: create the benchmark's PostgreSQL database if missing."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            sys.stdout.write(f"created database {name}\n")


if __name__ == "__main__":
    ensure_database(sys.argv[1])
