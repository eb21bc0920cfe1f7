"""Demo complaints and visits: about two months of complaints at the desk, driven through
the real services step by step (so every timeline, number and audit entry is genuine):
most archived after a satisfied return visit, some invalid, one sent back after an
unsatisfied visit, a few still open at every step, two overdue, one major escalated to the
director; plus scheduled visits and walk-arounds with opinions, one problem still waiting
for the department's rectification result."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from deskapp import clock
from deskapp.db.models.complaints import ContactChannel
from deskapp.services import units
from deskapp.services.complaints import intake, overdue, workflow
from deskapp.services.complaints import visits as vs
from deskapp.services.demo import DemoSummary

ORDER = 120

#: (category, content, request, complained-about department, responsible department,
#:  findings, solution)
_CASES = (
    ("service", "楼上住户装修晚上十点后仍在施工，噪音很大", "要求夜间停止施工", "security",
     "security", "装修队超时施工，巡逻未及时制止", "通知装修队晚八点后停工，夜班加强巡查"),
    ("service", "地下车库B2区漏水，车顶被滴脏", "要求尽快维修并清洗车辆", "engineering",
     "engineering", "排水管接口老化渗漏", "更换接口，并安排免费洗车一次"),
    ("service", "楼道垃圾两天没有清运，有异味", "要求按时清运", "environment", "environment",
     "保洁员请假，替班未到位", "调整排班，每日上下午各清运一次"),
    ("service", "电梯经常停在18楼不动，等待时间长", "要求检修电梯", "engineering",
     "engineering", "电梯控制板故障", "联系维保单位更换控制板"),
    ("service", "小区绿化带有人种菜，影响环境", "要求清理", "environment", "environment",
     "个别业主私自种植", "上门劝导并恢复绿化"),
    ("service", "门岗保安态度生硬，不让快递车进入", "要求改善服务态度", "security",
     "security", "保安未按新规定放行快递车", "培训门岗人员，明确快递车登记放行流程"),
    ("fees", "物业费账单面积与房产证不一致", "要求核对面积并退还多收费用", "finance", "finance",
     "系统录入面积有误", "按房产证面积重新计费，多收部分抵扣下期"),
    ("fees", "停车费涨价没有提前通知", "要求解释收费依据", "finance", "finance",
     "调价公示张贴位置不明显", "上门解释收费依据，公示补贴到各单元"),
    ("culture", "中秋活动报名名额太少，没报上", "希望增加名额", "customer_service",
     "customer_service", "场地容量限制", "增加一场活动，优先安排未报上的业主"),
    ("emergency", "夜间停电没有任何通知，家里冰箱食物坏了", "要求说明原因", "engineering",
     "engineering", "供电公司线路检修，未及时转告", "建立停电通知群，今后提前通知"),
    ("service", "宠物狗在电梯里便溺无人清理", "要求加强管理", "environment", "environment",
     "个别业主不文明养犬", "电梯张贴文明养犬提示，保洁增加巡查"),
    ("service", "单元门禁坏了三天没人修", "要求尽快修好", "engineering", "engineering",
     "门禁电源故障，配件待采购", "临时安排人员值守，配件到货后更换"),
)
_INVALID = (
    ("service", "小区外市政道路施工噪音大", "非物业服务范围，属市政工程"),
    ("fees", "要求物业承担自家装修垃圾清运费", "装修垃圾清运费按规定由业主承担"),
)
_OPINIONS = (
    ("cleaning", "楼道窗户很久没擦了", "department", "environment"),
    ("security", "晚上外来车辆较多", "answered", "已加强夜间车辆登记"),
    ("facilities", "健身器材有一台坏了", "department", "engineering"),
    ("attitude", "前台服务热情，值得表扬", "answered", "感谢您的肯定"),
    ("convenience", "希望增加快递柜", "answered", "已列入明年改造计划"),
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _office(at: datetime) -> datetime:
    """Move a step that would fall outside 08:00–20:00 to the next morning."""
    if at.hour >= 20:
        return _at(at.date() + timedelta(days=1), 8, at.minute)
    if at.hour < 8:
        return _at(at.date(), 8, at.minute)
    return at


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    desk = [summary.staff_member(session, login) for login in ("qiantai1", "qiantai2")]
    specialist = summary.staff_member(session, "zhuanyuan")
    supervisor = summary.staff_member(session, "zhuguan")
    occupied = summary.occupied_unit_ids
    made = {"complaints": 0, "archived": 0, "visits": 0}

    def step(when: datetime, fn, **kw):  # type: ignore[no-untyped-def]
        with clock.freeze(when):
            return fn(session, **kw)

    def register(when: datetime, case: tuple[str, ...], *, major: bool = False,
                 escalate_to: str = "supervisor"):  # type: ignore[no-untyped-def]
        unit_id = rng.choice(occupied)
        hit = next((h for h in units.search_units(session, units.get_unit(session, unit_id).code,
                                                  limit=5) if h.unit_id == unit_id), None)
        by = rng.choice(desk + [specialist])
        data = intake.ComplaintCreate(
            complainant_name=(hit.occupant_name if hit and hit.occupant_name else "业主"),
            complainant_phone=hit.phone if hit else "", unit_id=unit_id,
            content=case[1], request=case[2] if len(case) > 2 else "",
            target_department=case[3] if len(case) > 3 else "",
            channel=rng.choice([ContactChannel.PHONE] * 3 + [ContactChannel.WALK_IN] * 2
                               + [ContactChannel.VIA_STAFF]),
            category_code=case[0], major=major, escalate_to=escalate_to,
            owner_id=specialist.id, heard=True, asked=True, recorded=True)
        made["complaints"] += 1
        return step(when, intake.create_complaint, by=by, data=data)

    def handle(c, start: datetime, case: tuple[str, ...], *, upto: str,  # type: ignore[no-untyped-def]
               unsatisfied_first: bool = False) -> None:
        t = _office(start + timedelta(minutes=rng.randrange(20, 240)))
        order = ("classify", "investigate", "responsible", "solution", "reply", "visit",
                 "archive")
        latest = _at(today, 8, 0)  # never after the start of the demo's today
        for name in order[: order.index(upto) + 1]:
            t = min(t, latest)
            if name == "classify":
                step(t, workflow.classify, by=specialist, complaint_id=c.id, valid=True)
            elif name == "investigate":
                step(t, workflow.investigate, by=specialist, complaint_id=c.id, findings=case[5])
            elif name == "responsible":
                step(t, workflow.fix_responsible, by=specialist, complaint_id=c.id,
                     department=case[4])
            elif name == "solution":
                step(t, workflow.record_solution, by=specialist, complaint_id=c.id, solution=case[6])
            elif name == "reply":
                step(t, workflow.reply, by=specialist, complaint_id=c.id, method="phone",
                     text=f"已告知处理方案：{case[6]}")
            elif name == "visit":
                if unsatisfied_first:
                    step(t, workflow.record_return_visit, by=specialist, complaint_id=c.id,
                         satisfied=False, score=2, note="问题反复出现")
                    t = _office(t + timedelta(hours=rng.randrange(2, 8)))
                    step(t, workflow.record_solution, by=specialist, complaint_id=c.id,
                         solution=case[6] + "，并安排专人复查")
                    step(t, workflow.reply, by=specialist, complaint_id=c.id, method="visit",
                         text="上门说明复查安排")
                    t = _office(t + timedelta(hours=rng.randrange(4, 20)))
                score = rng.choice((5, 5, 4, 4, 4, 3))
                step(t, workflow.record_return_visit, by=specialist, complaint_id=c.id,
                     satisfied=True, score=score, method="phone")
                made["visits"] += 1
            elif name == "archive":
                step(t, workflow.archive, by=specialist, complaint_id=c.id, summary="已按方案落实")
                made["archived"] += 1
            t = _office(t + timedelta(minutes=rng.randrange(30, 12 * 60)))

    # Archived complaints over the past two months.
    day = today - timedelta(days=60)
    n = 0
    while day < today - timedelta(days=6):
        case = _CASES[n % len(_CASES)]
        c = register(_at(day, rng.randrange(8, 19), rng.choice((0, 10, 25, 40))), case)
        handle(c, c.received_at, case, upto="archive", unsatisfied_first=(n == 5))
        n += 1
        day += timedelta(days=rng.randrange(1, 4))
    # Invalid ones: replied with the reason and archived.
    for i, (cat, content, reason) in enumerate(_INVALID):
        when = _at(today - timedelta(days=20 + 9 * i), 10, 15)
        c = register(when, (cat, content))
        step(when + timedelta(minutes=40), workflow.classify, by=specialist, complaint_id=c.id,
             valid=False, reason=reason)
        step(when + timedelta(hours=1), workflow.reply, by=specialist, complaint_id=c.id,
             method="phone", text=reason)
        step(when + timedelta(hours=2), workflow.archive, by=specialist, complaint_id=c.id)
    # Open ones at every step, registered in the last two days (within their deadlines).
    for i, upto in enumerate(("reply", "solution", "responsible", "investigate", "classify")):
        case = _CASES[(n + i) % len(_CASES)]
        when = _at(today - timedelta(days=2 if i < 3 else 1), 9 + 2 * i, 30)
        c = register(when, case)
        handle(c, when, case, upto=upto)
    # Waiting for classification; two of them overdue by now; one major to the director.
    register(_at(today - timedelta(days=2), 16, 0), _CASES[2])
    register(_at(today - timedelta(days=1), 21, 30), _CASES[9])  # emergency: 1 h → overdue
    register(_at(today - timedelta(days=1), 11, 0), _CASES[3], major=True,
             escalate_to="director")
    with clock.freeze(_at(today - timedelta(days=1), 23, 0)):
        overdue.escalate_overdue(session)

    # Visits and walk-arounds with opinions.
    for i in range(6):
        when = _at(today - timedelta(days=40 - 7 * i), 15, 0)
        unit_id = rng.choice(occupied)
        hit = next((h for h in units.search_units(session, units.get_unit(session, unit_id).code,
                                                  limit=5) if h.unit_id == unit_id), None)
        topic, text, handling, extra = _OPINIONS[i % len(_OPINIONS)]
        opinion = vs.OpinionCreate(topic=topic, text=text, handling=handling,
                                   answer=extra if handling == "answered" else "",
                                   department=extra if handling == "department" else "")
        visit = step(when, vs.record_visit, by=rng.choice([specialist, supervisor]),
                     data=vs.VisitCreate(
                         kind="scheduled" if i % 2 else "walkaround",
                         person_name=hit.occupant_name if hit and hit.occupant_name else "业主",
                         phone=hit.phone if hit else "", unit_id=unit_id,
                         ratings={"security": rng.choice((3, 4, 5)),
                                  "cleaning": rng.choice((3, 4, 5)),
                                  "attitude": rng.choice((4, 5)),
                                  "overall": rng.choice((3, 4, 5))},
                         opinions=[opinion]))
        made["visits"] += 1
        if handling == "department" and i < 4:
            opinion_id = vs.opinions_of(session, visit.id)[0].id
            step(when + timedelta(days=2), vs.record_rectification, by=specialist,
                 opinion_id=opinion_id, result="已整改完毕，前台已回访确认")
    summary.extra["complaints"] = made["complaints"]
    summary.extra["complaints_archived"] = made["archived"]
    summary.extra["visits"] = made["visits"]
