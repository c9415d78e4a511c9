"""Inserting many new rows fast: COPY on PostgreSQL, one executemany on SQLite.

Django's bulk_create prepares every value through the field machinery and, on SQLite, splits a batch into
INSERTs of 999 parameters (26 findings each); for an import of 100,000 findings that is most of the time. Here
values are converted once per column type, constants once per batch, and one statement writes the batch.
Only for plain inserts of rows that cannot exist yet (new findings and their sources): no signals, no conflicts.
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
    return None if value is None else value.hex


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

    def _tuples(self, rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
        out = []
        for row in rows:
            values = list(self.fixed)
            for index, attname, convert in self.varying:
                values[index] = convert(row[attname])
            out.append(values)
        return out

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        values = self._tuples(rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
                with raw.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
                if connection.queries_logged:  # so query counts (tests, the benchmark) see it
                    connection.queries_log.append({"sql": f"COPY {self.table} ({len(values)} rows)", "time": "0"})
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                insert = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
                cursor.executemany(insert, values)
