"""Cashier figures at the site's scale: every unit of the bench site (20,000) billed every
month for ``ctx.years`` years (1.2 million bills), nine in ten units paying each quarter
(≈ 400,000 receipts with their lines and tenders), one in ten in arrears for the last
year, and a daily close for every cashier and day.

The data is bulk-loaded with plain sqlite3 into a scratch copy of the bench site under
``ctx.tmp`` (FTS triggers off, the trigram indexes rebuilt once; the guard triggers stay
on). Then the real services and list sources are timed on it: a month's bill generation
for all units, a payment, the receipt / bill / arrears lists (open, filter, search, last
page), arrears totals, unit flags, the day summary and close, the month's figures, the
receipt PDF. ``ctx.quick``: 500 units, one year.
"""

from __future__ import annotations

import random
import sqlite3
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from sqlmodel import select

from deskapp import clock
from deskapp.bench import BenchContext, Figure, measure
from deskapp.db.engine import Database
from deskapp.db.migrate import backup_sqlite, sqlite_path
from deskapp.db.models import Unit
from deskapp.db.models.cashier import PayMethod, Receipt
from deskapp.money import multiply_rate
from deskapp.printing.receipt import receipt_pdf
from deskapp.services.cashier import arrears as cashier_arrears
from deskapp.services.cashier import close as cashier_close
from deskapp.services.cashier import fees, lists, payments
from deskapp.services.listing import PAGE_SIZE, ListQuery
from deskapp.services.textsearch import create_fts

PRICE_FEN = 220  # 物业服务费（住宅）2.20 元/m²·月
_METHODS = ("cash", "wechat", "alipay", "card", "transfer")
_WEIGHTS = (35, 35, 20, 7, 3)


def _months(end: date, count: int) -> list[date]:
    out = []
    year, month = end.year, end.month
    for _ in range(count):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _month_end(first: date) -> date:
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _load(path: str, units: list[tuple[int, str, Decimal]], cashiers: list[int],
          months: list[date], today: date, rng: random.Random) -> dict[str, int]:
    """Bulk-load bills, receipts, lines, tenders and closes with sqlite3."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    for fts in ("bill_fts", "receipt_fts", "bill_fts_chars", "receipt_fts_chars"):
        for suffix in ("ai", "ad", "au"):
            con.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
    std_id = con.execute("SELECT id FROM fee_standard WHERE code='PF-RES' "
                         "ORDER BY effective_from DESC").fetchone()[0]
    bill_id = receipt_id = 0
    seqs: dict[str, int] = {}
    days: set[tuple[int, str]] = set()
    counts = {"bills": 0, "receipts": 0}
    late_since = months[-12] if len(months) >= 12 else months[0]
    chunk = 500
    now = datetime.combine(months[0], dtime(8))
    for start in range(0, len(units), chunk):
        bills, receipts, lines, tenders = [], [], [], []
        for unit_id, code, area in units[start:start + chunk]:
            amount = multiply_rate(area, PRICE_FEN)
            late = rng.random() < 0.1
            pending: list[tuple[int, str, int]] = []
            for n, first in enumerate(months):
                bill_id += 1
                period = first.strftime("%Y-%m")
                desc = f"物业服务费（住宅） {period}"
                bills.append([bill_id, unit_id, code, "PF-RES", std_id, "property", period, desc,
                              str(area), PRICE_FEN, amount, _month_end(first).isoformat(),
                              "open", f"property:{unit_id}:{period}", "",
                              now.isoformat(sep=" "), None, ""])
                pending.append((bill_id, desc, amount))
                quarter_end = (n % 3 == 2) or first == months[-1]
                if not quarter_end or (late and first >= late_since):
                    continue
                if first == months[-1] and rng.random() < 0.5:
                    continue  # this quarter not paid yet
                day = min(first + timedelta(days=rng.randrange(0, 28)), today - timedelta(days=1))
                receipt_id += 1
                series = f"SJ{day.year}"
                seqs[series] = seqs.get(series, 0) + 1
                cashier_id = cashiers[receipt_id % len(cashiers)]
                method = rng.choices(_METHODS, _WEIGHTS)[0]
                total = sum(a for _, _, a in pending)
                at = datetime.combine(day, dtime(rng.randrange(8, 18), rng.randrange(60)))
                receipts.append([receipt_id, f"{series}-{seqs[series]:06d}", series,
                                 seqs[series], unit_id, code, "业主", total, 0, method,
                                 uuid.uuid4().hex, day.isoformat(), at.isoformat(sep=" "),
                                 cashier_id, "前台1", 0, ""])
                tenders.append([receipt_id, method, total, None, 0])
                for k, (bid, bdesc, bamount) in enumerate(pending):
                    lines.append([receipt_id, bid, "PF-RES", "property", bdesc,
                                  bdesc[-7:], bamount])
                    row = bills[len(bills) - len(pending) + k]  # the unit's unpaid bills
                    row[12], row[16] = "paid", receipt_id
                pending = []
                days.add((cashier_id, day.isoformat()))
        con.executemany(
            "INSERT INTO receipt (id, number, series, seq, unit_id, unit_code, payer_name, "
            "total_fen, change_fen, methods, request_id, business_date, issued_at, issued_by, "
            "desk, voided, void_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", receipts)
        con.executemany(
            "INSERT INTO bill (id, unit_id, unit_code, fee_code, standard_id, kind, period, "
            "description, quantity, unit_price_fen, amount_fen, due_date, status, gen_key, "
            "source_kind, created_at, receipt_id, cancel_reason) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            bills)
        con.executemany(
            "INSERT INTO receipt_line (receipt_id, bill_id, fee_code, kind, description, period,"
            " amount_fen) VALUES (?,?,?,?,?,?,?)", lines)
        con.executemany(
            "INSERT INTO receipt_tender (receipt_id, method, amount_fen, tendered_fen, "
            "change_fen) VALUES (?,?,?,?,?)", tenders)
        con.commit()
        counts["bills"] += len(bills)
        counts["receipts"] += len(receipts)
    for series, value in seqs.items():
        con.execute("INSERT OR REPLACE INTO counter (series, value) VALUES (?, ?)",
                    (f"receipt.{series}", value))
    closes = []
    for cashier_id, day in sorted(days):
        closes.append([cashier_id, day, datetime.fromisoformat(day).isoformat(sep=" "),
                       cashier_id])
    con.executemany(
        "INSERT INTO daily_close (staff_id, business_date, opening_float_fen, cash_fen, "
        "wechat_fen, alipay_fen, card_fen, transfer_fen, refund_cash_fen, refund_other_fen, "
        "receipts_valid, receipts_void, refunds, first_number, last_number, expected_cash_fen,"
        " counted_cash_fen, denominations, difference_fen, status, note, closed_at, closed_by, "
        "signoff_note) VALUES (?,?,0,0,0,0,0,0,0,0,0,0,0,'','',0,0,'',0,'closed','',?,?,'')",
        closes)
    con.commit()
    counts["closes"] = len(closes)
    con.close()
    return counts


def run(ctx: BenchContext) -> list[Figure]:
    figures: list[Figure] = []
    source = sqlite_path(ctx.db.engine)
    if source is None:
        return figures
    path = ctx.tmp / "cashier.sqlite3"
    backup_sqlite(source, path)
    db = Database(f"sqlite:///{path}")
    rng = random.Random(4)
    today = clock.today()
    n_units = ctx.scale(len(ctx.unit_ids), 500)
    n_months = ctx.scale(ctx.years * 12, 12)
    with db.write() as s:
        if not fees.list_standards(s):
            fees.load_standards(s, by=ctx.supervisor)
        rows = s.exec(select(Unit.id, Unit.code, Unit.area).where(Unit.id.in_(  # type: ignore[attr-defined]
            ctx.unit_ids[:n_units]))).all()
    units = [(int(i), c, Decimal(a)) for i, c, a in rows]
    months = _months(_month_start_before(today), n_months)
    start = time.perf_counter()
    counts = _load(str(path), units, [ctx.receptionist.id, ctx.supervisor.id],  # type: ignore[list-item]
                   months, today, rng)
    with db.write() as s:
        create_fts(s, table="receipt", fts_table="receipt_fts",
                   columns=["number", "unit_code", "payer_name"])
        create_fts(s, table="bill", fts_table="bill_fts", columns=["unit_code", "description"])
    figures.append(Figure(f"cashier: bulk load {counts['bills']:,} bills, "
                          f"{counts['receipts']:,} receipts", (time.perf_counter() - start) * 1000))
    figures.append(Figure("cashier: bills", counts["bills"], "rows"))
    figures.append(Figure("cashier: receipts", counts["receipts"], "rows"))

    desk = ctx.receptionist
    period = today.strftime("%Y-%m")

    def generate() -> None:
        with db.write() as s:
            fees.generate_bills(s, by=desk, period=period)

    figures.append(measure(f"cashier: generate {period} for {n_units:,} units", generate,
                           repeat=1))
    figures.append(measure("cashier: generate again (idempotent, nothing new)", generate,
                           repeat=3))

    unit_id = units[len(units) // 2][0]

    def pay() -> None:
        with db.write() as s:
            bill = fees.add_charge(s, by=desk, unit_id=unit_id, fee_code="SV-PRINT",
                                      amount_fen=50, description="打印")
            payments.take_payment(s, by=desk, request_id=uuid.uuid4().hex, unit_id=unit_id,
                                 bill_ids=[bill.id],  # type: ignore[list-item]
                                 tenders=[payments.Tender(PayMethod.CASH, 50, 100)])

    figures.append(measure("cashier: charge + take payment (one transaction)", pay, repeat=9))

    def page(src: Any, query: ListQuery, *, reverse: bool = False) -> None:
        with db.read() as s:
            src.count(s, query)
            src.fetch(s, query, 0, PAGE_SIZE, reverse=reverse)

    with db.read() as s:
        staff = lists.staff_choices(s)
        buildings = lists.building_choices(s)
        number = s.exec(select(Receipt.number).offset(counts["receipts"] // 3)).first()
    receipts = lists.ReceiptSource(staff)
    bills = lists.BillSource()
    arrears = lists.ArrearsSource(buildings)
    code = units[len(units) // 3][1]
    checks: list[tuple[str, Any, ListQuery, bool]] = [
        ("receipts: open (count + first page)", receipts, ListQuery(), False),
        ("receipts: last page (reverse)", receipts, ListQuery(), True),
        ("receipts: filter method=card", receipts, ListQuery(filters={"method": "card"}), False),
        ("receipts: filter a month", receipts, ListQuery(filters={
            "from": months[-2], "to": _month_end(months[-2])}), False),
        (f"receipts: search unit {code}", receipts, ListQuery(search=code), False),
        ("bills: open", bills, ListQuery(), False),
        ("bills: filter unpaid", bills, ListQuery(filters={"status": "open"}), False),
        (f"bills: search {code}", bills, ListQuery(search=code), False),
        ("arrears: open (units in arrears, buckets)", arrears, ListQuery(), False),
        ("arrears: over 180 days", arrears, ListQuery(filters={"age": "181"}), False),
    ]
    if number:
        checks.append((f"receipts: search number {number}", receipts, ListQuery(search=number),
                       False))
    for label, src, query, reverse in checks:
        figures.append(measure(f"cashier: {label}",
                               lambda src=src, query=query, reverse=reverse: page(
                                   src, query, reverse=reverse), repeat=3))

    def totals() -> None:
        with db.read() as s:
            cashier_arrears.arrears_totals(s, as_of=today)

    def flags() -> None:
        from deskapp.services import hooks

        with db.read() as s:
            hooks.unit_flags(s, [u for u, _, _ in units[:50]])

    def month() -> None:
        with db.read() as s:
            cashier_close.monthly_summary(s, year=months[-2].year, month=months[-2].month)

    def day() -> None:
        with db.read() as s:
            cashier_close.day_summary(s, staff_id=desk.id, business_date=today)  # type: ignore[arg-type]

    def pdf() -> None:
        with db.read() as s:
            rid = s.exec(select(Receipt.id).order_by(Receipt.id.desc())).first()  # type: ignore[union-attr]
            receipt_pdf(s, receipt_id=rid)

    figures.append(measure("cashier: arrears totals (all buckets)", totals, repeat=3))
    figures.append(measure("cashier: arrears flags for 50 units", flags, repeat=5))
    figures.append(measure("cashier: monthly_summary", month, repeat=3))
    figures.append(measure("cashier: day summary", day, repeat=5))
    figures.append(measure("cashier: receipt PDF (3 copies)", pdf, repeat=3))

    def close() -> None:
        with db.write() as s:
            cashier_close.close_day(s, by=desk, opening_float_fen=50000, counted={10000: 5})

    figures.append(measure("cashier: daily close", close, repeat=1))
    db.dispose()
    return figures


def _month_start_before(today: date) -> date:
    return date(today.year, today.month, 1)
