"""Gap-free counters.

``next_value`` must run inside a write transaction (``Database.write()``): on SQLite that
transaction began IMMEDIATE, so no other writer can read the counter until we commit; on
PostgreSQL the counter row is locked ``FOR UPDATE``. A rolled-back transaction rolls the
counter back with it, so numbers are never skipped and never reused. Database sequences
are not used because they leave gaps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel import Session, select

from deskapp.db.models import Counter
from deskapp.db.types import table_of


def next_value(session: Session, series: str) -> int:
    """Take the next number of ``series`` (1, 2, 3, …) in the caller's transaction.

    One upsert statement: it creates the counter at 1 or adds one to it and returns the
    new value. On PostgreSQL the row stays locked until the transaction ends; on SQLite the
    write transaction already holds the database's write lock (BEGIN IMMEDIATE).
    """
    if session.autoflush:
        session.flush()  # what session.execute would do first (nothing when clean)
    conn = session.connection()
    stmt = _UPSERT_PG if conn.dialect.name == "postgresql" else _UPSERT_SQLITE
    # Issue #17: a Core statement on the session's connection — the same SQL in the same
    # transaction, without the ORM's bulk-insert path (most of the cost of an audit entry).
    return int(conn.execute(stmt, {"series": series}).scalar_one())


def _upsert(insert: Callable[[Table], PgInsert | SqliteInsert]) -> ReturningInsert[Any]:
    table = table_of(Counter)
    stmt = insert(table).values(series=bindparam("series"), value=1)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.series], set_={"value": table.c.value + 1}
    ).returning(table.c.value)


_UPSERT_PG = _upsert(pg_insert)
_UPSERT_SQLITE = _upsert(sqlite_insert)


def peek(session: Session, series: str) -> int:
    """The last value issued in ``series`` (0 when none)."""
    value = session.exec(select(Counter.value).where(Counter.series == series)).first()
    return value or 0
