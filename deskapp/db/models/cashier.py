"""Cashier (收费): fee standards, receivables (应收), meter readings, parking leases,
receipts (收据) with their lines and tenders, refunds (退款), arrears reminders (催缴) and
the daily close (日结).

Money is integer fen in ``*_fen`` fields. Issued documents are never deleted or edited:
database triggers (created by the ``cashier_001`` migration, SQLite and PostgreSQL) refuse
any DELETE of a receipt, refund, their lines, a bill or a daily close, any UPDATE of a
receipt other than setting its void fields once, any UPDATE of a bill's money fields, and
any change of a closed day's figures. A receipt or refund cannot be inserted for a
cashier's day that is already closed.

Note for later migrations: Alembic's SQLite ``batch_alter_table`` re-creates a table and so
drops its triggers — re-run the trigger SQL of ``cashier_001`` after one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from deskapp.db.types import LocalDateTime, enum_type


class FeeKind(StrEnum):
    PROPERTY = "property"  # 物业服务费
    PARKING = "parking"  # 停车费
    WATER = "water"  # 水费
    ELECTRICITY = "electricity"  # 电费
    SERVICE = "service"  # 增值服务
    DEPOSIT = "deposit"  # 保证金/押金


class FeeBasis(StrEnum):
    PER_M2_MONTH = "per_m2_month"
    PER_SPACE_MONTH = "per_space_month"
    PER_UNIT_READING = "per_unit_reading"
    FIXED = "fixed"


class FeeScope(StrEnum):
    RESIDENCE = "residence"
    OFFICE = "office"
    SHOP = "shop"
    ALL = "all"


class PayMethod(StrEnum):
    CASH = "cash"  # 现金
    WECHAT = "wechat"  # 微信支付
    ALIPAY = "alipay"  # 支付宝
    CARD = "card"  # 银行卡
    TRANSFER = "transfer"  # 转账


class BillStatus(StrEnum):
    OPEN = "open"  # 未缴
    PAID = "paid"  # 已缴
    CANCELLED = "cancelled"  # 已取消 (with who, when, why)


class MeterKind(StrEnum):
    WATER = "water"
    ELECTRICITY = "electricity"


class CloseStatus(StrEnum):
    CLOSED = "closed"  # 已日结
    AWAITING_SIGNOFF = "awaiting_signoff"  # 差额超限，待主管签认
    SIGNED_OFF = "signed_off"  # 主管已签认


class ReminderChannel(StrEnum):
    PHONE = "phone"  # 电话
    VISIT = "visit"  # 上门
    NOTICE = "notice"  # 催缴通知单
    SMS = "sms"  # 短信/微信
    WALK_IN = "walk_in"  # 来访时当面


class FeeStandard(SQLModel, table=True):
    """One price of one fee code from a date on (收费标准). A change of price is a new row
    with a later ``effective_from``; bills keep the price they were made with."""

    __tablename__ = "fee_standard"
    __table_args__ = (UniqueConstraint("code", "effective_from"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=30, index=True)
    name: str = Field(max_length=100)
    kind: FeeKind = Field(sa_type=enum_type(FeeKind))
    basis: FeeBasis = Field(sa_type=enum_type(FeeBasis))
    unit_price_fen: int
    applies_to: FeeScope = Field(default=FeeScope.ALL, sa_type=enum_type(FeeScope))
    effective_from: date
    unit_label: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=200)
    loaded_at: LocalDateTime
    loaded_by: int | None = Field(default=None, foreign_key="staff.id")


class Receipt(SQLModel, table=True):
    """An issued receipt (收据). ``number`` = ``series-seq`` (``SJ2026-000123``), gap-free
    per series. Only the void fields may ever change, and only once."""

    __tablename__ = "receipt"
    __table_args__ = (
        UniqueConstraint("series", "seq"),
        Index("ix_receipt_issued", "issued_at", "id"),
        Index("ix_receipt_staff_day", "issued_by", "business_date"),
        Index("ix_receipt_day", "business_date"),
        Index("ix_receipt_unit", "unit_id", "issued_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    series: str = Field(max_length=10)
    seq: int
    unit_id: int = Field(foreign_key="unit.id")
    unit_code: str = Field(max_length=40)
    payer_name: str = Field(default="", max_length=50)
    total_fen: int
    change_fen: int = 0
    methods: str = Field(default="", max_length=60)  # "cash,wechat" for lists and filters
    request_id: str = Field(max_length=64, unique=True)
    business_date: date
    issued_at: LocalDateTime
    issued_by: int = Field(foreign_key="staff.id")
    desk: str = Field(default="", max_length=40)
    voided: bool = False
    void_reason: str = Field(default="", max_length=200)
    voided_at: LocalDateTime | None = None
    voided_by: int | None = Field(default=None, foreign_key="staff.id")


class Bill(SQLModel, table=True):
    """A receivable (应收): one fee of one unit for one period, or an ad-hoc charge.

    ``gen_key`` makes periodic generation idempotent (unique; NULL for ad-hoc charges).
    ``status`` and ``receipt_id`` follow payment and void; money fields never change."""

    __tablename__ = "bill"
    __table_args__ = (
        Index("ix_bill_unit_status", "unit_id", "status"),
        Index("ix_bill_status_due", "status", "due_date"),
        Index("ix_bill_period", "period"),
        Index("ix_bill_created", "created_at", "id"),
        Index("ix_bill_source", "source_kind", "source_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    unit_code: str = Field(max_length=40)
    fee_code: str = Field(max_length=30)
    standard_id: int | None = Field(default=None, foreign_key="fee_standard.id")
    kind: FeeKind = Field(sa_type=enum_type(FeeKind))
    period: str | None = Field(default=None, max_length=7)  # "2026-11"
    description: str = Field(max_length=200)
    quantity: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 3)))
    unit_price_fen: int | None = None
    amount_fen: int
    due_date: date
    status: BillStatus = Field(default=BillStatus.OPEN, sa_type=enum_type(BillStatus))
    gen_key: str | None = Field(default=None, max_length=80, unique=True)
    source_kind: str = Field(default="", max_length=30)
    source_id: int | None = None
    created_at: LocalDateTime
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    receipt_id: int | None = Field(default=None, foreign_key="receipt.id", index=True)
    cancelled_at: LocalDateTime | None = None
    cancelled_by: int | None = Field(default=None, foreign_key="staff.id")
    cancel_reason: str = Field(default="", max_length=200)


class ReceiptLine(SQLModel, table=True):
    """One item paid on a receipt (copied from the bill at payment time)."""

    __tablename__ = "receipt_line"
    id: int | None = Field(default=None, primary_key=True)
    receipt_id: int = Field(foreign_key="receipt.id", index=True)
    bill_id: int = Field(foreign_key="bill.id", index=True)
    fee_code: str = Field(max_length=30)
    kind: FeeKind = Field(sa_type=enum_type(FeeKind))
    description: str = Field(max_length=200)
    period: str | None = Field(default=None, max_length=7)
    amount_fen: int


class ReceiptTender(SQLModel, table=True):
    """How a receipt was paid: one row per method. Cash may carry the amount tendered and
    the change given (``tendered_fen - amount_fen``)."""

    __tablename__ = "receipt_tender"
    id: int | None = Field(default=None, primary_key=True)
    receipt_id: int = Field(foreign_key="receipt.id", index=True)
    method: PayMethod = Field(sa_type=enum_type(PayMethod))
    amount_fen: int
    tendered_fen: int | None = None
    change_fen: int = 0


class Refund(SQLModel, table=True):
    """A refund or deposit return (退款单): a new numbered document against a receipt."""

    __tablename__ = "refund"
    __table_args__ = (
        UniqueConstraint("series", "seq"),
        Index("ix_refund_staff_day", "issued_by", "business_date"),
        Index("ix_refund_day", "business_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    series: str = Field(max_length=10)
    seq: int
    receipt_id: int = Field(foreign_key="receipt.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    unit_code: str = Field(max_length=40)
    amount_fen: int
    method: PayMethod = Field(sa_type=enum_type(PayMethod))
    reason: str = Field(max_length=200)
    request_id: str = Field(max_length=64, unique=True)
    business_date: date
    issued_at: LocalDateTime
    issued_by: int = Field(foreign_key="staff.id")  # whose drawer/day it is paid from
    approved_by: int = Field(foreign_key="staff.id")  # the supervisor


class RefundLine(SQLModel, table=True):
    """The part of a refund that returns one paid bill (e.g. the renovation deposit)."""

    __tablename__ = "refund_line"
    id: int | None = Field(default=None, primary_key=True)
    refund_id: int = Field(foreign_key="refund.id", index=True)
    bill_id: int = Field(foreign_key="bill.id", index=True)
    amount_fen: int


class MeterReading(SQLModel, table=True):
    """A monthly water or electricity reading (抄表) and the bill made from it.

    ``active_key`` (unit:kind:period, unique) allows one live reading per meter and month;
    it is cleared when the reading's bill is cancelled, so a corrected reading can follow."""

    __tablename__ = "meter_reading"
    __table_args__ = (Index("ix_meter_unit_kind", "unit_id", "kind", "read_on"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    kind: MeterKind = Field(sa_type=enum_type(MeterKind))
    period: str = Field(max_length=7)
    read_on: date
    previous_value: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    value: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    meter_changed: bool = False
    old_final: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2)))
    new_start: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2)))
    consumption: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    bill_id: int | None = Field(default=None, foreign_key="bill.id")
    active_key: str | None = Field(default=None, max_length=60, unique=True)
    note: str = Field(default="", max_length=200)
    created_at: LocalDateTime
    created_by: int = Field(foreign_key="staff.id")


class ParkingLease(SQLModel, table=True):
    """A parking space leased by a unit (车位租赁 / 月卡): billed per space per month from
    ``start_date`` to ``end_date`` (the pass's last day; ``None``: until ended). The
    parking area (``services/parking``) adds the space, plate and holder."""

    __tablename__ = "parking_lease"
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    space_no: str = Field(max_length=20, index=True)
    fee_code: str = Field(max_length=30)
    start_date: date
    end_date: date | None = None
    note: str = Field(default="", max_length=200)
    created_at: LocalDateTime
    created_by: int = Field(foreign_key="staff.id")
    ended_by: int | None = Field(default=None, foreign_key="staff.id")
    # the monthly pass (月卡), added by the parking area's migration parking_001
    space_id: int | None = Field(default=None, foreign_key="parking_space.id", index=True)
    plate: str = Field(default="", max_length=10, index=True)  # 京A12345 / 沪AD12345
    holder: str = Field(default="", max_length=50)
    holder_phone: str = Field(default="", max_length=20)
    ended_at: LocalDateTime | None = None
    end_reason: str = Field(default="", max_length=200)


class ArrearsReminder(SQLModel, table=True):
    """A reminder to pay (催缴): how, when, by whom, what was owed, the promise date.
    Also written to the contact log (``contact_id``) when the reception area is present."""

    __tablename__ = "arrears_reminder"
    __table_args__ = (Index("ix_reminder_unit_at", "unit_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    unit_code: str = Field(max_length=40)
    at: LocalDateTime = Field(index=True)
    staff_id: int = Field(foreign_key="staff.id")
    channel: ReminderChannel = Field(sa_type=enum_type(ReminderChannel))
    owed_fen: int
    promise_date: date | None = None
    note: str = Field(default="", max_length=200)
    contact_id: int | None = None


class DailyClose(SQLModel, table=True):
    """One cashier's day closed (日结): the figures at the moment of closing. Once written
    the figures never change; only a pending sign-off may be completed."""

    __tablename__ = "daily_close"
    __table_args__ = (
        UniqueConstraint("staff_id", "business_date"),
        Index("ix_close_day", "business_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    business_date: date
    opening_float_fen: int = 0
    cash_fen: int = 0
    wechat_fen: int = 0
    alipay_fen: int = 0
    card_fen: int = 0
    transfer_fen: int = 0
    refund_cash_fen: int = 0
    refund_other_fen: int = 0
    receipts_valid: int = 0
    receipts_void: int = 0
    refunds: int = 0
    first_number: str = Field(default="", max_length=20)
    last_number: str = Field(default="", max_length=20)
    expected_cash_fen: int = 0
    counted_cash_fen: int = 0
    denominations: str = Field(default="", max_length=400)  # JSON {"10000": 3, ...}
    difference_fen: int = 0
    status: CloseStatus = Field(default=CloseStatus.CLOSED, sa_type=enum_type(CloseStatus, 24))
    note: str = Field(default="", max_length=200)
    closed_at: LocalDateTime
    closed_by: int = Field(foreign_key="staff.id")
    signed_by: int | None = Field(default=None, foreign_key="staff.id")
    signed_at: LocalDateTime | None = None
    signoff_note: str = Field(default="", max_length=200)
    # the audit log's head when the day was closed: an anchor outside the audit table,
    # printed on the day report and checked by ``deskapp audit verify``
    audit_seq: int | None = None
    audit_hash: str = Field(default="", max_length=64)
