"""The harness's own PostgreSQL database: created, reused at the same scale, or dropped.

Runs before Django is set up (plain psycopg). Only databases whose name contains "bench"
are ever created or dropped, so a wrong URL cannot destroy anybody's data.
"""

import json
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

MARKER = "bench_harness_marker"


def name_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(with_name(url, "postgres"), autocommit=True)


def _check(name: str) -> None:
    if "bench" not in name:
        raise SystemExit(f"refusing to create or drop {name!r}: not a benchmark database")


def exists(url: str) -> bool:
    with _admin(url) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                 [name_of(url)]).fetchone())


def marker(url: str) -> dict | None:
    """What the database was seeded with, or None (no marker: seeding never finished)."""
    if not exists(url):
        return None
    with psycopg.connect(url) as conn:
        if not conn.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()[0]:
            return None
        row = conn.execute(f"SELECT counts FROM {MARKER}").fetchone()  # noqa: S608
        return row[0] if row else None


def write_marker(url: str, counts: dict, seeding: dict) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (counts jsonb, seeding jsonb, "
                     "seeded_at timestamptz DEFAULT now())")
        conn.execute(f"DELETE FROM {MARKER}")  # noqa: S608
        conn.execute(f"INSERT INTO {MARKER} (counts, seeding) VALUES (%s, %s)",  # noqa: S608
                     [json.dumps(counts), json.dumps(seeding)])


def drop(url: str) -> None:
    name = name_of(url)
    _check(name)
    with _admin(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def create(url: str) -> None:
    name = name_of(url)
    _check(name)
    with _admin(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def marker_seeding(url: str) -> dict | None:
    """How long the seeding took, as recorded by the run that did it."""
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT seeding, seeded_at FROM {MARKER}").fetchone()  # noqa: S608
        return {**(row[0] or {}), "seeded_at": row[1].isoformat(), "reused": True}
