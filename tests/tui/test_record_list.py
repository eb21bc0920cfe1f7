"""Pilot tests of the shared RecordList over 5,000 rows in a temporary SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import DateTime, Integer, String, delete, insert
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from textual.app import App, ComposeResult

from deskapp.db.engine import Database
from deskapp.i18n import set_language
from deskapp.services.listing import FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.textsearch import create_fts
from deskapp.tui.widgets.record_list import PAGE_SIZE, RecordList, RecordTable

ROWS = 5_000
KINDS = ("owner", "tenant", "agent")
BASE = datetime(2024, 1, 1, 8, 0)


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "rl_ticket"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10), index=True)
    note: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)


def _name(i: int) -> str:
    return f"住户{i:05d}"


class TicketSource(SqlListSource):
    columns = [
        ListColumn("id", "test.id", 6, "right"),
        ListColumn("name", "test.name", 12),
        ListColumn("note", "test.note", 24),
    ]
    filters = [
        FilterSpec("kind", "test.kind", "choice", [(k, k) for k in KINDS]),
        FilterSpec("from", "test.from", "date_from"),
    ]
    model = Ticket
    order_by = (Ticket.created_at.desc(), Ticket.id.desc())
    filter_columns = {"kind": Ticket.kind, "from": Ticket.created_at}
    search_columns = ("name", "note")
    fts_table = "rl_ticket_fts"

    def to_row(self, item: Ticket) -> ListRow:
        return ListRow(item.id, (str(item.id), item.name, item.note),
                       "overdue" if item.id % 7 == 0 else "")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("rl") / "list.db"
    database = Database(f"sqlite:///{path}")
    Base.metadata.create_all(database.engine)
    with database.write() as session:
        session.execute(
            insert(Ticket),
            [
                {
                    "id": i,
                    "name": _name(i),
                    "kind": KINDS[i % 3],
                    "note": "卫生间漏水的问题" if i % 50 == 0 else "门禁卡补办",
                    "created_at": BASE + timedelta(minutes=i),
                }
                for i in range(1, ROWS + 1)
            ],
        )
        create_fts(session, table="rl_ticket", fts_table="rl_ticket_fts",
                   columns=["name", "note"])
    yield database
    database.dispose()


class ListApp(App[None]):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.opened: list[int] = []

    def compose(self) -> ComposeResult:
        yield RecordList(TicketSource(), self.db.read, id="tickets")

    def on_mount(self) -> None:
        self.query_one(RecordList).focus()

    def on_record_list_opened(self, message: RecordList.Opened) -> None:
        self.opened.append(message.record_id)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until loads (which may start further page loads) have finished."""
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def lines(table: RecordTable) -> list[str]:
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("zh")


async def test_opens_with_newest_first_and_status(db: Database) -> None:
    app = ListApp(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        shown = lines(rl.table)
        assert "test.name" in shown[0]  # header (titles go through t())
        assert shown[1].split()[:2] == [str(ROWS), _name(ROWS)]
        assert shown[2].split()[0] == str(ROWS - 1)
        assert rl.row_count == ROWS
        assert rl.current_id == ROWS
        assert str(rl.status.render()) == "第 1 条 · 共 5,000 条"


async def test_keys_move_and_end_reaches_last_row(db: Database) -> None:
    app = ListApp(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        await pilot.press("down", "down")
        assert app.focused is rl.table, app.focused
        assert rl.current_id == ROWS - 2
        await pilot.press("end")
        await settle(pilot)
        assert rl.table.cursor == ROWS - 1
        assert rl.current_id == 1
        last = [line for line in lines(rl.table) if line][-1]
        assert last.split()[:2] == ["1", _name(1)]
        assert str(rl.status.render()) == "第 5,000 条 · 共 5,000 条"
        await pilot.press("pageup")
        await settle(pilot)
        body = rl.table.size.height - 1
        assert rl.current_id == 1 + body
        await pilot.press("enter")
        await pilot.pause()
        assert app.opened == [1 + body]
        await pilot.press("home")
        await settle(pilot)
        assert rl.current_id == ROWS


async def test_middle_page_is_fetched_consistently(db: Database) -> None:
    app = ListApp(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        for index in (PAGE_SIZE * 12 + 5, PAGE_SIZE * 13 - 1, ROWS // 2, ROWS // 2 - 1):
            rl.table.move_cursor(index)
            await settle(pilot)
            assert rl.current_id == ROWS - index


class RecordingSource(TicketSource):
    """Records how each page was asked for: (offset, reverse, keyset hint)."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, bool, int | None]] = []

    def fetch(self, session, query, offset, limit, *, reverse=False):  # type: ignore[no-untyped-def]
        self.calls.append((offset, reverse, query.after))
        return super().fetch(session, query, offset, limit, reverse=reverse)


async def test_pages_next_to_loaded_ones_are_read_by_keyset(db: Database) -> None:
    """Issue #17: walking down from the top and up from the end, every new page is asked
    for with the edge record of the loaded page beside it, and shows the right rows."""
    source = RecordingSource()

    class App_(ListApp):
        def compose(self) -> ComposeResult:
            yield RecordList(source, self.db.read, id="tickets")

    app = App_(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        table = rl.table
        for index in range(60, 3 * PAGE_SIZE, 60):  # steps shorter than a page
            table.move_cursor(index)
            await settle(pilot)
            assert rl.current_id == ROWS - index
        forward = [c for c in source.calls if c[0] >= PAGE_SIZE and not c[1]]
        assert forward and all(after is not None for _, _, after in forward), source.calls
        # Each hint is the record just above the page asked for.
        assert all(after == ROWS - offset + 1 for offset, _, after in forward)
        source.calls.clear()
        await pilot.press("end")
        await settle(pilot)
        for index in range(ROWS - 60, ROWS - 2 * PAGE_SIZE, -60):
            table.move_cursor(index)
            await settle(pilot)
            assert rl.current_id == ROWS - index
        backward = [c for c in source.calls if c[2] is not None]
        assert backward and all(reverse for _, reverse, _ in backward), source.calls


async def test_enter_posts_opened_with_id(db: Database) -> None:
    messages: list[RecordList.Opened] = []
    app = ListApp(db)
    async with app.run_test(
        size=(80, 20),
        message_hook=lambda m: messages.append(m) if isinstance(m, RecordList.Opened) else None,
    ) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.opened == [ROWS - 1]
        assert messages and messages[0].control is app.query_one(RecordList)


async def test_search_and_filters_narrow_the_count(db: Database) -> None:
    app = ListApp(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        await pilot.press("slash")
        assert app.focused is rl.search_input
        await pilot.press(*"漏水的")
        await pilot.pause(0.4)  # debounce
        await settle(pilot)
        assert rl.row_count == ROWS // 50
        assert lines(rl.table)[1].split()[0] == str(ROWS)
        await pilot.press("backspace")  # "漏水": the two-character LIKE path
        await pilot.pause(0.4)
        await settle(pilot)
        assert rl.row_count == ROWS // 50
        await pilot.press("escape")
        assert app.focused is rl.table
        rl.set_filter("kind", "tenant")
        await settle(pilot)
        assert rl.row_count == len([i for i in range(50, ROWS + 1, 50) if i % 3 == 1])
        rl.set_filter("kind", None)
        since = (BASE + timedelta(minutes=ROWS - 100)).date()
        rl.set_filter("from", since)
        await settle(pilot)
        expected = [i for i in range(50, ROWS + 1, 50)
                    if (BASE + timedelta(minutes=i)).date() >= since]
        assert rl.row_count == len(expected)


async def test_no_matches_shows_empty_text(db: Database) -> None:
    app = ListApp(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        await pilot.press("slash", *"没有这种记录", "enter")
        await settle(pilot)
        assert rl.row_count == 0
        assert rl.current_id is None
        assert lines(rl.table)[1].strip() == "没有记录"
        assert str(rl.status.render()) == "没有记录"
        await pilot.press("enter", "end", "down")
        assert app.opened == []


async def test_refresh_keeps_cursor_on_record(db: Database) -> None:
    app = ListApp(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        await pilot.press("down", "down", "down")
        assert rl.current_id == ROWS - 3
        try:
            with db.write() as session:
                session.execute(insert(Ticket), [{
                    "id": ROWS + 1, "name": "新住户", "kind": "owner", "note": "新增",
                    "created_at": BASE + timedelta(minutes=ROWS + 1),
                }])
            rl.refresh_data()
            await settle(pilot)
            assert rl.row_count == ROWS + 1
            assert rl.current_id == ROWS - 3
            assert rl.table.cursor == 4
        finally:
            with db.write() as session:
                session.execute(delete(Ticket).where(Ticket.id == ROWS + 1))


def _add_tickets(db: Database, *ids: int) -> None:
    with db.write() as session:
        session.execute(insert(Ticket), [{
            "id": i, "name": f"新住户{i}", "kind": "owner", "note": "新增",
            "created_at": BASE + timedelta(minutes=i)} for i in ids])


def _drop_tickets(db: Database, *ids: int) -> None:
    with db.write() as session:
        session.execute(delete(Ticket).where(Ticket.id.in_(ids)))


async def test_refresh_follows_record_across_a_page_boundary(db: Database) -> None:
    """The record at the last row of the first page moves to the second page when a row
    is added above: the cursor goes with it (issue 14 #1)."""
    app = ListApp(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        rl.table.move_cursor(PAGE_SIZE - 1)
        await settle(pilot)
        followed = rl.current_id
        assert followed == ROWS - PAGE_SIZE + 1
        try:
            _add_tickets(db, ROWS + 1)
            rl.refresh_data()
            await settle(pilot)
            assert rl.table.cursor == PAGE_SIZE
            assert rl.current_id == followed
            await pilot.press("enter")
            assert app.opened == [followed]
        finally:
            _drop_tickets(db, ROWS + 1)


async def test_record_gone_moves_cursor_to_its_neighbour(db: Database) -> None:
    """The highlighted record is deleted while three rows arrive above: the cursor goes to
    the record that was just below it, not to whatever now sits at the old index."""
    app = ListApp(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        await pilot.press("down", "down")
        gone = rl.current_id
        assert gone == ROWS - 2
        with db.write() as session:
            session.execute(delete(Ticket).where(Ticket.id == gone))
        try:
            _add_tickets(db, ROWS + 1, ROWS + 2, ROWS + 3)
            rl.refresh_data()
            await settle(pilot)
            assert rl.current_id == ROWS - 3
            assert rl.table.cursor == 5
        finally:
            _drop_tickets(db, ROWS + 1, ROWS + 2, ROWS + 3)
            _add_tickets(db, gone)
            with db.write() as session:
                session.execute(Ticket.__table__.update().where(Ticket.id == gone).values(
                    name=_name(gone), kind=KINDS[gone % 3], note="门禁卡补办"))


async def test_show_newest_puts_cursor_on_first_row(db: Database) -> None:
    app = ListApp(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        await pilot.press("down", "down", "down")
        try:
            _add_tickets(db, ROWS + 1)
            rl.show_newest()
            await settle(pilot)
            assert rl.table.cursor == 0
            assert rl.current_id == ROWS + 1
        finally:
            _drop_tickets(db, ROWS + 1)


async def test_bindings_are_translated_in_footer_language(db: Database) -> None:
    set_language("en")
    app = ListApp(db)
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        rl = app.query_one(RecordList)
        descriptions = {b.description for _, b in rl.table._bindings}
        assert "Open" in descriptions
        assert str(rl.status.render()) == "record 1 · 5,000 records"
