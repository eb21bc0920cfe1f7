"""Record-list figures: what a list screen costs at 100,000 and 1,000,000 records.

:func:`bench_record_list` builds a scratch SQLite file of synthetic contact-like rows
(bulk insert, then indexes and the trigram FTS table), opens it with the app's own engine
(WAL, ``synchronous=FULL``) and times, through :class:`SqlListSource` exactly as the
widget calls it: opening the list (count + first page), the last page (a reverse fetch),
a page in the middle (plain OFFSET, the worst case), a choice filter, and text searches of
3+ characters (FTS trigram) and 2 characters (LIKE fallback, alone and behind a filter).
Each figure is the median of a few runs, each in a fresh read session.

Targets on a 2-core machine at 100,000 rows: open < 150 ms, filter < 200 ms.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table
from sqlalchemy.engine import Row

from deskapp.db.engine import Database
from deskapp.services.listing import (
    PAGE_SIZE,
    FilterSpec,
    ListColumn,
    ListQuery,
    ListRow,
    SqlListSource,
)
from deskapp.services.textsearch import create_fts

# A scratch table with metadata of its own: never part of the app's schema.
_metadata = MetaData()
bench_contact = Table(
    "bench_contact",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
    Column("phone", String(20), nullable=False),
    Column("unit_code", String(20), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("note", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_bench_contact_created", "created_at"),
    Index("ix_bench_contact_kind_created", "kind", "created_at"),
)

KINDS = ("owner", "tenant", "family", "agent", "visitor")
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁"
    "谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
    "桂英华玉兰萍红志建国文辉鹏飞晨宇欣怡子涵浩然梓轩雨婷"
)
_NOTES = (
    "卫生间漏水的问题已报修",
    "门禁卡补办",
    "车位租赁咨询",
    "快递代收",
    "装修申请已提交",
    "物业费缴纳咨询",
    "楼道灯不亮",
    "电梯异响",
    "宠物登记",
    "空调外机噪音投诉",
)


class BenchContactSource(SqlListSource):
    """The kind of source an area writes: about thirty lines."""

    columns = [
        ListColumn("created_at", "list.bench.created", 16),
        ListColumn("name", "list.bench.name", 8),
        ListColumn("unit", "list.bench.unit", 10),
        ListColumn("phone", "list.bench.phone", 11),
        ListColumn("note", "list.bench.note", 30),
    ]
    filters = [
        FilterSpec("kind", "list.bench.kind", "choice", [(k, k) for k in KINDS]),
        FilterSpec("from", "list.bench.from", "date_from"),
        FilterSpec("to", "list.bench.to", "date_to"),
    ]
    model = bench_contact
    order_by = (bench_contact.c.created_at.desc(), bench_contact.c.id.desc())
    filter_columns = {
        "kind": bench_contact.c.kind,
        "from": bench_contact.c.created_at,
        "to": bench_contact.c.created_at,
    }
    search_columns = ("name", "phone", "unit_code", "note")
    fts_table = "bench_contact_fts"

    def to_row(self, item: Row[Any]) -> ListRow:
        return ListRow(
            item.id,
            (f"{item.created_at:%Y-%m-%d %H:%M}", item.name, item.unit_code, item.phone,
             item.note),
            "muted" if item.kind == "visitor" else "",
        )


def _build(path: Path, rows: int, *, seed: int = 20250308) -> None:
    """Bulk-load ``rows`` rows with plain sqlite3 (no per-row triggers), then index."""
    rng = random.Random(seed)
    scratch_db = Database(f"sqlite:///{path}")
    _metadata.create_all(scratch_db.engine)
    scratch_db.dispose()
    start = datetime(2019, 1, 1, 8, 0)
    step = timedelta(minutes=max(1, (7 * 365 * 24 * 60) // max(rows, 1)))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA journal_mode=WAL")

    def generate(first: int, last: int) -> Any:
        for i in range(first, last):
            yield (
                i,
                rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.choice((1, 2)))),
                f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
                f"{rng.randint(1, 40)}-{rng.randint(1, 4)}-{rng.randint(1, 33)}"
                f"{rng.randint(1, 4):02d}",
                KINDS[rng.randrange(len(KINDS))],
                rng.choice(_NOTES),
                (start + step * i).strftime("%Y-%m-%d %H:%M:%S.000000"),
            )

    batch = 50_000
    with conn:
        for first in range(1, rows + 1, batch):
            conn.executemany(
                "INSERT INTO bench_contact VALUES (?, ?, ?, ?, ?, ?, ?)",
                generate(first, min(first + batch, rows + 1)),
            )
    conn.close()
    db = Database(f"sqlite:///{path}")
    with db.write() as session:
        create_fts(session, table="bench_contact", fts_table="bench_contact_fts",
                   columns=list(BenchContactSource.search_columns))
    db.dispose()


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        begin = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - begin) * 1000)
    runs.sort()
    return runs[len(runs) // 2]


def _widget_open_ms(db: Database, *, search: str = "") -> float:
    """Headless: from creating the RecordList (or changing its query) to its first page
    and count on screen. The app's own start-up is not counted."""
    import asyncio

    from textual.app import App, ComposeResult

    from deskapp.tui.widgets.record_list import RecordList

    class _Host(App[None]):
        mounted_at = 0.0

        def compose(self) -> ComposeResult:
            self.mounted_at = time.perf_counter()
            yield RecordList(BenchContactSource(), db.read)

    async def measure() -> float:
        app = _Host()
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.query_one(RecordList).table
            if search:
                while not table.ready:
                    await asyncio.sleep(0.001)
                app.mounted_at = time.perf_counter()
                table.set_query(ListQuery(search=search))
            while not table.ready:
                await asyncio.sleep(0.001)
            elapsed = (time.perf_counter() - app.mounted_at) * 1000
            await pilot.pause()
            return elapsed

    return asyncio.run(measure())


def bench_record_list(
    rows: int, *, folder: Path | None = None, repeat: int = 3, keep: bool = False
) -> list[tuple[str, float]]:
    """Build ``rows`` synthetic records in a scratch SQLite file and time the list's
    queries. Returns ``(label, milliseconds)`` pairs; the first is the build itself.

    ``keep`` (with ``folder``): keep the file, and reuse it if it is already there.
    """
    scratch = Path(tempfile.mkdtemp(prefix="deskapp-list-")) if folder is None else folder
    path = scratch / f"record_list_{rows}.sqlite3"
    figures: list[tuple[str, float]] = []
    if not (keep and path.exists()):
        for leftover in scratch.glob(f"{path.name}*"):
            leftover.unlink()
        begin = time.perf_counter()
        _build(path, rows)
        figures.append((f"build {rows:,} rows + FTS (setup)", (time.perf_counter() - begin) * 1000))
    db = Database(f"sqlite:///{path}")
    source = BenchContactSource()

    def open_list(query: ListQuery) -> Callable[[], object]:
        def run() -> object:
            with db.read() as session:
                page = source.fetch(session, query, 0, PAGE_SIZE)
                return source.count(session, query), page
        return run

    def first_page(query: ListQuery) -> Callable[[], object]:
        def run() -> object:
            with db.read() as session:
                return source.fetch(session, query, 0, PAGE_SIZE)
        return run

    def count(query: ListQuery) -> Callable[[], object]:
        def run() -> object:
            with db.read() as session:
                return source.count(session, query)
        return run

    def page_at(offset: int, *, reverse: bool) -> Callable[[], object]:
        def run() -> object:
            with db.read() as session:
                return source.fetch(session, ListQuery(), offset, PAGE_SIZE, reverse=reverse)
        return run

    tenant = {"kind": "tenant"}
    queries = [
        ("filter: choice", ListQuery(filters=tenant)),
        ("filter: one year", ListQuery(filters={"from": "2022-01-01", "to": "2022-12-31"})),
        ("search '漏水的' (FTS, 10% of rows)", ListQuery(search="漏水的")),
        ("search '1502' (FTS)", ListQuery(search="1502")),
        ("search '13912' (FTS, rare)", ListQuery(search="13912")),
        ("search '漏水的' + choice (FTS)", ListQuery(filters=tenant, search="漏水的")),
        ("search '漏水' (LIKE)", ListQuery(search="漏水")),
        ("search '漏水' + choice (LIKE)", ListQuery(filters=tenant, search="漏水")),
        ("search '王' (LIKE)", ListQuery(search="王")),
    ]
    try:
        cases: list[tuple[str, Callable[[], object]]] = [
            ("open: count + first page", open_list(ListQuery())),
            ("last page (reverse fetch)", page_at(0, reverse=True)),
            ("middle page (OFFSET n/2)", page_at(rows // 2, reverse=False)),
        ]
        for label, query in queries:
            cases.append((f"{label}: first page", first_page(query)))
            cases.append((f"{label}: count", count(query)))
        for label, fn in cases:
            figures.append((f"{label} @ {rows:,}", _median_ms(fn, repeat)))
        for label, search in (("widget: create to first page + count", ""),
                              ("widget: query change '漏水的' to page + count", "漏水的")):
            runs = sorted(_widget_open_ms(db, search=search) for _ in range(repeat))
            figures.append((f"{label} @ {rows:,}", runs[len(runs) // 2]))
    finally:
        db.dispose()
        if not keep:
            for leftover in scratch.glob(f"{path.name}*"):
                leftover.unlink()
        if folder is None:
            scratch.rmdir()
    return figures


def run(ctx: Any) -> list[Any]:
    """Hook for ``deskapp bench`` (see :mod:`deskapp.bench`)."""
    from deskapp.bench import Figure

    rows = ctx.scale(100_000, 10_000)
    return [Figure(label, ms) for label, ms in bench_record_list(rows, folder=ctx.tmp)]


if __name__ == "__main__":  # python -m deskapp.bench.record_list [rows]
    import sys

    from rich.cells import cell_len

    for label, ms in bench_record_list(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000):
        print(f"{label}{' ' * max(1, 64 - cell_len(label))}{ms:>10.1f} ms")
