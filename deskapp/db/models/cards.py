"""Access and lift cards (门禁卡 / 梯控卡) held by the people of the customer file.

A card row is never deleted: a cancelled card keeps who cancelled it, when and why, and a
replacement points at the card it replaced (``replaces_id``) and at the bill for its fee.
Among active cards a number is unique (a partial unique index, checked by the service too).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from deskapp.db.types import LocalDateTime, enum_type


class CardKind(StrEnum):
    ACCESS = "access"  # 门禁卡
    LIFT = "lift"  # 梯控卡
    BOTH = "both"  # 门禁梯控一体卡


class CardStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class CardEndReason(StrEnum):
    LOST = "lost"  # 挂失
    DAMAGED = "damaged"  # 损坏
    RETURNED = "returned"  # 退卡
    MOVED_OUT = "moved_out"  # 迁出
    OTHER = "other"


class AccessCard(SQLModel, table=True):
    __tablename__ = "cust_card"
    __table_args__ = (
        Index("uq_cust_card_active_number", "number", unique=True,
              sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, index=True)
    kind: CardKind = Field(sa_type=enum_type(CardKind))
    unit_id: int = Field(foreign_key="unit.id", index=True)
    occupant_id: int = Field(foreign_key="occupant.id", index=True)
    status: CardStatus = Field(default=CardStatus.ACTIVE, sa_type=enum_type(CardStatus))
    note: str = Field(default="", max_length=100)
    issued_at: LocalDateTime
    issued_by: int = Field(foreign_key="staff.id")
    replaces_id: int | None = Field(default=None, foreign_key="cust_card.id")
    fee_bill_id: int | None = Field(default=None, foreign_key="bill.id")
    ended_at: LocalDateTime | None = None
    ended_by: int | None = Field(default=None, foreign_key="staff.id")
    end_reason: CardEndReason | None = Field(default=None, sa_type=enum_type(CardEndReason))
    end_note: str = Field(default="", max_length=200)
