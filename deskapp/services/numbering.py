"""Gap-free counters.

``next_value`` must run inside a write transaction (``Database.write()``): on SQLite that
transaction began IMMEDIATE, so no other writer can read the counter until we commit; on
PostgreSQL the counter row is locked ``FOR UPDATE``. A rolled-back transaction rolls the
counter back with it, so numbers are never skipped and never reused. Database sequences
are not used because they leave gaps.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from deskapp.db.models import Counter


def next_value(session: Session, series: str) -> int:
    """Take the next number of ``series`` (1, 2, 3, …) in the caller's transaction."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.exec(insert(Counter).values(series=series, value=0).on_conflict_do_nothing())  # type: ignore[call-overload]
    current = session.exec(
        select(Counter.value).where(Counter.series == series).with_for_update()
    ).one()
    session.exec(  # type: ignore[call-overload]
        update(Counter).where(Counter.series == series).values(value=current + 1)
    )
    return current + 1


def peek(session: Session, series: str) -> int:
    """The last value issued in ``series`` (0 when none)."""
    value = session.exec(select(Counter.value).where(Counter.series == series)).first()
    return value or 0
