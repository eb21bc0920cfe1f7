"""Demo activity of the customer file (issue #20): tenants who moved out, family members
and emergency contacts added, a few sales, incidents of the last two months (one still
open today, red in the handover) and authorised collectors for unit keys held in trust —
all through the services, at the times they would have happened."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind
from deskapp.db.models.registers import KeyCategory, KeyItem
from deskapp.errors import DeskError
from deskapp.services.customer import incidents, occupants, trust_keys
from deskapp.services.demo import DemoSummary, random_mobile, random_name

ORDER = 120  # after the registers (their unit keys), before the cashier's closes

INCIDENTS = (
    ("lift", "{b}号楼{e}单元电梯", "电梯困人 2 人", ("通知电梯维保", "维保到场，乘客解救")),
    ("leak", "{b}号楼地下车库", "顶板渗水", ("关闭分区阀门", "工程部维修管道")),
    ("power", "{b}号楼", "整栋停电", ("联系供电局", "切换备用电源")),
    ("water", "{b}号楼高区", "高区停水", ("检查二次供水泵", "更换水泵压力开关")),
    ("fire", "{b}号楼{e}单元", "烟感报警", ("秩序部到场确认", "确认为厨房油烟，复位")),
    ("injury", "中心花园", "老人滑倒", ("送医并联系家属", "清理地面积水，设警示牌")),
)


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    desk = [summary.staff_member(session, "qiantai1"), summary.staff_member(session, "qiantai2")]
    counts = {"moved_out": 0, "added": 0, "sales": 0, "incidents": 0, "trust_collectors": 0}

    def when(days_ago: int, hour: int = 10) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hour, rng.randrange(60)))

    tenants = list(session.execute(select(Occupant).where(
        Occupant.kind == OccupantKind.TENANT, Occupant.active == True)  # noqa: E712
        .order_by(Occupant.id)).scalars())
    for occ in rng.sample(tenants, min(6, len(tenants))):
        day = today - timedelta(days=rng.randrange(5, 50))
        with clock.freeze(datetime.combine(day, time(11, 0))):
            try:
                occupants.move_out(session, by=rng.choice(desk), occupant_id=occ.id or 0,
                                   moved_out=day)
                counts["moved_out"] += 1
            except DeskError:
                pass
    units = list(summary.occupied_unit_ids)
    for unit_id in rng.sample(units, min(12, len(units))):
        kind = rng.choice((OccupantKind.FAMILY, OccupantKind.EMERGENCY, OccupantKind.CO_OWNER))
        day = today - timedelta(days=rng.randrange(1, 60))
        with clock.freeze(datetime.combine(day, time(15, 0))):
            try:
                occupants.add(session, by=rng.choice(desk), unit_id=unit_id, kind=kind,
                              name=random_name(rng)[0], phone=random_mobile(rng), moved_in=day)
                counts["added"] += 1
            except DeskError:
                pass
    for unit_id in rng.sample(units, min(3, len(units))):
        day = today - timedelta(days=rng.randrange(10, 80))
        with clock.freeze(datetime.combine(day, time(14, 0))):
            try:
                occupants.transfer(session, by=rng.choice(desk), unit_id=unit_id,
                                   transfer_date=day, name=random_name(rng)[0],
                                   phone=random_mobile(rng), note="房产证过户完成")
                counts["sales"] += 1
            except DeskError:
                pass
    times = sorted(when(rng.randrange(1, 60), 9) for _ in range(9))
    times.append(datetime.combine(today, time(8, 40)))  # today's, still open
    for n, at in enumerate(times):
        kind, place, summary_text, actions = rng.choice(INCIDENTS)
        last = n == len(times) - 1
        place = place.format(b=rng.randrange(1, 9), e=rng.randrange(1, 3))
        with clock.freeze(at + timedelta(minutes=40)):
            try:
                inc = incidents.log(session, by=rng.choice(desk), kind=kind, occurred_at=at,
                                    place=place, reporter=random_name(rng)[0],
                                    reporter_phone=random_mobile(rng), told="王经理",
                                    told_at=at + timedelta(minutes=2), summary=summary_text)
                incidents.add_action(session, by=rng.choice(desk), incident_id=inc.id or 0,
                                     text=actions[0],
                                     at=at + timedelta(minutes=rng.randrange(3, 25)))
                counts["incidents"] += 1
            except DeskError:
                continue
        if last:
            continue
        with clock.freeze(at + timedelta(hours=3)):
            incidents.close(session, by=rng.choice(desk), incident_id=inc.id or 0,
                            closure=actions[1], at=at + timedelta(hours=2))
    unit_keys = list(session.execute(select(KeyItem).where(
        KeyItem.category == KeyCategory.UNIT, KeyItem.active == True)  # noqa: E712
        .order_by(KeyItem.id)).scalars())
    for item in unit_keys[:4]:
        for _ in range(rng.randrange(1, 3)):
            try:
                trust_keys.add_collector(session, by=rng.choice(desk), key_item_id=item.id,
                                         name=random_name(rng)[0], phone=random_mobile(rng),
                                         note="业主书面授权")
                counts["trust_collectors"] += 1
            except DeskError:
                pass
    summary.extra.update({f"customer_{k}": v for k, v in counts.items()})
