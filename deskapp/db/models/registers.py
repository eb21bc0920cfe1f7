"""Front-desk registers (issue 8): visitors and passes, keys and radios, convenience
lending, parcels and mail, lost and found, goods release passes.

Every record that can be "open" carries a ``status`` column; the open states are the ones
the shift handover lists. Mistakes are voided (``voided_at``, ``voided_by_id``,
``void_reason``), never deleted. Invariants the database enforces as well as the services:

* one temporary card out at a time per card number (partial unique index on visitors
  inside);
* a key set or radio is checked out at most once at a time (partial unique index);
* lending stock: ``0 <= on_hand <= total`` (CHECK), loan quantities ≥ 1;
* one waiting parcel per tracking number;
* a goods release pass for a tenant carries the owner's consent (CHECK).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

from deskapp.db.models.core import OccupantKind
from deskapp.db.types import LocalDateTime, enum_type


def _partial(name: str, column: str, where: str) -> Index:
    """A unique index over ``column`` for the rows matching ``where`` (SQLite and
    PostgreSQL both support partial indexes)."""
    return Index(name, column, unique=True, sqlite_where=text(where),
                 postgresql_where=text(where))


class VisitorStatus(StrEnum):
    INSIDE = "inside"
    LEFT = "left"
    VOIDED = "voided"


class KeyKind(StrEnum):
    KEY = "key"
    RADIO = "radio"


class KeyCategory(StrEnum):
    UNIT = "unit"  # keys of a unit held in trust (业主托管钥匙)
    PLANT = "plant"  # plant rooms (设备房)
    PUBLIC = "public"  # public areas (公共区域)
    RADIO = "radio"  # two-way radios (对讲机)


class KeyLoanStatus(StrEnum):
    OUT = "out"
    RETURNED = "returned"
    VOIDED = "voided"


class ReturnCondition(StrEnum):
    GOOD = "good"
    DAMAGED = "damaged"
    INCOMPLETE = "incomplete"


class LoanStatus(StrEnum):
    OUT = "out"
    RETURNED = "returned"
    LOST = "lost"  # not coming back: written off the stock
    VOIDED = "voided"


class ParcelKind(StrEnum):
    PARCEL = "parcel"
    LETTER = "letter"
    NEWSPAPER = "newspaper"


class ParcelStatus(StrEnum):
    WAITING = "waiting"
    COLLECTED = "collected"  # picked up at the desk
    DELIVERED = "delivered"  # taken to the unit
    RETURNED = "returned"  # sent back to the carrier
    VOIDED = "voided"


class NotifyMethod(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    WECHAT = "wechat"
    NOTE = "note"  # a note in the letterbox / at the door


class LostStatus(StrEnum):
    HELD = "held"
    CLAIMED = "claimed"
    DISPOSED = "disposed"
    VOIDED = "voided"


class GoodsPassStatus(StrEnum):
    ISSUED = "issued"
    USED = "used"
    VOIDED = "voided"


# ------------------------------------------------------------------------------- visitors


class Visitor(SQLModel, table=True):
    """来访登记: one visit, from time in to time out. ``number`` is the gap-free number of
    the temporary pass (临时通行证); ``card_no`` a physical access card lent for the visit."""

    __tablename__ = "reg_visitor"
    __table_args__ = (
        CheckConstraint("people >= 1 AND people <= 999", name="ck_reg_visitor_people"),
        _partial("uq_reg_visitor_card_out", "card_no", "status = 'inside' AND card_no <> ''"),
        Index("ix_reg_visitor_status_in", "status", "time_in"),
        Index("ix_reg_visitor_time_in", "time_in"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=50)
    phone: str = Field(default="", max_length=20)
    phone_tail: str = Field(default="", max_length=4, index=True)
    id_number: str | None = Field(default=None, max_length=18)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    host: str = Field(default="", max_length=50)  # whom they visit
    purpose: str = Field(default="", max_length=100)
    people: int = 1
    plate: str = Field(default="", max_length=12)
    card_no: str = Field(default="", max_length=20)
    card_returned: bool | None = None
    status: VisitorStatus = Field(default=VisitorStatus.INSIDE, sa_type=enum_type(VisitorStatus))
    time_in: LocalDateTime
    time_out: LocalDateTime | None = Field(default=None, index=True)
    in_by_id: int = Field(foreign_key="staff.id")
    out_by_id: int | None = Field(default=None, foreign_key="staff.id")
    note: str = Field(default="", max_length=200)
    voided_at: LocalDateTime | None = None
    voided_by_id: int | None = Field(default=None, foreign_key="staff.id")
    void_reason: str = Field(default="", max_length=200)


# ------------------------------------------------------------------------- keys, radios


class KeyItem(SQLModel, table=True):
    """The catalogue of key sets and radios kept at the desk."""

    __tablename__ = "reg_key_item"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=30, unique=True)  # label on the tag: "K-3-1-1201", "R-05"
    kind: KeyKind = Field(sa_type=enum_type(KeyKind))
    category: KeyCategory = Field(sa_type=enum_type(KeyCategory))
    name: str = Field(max_length=60)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    location: str = Field(default="", max_length=40)  # hook / cabinet
    active: bool = True
    note: str = Field(default="", max_length=200)
    created_at: LocalDateTime


class KeyLoan(SQLModel, table=True):
    """One check-out of a key set or radio, open until returned."""

    __tablename__ = "reg_key_loan"
    __table_args__ = (
        _partial("uq_reg_key_loan_out", "item_id", "status = 'out'"),
        Index("ix_reg_key_loan_status_out", "status", "out_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="reg_key_item.id", index=True)
    holder: str = Field(max_length=50)
    holder_org: str = Field(default="", max_length=50)  # department / company
    holder_phone: str = Field(default="", max_length=20)
    purpose: str = Field(default="", max_length=100)
    out_at: LocalDateTime = Field(index=True)
    due_at: LocalDateTime | None = None
    returned_at: LocalDateTime | None = None
    condition: ReturnCondition | None = Field(default=None, sa_type=enum_type(ReturnCondition))
    return_note: str = Field(default="", max_length=200)
    status: KeyLoanStatus = Field(default=KeyLoanStatus.OUT, sa_type=enum_type(KeyLoanStatus))
    out_by_id: int = Field(foreign_key="staff.id")
    in_by_id: int | None = Field(default=None, foreign_key="staff.id")
    voided_at: LocalDateTime | None = None
    voided_by_id: int | None = Field(default=None, foreign_key="staff.id")
    void_reason: str = Field(default="", max_length=200)


# ------------------------------------------------------------------------------ lending


class LendKind(SQLModel, table=True):
    """A kind of thing the desk lends (雨伞, 轮椅 …) and how many it has."""

    __tablename__ = "reg_lend_kind"
    __table_args__ = (
        CheckConstraint("total >= 0", name="ck_reg_lend_kind_total"),
        CheckConstraint("on_hand >= 0", name="ck_reg_lend_kind_on_hand"),
        CheckConstraint("on_hand <= total", name="ck_reg_lend_kind_on_hand_total"),
        CheckConstraint("default_hours >= 1", name="ck_reg_lend_kind_hours"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=30, unique=True)
    total: int = 0  # owned by the desk
    on_hand: int = 0  # at the desk now
    default_hours: int = 24  # default loan period
    active: bool = True
    sort: int = 0


class Loan(SQLModel, table=True):
    """便捷服务: a quantity of one kind lent to a unit or person until a due time."""

    __tablename__ = "reg_loan"
    __table_args__ = (
        CheckConstraint("qty >= 1", name="ck_reg_loan_qty"),
        Index("ix_reg_loan_status_out", "status", "out_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind_id: int = Field(foreign_key="reg_lend_kind.id", index=True)
    qty: int = 1
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    borrower: str = Field(max_length=50)
    phone: str = Field(default="", max_length=20)
    out_at: LocalDateTime = Field(index=True)
    due_at: LocalDateTime
    returned_at: LocalDateTime | None = None
    status: LoanStatus = Field(default=LoanStatus.OUT, sa_type=enum_type(LoanStatus))
    note: str = Field(default="", max_length=200)
    out_by_id: int = Field(foreign_key="staff.id")
    in_by_id: int | None = Field(default=None, foreign_key="staff.id")
    voided_at: LocalDateTime | None = None
    voided_by_id: int | None = Field(default=None, foreign_key="staff.id")
    void_reason: str = Field(default="", max_length=200)


# ------------------------------------------------------------------------------ parcels


class Parcel(SQLModel, table=True):
    """派送报纸、信件、包裹: received at the desk, waiting until picked up or delivered.
    ``tracking_rev`` is the tracking number reversed, so a search by its tail is an index
    range scan."""

    __tablename__ = "reg_parcel"
    __table_args__ = (
        _partial("uq_reg_parcel_waiting", "tracking_no",
                 "status = 'waiting' AND tracking_no <> ''"),
        Index("ix_reg_parcel_status_received", "status", "received_at"),
        Index("ix_reg_parcel_tracking_rev", "tracking_rev"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: ParcelKind = Field(default=ParcelKind.PARCEL, sa_type=enum_type(ParcelKind))
    carrier: str = Field(default="", max_length=30)
    tracking_no: str = Field(default="", max_length=40)
    tracking_rev: str = Field(default="", max_length=40)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    recipient: str = Field(max_length=50)
    recipient_phone: str = Field(default="", max_length=20)
    shelf: str = Field(default="", max_length=20)
    received_at: LocalDateTime = Field(index=True)
    received_by_id: int = Field(foreign_key="staff.id")
    notified_at: LocalDateTime | None = None
    notify_method: NotifyMethod | None = Field(default=None, sa_type=enum_type(NotifyMethod))
    notify_count: int = 0
    notified_by_id: int | None = Field(default=None, foreign_key="staff.id")
    collected_at: LocalDateTime | None = Field(default=None, index=True)
    collected_by: str = Field(default="", max_length=50)  # who took it (name)
    handed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    status: ParcelStatus = Field(default=ParcelStatus.WAITING, sa_type=enum_type(ParcelStatus))
    note: str = Field(default="", max_length=200)
    voided_at: LocalDateTime | None = None
    voided_by_id: int | None = Field(default=None, foreign_key="staff.id")
    void_reason: str = Field(default="", max_length=200)


# ------------------------------------------------------------------------ lost and found


class LostItem(SQLModel, table=True):
    """失物招领: held at the desk until claimed, or disposed of after the holding period."""

    __tablename__ = "reg_lost_item"
    __table_args__ = (Index("ix_reg_lost_status_found", "status", "found_at"),)
    id: int | None = Field(default=None, primary_key=True)
    description: str = Field(max_length=100)
    found_at: LocalDateTime = Field(index=True)
    found_place: str = Field(max_length=60)
    finder: str = Field(default="", max_length=50)
    finder_phone: str = Field(default="", max_length=20)
    storage: str = Field(default="", max_length=40)
    hold_until: date
    status: LostStatus = Field(default=LostStatus.HELD, sa_type=enum_type(LostStatus))
    registered_at: LocalDateTime
    registered_by_id: int = Field(foreign_key="staff.id")
    claimed_at: LocalDateTime | None = None
    claimant: str = Field(default="", max_length=50)
    claimant_phone: str = Field(default="", max_length=20)
    claimant_id_number: str | None = Field(default=None, max_length=18)
    id_checked: bool = False
    handed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    disposed_at: LocalDateTime | None = None
    disposal: str = Field(default="", max_length=100)  # how: handed to police, donated …
    disposed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    voided_at: LocalDateTime | None = None
    voided_by_id: int | None = Field(default=None, foreign_key="staff.id")
    void_reason: str = Field(default="", max_length=200)


# ------------------------------------------------------------------- goods release pass


class GoodsPass(SQLModel, table=True):
    """物品放行通知单: lets an owner's (or, with the owner's consent, a tenant's) goods
    out past the guard. Open from issue until the guard uses it (or it is voided)."""

    __tablename__ = "reg_goods_pass"
    __table_args__ = (
        CheckConstraint("applicant_kind = 'owner' OR consent_note <> ''",
                        name="ck_reg_goods_pass_consent"),
        Index("ix_reg_goods_pass_status_issued", "status", "issued_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    applicant: str = Field(max_length=50)
    applicant_phone: str = Field(default="", max_length=20)
    applicant_kind: OccupantKind = Field(sa_type=enum_type(OccupantKind))
    consent_note: str = Field(default="", max_length=100)  # how the owner consented
    plate: str = Field(default="", max_length=12)
    items_text: str = Field(default="", max_length=300)  # "沙发×1件、纸箱×5箱" for lists
    out_date: date
    warning: str = Field(default="", max_length=200)  # unit flags shown at issue
    status: GoodsPassStatus = Field(default=GoodsPassStatus.ISSUED,
                                    sa_type=enum_type(GoodsPassStatus))
    issued_at: LocalDateTime = Field(index=True)
    issued_by_id: int = Field(foreign_key="staff.id")
    used_at: LocalDateTime | None = None
    used_by_id: int | None = Field(default=None, foreign_key="staff.id")
    guard: str = Field(default="", max_length=50)
    note: str = Field(default="", max_length=200)
    voided_at: LocalDateTime | None = None
    voided_by_id: int | None = Field(default=None, foreign_key="staff.id")
    void_reason: str = Field(default="", max_length=200)


class GoodsPassItem(SQLModel, table=True):
    __tablename__ = "reg_goods_pass_item"
    __table_args__ = (CheckConstraint("qty >= 1", name="ck_reg_goods_pass_item_qty"),)
    id: int | None = Field(default=None, primary_key=True)
    pass_id: int = Field(foreign_key="reg_goods_pass.id", index=True)
    name: str = Field(max_length=40)
    qty: int = 1
    measure: str = Field(default="件", max_length=6)  # 件 / 箱 / 台 …
    sort: int = 0
