"""Renovation figures at 5,000 filings (``--quick``: 300) spread over ``ctx.years`` years
of the synthetic site, each with three workers and their passes: bulk load, then —
through the sources the screen uses — opening the views (all, not closed, active, ending
within 7 days, expired and still open, deposits held), text search (FTS trigram and the
2-character LIKE fallback), the archive index (first page, last page, one building), the
deposits-held total, the month's figures, the handover items, one filing's detail, and the
desk's actions: filing, issuing a pass, extending a permit (moving its passes), printing
the certificate."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from deskapp import clock
from deskapp.bench import BenchContext, Figure, measure
from deskapp.db.models import Building, Unit
from deskapp.db.models.renovation import (
    PassStatus,
    RenovationFiling,
    RenovationPass,
    RenovationStatus,
    RenovationWorker,
    TaxStatus,
    WorkKind,
)
from deskapp.printing.renovation_certificate import certificate_pdf
from deskapp.services import hooks
from deskapp.services.demo import random_resident_id
from deskapp.services.listing import PAGE_SIZE, ListQuery
from deskapp.services.renovation import figures as renovation_figures
from deskapp.services.renovation import filings as renovation_filings
from deskapp.services.renovation import handover as renovation_handover
from deskapp.services.renovation import queries, rules
from deskapp.services.renovation import workers as renovation_workers
from deskapp.services.renovation.lists import ArchiveSource, FilingSource

S = RenovationStatus
_WORK = ("厨卫改造、水电改造", "全屋墙面粉刷", "铺设木地板", "卫生间防水重做", "吊顶及乳胶漆",
         "橱柜安装", "贴墙纸", "阳台封闭", "拆除隔墙、重新布局")
_COMPANIES = ("洛阳美家装饰工程有限公司", "洛阳业之峰装饰有限公司", "河南东易日盛装饰有限公司",
              "洛阳华浔品味装饰有限公司", "洛阳一品装饰有限公司", "厂家售后服务部")
_LEADS = ("王师傅", "李建国", "张伟", "刘强", "陈师傅", "杨勇", "赵磊", "黄海波")
ID = "410302198001010019"


def _status(age_days: int, rng: random.Random) -> RenovationStatus:
    if age_days > 200:
        return S.CANCELLED if rng.random() < 0.03 else S.CLOSED
    if age_days > 120:
        return rng.choice((S.CLOSED, S.CLOSED, S.REFUNDED, S.INSPECTED))
    if age_days > 90:
        return rng.choice((S.INSPECTED, S.COMPLETION_APPLIED, S.IN_PROGRESS, S.CLOSED))
    if age_days > 7:
        return rng.choice((S.IN_PROGRESS, S.IN_PROGRESS, S.IN_PROGRESS, S.APPROVED))
    return rng.choice((S.DRAFT, S.SUBMITTED, S.REVIEWED, S.APPROVED))


def _load(ctx: BenchContext, n: int, rng: random.Random) -> tuple[int, int]:
    now = clock.now()
    today = now.date()
    span = timedelta(days=365 * ctx.years)
    with ctx.db.read() as s:
        codes = dict(s.execute(select(Unit.id, Unit.code)).all())
    desk = ctx.receptionist.id
    rows = []
    per_year: dict[int, int] = {}
    for i in range(n):
        created = (now - span * (1 - (i + rng.random()) / n)).replace(microsecond=0)
        per_year[created.year] = per_year.get(created.year, 0) + 1
        unit_id = rng.choice(ctx.unit_ids)
        status = _status((now - created).days, rng)
        start = created.date() + timedelta(days=rng.randrange(1, 4))
        end = rules.latest_end(start) if rng.random() < 0.7 else start + timedelta(
            days=rng.randrange(10, 60))
        if status in (S.APPROVED, S.IN_PROGRESS) and rng.random() < 0.1:
            end = today + timedelta(days=rng.randrange(0, 8))  # ending this week
        approved = status not in (S.DRAFT, S.SUBMITTED, S.REVIEWED, S.CANCELLED)
        refunded = status in (S.REFUNDED, S.CLOSED)
        paid_at = datetime.combine(start, datetime.min.time()) + timedelta(hours=10)
        rows.append({
            "number": f"ZX{created.year}-{per_year[created.year]:04d}", "status": status,
            "unit_id": unit_id, "unit_code": codes[unit_id], "filed_on": created.date(),
            "owner_name": f"业主{i % 997}", "owner_id_number": ID,
            "owner_phone": f"138{rng.randrange(10**8):08d}", "applicant_is_owner": True,
            "applicant_name": f"业主{i % 997}", "applicant_id_number": "", "applicant_phone": "",
            "contractor_name": rng.choice(_COMPANIES), "contractor_credit_code": "",
            "contractor_has_licence": True, "contractor_has_qualification": True,
            "lead_name": rng.choice(_LEADS), "lead_id_number": ID,
            "lead_phone": f"139{rng.randrange(10**8):08d}", "work_items": rng.choice(_WORK),
            "work_kind": rng.choice(list(WorkKind)), "hot_work": False,
            "breaks_waterproofing": False, "changes_lines": False, "permit_start": start,
            "permit_end": end, "original_end": end, "created_at": created, "created_by": desk,
            "approved_at": paid_at if approved else None, "approved_by": desk if approved else None,
            "certificate_prints": 1 if approved else 0,
            "tax_status": rng.choice(list(TaxStatus)) if approved else TaxStatus.UNKNOWN,
            "deposit_fen": 300000 if approved else 0,
            "deposit_paid_at": paid_at if approved else None,
            "deposit_receipt_no": f"SJ{created.year}-{i:06d}" if approved else "",
            "deposit_refunded_at": paid_at + timedelta(days=200) if refunded else None,
            "deposit_refunded_fen": 300000 if refunded else 0,
            "completion_applied_at": paid_at + timedelta(days=80)
            if status in (S.COMPLETION_APPLIED, S.INSPECTED, S.REFUNDED, S.CLOSED) else None,
            "closed_at": paid_at + timedelta(days=201) if status == S.CLOSED else None,
            "cancelled_at": created + timedelta(days=2) if status == S.CANCELLED else None,
            "certificate_printed_at": paid_at if approved else None,
        })
    with ctx.db.write() as s:
        s.execute(insert(RenovationFiling.__table__), rows)
        filings = s.execute(select(RenovationFiling.id, RenovationFiling.status,
                                   RenovationFiling.permit_end, RenovationFiling.created_at)).all()
        workers = []
        for fid, _, _, created in filings:
            for k in range(3):
                workers.append({"filing_id": fid, "name": f"工人{k}", "id_number":
                                random_resident_id(rng), "phone": "", "id_copy_received": True,
                                "photo_received": True, "added_at": created, "added_by": desk})
        s.execute(insert(RenovationWorker.__table__), workers)
        wrows = s.execute(select(RenovationWorker.id, RenovationWorker.filing_id)).all()
        status_of = {fid: (st, end, created) for fid, st, end, created in filings}
        passes = []
        for n_pass, (wid, fid) in enumerate(wrows, start=1):
            st, end, created = status_of[fid]
            if st in (S.DRAFT, S.SUBMITTED, S.REVIEWED, S.CANCELLED):
                continue
            out = st in (S.APPROVED, S.IN_PROGRESS, S.COMPLETION_APPLIED) or rng.random() < 0.01
            passes.append({"number": f"SG{n_pass:06d}", "filing_id": fid, "worker_id": wid,
                           "status": PassStatus.OUT if out else PassStatus.RETURNED,
                           "issued_at": created + timedelta(days=3), "issued_by": desk,
                           "valid_until": end,
                           "returned_at": None if out else created + timedelta(days=90),
                           "returned_by": None if out else desk})
        s.execute(insert(RenovationPass.__table__), passes)
        from deskapp.db.models import Counter

        s.merge(Counter(series="renovation-pass", value=len(wrows)))
        for year, value in per_year.items():
            s.merge(Counter(series=f"renovation:{year}", value=value))
    return len(rows), len(passes)


def run(ctx: BenchContext) -> list[Figure]:
    rng = random.Random(6)
    n = ctx.scale(5_000, 300)
    figures: list[Figure] = []
    started = time.perf_counter()
    filings, passes = _load(ctx, n, rng)
    figures.append(Figure(f"装修：批量写入 {filings:,} 份备案、{passes:,} 张出入证",
                          (time.perf_counter() - started) * 1000))
    db = ctx.db
    source = FilingSource()

    def open_view(view: str | None, search: str = "") -> None:
        q = ListQuery(filters={"view": view} if view else {}, search=search)
        with db.read() as s:
            source.count(s, q)
            source.fetch(s, q, 0, PAGE_SIZE)

    for view, label in ((None, "全部"), ("open", "未归档"), ("active", "在施工"),
                        ("expiring", "7天内到期"), ("overdue", "已到期未完工"),
                        ("deposit", "保证金在押")):
        figures.append(measure(f"装修列表：打开「{label}」（计数+首页）",
                               lambda v=view: open_view(v)))
    figures.append(measure("装修列表：搜索「装饰有限」（FTS）", lambda: open_view(None, "装饰有限")))
    figures.append(measure("装修列表：搜索「王师」（2字 LIKE）", lambda: open_view(None, "王师")))

    with db.read() as s:
        b_id = s.execute(select(Building.id).order_by(Building.sort)).scalars().first()
    archive = ArchiveSource([(str(b_id), "")])

    def archive_page(reverse: bool = False, building: bool = False) -> None:
        q = ListQuery(filters={"building": str(b_id)} if building else {})
        with db.read() as s:
            archive.count(s, q)
            archive.fetch(s, q, 0, PAGE_SIZE, reverse=reverse)

    figures.append(measure("装修资料目录：首页（按楼栋、楼层）", archive_page))
    figures.append(measure("装修资料目录：末页（反向读取）", lambda: archive_page(True)))
    figures.append(measure("装修资料目录：单栋楼", lambda: archive_page(building=True)))

    def held() -> None:
        with db.read() as s:
            queries.deposit_held_total(s)
            queries.view_counts(s)

    figures.append(measure("保证金在押合计 + 到期统计", held))
    today = clock.today()
    with db.read() as s:
        count, fen = queries.deposit_held_total(s)
    figures.append(Figure("保证金在押（户）", count, "户"))
    figures.append(Figure("保证金在押（元）", fen / 100, "元"))

    def month() -> None:
        with db.read() as s:
            renovation_figures.monthly_summary(s, year=today.year, month=today.month)

    figures.append(measure("装修月度数据（monthly_summary）", month))
    ctx_h = hooks.HandoverContext(start=clock.now() - timedelta(hours=8), end=clock.now())

    def handover() -> None:
        with db.read() as s:
            renovation_handover.open_items(s, ctx_h)

    figures.append(measure("交接班未结事项（装修）", handover))

    with db.read() as s:
        target = s.execute(select(RenovationFiling.id).where(
            RenovationFiling.status == S.IN_PROGRESS,
            RenovationFiling.permit_end >= today).order_by(RenovationFiling.id.desc())
        ).scalars().first()
    if target is None:
        return figures

    def detail() -> None:
        with db.read() as s:
            queries.filing_detail(s, target)

    figures.append(measure("打开一份备案详情", detail))
    by = ctx.receptionist
    unit_id = ctx.unit_ids[0]
    start_day = today

    def new_filing() -> None:
        with db.write() as s:
            renovation_filings.create_filing(s, by=by, data=rules.FilingInput(
                unit_id=unit_id, owner_name="业主", owner_id_number=ID,
                owner_phone="13812345678", contractor_name="洛阳一品装饰有限公司",
                contractor_has_licence=False, lead_name="王师傅", lead_id_number=ID,
                lead_phone="13912345678", work_items="刷墙", permit_start=start_day,
                permit_end=rules.latest_end(start_day)))

    figures.append(measure("新建备案（一次写事务）", new_filing))

    def new_pass() -> None:
        with db.write() as s:
            worker = renovation_workers.add_worker(s, by=by, filing_id=target, name="新工人",
                                     id_number=random_resident_id(rng), id_copy_received=True,
                                     photo_received=True)
            renovation_workers.issue_pass(s, by=by, worker_id=worker.id or 0)

    figures.append(measure("登记人员并发出入证（一次写事务）", new_pass))

    def extend() -> None:
        with db.write() as s:
            current = queries.get_filing(s, target).permit_end
            renovation_filings.extend(s, by=by, filing_id=target, new_end=current + timedelta(days=1))

    figures.append(measure("延期（含全部在外出入证）", extend))

    def certificate() -> None:
        with db.write() as s:
            certificate_pdf(s, by=by, filing_id=target)

    figures.append(measure("打印装修备案登记证（三联 PDF）", certificate, repeat=3))
    return figures
