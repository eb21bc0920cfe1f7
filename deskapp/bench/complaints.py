"""Complaint figures at 100,000 complaints (``--quick``: 5,000) spread over ``ctx.years``
years of the synthetic site, with a return visit for every archived valid complaint:
bulk load, then — through the same ComplaintSource the screen uses — opening the list
(all / open only), filters (category, owner, overdue, a date range), text search (FTS
trigram and the 2-character LIKE fallback), the last page, the month's analysis, one
timeline, registering and classifying a complaint, the overdue sweep and the handover
items."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from sqlalchemy import insert, select

from deskapp import clock
from deskapp.bench import BenchContext, Figure, measure
from deskapp.db.models import Unit
from deskapp.db.models.complaints import (
    Complaint,
    ComplaintEvent,
    ComplaintState,
    ContactChannel,
    EscalationTarget,
    EventKind,
    ReplyMethod,
    ServiceVisit,
    VisitKind,
)
from deskapp.services import hooks
from deskapp.services.complaints import figures as complaints_figures
from deskapp.services.complaints import handover as complaints_handover
from deskapp.services.complaints import intake, labels, overdue, queries, workflow
from deskapp.services.listing import PAGE_SIZE, ListQuery
from deskapp.services.textsearch import create_fts, drop_fts

_CONTENT = ("楼上装修噪音", "地下车库漏水", "楼道垃圾未清运", "电梯故障停运", "门禁损坏",
            "物业费账单有误", "停车费调价未通知", "保安态度生硬", "绿化带被占用", "宠物便溺无人清理",
            "夜间停电未通知", "快递车不让进", "外墙渗水", "路灯不亮", "噪音扰民")
_DETAIL = ("已经多次反映", "影响休息", "希望尽快处理", "要求给出说明", "情况持续一周", "老人孩子不便")
_CATS = ("service", "service", "service", "fees", "culture", "emergency")
_CHANNELS = tuple(ContactChannel)
_DEPTS = labels.DEFAULT_DEPARTMENTS


def _load(ctx: BenchContext, n: int, rng: random.Random) -> int:
    now = clock.now()
    span = timedelta(days=365 * ctx.years)
    handlers = [ctx.specialist.id, ctx.supervisor.id]
    with ctx.db.read() as s:
        codes = dict(s.execute(select(Unit.id, Unit.code)).all())
    unit_ids = ctx.unit_ids
    rows, visits = [], []
    start_no = {}
    for i in range(n):
        received = now - span * (1 - (i + rng.random()) / n)
        received = received.replace(microsecond=0)
        year = received.year
        start_no[year] = start_no.get(year, 0) + 1
        unit_id = rng.choice(unit_ids)
        cat = rng.choice(_CATS)
        first_due, close_due = labels.add_hours(received, 24), labels.add_hours(received, 72)
        age = now - received
        valid = rng.random() > 0.1
        phone = f"13{rng.randrange(10**9):09d}"
        row = {
            "number": f"TS{year}-{start_no[year]:06d}", "received_at": received,
            "registered_at": received, "place": "", "unit_id": unit_id,
            "unit_code": codes[unit_id], "floor": "", "complainant_name": f"业主{i % 997}",
            "complainant_phone": phone, "phone_tail": phone[-4:], "target_person": "",
            "target_department": rng.choice(_DEPTS),
            "content": f"{rng.choice(_CONTENT)}，{rng.choice(_DETAIL)}",
            "request": "", "channel": rng.choice(_CHANNELS), "category_code": cat,
            "major": rng.random() < 0.01, "heard": True, "asked": True, "recorded": True,
            "received_by_id": ctx.receptionist.id, "owner_id": rng.choice(handlers),
            "state": ComplaintState.REGISTERED, "valid": None, "invalid_reason": "",
            "investigation": "", "responsible_department": "", "responsible_person": "",
            "solution": "", "reply_method": None, "reply": "", "replied_at": None,
            "visited_at": None, "satisfaction": None, "satisfied": None, "reopened": 0,
            "summary": "", "first_response_due": first_due, "close_due": close_due,
            "first_response_at": None, "first_response_minutes": None, "closed_at": None,
            "close_minutes": None, "escalated_to": None, "escalated_at": None,
            "overdue_at": None, "contact_id": None, "visit_opinion_id": None,
            "updated_at": received,
        }
        if age > timedelta(days=10) and rng.random() > 0.002:  # closed long ago
            first = rng.randrange(10, 30 * 60)
            close = rng.randrange(first + 60, 6 * 1440)
            replied = received + timedelta(minutes=close - 30)
            row.update(state=ComplaintState.ARCHIVED, valid=valid,
                       first_response_at=received + timedelta(minutes=first),
                       first_response_minutes=first, closed_at=received + timedelta(minutes=close),
                       close_minutes=close, replied_at=replied, reply_method=ReplyMethod.PHONE,
                       responsible_department=rng.choice(_DEPTS) if valid else "")
            if valid:
                score = rng.choice((5, 5, 4, 4, 4, 3, 2))
                row.update(visited_at=replied + timedelta(minutes=20), satisfaction=score,
                           satisfied=score >= 3)
                visits.append({"complaint_row": i, "visited_at": replied + timedelta(minutes=20),
                               "score": score, "unit_id": unit_id, "unit_code": codes[unit_id]})
        elif age > timedelta(hours=1):
            row.update(state=rng.choice(list(ComplaintState)[:6]))
            if row["state"] != ComplaintState.REGISTERED:
                row.update(valid=row["state"] != ComplaintState.INVALID,
                           first_response_at=received + timedelta(minutes=30),
                           first_response_minutes=30)
            if close_due < now:
                row.update(overdue_at=close_due, escalated_to=EscalationTarget.SUPERVISOR,
                           escalated_at=close_due)
        rows.append(row)
    with ctx.db.write() as s:
        # index once after the load instead of row by row in the triggers
        drop_fts(s, fts_table=labels.FTS_TABLE)
        for chunk in range(0, len(rows), 5000):
            s.execute(insert(Complaint.__table__), rows[chunk:chunk + 5000])
        ids = list(s.execute(select(Complaint.id).order_by(Complaint.id)).scalars())
        first_id = ids[-len(rows)]
        s.execute(insert(ServiceVisit.__table__), [
            {"kind": VisitKind.COMPLAINT, "visited_at": v["visited_at"],
             "visited_by_id": ctx.specialist.id, "method": ReplyMethod.PHONE,
             "complaint_id": first_id + v["complaint_row"], "unit_id": v["unit_id"],
             "unit_code": v["unit_code"], "person_name": "业主", "phone": "", "satisfied":
             v["score"] >= 3, "score": v["score"], "note": "", "created_at": v["visited_at"]}
            for v in visits] or [])
        s.execute(insert(ComplaintEvent.__table__), [
            {"complaint_id": first_id + k, "at": rows[k]["received_at"],
             "staff_id": ctx.receptionist.id, "kind": EventKind.REGISTERED,
             "to_state": ComplaintState.REGISTERED, "note": ""}
            for k in range(len(rows))])
        create_fts(s, table="complaint", fts_table=labels.FTS_TABLE, columns=list(labels.SEARCH_COLUMNS))
    return len(visits)


def run(ctx: BenchContext) -> list[Figure]:
    n = ctx.scale(100_000, 5_000)
    rng = random.Random(5)
    figures: list[Figure] = []
    start = time.perf_counter()
    visits = _load(ctx, n, rng)
    figures.append(Figure(f"complaints: bulk load {n:,} complaints + {visits:,} visits",
                          (time.perf_counter() - start) * 1000))
    db = ctx.db
    with db.read() as s:
        source = queries.list_source(s)
        some = s.execute(select(Complaint).order_by(Complaint.id.desc()).limit(1)).scalar_one()

    def list_fig(label: str, query: ListQuery, *, last: bool = False) -> Figure:
        def go() -> None:
            with db.read() as s:
                total = source.count(s, query)
                source.fetch(s, query, 0, PAGE_SIZE, reverse=last)
                assert total >= 0
        return measure(f"complaints: {label}", go)

    figures += [
        list_fig("open list, all (count + first page)", ListQuery()),
        list_fig("open list, not archived", ListQuery({"state": "open"})),
        list_fig("last page (reverse fetch)", ListQuery(), last=True),
        list_fig("filter category=fees", ListQuery({"category": "fees"})),
        list_fig("filter owner + open", ListQuery({"owner": str(ctx.specialist.id),
                                                   "state": "open"})),
        list_fig("filter overdue", ListQuery({"flag": "overdue"})),
        list_fig("filter date range (one month)",
                 ListQuery({"from": (clock.today() - timedelta(days=400)),
                            "to": (clock.today() - timedelta(days=370))})),
        list_fig("search 地下车库 (FTS trigram)", ListQuery(search="地下车库")),
        list_fig("search 漏水 (2 chars, LIKE)", ListQuery(search="漏水")),
        list_fig("search 漏水 + open", ListQuery({"state": "open"}, "漏水")),
    ]
    today = clock.today()

    def analysis() -> None:
        with db.read() as s:
            complaints_figures.monthly_analysis(s, year=today.year, month=today.month)

    figures.append(measure("complaints: monthly analysis (this + previous month)", analysis))

    def one_timeline() -> None:
        with db.read() as s:
            queries.timeline(s, some.id)
            queries.get_complaint(s, some.id)

    figures.append(measure("complaints: open one complaint + timeline", one_timeline))

    def register_and_classify() -> None:
        with db.write() as s:
            c = intake.create_complaint(s, by=ctx.specialist, data=intake.ComplaintCreate(
                complainant_name="业主", content="基准测试投诉", channel="phone",
                category_code="service", complainant_phone="13812345678",
                unit_id=ctx.unit_ids[0], heard=True, asked=True, recorded=True))
        with db.write() as s:
            workflow.classify(s, by=ctx.specialist, complaint_id=c.id, valid=True)

    figures.append(measure("complaints: register + classify (2 transactions)",
                           register_and_classify))

    def sweep() -> None:
        with db.write() as s:
            overdue.escalate_overdue(s)

    figures.append(measure("complaints: overdue sweep (at login)", sweep))

    def handover() -> None:
        with db.read() as s:
            complaints_handover.open_complaints(s, hooks.HandoverContext(start=clock.now() - timedelta(hours=8),
                                                                         end=clock.now()))

    figures.append(measure("complaints: handover open items", handover))
    return figures
