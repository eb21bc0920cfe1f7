"""The small site every drill works on, and the desk actions the drill processes run.

Each action is one business action in one transaction, called the way a screen calls it
(:func:`as_user` mirrors ``ServiceMixin.call_service``): a :class:`DeskError` is a message
the user reads, anything else is an unexpected error. The drills count both.

Everything here must be importable in a fresh (spawned) process: plain functions, plain
data in and out.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry, Role, Staff
from deskapp.db.models.cashier import FeeBasis, FeeKind, FeeScope, PayMethod, Receipt
from deskapp.db.models.reception import (
    Contact,
    ContactChannel,
    ContactKind,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderUrgency,
)
from deskapp.errors import DeskError
from deskapp.services import audit, site, units
from deskapp.services import staff as staff_svc
from deskapp.services.cashier import fees, payments
from deskapp.services.cashier.fees import StandardSpec
from deskapp.services.reception.contacts import ContactCreate, log_contact
from deskapp.services.reception.workorders import WorkOrderCreate, create_work_order

T = TypeVar("T")
FEE = "SV-DRILL"
PASSWORD = "secret123"


@dataclass
class Outcome:
    ok: bool
    value: Any = None
    desk_error: str = ""  # a DeskError's message: what the user would read
    key: str = ""  # its catalogue key
    unexpected: str = ""  # anything else: a bug the user would see as "unexpected error"


def as_user(db: Database, fn: Callable[[Session], T], request_id: str | None = None
            ) -> Outcome:
    """One action the way a screen runs it: one business action through
    ``Database.run_write`` (retried when the database asks; a form's request id — a fresh
    one here unless given — makes a resend a no-op), errors caught."""
    try:
        return Outcome(True, db.run_write(fn, request_id=request_id or new_request_id()))
    except DeskError as err:
        return Outcome(False, desk_error=f"{type(err).__name__}: {err}", key=err.key)
    except Exception as err:  # noqa: BLE001 — the drill reports it
        return Outcome(False, unexpected=f"{type(err).__name__}: {err}"[:500])


@dataclass
class People:
    boss: Staff
    desks: list[Staff]
    cs: Staff


def make_people(database: Database, desks: int = 3) -> People:
    with database.write() as s:
        site.set_up_site(s, name="上海滩华府")
        boss = staff_svc.create_staff(s, by=None, login="boss", name="王主管",
                                      role=Role.SUPERVISOR, password=PASSWORD)
        front = [staff_svc.create_staff(s, by=boss, login=f"desk{i}", name=f"前台{i}",
                                        role=Role.RECEPTIONIST, password=PASSWORD)
                 for i in range(1, desks + 1)]
        cs = staff_svc.create_staff(s, by=boss, login="cs1", name="李专员",
                                    role=Role.SPECIALIST, password=PASSWORD)
    return People(boss, front, cs)



@dataclass
class DrillSite:
    url: str
    boss_id: int
    desk_ids: list[int]
    cs_id: int
    unit_ids: list[int]
    bills: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    """desk staff id → [(bill id, unit id, amount in fen)] that desk will be paid."""


def build_site(db: Database, *, boss: Staff, desks: list[Staff], cs: Staff, n_units: int = 12,
               bills_per_desk: int = 40) -> DrillSite:
    """Units with owners, one fixed-price fee standard and open bills for every desk."""
    with db.write() as s:
        building = units.get_or_create_building(s, code="1")
        unit_ids = []
        for i in range(n_units):
            floor = 1 + i // 4
            room = f"{floor}{i % 4 + 1:02d}"
            unit = units.create_unit(s, building=building, entrance="1", floor=floor, room=room,
                                     area=Decimal("88.50"))
            units.add_occupant(s, unit=unit, name=f"业主{i}", phone=f"1391234{i:04d}")
            unit_ids.append(unit.id)
        fees.load_standards(s, by=boss, specs=[StandardSpec(
            FEE, "演练服务费", FeeKind.SERVICE, FeeBasis.FIXED, 1000, FeeScope.ALL,
            date(2020, 1, 1))])
    drill = DrillSite(db.url if db.is_sqlite else db.engine.url.render_as_string(
        hide_password=False), boss.id, [d.id for d in desks], cs.id, unit_ids)  # type: ignore[arg-type]
    with db.write() as s:
        for n, desk in enumerate(desks):
            mine = []
            for i in range(bills_per_desk):
                unit_id = unit_ids[(n * bills_per_desk + i) % len(unit_ids)]
                amount = 100 + 7 * i + n
                bill = fees.add_charge(s, by=desk, unit_id=unit_id, fee_code=FEE,
                                              amount_fen=amount, description=f"演练{n}-{i}")
                mine.append((bill.id, unit_id, amount))
            drill.bills[desk.id] = mine  # type: ignore[index]
    return drill


# --------------------------------------------------------------------------------------
# Desk actions (each returns plain data)
# --------------------------------------------------------------------------------------


def pay(session: Session, staff: Staff, bill: tuple[int, int, int], request_id: str,
        desk: str = "") -> tuple[int, str, str]:
    bill_id, unit_id, amount = bill
    receipt = payments.take_payment(
        session, by=staff, request_id=request_id, unit_id=unit_id, bill_ids=[bill_id],
        tenders=[payments.Tender(PayMethod.CASH, amount)], desk=desk)
    return receipt.id, receipt.number, request_id  # type: ignore[return-value]


def contact(session: Session, staff: Staff, unit_id: int, marker: str) -> int:
    return contact_record(session, staff, unit_id, marker).id  # type: ignore[return-value]


def contact_record(session: Session, staff: Staff, unit_id: int, marker: str) -> Contact:
    return log_contact(session, by=staff, data=ContactCreate(
        channel=ContactChannel.PHONE, kind=ContactKind.ENQUIRY,
        content=f"咨询停车位收费标准 {marker}", unit_id=unit_id, person_name="业主",
        phone="13812345678", action_taken="已答复"))


def work_order(session: Session, staff: Staff, unit_id: int, marker: str) -> tuple[int, str]:
    row = create_work_order(session, by=staff, contact_id=None, data=WorkOrderCreate(
        category=WorkOrderCategory.WATER, urgency=WorkOrderUrgency.NORMAL,
        description=f"卫生间水龙头漏水 {marker}", unit_id=unit_id))
    return row.id, row.number  # type: ignore[return-value]


def new_request_id() -> str:
    return uuid.uuid4().hex


# --------------------------------------------------------------------------------------
# Accounting: what the database holds
# --------------------------------------------------------------------------------------


@dataclass
class Ledger:
    receipts: dict[int, tuple[str, str, int]]  # id → (number, request_id, seq)
    receipt_series: set[str]
    contacts: set[int]
    work_orders: dict[int, str]  # id → number
    audit_entries: int
    audit_ok: bool
    audit_reason: str


def ledger(db: Database) -> Ledger:
    with db.read() as s:
        receipts = {r.id: (r.number, r.request_id, r.seq) for r in s.exec(select(Receipt))}
        series = set(s.exec(select(Receipt.series)).all())
        contacts = set(s.exec(select(Contact.id)).all())
        orders = {w.id: w.number for w in s.exec(select(WorkOrder))}
        entries = s.exec(select(func.count()).select_from(AuditEntry)).one()
        chain = audit.verify(s)
    return Ledger(receipts, series, contacts, orders, entries, chain.ok,  # type: ignore[arg-type]
                  f"{chain.first_broken_seq} {chain.reason}")


def contiguous(numbers: list[int]) -> bool:
    """1, 2, …, n with no duplicate and no gap."""
    return sorted(numbers) == list(range(1, len(numbers) + 1))


def work_order_seqs(numbers: list[str]) -> dict[str, list[int]]:
    """WX20261130-007 → {"WX20261130": [7, …]}"""
    by_day: dict[str, list[int]] = {}
    for number in numbers:
        day, _, seq = number.rpartition("-")
        by_day.setdefault(day, []).append(int(seq))
    return by_day
