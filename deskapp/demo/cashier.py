"""Demo activity of the cashier: the last six weeks at the desk. Property-fee and parking
bills for the last two months (units that prepaid the year have none), water readings,
payments by the two receptionists (cash with change, WeChat Pay, Alipay, card, transfer),
a few voids and a refund; units in arrears for up to seven months, with reminders; a daily
close for every cashier and day before today — one with a difference signed off by the
supervisor, yesterday's awaiting sign-off. Today's takings stay open.

Everything goes through the services with the clock frozen at each event, so numbers,
audit entries and closes are exactly what real use would produce. Runs after the other
areas (``ORDER``), so the closes also cover the renovation deposits taken in the demo.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Unit, UnitUse
from deskapp.db.models.cashier import (
    Bill,
    BillStatus,
    MeterKind,
    PayMethod,
    Receipt,
    ReminderChannel,
)
from deskapp.errors import DeskError
from deskapp.services.cashier import arrears, fees, payments, refunds
from deskapp.services.cashier import close as cashier_close
from deskapp.services.cashier.close import DENOMINATIONS_FEN
from deskapp.services.demo import DemoSummary, ensure_fee_standards

ORDER = 140  # last: the daily closes then cover every area's takings
ARREARS_MONTHS = 7  # the longest arrears reach back this far
DESK = "前台1"
FLOAT_FEN = 50_000  # ¥500 opening float

_METHODS = ((PayMethod.CASH, 35), (PayMethod.WECHAT, 35), (PayMethod.ALIPAY, 20),
            (PayMethod.CARD, 7), (PayMethod.TRANSFER, 3))
_VOID_REASONS = ("收错房号，已重新开具", "金额录入错误", "重复收费，当场作废")
_REMINDER_NOTES = ("业主称本月底前缴清", "电话未接通，已发短信", "业主对物业服务有意见，已记录并转主管",
                   "租户称由业主缴纳，已联系业主", "业主出差，承诺回来后缴费")


def _month_start(day: date, back: int) -> date:
    year, month = day.year, day.month - back
    while month <= 0:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _at(day: date, rng: random.Random, start: int = 9, end: int = 17) -> datetime:
    return datetime.combine(day, time(rng.randrange(start, end), rng.randrange(60)))


def _counts(amount: int) -> dict[int, int]:
    """A plausible drawer: greedy notes and coins for ``amount`` fen."""
    counts: dict[int, int] = {}
    for denom in DENOMINATIONS_FEN:
        counts[denom], amount = divmod(amount, denom)
    return counts


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    boss = summary.staff_member(session, "zhuguan")
    desks = [summary.staff_member(session, "qiantai1"), summary.staff_member(session, "qiantai2")]
    oldest = _month_start(today, ARREARS_MONTHS - 1)
    ensure_fee_standards(session, since=oldest)

    units = {u.id: u for u in session.exec(select(Unit)).all()}
    occupied = set(summary.occupied_unit_ids)
    # prepaid (the year paid ahead: no bills now), monthly, both months at once, late
    behaviour: dict[int, str] = {}
    for unit_id in summary.unit_ids:
        if unit_id not in occupied or units[unit_id].vacant:
            behaviour[unit_id] = "late"
        else:
            behaviour[unit_id] = rng.choices(("prepaid", "monthly", "bimonthly", "late"),
                                             (40, 35, 17, 8))[0]
    billed = [u for u, kind in behaviour.items() if kind != "prepaid"]
    late = [u for u, kind in behaviour.items() if kind == "late"]
    residences = [u for u in billed if units[u].use == UnitUse.RESIDENCE and u in occupied]
    metered = rng.sample(residences, min(30, len(residences)))
    window = _month_start(today, 1)  # the desk activity shown: last month and this month

    with clock.freeze(datetime.combine(oldest, time(8, 30))):
        for n, unit_id in enumerate(rng.sample([u for u in billed if u in occupied], 30),
                                    start=1):
            fees.add_parking_lease(session, by=desks[n % 2], unit_id=unit_id,
                                      space_no=f"B1-{n:03d}", start_date=oldest)
    for back in range(ARREARS_MONTHS - 1, 1, -1):  # older months: only the late units owe
        first = _month_start(today, back)
        with clock.freeze(datetime.combine(first, time(7, 30))):
            fees.generate_bills(session, by=boss, period=first.strftime("%Y-%m"),
                                   unit_ids=late)

    paydays: dict[date, list[int]] = defaultdict(list)
    day = window
    while day <= today:
        if day.day == 1:  # the month's bills
            with clock.freeze(datetime.combine(day, time(7, 30))):
                fees.generate_bills(session, by=boss, period=day.strftime("%Y-%m"),
                                       unit_ids=billed)
            for unit_id, kind in behaviour.items():
                if kind == "monthly" or (kind == "bimonthly" and day > window):
                    paydays[day + timedelta(days=rng.randrange(2, 28))].append(unit_id)
        if day.day == 3:  # water readings of last month
            period = (day - timedelta(days=5)).strftime("%Y-%m")
            with clock.freeze(datetime.combine(day, time(8, 10))):
                for unit_id in metered:
                    last = fees.last_reading(session, unit_id, MeterKind.WATER)
                    start = last.value if last else rng.randrange(100, 900)
                    fees.record_meter_reading(
                        session, by=desks[0], unit_id=unit_id, kind=MeterKind.WATER,
                        period=period, value=start + rng.randrange(4, 18),
                        start_value=None if last else start)
        if day.weekday() < 6:
            _pay_day(session, rng, day, today, paydays.pop(day, []), desks, boss)
        else:  # the desk collects on Monday what Sunday brought
            paydays[day + timedelta(days=1)].extend(paydays.pop(day, []))
        day += timedelta(days=1)

    _reminders(session, rng, today, desks, late)
    _closes(session, today, boss)
    summary.extra["receipts"] = session.exec(select(func.count()).select_from(Receipt)).one()
    summary.extra["bills_open"] = session.exec(
        select(func.count()).select_from(Bill).where(Bill.status == BillStatus.OPEN)).one()


def _pay_day(session: Session, rng: random.Random, day: date, today: date, unit_ids: list[int],
             desks: list, boss) -> None:  # type: ignore[type-arg,no-untyped-def]
    if day == today:
        unit_ids = unit_ids[: max(3, len(unit_ids) // 3)]  # the morning so far
    receipts = []
    order = sorted(unit_ids, key=lambda _: rng.random())
    times = sorted(_at(day, rng, 9, 12 if day == today else 17) for _ in order)
    for n, (unit_id, at) in enumerate(zip(order, times, strict=True)):
        bills = [b for b in fees.open_bills(session, unit_id) if b.due_date <= day + timedelta(
            days=31)]
        if not bills:
            continue
        total = sum(b.amount_fen for b in bills)
        method = rng.choices(*zip(*_METHODS, strict=True))[0]
        tendered = None
        if method == PayMethod.CASH:
            tendered = -(-total // 10_000) * 10_000 if rng.random() < 0.6 else total
        with clock.freeze(at):
            receipt = payments.take_payment(
                session, by=desks[n % 2], request_id=f"demo-pay-{day}-{unit_id}",
                unit_id=unit_id, bill_ids=[b.id for b in bills],  # type: ignore[misc]
                tenders=[payments.Tender(method, total, tendered)], desk=DESK)
        receipts.append(receipt)
        if n == 3 and rng.random() < 0.15:  # an extra: a lost access card
            with clock.freeze(at + timedelta(minutes=2)):
                bill = fees.charge_item(session, by=desks[n % 2], unit_id=unit_id,
                                           fee_code="SV-CARD")
                payments.take_payment(session, by=desks[n % 2],
                                     request_id=f"demo-card-{day}-{unit_id}", unit_id=unit_id,
                                     bill_ids=[bill.id],  # type: ignore[list-item]
                                     tenders=[payments.Tender(PayMethod.WECHAT, bill.amount_fen)],
                                     desk=DESK)
    if receipts and day < today and rng.random() < 0.06:  # a mistake, voided at once
        victim = rng.choice(receipts)
        with clock.freeze(victim.issued_at + timedelta(minutes=5)):
            payments.void_receipt(session, by=boss, receipt_id=victim.id,  # type: ignore[arg-type]
                                 reason=rng.choice(_VOID_REASONS))
    if receipts and day == today - timedelta(days=9):
        paid = rng.choice([r for r in receipts if not r.voided])
        with clock.freeze(paid.issued_at + timedelta(hours=1)):
            refunds.refund(session, by=boss, receipt_id=paid.id,  # type: ignore[arg-type]
                           amount_fen=min(paid.total_fen, 5_000),
                           reason="业主多交一个月，退回多收部分", request_id=f"demo-refund-{day}",
                           cashier=session.get(type(boss), paid.issued_by))


def _reminders(session: Session, rng: random.Random, today: date, desks: list,  # type: ignore[type-arg]
               late: list[int]) -> None:
    for n, unit_id in enumerate(rng.sample(late, min(14, len(late)))):
        day = today - timedelta(days=rng.randrange(1, 25))
        with clock.freeze(_at(day, rng)):
            try:
                promise = day + timedelta(days=rng.randrange(5, 20)) if n % 3 else None
                arrears.log_reminder(session, by=desks[n % 2], unit_id=unit_id,
                                     channel=rng.choice(list(ReminderChannel)),
                                     promise_date=promise if promise and promise >= day else None,
                                     note=rng.choice(_REMINDER_NOTES), desk=DESK)
            except DeskError:
                continue  # nothing overdue yet on that day


def _closes(session: Session, today: date, boss) -> None:  # type: ignore[no-untyped-def]
    from deskapp.db.models import Staff
    from deskapp.services.cashier.close import unclosed_days

    pending = unclosed_days(session, before=today)
    if not pending:
        return
    last_day = max(day for _, day in pending)
    awaiting = next(i for i, (_, day) in enumerate(pending) if day == last_day)
    signed = max(0, len(pending) - 12)  # about a week ago: short, found and signed off
    for n, (staff_id, day) in enumerate(pending):
        staff = session.get(Staff, staff_id)
        short = 2_000 if n == awaiting else 5_000 if n == signed else 0
        with clock.freeze(datetime.combine(day, time(17, 40))):
            summary = cashier_close.day_summary(session, staff_id=staff_id, business_date=day)
            float_fen = FLOAT_FEN + summary.refund_cash_fen  # refund cash fetched from the safe
            expected = summary.expected_cash_fen(float_fen)
            close = cashier_close.close_day(session, by=staff, opening_float_fen=float_fen,
                                      counted=_counts(max(expected - short, 0)),
                                      note="点钞少一张，已复核" if short else "")
        if n == signed and short:
            with clock.freeze(datetime.combine(day + timedelta(days=1), time(9, 15))):
                cashier_close.sign_off_close(session, by=boss, close_id=close.id,  # type: ignore[arg-type]
                                       note="查监控为找零多给，由当班人员补齐")
