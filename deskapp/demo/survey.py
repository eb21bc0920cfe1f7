"""Demo activity of the satisfaction survey: the last two half-year campaigns before the
demo's today, complete (distributed by building, forms entered over the collection
window, closed, report submitted), the opinions of the latest one turned into follow-up
items at every stage (awaiting the official answer, awaiting the reply, replied, one
escalated to the developer) — and, when today is within a month of the next campaign, that
campaign opened and waiting to be distributed.

Campaigns, distribution, closing, reports and follow-ups go through the services with the
clock frozen at each event's time, so their audit entries are what real use would produce.
The ~950 returned forms are bulk-inserted (one audit entry per campaign records the
import): entering them one by one through the service would add a minute to the build.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Building, Occupant, OccupantKind
from deskapp.db.models.survey import (
    SurveyAnswer,
    SurveyDistribution,
    SurveyFollowUp,
    SurveyResponse,
)
from deskapp.services import audit
from deskapp.services.demo import DemoSummary
from deskapp.services.survey import campaigns, distribution, followups, stats
from deskapp.services.survey import forms as survey_forms

ORDER = 60

# Per item code: how the owners of the demo site feel (weights of 1…5).
_MOOD: dict[str, tuple[int, ...]] = {
    "eng_repair_time": (3, 8, 22, 42, 25), "eng_service_time": (3, 7, 20, 43, 27),
    "sec_traffic": (4, 9, 20, 40, 27), "paid_home": (2, 6, 20, 44, 28),
    "cmp_timeliness": (2, 6, 18, 44, 30), "env_green": (1, 4, 14, 46, 35),
}
_DEFAULT_MOOD = (1, 2, 9, 45, 43)
_IMPROVE = ("地下车库照明不足，希望增加灯具", "电梯维修响应太慢", "晚上外来车辆乱停",
            "楼道有小广告，清理不及时", "报修后维修师傅上门时间不准时", "小区绿化带有枯死的树木")
_ADD = ("希望增加快递代收服务", "建议增设电动车充电桩", "希望提供家政保洁预约", "增加便民维修工具借用")
_OTHER = ("前台服务态度很好，谢谢", "希望物业费收缴更透明", "希望多组织社区活动")
_ANSWERS = ("项目经理已安排整改，已完成", "已增加巡查频次，问题已解决")


def _at(day: date, hour: int, rng: random.Random) -> datetime:
    return datetime.combine(day, time(hour, rng.randrange(60)))


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    boss = summary.staff_member(session, "zhuguan")
    cs = summary.staff_member(session, "zhuanyuan")
    desks = [summary.staff_member(session, "qiantai1"), summary.staff_member(session, "qiantai2")]
    # The last two campaigns whose collection ended before today.
    halves: list[tuple[int, int]] = []
    year, half = today.year, 2 if today.month == 12 else 1
    while len(halves) < 2:
        plan = campaigns.plan_dates(year, half)
        if plan.statistics_due < today:
            halves.append((year, half))
        year, half = (year, half - 1) if half == 2 else (year - 1, 2)
    older, latest = halves[1], halves[0]
    created = [_campaign(session, rng, older, today, boss, desks),
               _campaign(session, rng, latest, today, boss, desks)]
    summary.extra["survey_campaigns"] = len(created)
    summary.extra["survey_forms"] = sum(n for _, n in created)
    summary.extra["survey_followups"] = _followups(session, rng, created[-1][0], today, cs,
                                                   desks)
    # The next campaign, opened ahead when it is less than a month away.
    next_half = (latest[0], 2) if latest[1] == 1 else (latest[0] + 1, 1)
    if campaigns.plan_dates(*next_half).distribution - today <= timedelta(days=31):
        with clock.freeze(_at(today - timedelta(days=1), 16, rng)):
            campaigns.open_campaign(session, by=boss, year=next_half[0], half=next_half[1])
        summary.extra["survey_campaigns"] += 1


def _campaign(session: Session, rng: random.Random, which: tuple[int, int], today: date,
              boss, desks):  # type: ignore[no-untyped-def]
    year, half = which
    plan = campaigns.plan_dates(year, half)
    with clock.freeze(_at(plan.distribution - timedelta(days=7), 10, rng)):
        campaign = campaigns.open_campaign(session, by=boss, year=year, half=half)
    cid = campaign.id
    with clock.freeze(_at(plan.distribution, 9, rng)):
        distribution.exclude_vacant(session, by=desks[0], campaign_id=cid, reason="空置")
    for n, building in enumerate(session.exec(select(Building).order_by(Building.sort))
                                 .scalars()):
        ids = distribution.units_of(session, building_id=building.id)
        skip = {u for u in ids if rng.random() < 0.025}  # nobody home, refused …
        day = plan.distribution + timedelta(days=n // 4)
        with clock.freeze(_at(day, 10 + n % 6, rng)):
            distribution.distribute(session, by=desks[n % 2], campaign_id=cid,
                                    unit_ids=[u for u in ids if u not in skip], on=day)
    items = survey_forms.form_items(session, campaign.form_id)
    distributed = set(session.exec(select(SurveyDistribution.unit_id).where(
        SurveyDistribution.campaign_id == cid,
        SurveyDistribution.active == True)).scalars())  # noqa: E712
    owners = {u: (name, phone) for u, name, phone in session.exec(
        select(Occupant.unit_id, Occupant.name, Occupant.phone).where(
            Occupant.kind == OccupantKind.OWNER, Occupant.active == True)  # noqa: E712
        .order_by(Occupant.id.desc())).all()}
    back = [u for u in sorted(distributed) if u in owners and rng.random() < 0.965]
    window = (plan.collection_deadline - plan.distribution).days
    rows = []
    for k, unit_id in enumerate(back):
        day = min(plan.distribution + timedelta(days=1 + rng.randrange(window)),
                  plan.collection_deadline)
        scores = [rng.choices((1, 2, 3, 4, 5), _MOOD.get(i.code, _DEFAULT_MOOD))[0]
                  if rng.random() < 0.96 else None for i in items]
        texts = {"improve": rng.choice(_IMPROVE) if rng.random() < 0.08 else "",
                 "add_services": rng.choice(_ADD) if rng.random() < 0.05 else "",
                 "other": rng.choice(_OTHER) if rng.random() < 0.04 else ""}
        name, phone = owners[unit_id]
        at = _at(day + timedelta(days=1), 9 + k % 8, rng)
        rows.append((unit_id, name, phone or "13800000000", day, texts, scores, at,
                     desks[k % 2].id))
    if rows:
        _bulk_forms(session, cid, items, rows)
        audit.record(session, by=boss, action="survey.demo_import", entity="survey_campaign",
                     entity_id=cid, detail={"forms": len(rows)})
    with clock.freeze(_at(plan.collection_deadline, 17, rng)):
        campaigns.close_collection(session, by=boss, campaign_id=cid)
    if plan.report_due < today:
        with clock.freeze(_at(plan.report_due - timedelta(days=rng.randrange(3, 10)), 15, rng)):
            campaigns.mark_reported(session, by=boss, campaign_id=cid)
    return campaign, len(rows)


def _bulk_forms(session: Session, cid: int, items, rows) -> None:  # type: ignore[no-untyped-def]
    """The paper forms typed in: two Core executemany statements on the session's
    connection (the ORM's insert path per form was most of this module's time)."""
    session.flush()
    conn = session.connection()
    responses, answers = SurveyResponse.__table__, SurveyAnswer.__table__
    forms, answered = [], []
    for unit_id, name, phone, day, texts, scores, at, by_id in rows:
        pairs = [(i.id, s) for i, s in zip(items, scores, strict=True) if s is not None]
        answered.append(pairs)
        forms.append({"campaign_id": cid, "unit_id": unit_id, "status": "valid",
                      "respondent_name": name, "respondent_phone": phone, "filled_on": day,
                      "answered": len(pairs), "entered_by_id": by_id, "entered_at": at,
                      "void_reason": "", **texts})
    if not forms:
        return
    # every form has the same keys (texts: the same opinion columns for every row)
    ids = conn.execute(insert(responses).returning(responses.c.id,
                                                   sort_by_parameter_order=True),
                       forms).scalars().all()
    rows_out = [{"response_id": rid, "item_id": i, "score": s}
                for rid, pairs in zip(ids, answered, strict=True) for i, s in pairs]
    if rows_out:
        conn.execute(insert(answers), rows_out)


def _followups(session: Session, rng: random.Random, campaign, today: date, cs,
               desks) -> int:  # type: ignore[no-untyped-def]
    grouped = stats.opinions(session, campaign.id)
    ops = [o for q in grouped.values() for o in q if "谢谢" not in o.text]
    made = 0
    start = campaign.statistics_due
    for n, op in enumerate(ops):
        department = ("工程部" if any(w in op.text for w in ("电梯", "维修", "照明", "灯"))
                      else "安保部" if "车" in op.text else
                      "环境部" if any(w in op.text for w in ("绿化", "清理", "树")) else
                      "综合管理部" if "充电桩" in op.text else "客服部")
        with clock.freeze(_at(start + timedelta(days=n % 5), 10, rng)):
            item = followups.create_followup(session, by=desks[n % 2], response_id=op.response_id,
                                             question=op.question, department=department)
        made += 1
        stage = n % 5
        if "充电桩" in op.text:
            with clock.freeze(_at(start + timedelta(days=6), 11, rng)):
                followups.set_scope(session, by=cs, followup_id=item.id, scope="escalated",
                                    department="综合管理部")
            continue  # escalated to the developer: still awaiting the official answer
        if stage == 0:
            continue  # awaiting the official answer
        answered_on = min(start + timedelta(days=7 + n % 10), today - timedelta(days=1))
        with clock.freeze(_at(answered_on, 14, rng)):
            followups.record_answer(session, by=cs, followup_id=item.id,
                                    answer=rng.choice(_ANSWERS))
        if stage == 1:
            continue  # answered, the owner still to be told
        with clock.freeze(_at(min(answered_on + timedelta(days=2), today), 10, rng)):
            followups.record_reply(session, by=desks[n % 2], followup_id=item.id,
                                   reply="已电话告知业主整改结果，业主表示认可",
                                   channel="phone" if n % 3 else "visit")
    assert session.execute(select(SurveyFollowUp.id)).first() is not None or not ops
    return made
