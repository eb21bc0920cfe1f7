"""Demo operations: the personal-data reveals a desk makes in a few weeks (calling an owner
back, checking an ID against a card), each with its reason, at the time it would have
happened — so the supervisor's monthly report and the audit log show them. Runs after the
other areas (``ORDER``)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Occupant, Staff
from deskapp.services import reveal
from deskapp.services.demo import DemoSummary

ORDER = 900
DAYS = 35
REASONS = (
    ("phone", "业主来电要求回电，核对号码"),
    ("phone", "维修师傅需联系业主确认上门时间"),
    ("phone", "包裹到达，电话通知业主领取"),
    ("phone", "催缴物业费，电话联系业主"),
    ("id_number", "办理装修备案，核对业主身份证"),
    ("id_number", "业主补办门禁卡，核对身份"),
)
LOGINS = ("qiantai1", "qiantai2", "zhuanyuan", "zhuguan")


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    staff = {s.login: s for s in session.exec(select(Staff).where(
        Staff.login.in_(LOGINS)))}  # type: ignore[attr-defined]
    occupants = list(session.exec(select(Occupant.id, Occupant.id_number).where(
        Occupant.phone != "").order_by(Occupant.id)).all())
    if not staff or not occupants:
        return
    made = 0
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            occupant_id, id_number = rng.choice(occupants)
            column, why = rng.choice(REASONS)
            if column == "id_number" and not id_number:
                column, why = REASONS[0]
            who = staff.get(rng.choice(LOGINS)) or next(iter(staff.values()))
            at = datetime.combine(day, time(rng.randrange(8, 21), rng.randrange(60)))
            with clock.freeze(at):
                reveal.reveal(session, by=who, table="occupant", record_id=occupant_id,
                              column=column, reason=why)
            made += 1
    summary.extra["reveals"] = made
