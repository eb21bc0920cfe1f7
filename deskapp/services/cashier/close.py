"""The cashier's daily close (日结), the day and month figures, and the cash summary for
the shift handover.

A close is per cashier and business day: opening float, takings by method, cash refunds,
expected cash, counted cash by denomination, the difference. A difference beyond
:data:`SIGNOFF_THRESHOLD_FEN` (either way) waits for a supervisor's sign-off. Once closed,
that cashier's day is locked: the payment, void and refund services refuse anything dated
on it (and database triggers refuse it too); corrections go to a later day.

All figures are SQL sums over ``business_date`` — the site-local day the money was taken.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.db.models.cashier import (
    ArrearsReminder,
    Bill,
    BillStatus,
    CloseStatus,
    DailyClose,
    FeeKind,
    PayMethod,
    Receipt,
    ReceiptLine,
    ReceiptTender,
    Refund,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.money import MAX_FEN, format_fen, parse_yuan
from deskapp.services import audit, hooks
from deskapp.services.cashier.fees import CASHIERS, required_reason
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import require_role

#: Notes and coins counted in the drawer, in fen: 100, 50, 20, 10, 5, 1 元, 5 角, 1 角 and the
#: 分 coins (5, 2, 1 分) — fees are exact to the fen, so is the drawer.
DENOMINATIONS_FEN: tuple[int, ...] = (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1)
#: A counted-minus-expected difference beyond this (either way) needs a supervisor; a site
#: sets its own with ``cashier.signoff_threshold_yuan`` in settings.toml.
SIGNOFF_THRESHOLD_FEN = 1000
SIGNOFF_SETTING = "cashier.signoff_threshold_yuan"


def signoff_threshold_from_settings(settings: Any) -> int:
    """The site's sign-off threshold in fen (``cashier.signoff_threshold_yuan``, e.g.
    ``"20"`` or ``"5.50"``); a missing, negative or unreadable value keeps ¥10.00."""
    raw = settings.get(SIGNOFF_SETTING) if settings is not None else None
    if raw is None or isinstance(raw, bool):
        return SIGNOFF_THRESHOLD_FEN
    try:
        return parse_yuan(str(raw))
    except ValidationError:
        return SIGNOFF_THRESHOLD_FEN
SECTION = "handover.section.cash"


def is_day_closed(session: Session, staff_id: int, day: date) -> bool:
    return session.exec(select(DailyClose.id).where(
        DailyClose.staff_id == staff_id, DailyClose.business_date == day)).first() is not None


def _zero_methods() -> dict[PayMethod, int]:
    return dict.fromkeys(PayMethod, 0)


# --------------------------------------------------------------------------------------
# One cashier's day
# --------------------------------------------------------------------------------------


@dataclass
class DaySummary:
    staff_id: int
    staff_name: str
    business_date: date
    by_method: dict[PayMethod, int] = field(default_factory=_zero_methods)
    receipts_valid: int = 0
    receipts_void: int = 0
    voided_fen: int = 0
    first_number: str = ""
    last_number: str = ""
    refunds: int = 0
    refund_cash_fen: int = 0
    refund_other_fen: int = 0
    close: DailyClose | None = None

    @property
    def total_fen(self) -> int:
        return sum(self.by_method.values())

    @property
    def cash_in_fen(self) -> int:
        """Cash that stayed in the drawer from payments (tendered minus change)."""
        return self.by_method[PayMethod.CASH]

    def expected_cash_fen(self, opening_float_fen: int) -> int:
        return opening_float_fen + self.cash_in_fen - self.refund_cash_fen

def day_summary(session: Session, *, staff_id: int, business_date: date) -> DaySummary:
    """What ``staff_id`` took on ``business_date``: valid receipts by method, voids, refunds."""
    member = session.get(Staff, staff_id)
    if member is None:
        raise NotFound("staff.not_found")
    out = DaySummary(staff_id, member.name, business_date)
    mine = and_(col(Receipt.issued_by) == staff_id, col(Receipt.business_date) == business_date)
    for method, amount in session.exec(
            select(ReceiptTender.method, func.sum(ReceiptTender.amount_fen))
            .join(Receipt, col(Receipt.id) == ReceiptTender.receipt_id)
            .where(mine, Receipt.voided == False)  # noqa: E712
            .group_by(ReceiptTender.method)).all():
        out.by_method[PayMethod(method)] = int(amount)
    valid, void, voided_fen, first, last = session.execute(  # sqlmodel's select: ≤ 4 columns
        sa.select(func.sum(case((col(Receipt.voided) == False, 1), else_=0)),  # noqa: E712
               func.sum(case((col(Receipt.voided) == True, 1), else_=0)),  # noqa: E712
               func.sum(case((col(Receipt.voided) == True, Receipt.total_fen), else_=0)),  # noqa: E712
               func.min(Receipt.number), func.max(Receipt.number)).where(mine)).one()
    out.receipts_valid, out.receipts_void = int(valid or 0), int(void or 0)
    out.voided_fen = int(voided_fen or 0)
    out.first_number, out.last_number = first or "", last or ""
    count, cash, other = session.exec(
        select(func.count(col(Refund.id)),
               func.sum(case((col(Refund.method) == PayMethod.CASH, Refund.amount_fen),
                             else_=0)),
               func.sum(case((col(Refund.method) != PayMethod.CASH, Refund.amount_fen),
                             else_=0)))
        .where(Refund.issued_by == staff_id, Refund.business_date == business_date)).one()
    out.refunds, out.refund_cash_fen, out.refund_other_fen = (
        int(count or 0), int(cash or 0), int(other or 0))
    out.close = session.exec(select(DailyClose).where(
        DailyClose.staff_id == staff_id, DailyClose.business_date == business_date)).first()
    return out


def counted_total(counted: Mapping[int, int]) -> int:
    """Σ denomination × count, checking every count (field ``denom_<fen>``)."""
    total = 0
    for denom, count in counted.items():
        if denom not in DENOMINATIONS_FEN:
            raise ValidationError("cashier.close.bad_denomination", field="counted",
                                  value=str(denom))
        if isinstance(count, bool) or not isinstance(count, int) or count < 0 or count > 100_000:
            raise ValidationError("cashier.close.bad_count", field=f"denom_{denom}")
        total += denom * count
    return total


def _close_checks(session: Session, *, by: Staff, opening_float_fen: int,
                  counted: Mapping[int, int], business_date: date | None,
                  cashier_id: int | None) -> tuple[DaySummary, int, int]:
    """The close's checks; ``(summary, expected cash, counted cash)`` as they stand now."""
    require_role(by, *CASHIERS)
    staff_id = cashier_id if cashier_id is not None else by.id
    if staff_id != by.id:
        require_role(by, Role.SUPERVISOR)
    today = clock.today()
    day = business_date or today
    if day > today:
        raise ValidationError("cashier.close.future", field="business_date")
    if isinstance(opening_float_fen, bool) or not isinstance(opening_float_fen, int) \
            or opening_float_fen < 0 or opening_float_fen > MAX_FEN:
        raise ValidationError("cashier.close.bad_float", field="opening_float")
    counted_fen = counted_total(counted)
    assert staff_id is not None
    summary = day_summary(session, staff_id=staff_id, business_date=day)
    if summary.close is not None:
        raise Conflict("cashier.close.already", date=day.isoformat(), name=summary.staff_name)
    return summary, summary.expected_cash_fen(opening_float_fen), counted_fen


def close_preview(session: Session, *, by: Staff, opening_float_fen: int,
                  counted: Mapping[int, int], business_date: date | None = None,
                  cashier_id: int | None = None,
                  threshold_fen: int = SIGNOFF_THRESHOLD_FEN) -> ActionPreview:
    """What closing the day will record — computed now, for the person closing — for the
    confirmation. ``expected`` is the expected cash to hand back to :func:`close_day`."""
    summary, expected, counted_fen = _close_checks(
        session, by=by, opening_float_fen=opening_float_fen, counted=counted,
        business_date=business_date, cashier_id=cashier_id)
    difference = counted_fen - expected
    lines = [
        (t("cashier.confirm.cashier"), summary.staff_name),
        (t("cashier.confirm.date"), summary.business_date.isoformat()),
        (t("cashier.close.receipts"), t("cashier.close.receipts_value",
                                        valid=summary.receipts_valid, void=summary.receipts_void,
                                        first=summary.first_number or "—",
                                        last=summary.last_number or "—")),
        (t("cashier.confirm.takings"), format_fen(summary.total_fen)),
        (t("cashier.close.float"), format_fen(opening_float_fen)),
        (t("cashier.close.expected"), format_fen(expected)),
        (t("cashier.close.counted"), format_fen(counted_fen)),
        (t("cashier.close.difference"), format_fen(difference)),
    ]
    notes = [t("cashier.confirm.signoff_needed")] if abs(difference) > threshold_fen else []
    return ActionPreview(t("cashier.confirm.close_title", date=summary.business_date.isoformat(),
                           name=summary.staff_name), lines, notes, expected=expected)


def close_day(session: Session, *, by: Staff, opening_float_fen: int,
              counted: Mapping[int, int], business_date: date | None = None,
              cashier_id: int | None = None, note: str = "",
              threshold_fen: int = SIGNOFF_THRESHOLD_FEN,
              expected_cash_fen: int | None = None) -> DailyClose:
    """Close a cashier's day (default: ``by``'s own day, today). Records the takings as
    they stand, the expected and counted cash and the difference. A difference beyond
    ``threshold_fen`` leaves the close awaiting a supervisor's sign-off. Closing another
    cashier's day needs a supervisor. A day is closed once.

    ``expected_cash_fen``: the expected cash the person saw and confirmed
    (:func:`close_preview`); when the figure computed now differs (a receipt came in,
    another person is logged in) the close is refused: "数据已变化，请刷新"."""
    summary, expected, counted_fen = _close_checks(
        session, by=by, opening_float_fen=opening_float_fen, counted=counted,
        business_date=business_date, cashier_id=cashier_id)
    if expected_cash_fen is not None and expected_cash_fen != expected:
        raise Conflict("cashier.close.stale", shown=format_fen(expected_cash_fen),
                       now=format_fen(expected), name=summary.staff_name)
    day, staff_id = summary.business_date, summary.staff_id
    difference = counted_fen - expected
    status = (CloseStatus.AWAITING_SIGNOFF if abs(difference) > threshold_fen
              else CloseStatus.CLOSED)
    m = summary.by_method
    anchor_seq, anchor_hash = audit.head(session)
    closed_by = by.id
    assert closed_by is not None
    row = DailyClose(
        staff_id=staff_id, business_date=day, opening_float_fen=opening_float_fen,
        cash_fen=m[PayMethod.CASH], wechat_fen=m[PayMethod.WECHAT],
        alipay_fen=m[PayMethod.ALIPAY], card_fen=m[PayMethod.CARD],
        transfer_fen=m[PayMethod.TRANSFER], refund_cash_fen=summary.refund_cash_fen,
        refund_other_fen=summary.refund_other_fen, receipts_valid=summary.receipts_valid,
        receipts_void=summary.receipts_void, refunds=summary.refunds,
        first_number=summary.first_number, last_number=summary.last_number,
        expected_cash_fen=expected, counted_cash_fen=counted_fen,
        denominations=json.dumps({str(k): v for k, v in sorted(counted.items()) if v},
                                 sort_keys=True),
        difference_fen=difference, status=status, note=" ".join(note.split())[:200],
        closed_at=clock.now(), closed_by=closed_by,
        audit_seq=anchor_seq, audit_hash=anchor_hash)
    session.add(row)
    session.flush()
    audit.record(session, by=by, action="cashier.close", entity="daily_close", entity_id=row.id,
                 detail={"cashier": summary.staff_name, "date": day.isoformat(),
                         "total_fen": summary.total_fen, "expected_cash_fen": expected,
                         "counted_cash_fen": counted_fen, "difference_fen": difference,
                         "status": status.value})
    return row


def sign_off_close(session: Session, *, by: Staff, close_id: int, note: str) -> DailyClose:
    """The supervisor signs off a close whose difference was beyond the threshold, with a
    note of what was found. The figures stay as they were."""
    require_role(by, Role.SUPERVISOR)
    note = required_reason(note, field="note", key="cashier.signoff.note_required")
    row = session.get(DailyClose, close_id)
    if row is None:
        raise NotFound("cashier.close.not_found")
    if row.status != CloseStatus.AWAITING_SIGNOFF:
        raise InvalidTransition("cashier.signoff.not_pending")
    row.status = CloseStatus.SIGNED_OFF
    row.signed_by = by.id
    row.signed_at = clock.now()
    row.signoff_note = note
    session.add(row)
    session.flush()
    audit.record(session, by=by, action="cashier.close.signoff", entity="daily_close",
                 entity_id=row.id, detail={"difference_fen": row.difference_fen, "note": note})
    return row


def get_close(session: Session, close_id: int) -> DailyClose:
    row = session.get(DailyClose, close_id)
    if row is None:
        raise NotFound("cashier.close.not_found")
    return row


def unclosed_days(session: Session, *, before: date | None = None) -> list[tuple[int, date]]:
    """(cashier, day) pairs with receipts or refunds but no close, oldest first."""
    days: set[tuple[int, date]] = set()
    for model in (Receipt, Refund):
        query = (select(col(model.issued_by), col(model.business_date))
                 .outerjoin(DailyClose, and_(col(DailyClose.staff_id) == model.issued_by,
                                             col(DailyClose.business_date) == model.business_date))
                 .where(col(DailyClose.id).is_(None)).distinct())
        if before is not None:
            query = query.where(model.business_date < before)
        days.update((int(s), d) for s, d in session.exec(query).all())
    return sorted(days, key=lambda x: (x[1], x[0]))


# --------------------------------------------------------------------------------------
# Number check: every number of a series issued, each valid or void
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesCheck:
    series: str
    issued: int
    highest: int
    valid: int
    void: int

    @property
    def contiguous(self) -> bool:
        return self.issued == self.highest


def check_series(session: Session, series: str) -> SeriesCheck:
    issued, highest, void = session.exec(
        select(func.count(func.distinct(Receipt.seq)), func.coalesce(func.max(Receipt.seq), 0),
               func.sum(case((col(Receipt.voided) == True, 1), else_=0)))  # noqa: E712
        .where(Receipt.series == series)).one()
    issued, void = int(issued or 0), int(void or 0)
    return SeriesCheck(series, issued, int(highest), issued - void, void)


# --------------------------------------------------------------------------------------
# Day report (all cashiers) and the month's figures
# --------------------------------------------------------------------------------------


@dataclass
class DayReport:
    day: date
    cashiers: list[DaySummary]
    series: list[SeriesCheck]

    @property
    def total_fen(self) -> int:
        return sum(c.total_fen for c in self.cashiers)

    def by_method(self) -> dict[PayMethod, int]:
        out = _zero_methods()
        for c in self.cashiers:
            for method, amount in c.by_method.items():
                out[method] += amount
        return out


def day_report(session: Session, *, day: date) -> DayReport:
    ids: set[int] = set()
    for model in (Receipt, Refund):
        ids.update(int(x) for x in session.exec(
            select(model.issued_by).where(model.business_date == day).distinct()).all())
    ids.update(int(x) for x in session.exec(
        select(DailyClose.staff_id).where(DailyClose.business_date == day)).all())
    cashiers = [day_summary(session, staff_id=i, business_date=day) for i in sorted(ids)]
    series = sorted(set(session.exec(select(Receipt.series).where(
        Receipt.business_date == day).distinct()).all()))
    return DayReport(day, cashiers, [check_series(session, s) for s in series])


@dataclass(frozen=True)
class CashierMonthSummary:
    """The month's cashier figures for the supervisor's monthly report (月报)."""

    year: int
    month: int
    receipts: int
    receipts_void: int
    collected_fen: int  # valid receipts
    voided_fen: int
    by_method: dict[str, int]
    by_kind: dict[str, int]
    refunds: int
    refunded_fen: int
    billed: int  # bills made in the month (not cancelled)
    billed_fen: int
    arrears_units: int  # at the end of the month
    arrears_fen: int
    reminders: int
    closes: int
    closes_awaiting_signoff: int
    cash_difference_fen: int

    @property
    def net_fen(self) -> int:
        return self.collected_fen - self.refunded_fen


def month_days(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def monthly_summary(session: Session, *, year: int, month: int,
                    arrears: Any = None) -> CashierMonthSummary:
    """The cashier's figures of one site-local month, computed in SQL. ``arrears``: the
    ``ArrearsTotals`` on the month's last day when the caller already has them (the
    monthly report: one arrears computation per report, issue #17)."""
    if not 1 <= month <= 12:
        raise ValidationError("cashier.period.invalid", field="month", value=str(month))
    first, last = month_days(year, month)
    start, end = clock.month_range(year, month)
    in_month = and_(col(Receipt.business_date) >= first, col(Receipt.business_date) <= last)
    receipts, void, collected, voided = session.exec(
        select(func.sum(case((col(Receipt.voided) == False, 1), else_=0)),  # noqa: E712
               func.sum(case((col(Receipt.voided) == True, 1), else_=0)),  # noqa: E712
               func.sum(case((col(Receipt.voided) == False, Receipt.total_fen), else_=0)),  # noqa: E712
               func.sum(case((col(Receipt.voided) == True, Receipt.total_fen), else_=0)))  # noqa: E712
        .where(in_month)).one()
    by_method = {m.value: 0 for m in PayMethod}
    for method, amount in session.exec(
            select(ReceiptTender.method, func.sum(ReceiptTender.amount_fen))
            .join(Receipt, col(Receipt.id) == ReceiptTender.receipt_id)
            .where(in_month, Receipt.voided == False)  # noqa: E712
            .group_by(ReceiptTender.method)).all():
        by_method[PayMethod(method).value] = int(amount)
    by_kind = {k.value: 0 for k in FeeKind}
    for kind, amount in session.exec(
            select(ReceiptLine.kind, func.sum(ReceiptLine.amount_fen))
            .join(Receipt, col(Receipt.id) == ReceiptLine.receipt_id)
            .where(in_month, Receipt.voided == False)  # noqa: E712
            .group_by(ReceiptLine.kind)).all():
        by_kind[FeeKind(kind).value] = int(amount)
    refunds, refunded = session.exec(
        select(func.count(col(Refund.id)), func.coalesce(func.sum(col(Refund.amount_fen)), 0))
        .where(Refund.business_date >= first, Refund.business_date <= last)).one()
    billed, billed_fen = session.exec(
        select(func.count(col(Bill.id)), func.coalesce(func.sum(col(Bill.amount_fen)), 0))
        .where(Bill.created_at >= start, Bill.created_at < end,
               Bill.status != BillStatus.CANCELLED)).one()
    from deskapp.services.cashier.arrears import arrears_totals

    totals = arrears if arrears is not None else arrears_totals(session, as_of=last)
    reminders = session.exec(select(func.count(col(ArrearsReminder.id))).where(
        ArrearsReminder.at >= start, ArrearsReminder.at < end)).one()
    closes, awaiting, diff = session.exec(
        select(func.count(col(DailyClose.id)),
               func.sum(case((col(DailyClose.status) == CloseStatus.AWAITING_SIGNOFF, 1), else_=0)),
               func.coalesce(func.sum(DailyClose.difference_fen), 0))
        .where(DailyClose.business_date >= first, DailyClose.business_date <= last)).one()
    return CashierMonthSummary(
        year=year, month=month, receipts=int(receipts or 0), receipts_void=int(void or 0),
        collected_fen=int(collected or 0), voided_fen=int(voided or 0), by_method=by_method,
        by_kind=by_kind, refunds=int(refunds), refunded_fen=int(refunded), billed=int(billed),
        billed_fen=int(billed_fen), arrears_units=totals.units, arrears_fen=totals.total_fen,
        reminders=int(reminders), closes=int(closes), closes_awaiting_signoff=int(awaiting or 0),
        cash_difference_fen=int(diff))


# --------------------------------------------------------------------------------------
# The shift handover: the cash summary of the shift's time range
# --------------------------------------------------------------------------------------


def _methods_text(amounts: Mapping[PayMethod, int]) -> str:
    return "，".join(f"{t('cashier.method.' + m.value)} {format_fen(v)}"
                    for m, v in amounts.items() if v) or t("cashier.none")


def cash_handover_items(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    """The cash summary of [ctx.start, ctx.end) (this desk's receipts when ctx.desk is
    set), plus what is still open: days with takings not closed, closes awaiting sign-off."""
    items: list[hooks.OpenItem] = []
    window = and_(col(Receipt.issued_at) >= ctx.start, col(Receipt.issued_at) < ctx.end)
    if ctx.desk:
        window = and_(window, or_(col(Receipt.desk) == ctx.desk, col(Receipt.desk) == ""))
    amounts = _zero_methods()
    for method, amount in session.exec(
            select(ReceiptTender.method, func.sum(ReceiptTender.amount_fen))
            .join(Receipt, col(Receipt.id) == ReceiptTender.receipt_id)
            .where(window, Receipt.voided == False)  # noqa: E712
            .group_by(ReceiptTender.method)).all():
        amounts[PayMethod(method)] = int(amount)
    count, voids = session.exec(select(
        func.sum(case((col(Receipt.voided) == False, 1), else_=0)),  # noqa: E712
        func.sum(case((col(Receipt.voided) == True, 1), else_=0))  # noqa: E712
    ).where(window)).one()
    refunds, refunded = session.exec(
        select(func.count(col(Refund.id)), func.coalesce(func.sum(col(Refund.amount_fen)), 0))
        .where(Refund.issued_at >= ctx.start, Refund.issued_at < ctx.end)).one()
    items.append(hooks.OpenItem(SECTION, t(
        "cashier.handover.summary", n=int(count or 0), total=format_fen(sum(amounts.values())),
        methods=_methods_text(amounts), voids=int(voids or 0), refunds=int(refunds),
        refunded=format_fen(int(refunded)))))
    today = clock.today()
    names = {s.id: s.name for s in session.exec(select(Staff)).all()}
    for staff_id, day in unclosed_days(session, before=today + timedelta(days=1)):
        items.append(hooks.OpenItem(
            SECTION, t("cashier.handover.unclosed", name=names.get(staff_id, "?"),
                       date=day.isoformat()),
            since=datetime(day.year, day.month, day.day), overdue=day < today))
    for row in session.exec(select(DailyClose).where(
            DailyClose.status == CloseStatus.AWAITING_SIGNOFF)
            .order_by(col(DailyClose.business_date))).all():
        row_id = row.id
        assert row_id is not None
        items.append(hooks.OpenItem(
            SECTION, t("cashier.handover.signoff", name=names.get(row.staff_id, "?"),
                       date=row.business_date.isoformat(),
                       difference=format_fen(row.difference_fen)),
            ref=hooks.RecordRef("daily_close", row_id), since=row.closed_at, overdue=True))
    return items
