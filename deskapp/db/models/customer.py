"""The customer file over time (issue #20): ownership transfers (sales), incidents
(突发事件) with their actions, and who may collect a unit key held in trust (钥匙托管).

Occupants themselves stay in ``core.Occupant`` (``moved_in`` / ``moved_out`` / ``active``):
a row is one person's stay at a unit, never deleted, so the file keeps who lived there when.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from deskapp.db.types import LocalDateTime, enum_type


class OwnershipTransfer(SQLModel, table=True):
    """A sale (过户): the old owners moved out on ``transfer_date``, the new owner moved in.
    Bills before the transfer date stay the old owner's: ``arrears_fen`` is what the
    cashier said was owed on that day, recorded with the old owners' names."""

    __tablename__ = "cust_transfer"
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    transfer_date: date
    old_owners: str = Field(default="", max_length=200)
    new_owner_id: int = Field(foreign_key="occupant.id")
    arrears_fen: int = 0
    note: str = Field(default="", max_length=200)
    created_by: int = Field(foreign_key="staff.id")
    created_at: LocalDateTime


class IncidentKind(StrEnum):
    LIFT = "lift"  # 电梯困人
    LEAK = "leak"  # 漏水
    POWER = "power"  # 停电
    WATER = "water"  # 停水
    FIRE = "fire"  # 火警
    INJURY = "injury"  # 人员受伤
    OTHER = "other"


class IncidentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Incident(SQLModel, table=True):
    """One emergency (突发事件): reported at once to the manager (``told``), actions with
    times, closed with what was done."""

    __tablename__ = "cust_incident"
    __table_args__ = (Index("ix_cust_incident_status_at", "status", "occurred_at"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # SJ202612-0001
    kind: IncidentKind = Field(sa_type=enum_type(IncidentKind))
    occurred_at: LocalDateTime = Field(index=True)
    place: str = Field(default="", max_length=100)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    reporter: str = Field(max_length=50)
    reporter_phone: str = Field(default="", max_length=20)
    told: str = Field(max_length=50)  # who was told (the manager)
    told_at: LocalDateTime
    summary: str = Field(default="", max_length=500)
    first_action_at: LocalDateTime | None = None  # response time = this − occurred_at
    status: IncidentStatus = Field(default=IncidentStatus.OPEN, sa_type=enum_type(IncidentStatus))
    closed_at: LocalDateTime | None = None
    closure: str = Field(default="", max_length=500)
    closed_by: int | None = Field(default=None, foreign_key="staff.id")
    created_by: int = Field(foreign_key="staff.id")
    created_at: LocalDateTime


class IncidentAction(SQLModel, table=True):
    __tablename__ = "cust_incident_action"
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="cust_incident.id", index=True)
    at: LocalDateTime
    text: str = Field(max_length=300)
    created_by: int = Field(foreign_key="staff.id")


class TrustKeyCollector(SQLModel, table=True):
    """Someone the owner authorised to collect a unit key held by the desk."""

    __tablename__ = "cust_trust_collector"
    id: int | None = Field(default=None, primary_key=True)
    key_item_id: int = Field(foreign_key="reg_key_item.id", index=True)
    name: str = Field(max_length=50)
    phone: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=100)
    active: bool = True
    created_by: int = Field(foreign_key="staff.id")
    created_at: LocalDateTime
