"""Distribution of the forms and the valid units (exclusions), and the form numbers
printed on a unit's blank questionnaire."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Building, Occupant, OccupantKind, Role, Staff, Unit
from deskapp.db.models.survey import SurveyCampaign, SurveyDistribution, SurveyExclusion
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.services import audit
from deskapp.services.staff import require_role
from deskapp.services.survey.campaigns import _open_campaign, _reason, campaign_title, get_campaign
from deskapp.services.survey.constants import FILLED_EARLIEST_DAYS
from deskapp.services.survey.responses import _unit_code, valid_response

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
    query = select(col(Unit.id)).where(col(Unit.building_id) == building_id)
    if entrance:
        query = query.where(col(Unit.entrance) == entrance)
    if floor_from is not None:
        query = query.where(col(Unit.floor) >= floor_from)
    if floor_to is not None:
        query = query.where(col(Unit.floor) <= floor_to)
    return list(session.execute(query.order_by(col(Unit.floor), col(Unit.entrance),
                                               col(Unit.room))).scalars())


def units_of_building(session: Session, *, building_code: str, entrance: str | None = None,
                      floor_from: int | None = None, floor_to: int | None = None) -> list[int]:
    """:func:`units_of` for the building with code ``building_code`` (none: no units)."""
    building_id = session.execute(
        select(col(Building.id)).where(col(Building.code) == building_code)).scalars().first()
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
    known = set(session.execute(select(col(Unit.id)).where(col(Unit.id).in_(ids))).scalars())
    if len(known) != len(ids):
        raise NotFound("unit.not_found")
    excluded = set(session.execute(select(col(SurveyExclusion.unit_id)).where(
        col(SurveyExclusion.campaign_id) == campaign_id,
        col(SurveyExclusion.active) == True,  # noqa: E712
        col(SurveyExclusion.unit_id).in_(ids))).scalars())
    rows = {d.unit_id: d for d in session.execute(select(SurveyDistribution).where(
        col(SurveyDistribution.campaign_id) == campaign_id,
        col(SurveyDistribution.unit_id).in_(ids))).scalars()}
    now = clock.now()
    assert by.id is not None
    added = already = 0
    for unit_id in ids:
        if unit_id in excluded:
            continue
        row = rows.get(unit_id)
        if row is not None and row.active:
            already += 1
            continue
        if row is None:
            row = SurveyDistribution(campaign_id=campaign_id, unit_id=unit_id,
                                     distributed_on=on, by_id=by.id, at=now)
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
    row = session.execute(select(SurveyDistribution).where(
        col(SurveyDistribution.campaign_id) == campaign_id,
        col(SurveyDistribution.unit_id) == unit_id,
        col(SurveyDistribution.active) == True)).scalars().first()  # noqa: E712
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
    distributed = session.execute(select(col(SurveyDistribution.unit_id)).where(
        col(SurveyDistribution.campaign_id) == campaign_id,
        col(SurveyDistribution.active) == True,  # noqa: E712
        col(SurveyDistribution.unit_id).in_(ids))).scalars().first()
    if distributed is not None:
        raise Conflict("survey.exclude.distributed", unit=_unit_code(session, distributed))
    rows = {e.unit_id: e for e in session.execute(select(SurveyExclusion).where(
        col(SurveyExclusion.campaign_id) == campaign_id,
        col(SurveyExclusion.unit_id).in_(ids))).scalars()}
    now = clock.now()
    assert by.id is not None
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
    distributed = select(col(SurveyDistribution.unit_id)).where(
        col(SurveyDistribution.campaign_id) == campaign_id,
        col(SurveyDistribution.active) == True)  # noqa: E712
    ids = list(session.execute(select(col(Unit.id)).where(col(Unit.vacant) == True,  # noqa: E712
                                                  col(Unit.id).not_in(distributed))).scalars())
    if not ids:
        require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
        _open_campaign(session, campaign_id)
        return 0
    return exclude_units(session, by=by, campaign_id=campaign_id, unit_ids=ids, reason=reason)


def include_unit(session: Session, *, by: Staff, campaign_id: int, unit_id: int) -> None:
    """Lift an exclusion: the unit counts as a valid unit again."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    _open_campaign(session, campaign_id)
    row = session.execute(select(SurveyExclusion).where(
        col(SurveyExclusion.campaign_id) == campaign_id, col(SurveyExclusion.unit_id) == unit_id,
        col(SurveyExclusion.active) == True)).scalars().first()  # noqa: E712
    if row is None:
        raise InvalidTransition("survey.exclude.not_excluded")
    row.active, row.lifted_at, row.lifted_by_id = False, clock.now(), by.id
    session.add(row)
    audit.record(session, by=by, action="survey.exclude.lift", entity="survey_campaign",
                 entity_id=campaign_id, detail={"unit": unit_id})


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
    dist = session.execute(select(col(SurveyDistribution.distributed_on)).where(
        col(SurveyDistribution.campaign_id) == campaign_id,
        col(SurveyDistribution.unit_id) == unit_id,
        col(SurveyDistribution.active) == True)).scalars().first()  # noqa: E712
    excl = session.execute(select(col(SurveyExclusion.reason)).where(
        col(SurveyExclusion.campaign_id) == campaign_id, col(SurveyExclusion.unit_id) == unit_id,
        col(SurveyExclusion.active) == True)).scalars().first()  # noqa: E712
    response = valid_response(session, campaign_id=campaign_id, unit_id=unit_id)
    owner = session.execute(select(Occupant).where(
        col(Occupant.unit_id) == unit_id, col(Occupant.active) == True)  # noqa: E712
        .order_by(case((col(Occupant.kind) == OccupantKind.OWNER, 0), else_=1), col(Occupant.id))
    ).scalars().first()
    return UnitSurveyState(unit_id, unit.code, dist, excl, response.id if response else None,
                           owner.name if owner else "", owner.phone if owner else "",
                           owner.id if owner else None)


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
    distributed = select(col(SurveyDistribution.unit_id)).where(
        col(SurveyDistribution.campaign_id) == campaign_id,
        col(SurveyDistribution.active) == True)  # noqa: E712
    excluded = select(col(SurveyExclusion.unit_id)).where(
        col(SurveyExclusion.campaign_id) == campaign_id,
        col(SurveyExclusion.active) == True)  # noqa: E712
    order = (col(Unit.building_id), col(Unit.entrance), col(Unit.floor), col(Unit.room))
    ids = list(session.execute(select(col(Unit.id)).where(col(Unit.id).in_(distributed))
                            .order_by(*order)).scalars())
    if ids:
        return ids
    return list(session.execute(select(col(Unit.id)).where(col(Unit.id).not_in(excluded))
                             .order_by(*order)).scalars())
