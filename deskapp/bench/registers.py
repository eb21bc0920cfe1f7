"""Register figures at 200,000 visitors and 200,000 parcels (``--quick``: 5,000 each)
spread over ``ctx.years`` years of the synthetic site: bulk load, then — through the same
list sources the screen uses — the "inside now" and "waiting" lists, the whole history
(first and last page), a month's date filter, name search (FTS trigram and 2-character
LIKE), a search by tracking-number tail, registering a visitor and a parcel, the handover
open items and the monthly summary."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from sqlalchemy import insert

from deskapp import clock
from deskapp.bench import BenchContext, Figure, measure
from deskapp.db.models.registers import Parcel, ParcelKind, ParcelStatus, Visitor, VisitorStatus
from deskapp.services import hooks
from deskapp.services.demo import random_mobile, random_name
from deskapp.services.listing import PAGE_SIZE, ListQuery
from deskapp.services.registers import parcels, visitors
from deskapp.services.registers import registers as reg
from deskapp.services.textsearch import create_fts, drop_fts

_FTS = {
    "reg_visitor": ("reg_visitor_fts",
                    ["name", "host", "purpose", "plate", "number", "card_no", "phone_tail"]),
    "reg_parcel": ("reg_parcel_fts", ["recipient", "tracking_no", "carrier", "shelf"]),
}
_BATCH = 20_000


def _load(ctx: BenchContext, n: int, rng: random.Random) -> tuple[str, str]:
    """Bulk-insert ``n`` visitors and ``n`` parcels; return a name and a tracking number
    to look for."""
    now = clock.now()
    span = timedelta(days=365 * ctx.years)
    names = [random_name(rng)[0] for _ in range(2000)]
    staff = ctx.receptionist.id
    with ctx.db.write() as s:
        for fts, _ in _FTS.values():
            drop_fts(s, fts_table=fts)
        rows: list[dict[str, object]] = []
        for i in range(n):
            at = (now - span * (1 - (i + rng.random()) / n)).replace(microsecond=0)
            inside = i >= n - 20
            phone = random_mobile(rng)
            rows.append({
                "number": f"FK{at.year}-B{i:07d}", "name": rng.choice(names), "phone": phone,
                "phone_tail": phone[-4:], "id_number": None, "unit_id": rng.choice(ctx.unit_ids),
                "host": rng.choice(names), "purpose": "探亲访友", "people": 1,
                "plate": "", "card_no": "", "card_returned": None,
                "status": VisitorStatus.INSIDE if inside else VisitorStatus.LEFT,
                "time_in": at, "time_out": None if inside else at + timedelta(hours=1),
                "in_by_id": staff, "out_by_id": None if inside else staff, "note": "",
                "voided_at": None, "voided_by_id": None, "void_reason": "",
            })
            if len(rows) == _BATCH:
                s.execute(insert(Visitor.__table__), rows)
                rows = []
        if rows:
            s.execute(insert(Visitor.__table__), rows)
        rows = []
        probe = ""
        for i in range(n):
            at = (now - span * (1 - (i + rng.random()) / n)).replace(microsecond=0)
            waiting = i >= n - 100
            number = f"SF{rng.randrange(10**11, 10**12)}{i % 10}"
            if i == n // 2:
                probe = number
            rows.append({
                "kind": ParcelKind.PARCEL, "carrier": "顺丰", "tracking_no": number,
                "tracking_rev": number[::-1], "unit_id": rng.choice(ctx.unit_ids),
                "recipient": rng.choice(names), "recipient_phone": "",
                "shelf": f"A-{i % 6}", "received_at": at, "received_by_id": staff,
                "notified_at": None, "notify_method": None, "notify_count": 0,
                "notified_by_id": None,
                "collected_at": None if waiting else at + timedelta(hours=5),
                "collected_by": "" if waiting else "本人", "handed_by_id": None,
                "status": ParcelStatus.WAITING if waiting else ParcelStatus.COLLECTED,
                "note": "", "voided_at": None, "voided_by_id": None, "void_reason": "",
            })
            if len(rows) == _BATCH:
                s.execute(insert(Parcel.__table__), rows)
                rows = []
        if rows:
            s.execute(insert(Parcel.__table__), rows)
        for table, (fts, columns) in _FTS.items():
            create_fts(s, table=table, fts_table=fts, columns=columns)
    return names[0], probe


def run(ctx: BenchContext) -> list[Figure]:
    n = ctx.scale(200_000, 5_000)
    rng = random.Random(8)
    figures: list[Figure] = []
    start = time.perf_counter()
    name, tracking = _load(ctx, n, rng)
    figures.append(Figure(f"registers: bulk load {n:,} visitors + {n:,} parcels (+ FTS)",
                          (time.perf_counter() - start) * 1000))

    vsource = visitors.VisitorSource()
    psource = parcels.ParcelSource()

    def list_fig(label: str, source: object, query: ListQuery, *, last: bool = False) -> Figure:
        def go() -> None:
            with ctx.db.read() as s:
                total = source.count(s, query)  # type: ignore[attr-defined]
                source.fetch(s, query, 0, PAGE_SIZE, reverse=last)  # type: ignore[attr-defined]
                assert total >= 0

        return measure(f"registers: {label}", go)

    today = clock.today()
    month_ago = today - timedelta(days=30)
    figures += [
        list_fig("visitors inside now (count + page)", vsource,
                 ListQuery(filters={"status": "inside"})),
        list_fig(f"visitor history, all {n:,} (count + first page)", vsource, ListQuery()),
        list_fig("visitor history, last page", vsource, ListQuery(), last=True),
        list_fig("visitors, one month (date filter)", vsource,
                 ListQuery(filters={"from": month_ago, "to": today})),
        list_fig(f"visitors, search name '{name}' (FTS/LIKE)", vsource,
                 ListQuery(search=name)),
        list_fig("visitors, search phone tail (FTS)", vsource, ListQuery(search="1234")),
        list_fig("parcels waiting (count + page)", psource,
                 ListQuery(filters={"status": "waiting"})),
        list_fig(f"parcels, all {n:,} (count + first page)", psource, ListQuery()),
        list_fig("parcels, search tracking tail (4 digits)", psource,
                 ListQuery(search=tracking[-4:])),
        list_fig("parcels, search tracking tail (6 digits)", psource,
                 ListQuery(search=tracking[-6:])),
    ]

    def find_tail() -> None:
        with ctx.db.read() as s:
            assert parcels.find_by_tail(s, tracking[-6:], waiting_only=False)

    figures.append(measure("registers: find parcel by tracking tail (service)", find_tail))

    def register_visitor() -> None:
        with ctx.db.write() as s:
            visitors.register_visitor(s, by=ctx.receptionist, name="测试访客",
                                      phone_no="13800001111", host="物业办")

    figures.append(measure("registers: register a visitor (1 transaction)", register_visitor))

    def receive_parcel() -> None:
        with ctx.db.write() as s:
            parcels.receive(s, by=ctx.receptionist, recipient="测试", unit_id=ctx.unit_ids[0],
                            tracking_no=f"BENCH{rng.randrange(10**9)}")

    figures.append(measure("registers: receive a parcel (1 transaction)", receive_parcel))

    def handover() -> None:
        with ctx.db.read() as s:
            reg.open_items(s, hooks.HandoverContext(start=clock.now() - timedelta(hours=8),
                                                    end=clock.now()))

    figures.append(measure("registers: handover open items", handover))

    def summary() -> None:
        with ctx.db.read() as s:
            reg.monthly_summary(s, year=today.year, month=today.month)

    figures.append(measure("registers: monthly summary", summary))
    return figures
