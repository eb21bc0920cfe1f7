"""Renovation management (装修管理): the filing (装修备案) with its answers, the documents
received, workers and their temporary passes (临时出入证), extensions (延期), completion
inspections (装修核查) and the deposit (装修保证金).

The deposit's money lives in the cashier's bills, receipts and refunds; a filing only
keeps their ids (plain integers: the cashier's tables belong to another area's branch).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from deskapp.db.types import LocalDateTime, enum_type


class WorkKind(StrEnum):
    SIMPLE = "simple"  # 简单装修：铺地板、墙面粉刷、贴墙纸
    GENERAL = "general"  # 一般装修
    SUPPLIER = "supplier"  # 供应商免费服务


class RenovationStatus(StrEnum):
    DRAFT = "draft"  # 填表中
    SUBMITTED = "submitted"  # 已提交（前台复核）
    REVIEWED = "reviewed"  # 装修负责人已审核
    APPROVED = "approved"  # 已备案（协议已签、保证金已收）
    IN_PROGRESS = "in_progress"  # 施工中
    COMPLETION_APPLIED = "completion_applied"  # 已申请核查
    INSPECTED = "inspected"  # 核查合格
    REFUNDED = "refunded"  # 保证金已退
    CLOSED = "closed"  # 已归档
    CANCELLED = "cancelled"  # 已撤销


class TaxStatus(StrEnum):
    UNKNOWN = "unknown"  # 未登记
    PAID = "paid"  # 已交
    UNPAID = "unpaid"  # 未交
    EXEMPT = "exempt"  # 免交


class PassStatus(StrEnum):
    OUT = "out"
    RETURNED = "returned"


class RenovationFiling(SQLModel, table=True):
    """One renovation filing (装修备案表) and its permit."""

    __tablename__ = "renovation_filing"
    __table_args__ = (
        Index("ix_renovation_filing_status_end", "status", "permit_end"),
        Index("ix_renovation_filing_unit", "unit_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # ZX2026-0001
    status: RenovationStatus = Field(default=RenovationStatus.DRAFT,
                                     sa_type=enum_type(RenovationStatus))
    unit_id: int = Field(foreign_key="unit.id")
    unit_code: str = Field(max_length=40)  # copied for search and the archive index
    filed_on: date  # 填表时间
    # owner part (业主填写)
    owner_name: str = Field(max_length=50)
    owner_id_number: str = Field(max_length=18)
    owner_phone: str = Field(max_length=20)
    applicant_is_owner: bool = True
    applicant_name: str = Field(max_length=50)  # 申办人
    applicant_id_number: str = Field(default="", max_length=18)
    applicant_phone: str = Field(default="", max_length=20)
    owner_confirmed_at: LocalDateTime | None = None  # non-owner: consent confirmed with owner
    owner_confirmed_by: int | None = Field(default=None, foreign_key="staff.id")
    owner_confirm_note: str = Field(default="", max_length=200)
    # contractor part (装修单位填写)
    contractor_name: str = Field(max_length=100)
    contractor_credit_code: str = Field(default="", max_length=18)
    contractor_has_licence: bool = True  # 能提供营业执照
    contractor_has_qualification: bool = True  # 能提供承建资格证书
    lead_name: str = Field(max_length=50)
    lead_id_number: str = Field(max_length=18)
    lead_phone: str = Field(max_length=20)
    work_items: str = Field(max_length=500)
    work_kind: WorkKind = Field(default=WorkKind.GENERAL, sa_type=enum_type(WorkKind))
    hot_work: bool = False  # 动火作业
    breaks_waterproofing: bool = False  # 破坏原防水
    changes_lines: bool = False  # 更改水电线路
    # permit
    permit_start: date
    permit_end: date  # current end (inclusive), moved by extensions
    original_end: date
    # workflow marks
    created_at: LocalDateTime
    created_by: int = Field(foreign_key="staff.id")
    submitted_at: LocalDateTime | None = None
    submitted_by: int | None = Field(default=None, foreign_key="staff.id")
    reviewed_at: LocalDateTime | None = None
    reviewed_by: int | None = Field(default=None, foreign_key="staff.id")
    review_officer: str = Field(default="", max_length=50)  # 装修负责人（审核人）
    review_note: str = Field(default="", max_length=500)
    agreement_signed_at: LocalDateTime | None = None  # 装修管理服务协议书 一式三份
    agreement_signed_by: int | None = Field(default=None, foreign_key="staff.id")
    approved_at: LocalDateTime | None = None
    approved_by: int | None = Field(default=None, foreign_key="staff.id")
    certificate_prints: int = 0
    certificate_printed_at: LocalDateTime | None = None
    started_at: LocalDateTime | None = None
    completion_applied_at: LocalDateTime | None = None
    lived_in_since: date | None = None  # 入住日期 (refund: 3 months lived in)
    downstairs_signed_at: LocalDateTime | None = None  # 楼下业主签字认可
    downstairs_signed_by: int | None = Field(default=None, foreign_key="staff.id")
    downstairs_name: str = Field(default="", max_length=50)
    tax_status: TaxStatus = Field(default=TaxStatus.UNKNOWN, sa_type=enum_type(TaxStatus))
    # deposit (money in the cashier's tables)
    deposit_fen: int = 0
    deposit_fee_code: str = Field(default="", max_length=30)
    deposit_bill_id: int | None = None
    deposit_receipt_id: int | None = None
    deposit_receipt_no: str = Field(default="", max_length=40)
    deposit_paid_at: LocalDateTime | None = None
    deposit_refund_id: int | None = None
    deposit_refunded_at: LocalDateTime | None = None
    deposit_refunded_by: int | None = Field(default=None, foreign_key="staff.id")
    deposit_refunded_fen: int = 0
    closed_at: LocalDateTime | None = None
    closed_by: int | None = Field(default=None, foreign_key="staff.id")
    cancelled_at: LocalDateTime | None = None
    cancelled_by: int | None = Field(default=None, foreign_key="staff.id")
    cancel_reason: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=500)


class RenovationDocument(SQLModel, table=True):
    """A document of the checklist received at the desk (who, when)."""

    __tablename__ = "renovation_document"
    __table_args__ = (UniqueConstraint("filing_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    filing_id: int = Field(foreign_key="renovation_filing.id", index=True)
    code: str = Field(max_length=30)
    received_at: LocalDateTime
    received_by: int = Field(foreign_key="staff.id")
    note: str = Field(default="", max_length=200)


class RenovationWorker(SQLModel, table=True):
    """A worker on the roster (施工人员登记表)."""

    __tablename__ = "renovation_worker"
    id: int | None = Field(default=None, primary_key=True)
    filing_id: int = Field(foreign_key="renovation_filing.id", index=True)
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=18)
    phone: str = Field(default="", max_length=20)
    id_copy_received: bool = False
    photo_received: bool = False
    added_at: LocalDateTime
    added_by: int = Field(foreign_key="staff.id")
    removed_at: LocalDateTime | None = None  # left the site (kept for the record)
    removed_by: int | None = Field(default=None, foreign_key="staff.id")


class RenovationPass(SQLModel, table=True):
    """A temporary worker pass (临时出入证), numbered gap-free."""

    __tablename__ = "renovation_pass"
    __table_args__ = (Index("ix_renovation_pass_status_until", "status", "valid_until"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # SG000123 (LS000123 before 2026-12)
    filing_id: int = Field(foreign_key="renovation_filing.id", index=True)
    worker_id: int = Field(foreign_key="renovation_worker.id", index=True)
    status: PassStatus = Field(default=PassStatus.OUT, sa_type=enum_type(PassStatus))
    issued_at: LocalDateTime
    issued_by: int = Field(foreign_key="staff.id")
    valid_until: date
    returned_at: LocalDateTime | None = None
    returned_by: int | None = Field(default=None, foreign_key="staff.id")


class RenovationExtension(SQLModel, table=True):
    """An extension (延期) of the permit: from the old end to the new one."""

    __tablename__ = "renovation_extension"
    id: int | None = Field(default=None, primary_key=True)
    filing_id: int = Field(foreign_key="renovation_filing.id", index=True)
    seq: int  # 1, 2, … per filing
    old_end: date
    new_end: date
    reason: str = Field(default="", max_length=200)
    at: LocalDateTime
    by: int = Field(foreign_key="staff.id")


class RenovationPassMark(SQLModel, table=True):
    """"延期至 <date>" written on a pass by an extension."""

    __tablename__ = "renovation_pass_mark"
    __table_args__ = (UniqueConstraint("pass_id", "extension_id"),)
    id: int | None = Field(default=None, primary_key=True)
    pass_id: int = Field(foreign_key="renovation_pass.id", index=True)
    extension_id: int = Field(foreign_key="renovation_extension.id")


class RenovationInspection(SQLModel, table=True):
    """A completion inspection (装修核查): passed or not, with notes."""

    __tablename__ = "renovation_inspection"
    id: int | None = Field(default=None, primary_key=True)
    filing_id: int = Field(foreign_key="renovation_filing.id", index=True)
    passed: bool
    inspector: str = Field(max_length=50)
    notes: str = Field(default="", max_length=500)
    at: LocalDateTime
    by: int = Field(foreign_key="staff.id")
