"""Reception (前台接待): the contact log, repair work orders (维修工作单), desk shifts and
their handover records (交接记录)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from deskapp.db.types import LocalDateTime, enum_type


class ContactChannel(StrEnum):
    PHONE = "phone"  # 电话
    WALK_IN = "walk_in"  # 亲临
    LETTER = "letter"  # 信函
    EMAIL = "email"  # 电子邮件
    VIA_STAFF = "via_staff"  # 通过物业服务人员


class ContactKind(StrEnum):
    ENQUIRY = "enquiry"  # 咨询
    REPAIR = "repair"  # 报修
    COMPLAINT = "complaint"  # 投诉
    HELP = "help"  # 求助
    SUGGESTION = "suggestion"  # 建议
    MESSAGE = "message"  # 留言
    SERVICE = "service"  # 增值服务
    FEE_REMINDER = "fee_reminder"  # 催缴
    VISITOR = "visitor"  # 来访
    OTHER = "other"  # 其他


class ContactStatus(StrEnum):
    DONE = "done"  # 已办结
    PENDING = "pending"  # 待处理
    HANDED_OVER = "handed_over"  # 已转交


class Contact(SQLModel, table=True):
    """One contact at the desk. ``unit_code``/``building_id`` are copied from the unit so
    the list filters and searches without joins at a million rows."""

    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_at", "at"),
        Index("ix_contact_kind_at", "kind", "at"),
        Index("ix_contact_status_at", "status", "at"),
        Index("ix_contact_staff_at", "staff_id", "at"),
        Index("ix_contact_building_at", "building_id", "at"),
        Index("ix_contact_unit_at", "unit_id", "at"),
        Index("ix_contact_shift", "shift_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: LocalDateTime
    channel: ContactChannel = Field(sa_type=enum_type(ContactChannel))
    kind: ContactKind = Field(sa_type=enum_type(ContactKind))
    status: ContactStatus = Field(default=ContactStatus.DONE, sa_type=enum_type(ContactStatus))
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    unit_code: str = Field(default="", max_length=40)
    building_id: int | None = Field(default=None, foreign_key="building.id")
    person_name: str = Field(default="", max_length=50)
    phone: str = Field(default="", max_length=30)
    content: str = Field(max_length=2000)
    action_taken: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=500)
    staff_id: int = Field(foreign_key="staff.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id")
    linked_kind: str = Field(default="", max_length=40)
    linked_id: int | None = None
    created_at: LocalDateTime
    updated_at: LocalDateTime | None = None
    updated_by: int | None = Field(default=None, foreign_key="staff.id")


class WorkOrderCategory(StrEnum):
    WATER = "water"  # 水
    ELECTRICITY = "electricity"  # 电
    DOORS_WINDOWS = "doors_windows"  # 门窗
    LIFT = "lift"  # 电梯
    PUBLIC_AREA = "public_area"  # 公共区域
    PAID_IN_HOME = "paid_in_home"  # 户内有偿维修
    OTHER = "other"  # 其他


class WorkOrderUrgency(StrEnum):
    URGENT = "urgent"  # 紧急
    NORMAL = "normal"  # 一般
    SCHEDULED = "scheduled"  # 预约


class WorkOrderStatus(StrEnum):
    CREATED = "created"  # 已开单
    DISPATCHED = "dispatched"  # 已派工
    COMPLETED = "completed"  # 已完工（待回访）
    VISITED = "visited"  # 已回访
    CLOSED = "closed"  # 已关闭
    CANCELLED = "cancelled"  # 已作废


class WorkOrder(SQLModel, table=True):
    """A maintenance work order sent to engineering (工程部). ``due_at`` is fixed when the
    order is opened (time limit of its urgency), so a later change of the limits never
    rewrites past orders."""

    __tablename__ = "work_order"
    __table_args__ = (
        Index("ix_work_order_created", "created_at"),
        Index("ix_work_order_status_due", "status", "due_at"),
        Index("ix_work_order_building", "building_id", "created_at"),
        Index("ix_work_order_completed", "completed_at"),
        Index("ix_work_order_visited", "visited_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    unit_code: str = Field(default="", max_length=40)
    building_id: int | None = Field(default=None, foreign_key="building.id")
    location: str = Field(default="", max_length=100)
    category: WorkOrderCategory = Field(sa_type=enum_type(WorkOrderCategory))
    urgency: WorkOrderUrgency = Field(sa_type=enum_type(WorkOrderUrgency))
    description: str = Field(max_length=2000)
    requester_name: str = Field(default="", max_length=50)
    requester_phone: str = Field(default="", max_length=30)
    status: WorkOrderStatus = Field(default=WorkOrderStatus.CREATED,
                                    sa_type=enum_type(WorkOrderStatus))
    limit_hours: int
    due_at: LocalDateTime
    created_at: LocalDateTime
    created_by: int = Field(foreign_key="staff.id")
    dispatched_at: LocalDateTime | None = None
    dispatched_by: int | None = Field(default=None, foreign_key="staff.id")
    assignee: str = Field(default="", max_length=50)
    completed_at: LocalDateTime | None = None
    completed_by: int | None = Field(default=None, foreign_key="staff.id")
    result: str = Field(default="", max_length=1000)
    materials: str = Field(default="", max_length=500)
    charge_fen: int = 0
    visited_at: LocalDateTime | None = None
    visited_by: int | None = Field(default=None, foreign_key="staff.id")
    satisfaction: int | None = None
    visit_comment: str = Field(default="", max_length=500)
    closed_at: LocalDateTime | None = None
    closed_by: int | None = Field(default=None, foreign_key="staff.id")
    cancelled_at: LocalDateTime | None = None
    cancelled_by: int | None = Field(default=None, foreign_key="staff.id")
    cancel_reason: str = Field(default="", max_length=200)


class Shift(SQLModel, table=True):
    """A desk's shift: opens at the first login at the desk, closes when its handover is
    written. Everyone who logs in at the desk meanwhile joins it (:class:`ShiftMember`)."""

    __tablename__ = "shift"
    __table_args__ = (Index("ix_shift_desk_closed", "desk", "closed_at"),)
    id: int | None = Field(default=None, primary_key=True)
    desk: str = Field(max_length=40)
    opened_at: LocalDateTime = Field(index=True)
    opened_by: int = Field(foreign_key="staff.id")
    closed_at: LocalDateTime | None = None
    closed_by: int | None = Field(default=None, foreign_key="staff.id")


class ShiftMember(SQLModel, table=True):
    __tablename__ = "shift_member"
    shift_id: int = Field(foreign_key="shift.id", primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    joined_at: LocalDateTime


class HandoverStatus(StrEnum):
    WRITTEN = "written"  # 待接班确认
    CONFIRMED = "confirmed"  # 已确认


class Handover(SQLModel, table=True):
    """The handover record of one shift. ``summary`` is a JSON snapshot of the figures and
    open items when it was written; once confirmed nothing of it changes."""

    __tablename__ = "handover"
    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shift.id", unique=True)
    desk: str = Field(max_length=40)
    period_start: LocalDateTime
    period_end: LocalDateTime = Field(index=True)
    written_by: int = Field(foreign_key="staff.id", index=True)
    notes: str = Field(default="", max_length=2000)
    summary: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    status: HandoverStatus = Field(default=HandoverStatus.WRITTEN,
                                   sa_type=enum_type(HandoverStatus))
    confirmed_at: LocalDateTime | None = None
    confirmed_by: int | None = Field(default=None, foreign_key="staff.id")
    # 已阅: a supervisor has read it in the handover log (who, when; the latest reader)
    reviewed_at: LocalDateTime | None = None
    reviewed_by: int | None = Field(default=None, foreign_key="staff.id")
