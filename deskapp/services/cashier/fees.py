"""Fee standards (收费标准) and receivables (应收): loading the standards, generating a
period's bills idempotently and ad-hoc charges. Meter readings are
:mod:`deskapp.services.cashier.meters`; the parking leases' monthly
bills are :mod:`deskapp.services.cashier.parking_bills`; the leases (passes) themselves are
the parking desk's (:mod:`deskapp.services.customer.parking`).

Amounts are integer fen; ``area × rate`` and ``reading × price`` are rounded once, HALF_UP,
by :func:`deskapp.money.multiply_rate`. A standard's price applies from its
``effective_from``; a later price is a new row and never touches bills already made.

Public API: :func:`read_standards_file`,
:func:`load_standards`, :func:`standard_for`, :func:`list_standards`,
:func:`generate_bills`, :func:`add_charge`, :func:`charge_item`, :func:`cancel_bill`,
:func:`open_bills`, :func:`parse_period`; meter readings are
:mod:`deskapp.services.cashier.meters`.
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

from sqlalchemy import func, insert
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
    MeterReading,
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
    (rounded once); parking: :mod:`deskapp.services.cashier.parking_bills` (each lease
    overlapping the month, part months by the day).
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
    done = {key for key in session.exec(keys_q).all() if key is not None}

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
        from deskapp.services.cashier.parking_bills import parking_bill_rows

        parking = parking_bill_rows(session, period=period, first=first, last=last,
                                    standards=standards, done=done, by_id=by.id or 0, now=now,
                                    unit_id=unit_id, building=building, unit_ids=chosen)
        rows.extend(parking.rows)
        existing += parking.existing
        missing += parking.missing
        total += parking.total_fen

    if rows:
        session.execute(insert(Bill), rows)
    created = len(rows)
    audit.record(session, by=by, action="cashier.bills.generate", entity="bill",
                 detail={"period": period, "unit_id": unit_id, "building": building,
                         "created": created, "existing": existing, "total_fen": total})
    return GenerateResult(period, created, existing, missing, total)


def property_fee(session: Session, *, unit_id: int, period: str) -> int | None:
    """The property fee :func:`generate_bills` makes for one unit and month (area × the
    standard in force; ``None``: no standard or no area) — for a preview before paying."""
    period = parse_period(period)
    unit = _unit(session, unit_id)
    std = _pick(_by_scope(list_standards(session, on=period_bounds(period)[0],
                                         kinds=[FeeKind.PROPERTY]), FeeKind.PROPERTY), unit.use)
    if std is None or not unit.area or unit.area <= 0:
        return None
    return multiply_rate(Decimal(unit.area), std.unit_price_fen)


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
