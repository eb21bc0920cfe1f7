"""Survey figures: 529 units × 10 half-year campaigns (five years), bulk-loaded into a
scratch database — ~97% of units given a form, ~95% of those returned with 22 ratings —
then the timings of fast entry, progress, statistics, the report and the lists."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from deskapp import clock
from deskapp.bench import BenchContext, Figure, measure
from deskapp.db import migrate
from deskapp.db.engine import Database
from deskapp.db.models import Role, Unit
from deskapp.db.models.survey import (
    CampaignStatus,
    SurveyAnswer,
    SurveyCampaign,
    SurveyDistribution,
    SurveyResponse,
)
from deskapp.services.demo import build_synthetic_site
from deskapp.services.listing import ListQuery
from deskapp.services.staff import create_staff
from deskapp.services.survey import campaigns as survey_campaigns
from deskapp.services.survey import forms, rates, stats
from deskapp.services.survey import responses as survey_responses
from deskapp.services.survey.lists import ResponseSource, UnitStateSource, building_choices
from deskapp.services.survey.report import build_report, render_text

UNITS = 529
CAMPAIGNS = 10
WEIGHTS = (2, 4, 14, 45, 35)  # how often 1…5 is given


def _load(db: Database, n_units: int, n_campaigns: int, rng: random.Random):  # type: ignore[no-untyped-def]
    with db.write() as session:
        boss = create_staff(session, by=None, login="boss", name="王主管", role=Role.SUPERVISOR,
                            password="bench123")
        desk = create_staff(session, by=boss, login="desk", name="张前台",
                            role=Role.RECEPTIONIST, password="bench123")
        build_synthetic_site(session, units=n_units, seed=7)
    with db.read() as session:
        unit_ids = list(session.execute(select(Unit.id).order_by(Unit.id)).scalars())
    start = time.perf_counter()
    answers = 0
    campaigns = []
    first_year = 2026 - n_campaigns // 2
    for n in range(n_campaigns):
        year, half = first_year + n // 2, n % 2 + 1
        with db.write() as session:
            with clock.freeze(datetime(year, 6 if half == 1 else 12, 10, 9, 0)):
                campaign = survey_campaigns.open_campaign(session, by=boss, year=year, half=half)
            items = [i.id for i in forms.form_items(session, campaign.form_id)]
            at = datetime.combine(campaign.distribution_date, datetime.min.time())
            given = [u for u in unit_ids if rng.random() < 0.97]
            session.execute(insert(SurveyDistribution), [
                {"campaign_id": campaign.id, "unit_id": u, "distributed_on":
                 campaign.distribution_date, "by_id": desk.id, "at": at, "active": True,
                 "cancel_reason": ""} for u in given])
            last = n == n_campaigns - 1
            back = [u for u in given if rng.random() < (0.6 if last else 0.95)]
            session.execute(insert(SurveyResponse), [
                {"campaign_id": campaign.id, "unit_id": u, "status": "valid",
                 "respondent_name": "业主", "respondent_phone": "13800000000",
                 "filled_on": campaign.distribution_date + timedelta(days=3),
                 "improve": "楼道照明需要改进" if rng.random() < 0.1 else "",
                 "add_services": "", "other": "", "answered": len(items),
                 "entered_by_id": desk.id, "entered_at": at + timedelta(days=5, minutes=k),
                 "void_reason": ""} for k, u in enumerate(back)])
            ids = list(session.execute(select(SurveyResponse.id).where(
                SurveyResponse.campaign_id == campaign.id)).scalars())
            rows = [{"response_id": r, "item_id": i,
                     "score": rng.choices((1, 2, 3, 4, 5), WEIGHTS)[0]}
                    for r in ids for i in items if rng.random() < 0.97]
            session.execute(insert(SurveyAnswer), rows)
            answers += len(rows)
            if not last:
                session.execute(update(SurveyCampaign).where(SurveyCampaign.id == campaign.id)
                                .values(status=CampaignStatus.REPORTED))
            campaigns.append(campaign)
    load_ms = (time.perf_counter() - start) * 1000
    return boss, desk, unit_ids, campaigns, answers, load_ms


def run(ctx: BenchContext) -> list[Figure]:
    n_units = ctx.scale(UNITS, 120)
    n_campaigns = ctx.scale(CAMPAIGNS, 2)
    db = Database(f"sqlite:///{ctx.tmp / 'survey-bench.sqlite3'}")
    migrate.upgrade(db.engine)
    rng = random.Random(7)
    boss, desk, unit_ids, campaigns, answers, load_ms = _load(db, n_units, n_campaigns, rng)
    scale = f"{n_units} units × {n_campaigns} campaigns"
    figures = [Figure(f"survey: bulk load {scale}", load_ms),
               Figure("survey: answers stored", answers, "rows")]
    current = campaigns[-1]
    with db.read() as session:
        pending = [u for u in unit_ids if survey_responses.valid_response(
            session, campaign_id=current.id, unit_id=u) is None][:15]
    entry_ms = []
    form = [rng.choice((3, 4, 5)) for _ in range(22)]
    for unit_id in pending:
        start = time.perf_counter()
        with db.write() as session:
            survey_responses.record_response(session, by=desk, campaign_id=current.id, unit_id=unit_id,
                                             ratings=form, name="李四", phone="13912345678",
                                             filled_on=current.distribution_date + timedelta(days=2))
        entry_ms.append((time.perf_counter() - start) * 1000)
    entry_ms.sort()
    figures.append(Figure("survey: save one form (22 ratings, own transaction), median",
                          entry_ms[len(entry_ms) // 2] if entry_ms else 0.0))
    with db.read() as session:
        cid = current.id
        figures.append(measure("survey: live progress (distribution/recovery)",
                               lambda: rates.progress(session, cid)))
        figures.append(measure("survey: statistics of one campaign + previous",
                               lambda: stats.statistics(session, cid), repeat=3))
        figures.append(measure("survey: analysis report (build + text)",
                               lambda: render_text(build_report(session, cid)), repeat=3))
        figures.append(measure(f"survey: statistics of all {n_campaigns} campaigns",
                               lambda: [stats.statistics(session, c.id, compare=False)
                                        for c in campaigns], repeat=1))
        responses = ResponseSource(cid)
        figures.append(measure("survey: response list open (count + first page)",
                               lambda: (responses.count(session, ListQuery()),
                                        responses.fetch(session, ListQuery(), 0, 200))))
        q = ListQuery(search="照明")
        figures.append(measure("survey: response list search 照明",
                               lambda: (responses.count(session, q),
                                        responses.fetch(session, q, 0, 200))))
        units_src = UnitStateSource(cid, building_choices(session))
        waiting = ListQuery(filters={"state": "waiting"})
        figures.append(measure("survey: unit list filtered 'awaiting form'",
                               lambda: (units_src.count(session, waiting),
                                        units_src.fetch(session, waiting, 0, 200))))
    from deskapp.printing.survey_report import render_pdf

    with db.read() as session:
        report = build_report(session, current.id)
    figures.append(measure("survey: analysis report PDF", lambda: render_pdf(report), repeat=1))
    db.dispose()
    return figures
