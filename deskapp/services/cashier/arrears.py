"""Arrears (欠费) and reminders (催缴).

A bill is in arrears on a day when it is past due (``due_date`` before that day), was made
by then, is not cancelled, and was not paid by then (unpaid, or paid on a receipt dated
later). Deposits are not arrears. Ages are counted from the due date and summed into the
buckets 0–30, 31–90, 91–180 and over 180 days — all in SQL, by comparing due dates with
the bucket boundaries (portable between SQLite and PostgreSQL).

A reminder (:func:`log_reminder`) records how, when, by whom, what was owed and the
owner's promise date; it is also written to the reception contact log as a fee reminder.
Units in arrears carry a warning wherever the unit appears (:func:`arrears_flags`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.models import Building, Occupant, OccupantKind, Staff, Unit
from deskapp.db.models.cashier import (
    ArrearsReminder,
    Bill,
    BillStatus,
    FeeKind,
    Receipt,
    ReminderChannel,
)
from deskapp.errors import NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.money import format_fen
from deskapp.services import audit, hooks
from deskapp.services.cashier.fees import CHARGERS
from deskapp.services.listing import AnySelect
from deskapp.services.staff import require_role

BUCKETS = ("d0_30", "d31_90", "d91_180", "over_180")


def _outstanding(as_of: date) -> Any:
    """WHERE clause on Bill: in arrears on ``as_of``. Each branch of the OR is indexed
    (open bills by status and due date; bills paid later through their receipt id), so a
    past date does not scan every paid bill of the years."""
    base = and_(col(Bill.due_date) < as_of, col(Bill.kind) != FeeKind.DEPOSIT)
    if as_of >= clock.today():  # nothing is paid after today: only open bills count
        return and_(col(Bill.status) == BillStatus.OPEN, base)
    day_after = datetime(as_of.year, as_of.month, as_of.day) + timedelta(days=1)
    paid_later = select(Receipt.id).where(Receipt.business_date > as_of)
    return and_(
        or_(and_(col(Bill.status) == BillStatus.OPEN, col(Bill.due_date) < as_of),
            and_(col(Bill.receipt_id).in_(paid_later), col(Bill.due_date) < as_of)),
        base, col(Bill.created_at) < day_after)


def _bucket_columns(as_of: date) -> list[Any]:
    d30, d90, d180 = (as_of - timedelta(days=n) for n in (30, 90, 180))
    amount = Bill.amount_fen
    return [
        func.sum(case((col(Bill.due_date) >= d30, amount), else_=0)).label("d0_30"),
        func.sum(case((and_(col(Bill.due_date) < d30, col(Bill.due_date) >= d90), amount),
                      else_=0)).label("d31_90"),
        func.sum(case((and_(col(Bill.due_date) < d90, col(Bill.due_date) >= d180), amount),
                      else_=0)).label("d91_180"),
        func.sum(case((col(Bill.due_date) < d180, amount), else_=0)).label("over_180"),
        func.sum(amount).label("total"),
        func.min(Bill.due_date).label("oldest_due"),
        func.count(col(Bill.id)).label("bills"),
    ]


@dataclass(frozen=True)
class ArrearsRow:
    unit_id: int
    unit_code: str
    building: str
    owner_name: str
    phone_masked: str
    d0_30_fen: int
    d31_90_fen: int
    d91_180_fen: int
    over_180_fen: int
    total_fen: int
    oldest_due: date
    bills: int
    last_reminder_at: datetime | None
    promise_date: date | None

    def days(self, as_of: date) -> int:
        return (as_of - self.oldest_due).days


def arrears_select(as_of: date, *, building: str | None = None,
                   unit_id: int | None = None, min_days: int = 0,
                   search: str = "") -> AnySelect:
    """One row per unit in arrears on ``as_of`` with the bucket sums, most overdue first.
    ``min_days``: only units owing something at least that many days overdue."""
    owner = aliased(Occupant)
    owner_name = (select(owner.name).where(owner.unit_id == Unit.id, owner.active == True,  # noqa: E712
                                           owner.kind == OccupantKind.OWNER)
                  .order_by(col(owner.id)).limit(1).scalar_subquery())
    owner_phone = (select(owner.phone).where(owner.unit_id == Unit.id, owner.active == True,  # noqa: E712
                                             owner.kind == OccupantKind.OWNER)
                   .order_by(col(owner.id)).limit(1).scalar_subquery())
    last_at = (select(func.max(ArrearsReminder.at)).where(ArrearsReminder.unit_id == Unit.id)
               .scalar_subquery())
    promise = (select(col(ArrearsReminder.promise_date))
               .where(col(ArrearsReminder.unit_id) == Unit.id)
               .order_by(col(ArrearsReminder.at).desc(), col(ArrearsReminder.id).desc())
               .limit(1).scalar_subquery())
    query = (  # SQLAlchemy's select: sqlmodel's takes at most 4 columns
        sa.select(col(Unit.id), col(Unit.code), col(Building.code).label("building"),
               owner_name.label("owner_name"), owner_phone.label("owner_phone"),
               *_bucket_columns(as_of), last_at.label("last_reminder_at"),
               promise.label("promise_date"))
        .select_from(Bill)
        .join(Unit, col(Unit.id) == Bill.unit_id)
        .join(Building, col(Building.id) == Unit.building_id)
        .where(_outstanding(as_of))
        .group_by(col(Unit.id), col(Unit.code), col(Building.code))
    )
    if building:
        query = query.where(col(Building.code) == building)
    if unit_id is not None:
        query = query.where(col(Unit.id) == unit_id)
    if min_days > 0:
        query = query.having(func.min(Bill.due_date) <= as_of - timedelta(days=min_days))
    text = search.strip()
    if text:
        like = f"%{text}%"
        named = select(col(Occupant.unit_id)).where(col(Occupant.name).like(like),
                                               Occupant.active == True)  # noqa: E712
        query = query.where(or_(col(Unit.code).like(f"{text}%"), col(Unit.id).in_(named)))
    return query


def _row(r: Any) -> ArrearsRow:
    oldest = r.oldest_due
    if isinstance(oldest, str):
        oldest = date.fromisoformat(oldest)
    last = r.last_reminder_at
    if isinstance(last, str):
        last = datetime.fromisoformat(last)
    promise = r.promise_date
    if isinstance(promise, str):
        promise = date.fromisoformat(promise)
    return ArrearsRow(unit_id=r.id, unit_code=r.code, building=r.building,
                      owner_name=r.owner_name or "",
                      phone_masked=mask_phone(r.owner_phone) if r.owner_phone else "",
                      d0_30_fen=int(r.d0_30), d31_90_fen=int(r.d31_90),
                      d91_180_fen=int(r.d91_180), over_180_fen=int(r.over_180),
                      total_fen=int(r.total), oldest_due=oldest, bills=int(r.bills),
                      last_reminder_at=last, promise_date=promise)


def arrears(session: Session, *, as_of: date, building: str | None = None,
            unit_id: int | None = None, min_days: int = 0, search: str = "",
            offset: int = 0, limit: int | None = None,
            reverse: bool = False) -> list[ArrearsRow]:
    """Units in arrears on ``as_of`` (optionally one building), the longest overdue first."""
    query = arrears_select(as_of, building=building, unit_id=unit_id, min_days=min_days,
                           search=search)
    oldest = func.min(Bill.due_date)
    order = [oldest.desc(), col(Unit.id).desc()] if reverse else [oldest, col(Unit.id)]
    query = query.order_by(*order).offset(max(offset, 0))
    if limit is not None:
        query = query.limit(limit)
    return [_row(r) for r in session.execute(query).all()]


def arrears_count(session: Session, *, as_of: date, building: str | None = None,
                  min_days: int = 0, search: str = "") -> int:
    """How many units :func:`arrears` would list (without the per-unit look-ups)."""
    query = (select(col(Bill.unit_id)).select_from(Bill).join(Unit, col(Unit.id) == Bill.unit_id)
             .where(_outstanding(as_of)).group_by(col(Bill.unit_id)))
    if building:
        query = query.join(Building, col(Building.id) == Unit.building_id).where(
            Building.code == building)
    if min_days > 0:
        query = query.having(func.min(Bill.due_date) <= as_of - timedelta(days=min_days))
    text = search.strip()
    if text:
        named = select(col(Occupant.unit_id)).where(col(Occupant.name).like(f"%{text}%"),
                                               Occupant.active == True)  # noqa: E712
        query = query.where(or_(col(Unit.code).like(f"{text}%"), col(Unit.id).in_(named)))
    return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


@dataclass(frozen=True)
class ArrearsTotals:
    units: int
    d0_30_fen: int
    d31_90_fen: int
    d91_180_fen: int
    over_180_fen: int
    total_fen: int


def arrears_totals(session: Session, *, as_of: date, building: str | None = None) -> ArrearsTotals:
    query = (select(func.count(func.distinct(Bill.unit_id)), *_bucket_columns(as_of)[:5])
             .select_from(Bill).where(_outstanding(as_of)))
    if building:
        query = (query.join(Unit, Unit.id == Bill.unit_id)
                 .join(Building, Building.id == Unit.building_id)
                 .where(Building.code == building))
    units, a, b, c, d, total = session.execute(query).one()
    return ArrearsTotals(int(units or 0), int(a or 0), int(b or 0), int(c or 0), int(d or 0),
                         int(total or 0))


def unit_owed(session: Session, unit_id: int, *, as_of: date | None = None) -> int:
    """What a unit owes in arrears today (or on ``as_of``)."""
    rows = arrears(session, as_of=as_of or clock.today(), unit_id=unit_id)
    return rows[0].total_fen if rows else 0


def arrears_flags(session: Session, unit_ids: list[int]) -> dict[int, list[hooks.UnitFlag]]:
    """Warn on every unit with overdue bills: how much and for how long."""
    today = clock.today()
    rows = session.execute(
        select(Bill.unit_id, func.sum(Bill.amount_fen), func.min(Bill.due_date))
        .where(col(Bill.unit_id).in_(unit_ids), col(Bill.status) == BillStatus.OPEN,
               Bill.due_date < today, Bill.kind != FeeKind.DEPOSIT)
        .group_by(col(Bill.unit_id))).all()
    flags: dict[int, list[hooks.UnitFlag]] = {}
    for unit_id, amount, oldest in rows:
        if isinstance(oldest, str):
            oldest = date.fromisoformat(oldest)
        flags[int(unit_id)] = [hooks.UnitFlag("warning", t(
            "cashier.flag.arrears", amount=format_fen(int(amount)), days=(today - oldest).days))]
    return flags


# --------------------------------------------------------------------------------------
# Reminders (催缴)
# --------------------------------------------------------------------------------------

_CONTACT_CHANNEL = {
    ReminderChannel.PHONE: "phone",
    ReminderChannel.SMS: "phone",
    ReminderChannel.VISIT: "via_staff",
    ReminderChannel.NOTICE: "letter",
    ReminderChannel.WALK_IN: "walk_in",
}


def log_reminder(session: Session, *, by: Staff, unit_id: int, channel: ReminderChannel,
                 note: str = "", promise_date: date | None = None,
                 desk: str | None = None) -> ArrearsReminder:
    """Record a reminder to pay, with what the unit owes now; it also goes to the contact
    log (kind fee reminder). A promise date cannot lie in the past."""
    require_role(by, *CHARGERS)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    try:
        channel = ReminderChannel(channel)
    except ValueError:
        raise ValidationError("cashier.reminder.bad_channel", field="channel") from None
    today = clock.today()
    if promise_date is not None and promise_date < today:
        raise ValidationError("cashier.reminder.promise_past", field="promise_date")
    assert unit.id is not None and by.id is not None
    owed = unit_owed(session, unit.id, as_of=today)
    if owed <= 0:
        raise ValidationError("cashier.reminder.nothing_owed", field="unit", unit=unit.code)
    text = " ".join((note or "").split())[:200]
    reminder = ArrearsReminder(unit_id=unit.id, unit_code=unit.code, at=clock.now(),
                               staff_id=by.id, channel=channel, owed_fen=owed,
                               promise_date=promise_date, note=text)
    session.add(reminder)
    session.flush()
    reminder.contact_id = _log_contact(session, by=by, unit=unit, reminder=reminder, desk=desk)
    session.add(reminder)
    session.flush()
    audit.record(session, by=by, action="cashier.reminder", entity="arrears_reminder",
                 entity_id=reminder.id,
                 detail={"unit": unit.code, "channel": channel.value, "owed_fen": owed,
                         "promise": promise_date.isoformat() if promise_date else ""})
    return reminder


def _log_contact(session: Session, *, by: Staff, unit: Unit, reminder: ArrearsReminder,
                 desk: str | None) -> int | None:
    """Write the reminder to the reception contact log (kind: fee reminder)."""
    from deskapp.db.models.reception import ContactChannel, ContactKind
    from deskapp.services.reception.contacts import ContactCreate, log_contact

    content = t("cashier.reminder.contact", owed=format_fen(reminder.owed_fen),
                channel=t(f"cashier.reminder.channel.{reminder.channel.value}"))
    if reminder.promise_date:
        content += t("cashier.reminder.contact_promise", date=reminder.promise_date.isoformat())
    if reminder.note:
        content += f"（{reminder.note}）"
    owner = session.exec(select(Occupant).where(
        Occupant.unit_id == unit.id, Occupant.active == True,  # noqa: E712
        col(Occupant.kind) == OccupantKind.OWNER).order_by(col(Occupant.id))).first()
    contact = log_contact(session, by=by, desk=desk, data=ContactCreate(
        channel=ContactChannel(_CONTACT_CHANNEL[reminder.channel]),
        kind=ContactKind.FEE_REMINDER, content=content[:2000], unit_id=unit.id,
        person_name=owner.name if owner else "", at=reminder.at))
    return contact.id


def reminders_of(session: Session, unit_id: int, *, limit: int = 20) -> list[ArrearsReminder]:
    return list(session.exec(select(ArrearsReminder).where(ArrearsReminder.unit_id == unit_id)
                             .order_by(col(ArrearsReminder.at).desc()).limit(limit)).all())


__all__ = [
    "BUCKETS",
    "ArrearsRow",
    "ArrearsTotals",
    "arrears",
    "arrears_count",
    "arrears_flags",
    "arrears_select",
    "arrears_totals",
    "log_reminder",
    "reminders_of",
    "unit_owed",
]
