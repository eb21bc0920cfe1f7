"""Demo activity of the reception area: six weeks of desk contacts in two shifts a day,
repair requests turned into work orders (most completed, visited and closed; a few still
open, some of them overdue), and a handover at the end of every shift, signed off by the
next shift. Today's morning shift is left open up to the build time.

Everything goes through the services, with the clock frozen at each event's time, so the
audit log, numbering and shift links are exactly what real use would produce.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Occupant
from deskapp.db.models.reception import (
    ContactChannel,
    ContactKind,
    ContactStatus,
    WorkOrderCategory,
    WorkOrderUrgency,
)
from deskapp.services.demo import DemoSummary, ensure_fee_standards
from deskapp.services.reception import contacts, shifts
from deskapp.services.reception import workorders as wo

ORDER = 10  # early: other areas may link to contacts; our handovers then hold our own items
DAYS = 42
DESK = "前台1"

_KINDS = (
    (ContactKind.ENQUIRY, 30), (ContactKind.REPAIR, 20), (ContactKind.HELP, 7),
    (ContactKind.SUGGESTION, 3), (ContactKind.MESSAGE, 8), (ContactKind.SERVICE, 10),
    (ContactKind.FEE_REMINDER, 6), (ContactKind.VISITOR, 5), (ContactKind.OTHER, 3),
)  # fmt: skip
_CHANNELS = (
    (ContactChannel.PHONE, 50), (ContactChannel.WALK_IN, 35), (ContactChannel.VIA_STAFF, 8),
    (ContactChannel.EMAIL, 5), (ContactChannel.LETTER, 2),
)  # fmt: skip
_TEXTS: dict[ContactKind, tuple[tuple[str, str], ...]] = {
    ContactKind.ENQUIRY: (("咨询物业费缴纳方式", "已告知可在前台或线上缴纳"),
                          ("咨询停车月卡办理", "已告知所需材料及收费标准"),
                          ("咨询装修备案需要的材料", "已发放装修须知"),
                          ("咨询水电费收费标准", "已按收费标准答复"),
                          ("询问快递柜位置", "已指引至2号楼东侧"),
                          ("咨询门禁卡补办", "已告知补办流程及工本费")),
    ContactKind.HELP: (("老人行动不便，需要帮忙搬运物品", "已安排秩序维护员协助"),
                       ("钥匙锁在家里", "已联系开锁服务"),
                       ("借用轮椅", "已登记借用"),
                       ("家中跳闸求助", "已通知值班电工上门")),
    ContactKind.SUGGESTION: (("建议增加电动车充电桩", "已记录，上报主管"),
                             ("建议小区增加休息座椅", "已记录，上报主管"),
                             ("建议延长会所开放时间", "已记录，上报主管")),
    ContactKind.MESSAGE: (("留言：请物业联系业主确认装修时间", ""),
                          ("留言：周末有亲友来访，请放行", "已转告岗亭"),
                          ("留言：请转告保洁钥匙已放前台", "已转告")),
    ContactKind.SERVICE: (("代订出租车去火车站", "已电招的士"), ("代订酒店", "已预订并短信告知"),
                          ("代收快递包裹", "已登记，通知业主领取"), ("代发传真", "已发送"),
                          ("物品转交给其他业主", "已登记转交")),
    ContactKind.FEE_REMINDER: (("电话提醒缴纳本季度物业费", "业主答应本周内缴纳"),
                               ("提醒缴纳车位管理费", "已告知金额")),
    ContactKind.VISITOR: (("访客来访，已登记放行", ""), ("施工人员来访，核对装修备案", "已核对")),
    ContactKind.OTHER: (("拾到钥匙一串，已登记", "已登记失物招领"), ("询问社区活动时间", "已告知")),
}
_REPAIRS = (
    ("卫生间漏水", WorkOrderCategory.WATER, True), ("厨房下水道堵塞", WorkOrderCategory.WATER, True),
    ("客厅灯不亮", WorkOrderCategory.ELECTRICITY, True),
    ("插座没电", WorkOrderCategory.ELECTRICITY, True),
    ("入户门锁损坏", WorkOrderCategory.DOORS_WINDOWS, True),
    ("窗户关不严", WorkOrderCategory.DOORS_WINDOWS, True),
    ("电梯按键失灵", WorkOrderCategory.LIFT, False),
    ("楼道灯不亮", WorkOrderCategory.PUBLIC_AREA, False),
    ("地下车库积水", WorkOrderCategory.PUBLIC_AREA, False),
    ("更换水龙头（有偿）", WorkOrderCategory.PAID_IN_HOME, True),
)  # fmt: skip
_RESULTS = ("已修复", "更换配件后恢复正常", "疏通完毕", "调整后关闭严密", "更换灯具")
_ENGINEERS = ("工程部 刘师傅", "工程部 张师傅", "工程部 王师傅")
_NOTES = ("", "", "前台打印机缺纸，已申领", "3号楼电梯异响，已报工程部",
          "明日上午消防检查，请提前通知各楼栋", "有业主寄存雨伞两把，已登记",
          "晚班注意：地下车库出口道闸反应慢")


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    ensure_fee_standards(session, since=today - timedelta(days=210))  # paid repairs bill
    planner = _Planner(session, rng, summary)
    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        # a weekly rota: the evening receptionist is not the one opening the desk next morning
        morning, evening = ("qiantai1", "qiantai2") if (back // 7) % 2 else ("qiantai2", "qiantai1")
        planner.shift(day, 8, 16, morning, helper=evening, successor=evening)
        planner.shift(day, 16, 22, evening, helper=None, successor=evening,
                      confirm_next_morning=True)
    planner.run()
    summary.extra["contacts"] = planner.counts["contacts"]
    summary.extra["work_orders"] = planner.counts["workorders"]
    summary.extra["handovers"] = planner.counts["handovers"]


class _Planner:
    """Collects every event of the demo weeks with its time, then runs them in order."""

    def __init__(self, session: Session, rng: random.Random, summary: DemoSummary) -> None:
        self.session = session
        self.rng = rng
        self.staff = {login: summary.staff_member(session, login)
                      for login in ("qiantai1", "qiantai2", "zhuanyuan")}
        self.people = {o.unit_id: o for o in session.exec(
            select(Occupant).where(Occupant.unit_id.in_(summary.occupied_unit_ids))  # type: ignore[attr-defined]
            .order_by(Occupant.kind.desc(), Occupant.id)).all()}  # type: ignore[attr-defined]
        self.units = [u for u in summary.occupied_unit_ids if u in self.people]
        self.now = clock.now()
        self.events: list[tuple[datetime, int, Callable[[], None]]] = []
        self.counts = {"contacts": 0, "workorders": 0, "handovers": 0}

    def at(self, when: datetime, fn: Callable[[], None]) -> None:
        if when <= self.now:
            self.events.append((when, len(self.events), fn))

    def run(self) -> None:
        for when, _, fn in sorted(self.events, key=lambda e: (e[0], e[1])):
            with clock.freeze(when.replace(microsecond=0)):
                fn()

    # -- a shift ---------------------------------------------------------------------------

    def shift(self, day: date, start_h: int, end_h: int, login: str, *, helper: str | None,
              successor: str, confirm_next_morning: bool = False) -> None:
        """One shift; its handover is confirmed by ``successor`` a few minutes after it is
        written, or — for the evening shift — by whoever opens the desk next morning (the
        one who did not work the evening)."""
        rng, s = self.rng, self.session
        start = datetime.combine(day, time(start_h)) + timedelta(minutes=rng.randint(-10, 5))
        end = datetime.combine(day, time(end_h)) + timedelta(minutes=rng.randint(0, 15))
        by = self.staff[login]
        holder: dict[str, Any] = {}
        self.at(start, lambda: shifts.open_shift(s, by=by, desk=DESK) and None)
        if helper is not None and day.weekday() < 5:
            partner = self.staff[helper]
            self.at(start + timedelta(minutes=rng.randint(5, 40)),
                    lambda: shifts.open_shift(s, by=partner, desk=DESK) and None)
        minutes = int((end - start).total_seconds() // 60)
        for _ in range(rng.randint(5, 11)):
            when = start + timedelta(minutes=rng.randint(10, max(11, minutes - 10)))
            self.contact(by, when)
        notes = rng.choice(_NOTES)

        def hand_over() -> None:
            shift = shifts.current_shift(s, desk=DESK)
            if shift is not None:
                holder["handover"] = shifts.write_handover(s, by=by, shift_id=shift.id,
                                                           notes=notes)
                self.counts["handovers"] += 1

        if confirm_next_morning:  # the other receptionist opens the desk next morning
            incoming = self.staff["qiantai1" if login == "qiantai2" else "qiantai2"]
            confirm_at = datetime.combine(day + timedelta(days=1), time(8))
            confirm_at += timedelta(minutes=rng.randint(6, 20))
        else:
            incoming = self.staff[successor]
            confirm_at = end + timedelta(minutes=rng.randint(2, 20))

        def confirm() -> None:
            if "handover" in holder:
                shifts.confirm_handover(s, by=incoming, handover_id=holder["handover"].id)

        self.at(end, hand_over)
        self.at(confirm_at, confirm)

    # -- a contact -------------------------------------------------------------------------

    def contact(self, by: Any, when: datetime) -> None:
        rng, s = self.rng, self.session
        kind = _pick(rng, _KINDS)
        channel = _pick(rng, _CHANNELS)
        unit_id = rng.choice(self.units)
        person = self.people[unit_id]
        if kind == ContactKind.REPAIR:
            self.repair(by, when, channel, unit_id, person)
            return
        content, action = rng.choice(_TEXTS[kind])
        recent = self.now - when < timedelta(days=2)
        pending = recent and (rng.random() < 0.25 or not action)
        data = contacts.ContactCreate(
            channel=channel, kind=kind, content=content, unit_id=unit_id,
            person_name=person.name, phone=person.phone, action_taken=action,
            status=ContactStatus.PENDING if pending else ContactStatus.DONE)

        def log() -> None:
            contacts.log_contact(s, by=by, data=data, desk=DESK)
            self.counts["contacts"] += 1

        self.at(when, log)

    def repair(self, by: Any, when: datetime, channel: ContactChannel, unit_id: int,
               person: Occupant) -> None:
        rng, s = self.rng, self.session
        text, category, in_home = rng.choice(_REPAIRS)
        urgency = _pick(rng, ((WorkOrderUrgency.URGENT, 2), (WorkOrderUrgency.NORMAL, 6),
                              (WorkOrderUrgency.SCHEDULED, 2)))
        holder: dict[str, Any] = {}

        def log_and_order() -> None:
            contact = contacts.log_contact(s, by=by, desk=DESK, data=contacts.ContactCreate(
                channel=channel, kind=ContactKind.REPAIR, content=text, unit_id=unit_id,
                person_name=person.name, phone=person.phone, status=ContactStatus.PENDING))
            self.counts["contacts"] += 1
            data = wo.WorkOrderCreate(category, urgency, text,
                                      unit_id=unit_id if in_home else None,
                                      location="" if in_home else _PLACE.get(category, ""))
            holder["order"] = wo.create_work_order(s, by=by, contact_id=contact.id, data=data)
            self.counts["workorders"] += 1

        self.at(when, log_and_order)
        dispatch = when + timedelta(minutes=rng.randint(5, 60))
        hours = rng.uniform(26, 80) if rng.random() < 0.12 else rng.uniform(0.5, 3)
        done = dispatch + timedelta(hours=hours)
        visit = done + timedelta(hours=rng.uniform(2, 30))
        close = visit + timedelta(minutes=rng.randint(1, 30))
        engineer = "电梯维保公司" if category == WorkOrderCategory.LIFT else rng.choice(_ENGINEERS)
        result = rng.choice(_RESULTS)
        charge = rng.choice((2000, 3500, 5000)) if category == WorkOrderCategory.PAID_IN_HOME else 0
        score = rng.choices((5, 4, 3, 2), (55, 30, 10, 5))[0]
        comment = rng.choice(("", "维修及时", "师傅态度好", "希望下次更快"))
        visitor = self.staff["zhuanyuan"]

        def oid() -> int:
            return holder["order"].id

        self.at(dispatch, lambda: wo.dispatch_work_order(
            s, by=by, work_order_id=oid(), assignee=engineer) and None)
        self.at(done, lambda: wo.complete_work_order(
            s, by=by, work_order_id=oid(), result=result, charge_fen=charge) and None)
        self.at(visit, lambda: wo.record_return_visit(
            s, by=visitor, work_order_id=oid(), satisfaction=score, comment=comment) and None)
        self.at(close, lambda: wo.close_work_order(s, by=visitor, work_order_id=oid()) and None)


_PLACE = {
    WorkOrderCategory.LIFT: "5号楼2单元电梯",
    WorkOrderCategory.PUBLIC_AREA: "地下车库B区",
}
