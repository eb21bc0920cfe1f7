"""Monthly-report figures: the whole month's report over five years of desk activity.

Bulk-inserts (SQLAlchemy Core, executemany) five years of synthetic activity into the
bench site (``ctx.db``): contacts, work orders, complaints with return visits,
renovation filings, bills and receipts with their lines and tenders, shifts and
handovers. Then times, in a fresh read session each: the report of the last month and of
one in the middle (every area's monthly service), the layout, the JSON / XLSX / PDF
outputs, and a drill (count + first page of the records behind a figure).

Target: the report well under a second.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from deskapp.bench import BenchContext, Figure, measure
from deskapp.db.models.cashier import Bill, Receipt, ReceiptLine, ReceiptTender
from deskapp.db.models.complaints import Complaint, ServiceVisit
from deskapp.db.models.reception import Contact, Handover, Shift, WorkOrder
from deskapp.db.models.renovation import RenovationFiling
from deskapp.i18n import t
from deskapp.printing.monthly_report import render
from deskapp.services.listing import ListQuery
from deskapp.services.reports import drills, layout, monthly
from deskapp.services.reports import months as reports_months

KINDS = ("enquiry", "repair", "complaint", "help", "suggestion", "message", "service",
         "fee_reminder", "visitor", "other")
CHANNELS = ("phone", "walk_in", "letter", "email", "via_staff")
METHODS = ("cash", "wechat", "alipay", "card", "transfer")
FEES = ("property", "parking", "water", "electricity", "service")
CATEGORIES = ("service", "fees", "culture", "emergency")
BATCH = 5_000


def _months(end: date, years: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    y, m = end.year, end.month
    for _ in range(years * 12):
        out.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(out))


def _flush(conn: Any, table: Any, rows: list[dict[str, Any]]) -> int:
    if rows:
        conn.execute(insert(table), rows)
    n = len(rows)
    rows.clear()
    return n


def _load(ctx: BenchContext, months: list[tuple[int, int]], rng: random.Random,
          per_month: dict[str, int]) -> dict[str, int]:
    desk, cs = ctx.receptionist.id, ctx.specialist.id
    units = ctx.unit_ids
    counts = dict.fromkeys(("contacts", "workorders", "complaints", "visits", "filings",
                            "bills", "receipts", "handovers"), 0)
    with ctx.db.engine.begin() as conn:
        seq = max(conn.execute(select(func.coalesce(func.max(Receipt.id), 0))).scalar_one(),
                  conn.execute(select(func.coalesce(func.max(Bill.id), 0))).scalar_one())
        buf: dict[str, list[dict[str, Any]]] = {k: [] for k in
                                               ("c", "w", "k", "v", "f", "b", "r", "l", "t")}

        def at(y: int, m: int) -> datetime:
            return datetime(y, m, rng.randint(1, 28), rng.randint(7, 21), rng.randint(0, 59))

        for y, m in months:
            for _ in range(per_month["contacts"]):
                when = at(y, m)
                buf["c"].append(dict(at=when, channel=rng.choice(CHANNELS),
                                     kind=rng.choice(KINDS), status="done", content="咨询",
                                     unit_code="", person_name="", phone="", action_taken="",
                                     note="", staff_id=desk, created_at=when,
                                     linked_kind="", unit_id=None))
            for i in range(per_month["workorders"]):
                when = at(y, m)
                due = when + timedelta(hours=24)
                done = when + timedelta(hours=rng.randint(2, 40))
                visited = done + timedelta(days=1)
                buf["w"].append(dict(number=f"WX{y}{m:02d}-{i:04d}", category="water",
                                     urgency="normal", description="漏水", status="visited",
                                     limit_hours=24, due_at=due, created_at=when,
                                     created_by=desk, completed_at=done, visited_at=visited,
                                     satisfaction=rng.randint(3, 5), unit_code="",
                                     location="", requester_name="", requester_phone="",
                                     assignee="", result="", materials="", charge_fen=0,
                                     visit_comment="", cancel_reason=""))
            for i in range(per_month["complaints"]):
                when = at(y, m)
                closed = when + timedelta(hours=rng.randint(4, 200))
                buf["k"].append(dict(
                    number=f"TS{y}{m:02d}-{i:04d}", received_at=when, registered_at=when,
                    complainant_name="张三", content="噪音", channel=rng.choice(CHANNELS),
                    category_code=rng.choice(CATEGORIES), received_by_id=desk, owner_id=cs,
                    state="archived", valid=rng.random() < 0.8,
                    first_response_due=when + timedelta(hours=24),
                    first_response_at=when + timedelta(hours=2), first_response_minutes=120,
                    replied_at=closed - timedelta(hours=2), closed_at=closed,
                    close_minutes=int((closed - when).total_seconds() // 60),
                    close_due=when + timedelta(hours=72), updated_at=closed))
                buf["v"].append(dict(kind="complaint", visited_at=closed - timedelta(hours=1),
                                     visited_by_id=cs, satisfied=rng.random() < 0.9,
                                     score=rng.randint(3, 5), created_at=closed))
            for i in range(per_month["filings"]):
                when = at(y, m)
                start = when.date()
                buf["f"].append(dict(
                    number=f"ZX{y}{m:02d}-{i:03d}", status="closed",
                    unit_id=rng.choice(units), unit_code="1-1-101", filed_on=start,
                    owner_name="张三", owner_id_number="11010519491231002X",
                    owner_phone="13812345678", applicant_name="张三",
                    contractor_name="某装饰公司", lead_name="李工",
                    lead_id_number="11010519491231002X", lead_phone="13912345678",
                    work_items="墙面", work_kind="general", permit_start=start,
                    permit_end=start + timedelta(days=90), original_end=start + timedelta(days=90),
                    created_at=when, created_by=desk, approved_at=when + timedelta(days=2),
                    deposit_fen=300000, deposit_paid_at=when + timedelta(days=2),
                    completion_applied_at=when + timedelta(days=80),
                    deposit_refunded_at=when + timedelta(days=200), deposit_refunded_fen=300000,
                    closed_at=when + timedelta(days=200)))
            for _ in range(per_month["receipts"]):
                seq += 1
                when = at(y, m)
                unit = rng.choice(units)
                amount = rng.randint(5_000, 80_000)
                kind = rng.choice(FEES)
                buf["b"].append(dict(id=seq, unit_id=unit, unit_code="1-1-101", fee_code="PF",
                                     kind=kind, description="物业费", amount_fen=amount,
                                     due_date=when.date() + timedelta(days=15), status="paid",
                                     created_at=when, receipt_id=seq, period=f"{y}-{m:02d}"))
                buf["r"].append(dict(id=seq, number=f"BR{y}-{seq:07d}", series=f"BR{y}",
                                     seq=seq, unit_id=unit, unit_code="1-1-101",
                                     total_fen=amount, methods="cash", request_id=f"b{seq}",
                                     business_date=when.date(), issued_at=when, issued_by=desk,
                                     voided=False, payer_name="", desk="", void_reason="",
                                     change_fen=0))
                buf["l"].append(dict(receipt_id=seq, bill_id=seq, fee_code="PF", kind=kind,
                                     description="物业费", amount_fen=amount))
                buf["t"].append(dict(receipt_id=seq, method=rng.choice(METHODS),
                                     amount_fen=amount))
            if sum(len(v) for v in buf.values()) > BATCH:
                counts["contacts"] += _flush(conn, Contact.__table__, buf["c"])
                counts["workorders"] += _flush(conn, WorkOrder.__table__, buf["w"])
                counts["filings"] += _flush(conn, RenovationFiling.__table__, buf["f"])
                counts["receipts"] += _flush(conn, Receipt.__table__, buf["r"])
                counts["bills"] += _flush(conn, Bill.__table__, buf["b"])
                _flush(conn, ReceiptLine.__table__, buf["l"])
                _flush(conn, ReceiptTender.__table__, buf["t"])
                counts["complaints"] += _flush_complaints(conn, buf)
        counts["contacts"] += _flush(conn, Contact.__table__, buf["c"])
        counts["workorders"] += _flush(conn, WorkOrder.__table__, buf["w"])
        counts["filings"] += _flush(conn, RenovationFiling.__table__, buf["f"])
        counts["receipts"] += _flush(conn, Receipt.__table__, buf["r"])
        counts["bills"] += _flush(conn, Bill.__table__, buf["b"])
        _flush(conn, ReceiptLine.__table__, buf["l"])
        _flush(conn, ReceiptTender.__table__, buf["t"])
        counts["complaints"] += _flush_complaints(conn, buf)
        counts["handovers"] = _handovers(conn, months, rng, desk, cs)
    return counts


def _flush_complaints(conn: Any, buf: dict[str, list[dict[str, Any]]]) -> int:
    """Complaints first, then their visits pointing at the new ids."""
    n = 0
    for row, visit in zip(buf["k"], buf["v"], strict=True):
        complaint_id = conn.execute(insert(Complaint.__table__).values(**row)).inserted_primary_key[0]
        visit["complaint_id"] = complaint_id
        n += 1
    _flush(conn, ServiceVisit.__table__, buf["v"])
    buf["k"].clear()
    return n


def _handovers(conn: Any, months: list[tuple[int, int]], rng: random.Random, desk: int,
               cs: int) -> int:
    n = 0
    for y, m in months:
        for day in range(1, 29):
            for start_hour, end_hour in ((8, 16), (16, 22)):
                opened = datetime(y, m, day, start_hour)
                closed = datetime(y, m, day, end_hour)
                shift_id = conn.execute(insert(Shift.__table__).values(
                    desk="前台1", opened_at=opened, opened_by=desk, closed_at=closed,
                    closed_by=desk)).inserted_primary_key[0]
                notes = rng.choice(("", "", "电梯异响，已报工程部", "前台打印机缺纸"))
                summary = json.dumps({"start": opened.isoformat(sep=" "),
                                      "end": closed.isoformat(sep=" "), "desk": "前台1"},
                                     ensure_ascii=False)
                conn.execute(insert(Handover.__table__).values(
                    shift_id=shift_id, desk="前台1", period_start=opened, period_end=closed,
                    written_by=desk, notes=notes, summary=summary, status="confirmed",
                    confirmed_by=cs, confirmed_at=closed))
                n += 1
    return n


def run(ctx: BenchContext) -> list[Figure]:
    from deskapp import clock

    today = clock.today()
    last_full = reports_months.previous_month(today.year, today.month)
    months = _months(date(last_full[0], last_full[1], 1), ctx.years)
    per_month = {
        "contacts": ctx.scale(1_500, 60), "workorders": ctx.scale(300, 10),
        "complaints": ctx.scale(40, 3), "filings": ctx.scale(30, 2),
        "receipts": ctx.scale(5_000, 100),
    }
    rng = random.Random(10)
    start = time.perf_counter()
    counts = _load(ctx, months, rng, per_month)
    load_ms = (time.perf_counter() - start) * 1000
    scale = f"{len(months)} months, {counts['contacts']:,} contacts, {counts['receipts']:,} receipts"
    figures = [Figure(f"reports: bulk load {scale}", load_ms)]
    boss = ctx.supervisor
    middle = months[len(months) // 2]
    for label, (y, m) in (("last month", last_full), ("a month 2½ years back", middle)):
        def one(y: int = y, m: int = m) -> Any:
            with ctx.db.read() as session:
                return monthly.monthly_report(session, by=boss, year=y, month=m)

        if label == "last month":
            figures.append(measure(f"reports: monthly report, {label} (every area)", one,
                                   repeat=3))
        else:
            figures.append(measure(t("bench.report_old"), one, repeat=3, goal=150))
    with ctx.db.read() as session:
        report = monthly.monthly_report(session, by=boss, year=last_full[0], month=last_full[1])
    figures.append(measure("reports: layout (sections, charts)", lambda: layout.sections(report)))
    for fmt in ("json", "xlsx", "pdf"):
        figures.append(measure(f"reports: render {fmt}", lambda fmt=fmt: render(report, fmt),
                               repeat=3))
    for key in ("contacts", "receipts.method:cash", "complaints.received"):
        def drill(key: str = key) -> None:
            with ctx.db.read() as session:
                d = drills.drill(session, by=boss, year=last_full[0], month=last_full[1],
                                  key=key)
                d.source.count(session, ListQuery())
                d.source.fetch(session, ListQuery(), 0, 200)

        figures.append(measure(f"reports: drill {key} (count + first page)", drill, repeat=3))
    return figures
