"""Move-in (入伙/交付, issue #20 part 2): the handover of a unit to its owner — the
inspection checklist (验房) with defects sent to engineering as work orders, the keys
handed over by kind and count, the first meter readings, the documents signed and the
first fees collected through the cashier. The checklist itself (``MoveInItem``) is the
site's own list, edited by a supervisor; each move-in copies it into ``MoveInCheck`` lines
so a later edit of the list never changes a record already made."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Numeric
from sqlmodel import Field, SQLModel

from deskapp.db.types import LocalDateTime, enum_type


class MoveInItemKind(StrEnum):
    INSPECT = "inspect"  # 验房项目
    DOCUMENT = "document"  # 签署文件


class MoveInItem(SQLModel, table=True):
    """One line of the site's checklist: an inspection point or a document to sign.
    Never deleted (move-ins refer to it): a supervisor retires it (``active``)."""

    __tablename__ = "movein_item"
    id: int | None = Field(default=None, primary_key=True)
    kind: MoveInItemKind = Field(sa_type=enum_type(MoveInItemKind))
    name: str = Field(max_length=50)
    sort: int = 0
    active: bool = True
    updated_by: int | None = Field(default=None, foreign_key="staff.id")
    updated_at: LocalDateTime | None = None


class MoveInStatus(StrEnum):
    OPEN = "open"  # 办理中
    COMPLETED = "completed"  # 已交付


class KeyKind(StrEnum):
    DOOR = "door"  # 入户门钥匙
    GATE = "gate"  # 单元门 / 楼栋门
    MAILBOX = "mailbox"  # 信箱
    METER_BOX = "meter_box"  # 水电表箱
    OTHER = "other"


class MoveIn(SQLModel, table=True):
    """One unit's move-in. ``moved_in_on`` starts the renovation refund's "lived in for
    3 months" rule. A completed record is amended with a reason, never deleted."""

    __tablename__ = "movein"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # RH202612-0001
    unit_id: int = Field(foreign_key="unit.id", index=True)
    owner_name: str = Field(max_length=50)
    owner_phone: str = Field(default="", max_length=20)
    moved_in_on: date
    status: MoveInStatus = Field(default=MoveInStatus.OPEN, sa_type=enum_type(MoveInStatus),
                                 index=True)
    water_reading: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2)))
    power_reading: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2)))
    gas_reading: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2)))
    water_reading_id: int | None = Field(default=None, foreign_key="meter_reading.id")
    power_reading_id: int | None = Field(default=None, foreign_key="meter_reading.id")
    receipt_id: int | None = Field(default=None, foreign_key="receipt.id")
    receipt_no: str = Field(default="", max_length=30)
    fees_fen: int = 0
    note: str = Field(default="", max_length=200)
    created_by: int = Field(foreign_key="staff.id")
    created_at: LocalDateTime
    completed_by: int | None = Field(default=None, foreign_key="staff.id")
    completed_at: LocalDateTime | None = None
    amended_by: int | None = Field(default=None, foreign_key="staff.id")
    amended_at: LocalDateTime | None = None
    amend_reason: str = Field(default="", max_length=200)


class MoveInCheck(SQLModel, table=True):
    """A checklist line of one move-in: inspected (``done``; a ``defect`` sends a work
    order) or, for a document, signed."""

    __tablename__ = "movein_check"
    id: int | None = Field(default=None, primary_key=True)
    movein_id: int = Field(foreign_key="movein.id", index=True)
    item_id: int = Field(foreign_key="movein_item.id")
    kind: MoveInItemKind = Field(sa_type=enum_type(MoveInItemKind))
    name: str = Field(max_length=50)
    sort: int = 0
    done: bool = False
    defect: str = Field(default="", max_length=200)
    work_order_id: int | None = Field(default=None, foreign_key="work_order.id")


class MoveInKey(SQLModel, table=True):
    """Keys handed over at a move-in, one row per kind."""

    __tablename__ = "movein_key"
    id: int | None = Field(default=None, primary_key=True)
    movein_id: int = Field(foreign_key="movein.id", index=True)
    kind: KeyKind = Field(sa_type=enum_type(KeyKind))
    count: int = 0
