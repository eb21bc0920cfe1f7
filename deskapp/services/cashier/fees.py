"""Fee standards (收费标准) and receivables (应收): loading the standards, generating a
period's bills idempotently, ad-hoc charges, meter readings and parking leases.

Amounts are integer fen; ``area × rate`` and ``reading × price`` are rounded once, HALF_UP,
by :func:`deskapp.money.multiply_rate`. A standard's price applies from its
``effective_from``; a later price is a new row and never touches bills already made.

Public API: :func:`read_standards_file`,
:func:`load_standards`, :func:`standard_for`, :func:`list_standards`,
:func:`generate_bills`, :func:`add_charge`, :func:`charge_item`, :func:`cancel_bill`,
:func:`record_meter_reading`, :func:`last_reading`, :func:`add_parking_lease`,
:func:`end_parking_lease`, :func:`open_bills`, :func:`parse_period`.
"""

from __future__ import annotations

import calendar
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib.resources.abc import Traversable
from pathlib import Path

from sqlalchemy import func, insert, or_
from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.models import Building, Role, Staff, Unit, UnitUse
from deskapp.db.models.cashier import (
    Bill,
    BillStatus,
    FeeBasis,
    FeeKind,
    FeeScope,
    FeeStandard,
    MeterKind,
    MeterReading,
    ParkingLease,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.money import MAX_FEN, format_fen, multiply_rate
from deskapp.services import audit
from deskapp.services.site import data_dir
from deskapp.services.staff import require_role

STANDARDS_FILE = "fee-standards.toml"
CASHIERS = (Role.RECEPTIONIST,)  # who takes money (a supervisor passes every check)
CHARGERS = (Role.RECEPTIONIST, Role.SPECIALIST)  # who may put a charge on a unit
GENERATED_KINDS = (FeeKind.PROPERTY, FeeKind.PARKING)

_PERIOD = re.compile(r"^(\d{4})-(\d{1,2})$")


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def parse_period(text: str | None, *, field: str = "period") -> str:
    """``"2026-11"`` (also ``2026-1``, ``2026年11月``, full width) → ``"2026-11"``."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    raw = raw.replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
    match = _PERIOD.match(raw)
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise ValidationError("cashier.period.invalid", field=field, value=text or "")
    return f"{int(match[1]):04d}-{int(match[2]):02d}"


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-MM`` period."""
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_quantity(value: Decimal | int | str, *, field: str, places: int = 2) -> Decimal:
    """A non-negative decimal quantity (area, meter reading) with at most ``places``
    decimals; full-width digits are fine."""
    if isinstance(value, float) or isinstance(value, bool):
        raise ValidationError("cashier.quantity.invalid", field=field, value=str(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError("cashier.quantity.invalid", field=field, value=str(value)) from None
    if not number.is_finite():
        raise ValidationError("cashier.quantity.invalid", field=field, value=str(value))
    if number < 0:
        raise ValidationError("cashier.quantity.negative", field=field)
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError("cashier.quantity.decimals", field=field, places=places)
    if number >= Decimal(10) ** 9:
        raise ValidationError("cashier.quantity.too_large", field=field)
    return number


def check_amount(amount_fen: object, *, field: str = "amount") -> int:
    """An amount of fen typed or passed in: a positive int within :data:`MAX_FEN`."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise ValidationError("cashier.amount.invalid", field=field)
    if amount_fen <= 0:
        raise ValidationError("cashier.amount.positive", field=field)
    if amount_fen > MAX_FEN:
        raise ValidationError("cashier.amount.too_large", field=field, max=format_fen(MAX_FEN))
    return amount_fen


def required_reason(text: str, *, field: str = "reason", key: str) -> str:
    reason = " ".join((text or "").split())
    if len(reason) < 2:
        raise ValidationError(key, field=field)
    return reason[:200]


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    return unit


def _scope_of(use: UnitUse) -> FeeScope:
    return FeeScope(use.value)


# --------------------------------------------------------------------------------------
# Fee standards
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardSpec:
    """One ``[[standard]]`` of ``fee-standards.toml``."""

    code: str
    name: str
    kind: FeeKind
    basis: FeeBasis
    unit_price_fen: int
    applies_to: FeeScope
    effective_from: date
    unit_label: str = ""
    note: str = ""


def read_standards_file(path: Path | Traversable | None = None) -> list[StandardSpec]:
    """Read and check ``fee-standards.toml`` (default: the shipped ``data/`` file).
    A bad entry refuses the whole file with the entry's position and problem."""
    source = path if path is not None else data_dir() / STANDARDS_FILE
    try:
        with source.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise NotFound("cashier.standards.missing", file=str(source)) from None
    except tomllib.TOMLDecodeError as err:
        raise ValidationError("cashier.standards.bad", entry=0, problem=str(err)) from None
    specs: list[StandardSpec] = []
    seen: set[tuple[str, date]] = set()
    for n, raw in enumerate(data.get("standard", []), start=1):
        try:
            code = str(raw["code"]).strip()
            price = raw["unit_price_fen"]
            if not code or not str(raw["name"]).strip():
                raise ValueError("code and name are required")
            if isinstance(price, bool) or not isinstance(price, int) or price < 0:
                raise ValueError("unit_price_fen must be a non-negative integer of fen")
            effective = raw["effective_from"]
            if not isinstance(effective, date):
                effective = date.fromisoformat(str(effective))
            spec = StandardSpec(
                code=code, name=str(raw["name"]).strip(), kind=FeeKind(raw["kind"]),
                basis=FeeBasis(raw["basis"]), unit_price_fen=price,
                applies_to=FeeScope(raw.get("applies_to", "all")), effective_from=effective,
                unit_label=str(raw.get("unit", "")), note=str(raw.get("note", "")))
        except (KeyError, ValueError, TypeError) as err:
            raise ValidationError("cashier.standards.bad", entry=n, problem=str(err)) from None
        if (spec.code, spec.effective_from) in seen:
            raise ValidationError("cashier.standards.bad", entry=n,
                                  problem=f"{spec.code} {spec.effective_from} twice")
        seen.add((spec.code, spec.effective_from))
        specs.append(spec)
    return specs


@dataclass(frozen=True)
class LoadResult:
    added: int
    unchanged: int


def load_standards(session: Session, *, by: Staff | None,
                   specs: Iterable[StandardSpec] | None = None) -> LoadResult:
    """Add the standards not loaded yet. An existing (code, effective_from) must keep its
    price: a new price needs a new ``effective_from`` (so past bills stay as they were).
    ``by`` is a supervisor; ``None`` only while the database has no standards at all
    (site set-up, demo build)."""
    existing_count = session.exec(select(func.count()).select_from(FeeStandard)).one()
    if by is not None or existing_count:
        require_role(by, Role.SUPERVISOR)
    specs = list(specs if specs is not None else read_standards_file())
    added = unchanged = 0
    now = clock.now()
    for spec in specs:
        row = session.exec(select(FeeStandard).where(
            FeeStandard.code == spec.code, FeeStandard.effective_from == spec.effective_from)).first()
        if row is not None:
            if (row.unit_price_fen, row.basis, row.kind, row.applies_to) != (
                    spec.unit_price_fen, spec.basis, spec.kind, spec.applies_to):
                raise Conflict("cashier.standards.changed", code=spec.code,
                               date=spec.effective_from.isoformat())
            unchanged += 1
            continue
        session.add(FeeStandard(code=spec.code, name=spec.name, kind=spec.kind,
                                basis=spec.basis, unit_price_fen=spec.unit_price_fen,
                                applies_to=spec.applies_to, effective_from=spec.effective_from,
                                unit_label=spec.unit_label[:20], note=spec.note[:200],
                                loaded_at=now, loaded_by=by.id if by else None))
        added += 1
    session.flush()
    audit.record(session, by=by, action="cashier.standards.load", entity="fee_standard",
                 detail={"added": added, "unchanged": unchanged})
    return LoadResult(added, unchanged)


def standard_for(session: Session, code: str, on: date) -> FeeStandard:
    """The price of ``code`` in force on ``on`` (latest ``effective_from`` ≤ ``on``)."""
    row = session.exec(
        select(FeeStandard).where(FeeStandard.code == code, FeeStandard.effective_from <= on)
        .order_by(col(FeeStandard.effective_from).desc())).first()
    if row is None:
        known = session.exec(select(FeeStandard.id).where(FeeStandard.code == code)).first()
        if known is None:
            raise NotFound("cashier.fee_code.unknown", code=code)
        raise ValidationError("cashier.fee_code.not_yet", field="fee_code", code=code,
                              date=on.isoformat())
    return row


def list_standards(session: Session, *, on: date | None = None,
                   kinds: Iterable[FeeKind] | None = None) -> list[FeeStandard]:
    """The standards in force on ``on`` (default today), one per code, by kind and code."""
    on = on or clock.today()
    latest = (select(FeeStandard.code, func.max(FeeStandard.effective_from).label("eff"))
              .where(FeeStandard.effective_from <= on).group_by(FeeStandard.code).subquery())
    query = select(FeeStandard).join(
        latest, (col(FeeStandard.code) == latest.c.code)
        & (FeeStandard.effective_from == latest.c.eff))
    if kinds is not None:
        query = query.where(col(FeeStandard.kind).in_(list(kinds)))
    rows = list(session.exec(query).all())
    order = list(FeeKind)
    return sorted(rows, key=lambda s: (order.index(s.kind), s.code))


def _by_scope(standards: list[FeeStandard], kind: FeeKind) -> dict[FeeScope, FeeStandard]:
    found: dict[FeeScope, FeeStandard] = {}
    for std in standards:
        if std.kind == kind and std.basis in (FeeBasis.PER_M2_MONTH, FeeBasis.PER_SPACE_MONTH,
                                              FeeBasis.PER_UNIT_READING):
            found.setdefault(std.applies_to, std)
    return found


def _pick(scoped: dict[FeeScope, FeeStandard], use: UnitUse) -> FeeStandard | None:
    return scoped.get(_scope_of(use)) or scoped.get(FeeScope.ALL)


# --------------------------------------------------------------------------------------
# Generating a period's bills
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerateResult:
    period: str
    created: int
    existing: int
    without_standard: int
    total_fen: int


def generate_bills(session: Session, *, by: Staff, period: str, unit_id: int | None = None,
                   building: str | None = None,
                   kinds: Iterable[FeeKind] = GENERATED_KINDS,
                   unit_ids: Iterable[int] | None = None) -> GenerateResult:
    """Make the property-fee and parking bills of ``period`` for all units (or one unit,
    one building, or the units ``unit_ids``). Idempotent: a bill already made for a unit, kind and period (even if
    since paid or cancelled) is never made again. Property fee = area × price per m²
    (rounded once); parking = price per space for each lease overlapping the month.
    Due on the last day of the period."""
    require_role(by, *CASHIERS)
    period = parse_period(period)
    first, last = period_bounds(period)
    kinds = set(kinds)
    standards = list_standards(session, on=first)
    created = existing = missing = total = 0
    now = clock.now()
    rows: list[dict[str, object]] = []

    units_q = select(col(Unit.id), col(Unit.code), col(Unit.area), col(Unit.use)).join(
        Building, col(Building.id) == Unit.building_id)
    if unit_id is not None:
        _unit(session, unit_id)
        units_q = units_q.where(Unit.id == unit_id)
    if building:
        units_q = units_q.where(Building.code == building)
    chosen = sorted(set(unit_ids)) if unit_ids is not None else None
    if chosen is not None:
        units_q = units_q.where(col(Unit.id).in_(chosen))

    keys_q = select(col(Bill.gen_key)).where(col(Bill.period) == period,
                                            col(Bill.gen_key).is_not(None))
    if unit_id is not None:
        keys_q = keys_q.where(Bill.unit_id == unit_id)
    done = set(session.exec(keys_q).all())

    if FeeKind.PROPERTY in kinds:
        scoped = _by_scope(standards, FeeKind.PROPERTY)
        for uid, code, area, use in session.exec(units_q.order_by(col(Unit.id))).all():
            key = f"property:{uid}:{period}"
            if key in done:
                existing += 1
                continue
            std = _pick(scoped, use)
            if std is None or not area or area <= 0:
                missing += 1
                continue
            amount = multiply_rate(Decimal(area), std.unit_price_fen)
            rows.append(dict(unit_id=uid, unit_code=code, fee_code=std.code, standard_id=std.id,
                             kind=FeeKind.PROPERTY, period=period,
                             description=f"{std.name} {period}", quantity=Decimal(area),
                             unit_price_fen=std.unit_price_fen, amount_fen=amount,
                             due_date=last, status=BillStatus.OPEN, gen_key=key,
                             source_kind="", created_at=now, created_by=by.id))
            total += amount

    if FeeKind.PARKING in kinds:
        by_code = {s.code: s for s in standards}
        leases_q = (select(ParkingLease, col(Unit.code))
            .join(Unit, col(Unit.id) == ParkingLease.unit_id)
                    .join(Building, col(Building.id) == Unit.building_id)
                    .where(ParkingLease.start_date <= last,
                           or_(col(ParkingLease.end_date).is_(None),
                               col(ParkingLease.end_date) >= first)))
        if unit_id is not None:
            leases_q = leases_q.where(ParkingLease.unit_id == unit_id)
        if building:
            leases_q = leases_q.where(Building.code == building)
        if chosen is not None:
            leases_q = leases_q.where(col(ParkingLease.unit_id).in_(chosen))
        for lease, code in session.exec(leases_q.order_by(col(ParkingLease.id))).all():
            key = f"parking:{lease.id}:{period}"
            if key in done:
                existing += 1
                continue
            std = by_code.get(lease.fee_code)
            if std is None:
                missing += 1
                continue
            amount = multiply_rate(1, std.unit_price_fen)
            rows.append(dict(unit_id=lease.unit_id, unit_code=code, fee_code=std.code,
                             standard_id=std.id, kind=FeeKind.PARKING, period=period,
                             description=f"{std.name} {lease.space_no} {period}",
                             quantity=Decimal(1), unit_price_fen=std.unit_price_fen,
                             amount_fen=amount, due_date=last, status=BillStatus.OPEN,
                             gen_key=key, source_kind="parking_lease", source_id=lease.id,
                             created_at=now, created_by=by.id))
            total += amount

    if rows:
        session.execute(insert(Bill), rows)
    created = len(rows)
    audit.record(session, by=by, action="cashier.bills.generate", entity="bill",
                 detail={"period": period, "unit_id": unit_id, "building": building,
                         "created": created, "existing": existing, "total_fen": total})
    return GenerateResult(period, created, existing, missing, total)


# --------------------------------------------------------------------------------------
# Ad-hoc charges
# --------------------------------------------------------------------------------------


def add_charge(session: Session, *, by: Staff, unit_id: int, fee_code: str, amount_fen: int,
               description: str, period: str | None = None, source_kind: str = "",
               source_id: int | None = None, quantity: Decimal | None = None,
               unit_price_fen: int | None = None, due_date: date | None = None) -> Bill:
    """An ad-hoc receivable on a unit (a service, a deposit, a one-off fee). The renovation
    area puts its deposit here with the deposit standard's ``fee_code`` and
    ``source_kind="renovation"``. Due today unless ``due_date`` says otherwise."""
    require_role(by, *CHARGERS)
    unit = _unit(session, unit_id)
    assert unit.id is not None
    amount_fen = check_amount(amount_fen)
    today = clock.today()
    std = standard_for(session, fee_code.strip(), today)
    if period is not None and period != "":
        period = parse_period(period)
    else:
        period = None
    text = " ".join((description or "").split()) or std.name
    bill = Bill(unit_id=unit.id, unit_code=unit.code, fee_code=std.code, standard_id=std.id,
                kind=std.kind, period=period, description=text[:200], quantity=quantity,
                unit_price_fen=unit_price_fen, amount_fen=amount_fen,
                due_date=due_date or today, status=BillStatus.OPEN,
                source_kind=source_kind[:30], source_id=source_id, created_at=clock.now(),
                created_by=by.id)
    session.add(bill)
    session.flush()
    audit.record(session, by=by, action="cashier.charge", entity="bill", entity_id=bill.id,
                 detail={"unit": unit.code, "fee_code": std.code, "amount_fen": amount_fen,
                         "source": f"{source_kind}:{source_id or ''}"})
    return bill


def charge_item(session: Session, *, by: Staff, unit_id: int, fee_code: str,
                quantity: Decimal | int | str = 1, description: str = "") -> Bill:
    """A priced item from the list (增值服务 etc.): quantity × the standard's price,
    rounded once. Deposits and metered fees are refused here (they have their own way)."""
    std = standard_for(session, fee_code.strip(), clock.today())
    if std.basis == FeeBasis.PER_UNIT_READING:
        raise ValidationError("cashier.charge.metered", field="fee_code", name=std.name)
    qty = parse_quantity(quantity, field="quantity", places=3)
    if qty <= 0:
        raise ValidationError("cashier.quantity.zero", field="quantity")
    amount = multiply_rate(qty, std.unit_price_fen)
    if amount <= 0:
        raise ValidationError("cashier.amount.positive", field="quantity")
    text = " ".join((description or "").split())
    label = f"{std.name} ×{qty.normalize():f}" + (f" {text}" if text else "")
    return add_charge(session, by=by, unit_id=unit_id, fee_code=std.code, amount_fen=amount,
                      description=label, quantity=qty, unit_price_fen=std.unit_price_fen)


def cancel_bill(session: Session, *, by: Staff, bill_id: int, reason: str) -> Bill:
    """A supervisor cancels an unpaid bill made in error (kept, marked with who, when,
    why). A paid bill is cancelled by voiding its receipt first."""
    require_role(by, Role.SUPERVISOR)
    reason = required_reason(reason, key="cashier.cancel.reason_required")
    bill = session.get(Bill, bill_id)
    if bill is None:
        raise NotFound("cashier.bill.not_found")
    if bill.status == BillStatus.PAID:
        raise InvalidTransition("cashier.cancel.paid")
    if bill.status == BillStatus.CANCELLED:
        raise InvalidTransition("cashier.cancel.already")
    bill.status = BillStatus.CANCELLED
    bill.cancelled_at = clock.now()
    bill.cancelled_by = by.id
    bill.cancel_reason = reason
    session.add(bill)
    reading = session.exec(select(MeterReading).where(MeterReading.bill_id == bill.id)).first()
    if reading is not None:
        reading.active_key = None
        session.add(reading)
    session.flush()
    audit.record(session, by=by, action="cashier.bill.cancel", entity="bill", entity_id=bill.id,
                 detail={"unit": bill.unit_code, "amount_fen": bill.amount_fen,
                         "reason": reason})
    return bill


def open_bills(session: Session, unit_id: int) -> list[Bill]:
    """A unit's unpaid bills, oldest due first (what the cashier offers to pay)."""
    return list(session.exec(
        select(Bill).where(Bill.unit_id == unit_id, Bill.status == BillStatus.OPEN)
        .order_by(col(Bill.due_date), col(Bill.period), col(Bill.id))).all())


# --------------------------------------------------------------------------------------
# Meter readings (抄表)
# --------------------------------------------------------------------------------------


def last_reading(session: Session, unit_id: int, kind: MeterKind) -> MeterReading | None:
    return session.exec(
        select(MeterReading).where(MeterReading.unit_id == unit_id, MeterReading.kind == kind,
                                   col(MeterReading.active_key).is_not(None))
        .order_by(col(MeterReading.read_on).desc(), col(MeterReading.id).desc())).first()


_METER_FEE = {MeterKind.WATER: FeeKind.WATER, MeterKind.ELECTRICITY: FeeKind.ELECTRICITY}


def record_meter_reading(session: Session, *, by: Staff, unit_id: int, kind: MeterKind,
                         period: str, value: Decimal | int | str, read_on: date | None = None,
                         meter_changed: bool = False, old_final: Decimal | int | str | None = None,
                         new_start: Decimal | int | str | None = None,
                         start_value: Decimal | int | str | None = None,
                         note: str = "") -> MeterReading:
    """Record a meter reading and bill the consumption (reading × price, rounded once).

    A reading below the previous one is refused unless ``meter_changed``: then
    ``old_final`` (the old meter's last figure, ≥ the previous reading) and ``new_start``
    (the new meter's first figure, default 0) are given and consumption is
    ``(old_final − previous) + (value − new_start)``. ``start_value`` is the baseline of a
    meter's very first reading (default 0). One reading per meter and month."""
    require_role(by, *CASHIERS)
    unit = _unit(session, unit_id)
    assert unit.id is not None and by.id is not None
    kind = MeterKind(kind)
    period = parse_period(period)
    today = clock.today()
    read_on = read_on or today
    if read_on > today:
        raise ValidationError("cashier.meter.future", field="read_on")
    reading = parse_quantity(value, field="value")
    last = last_reading(session, unit.id, kind)
    if last is not None and last.period >= period and not meter_changed:
        raise ValidationError("cashier.meter.period_order", field="period", last=last.period)
    previous = last.value if last is not None else (
        parse_quantity(start_value, field="start_value") if start_value not in (None, "")
        else Decimal(0))
    old_final_d = new_start_d = None
    if meter_changed:
        if old_final in (None, ""):
            raise ValidationError("cashier.meter.old_final_required", field="old_final")
        old_final_d = parse_quantity(old_final, field="old_final")
        if old_final_d < previous:
            raise ValidationError("cashier.meter.below_last", field="old_final",
                                  last=f"{previous:f}")
        new_start_d = (parse_quantity(new_start, field="new_start")
                       if new_start not in (None, "") else Decimal(0))
        if reading < new_start_d:
            raise ValidationError("cashier.meter.below_start", field="value",
                                  start=f"{new_start_d:f}")
        consumption = (old_final_d - previous) + (reading - new_start_d)
    else:
        if reading < previous:
            raise ValidationError("cashier.meter.below_last", field="value",
                                  last=f"{previous:f}")
        consumption = reading - previous
    key = f"{unit.id}:{kind.value}:{period}"
    if session.exec(select(MeterReading.id).where(MeterReading.active_key == key)).first():
        raise Conflict("cashier.meter.duplicate", unit=unit.code, period=period)
    scoped = _by_scope(list_standards(session, on=period_bounds(period)[0],
                                      kinds=[_METER_FEE[kind]]), _METER_FEE[kind])
    std = _pick(scoped, unit.use)
    if std is None:
        raise NotFound("cashier.meter.no_standard", kind=kind.value)
    row = MeterReading(unit_id=unit.id, kind=kind, period=period, read_on=read_on,
                       previous_value=previous, value=reading, meter_changed=meter_changed,
                       old_final=old_final_d, new_start=new_start_d, consumption=consumption,
                       active_key=key, note=" ".join(note.split())[:200],
                       created_at=clock.now(), created_by=by.id)
    session.add(row)
    session.flush()
    amount = multiply_rate(consumption, std.unit_price_fen)
    if amount > 0:
        figures = (f"{previous:f}→{old_final_d:f}, {new_start_d:f}→{reading:f}" if meter_changed
                   else f"{previous:f}→{reading:f}")
        bill = Bill(unit_id=unit.id, unit_code=unit.code, fee_code=std.code, standard_id=std.id,
                    kind=std.kind, period=period,
                    description=f"{std.name} {period}（{figures}）"[:200],
                    quantity=consumption, unit_price_fen=std.unit_price_fen, amount_fen=amount,
                    due_date=period_bounds(period)[1] if period_bounds(period)[1] > read_on
                    else read_on,
                    status=BillStatus.OPEN, source_kind="meter_reading", source_id=row.id,
                    created_at=clock.now(), created_by=by.id)
        session.add(bill)
        session.flush()
        row.bill_id = bill.id
        session.add(row)
        session.flush()
    audit.record(session, by=by, action="cashier.meter.read", entity="meter_reading",
                 entity_id=row.id,
                 detail={"unit": unit.code, "kind": kind.value, "period": period,
                         "value": f"{reading:f}", "consumption": f"{consumption:f}",
                         "meter_changed": meter_changed, "amount_fen": amount})
    return row


# --------------------------------------------------------------------------------------
# Parking leases
# --------------------------------------------------------------------------------------


def add_parking_lease(session: Session, *, by: Staff, unit_id: int, space_no: str,
                      start_date: date, fee_code: str = "PK-MONTH",
                      note: str = "") -> ParkingLease:
    """A unit rents a parking space from ``start_date``; it is billed every month the
    lease overlaps, by :func:`generate_bills`."""
    require_role(by, *CASHIERS)
    unit = _unit(session, unit_id)
    assert unit.id is not None and by.id is not None
    space = unicodedata.normalize("NFKC", space_no).strip().upper()
    if not space or len(space) > 20:
        raise ValidationError("cashier.parking.space_required", field="space_no")
    std = standard_for(session, fee_code, start_date)
    if std.basis != FeeBasis.PER_SPACE_MONTH:
        raise ValidationError("cashier.parking.not_monthly", field="fee_code", name=std.name)
    busy = session.exec(select(ParkingLease).where(
        ParkingLease.space_no == space,
        or_(col(ParkingLease.end_date).is_(None), col(ParkingLease.end_date) >= start_date))
    ).first()
    if busy is not None:
        raise Conflict("cashier.parking.space_taken", space=space)
    lease = ParkingLease(unit_id=unit.id, space_no=space, fee_code=std.code,
                         start_date=start_date, note=note[:200], created_at=clock.now(),
                         created_by=by.id)
    session.add(lease)
    session.flush()
    audit.record(session, by=by, action="cashier.parking.lease", entity="parking_lease",
                 entity_id=lease.id, detail={"unit": unit.code, "space": space,
                                             "from": start_date.isoformat()})
    return lease


def end_parking_lease(session: Session, *, by: Staff, lease_id: int,
                      end_date: date) -> ParkingLease:
    require_role(by, *CASHIERS)
    lease = session.get(ParkingLease, lease_id)
    if lease is None:
        raise NotFound("cashier.parking.not_found")
    if lease.end_date is not None:
        raise InvalidTransition("cashier.parking.already_ended")
    if end_date < lease.start_date:
        raise ValidationError("cashier.parking.end_before_start", field="end_date")
    lease.end_date = end_date
    lease.ended_by = by.id
    session.add(lease)
    session.flush()
    audit.record(session, by=by, action="cashier.parking.end", entity="parking_lease",
                 entity_id=lease.id, detail={"to": end_date.isoformat()})
    return lease
