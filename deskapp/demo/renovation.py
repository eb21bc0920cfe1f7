"""Demo renovations: about four months at the desk, driven through the real services (so
every number, receipt, pass and audit entry is genuine): filings still being filled in or
waiting for review, permits in progress (some ending this week, one run out), a few
extended, completions waiting for inspection (one failed once), deposits refunded and
closed, one cancelled."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind, Unit, UnitUse
from deskapp.db.models.renovation import TaxStatus, WorkKind
from deskapp.errors import DeskError
from deskapp.services.demo import (
    DemoSummary,
    ensure_fee_standards,
    random_mobile,
    random_name,
    random_resident_id,
)
from deskapp.services.renovation import deposit, filings, queries, rules
from deskapp.services.renovation import workers as renovation_workers
from deskapp.validators import credit_code_check_char

ORDER = 130  # after the cashier (fee standards) and the reception log

_CONTRACTORS = ("洛阳美家装饰工程有限公司", "洛阳业之峰装饰有限公司", "河南东易日盛装饰有限公司",
                "洛阳华浔品味装饰有限公司", "洛阳居然之家装饰有限公司", "洛阳一品装饰有限公司")
_WORKS = {
    WorkKind.GENERAL: ("厨房卫生间改造，水电改造，铺贴地砖", "全屋翻新：拆除隔墙、水电改造、吊顶",
                       "卫生间防水重做，更换洁具", "客厅餐厅吊顶、墙面乳胶漆、木地板"),
    WorkKind.SIMPLE: ("卧室铺设木地板", "全屋墙面重新粉刷", "客厅及卧室贴墙纸"),
    WorkKind.SUPPLIER: ("橱柜安装（供应商免费服务）", "空调安装（供应商免费服务）",
                        "定制衣柜安装（供应商免费服务）"),
}
# (days ago filed, target state, kind) — the desk's last four months
_PLAN: tuple[tuple[int, str, WorkKind], ...] = (
    (118, "closed", WorkKind.SIMPLE), (112, "closed", WorkKind.SIMPLE),
    (105, "refundable", WorkKind.SIMPLE), (101, "cancelled", WorkKind.GENERAL),
    (96, "inspected", WorkKind.GENERAL), (90, "extended", WorkKind.GENERAL),
    (86, "completion", WorkKind.GENERAL), (83, "overdue", WorkKind.GENERAL),
    (80, "failed_once", WorkKind.GENERAL), (75, "expiring", WorkKind.GENERAL),
    (66, "in_progress", WorkKind.SIMPLE), (58, "in_progress", WorkKind.GENERAL),
    (52, "expiring", WorkKind.SIMPLE), (45, "in_progress", WorkKind.SUPPLIER),
    (38, "in_progress", WorkKind.GENERAL), (30, "approved", WorkKind.GENERAL),
    (21, "in_progress", WorkKind.GENERAL), (14, "reviewed", WorkKind.GENERAL),
    (9, "submitted", WorkKind.SIMPLE), (5, "submitted", WorkKind.GENERAL),
    (2, "draft", WorkKind.GENERAL), (0, "draft", WorkKind.SUPPLIER),
)


def _credit(rng: random.Random) -> str:
    region = rng.choice(("410302", "410303", "410305", "410311", "410100"))
    org = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    body = "91" + region + org
    return body + credit_code_check_char(body)


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randrange(9, 17), rng.randrange(60)))


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    desk = summary.staff_member(session, "qiantai1")
    boss = summary.staff_member(session, "zhuguan")
    ensure_fee_standards(session, since=today - timedelta(days=210))
    owners = session.exec(
        select(Occupant, Unit).join(Unit, Unit.id == Occupant.unit_id)
        .where(Occupant.kind == OccupantKind.OWNER, Unit.use == UnitUse.RESIDENCE)
        .order_by(Occupant.id)).all()
    picks = rng.sample(list(owners), len(_PLAN))
    made = 0
    for (days_ago, target, kind), (owner, unit) in zip(_PLAN, picks, strict=True):
        nested = session.begin_nested()
        try:
            _one(session, rng=rng, today=today, desk=desk, boss=boss, owner=owner, unit=unit,
                 filed=today - timedelta(days=days_ago), target=target, kind=kind)
        except DeskError:
            nested.rollback()  # e.g. a cashier's day already closed in the demo
            continue
        nested.commit()
        made += 1
    summary.extra["renovation_filings"] = made


def _one(session: Session, *, rng: random.Random, today: date, desk, boss, owner: Occupant,
         unit: Unit, filed: date, target: str, kind: WorkKind) -> None:
    id_number = owner.id_number or random_resident_id(rng)
    if owner.id_number is None:
        owner.id_number = id_number  # the owner showed the ID card: now on file
        session.add(owner)
    lead, _ = random_name(rng)
    start = filed + timedelta(days=rng.randrange(1, 4))
    months = 3 if kind == WorkKind.GENERAL else 1
    end = rules.latest_end(start, months) if kind == WorkKind.GENERAL else start + timedelta(
        days=rng.randrange(5, 25))
    if target == "expiring":
        end = today + timedelta(days=rng.randrange(1, 7))
        start = max(filed, end - timedelta(days=80))
    elif target == "overdue":
        start, end = filed + timedelta(days=1), today - timedelta(days=3)
    elif target in ("in_progress", "approved", "extended"):
        end = max(end, today + timedelta(days=rng.randrange(10, 40)))
        end = min(end, rules.latest_end(start))
    has_licence = kind != WorkKind.SUPPLIER and rng.random() < 0.85
    data = rules.FilingInput(
        unit_id=unit.id, owner_name=owner.name, owner_id_number=id_number,
        owner_phone=owner.phone or random_mobile(rng),
        contractor_name=rng.choice(_CONTRACTORS) if kind != WorkKind.SUPPLIER else "厂家售后服务部",
        contractor_credit_code=_credit(rng) if has_licence else "",
        contractor_has_licence=has_licence, contractor_has_qualification=has_licence,
        lead_name=lead, lead_id_number=random_resident_id(rng, male=True),
        lead_phone=random_mobile(rng), work_items=rng.choice(_WORKS[kind]), work_kind=kind,
        hot_work=kind == WorkKind.GENERAL and rng.random() < 0.2,
        breaks_waterproofing="防水" in _WORKS[kind][2] and rng.random() < 0.3,
        changes_lines=kind == WorkKind.GENERAL and rng.random() < 0.6,
        permit_start=start, permit_end=end, filed_on=filed)
    moment = _at(filed, rng)
    with clock.freeze(moment):
        filing = filings.create_filing(session, by=desk, data=data)
    fid = filing.id or 0
    if target == "cancelled":
        with clock.freeze(moment + timedelta(days=2)):
            filings.cancel(session, by=desk, filing_id=fid, reason="业主决定暂缓装修")
        return
    with clock.freeze(moment + timedelta(minutes=20)):
        for code in rules.filing_documents(filing):
            if target == "draft" and rng.random() < 0.5:
                continue
            filings.mark_document(session, by=desk, filing_id=fid, code=code)
        workers = []
        for _ in range(rng.randrange(2, 5)):
            name, male = random_name(rng)
            workers.append(renovation_workers.add_worker(session, by=desk, filing_id=fid, name=name,
                                           id_number=random_resident_id(rng, male=male),
                                           phone=random_mobile(rng), id_copy_received=True,
                                           photo_received=target != "draft"))
    if target == "draft":
        return
    with clock.freeze(moment + timedelta(minutes=40)):
        filings.submit(session, by=desk, filing_id=fid)
    if target == "submitted":
        return
    reviewed = _at(min(filed + timedelta(days=1), today), rng)
    with clock.freeze(reviewed):
        filings.review(session, by=desk, filing_id=fid, officer="赵工", accepted=True,
                    note="装修项目已复核")
    if target == "reviewed":
        return
    with clock.freeze(reviewed + timedelta(hours=1)):
        filings.sign_agreement(session, by=desk, filing_id=fid)
        code, amount, _ = deposit.deposit_standard(session, unit)
        from deskapp.db.models.cashier import PayMethod
        from deskapp.services.cashier import payments

        method = rng.choice([PayMethod.CASH, PayMethod.WECHAT,
                             PayMethod.ALIPAY])
        tendered = amount if method == PayMethod.CASH else None
        deposit.collect_deposit(session, by=desk, filing_id=fid, request_id=f"demo-reno-{fid}",
                             tenders=[payments.Tender(method, amount, tendered)])
        filings.approve(session, by=desk, filing_id=fid)
        # the certificate printed and handed over: what printing it records (the paper
        # itself is read-only work, not kept; rendering it cost a second of the build)
        filings.record_certificate_print(session, by=desk, filing_id=fid)
        passes = [renovation_workers.issue_pass(session, by=desk, worker_id=w.id or 0) for w in workers]
        filings.set_tax_status(session, by=desk, filing_id=fid,
                            status=rng.choice((TaxStatus.PAID, TaxStatus.PAID, TaxStatus.UNPAID,
                                               TaxStatus.EXEMPT)))
    if target == "approved":
        return
    with clock.freeze(_at(max(start, reviewed.date()), rng) + timedelta(hours=1)):
        filings.start_work(session, by=desk, filing_id=fid)
    if target in ("in_progress", "expiring", "overdue"):
        return
    if target == "extended":
        with clock.freeze(_at(today - timedelta(days=rng.randrange(1, 10)), rng)):
            current = queries.get_filing(session, fid).permit_end
            if current < clock.today():
                return
            filings.extend(session, by=desk, filing_id=fid,
                        new_end=current + timedelta(days=rng.randrange(20, 45)),
                        reason="材料到货延迟，申请延期")
        return
    done = min(end, today - timedelta(days=2))
    with clock.freeze(_at(done, rng)):
        filings.apply_completion(session, by=desk, filing_id=fid)
    if target == "completion":
        return
    if target == "failed_once":
        with clock.freeze(_at(done, rng) + timedelta(hours=2)):
            filings.inspect(session, by=desk, filing_id=fid, passed=False, inspector="赵工",
                         notes="卫生间闭水试验渗漏，需整改")
        return
    with clock.freeze(_at(done, rng) + timedelta(hours=3)):
        filings.record_downstairs_signoff(session, by=desk, filing_id=fid, name=random_name(rng)[0])
        filings.inspect(session, by=desk, filing_id=fid, passed=True, inspector="赵工")
        for p in passes:
            renovation_workers.return_pass(session, by=desk, pass_id=p.id or 0)
        filings.record_lived_in(session, by=desk, filing_id=fid, since=done)
    if target in ("inspected", "refundable"):
        return
    # closed: refunded once the owner had lived in for 3 months
    refund_day = rules.latest_end(done)
    if refund_day > today:
        return
    with clock.freeze(_at(refund_day, rng)):
        deposit.refund_deposit(session, by=boss, filing_id=fid, request_id=f"demo-reno-rf-{fid}",
                            receipt_presented=True, certificate_presented=True,
                            owner_signed=True)
        filings.close(session, by=desk, filing_id=fid)
