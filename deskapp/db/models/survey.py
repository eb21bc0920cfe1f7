"""Satisfaction survey (客户满意度调查): forms, campaigns, distribution, responses, answers
and the follow-up of opinions (意见整改).

- A :class:`SurveyForm` is a versioned questionnaire; its :class:`SurveyItem` rows (section,
  item, order) are data. A campaign points at one form, so an old campaign keeps the form it
  was run with when the form changes (a change is a new form, never an edit).
- Distribution and exclusion are one row per (campaign, unit); cancelling keeps the row
  (``active`` false) with who, when and why.
- A :class:`SurveyResponse` is one returned paper form; its ratings are
  :class:`SurveyAnswer` rows (1–5; an unanswered item has no row). A second form for the
  same unit replaces the first (status ``replaced``, ``replaced_by_id``); a response is
  never edited or deleted.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from deskapp.db.types import LocalDateTime, enum_type


class CampaignStatus(StrEnum):
    OPEN = "open"  # distributing and collecting
    CLOSED = "closed"  # collection closed: statistics are final
    REPORTED = "reported"  # analysis report submitted


class ResponseStatus(StrEnum):
    VALID = "valid"
    REPLACED = "replaced"  # a later form for the same unit replaced it
    VOIDED = "voided"


class FollowUpScope(StrEnum):
    IN_SCOPE = "in_scope"  # within the company's service scope: the project manager fixes it
    ESCALATED = "escalated"  # a matter for the developer or the group (开发商、集团)


class FollowUpStatus(StrEnum):
    OPEN = "open"  # waiting for the official answer
    ANSWERED = "answered"  # official answer recorded; the owner may now be told
    REPLIED = "replied"  # the owner has had the reply
    WITHDRAWN = "withdrawn"


class OpinionQuestion(StrEnum):
    IMPROVE = "improve"  # 有待改进的方面
    ADD = "add"  # 还应提供哪些服务
    OTHER = "other"  # 其他意见或建议


class SurveyForm(SQLModel, table=True):
    __tablename__ = "survey_form"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    version: int = 1
    created_at: LocalDateTime
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")


class SurveyItem(SQLModel, table=True):
    __tablename__ = "survey_item"
    __table_args__ = (UniqueConstraint("form_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    form_id: int = Field(foreign_key="survey_form.id", index=True)
    section_no: int
    section: str = Field(max_length=40)  # 服务人员仪态
    section_en: str = Field(default="", max_length=80)
    position: int  # order on the form, 1..n across sections
    code: str = Field(max_length=30)  # stable across form versions: compares campaigns
    title: str = Field(max_length=60)  # 客户服务员
    title_en: str = Field(default="", max_length=100)


class SurveyCampaign(SQLModel, table=True):
    __tablename__ = "survey_campaign"
    __table_args__ = (UniqueConstraint("year", "half"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    half: int  # 1 = June (上半年), 2 = December (下半年)
    title: str = Field(max_length=100)
    form_id: int = Field(foreign_key="survey_form.id")
    distribution_date: date
    collection_deadline: date  # 10 working days after distribution
    statistics_due: date  # 3 working days after the collection deadline
    report_due: date  # end of the following month
    status: CampaignStatus = Field(default=CampaignStatus.OPEN,
                                   sa_type=enum_type(CampaignStatus), index=True)
    note: str = Field(default="", max_length=500)
    created_at: LocalDateTime
    created_by_id: int = Field(foreign_key="staff.id")
    closed_at: LocalDateTime | None = None
    closed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    reported_at: LocalDateTime | None = None
    reported_by_id: int | None = Field(default=None, foreign_key="staff.id")
    reopen_reason: str = Field(default="", max_length=200)


class SurveyDistribution(SQLModel, table=True):
    """A form handed to a unit (``active``) — or the record that it was cancelled."""

    __tablename__ = "survey_distribution"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="survey_campaign.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    distributed_on: date
    by_id: int = Field(foreign_key="staff.id")
    at: LocalDateTime
    active: bool = True
    cancelled_at: LocalDateTime | None = None
    cancelled_by_id: int | None = Field(default=None, foreign_key="staff.id")
    cancel_reason: str = Field(default="", max_length=200)


class SurveyExclusion(SQLModel, table=True):
    """A unit left out of the valid units of a campaign (vacant …), with the reason."""

    __tablename__ = "survey_exclusion"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="survey_campaign.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    reason: str = Field(max_length=200)
    by_id: int = Field(foreign_key="staff.id")
    at: LocalDateTime
    active: bool = True
    lifted_at: LocalDateTime | None = None
    lifted_by_id: int | None = Field(default=None, foreign_key="staff.id")


class SurveyResponse(SQLModel, table=True):
    __tablename__ = "survey_response"
    __table_args__ = (
        # At most one valid response per unit and campaign.
        Index("uq_survey_response_valid", "campaign_id", "unit_id", unique=True,
              sqlite_where=text("status = 'valid'"), postgresql_where=text("status = 'valid'")),
        Index("ix_survey_response_campaign_entered", "campaign_id", "entered_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="survey_campaign.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    status: ResponseStatus = Field(default=ResponseStatus.VALID, sa_type=enum_type(ResponseStatus))
    respondent_name: str = Field(max_length=50)
    respondent_phone: str = Field(max_length=30)
    filled_on: date
    improve: str = Field(default="", max_length=1000)
    add_services: str = Field(default="", max_length=1000)
    other: str = Field(default="", max_length=1000)
    answered: int = 0  # rated items (1–5) on this form
    entered_by_id: int = Field(foreign_key="staff.id")
    entered_at: LocalDateTime = Field(index=True)
    replaced_by_id: int | None = Field(default=None, foreign_key="survey_response.id")
    voided_at: LocalDateTime | None = None
    voided_by_id: int | None = Field(default=None, foreign_key="staff.id")
    void_reason: str = Field(default="", max_length=200)


class SurveyAnswer(SQLModel, table=True):
    __tablename__ = "survey_answer"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="ck_survey_answer_score"),
        Index("ix_survey_answer_item_score", "item_id", "score"),
    )
    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="survey_response.id", index=True)
    item_id: int = Field(foreign_key="survey_item.id")
    score: int


class SurveyFollowUp(SQLModel, table=True):
    """One opinion of one owner, followed up until the owner has had the reply."""

    __tablename__ = "survey_followup"
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="survey_campaign.id", index=True)
    response_id: int = Field(foreign_key="survey_response.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    question: OpinionQuestion = Field(sa_type=enum_type(OpinionQuestion))
    opinion: str = Field(max_length=1000)
    department: str = Field(max_length=40)
    scope: FollowUpScope = Field(default=FollowUpScope.IN_SCOPE, sa_type=enum_type(FollowUpScope))
    status: FollowUpStatus = Field(default=FollowUpStatus.OPEN,
                                   sa_type=enum_type(FollowUpStatus), index=True)
    created_at: LocalDateTime = Field(index=True)
    created_by_id: int = Field(foreign_key="staff.id")
    answer: str = Field(default="", max_length=1000)
    answered_at: LocalDateTime | None = None
    answered_by_id: int | None = Field(default=None, foreign_key="staff.id")
    reply: str = Field(default="", max_length=1000)
    reply_channel: str = Field(default="", max_length=20)
    replied_at: LocalDateTime | None = None
    replied_by_id: int | None = Field(default=None, foreign_key="staff.id")
    withdraw_reason: str = Field(default="", max_length=200)
    withdrawn_at: LocalDateTime | None = None
    withdrawn_by_id: int | None = Field(default=None, foreign_key="staff.id")
