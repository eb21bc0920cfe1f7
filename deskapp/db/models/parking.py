"""Parking (停车, issue #20 part 3): the site's spaces — owned (产权车位), rented
(租赁车位) and visitor (临停) — with their number and zone/floor.

Monthly passes (月卡) are the cashier's ``ParkingLease`` rows (``db/models/cashier.py``),
extended by this area's migration with the space, the plate and the holder: the cashier
bills every lease each month it covers, so one table serves the desk and the bills.
"""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Field, SQLModel

from deskapp.db.types import LocalDateTime, enum_type


class SpaceKind(StrEnum):
    OWNED = "owned"  # 产权车位: a unit owns it, its pass bills the management fee
    RENTED = "rented"  # 租赁车位: the site rents it out by the month
    VISITOR = "visitor"  # 临停: never leased


class ParkingSpace(SQLModel, table=True):
    """One parking space. Never deleted: a space taken out of use is ``active=False``."""

    __tablename__ = "parking_space"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # B1-023
    kind: SpaceKind = Field(sa_type=enum_type(SpaceKind), index=True)
    zone: str = Field(default="", max_length=20)  # A区
    floor: str = Field(default="", max_length=10)  # B1 / 地下一层
    owner_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    active: bool = True
    note: str = Field(default="", max_length=200)
    created_by: int = Field(foreign_key="staff.id")
    created_at: LocalDateTime
