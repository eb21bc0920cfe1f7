"""Complaints (投诉处理, SPEC §4) and return visits / opinion solicitation (回访与意见征询,
SPEC §5).

- ``complaint_category`` — the configurable list of categories (内容) with their deadlines.
- ``complaint`` — one registered complaint (客户投诉受理登记表) and where its workflow stands.
  Figures the monthly analysis needs (minutes to first response and to close) are stored
  when the step happens, so the analysis is plain SQL at any size.
- ``complaint_event`` — the timeline: every step with who, when, from/to state and a note.
- ``service_visit`` — a return visit (回访) of a complaint, a scheduled visit or a
  walk-around (走访), with topic ratings (回访情况记录表).
- ``visit_opinion`` — one opinion collected on a visit and what became of it: answered on
  the spot, turned into a complaint, or handed to a department until its rectification
  result (整改结果) comes back.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from deskapp.db.models.reception import ContactChannel
from deskapp.db.types import LocalDateTime, enum_type

__all__ = [
    "Complaint",
    "ComplaintCategory",
    "ComplaintEvent",
    "ComplaintState",
    "ContactChannel",
    "EscalationTarget",
    "EventKind",
    "OpinionHandling",
    "ReplyMethod",
    "ServiceVisit",
    "VisitKind",
    "VisitOpinion",
    "VisitTopic",
]


class ComplaintState(StrEnum):
    REGISTERED = "registered"  # 已受理登记, awaiting classification
    VALID = "valid"  # 判定有效, awaiting investigation
    INVALID = "invalid"  # 判定无效, awaiting the reply with the reason
    INVESTIGATED = "investigated"  # 已调查分析, awaiting the responsible party
    ASSIGNED = "assigned"  # 已确定责任人, awaiting the solution
    SOLUTION = "solution"  # 已有处理方案, awaiting the reply to the customer
    REPLIED = "replied"  # 已回复客户: valid → return visit; invalid → archive
    VISITED = "visited"  # 已回访（满意）, awaiting archive
    ARCHIVED = "archived"  # 已归档


class EscalationTarget(StrEnum):
    SUPERVISOR = "supervisor"  # 客服主管
    DIRECTOR = "director"  # 服务中心总监


class ReplyMethod(StrEnum):
    PHONE = "phone"  # 电话
    EMAIL = "email"  # 电子邮件
    VISIT = "visit"  # 走访/当面


class EventKind(StrEnum):
    REGISTERED = "registered"
    CLASSIFIED = "classified"
    INVESTIGATED = "investigated"
    RESPONSIBLE = "responsible"
    SOLUTION = "solution"
    REPLIED = "replied"
    RETURN_VISIT = "return_visit"
    REOPENED = "reopened"
    ARCHIVED = "archived"
    TAKEN_OVER = "taken_over"
    REASSIGNED = "reassigned"
    ESCALATED = "escalated"
    OVERDUE = "overdue"
    NOTE = "note"
    AMENDED = "amended"


class ComplaintCategory(SQLModel, table=True):
    """A category (内容) and its deadlines. ``code`` is stable (reports group by it);
    ``name`` is what the desk sees. Hours may be overridden per site in settings.toml
    (``complaints.first_response_hours.<code>``, ``complaints.close_hours.<code>``)."""

    __tablename__ = "complaint_category"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    name: str = Field(max_length=40)
    first_response_hours: int = 24
    close_hours: int = 72
    active: bool = True
    sort: int = 0


class Complaint(SQLModel, table=True):
    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_received", "received_at"),
        Index("ix_complaint_state_received", "state", "received_at"),
        Index("ix_complaint_owner_received", "owner_id", "received_at"),
        Index("ix_complaint_owner_open", "owner_id", "closed_at", "received_at"),
        Index("ix_complaint_category_received", "category_code", "received_at"),
        Index("ix_complaint_dept_received", "responsible_department", "received_at"),
        Index("ix_complaint_unit", "unit_id"),
        Index("ix_complaint_open_frd", "closed_at", "first_response_due"),
        Index("ix_complaint_open_close_due", "closed_at", "close_due"),
        Index("ix_complaint_closed", "closed_at"),
        Index("ix_complaint_replied", "replied_at"),
        Index("ix_complaint_contact", "contact_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # TS2026-0001
    received_at: LocalDateTime  # 投诉时间 (site-local)
    registered_at: LocalDateTime
    place: str = Field(default="", max_length=100)  # 地点
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    unit_code: str = Field(default="", max_length=40)  # copied for list and search
    floor: str = Field(default="", max_length=20)  # 楼层
    complainant_name: str = Field(max_length=50)
    complainant_phone: str = Field(default="", max_length=30)
    phone_tail: str = Field(default="", max_length=4)
    target_person: str = Field(default="", max_length=50)  # 被投诉人
    target_department: str = Field(default="", max_length=40)  # 被投诉部门
    content: str = Field(max_length=2000)
    request: str = Field(default="", max_length=1000)  # 客户要求
    channel: ContactChannel = Field(sa_type=enum_type(ContactChannel))
    category_code: str = Field(max_length=30)
    major: bool = False  # 重大投诉
    # the five clears (五清楚): heard / asked / recorded are ticked at intake; followed and
    # closed back are reached by the workflow (responsible fixed; return visit made).
    heard: bool = False
    asked: bool = False
    recorded: bool = False
    received_by_id: int = Field(foreign_key="staff.id")
    owner_id: int = Field(foreign_key="staff.id")  # the one accountable handler now
    state: ComplaintState = Field(default=ComplaintState.REGISTERED,
                                  sa_type=enum_type(ComplaintState))
    valid: bool | None = None
    invalid_reason: str = Field(default="", max_length=500)
    investigation: str = Field(default="", max_length=2000)
    responsible_department: str = Field(default="", max_length=40)
    responsible_person: str = Field(default="", max_length=50)
    solution: str = Field(default="", max_length=2000)
    reply_method: ReplyMethod | None = Field(default=None, sa_type=enum_type(ReplyMethod))
    reply: str = Field(default="", max_length=2000)
    replied_at: LocalDateTime | None = None
    visited_at: LocalDateTime | None = None  # the satisfied return visit
    satisfaction: int | None = None  # 1..5 from the last return visit
    satisfied: bool | None = None
    reopened: int = 0  # times sent back to handling after an unsatisfied visit
    summary: str = Field(default="", max_length=2000)  # 总结评价 at archiving
    first_response_due: LocalDateTime
    close_due: LocalDateTime
    first_response_at: LocalDateTime | None = None
    first_response_minutes: int | None = None
    closed_at: LocalDateTime | None = None
    close_minutes: int | None = None
    escalated_to: EscalationTarget | None = Field(default=None,
                                                  sa_type=enum_type(EscalationTarget))
    escalated_at: LocalDateTime | None = None
    overdue_at: LocalDateTime | None = None  # when it was first found overdue (auto escalation)
    contact_id: int | None = None  # the reception contact it came from
    visit_opinion_id: int | None = None  # or the visit opinion it came from
    updated_at: LocalDateTime


class ComplaintEvent(SQLModel, table=True):
    """One step on a complaint's timeline. Never edited or deleted."""

    __tablename__ = "complaint_event"
    __table_args__ = (Index("ix_complaint_event_complaint", "complaint_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    at: LocalDateTime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")  # None: the system
    kind: EventKind = Field(sa_type=enum_type(EventKind))
    from_state: ComplaintState | None = Field(default=None, sa_type=enum_type(ComplaintState))
    to_state: ComplaintState | None = Field(default=None, sa_type=enum_type(ComplaintState))
    note: str = Field(default="", max_length=2000)
    target_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    escalated_to: EscalationTarget | None = Field(default=None,
                                                  sa_type=enum_type(EscalationTarget))


class VisitKind(StrEnum):
    COMPLAINT = "complaint"  # 投诉回访
    SCHEDULED = "scheduled"  # 定期回访
    WALKAROUND = "walkaround"  # 不定期走访


class VisitTopic(StrEnum):
    SECURITY = "security"  # 安保
    CLEANING = "cleaning"  # 清洁绿化
    FACILITIES = "facilities"  # 公共设施设备
    FEES = "fees"  # 特约服务费
    CONVENIENCE = "convenience"  # 便捷程度
    ATTITUDE = "attitude"  # 服务态度
    OVERALL = "overall"  # 总体满意度


class ServiceVisit(SQLModel, table=True):
    """回访情况记录表: one visit, its topic ratings (1..5, blank when not asked)."""

    __tablename__ = "service_visit"
    __table_args__ = (
        Index("ix_service_visit_at", "visited_at"),
        Index("ix_service_visit_kind_at", "kind", "visited_at"),
        # complaint_id first, so "has this complaint had a visit by …" is one index probe
        Index("ix_service_visit_complaint_kind_at", "complaint_id", "kind", "visited_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: VisitKind = Field(sa_type=enum_type(VisitKind))
    visited_at: LocalDateTime
    visited_by_id: int = Field(foreign_key="staff.id")
    method: ReplyMethod = Field(default=ReplyMethod.VISIT, sa_type=enum_type(ReplyMethod))
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    unit_code: str = Field(default="", max_length=40)
    person_name: str = Field(default="", max_length=50)
    phone: str = Field(default="", max_length=30)
    satisfied: bool | None = None  # complaint return visits: satisfied with the result?
    score: int | None = None  # complaint return visits: 1..5
    security: int | None = None
    cleaning: int | None = None
    facilities: int | None = None
    fees: int | None = None
    convenience: int | None = None
    attitude: int | None = None
    overall: int | None = None
    note: str = Field(default="", max_length=2000)
    created_at: LocalDateTime


class OpinionHandling(StrEnum):
    ANSWERED = "answered"  # 当场回复
    COMPLAINT = "complaint"  # 转投诉
    DEPARTMENT = "department"  # 通知责任部门整改


class VisitOpinion(SQLModel, table=True):
    __tablename__ = "visit_opinion"
    __table_args__ = (
        Index("ix_visit_opinion_visit", "visit_id"),
        Index("ix_visit_opinion_waiting", "handling", "result_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="service_visit.id")
    topic: VisitTopic = Field(sa_type=enum_type(VisitTopic))
    text: str = Field(max_length=1000)
    handling: OpinionHandling = Field(sa_type=enum_type(OpinionHandling))
    answer: str = Field(default="", max_length=1000)  # the on-the-spot answer
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")
    department: str = Field(default="", max_length=40)
    handed_at: LocalDateTime | None = None
    result: str = Field(default="", max_length=1000)  # 整改结果
    result_at: LocalDateTime | None = None
    result_by_id: int | None = Field(default=None, foreign_key="staff.id")
