"""客户满意度调查 — the satisfaction survey: campaigns, distribution, fast entry of returned
forms, statistics and the follow-up of opinions (意见整改).

The plan (SPEC §6): twice a year, June and December, forms go out around the 15th to at
least 95% of the valid units; they come back within 10 working days with a valid recovery
rate of at least 95%; statistics within 3 working days of collection; the analysis report
the following month. Opinions are answered owner by owner, never collectively, and never
before an official answer exists (:func:`record_reply` refuses until :func:`record_answer`).

Every function that changes data takes ``by`` (the acting staff member), checks the role,
validates, writes and audits in the caller's transaction. Figures (:func:`progress`,
:func:`statistics`, :func:`monthly_summary`) are counted in SQL.
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, distinct, exists, func, or_, select
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Building, Occupant, OccupantKind, Role, Staff, Unit
from deskapp.db.models.survey import (
    CampaignStatus,
    FollowUpScope,
    FollowUpStatus,
    OpinionQuestion,
    ResponseStatus,
    SurveyAnswer,
    SurveyCampaign,
    SurveyDistribution,
    SurveyExclusion,
    SurveyFollowUp,
    SurveyForm,
    SurveyItem,
    SurveyResponse,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.masking import mask_phone
from deskapp.services import audit, hooks
from deskapp.services.staff import require_role
from deskapp.services.workdays import WorkCalendar, default_calendar
from deskapp.validators import phone as valid_phone

TARGET_RATE = 0.95  # distribution and valid recovery (SPEC §6)
COLLECTION_WORKDAYS = 10
STATISTICS_WORKDAYS = 3
DISTRIBUTION_DAY = 15
SCORES = (1, 2, 3, 4, 5)
MAX_TEXT = 1000
FILLED_EARLIEST_DAYS = 31  # a form cannot be dated more than a month before distribution

#: Departments an opinion can go to (data; stored as written).
DEPARTMENTS = ("客服部", "工程部", "安保部", "环境部", "综合管理部", "财务部", "项目经理")
REPLY_CHANNELS = ("phone", "visit", "letter", "email")

# --------------------------------------------------------------------------------------
# The form (SPEC §6 / 原文 八 附件：满意度调查表)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    code: str
    title: str
    title_en: str


@dataclass(frozen=True)
class SectionSpec:
    title: str
    title_en: str
    items: tuple[ItemSpec, ...]


DEFAULT_FORM_NAME = "客户满意度调查表"
DEFAULT_FORM: tuple[SectionSpec, ...] = (
    SectionSpec("服务人员仪态", "Staff demeanour", (
        ItemSpec("staff_cs", "客户服务员", "Customer-service staff"),
        ItemSpec("staff_maint", "维修人员", "Maintenance staff"),
        ItemSpec("staff_security", "安全管理员", "Security staff"),
        ItemSpec("staff_cleaning", "保洁服务员", "Cleaning staff"),
    )),
    SectionSpec("客户服务", "Customer service", (
        ItemSpec("cs_attitude", "服务态度", "Attitude"),
        ItemSpec("cs_timeliness", "工作及时性", "Timeliness"),
        ItemSpec("cs_effect", "处理问题效果", "Effectiveness of problem handling"),
    )),
    SectionSpec("工程服务", "Engineering", (
        ItemSpec("eng_upkeep", "公共设备运行保养", "Operation and upkeep of common equipment"),
        ItemSpec("eng_repair_time", "设备维修及时性", "Timeliness of equipment repair"),
        ItemSpec("eng_quality", "维修服务质量", "Quality of repair service"),
        ItemSpec("eng_service_time", "维修服务及时性", "Timeliness of repair service"),
    )),
    SectionSpec("安全服务", "Security", (
        ItemSpec("sec_order", "治安管理", "Public order"),
        ItemSpec("sec_fire", "消防管理", "Fire safety"),
        ItemSpec("sec_traffic", "车辆及人员管理", "Vehicle and people management"),
    )),
    SectionSpec("环境服务", "Environment", (
        ItemSpec("env_clean", "清洁状况", "Cleanliness"),
        ItemSpec("env_green", "绿化状况", "Greening"),
    )),
    SectionSpec("有偿服务", "Paid services", (
        ItemSpec("paid_home", "户内维修服务", "In-home repair"),
        ItemSpec("paid_contract", "合同履约服务", "Contract performance"),
    )),
    SectionSpec("投诉受理", "Complaint handling", (
        ItemSpec("cmp_attitude", "受理态度", "Attitude"),
        ItemSpec("cmp_result", "处理结果", "Result"),
        ItemSpec("cmp_timeliness", "处理及时性", "Timeliness"),
    )),
    SectionSpec("物业管理总体满意度", "Overall", (
        ItemSpec("overall", "服务总体满意度", "Overall satisfaction"),
    )),
)  # fmt: skip


def create_form(session: Session, *, by: Staff, name: str,
                sections: Sequence[SectionSpec]) -> SurveyForm:
    """A new questionnaire version. Forms are never edited: a change is a new form, so a
    past campaign keeps the form it ran with."""
    require_role(by, Role.SUPERVISOR)
    name = name.strip()
    if not name:
        raise ValidationError("survey.form.name_required", field="name")
    items = [(s, i) for s in sections for i in s.items]
    if not items:
        raise ValidationError("survey.form.empty", field="sections")
    codes = [i.code.strip() for _, i in items]
    if any(not c for c in codes) or any(not i.title.strip() for _, i in items) or \
            any(not s.title.strip() for s in sections):
        raise ValidationError("survey.form.blank_title", field="sections")
    duplicate = next((c for c in codes if codes.count(c) > 1), None)
    if duplicate:
        raise ValidationError("survey.form.duplicate_code", field="sections", code=duplicate)
    version = (session.exec(select(func.max(SurveyForm.version))).one()[0] or 0) + 1
    form = SurveyForm(name=name, version=version, created_at=clock.now(), created_by_id=by.id)
    session.add(form)
    session.flush()
    position = 0
    for section_no, section in enumerate(sections, start=1):
        for spec in section.items:
            position += 1
            session.add(SurveyItem(form_id=form.id, section_no=section_no,
                                   section=section.title.strip(), section_en=section.title_en,
                                   position=position, code=spec.code.strip(),
                                   title=spec.title.strip(), title_en=spec.title_en))
    session.flush()
    audit.record(session, by=by, action="survey.form.create", entity="survey_form",
                 entity_id=form.id, detail={"name": name, "version": version,
                                            "items": position})
    return form


def latest_form(session: Session) -> SurveyForm | None:
    return session.exec(select(SurveyForm).order_by(SurveyForm.version.desc())).scalars().first()


def ensure_form(session: Session, *, by: Staff) -> SurveyForm:
    """The newest form; the SPEC's form is created the first time."""
    return latest_form(session) or create_form(session, by=by, name=DEFAULT_FORM_NAME,
                                               sections=DEFAULT_FORM)


def form_items(session: Session, form_id: int) -> list[SurveyItem]:
    return list(session.exec(select(SurveyItem).where(SurveyItem.form_id == form_id)
                             .order_by(SurveyItem.position)).scalars().all())


def item_title(item: SurveyItem) -> str:
    from deskapp.i18n import language

    return item.title_en if language() == "en" and item.title_en else item.title


def section_title(item: SurveyItem) -> str:
    from deskapp.i18n import language

    return item.section_en if language() == "en" and item.section_en else item.section


# --------------------------------------------------------------------------------------
# Campaigns
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignDates:
    distribution: date
    collection_deadline: date
    statistics_due: date
    report_due: date
    exact: bool  # False: a year the working-day calendar does not know yet


def campaign_month(half: int) -> int:
    if half not in (1, 2):
        raise ValidationError("survey.campaign.bad_half", field="half")
    return 6 if half == 1 else 12


def plan_dates(year: int, half: int, distribution: date | None = None, *,
               calendar: WorkCalendar | None = None) -> CampaignDates:
    """The plan's dates: distribution around the 15th of June/December (the next working
    day when the 15th is a day off), collection 10 working days later, statistics 3
    working days after that, the report by the end of the following month."""
    cal = calendar or default_calendar()
    month = campaign_month(half)
    if distribution is None:
        distribution = cal.next_workday(date(year, month, DISTRIBUTION_DAY))
    collection = cal.add_workdays(distribution, COLLECTION_WORKDAYS)
    statistics_due = cal.add_workdays(collection, STATISTICS_WORKDAYS)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    report_due = date(next_year, next_month, _calendar.monthrange(next_year, next_month)[1])
    exact = all(cal.is_exact(d.year) for d in (distribution, collection, statistics_due))
    return CampaignDates(distribution, collection, statistics_due, report_due, exact)


def campaign_title(year: int, half: int) -> str:
    return f"{year}年{'上' if half == 1 else '下'}半年客户满意度调查"


def open_campaign(session: Session, *, by: Staff, year: int, half: int,
                  distribution_date: date | None = None, form_id: int | None = None,
                  note: str = "") -> SurveyCampaign:
    """Open the June (half 1) or December (half 2) campaign of ``year``."""
    require_role(by, Role.SUPERVISOR)
    if not 2000 <= year <= 2100:
        raise ValidationError("survey.campaign.bad_year", field="year")
    month = campaign_month(half)
    if distribution_date is not None and (distribution_date.year, distribution_date.month) != \
            (year, month):
        raise ValidationError("survey.campaign.date_month", field="distribution_date",
                              month=month)
    if session.exec(select(SurveyCampaign.id).where(SurveyCampaign.year == year,
                                                    SurveyCampaign.half == half)).first():
        raise Conflict("survey.campaign.exists", title=campaign_title(year, half))
    if form_id is None:
        form = ensure_form(session, by=by)
    else:
        form = session.get(SurveyForm, form_id)
        if form is None:
            raise NotFound("survey.form.not_found")
    dates = plan_dates(year, half, distribution_date)
    if len(note.strip()) > 500:
        raise ValidationError("survey.text.too_long", field="note", n=500)
    campaign = SurveyCampaign(
        year=year, half=half, title=campaign_title(year, half), form_id=form.id,
        distribution_date=dates.distribution, collection_deadline=dates.collection_deadline,
        statistics_due=dates.statistics_due, report_due=dates.report_due,
        status=CampaignStatus.OPEN, note=note.strip(), created_at=clock.now(),
        created_by_id=by.id)
    session.add(campaign)
    session.flush()
    audit.record(session, by=by, action="survey.campaign.open", entity="survey_campaign",
                 entity_id=campaign.id,
                 detail={"title": campaign.title, "distribution": dates.distribution,
                         "deadline": dates.collection_deadline, "form": form.id})
    return campaign


def get_campaign(session: Session, campaign_id: int) -> SurveyCampaign:
    campaign = session.get(SurveyCampaign, campaign_id)
    if campaign is None:
        raise NotFound("survey.campaign.not_found")
    return campaign


def find_campaign(session: Session, ref: str) -> SurveyCampaign:
    """A campaign by id (``3``) or by month (``2026-06``, ``2026-12``, ``2026H1``)."""
    text = ref.strip().upper()
    if text.isdigit():
        return get_campaign(session, int(text))
    year_text, half = "", 0
    if "-" in text:
        year_text, _, month = text.partition("-")
        half = {"06": 1, "6": 1, "12": 2}.get(month, 0)
    elif "H" in text:
        year_text, _, h = text.partition("H")
        half = {"1": 1, "2": 2}.get(h, 0)
    if not year_text.isdigit() or not half:
        raise NotFound("survey.campaign.not_found")
    campaign = session.exec(select(SurveyCampaign).where(
        SurveyCampaign.year == int(year_text), SurveyCampaign.half == half)).scalars().first()
    if campaign is None:
        raise NotFound("survey.campaign.not_found")
    return campaign


def list_campaigns(session: Session) -> list[SurveyCampaign]:
    return list(session.exec(select(SurveyCampaign).order_by(
        SurveyCampaign.year.desc(), SurveyCampaign.half.desc())).scalars().all())


def current_campaign(session: Session) -> SurveyCampaign | None:
    """The newest open campaign, else the newest campaign."""
    campaigns = list_campaigns(session)
    return next((c for c in campaigns if c.status == CampaignStatus.OPEN),
                campaigns[0] if campaigns else None)


def previous_campaign(session: Session, campaign: SurveyCampaign) -> SurveyCampaign | None:
    return session.exec(select(SurveyCampaign).where(
        or_(SurveyCampaign.year < campaign.year,
            and_(SurveyCampaign.year == campaign.year, SurveyCampaign.half < campaign.half)))
        .order_by(SurveyCampaign.year.desc(), SurveyCampaign.half.desc())).scalars().first()


def close_collection(session: Session, *, by: Staff, campaign_id: int) -> SurveyCampaign:
    """Collection is over: no more forms are entered; the statistics are final."""
    require_role(by, Role.SUPERVISOR)
    campaign = get_campaign(session, campaign_id)
    if campaign.status != CampaignStatus.OPEN:
        raise InvalidTransition("survey.campaign.not_open", title=campaign.title)
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = clock.now()
    campaign.closed_by_id = by.id
    session.add(campaign)
    figures = progress(session, campaign.id)  # type: ignore[arg-type]
    audit.record(session, by=by, action="survey.campaign.close", entity="survey_campaign",
                 entity_id=campaign.id,
                 detail={"distributed": figures.distributed, "responses": figures.responses,
                         "distribution_rate": round(figures.distribution_rate, 4),
                         "recovery_rate": round(figures.recovery_rate, 4)})
    return campaign


def reopen_collection(session: Session, *, by: Staff, campaign_id: int,
                      reason: str) -> SurveyCampaign:
    """Back to collecting (late forms), with the reason; not once the report is in."""
    require_role(by, Role.SUPERVISOR)
    campaign = get_campaign(session, campaign_id)
    if campaign.status != CampaignStatus.CLOSED:
        raise InvalidTransition("survey.campaign.not_closed", title=campaign.title)
    reason = _reason(reason)
    campaign.status = CampaignStatus.OPEN
    campaign.reopen_reason = reason
    campaign.closed_at = None
    campaign.closed_by_id = None
    session.add(campaign)
    audit.record(session, by=by, action="survey.campaign.reopen", entity="survey_campaign",
                 entity_id=campaign.id, detail={"reason": reason})
    return campaign


def mark_reported(session: Session, *, by: Staff, campaign_id: int) -> SurveyCampaign:
    """The analysis report has been submitted (collection must be closed first)."""
    require_role(by, Role.SUPERVISOR)
    campaign = get_campaign(session, campaign_id)
    if campaign.status != CampaignStatus.CLOSED:
        raise InvalidTransition("survey.campaign.report_needs_closed", title=campaign.title)
    campaign.status = CampaignStatus.REPORTED
    campaign.reported_at = clock.now()
    campaign.reported_by_id = by.id
    session.add(campaign)
    audit.record(session, by=by, action="survey.campaign.reported", entity="survey_campaign",
                 entity_id=campaign.id)
    return campaign


def _open_campaign(session: Session, campaign_id: int) -> SurveyCampaign:
    campaign = get_campaign(session, campaign_id)
    if campaign.status != CampaignStatus.OPEN:
        raise InvalidTransition("survey.campaign.closed_for_entry", title=campaign.title)
    return campaign


def _reason(reason: str, field_name: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("survey.reason_required", field=field_name)
    if len(reason) > 200:
        raise ValidationError("survey.text.too_long", field=field_name, n=200)
    return reason


# --------------------------------------------------------------------------------------
# Distribution and valid units
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistributeResult:
    added: int
    already: int
    excluded: int  # skipped: the unit is excluded from this campaign


def units_of(session: Session, *, building_id: int, entrance: str | None = None,
             floor_from: int | None = None, floor_to: int | None = None) -> list[int]:
    """Unit ids of one building, optionally one entrance and a floor range (inclusive)."""
    query = select(Unit.id).where(Unit.building_id == building_id)
    if entrance:
        query = query.where(Unit.entrance == entrance)
    if floor_from is not None:
        query = query.where(Unit.floor >= floor_from)
    if floor_to is not None:
        query = query.where(Unit.floor <= floor_to)
    return list(session.exec(query.order_by(Unit.floor, Unit.entrance, Unit.room)).scalars())


def units_of_building(session: Session, *, building_code: str, entrance: str | None = None,
                      floor_from: int | None = None, floor_to: int | None = None) -> list[int]:
    """:func:`units_of` for the building with code ``building_code`` (none: no units)."""
    building_id = session.exec(select(Building.id).where(Building.code == building_code)
                               ).scalars().first()
    if building_id is None:
        return []
    return units_of(session, building_id=building_id, entrance=entrance,
                    floor_from=floor_from, floor_to=floor_to)


def distribute(session: Session, *, by: Staff, campaign_id: int, unit_ids: Iterable[int],
               on: date | None = None) -> DistributeResult:
    """Mark forms as handed to ``unit_ids`` on ``on`` (default today), in one action."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    campaign = _open_campaign(session, campaign_id)
    on = on or clock.today()
    if on > clock.today():
        raise ValidationError("survey.date.future", field="date")
    if on < campaign.distribution_date - timedelta(days=FILLED_EARLIEST_DAYS):
        raise ValidationError("survey.distribute.too_early", field="date",
                              date=campaign.distribution_date.isoformat())
    ids = sorted(set(unit_ids))
    if not ids:
        raise ValidationError("survey.distribute.no_units", field="units")
    known = set(session.exec(select(Unit.id).where(Unit.id.in_(ids))).scalars())
    if len(known) != len(ids):
        raise NotFound("unit.not_found")
    excluded = set(session.exec(select(SurveyExclusion.unit_id).where(
        SurveyExclusion.campaign_id == campaign_id, SurveyExclusion.active == True,  # noqa: E712
        SurveyExclusion.unit_id.in_(ids))).scalars())
    rows = {d.unit_id: d for d in session.exec(select(SurveyDistribution).where(
        SurveyDistribution.campaign_id == campaign_id,
        SurveyDistribution.unit_id.in_(ids))).scalars()}
    now = clock.now()
    added = already = 0
    for unit_id in ids:
        if unit_id in excluded:
            continue
        row = rows.get(unit_id)
        if row is not None and row.active:
            already += 1
            continue
        if row is None:
            row = SurveyDistribution(campaign_id=campaign_id, unit_id=unit_id)
        row.distributed_on, row.by_id, row.at, row.active = on, by.id, now, True
        row.cancelled_at, row.cancelled_by_id, row.cancel_reason = None, None, ""
        session.add(row)
        added += 1
    session.flush()
    result = DistributeResult(added, already, len(excluded))
    audit.record(session, by=by, action="survey.distribute", entity="survey_campaign",
                 entity_id=campaign_id,
                 detail={"on": on, "added": added, "already": already,
                         "excluded": len(excluded),
                         "units": ids if len(ids) <= 20 else f"{len(ids)} units"})
    return result


def cancel_distribution(session: Session, *, by: Staff, campaign_id: int, unit_id: int,
                        reason: str) -> SurveyDistribution:
    """Undo a distribution marked by mistake (kept, with who/when/why)."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    _open_campaign(session, campaign_id)
    reason = _reason(reason)
    row = session.exec(select(SurveyDistribution).where(
        SurveyDistribution.campaign_id == campaign_id, SurveyDistribution.unit_id == unit_id,
        SurveyDistribution.active == True)).scalars().first()  # noqa: E712
    if row is None:
        raise InvalidTransition("survey.distribute.not_distributed")
    if valid_response(session, campaign_id=campaign_id, unit_id=unit_id) is not None:
        raise Conflict("survey.distribute.has_response")
    row.active = False
    row.cancelled_at, row.cancelled_by_id, row.cancel_reason = clock.now(), by.id, reason
    session.add(row)
    audit.record(session, by=by, action="survey.distribute.cancel", entity="survey_campaign",
                 entity_id=campaign_id, detail={"unit": unit_id, "reason": reason})
    return row


def exclude_units(session: Session, *, by: Staff, campaign_id: int, unit_ids: Iterable[int],
                  reason: str) -> int:
    """Leave units out of the valid units (vacant, under renovation …) with the reason.
    A unit that already got a form cannot be excluded."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    _open_campaign(session, campaign_id)
    reason = _reason(reason)
    ids = sorted(set(unit_ids))
    if not ids:
        raise ValidationError("survey.distribute.no_units", field="units")
    distributed = session.exec(select(SurveyDistribution.unit_id).where(
        SurveyDistribution.campaign_id == campaign_id, SurveyDistribution.active == True,  # noqa: E712
        SurveyDistribution.unit_id.in_(ids))).scalars().first()
    if distributed is not None:
        raise Conflict("survey.exclude.distributed", unit=_unit_code(session, distributed))
    rows = {e.unit_id: e for e in session.exec(select(SurveyExclusion).where(
        SurveyExclusion.campaign_id == campaign_id,
        SurveyExclusion.unit_id.in_(ids))).scalars()}
    now = clock.now()
    added = 0
    for unit_id in ids:
        row = rows.get(unit_id)
        if row is not None and row.active:
            continue
        if session.get(Unit, unit_id) is None:
            raise NotFound("unit.not_found")
        row = row or SurveyExclusion(campaign_id=campaign_id, unit_id=unit_id, reason=reason,
                                     by_id=by.id, at=now)
        row.reason, row.by_id, row.at, row.active = reason, by.id, now, True
        row.lifted_at, row.lifted_by_id = None, None
        session.add(row)
        added += 1
    session.flush()
    audit.record(session, by=by, action="survey.exclude", entity="survey_campaign",
                 entity_id=campaign_id,
                 detail={"reason": reason, "added": added,
                         "units": ids if len(ids) <= 20 else f"{len(ids)} units"})
    return added


def exclude_vacant(session: Session, *, by: Staff, campaign_id: int, reason: str) -> int:
    """Exclude every unit marked vacant (空置) that has not had a form."""
    distributed = select(SurveyDistribution.unit_id).where(
        SurveyDistribution.campaign_id == campaign_id, SurveyDistribution.active == True)  # noqa: E712
    ids = list(session.exec(select(Unit.id).where(Unit.vacant == True,  # noqa: E712
                                                  Unit.id.not_in(distributed))).scalars())
    if not ids:
        require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
        _open_campaign(session, campaign_id)
        return 0
    return exclude_units(session, by=by, campaign_id=campaign_id, unit_ids=ids, reason=reason)


def include_unit(session: Session, *, by: Staff, campaign_id: int, unit_id: int) -> None:
    """Lift an exclusion: the unit counts as a valid unit again."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    _open_campaign(session, campaign_id)
    row = session.exec(select(SurveyExclusion).where(
        SurveyExclusion.campaign_id == campaign_id, SurveyExclusion.unit_id == unit_id,
        SurveyExclusion.active == True)).scalars().first()  # noqa: E712
    if row is None:
        raise InvalidTransition("survey.exclude.not_excluded")
    row.active, row.lifted_at, row.lifted_by_id = False, clock.now(), by.id
    session.add(row)
    audit.record(session, by=by, action="survey.exclude.lift", entity="survey_campaign",
                 entity_id=campaign_id, detail={"unit": unit_id})


def _unit_code(session: Session, unit_id: int) -> str:
    return session.exec(select(Unit.code).where(Unit.id == unit_id)).scalars().first() or "?"


@dataclass(frozen=True)
class UnitSurveyState:
    unit_id: int
    code: str
    distributed_on: date | None
    excluded_reason: str | None
    response_id: int | None
    owner_name: str
    owner_phone: str  # full number, for pre-filling the entry form; mask before listing
    owner_id: int | None = None  # the occupant the phone belongs to (the reveal key's record)


def unit_state(session: Session, *, campaign_id: int, unit_id: int) -> UnitSurveyState:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    dist = session.exec(select(SurveyDistribution.distributed_on).where(
        SurveyDistribution.campaign_id == campaign_id, SurveyDistribution.unit_id == unit_id,
        SurveyDistribution.active == True)).scalars().first()  # noqa: E712
    excl = session.exec(select(SurveyExclusion.reason).where(
        SurveyExclusion.campaign_id == campaign_id, SurveyExclusion.unit_id == unit_id,
        SurveyExclusion.active == True)).scalars().first()  # noqa: E712
    response = valid_response(session, campaign_id=campaign_id, unit_id=unit_id)
    owner = session.exec(select(Occupant).where(
        Occupant.unit_id == unit_id, Occupant.active == True)  # noqa: E712
        .order_by(case((Occupant.kind == OccupantKind.OWNER, 0), else_=1), Occupant.id)
    ).scalars().first()
    return UnitSurveyState(unit_id, unit.code, dist, excl, response.id if response else None,
                           owner.name if owner else "", owner.phone if owner else "",
                           owner.id if owner else None)


# --------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------


def valid_response(session: Session, *, campaign_id: int, unit_id: int) -> SurveyResponse | None:
    return session.exec(select(SurveyResponse).where(
        SurveyResponse.campaign_id == campaign_id, SurveyResponse.unit_id == unit_id,
        SurveyResponse.status == ResponseStatus.VALID)).scalars().first()


def _clean_opinion(text: str, field_name: str) -> str:
    value = (text or "").strip().replace("\r\n", "\n")
    if len(value) > MAX_TEXT:
        raise ValidationError("survey.text.too_long", field=field_name, n=MAX_TEXT)
    return value


def record_response(
    session: Session,
    *,
    by: Staff,
    campaign_id: int,
    unit_id: int,
    ratings: Mapping[int, int | None] | Sequence[int | None],
    name: str,
    phone: str,
    filled_on: date | None = None,
    improve: str = "",
    add_services: str = "",
    other: str = "",
    replace: bool = False,
) -> SurveyResponse:
    """Enter one returned form.

    ``ratings``: item id → score, or one score per item in form order; ``None`` / ``0``
    leaves an item unanswered. Name and phone are required (the statistics need them).
    A unit that never got a form is accepted (the list flags it). A second form for the
    same unit raises :class:`Conflict` unless ``replace`` — then the first one is kept as
    ``replaced`` and points at the new one.
    """
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    campaign = _open_campaign(session, campaign_id)
    if session.get(Unit, unit_id) is None:
        raise ValidationError("survey.response.unit_required", field="unit")
    items = form_items(session, campaign.form_id)
    scores = _scores(items, ratings)
    if not scores:
        raise ValidationError("survey.response.no_ratings", field="ratings")
    name = (name or "").strip()
    if not name:
        raise ValidationError("survey.response.name_required", field="name")
    if len(name) > 50:
        raise ValidationError("survey.text.too_long", field="name", n=50)
    if not (phone or "").strip():
        raise ValidationError("survey.response.phone_required", field="phone")
    phone = valid_phone(phone, field="phone")
    filled_on = filled_on or clock.today()
    if filled_on > clock.today():
        raise ValidationError("survey.date.future", field="filled_on")
    if filled_on < campaign.distribution_date - timedelta(days=FILLED_EARLIEST_DAYS):
        raise ValidationError("survey.response.date_too_early", field="filled_on",
                              date=campaign.distribution_date.isoformat())
    texts = {f: _clean_opinion(v, f) for f, v in
             (("improve", improve), ("add_services", add_services), ("other", other))}
    previous = valid_response(session, campaign_id=campaign_id, unit_id=unit_id)
    if previous is not None and not replace:
        raise Conflict("survey.response.exists", unit=_unit_code(session, unit_id),
                       name=previous.respondent_name, date=previous.filled_on.isoformat())
    if previous is not None:
        previous.status = ResponseStatus.REPLACED
        session.add(previous)
        session.flush()
    response = SurveyResponse(
        campaign_id=campaign_id, unit_id=unit_id, status=ResponseStatus.VALID,
        respondent_name=name, respondent_phone=phone, filled_on=filled_on,
        improve=texts["improve"], add_services=texts["add_services"], other=texts["other"],
        answered=len(scores), entered_by_id=by.id, entered_at=clock.now())
    session.add(response)
    session.flush()
    for item_id, score in scores.items():
        session.add(SurveyAnswer(response_id=response.id, item_id=item_id, score=score))
    if previous is not None:
        previous.replaced_by_id = response.id
        session.add(previous)
    session.flush()
    distributed = session.exec(select(SurveyDistribution.id).where(
        SurveyDistribution.campaign_id == campaign_id, SurveyDistribution.unit_id == unit_id,
        SurveyDistribution.active == True)).first() is not None  # noqa: E712
    audit.record(session, by=by, action="survey.response.replace" if previous else
                 "survey.response.create", entity="survey_response", entity_id=response.id,
                 detail={"campaign": campaign_id, "unit": _unit_code(session, unit_id),
                         "answered": len(scores), "distributed": distributed,
                         "phone": mask_phone(phone),
                         "replaces": previous.id if previous else None})
    return response


def _scores(items: list[SurveyItem],
            ratings: Mapping[int, int | None] | Sequence[int | None]) -> dict[int, int]:
    by_id = {item.id: item for item in items}
    if isinstance(ratings, Mapping):
        pairs = list(ratings.items())
        unknown = next((k for k in ratings if k not in by_id), None)
        if unknown is not None:
            raise ValidationError("survey.response.unknown_item", field="ratings")
    else:
        if len(ratings) > len(items):
            raise ValidationError("survey.response.too_many", field="ratings", n=len(items))
        pairs = [(item.id, score) for item, score in zip(items, ratings, strict=False)]
    scores: dict[int, int] = {}
    for item_id, score in pairs:
        if score is None or score == 0:
            continue
        if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
            item = by_id[item_id]
            raise ValidationError("survey.response.bad_score", field="ratings",
                                  item=item.title, position=item.position, score=score)
        scores[item_id] = score  # type: ignore[index]
    return scores


def void_response(session: Session, *, by: Staff, response_id: int,
                  reason: str) -> SurveyResponse:
    """Take a form out of the statistics (entered for the wrong unit …), with the reason."""
    require_role(by, Role.SUPERVISOR)
    response = get_response(session, response_id)
    _open_campaign(session, response.campaign_id)
    if response.status != ResponseStatus.VALID:
        raise InvalidTransition("survey.response.not_valid")
    reason = _reason(reason)
    response.status = ResponseStatus.VOIDED
    response.voided_at, response.voided_by_id, response.void_reason = clock.now(), by.id, reason
    session.add(response)
    audit.record(session, by=by, action="survey.response.void", entity="survey_response",
                 entity_id=response.id, detail={"reason": reason})
    return response


def get_response(session: Session, response_id: int) -> SurveyResponse:
    response = session.get(SurveyResponse, response_id)
    if response is None:
        raise NotFound("survey.response.not_found")
    return response


@dataclass(frozen=True)
class ResponseDetail:
    response: SurveyResponse
    unit_code: str
    campaign_title: str
    distributed: bool
    answers: list[tuple[SurveyItem, int | None]]  # every item of the form, in order
    entered_by: str
    followups: list[SurveyFollowUp]


def response_detail(session: Session, response_id: int) -> ResponseDetail:
    response = get_response(session, response_id)
    campaign = get_campaign(session, response.campaign_id)
    scores = dict(session.exec(select(SurveyAnswer.item_id, SurveyAnswer.score).where(
        SurveyAnswer.response_id == response_id)).all())
    items = form_items(session, campaign.form_id)
    distributed = session.exec(select(SurveyDistribution.id).where(
        SurveyDistribution.campaign_id == campaign.id,
        SurveyDistribution.unit_id == response.unit_id,
        SurveyDistribution.active == True)).first() is not None  # noqa: E712
    staff = session.get(Staff, response.entered_by_id)
    followups = list(session.exec(select(SurveyFollowUp).where(
        SurveyFollowUp.response_id == response_id).order_by(SurveyFollowUp.id)).scalars())
    return ResponseDetail(response, _unit_code(session, response.unit_id), campaign.title,
                          distributed, [(i, scores.get(i.id)) for i in items],
                          staff.name if staff else "", followups)


# --------------------------------------------------------------------------------------
# Progress: distribution and recovery rates
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    campaign_id: int
    total_units: int
    excluded: int
    distributed: int
    responses: int  # valid responses
    responses_distributed: int  # valid responses from units that got a form
    target: float = TARGET_RATE

    @property
    def valid_units(self) -> int:
        return self.total_units - self.excluded

    @property
    def undistributed_responses(self) -> int:
        return self.responses - self.responses_distributed

    @property
    def distribution_rate(self) -> float:
        return self.distributed / self.valid_units if self.valid_units else 0.0

    @property
    def recovery_rate(self) -> float:
        return self.responses_distributed / self.distributed if self.distributed else 0.0

    @property
    def distribution_met(self) -> bool:
        return self.valid_units > 0 and self.distribution_rate >= self.target

    @property
    def recovery_met(self) -> bool:
        return self.distributed > 0 and self.recovery_rate >= self.target


def progress(session: Session, campaign_id: int) -> Progress:
    """Distribution rate = forms out / valid units (all units less the excluded ones);
    valid recovery rate = valid forms back from units that got one / forms out."""
    total = session.exec(select(func.count()).select_from(Unit)).one()[0]
    excluded = session.exec(select(func.count()).select_from(SurveyExclusion).where(
        SurveyExclusion.campaign_id == campaign_id,
        SurveyExclusion.active == True)).one()[0]  # noqa: E712
    distributed = session.exec(select(func.count()).select_from(SurveyDistribution).where(
        SurveyDistribution.campaign_id == campaign_id,
        SurveyDistribution.active == True)).one()[0]  # noqa: E712
    dist_exists = exists().where(SurveyDistribution.campaign_id == campaign_id,
                                 SurveyDistribution.unit_id == SurveyResponse.unit_id,
                                 SurveyDistribution.active == True)  # noqa: E712
    responses, from_distributed = session.exec(select(
        func.count(), func.coalesce(func.sum(case((dist_exists, 1), else_=0)), 0)).where(
        SurveyResponse.campaign_id == campaign_id,
        SurveyResponse.status == ResponseStatus.VALID)).one()
    return Progress(campaign_id, int(total), int(excluded), int(distributed), int(responses),
                    int(from_distributed))


# --------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Answers counted by score: ``counts[0]`` is the number of 1s … ``counts[4]`` of 5s."""

    counts: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def total(self) -> int:
        return sum(score * c for score, c in zip(SCORES, self.counts, strict=True))

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def satisfied(self) -> int:
        return self.counts[3] + self.counts[4]

    @property
    def satisfaction_rate(self) -> float | None:
        """Share of 4 (satisfied) and 5 (very satisfied)."""
        return self.satisfied / self.n if self.n else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(tuple(a + b for a, b in zip(self.counts, other.counts, strict=True)))  # type: ignore[arg-type]


@dataclass(frozen=True)
class ItemStat:
    item_id: int
    code: str
    position: int
    section_no: int
    section: str
    title: str
    tally: Tally
    previous: Tally | None = None  # same item code in the previous campaign

    @property
    def delta(self) -> float | None:
        """Change of the satisfaction rate against the previous campaign."""
        if self.previous is None or self.previous.satisfaction_rate is None or \
                self.tally.satisfaction_rate is None:
            return None
        return self.tally.satisfaction_rate - self.previous.satisfaction_rate


@dataclass(frozen=True)
class SectionStat:
    section_no: int
    title: str
    tally: Tally
    previous: Tally | None = None


@dataclass(frozen=True)
class BuildingStat:
    building_id: int
    code: str
    name: str
    responses: int
    tally: Tally


@dataclass(frozen=True)
class CampaignStats:
    campaign_id: int
    title: str
    responses: int
    items: list[ItemStat]
    sections: list[SectionStat]
    overall: Tally
    buildings: list[BuildingStat]
    previous_title: str = ""
    previous_overall: Tally | None = None

    def lowest(self, n: int = 5) -> list[ItemStat]:
        """The ``n`` items with the lowest satisfaction rate (then lowest mean)."""
        rated = [i for i in self.items if i.tally.n]
        rated.sort(key=lambda i: (i.tally.satisfaction_rate, i.tally.mean, i.position))
        return rated[:n]


def _tallies(rows: Iterable[tuple[object, int, int]]) -> dict[object, Tally]:
    counts: dict[object, list[int]] = {}
    for key, score, count in rows:
        if score in SCORES:
            counts.setdefault(key, [0, 0, 0, 0, 0])[score - 1] += int(count)
    return {k: Tally(tuple(v)) for k, v in counts.items()}  # type: ignore[arg-type]


def _valid_answers(campaign_id: int):  # type: ignore[no-untyped-def]
    return (SurveyAnswer.response_id == SurveyResponse.id,
            SurveyResponse.campaign_id == campaign_id,
            SurveyResponse.status == ResponseStatus.VALID)


def item_tallies(session: Session, campaign_id: int) -> dict[int, Tally]:
    """Item id → tally over the campaign's valid responses (one GROUP BY)."""
    rows = session.exec(select(SurveyAnswer.item_id, SurveyAnswer.score, func.count())
                        .join(SurveyResponse, SurveyAnswer.response_id == SurveyResponse.id)
                        .where(*_valid_answers(campaign_id))
                        .group_by(SurveyAnswer.item_id, SurveyAnswer.score)).all()
    return _tallies(rows)  # type: ignore[return-value]


def statistics(session: Session, campaign_id: int, *, compare: bool = True) -> CampaignStats:
    """Per item: count, mean, distribution 1–5 and satisfaction rate (share of 4 and 5);
    per section and overall (every answer pooled); by building; and against the previous
    campaign (items matched by code)."""
    campaign = get_campaign(session, campaign_id)
    items = form_items(session, campaign.form_id)
    tallies = item_tallies(session, campaign_id)
    prev_campaign = previous_campaign(session, campaign) if compare else None
    prev_by_code: dict[str, Tally] = {}
    prev_sections: dict[str, Tally] = {}
    prev_overall: Tally | None = None
    if prev_campaign is not None:
        prev_items = {i.id: i for i in form_items(session, prev_campaign.form_id)}
        prev_tallies = item_tallies(session, prev_campaign.id)  # type: ignore[arg-type]
        prev_overall = Tally()
        for item_id, tally in prev_tallies.items():
            item = prev_items[item_id]
            prev_by_code[item.code] = tally
            prev_sections[item.section] = prev_sections.get(item.section, Tally()) + tally
            prev_overall = prev_overall + tally
    item_stats = [ItemStat(i.id, i.code, i.position, i.section_no, section_title(i),  # type: ignore[arg-type]
                           item_title(i), tallies.get(i.id, Tally()), prev_by_code.get(i.code))
                  for i in items]
    sections: list[SectionStat] = []
    for item, stat in zip(items, item_stats, strict=True):
        if not sections or sections[-1].section_no != item.section_no:
            sections.append(SectionStat(item.section_no, stat.section, Tally(),
                                        prev_sections.get(item.section)))
        last = sections[-1]
        sections[-1] = SectionStat(last.section_no, last.title, last.tally + stat.tally,
                                   last.previous)
    overall = Tally()
    for stat in item_stats:
        overall = overall + stat.tally
    building_rows = session.exec(
        select(Building.id, SurveyAnswer.score, func.count())
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyAnswer.response_id == SurveyResponse.id)
        .join(Unit, Unit.id == SurveyResponse.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(*_valid_answers(campaign_id))
        .group_by(Building.id, SurveyAnswer.score)).all()
    building_tallies = _tallies(building_rows)  # type: ignore[arg-type]
    response_counts = dict(session.exec(
        select(Unit.building_id, func.count())
        .select_from(SurveyResponse).join(Unit, Unit.id == SurveyResponse.unit_id)
        .where(SurveyResponse.campaign_id == campaign_id,
               SurveyResponse.status == ResponseStatus.VALID)
        .group_by(Unit.building_id)).all())
    buildings = [BuildingStat(b.id, b.code, b.name, int(response_counts.get(b.id, 0)),  # type: ignore[arg-type]
                              building_tallies.get(b.id, Tally()))
                 for b in session.exec(select(Building).order_by(Building.sort, Building.code))
                 .scalars() if b.id in response_counts]
    responses = sum(int(v) for v in response_counts.values())
    return CampaignStats(campaign_id, campaign.title, responses, item_stats, sections, overall,
                         buildings, prev_campaign.title if prev_campaign else "", prev_overall)


@dataclass(frozen=True)
class Opinion:
    response_id: int
    unit_code: str
    name: str
    question: OpinionQuestion
    text: str
    followed_up: bool


def opinions(session: Session, campaign_id: int) -> dict[OpinionQuestion, list[Opinion]]:
    """The written opinions of the valid forms, grouped by question, in unit order."""
    followed = {(r, q) for r, q in session.exec(select(
        SurveyFollowUp.response_id, SurveyFollowUp.question).where(
        SurveyFollowUp.campaign_id == campaign_id,
        SurveyFollowUp.status != FollowUpStatus.WITHDRAWN)).all()}
    rows = session.exec(
        select(SurveyResponse, Unit.code)
        .join(Unit, Unit.id == SurveyResponse.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(SurveyResponse.campaign_id == campaign_id,
               SurveyResponse.status == ResponseStatus.VALID,
               or_(SurveyResponse.improve != "", SurveyResponse.add_services != "",
                   SurveyResponse.other != ""))
        .order_by(Building.sort, Unit.code)).all()
    grouped: dict[OpinionQuestion, list[Opinion]] = {q: [] for q in OpinionQuestion}
    for response, code in rows:
        for question, text in ((OpinionQuestion.IMPROVE, response.improve),
                               (OpinionQuestion.ADD, response.add_services),
                               (OpinionQuestion.OTHER, response.other)):
            if text:
                grouped[question].append(Opinion(response.id, code, response.respondent_name,
                                                 question, text,
                                                 (response.id, question) in followed))
    return grouped


# --------------------------------------------------------------------------------------
# Follow-up of opinions (意见整改 / 意见回复)
# --------------------------------------------------------------------------------------


def _question_text(response: SurveyResponse, question: OpinionQuestion) -> str:
    return {OpinionQuestion.IMPROVE: response.improve, OpinionQuestion.ADD: response.add_services,
            OpinionQuestion.OTHER: response.other}[question]


def create_followup(session: Session, *, by: Staff, response_id: int,
                    question: OpinionQuestion | str, department: str,
                    scope: FollowUpScope | str = FollowUpScope.IN_SCOPE,
                    opinion: str | None = None) -> SurveyFollowUp:
    """Turn one owner's opinion into an item to follow up. ``opinion`` defaults to what
    the owner wrote for ``question``."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    response = get_response(session, response_id)
    if response.status != ResponseStatus.VALID:
        raise InvalidTransition("survey.response.not_valid")
    try:
        question = OpinionQuestion(question)
    except ValueError:
        raise ValidationError("survey.followup.bad_question", field="question") from None
    try:
        scope = FollowUpScope(scope)
    except ValueError:
        raise ValidationError("survey.followup.bad_scope", field="scope") from None
    text = _clean_opinion(opinion if opinion is not None else
                          _question_text(response, question), "opinion")
    if not text:
        raise ValidationError("survey.followup.opinion_required", field="opinion")
    department = (department or "").strip()
    if not department:
        raise ValidationError("survey.followup.department_required", field="department")
    if len(department) > 40:
        raise ValidationError("survey.text.too_long", field="department", n=40)
    item = SurveyFollowUp(campaign_id=response.campaign_id, response_id=response.id,
                          unit_id=response.unit_id, question=question, opinion=text,
                          department=department, scope=scope, status=FollowUpStatus.OPEN,
                          created_at=clock.now(), created_by_id=by.id)
    session.add(item)
    session.flush()
    audit.record(session, by=by, action="survey.followup.create", entity="survey_followup",
                 entity_id=item.id, detail={"response": response.id, "question": question.value,
                                            "department": department, "scope": scope.value})
    return item


def get_followup(session: Session, followup_id: int) -> SurveyFollowUp:
    item = session.get(SurveyFollowUp, followup_id)
    if item is None:
        raise NotFound("survey.followup.not_found")
    return item


def set_scope(session: Session, *, by: Staff, followup_id: int, scope: FollowUpScope | str,
              department: str | None = None) -> SurveyFollowUp:
    """Escalate to the developer/group (or bring back in scope) while no answer exists."""
    require_role(by, Role.SPECIALIST)
    item = get_followup(session, followup_id)
    if item.status != FollowUpStatus.OPEN:
        raise InvalidTransition("survey.followup.not_open")
    try:
        scope = FollowUpScope(scope)
    except ValueError:
        raise ValidationError("survey.followup.bad_scope", field="scope") from None
    item.scope = scope
    if department is not None and department.strip():
        item.department = department.strip()[:40]
    session.add(item)
    audit.record(session, by=by, action="survey.followup.scope", entity="survey_followup",
                 entity_id=item.id, detail={"scope": scope.value, "department": item.department})
    return item


def record_answer(session: Session, *, by: Staff, followup_id: int,
                  answer: str) -> SurveyFollowUp:
    """The official answer (正式意见): the project manager's fix for a matter in scope, or
    the decision after reporting to the developer/group. Only now may the owner be told."""
    require_role(by, Role.SPECIALIST)
    item = get_followup(session, followup_id)
    if item.status != FollowUpStatus.OPEN:
        raise InvalidTransition("survey.followup.not_open")
    answer = _clean_opinion(answer, "answer")
    if not answer:
        raise ValidationError("survey.followup.answer_required", field="answer")
    item.answer, item.answered_at, item.answered_by_id = answer, clock.now(), by.id
    item.status = FollowUpStatus.ANSWERED
    session.add(item)
    audit.record(session, by=by, action="survey.followup.answer", entity="survey_followup",
                 entity_id=item.id, detail={"scope": item.scope.value})
    return item


def record_reply(session: Session, *, by: Staff, followup_id: int, reply: str,
                 channel: str) -> SurveyFollowUp:
    """The reply to this one owner. Refused before the official answer exists (the plan
    forbids replying without one) — and there is deliberately no collective reply."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    item = get_followup(session, followup_id)
    if item.status == FollowUpStatus.OPEN:
        raise InvalidTransition("survey.followup.answer_first")
    if item.status != FollowUpStatus.ANSWERED:
        raise InvalidTransition("survey.followup.not_answered")
    reply = _clean_opinion(reply, "reply")
    if not reply:
        raise ValidationError("survey.followup.reply_required", field="reply")
    if channel not in REPLY_CHANNELS:
        raise ValidationError("survey.followup.bad_channel", field="channel")
    item.reply, item.reply_channel = reply, channel
    item.replied_at, item.replied_by_id = clock.now(), by.id
    item.status = FollowUpStatus.REPLIED
    session.add(item)
    audit.record(session, by=by, action="survey.followup.reply", entity="survey_followup",
                 entity_id=item.id, detail={"channel": channel})
    return item


def withdraw_followup(session: Session, *, by: Staff, followup_id: int,
                      reason: str) -> SurveyFollowUp:
    """Withdraw an item made by mistake (a duplicate …) before the owner had a reply."""
    require_role(by, Role.SPECIALIST)
    item = get_followup(session, followup_id)
    if item.status not in (FollowUpStatus.OPEN, FollowUpStatus.ANSWERED):
        raise InvalidTransition("survey.followup.closed")
    reason = _reason(reason)
    item.status = FollowUpStatus.WITHDRAWN
    item.withdraw_reason, item.withdrawn_at, item.withdrawn_by_id = reason, clock.now(), by.id
    session.add(item)
    audit.record(session, by=by, action="survey.followup.withdraw", entity="survey_followup",
                 entity_id=item.id, detail={"reason": reason})
    return item


@dataclass(frozen=True)
class FollowUpCounts:
    open: int = 0
    answered: int = 0
    replied: int = 0
    withdrawn: int = 0
    escalated: int = 0

    @property
    def total(self) -> int:
        return self.open + self.answered + self.replied + self.withdrawn


def followup_counts(session: Session, campaign_id: int) -> FollowUpCounts:
    rows = dict(session.exec(select(SurveyFollowUp.status, func.count()).where(
        SurveyFollowUp.campaign_id == campaign_id).group_by(SurveyFollowUp.status)).all())
    escalated = session.exec(select(func.count()).select_from(SurveyFollowUp).where(
        SurveyFollowUp.campaign_id == campaign_id,
        SurveyFollowUp.scope == FollowUpScope.ESCALATED,
        SurveyFollowUp.status != FollowUpStatus.WITHDRAWN)).one()[0]
    return FollowUpCounts(*(int(rows.get(s, 0)) for s in (
        FollowUpStatus.OPEN, FollowUpStatus.ANSWERED, FollowUpStatus.REPLIED,
        FollowUpStatus.WITHDRAWN)), escalated=int(escalated))


# --------------------------------------------------------------------------------------
# Handover: follow-ups still waiting, deadlines passed
# --------------------------------------------------------------------------------------

HANDOVER_LIMIT = 30


def handover_items(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    from deskapp.i18n import t

    section = "survey.handover.section"
    items: list[hooks.OpenItem] = []
    today = ctx.end.date()
    for campaign in session.exec(select(SurveyCampaign).where(
            SurveyCampaign.status == CampaignStatus.OPEN)).scalars():
        if campaign.collection_deadline < today:
            items.append(hooks.OpenItem(section, t("survey.handover.deadline_passed",
                                                   title=campaign.title,
                                                   date=campaign.collection_deadline.isoformat()),
                                        hooks.RecordRef("survey_campaign", campaign.id),  # type: ignore[arg-type]
                                        overdue=True))
    query = (select(SurveyFollowUp, Unit.code).join(Unit, Unit.id == SurveyFollowUp.unit_id)
             .where(SurveyFollowUp.status.in_([FollowUpStatus.OPEN, FollowUpStatus.ANSWERED]),
                    SurveyFollowUp.created_at < ctx.end)
             .order_by(SurveyFollowUp.status.desc(), SurveyFollowUp.created_at))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()[0]
    for item, code in session.exec(query.limit(HANDOVER_LIMIT)).all():
        key = "survey.handover.to_reply" if item.status == FollowUpStatus.ANSWERED \
            else "survey.handover.to_answer"
        items.append(hooks.OpenItem(section, t(key, unit=code, opinion=_one_line(item.opinion)),
                                    hooks.RecordRef("survey_followup", item.id),  # type: ignore[arg-type]
                                    since=item.created_at))
    if total > HANDOVER_LIMIT:
        items.append(hooks.OpenItem(section, t("survey.handover.more", n=total - HANDOVER_LIMIT)))
    return items


def _one_line(text: str, width: int = 30) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# --------------------------------------------------------------------------------------
# Monthly figures (the supervisor's monthly report)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFigures:
    campaign_id: int
    title: str
    distribution_rate: float
    recovery_rate: float
    responses: int
    satisfaction_rate: float | None  # every answer pooled
    overall_item_rate: float | None  # the "overall satisfaction" item


@dataclass(frozen=True)
class SurveyMonthSummary:
    year: int
    month: int
    distributed: int  # forms handed out in the month (still counted)
    responses: int  # forms entered in the month and still valid
    replaced: int  # forms entered in the month that a later form replaced
    voided: int  # forms voided in the month
    followups_created: int
    followups_answered: int
    followups_replied: int
    followups_open: int  # created by the month's end and not yet replied/withdrawn then
    campaigns_closed: list[CampaignFigures] = field(default_factory=list)


def _count(session: Session, model: type, *where: object) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(*where)).one()[0])


def monthly_summary(session: Session, *, year: int, month: int) -> SurveyMonthSummary:
    """The month's survey figures, by site-local month, counted in SQL."""
    start, end = clock.month_range(year, month)
    in_month = lambda col: and_(col >= start, col < end)  # noqa: E731
    distributed = _count(session, SurveyDistribution, SurveyDistribution.active == True,  # noqa: E712
                         in_month(SurveyDistribution.at))
    responses = _count(session, SurveyResponse, in_month(SurveyResponse.entered_at),
                       SurveyResponse.status == ResponseStatus.VALID)
    replaced = _count(session, SurveyResponse, in_month(SurveyResponse.entered_at),
                      SurveyResponse.status == ResponseStatus.REPLACED)
    voided = _count(session, SurveyResponse, in_month(SurveyResponse.voided_at))
    created = _count(session, SurveyFollowUp, in_month(SurveyFollowUp.created_at))
    answered = _count(session, SurveyFollowUp, in_month(SurveyFollowUp.answered_at))
    replied = _count(session, SurveyFollowUp, in_month(SurveyFollowUp.replied_at))
    still_open = _count(session, SurveyFollowUp, SurveyFollowUp.created_at < end,
                        or_(SurveyFollowUp.replied_at.is_(None), SurveyFollowUp.replied_at >= end),
                        or_(SurveyFollowUp.withdrawn_at.is_(None),
                            SurveyFollowUp.withdrawn_at >= end))
    closed = session.exec(select(SurveyCampaign).where(in_month(SurveyCampaign.closed_at))
                          .order_by(SurveyCampaign.closed_at)).scalars().all()
    figures = [campaign_figures(session, c.id) for c in closed]  # type: ignore[arg-type]
    return SurveyMonthSummary(year, month, distributed, responses, replaced, voided, created,
                              answered, replied, still_open, figures)


def campaign_figures(session: Session, campaign_id: int) -> CampaignFigures:
    campaign = get_campaign(session, campaign_id)
    figures = progress(session, campaign_id)
    tallies = item_tallies(session, campaign_id)
    overall = Tally()
    for tally in tallies.values():
        overall = overall + tally
    overall_item = session.exec(select(SurveyItem.id).where(
        SurveyItem.form_id == campaign.form_id, SurveyItem.code == "overall")).scalars().first()
    item_rate = tallies[overall_item].satisfaction_rate if overall_item in tallies else None
    return CampaignFigures(campaign_id, campaign.title, figures.distribution_rate,
                           figures.recovery_rate, figures.responses, overall.satisfaction_rate,
                           item_rate)


# --------------------------------------------------------------------------------------
# Bulk helpers for lists
# --------------------------------------------------------------------------------------


def responded_unit_ids(session: Session, campaign_id: int) -> set[int]:
    return set(session.exec(select(distinct(SurveyResponse.unit_id)).where(
        SurveyResponse.campaign_id == campaign_id,
        SurveyResponse.status == ResponseStatus.VALID)).scalars())



# --------------------------------------------------------------------------------------
# Form numbers: the number printed on a unit's blank questionnaire (MY20262-00127 = the
# December 2026 campaign, unit 127), from which survey entry opens that unit directly.
# --------------------------------------------------------------------------------------

_FORM_NUMBER = re.compile(r"^MY(\d{4})([12])-(\d{1,7})$")


def form_number(campaign: SurveyCampaign, unit_id: int) -> str:
    """The questionnaire number of ``unit_id`` in ``campaign``."""
    return f"MY{campaign.year}{campaign.half}-{unit_id:05d}"


def is_form_number(text: str) -> bool:
    return _FORM_NUMBER.match(text.strip().upper()) is not None


def unit_of_form_number(session: Session, *, campaign_id: int, text: str) -> int:
    """The unit a printed questionnaire number belongs to, checked against the campaign
    being entered: a form of another campaign is refused with the campaign it belongs to."""
    found = _FORM_NUMBER.match(text.strip().upper())
    if found is None:
        raise ValidationError("survey.formno.bad", field="formno", text=text.strip())
    year, half, unit_id = int(found.group(1)), int(found.group(2)), int(found.group(3))
    campaign = get_campaign(session, campaign_id)
    if (campaign.year, campaign.half) != (year, half):
        raise ValidationError("survey.formno.other_campaign", field="formno",
                              title=campaign_title(year, half), current=campaign.title)
    if session.get(Unit, unit_id) is None:
        raise ValidationError("survey.formno.no_unit", field="formno", text=text.strip())
    return unit_id


def questionnaire_units(session: Session, campaign_id: int) -> list[int]:
    """The units a campaign's blank questionnaires are printed for, in building, floor and
    room order: the units it was distributed to, else every unit not excluded."""
    distributed = select(SurveyDistribution.unit_id).where(
        SurveyDistribution.campaign_id == campaign_id, SurveyDistribution.active == True)  # noqa: E712
    excluded = select(SurveyExclusion.unit_id).where(
        SurveyExclusion.campaign_id == campaign_id, SurveyExclusion.active == True)  # noqa: E712
    order = (Unit.building_id, Unit.entrance, Unit.floor, Unit.room)
    ids = list(session.exec(select(Unit.id).where(Unit.id.in_(distributed))  # type: ignore[union-attr]
                            .order_by(*order)).scalars())
    if ids:
        return ids
    return list(session.exec(select(Unit.id).where(Unit.id.not_in(excluded))  # type: ignore[union-attr]
                             .order_by(*order)).scalars())
