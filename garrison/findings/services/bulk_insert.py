"""Inserting many new rows fast: COPY on PostgreSQL, one executemany on SQLite.

Django's bulk_create prepares every value through the field machinery and, on SQLite, splits a batch into
INSERTs of 999 parameters (26 findings each); for an import of 100,000 findings that is most of the time. Here
values are converted once per column type, constants once per batch, and one statement writes the batch.
Only for plain inserts of rows that cannot exist yet (new findings): no signals, no conflicts. RowStream keeps one
COPY open across calls, so the server inserts while the caller parses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson
from django.db import connection, models

Convert = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _json(value: Any) -> Any:
    return orjson.dumps(value).decode()


def _uuid_hex(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else value.hex  # str: already as SQLite keeps it


def _decimal_text(value: Any) -> Any:
    return None if value is None else str(value)


def _converter(field: models.Field[Any, Any]) -> Convert:
    """A cheap stand-in for field.get_db_prep_save for the column types our rows use."""
    kind = field.get_internal_type()
    if isinstance(field, models.ForeignKey):
        kind = field.target_field.get_internal_type()
    if kind in {"CharField", "TextField", "BooleanField", "PositiveIntegerField", "IntegerField", "BigIntegerField"}:
        return _identity
    if kind == "JSONField":
        return _json
    native = connection.vendor == "postgresql"
    if kind == "UUIDField":
        return _identity if native else _uuid_hex
    if kind == "DecimalField":
        return _identity if native else _decimal_text
    return lambda value: field.get_db_prep_save(value, connection)


class BulkInsert:
    """Rows of one model given as dicts of attname -> Python value; missing attnames take ``constants``."""

    def __init__(self, model: type[models.Model], constants: dict[str, Any]) -> None:
        self.fields = list(model._meta.concrete_fields)
        self.table = model._meta.db_table
        self.varying: list[tuple[int, str, Convert]] = []
        self.fixed: list[Any] = []
        for index, field in enumerate(self.fields):
            if field.attname in constants:
                self.fixed.append(field.get_db_prep_save(constants[field.attname], connection))
            else:
                self.fixed.append(None)
                self.varying.append((index, field.attname, _converter(field)))

    def tuple_of(self, row: dict[str, Any]) -> list[Any]:
        values = list(self.fixed)
        for index, attname, convert in self.varying:
            values[index] = convert(row[attname])
        return values

    def copy_sql(self) -> str:
        quote = connection.ops.quote_name
        return f"COPY {quote(self.table)} ({', '.join(quote(f.column) for f in self.fields)}) FROM STDIN"

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        values = [self.tuple_of(row) for row in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
                with raw.copy(self.copy_sql()) as copy:
                    for value in values:
                        copy.write_row(value)
                if connection.queries_logged:  # so query counts (tests, the benchmark) see it
                    connection.queries_log.append({"sql": f"COPY {self.table} ({len(values)} rows)", "time": "0"})
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                insert = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
                cursor.executemany(insert, values)


class RowStream:
    """Rows written as they come. On PostgreSQL one COPY stays open across calls, so the server inserts and
    indexes while the caller goes on; ``close`` ends it (call it before any other query on the connection: an
    open COPY holds the connection). Elsewhere rows are kept until ``flush`` (or ``close``) inserts them at once."""

    def __init__(self, insert: BulkInsert) -> None:
        self.insert = insert
        self.pending: list[dict[str, Any]] = []
        self._copy: Any = None
        self._context: Any = None
        self._cursor: Any = None
        self._count = 0

    def add(self, row: dict[str, Any]) -> None:
        if connection.vendor != "postgresql":
            self.pending.append(row)
            return
        if self._copy is None:
            connection.ensure_connection()
            self._cursor = connection.connection.cursor()
            self._context = self._cursor.copy(self.insert.copy_sql())
            self._copy = self._context.__enter__()
        self._copy.write_row(self.insert.tuple_of(row))
        self._count += 1

    def flush(self) -> None:
        rows, self.pending = self.pending, []
        self.insert.write(rows)

    def close(self) -> None:
        self.flush()
        if self._copy is None:
            return
        self._copy = None
        self._context.__exit__(None, None, None)
        self._cursor.close()
        if connection.queries_logged:  # so query counts (tests, the benchmark) see it
            connection.queries_log.append({"sql": f"COPY {self.insert.table} ({self._count} rows)", "time": "0"})
        self._count = 0

    def abort(self) -> None:
        """End an open COPY after an error, so the transaction can roll back (the rows are lost with it)."""
        if self._copy is not None:
            self._copy = None
            failure = RuntimeError("import failed")
            self._context.__exit__(RuntimeError, failure, None)
            self._cursor.close()
