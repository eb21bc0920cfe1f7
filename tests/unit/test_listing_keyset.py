"""Keyset (seek) paging in SqlListSource (issue #17): a page read from its neighbour's edge
record, or deep in the list through the sort key, is the same page OFFSET reads, in both
directions, with filters and search, across equal timestamps; the seek really replaces
OFFSET; an ordering that cannot seek soundly (NULLs, another table) keeps OFFSET."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import DateTime, Engine, ForeignKey, Integer, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import StaticPool

from deskapp.services.listing import FilterSpec, ListColumn, ListQuery, ListRow, SqlListSource


class Base(DeclarativeBase):
    pass


class Shelf(Base):
    __tablename__ = "k_shelf"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10))


class Note(Base):
    __tablename__ = "k_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(50))
    done_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    shelf_id: Mapped[int] = mapped_column(ForeignKey("k_shelf.id"))


N = 1000
START = datetime(2025, 1, 1, 8, 0)


class NoteSource(SqlListSource):
    columns = [ListColumn("at", "k.at", 16), ListColumn("text", "k.text", 20)]
    filters = [FilterSpec("kind", "k.kind", "choice", [("a", "a"), ("b", "b")])]
    model = Note
    order_by = (Note.at.desc(), Note.id.desc())
    filter_columns = {"kind": Note.kind}
    search_columns = ("text",)

    def to_row(self, item: Note) -> ListRow:
        return ListRow(item.id, (f"{item.at:%Y-%m-%d %H:%M}", item.text))


class MixedSource(NoteSource):
    """Ascending kind, then newest first: mixed directions."""

    order_by = (Note.kind.asc(), Note.at.desc(), Note.id.desc())


class NullableSource(NoteSource):
    order_by = (Note.done_at.desc(), Note.id.desc())


class JoinedSource(NoteSource):
    order_by = (Shelf.code.asc(), Note.id.desc())

    def select(self) -> Any:
        return super().select().join(Shelf, Shelf.id == Note.shelf_id)


@pytest.fixture
def engine() -> Iterator[Engine]:
    eng = create_engine("sqlite://", connect_args={"check_same_thread": False},
                        poolclass=StaticPool)
    Base.metadata.create_all(eng)
    with eng.begin() as conn:
        conn.execute(Shelf.__table__.insert(), [{"id": 1, "code": "B"}, {"id": 2, "code": "A"}])
        conn.execute(Note.__table__.insert(), [
            {"id": i,
             # Three records share each minute: ties broken by id, so the seek must be
             # on (at, id), not on at alone.
             "at": START + timedelta(minutes=i // 3),
             "kind": "a" if i % 4 else "b",
             "text": "漏水" if i % 7 == 0 else "门禁",
             "done_at": None if i % 5 == 0 else START + timedelta(minutes=i),
             "shelf_id": 1 + i % 2}
            for i in range(1, N + 1)])
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Statements that skip rows: SQLite always renders ``LIMIT ? OFFSET ?``, so an
    ``OFFSET`` bound to 0 is no skip."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "OFFSET" in statement.upper() and tuple(parameters)[-1] != 0:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


QUERIES = [ListQuery(), ListQuery(filters={"kind": "a"}), ListQuery(search="漏水"),
           ListQuery(filters={"kind": "b"}, search="门禁")]


@pytest.mark.parametrize("source", [NoteSource(), MixedSource()],
                         ids=["newest-first", "mixed-directions"])
@pytest.mark.parametrize("query", QUERIES, ids=["all", "filter", "search", "both"])
def test_every_page_by_keyset_equals_offset(session: Session, source: NoteSource,
                                            query: ListQuery) -> None:
    assert source.seek_columns() is not None
    total = source.count(session, query)
    size = 37
    pages = [source.fetch(session, query, o, size) for o in range(0, total, size)]
    assert sum(len(p) for p in pages) == total
    for n in range(1, len(pages)):
        # Forwards from the last record of the page before.
        hint = ListQuery(filters=query.filters, search=query.search, after=pages[n - 1][-1].id)
        assert source.fetch(session, hint, n * size, size) == pages[n]
    for n in range(len(pages) - 1):
        # Backwards from the first record of the page after (as the widget reads it).
        offset = n * size
        hint = ListQuery(filters=query.filters, search=query.search, after=pages[n + 1][0].id)
        back = source.fetch(session, hint, total - offset - size, size, reverse=True)
        assert back[::-1] == pages[n]


def test_the_hint_is_no_part_of_the_query() -> None:
    assert ListQuery(search="王", after=5) == ListQuery(search="王")


def test_a_seek_replaces_offset(session: Session, statements: list[str]) -> None:
    src = NoteSource()
    page = src.fetch(session, ListQuery(), 600, 50)
    statements.clear()
    nxt = src.fetch(session, ListQuery(after=page[-1].id), 650, 50)
    assert statements == []
    assert nxt[0].id == page[-1].id - 1


def test_deep_offset_without_a_hint_seeks_after_an_index_read(
        session: Session, statements: list[str]) -> None:
    src = NoteSource()
    for offset in (src.SEEK_FROM, src.SEEK_FROM + 1, 777, N - 10, N - 1):
        statements.clear()
        rows = src.fetch(session, ListQuery(), offset, 25)
        # The one OFFSET read selects the sort key only, never the record's other columns.
        assert len(statements) == 1 and "text" not in statements[0].split("FROM")[0]
        reference = session.query(Note.id).order_by(Note.at.desc(), Note.id.desc()) \
            .offset(offset).limit(25).all()
        assert [r.id for r in rows] == [r.id for r in reference]
    assert src.fetch(session, ListQuery(), N + 5, 25) == []  # past the end: empty, no error


def test_a_vanished_hint_falls_back_to_offset(session: Session) -> None:
    src = NoteSource()
    expected = src.fetch(session, ListQuery(), 100, 20)
    assert src.fetch(session, ListQuery(after=999_999), 100, 20) == expected
    assert src.fetch(session, ListQuery(after=999_999), 0, 20, reverse=True) == \
        src.fetch(session, ListQuery(), 0, 20, reverse=True)


@pytest.mark.parametrize("source", [NullableSource(), JoinedSource()],
                         ids=["nullable-column", "other-table"])
def test_orderings_that_cannot_seek_keep_offset(session: Session, source: NoteSource,
                                                statements: list[str]) -> None:
    assert source.seek_columns() is None
    first = source.fetch(session, ListQuery(), 0, 500)
    statements.clear()
    # A hint is ignored (a NULL done_at compares as unknown: a seek would lose those rows).
    nxt = source.fetch(session, ListQuery(after=first[-1].id), 500, 500)
    assert statements
    assert len({r.id for r in first + nxt}) == N
