"""Record-list sources of the survey screen: campaigns, units with their distribution
state, returned forms and follow-up items. Each is a :class:`SqlListSource`, so the list
counts and reads one page at a time (see :mod:`deskapp.services.listing`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, func, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from deskapp.db.models import Building, Occupant, OccupantKind, Staff, Unit
from deskapp.db.models.survey import (
    CampaignStatus,
    FollowUpScope,
    FollowUpStatus,
    OpinionQuestion,
    ResponseStatus,
    SurveyCampaign,
    SurveyDistribution,
    SurveyExclusion,
    SurveyFollowUp,
    SurveyResponse,
)
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.reporting.table import format_percent, percent
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource


def _pct(part: int, whole: int) -> str:
    return format_percent(percent(part, whole))


class CampaignSource(SqlListSource):
    columns = [
        ListColumn("id", "survey.col.id", 4, "right"),
        ListColumn("title", "survey.col.title", 30, priority=0, min_width=20),
        ListColumn("status", "survey.col.status", 10, priority=0,
                   fits=("survey.status.",)),
        ListColumn("distribution", "survey.col.distribution_date", 12),
        ListColumn("deadline", "survey.col.deadline", 12),
        ListColumn("distributed", "survey.col.distributed", 8, "right"),
        ListColumn("responses", "survey.col.responses", 8, "right"),
        ListColumn("recovery", "survey.col.recovery", 8, "right"),
    ]
    filters: list[FilterSpec] = []
    model = SurveyCampaign
    order_by = (col(SurveyCampaign.year).desc(), col(SurveyCampaign.half).desc(),
                col(SurveyCampaign.id).desc())
    search_columns = ("title",)

    def select(self) -> AnySelect:
        distributed = (select(func.count()).select_from(SurveyDistribution)
                       .where(col(SurveyDistribution.campaign_id) == SurveyCampaign.id,
                              col(SurveyDistribution.active) == True)  # noqa: E712
                       .scalar_subquery())
        responses = (select(func.count()).select_from(SurveyResponse)
                     .where(col(SurveyResponse.campaign_id) == SurveyCampaign.id,
                            col(SurveyResponse.status) == ResponseStatus.VALID,
                            exists().where(
                                col(SurveyDistribution.campaign_id) == SurveyCampaign.id,
                                col(SurveyDistribution.unit_id) == SurveyResponse.unit_id,
                                col(SurveyDistribution.active) == True))  # noqa: E712
                     .scalar_subquery())
        return select(SurveyCampaign, distributed.label("distributed"),
                      responses.label("responses"))

    def to_row(self, item: Any) -> ListRow:
        campaign, distributed, responses = item
        style = "muted" if campaign.status == CampaignStatus.REPORTED else ""
        return ListRow(campaign.id, (
            str(campaign.id), campaign.title, t(f"survey.status.{campaign.status.value}"),
            campaign.distribution_date.isoformat(), campaign.collection_deadline.isoformat(),
            str(distributed), str(responses), _pct(responses, distributed)), style)


UNIT_STATES = ("none", "distributed", "waiting", "responded", "excluded")


class UnitStateSource(SqlListSource):
    """Every unit with its state in one campaign: not yet given a form, given one (waiting
    for it), form back, or excluded — the desk's distribution and chase list."""

    columns = [
        ListColumn("code", "survey.col.unit", 12),
        ListColumn("building", "survey.col.building", 16),
        ListColumn("floor", "survey.col.floor", 5, "right"),
        ListColumn("owner", "survey.col.owner", 10),
        ListColumn("phone", "survey.col.phone", 13),
        ListColumn("state", "survey.col.state", 10),
        ListColumn("date", "survey.col.distributed_on", 12),
        ListColumn("note", "survey.col.note", 20),
    ]
    model = Unit
    # Building order (not "newest first"): the list reads like the unit register.
    order_by = (col(Building.sort).asc(), col(Building.code).asc(), col(Unit.entrance).asc(),
                col(Unit.floor).asc(), col(Unit.room).asc(), col(Unit.id).asc())
    search_columns = ("code",)

    def __init__(self, campaign_id: int, buildings: list[tuple[str, str]]) -> None:
        self.campaign_id = campaign_id
        self.filters = [
            FilterSpec("building", "survey.col.building", "choice", buildings),
            FilterSpec("state", "survey.col.state", "choice",
                       [(s, t(f"survey.state.{s}")) for s in UNIT_STATES]),
        ]
        self._dist = (select(col(SurveyDistribution.unit_id).label("unit_id"),
                             col(SurveyDistribution.distributed_on).label("on"))
                      .where(col(SurveyDistribution.campaign_id) == campaign_id,
                             col(SurveyDistribution.active) == True)  # noqa: E712
                      .subquery("dist"))
        self._excl = (select(col(SurveyExclusion.unit_id).label("unit_id"),
                             col(SurveyExclusion.reason).label("reason"))
                      .where(col(SurveyExclusion.campaign_id) == campaign_id,
                             col(SurveyExclusion.active) == True)  # noqa: E712
                      .subquery("excl"))
        self._resp = (select(col(SurveyResponse.unit_id).label("unit_id"))
                      .where(col(SurveyResponse.campaign_id) == campaign_id,
                             col(SurveyResponse.status) == ResponseStatus.VALID)
                      .subquery("resp"))

    def select(self) -> AnySelect:
        owner = (select(col(Occupant.name)).where(col(Occupant.unit_id) == Unit.id,
                                                  col(Occupant.active) == True,  # noqa: E712
                                                  col(Occupant.kind) == OccupantKind.OWNER)
                 .order_by(col(Occupant.id)).limit(1).scalar_subquery())
        phone = (select(col(Occupant.phone)).where(col(Occupant.unit_id) == Unit.id,
                                                   col(Occupant.active) == True,  # noqa: E712
                                                   col(Occupant.kind) == OccupantKind.OWNER)
                 .order_by(col(Occupant.id)).limit(1).scalar_subquery())
        return (select(col(Unit.id), col(Unit.code), col(Building.name), col(Unit.floor),
                       col(Unit.vacant),
                       owner.label("owner"), phone.label("phone"), self._dist.c.on,
                       self._excl.c.reason, self._resp.c.unit_id.label("responded"))
                .join(Building, col(Building.id) == Unit.building_id)
                .outerjoin(self._dist, self._dist.c.unit_id == col(Unit.id))
                .outerjoin(self._excl, self._excl.c.unit_id == col(Unit.id))
                .outerjoin(self._resp, self._resp.c.unit_id == col(Unit.id)))

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        if key == "building":
            return col(Building.code) == str(value)
        if key == "state":
            dist, excl, resp = (self._dist.c.unit_id, self._excl.c.unit_id,
                                self._resp.c.unit_id)
            return {
                "none": and_(dist.is_(None), excl.is_(None), resp.is_(None)),
                "distributed": dist.is_not(None),
                "waiting": and_(dist.is_not(None), resp.is_(None)),
                "responded": resp.is_not(None),
                "excluded": excl.is_not(None),
            }.get(str(value), true())
        return None

    def to_row(self, item: Any) -> ListRow:
        unit_id, code, building, floor, vacant, owner, phone, on, reason, responded = item
        if reason is not None:
            state, style, note = "excluded", "muted", reason
        elif responded is not None:
            state, style, note = "responded", "", ""
        elif on is not None:
            state, style, note = "waiting", "warning", ""
        else:
            state, style, note = "none", "", t("survey.unit.vacant") if vacant else ""
        if responded is not None and on is None:
            style, note = "warning", t("survey.flag.not_distributed")
        return ListRow(unit_id, (code, building, str(floor), owner or "",
                                 mask_phone(phone) if phone else "",
                                 t(f"survey.state.{state}"), on.isoformat() if on else "",
                                 note), style)


class ResponseSource(SqlListSource):
    """Returned forms of one campaign, newest entry first."""

    columns = [
        ListColumn("id", "survey.col.id", 6, "right"),
        ListColumn("unit", "survey.col.unit", 12),
        ListColumn("name", "survey.col.respondent", 10),
        ListColumn("phone", "survey.col.phone", 13),
        ListColumn("filled", "survey.col.filled_on", 10),
        ListColumn("answered", "survey.col.answered", 6, "right"),
        ListColumn("status", "survey.col.status", 8),
        ListColumn("flag", "survey.col.note", 14),
        ListColumn("by", "survey.col.entered_by", 8),
        ListColumn("at", "survey.col.entered_at", 16),
    ]
    model = SurveyResponse
    order_by = (col(SurveyResponse.entered_at).desc(), col(SurveyResponse.id).desc())
    search_like_columns = (col(Unit.code), col(SurveyResponse.respondent_name),
                           col(SurveyResponse.improve),
                           col(SurveyResponse.add_services), col(SurveyResponse.other))

    def __init__(self, campaign_id: int) -> None:
        self.campaign_id = campaign_id
        self.filters = [FilterSpec("status", "survey.col.status", "choice",
                                   [(s.value, t(f"survey.response.status.{s.value}"))
                                    for s in ResponseStatus])]

    def select(self) -> AnySelect:
        distributed = exists().where(
            col(SurveyDistribution.campaign_id) == SurveyResponse.campaign_id,
            col(SurveyDistribution.unit_id) == SurveyResponse.unit_id,
            col(SurveyDistribution.active) == True)  # noqa: E712
        return (select(SurveyResponse, col(Unit.code), col(Staff.name),
                       distributed.label("distributed"))
                .join(Unit, col(Unit.id) == SurveyResponse.unit_id)
                .join(Staff, col(Staff.id) == SurveyResponse.entered_by_id)
                .where(col(SurveyResponse.campaign_id) == self.campaign_id))

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        if key == "status":
            return col(SurveyResponse.status) == ResponseStatus(str(value))
        return None

    def to_row(self, item: Any) -> ListRow:
        response, code, by, distributed = item
        flag = "" if distributed else t("survey.flag.not_distributed")
        style = {ResponseStatus.VALID: "warning" if flag else "",
                 ResponseStatus.REPLACED: "muted", ResponseStatus.VOIDED: "muted"}[response.status]
        return ListRow(response.id, (
            str(response.id), code, response.respondent_name,
            mask_phone(response.respondent_phone), response.filled_on.isoformat(),
            str(response.answered), t(f"survey.response.status.{response.status.value}"),
            flag, by, response.entered_at.strftime("%Y-%m-%d %H:%M")), style)


class FollowUpSource(SqlListSource):
    """Follow-up items of one campaign, newest first."""

    columns = [
        ListColumn("id", "survey.col.id", 5, "right"),
        ListColumn("unit", "survey.col.unit", 12),
        ListColumn("question", "survey.col.question", 10),
        ListColumn("opinion", "survey.col.opinion", 34),
        ListColumn("department", "survey.col.department", 10),
        ListColumn("scope", "survey.col.scope", 10),
        ListColumn("status", "survey.col.status", 10),
        ListColumn("created", "survey.col.created", 10),
    ]
    model = SurveyFollowUp
    order_by = (col(SurveyFollowUp.created_at).desc(), col(SurveyFollowUp.id).desc())
    search_like_columns = (col(Unit.code), col(SurveyFollowUp.opinion),
                           col(SurveyFollowUp.department),
                           col(SurveyFollowUp.answer), col(SurveyFollowUp.reply))

    def __init__(self, campaign_id: int) -> None:
        self.campaign_id = campaign_id
        self.filters = [
            FilterSpec("status", "survey.col.status", "choice",
                       [(s.value, t(f"survey.followup.status.{s.value}")) for s in FollowUpStatus]),
            FilterSpec("scope", "survey.col.scope", "choice",
                       [(s.value, t(f"survey.scope.{s.value}")) for s in FollowUpScope]),
        ]

    def select(self) -> AnySelect:
        return (select(SurveyFollowUp, col(Unit.code))
                .join(Unit, col(Unit.id) == SurveyFollowUp.unit_id)
                .where(col(SurveyFollowUp.campaign_id) == self.campaign_id))

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        if key == "status":
            return col(SurveyFollowUp.status) == FollowUpStatus(str(value))
        if key == "scope":
            return col(SurveyFollowUp.scope) == FollowUpScope(str(value))
        return None

    def to_row(self, item: Any) -> ListRow:
        followup, code = item
        style = {FollowUpStatus.OPEN: "warning", FollowUpStatus.ANSWERED: "overdue",
                 FollowUpStatus.REPLIED: "", FollowUpStatus.WITHDRAWN: "muted"}[followup.status]
        return ListRow(followup.id, (
            str(followup.id), code, t(f"survey.question.short.{followup.question.value}"),
            followup.opinion, followup.department, t(f"survey.scope.{followup.scope.value}"),
            t(f"survey.followup.status.{followup.status.value}"),
            followup.created_at.date().isoformat()), style)


def building_choices(session: Any) -> list[tuple[str, str]]:
    return [(b.code, b.name) for b in session.execute(
        select(Building).order_by(col(Building.sort), col(Building.code))).scalars()]


__all__ = ["CampaignSource", "FollowUpSource", "OpinionQuestion", "ResponseSource",
           "UnitStateSource", "building_choices"]
