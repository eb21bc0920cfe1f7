"""``audit.batch``: the entries of a long transaction (the demo build) written together,
chained exactly as one ``audit.record`` at a time would chain them (issue #17)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry, Counter
from deskapp.errors import Conflict
from deskapp.services import audit, numbering

MOMENT = datetime(2026, 11, 30, 10, 0)


def _chain(db: Database) -> list[tuple[int, str, str, str, str]]:
    with db.read() as session:
        return [(e.seq, e.action, e.entity_id, e.prev_hash, e.hash) for e in session.exec(
            select(AuditEntry).order_by(col(AuditEntry.seq))).all()]


def _story(session: Session, wrap: Callable[[Session], AbstractContextManager[object]]) \
        -> list[str]:
    """Entries, a read of the log, a savepoint kept, one rolled back (after a read inside
    it wrote the pending rows), more entries; returns what the reads inside saw."""
    seen: list[str] = []
    with wrap(session):
        for i in range(3):
            audit.record(session, by=None, action="t.before", entity="t", entity_id=i)
        seen.append(f"head {audit.head(session)[0]}")
        with session.begin_nested():
            audit.record(session, by=None, action="t.kept", entity="t", entity_id=10)
        audit.record(session, by=None, action="t.mid", entity="t", entity_id=11)
        nested = session.begin_nested()
        audit.record(session, by=None, action="t.undone", entity="t", entity_id=12)
        seen.append(f"inside {len(audit.entries_for(session, entity='t', entity_id=12))}")
        audit.record(session, by=None, action="t.undone", entity="t", entity_id=13)
        nested.rollback()
        nested = session.begin_nested()
        audit.record(session, by=None, action="t.undone", entity="t", entity_id=14)
        nested.rollback()
        for i in range(20, 23):
            audit.record(session, by=None, action="t.after", entity="t", entity_id=i)
        seen.append(f"count {session.execute(text('SELECT count(*) FROM audit_entry')).scalar()}")
    return seen


def _run(db: Database, wrap: Callable[[Session], AbstractContextManager[object]]) -> list[str]:
    with clock.freeze(MOMENT), db.write() as session:
        seen = _story(session, wrap)
    with clock.freeze(MOMENT), db.write() as session:  # a later transaction, unbatched
        audit.record(session, by=None, action="t.next", entity="t", entity_id=30)
    return seen


def test_a_batch_chains_and_reads_exactly_like_single_entries(tmp_path, db: Database) -> None:
    import shutil

    shutil.copy(db.url.removeprefix("sqlite:///"), tmp_path / "other.sqlite3")
    other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        assert _run(db, audit.batch) == _run(other, lambda _s: nullcontext()) \
            == ["head 3", "inside 1", "count 8"]
        assert _chain(db) == _chain(other)
        assert [row[2] for row in _chain(db)] == ["0", "1", "2", "10", "11", "20", "21", "22",
                                                  "30"]
        with db.read() as session:
            assert audit.verify(session).ok
            assert numbering.peek(session, "audit") == 9
    finally:
        other.dispose()


def test_an_error_in_a_batch_writes_nothing(db: Database) -> None:
    with pytest.raises(Conflict), db.write() as session, audit.batch(session):
        audit.record(session, by=None, action="t.lost", entity="t")
        raise Conflict("demo.not_empty")
    with db.read() as session:
        assert session.exec(select(AuditEntry)).first() is None
        assert session.get(Counter, "audit") is None
    with db.write() as session, audit.batch(session):
        audit.record(session, by=None, action="t.kept", entity="t")
    with db.read() as session:
        assert audit.head(session)[0] == 1 and audit.verify(session).ok


def test_a_failed_flush_in_a_savepoint_keeps_the_entries_before_it(db: Database) -> None:
    """The flush's own subtransaction is rolled back first (it takes the savepoint with
    it), then the savepoint: the batch's entries from before the savepoint stay."""
    with clock.freeze(MOMENT), db.write() as session, audit.batch(session):
        for i in (1, 2):
            audit.record(session, by=None, action="t.before", entity="t", entity_id=i)
        session.execute(text("INSERT INTO counter (series, value) VALUES ('dup', 1)"))
        with pytest.raises(IntegrityError), session.begin_nested():
            audit.record(session, by=None, action="t.undone", entity="t", entity_id=9)
            session.add(Counter(series="dup", value=2))
            session.flush()
        audit.record(session, by=None, action="t.after", entity="t", entity_id=3)
    assert [row[2] for row in _chain(db)] == ["1", "2", "3"]
    with db.read() as session:
        assert audit.verify(session).ok and numbering.peek(session, "audit") == 3


def test_a_batch_on_postgres(pg_db: Database) -> None:
    with clock.freeze(MOMENT), pg_db.write() as session:
        seen = _story(session, audit.batch)
    assert seen == ["head 3", "inside 1", "count 8"]
    with pg_db.read() as session:
        assert audit.verify(session).ok and audit.head(session)[0] == 8
