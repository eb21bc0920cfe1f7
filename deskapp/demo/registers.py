"""Demo activity of the front-desk registers: six weeks of visitors, key and radio
check-outs, lending, parcels, lost property and goods passes, with today's open items
(visitors inside, a radio overdue, parcels waiting, a pass to be used) — all made through
the services, at the times they would have happened, so the audit log reads true."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import OccupantKind
from deskapp.db.models.registers import KeyCategory, NotifyMethod, ParcelKind, ReturnCondition
from deskapp.errors import DeskError
from deskapp.services import units
from deskapp.services.demo import DemoSummary, random_mobile, random_name
from deskapp.services.registers import goods, keys, lending, lost, parcels, visitors

DAYS = 42
PURPOSES = ("探亲访友", "送货", "维修上门", "家政服务", "看房", "送文件", "商务洽谈", "面试",
            "快递上门", "装修监理")
PLACES = ("1号楼大堂", "3号楼电梯", "地下车库B1", "中心花园", "健身房", "商业裙楼门口", "2号楼信报箱",
          "会所", "儿童游乐区")
FOUND = ("黑色钱包", "钥匙串（3把）", "蓝色雨伞", "儿童水壶", "工牌", "耳机", "眼镜盒", "手机",
         "帽子", "U盘", "购物袋（衣物）")
GOODS = ("沙发 1件", "纸箱 6箱", "冰箱 1台", "电视机 1台", "床垫 1张", "衣柜 1件", "书柜 1件",
         "洗衣机 1台", "餐桌 1张", "办公椅 4把", "电脑 2台", "文件柜 2个")
ORGS = ("工程部", "秩序部", "保洁部", "绿化外包", "电梯维保公司", "消防维保公司")
PLANT = (("K-PD", "配电房钥匙"), ("K-SB", "水泵房钥匙"), ("K-XF", "消防控制室钥匙"),
         ("K-DT", "电梯机房钥匙"), ("K-TT", "天台门钥匙"))
PUBLIC = (("K-HY", "会议室钥匙"), ("K-HD", "活动室钥匙"), ("K-JS", "健身房钥匙"))


def _at(day: date, rng: random.Random, start: int = 8, end: int = 20) -> datetime:
    """A time on ``day`` between the hours ``start`` and ``end``; early in the day (``end``
    before ``start``: today's demo built before 09:00) the hour just before ``end``."""
    if end <= start:
        start = max(0, end - 1)
        end = start + 1
    return datetime.combine(day, time(rng.randrange(start, end), rng.randrange(60)))


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    desk = [summary.staff_member(session, "qiantai1"), summary.staff_member(session, "qiantai2")]
    boss = summary.staff_member(session, "zhuguan")
    occupied = summary.occupied_unit_ids
    counts = {"visitors": 0, "key_loans": 0, "loans": 0, "parcels": 0, "lost_items": 0,
              "goods_passes": 0}
    real_now = clock.now()
    now_today = real_now if real_now.date() == today and real_now.hour >= 9 else \
        datetime.combine(today, time(10, 30))

    def who() -> object:
        return rng.choice(desk)

    occupants: dict[int, list] = {}  # nobody moves in or out during these weeks

    def resident(unit_id: int) -> tuple[str, str, OccupantKind]:
        if unit_id not in occupants:
            occupants[unit_id] = units.occupants_of(session, unit_id)
        occs = occupants[unit_id]
        occ = rng.choice(occs)
        return occ.name, occ.phone, occ.kind

    start = today - timedelta(days=DAYS)
    with clock.freeze(datetime.combine(start, time(8, 0))):
        items = []
        for n in range(1, 9):
            items.append(keys.add_item(session, by=boss, code=f"R-{n:02d}",
                                       name=f"对讲机{n}号", category=KeyCategory.RADIO,
                                       location="充电座"))
        for code, name in PLANT:
            items.append(keys.add_item(session, by=boss, code=code, name=name,
                                       category=KeyCategory.PLANT, location="钥匙柜A"))
        for code, name in PUBLIC:
            items.append(keys.add_item(session, by=boss, code=code, name=name,
                                       category=KeyCategory.PUBLIC, location="钥匙柜B"))
        for unit_id in rng.sample(occupied, 6):
            code = units.get_unit(session, unit_id).code
            items.append(keys.add_item(session, by=boss, code=f"K-{code}", name=f"{code}托管钥匙",
                                       category=KeyCategory.UNIT, unit_id=unit_id,
                                       location="托管柜"))
        lending.load_default_kinds(session, by=boss)
        kinds = lending.kinds(session)

    def at(moment: datetime):  # noqa: ANN202
        return clock.freeze(moment)

    for offset in range(DAYS, -1, -1):
        day = today - timedelta(days=offset)
        is_today = offset == 0
        latest = max(9, min(now_today.hour, 20)) if is_today else 20

        # visitors: in, and (unless still inside today) out a little later
        for _ in range(rng.randrange(4, 12) if not is_today else 5):
            moment = _at(day, rng, 8, latest)
            unit_id = rng.choice(occupied)
            name, _ = random_name(rng)
            card = f"L{rng.randrange(1, 40):02d}" if rng.random() < 0.3 else ""
            if card and visitors.card_out(session, card) is not None:
                card = ""
            with at(moment):
                v = visitors.register_visitor(
                    session, by=who(), name=name, phone_no=random_mobile(rng), unit_id=unit_id,
                    host=resident(unit_id)[0], purpose=rng.choice(PURPOSES),
                    people=rng.choice((1, 1, 1, 2, 3)), card_no=card)
            counts["visitors"] += 1
            if is_today and moment > now_today - timedelta(hours=2):
                continue  # still inside
            with at(moment + timedelta(minutes=rng.randrange(15, 180))):
                visitors.sign_out_visitor(session, by=who(), visitor_id=v.id,
                                          card_returned=True if v.card_no else None)

        # keys and radios
        for _ in range(rng.randrange(1, 4)):
            item = rng.choice(items)
            if keys.current_loan(session, item.id) is not None:
                continue
            moment = _at(day, rng, 8, latest)
            name, _ = random_name(rng)
            with at(moment):
                loan = keys.check_out(session, by=who(), code=item.code, holder=name,
                                      holder_org=rng.choice(ORGS), purpose="巡查/维修",
                                      due=rng.choice(("2h", "4h", "17:30")))
            counts["key_loans"] += 1
            if is_today and rng.random() < 0.7:
                continue
            with at(moment + timedelta(hours=rng.choice((1, 2, 3, 5)))):
                keys.return_item(session, by=who(), loan_id=loan.id,
                                 condition=ReturnCondition.GOOD)

        # convenience lending
        for _ in range(rng.randrange(0, 4)):
            kind = rng.choice(kinds)
            moment = _at(day, rng, 8, latest)
            unit_id = rng.choice(occupied)
            borrower = resident(unit_id)[0]
            try:
                with at(moment):
                    loan = lending.lend(session, by=who(), kind_id=kind.id, qty=1,
                                        borrower=borrower, unit_id=unit_id)
            except DeskError:
                continue  # none on hand
            counts["loans"] += 1
            if offset <= 1 and rng.random() < 0.6:
                continue
            with at(moment + timedelta(hours=rng.randrange(1, kind.default_hours + 6))):
                lending.return_loan(session, by=who(), loan_id=loan.id)

        # parcels and mail
        for _ in range(rng.randrange(10, 25) if not is_today else 8):
            moment = _at(day, rng, 9, latest)
            unit_id = rng.choice(occupied)
            name, phone, _kind = resident(unit_id)
            kind = ParcelKind.PARCEL if rng.random() < 0.85 else ParcelKind.LETTER
            carrier = rng.choice(parcels.CARRIERS) if kind == ParcelKind.PARCEL else ""
            prefix = {"顺丰": "SF", "京东": "JD", "邮政EMS": "E", "圆通": "YT"}.get(carrier, "")
            number = f"{prefix}{rng.randrange(10**11, 10**12)}" if carrier else ""
            with at(moment):
                p = parcels.receive(session, by=who(), recipient=name, unit_id=unit_id,
                                    kind=kind, carrier=carrier, tracking_no=number,
                                    shelf=f"{rng.choice('ABCD')}-{rng.randrange(1, 6)}")
            counts["parcels"] += 1
            if rng.random() < 0.8:
                with at(moment + timedelta(minutes=rng.randrange(5, 60))):
                    parcels.notify(session, by=who(), parcel_id=p.id,
                                   method=rng.choice(list(NotifyMethod)))
            if offset <= 2 and rng.random() < 0.7:
                continue  # waiting
            with at(moment + timedelta(hours=rng.randrange(2, 40))):
                parcels.hand_over(session, by=who(), parcel_id=p.id, collected_by=name,
                                  delivered=rng.random() < 0.1)

        # lost and found
        if rng.random() < 0.3:
            moment = _at(day, rng, 8, latest)
            finder, _ = random_name(rng)
            with at(moment):
                item = lost.register_found(session, by=who(), description=rng.choice(FOUND),
                                           found_place=rng.choice(PLACES), finder=finder,
                                           storage=f"前台柜{rng.randrange(1, 4)}",
                                           hold_days=rng.choice((30, 90)))
            counts["lost_items"] += 1
            if rng.random() < 0.6 and offset > 2:
                unit_id = rng.choice(occupied)
                name, phone, _ = resident(unit_id)
                with at(moment + timedelta(days=rng.randrange(0, 3), hours=2)):
                    lost.claim(session, by=who(), item_id=item.id, claimant=name,
                               claimant_phone=phone)

        # goods release passes
        if rng.random() < 0.5 or is_today:
            unit_id = rng.choice(occupied)
            name, phone, kind = resident(unit_id)
            moment = _at(day, rng, 8, latest)
            with at(moment):
                g = goods.issue(session, by=who(), unit_id=unit_id, applicant=name,
                                applicant_kind=kind, applicant_phone=phone,
                                consent_note="业主电话确认同意" if kind == OccupantKind.TENANT
                                else "",
                                items="、".join(rng.sample(GOODS, rng.randrange(1, 4))),
                                plate_no=f"豫C{rng.randrange(10000, 99999)}",
                                acknowledge_warnings=True)
            counts["goods_passes"] += 1
            if not is_today:
                with at(moment + timedelta(hours=rng.randrange(1, 5))):
                    goods.mark_used(session, by=who(), pass_id=g.id, guard="门岗")
    summary.extra.update({f"registers_{k}": v for k, v in counts.items()})
