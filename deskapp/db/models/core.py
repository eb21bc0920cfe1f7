"""Foundation tables: site profile, reference data, buildings/units/occupants, staff,
the audit log and gap-free counters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from deskapp.db.types import LocalDateTime, enum_type
from deskapp.roles import Role  # noqa: F401 — re-exported: models.Role is the one Role


class UnitUse(StrEnum):
    RESIDENCE = "residence"
    OFFICE = "office"
    SHOP = "shop"


class OccupantKind(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"
    CO_OWNER = "co_owner"  # 共有人 (issue #20)
    FAMILY = "family"  # 家庭成员
    EMERGENCY = "emergency"  # 紧急联系人


class SiteProfile(SQLModel, table=True):
    """One row: the site this database serves."""

    __tablename__ = "site_profile"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    company: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=200)
    service_phone: str = Field(default="", max_length=40)
    created_at: LocalDateTime


class ReferenceEntry(SQLModel, table=True):
    """Knowledge (应知应会): profile figures, fee standards, facilities, phone book."""

    __tablename__ = "reference_entry"
    id: int | None = Field(default=None, primary_key=True)
    section: str = Field(max_length=20, index=True)  # profile | fees | facilities | phones
    title: str = Field(max_length=100)
    body: str = Field(default="", max_length=2000)
    phone: str = Field(default="", max_length=40)
    keywords: str = Field(default="", max_length=400)  # pinyin initials etc. for filtering
    sort: int = 0


class Building(SQLModel, table=True):
    __tablename__ = "building"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)  # "3"
    name: str = Field(max_length=50)  # "3号楼"
    floors: int = 0
    sort: int = 0


class Unit(SQLModel, table=True):
    """A room: building / unit (单元) / floor / room. ``code`` is how staff type it:
    ``3-1-1201`` (building-unit-room) or ``3-1201`` where a building has no units."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("building_id", "entrance", "room"),)
    id: int | None = Field(default=None, primary_key=True)
    building_id: int = Field(foreign_key="building.id", index=True)
    entrance: str = Field(default="", max_length=10)  # 单元; "" when none
    floor: int = Field(index=True)
    room: str = Field(max_length=20)
    code: str = Field(max_length=40, unique=True)
    area: Decimal = Field(default=Decimal("0"), sa_column=Column(Numeric(10, 2), nullable=False))
    use: UnitUse = Field(default=UnitUse.RESIDENCE, sa_type=enum_type(UnitUse))
    vacant: bool = False
    note: str = Field(default="", max_length=200)


class Occupant(SQLModel, table=True):
    """An owner (业主) or tenant/merchant (商户) of a unit — the customer file (客户档案)."""

    __tablename__ = "occupant"
    __table_args__ = (
        Index("ix_occupant_initials", "initials"),
        Index("ix_occupant_phone_tail", "phone_tail"),
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    kind: OccupantKind = Field(default=OccupantKind.OWNER, sa_type=enum_type(OccupantKind))
    name: str = Field(max_length=50, index=True)
    initials: str = Field(default="", max_length=20)  # pinyin initials: 张三 → zs
    spelling: str = Field(default="", max_length=100)  # full pinyin: zhangsan
    phone: str = Field(default="", max_length=20)
    phone_tail: str = Field(default="", max_length=4)
    phone2: str = Field(default="", max_length=20)
    id_number: str | None = Field(default=None, max_length=18)
    moved_in: date | None = None
    moved_out: date | None = None  # set when the person left (history: who lived there when)
    active: bool = True


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=50)
    role: Role = Field(sa_type=enum_type(Role))
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: LocalDateTime


class LoginThrottle(SQLModel, table=True):
    """Failed logins per typed login (known or not, so a lock says nothing about whether
    the account exists): after 5 failures in a row the login is locked for 5 minutes.
    ``login_key`` is a SHA-256 digest of the typed login, never the text itself (a
    password typed into the login field must not be kept)."""

    __tablename__ = "login_throttle"
    login_key: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    last_failure: LocalDateTime | None = None
    locked_until: LocalDateTime | None = None


class AuditEntry(SQLModel, table=True):
    """Append-only, hash-chained log of every business action (who, when, what, which
    record). ``detail`` never holds unmasked ID numbers or phones."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    at: LocalDateTime = Field(index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    action: str = Field(max_length=60, index=True)
    entity: str = Field(max_length=40)
    entity_id: str = Field(default="", max_length=40)
    detail: str = Field(default="", max_length=4000)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class Counter(SQLModel, table=True):
    """Gap-free counters (receipt books, work-order numbers, audit sequence)."""

    __tablename__ = "counter"
    series: str = Field(primary_key=True, max_length=60)
    value: int = 0
