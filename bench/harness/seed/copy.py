"""Rows into PostgreSQL with COPY (psycopg 3 ``cursor.copy``), columns taken from the model.

A seeder names the columns it varies; every other column gets the model field's default (or
NULL, or "now" for auto_now fields), so a field added to a model later does not break the
harness unless it is NOT NULL without a default — then the error names it.
"""

import json
from collections.abc import Iterable

from django.db import connection, models


def raw_cursor():
    """psycopg's own cursor under Django's connection, for COPY (same transaction)."""
    connection.ensure_connection()
    return connection.connection.cursor()


def _fixed_value(field: models.Field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        value = field.get_default()
        if isinstance(field, models.JSONField):
            return json.dumps(value)
        return value
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(
        f"bench seed: {field.model.__name__}.{field.name} is NOT NULL without a default; "
        "the seeder must set it"
    )


def copy_rows(model, varying: list[str], rows: Iterable[tuple], *, now) -> int:
    """COPY ``rows`` (tuples in the order of ``varying``, column names) into ``model``'s
    table; the other concrete columns (except an omitted ``id``) get their defaults."""
    fields = [f for f in model._meta.concrete_fields]
    fixed = [
        f for f in fields
        if f.column not in varying and not (f.primary_key and f.column == "id")
    ]
    tail = tuple(_fixed_value(f, now) for f in fixed)
    # Quoted: some columns are SQL keywords ("order").
    columns = ", ".join(f'"{c}"' for c in [*varying, *(f.column for f in fixed)])
    count = 0
    with raw_cursor() as cursor, cursor.copy(
        f"COPY {model._meta.db_table} ({columns}) FROM STDIN"  # noqa: S608 - model metadata
    ) as copy:
        for row in rows:
            copy.write_row(row + tail)
            count += 1
    return count


def reset_sequence(model) -> None:
    """After COPY with explicit ids: the next ORM insert must not collide with them."""
    table = model._meta.db_table
    with raw_cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


class bulk_load:  # noqa: N801 - used as a statement: ``with bulk_load(Ticket, …):``
    """Inside the seeding transaction of a fresh database: no foreign-key triggers (Django's
    are deferred, so each row would queue a check until COMMIT) and no secondary indexes
    while the rows stream in; the indexes are built once at the end, which is several times
    faster than maintaining them row by row. Needs a superuser (session_replication_role)."""

    def __init__(self, *models_):
        self.tables = [model._meta.db_table for model in models_]
        self.indexes: list[tuple[str, str]] = []

    def __enter__(self):
        with raw_cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)", [self.tables])
            self.indexes = cursor.fetchall()
            for name, _definition in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            with raw_cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for _name, definition in self.indexes:
                    cursor.execute(definition)
                cursor.execute("SET LOCAL session_replication_role = origin")
        return False
