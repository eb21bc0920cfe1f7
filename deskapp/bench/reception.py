"""Reception figures on the real tables: the contact log at 100,000 and 1,000,000 contacts
(years of a busy desk) with a work order for every tenth, timed through the app's own
:class:`ContactSource` / :class:`WorkOrderSource` and the headless :class:`RecordList`,
plus the desk's key service calls on the full table.

Each size is a scratch copy of the bench site (``ctx.db``: units, occupants, staff) under
``ctx.tmp``; the contacts are bulk-loaded with plain sqlite3 while the FTS triggers are
off, then the trigram index is rebuilt once. ``ctx.quick``: 10,000 contacts only.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import select

from deskapp import clock
from deskapp.bench import BenchContext, Figure
from deskapp.db.engine import Database
from deskapp.db.migrate import backup_sqlite, sqlite_path
from deskapp.db.models import Occupant, Staff, Unit
from deskapp.db.models.reception import (
    ContactChannel,
    ContactKind,
    ContactStatus,
    WorkOrderCategory,
    WorkOrderUrgency,
)
from deskapp.services.listing import PAGE_SIZE, ListQuery
from deskapp.services.reception import contacts as reception_contacts
from deskapp.services.reception import figures as reception_figures
from deskapp.services.reception import lists, shifts
from deskapp.services.reception import workorders as wo
from deskapp.services.textsearch import create_fts, drop_fts

_CONTENT = (
    ("咨询物业费缴纳方式", "已告知"), ("卫生间漏水的问题", "已开维修单"), ("客厅灯不亮", "已开维修单"),
    ("咨询停车月卡办理", "已告知所需材料"), ("代收快递包裹", "已通知业主"), ("借用轮椅", "已登记借用"),
    ("留言：请回电确认装修时间", ""), ("电话提醒缴纳物业费", "答应本周缴纳"), ("访客来访已登记", ""),
    ("建议增加电动车充电桩", "已上报主管"), ("门禁卡补办", "已收工本费"), ("楼道灯不亮", "已开维修单"),
)  # fmt: skip
_KINDS = [k.value for k in ContactKind if k != ContactKind.COMPLAINT]
_CHANNELS = [c.value for c in ContactChannel]
_CONTACT_FTS = list(lists.CONTACT_SEARCH_COLUMNS)
_ORDER_COLUMNS = (
    "id", "number", "contact_id", "unit_id", "unit_code", "building_id", "location",
    "category", "urgency", "description", "requester_name", "requester_phone", "status",
    "limit_hours", "due_at", "created_at", "created_by", "dispatched_at", "dispatched_by",
    "assignee", "completed_at", "completed_by", "result", "materials", "charge_fen",
    "visited_at", "visited_by", "satisfaction", "visit_comment", "closed_at", "closed_by",
    "cancelled_at", "cancelled_by", "cancel_reason",
)
_ORDER_FTS = list(wo.WorkOrderSource.search_columns)


def run(ctx: BenchContext) -> list[Figure]:
    figures: list[Figure] = []
    for rows in ((10_000,) if ctx.quick else (100_000, 1_000_000)):
        figures.extend(bench_contacts(ctx, rows))
    return figures


def _median(fn: Callable[[], object], repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        begin = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - begin) * 1000)
    runs.sort()
    return runs[len(runs) // 2]


def _build(ctx: BenchContext, path: Path, rows: int) -> Database:
    source = sqlite_path(ctx.db.engine)
    assert source is not None, "the reception bench needs a SQLite bench site"
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()
    backup_sqlite(source, path)
    db = Database(f"sqlite:///{path}")
    with db.read() as session:
        people = session.exec(select(Occupant.unit_id, Occupant.name, Occupant.phone)).all()
        units = dict(session.execute(select(Unit.id, Unit.code)).all())
        buildings = dict(session.execute(select(Unit.id, Unit.building_id)).all())
        staff_ids = list(session.exec(select(Staff.id)).all())
    with db.write() as session:
        drop_fts(session, fts_table="contact_fts")
        drop_fts(session, fts_table="work_order_fts")
    rng = random.Random(rows)
    now = clock.now().replace(microsecond=0)
    span = timedelta(days=365 * max(ctx.years, 1))
    step = span / rows
    start = now - span
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")

    def contacts(first: int, last: int) -> Any:
        for i in range(first, last):
            unit_id, name, phone = people[rng.randrange(len(people))]
            content, action = _CONTENT[rng.randrange(len(_CONTENT))]
            at = (start + step * i).strftime("%Y-%m-%d %H:%M:%S.000000")
            kind = "repair" if "维修单" in action else _KINDS[rng.randrange(len(_KINDS))]
            status = "handed_over" if kind == "repair" else (
                "pending" if rng.random() < 0.02 else "done")
            yield (i, at, _CHANNELS[rng.randrange(len(_CHANNELS))], kind, status, unit_id,
                   units[unit_id], buildings[unit_id], name, phone, content, action, "",
                   staff_ids[rng.randrange(len(staff_ids))], None, "", None, at, None, None)

    batch = 50_000
    with conn:
        for first in range(1, rows + 1, batch):
            conn.executemany(
                "INSERT INTO contact (id, at, channel, kind, status, unit_id, unit_code, "
                "building_id, person_name, phone, content, action_taken, note, staff_id, "
                "shift_id, linked_kind, linked_id, created_at, updated_at, updated_by) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                contacts(first, min(first + batch, rows + 1)))
        repairs = conn.execute(
            "SELECT id, at, unit_id, unit_code, building_id, person_name, phone, content, "
            "staff_id FROM contact WHERE kind = 'repair' ORDER BY id").fetchall()
        orders = []
        per_day: dict[str, int] = {}
        for n, (cid, at, unit_id, code, building, name, phone, content, sid) in enumerate(repairs):
            created = datetime.fromisoformat(at)
            day = created.strftime("%Y%m%d")
            per_day[day] = per_day.get(day, 0) + 1
            due = created + timedelta(hours=24)
            old = now - created > timedelta(days=7)
            status = "closed" if old else ("created" if n % 3 else "completed")
            fmt = "%Y-%m-%d %H:%M:%S.000000"
            done = (created + timedelta(hours=rng.uniform(1, 30))).strftime(fmt) \
                if status != "created" else None
            orders.append((
                n + 1, f"WX{day}-{per_day[day]:03d}", cid, unit_id, code, building, "",
                WorkOrderCategory.WATER.value, WorkOrderUrgency.NORMAL.value, content, name,
                phone, status, 24, due.strftime(fmt), at, sid,
                at if status != "created" else None, sid if status != "created" else None,
                "工程部 刘师傅" if status != "created" else "", done,
                sid if done else None, "已修复" if done else "", "", 0,
                done if status == "closed" else None, sid if status == "closed" else None,
                5 if status == "closed" else None, "", done if status == "closed" else None,
                sid if status == "closed" else None, None, None, ""))
            conn.execute("UPDATE contact SET linked_kind='workorder', linked_id=? WHERE id=?",
                         (n + 1, cid))
        conn.executemany(
            f"INSERT INTO work_order ({', '.join(_ORDER_COLUMNS)}) "
            f"VALUES ({','.join('?' * len(_ORDER_COLUMNS))})", orders)
        conn.executemany("INSERT OR REPLACE INTO counter (series, value) VALUES (?, ?)",
                         [(f"workorder:{d}", v) for d, v in per_day.items()])
    conn.close()
    with db.write() as session:
        create_fts(session, table="contact", fts_table="contact_fts", columns=_CONTACT_FTS)
        create_fts(session, table="work_order", fts_table="work_order_fts", columns=_ORDER_FTS)
    return db


def _widget_ms(db: Database, source: Any, filters: dict[str, object], search: str = "") -> float:
    """Headless RecordList: from compose (or the query change) to first page and count."""
    from textual.app import App, ComposeResult

    from deskapp.tui.widgets.record_list import RecordList

    class _Host(App[None]):
        mounted_at = 0.0

        def compose(self) -> ComposeResult:
            self.mounted_at = time.perf_counter()
            yield RecordList(source, db.read, filters=filters)

    async def measure() -> float:
        app = _Host()
        async with app.run_test(size=(150, 40)) as pilot:
            records = app.query_one(RecordList)
            table = records.table
            if search:
                while table.count is None:
                    await asyncio.sleep(0.001)
                app.mounted_at = time.perf_counter()
                table.set_query(ListQuery(filters=filters, search=search))
            while table.count is None or not table._pages:  # noqa: SLF001 — bench only
                await asyncio.sleep(0.001)
            elapsed = (time.perf_counter() - app.mounted_at) * 1000
            await pilot.pause()
            return elapsed

    return asyncio.run(measure())


def bench_contacts(ctx: BenchContext, rows: int) -> list[Figure]:
    tag = f"@ {rows:,}"
    figures: list[Figure] = []
    path = ctx.tmp / f"reception_{rows}.sqlite3"
    begin = time.perf_counter()
    db = _build(ctx, path, rows)
    figures.append(Figure(f"contacts: bulk load + FTS (setup) {tag}",
                          (time.perf_counter() - begin) * 1000))
    source = lists.ContactSource()
    orders = wo.WorkOrderSource()
    today = clock.today()
    try:
        def first(src: Any, query: ListQuery) -> Callable[[], object]:
            def go() -> object:
                with db.read() as session:
                    return src.fetch(session, query, 0, PAGE_SIZE)
            return go

        def count(src: Any, query: ListQuery) -> Callable[[], object]:
            def go() -> object:
                with db.read() as session:
                    return src.count(session, query)
            return go

        def last_page() -> object:
            with db.read() as session:
                return source.fetch(session, ListQuery(), 0, PAGE_SIZE, reverse=True)

        cases: list[tuple[str, ListQuery, Any]] = [
            ("contacts: all", ListQuery(), source),
            ("contacts: today (default view)", ListQuery(filters={"from": today}), source),
            ("contacts: kind=repair", ListQuery(filters={"kind": "repair"}), source),
            ("contacts: status=pending", ListQuery(filters={"status": "pending"}), source),
            ("contacts: one year", ListQuery(filters={"from": today - timedelta(days=365),
                                                      "to": today}), source),
            ("contacts: search '漏水的' (FTS)", ListQuery(search="漏水的"), source),
            ("contacts: search '1201' (FTS)", ListQuery(search="1201"), source),
            ("contacts: search '漏水' (LIKE)", ListQuery(search="漏水"), source),
            ("contacts: search '漏水' + kind (LIKE)",
             ListQuery(filters={"kind": "repair"}, search="漏水"), source),
            ("work orders: open", ListQuery(filters={"view": "open"}), orders),
            ("work orders: overdue", ListQuery(filters={"view": "overdue"}), orders),
            ("work orders: search 'WX2024' (FTS)", ListQuery(search="WX2024"), orders),
        ]
        for label, query, src in cases:
            figures.append(Figure(f"{label}: first page {tag}", _median(first(src, query))))
            figures.append(Figure(f"{label}: count {tag}", _median(count(src, query))))
        figures.append(Figure(f"contacts: scroll to the end (reverse page) {tag}",
                              _median(last_page)))
        figures.append(Figure(f"widget: open today's list {tag}",
                              _widget_ms(db, lists.ContactSource(), {"from": today})))
        figures.append(Figure(f"widget: open all contacts {tag}",
                              _widget_ms(db, lists.ContactSource(), {})))
        figures.append(Figure(f"widget: search '漏水的' over all {tag}",
                              _widget_ms(db, lists.ContactSource(), {}, search="漏水的")))
        figures.extend(_service_figures(ctx, db, tag))
    finally:
        db.dispose()
        for leftover in ctx.tmp.glob(f"{path.name}*"):
            leftover.unlink()
    return figures


def _service_figures(ctx: BenchContext, db: Database, tag: str) -> list[Figure]:
    figures: list[Figure] = []
    with db.read() as session:
        desk = session.get(Staff, ctx.receptionist.id)
        other = session.get(Staff, ctx.specialist.id)
    assert desk is not None and other is not None
    unit_id = ctx.unit_ids[len(ctx.unit_ids) // 2]

    def log() -> None:
        with db.write() as session:
            reception_contacts.log_contact(session, by=desk, desk="基准前台", data=reception_contacts.ContactCreate(
                ContactChannel.PHONE, ContactKind.REPAIR, "厨房水管漏水", unit_id=unit_id,
                status=ContactStatus.PENDING))

    figures.append(Figure(f"service: log_contact (one transaction) {tag}", _median(log, 5)))

    def order() -> None:
        with db.write() as session:
            wo.create_work_order(session, by=desk, contact_id=None, data=wo.WorkOrderCreate(
                WorkOrderCategory.WATER, WorkOrderUrgency.URGENT, "厨房水管漏水", unit_id=unit_id))

    figures.append(Figure(f"service: create_work_order (numbered) {tag}", _median(order, 5)))

    def handover() -> None:
        with db.write() as session:
            shift = shifts.open_shift(session, by=desk, desk="基准前台")
            written = shifts.write_handover(session, by=desk, shift_id=shift.id, notes="基准")
            shifts.confirm_handover(session, by=other, handover_id=written.id)

    figures.append(Figure(f"service: write + confirm handover {tag}", _median(handover, 3)))

    def month() -> None:
        with db.read() as session:
            today = clock.today()
            reception_figures.monthly_summary(session, year=today.year, month=today.month)

    figures.append(Figure(f"service: monthly_summary {tag}", _median(month, 3)))
    with db.read() as session:
        overdue = orders_overdue(session)
    figures.append(Figure(f"work orders overdue now (count) {tag}", overdue, "rows"))
    return figures


def orders_overdue(session: Any) -> int:
    return wo.WorkOrderSource().count(session, ListQuery(filters={"view": "overdue"}))


__all__ = ["bench_contacts", "run"]
