"""Demo move-ins (入伙): new owners of vacant units handed over in the last two months —
inspected (some defects sent as work orders), keys, first meter readings, documents
signed, a year of property fee paid through the cashier — and one started today and not
yet finished (it shows in the handover). All through the services, on the days they
happened."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Unit
from deskapp.db.models.movein import MoveInCheck, MoveInItemKind
from deskapp.errors import DeskError
from deskapp.services.customer import movein, movein_fees, occupants
from deskapp.services.demo import DemoSummary, ensure_fee_standards, random_mobile, random_name

ORDER = 125  # after the customer file, before the cashier's daily closes (they cover our fees)

# a defect for each line of the default checklist, in its order
DEFECTS = ("门锁开启不顺", "卧室窗户密封条脱落", "卫生间地漏返味", "厨房插座无电", "燃气表阀门松动",
           "客厅墙面有裂缝", "地砖空鼓两块", "闭水试验渗漏", "可视对讲无图像")
# days ago, finished today?
_PLAN = ((55, True), (41, True), (27, True), (13, True), (0, False))


def _run(session: Session, rng: random.Random, by: object, unit_id: int, day: date,
         finish: bool) -> bool:
    name = random_name(rng)[0]
    phone = random_mobile(rng)
    occupants.add(session, by=by, unit_id=unit_id, name=name, kind="owner",  # type: ignore[arg-type]
                  phone=phone, moved_in=day)
    mv = movein.start(session, by=by, unit_id=unit_id, moved_in_on=day,  # type: ignore[arg-type]
                      owner_name=name, owner_phone=phone)
    lines = list(session.execute(select(MoveInCheck).where(
        col(MoveInCheck.movein_id) == mv.id, col(MoveInCheck.kind) == MoveInItemKind.INSPECT)
        .order_by(col(MoveInCheck.sort))).scalars())
    picked = rng.sample(range(len(lines)), rng.randrange(0, 3)) or ([] if finish else [0])
    defects = {lines[n].id or 0: DEFECTS[n % len(DEFECTS)] for n in picked}
    movein.record_inspection(session, by=by, movein_id=mv.id or 0,  # type: ignore[arg-type]
                             defects=defects)
    movein.set_keys(session, by=by, movein_id=mv.id or 0,  # type: ignore[arg-type]
                    counts={"door": rng.choice((2, 3, 4)), "mailbox": 2, "gate": 1})
    if not finish:
        return False
    movein.record_meters(session, by=by, movein_id=mv.id or 0,  # type: ignore[arg-type]
                         water=str(rng.randrange(0, 40)), power=str(rng.randrange(0, 300)),
                         gas=str(rng.randrange(0, 20)))
    docs = list(session.execute(select(MoveInCheck).where(
        col(MoveInCheck.movein_id) == mv.id, col(MoveInCheck.kind) == MoveInItemKind.DOCUMENT)
    ).scalars())
    movein.sign_documents(session, by=by, movein_id=mv.id or 0,  # type: ignore[arg-type]
                          signed={c.id or 0: True for c in docs})
    movein_fees.collect_fees(session, by=by, movein_id=mv.id or 0,  # type: ignore[arg-type]
                        request_id=f"demo-movein-{mv.id}", months=12,
                        method=rng.choice(("wechat", "alipay", "card")), payer_name=name)
    movein.complete(session, by=by, movein_id=mv.id or 0)  # type: ignore[arg-type]
    return True


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    ensure_fee_standards(session, since=today - timedelta(days=365))
    desk = [summary.staff_member(session, "qiantai1"), summary.staff_member(session, "qiantai2")]
    occupied = set(summary.occupied_unit_ids)
    vacant = [u.id for u in session.execute(select(Unit).order_by(col(Unit.id))).scalars()
              if u.id not in occupied and u.id is not None]
    counts = {"completed": 0, "open": 0}
    for (days_ago, finish), unit_id in zip(_PLAN, rng.sample(vacant, min(len(_PLAN),
                                                                      len(vacant))), strict=False):
        day = today - timedelta(days=days_ago)
        with clock.freeze(datetime.combine(day, time(9 + rng.randrange(0, 6), 15))):
            try:
                with session.begin_nested():
                    done = _run(session, rng, rng.choice(desk), unit_id, day, finish)
            except DeskError:
                continue
        counts["completed" if done else "open"] += 1
    summary.extra.update({f"movein_{k}": v for k, v in counts.items()})
