"""Drills: the records behind a figure of the monthly report, as the area's own record list
restricted to exactly the records the figure counts (:func:`drill`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.errors import ValidationError
from deskapp.money import format_fen
from deskapp.services.listing import ListQuery, ListRow, ListSource
from deskapp.services.reports.months import check_month
from deskapp.services.staff import require_role

__all__ = [
    "DrillList",
    "drill",
]


# --------------------------------------------------------------------------------------
# Drills: the records behind a figure, as the area's own record list
# --------------------------------------------------------------------------------------


@dataclass
class DrillList:
    """A record list for one figure: the area's source restricted to the figure's
    records. ``kind`` is the :class:`RecordRef` kind its rows open (``""``: none)."""

    key: str
    kind: str
    source: ListSource


def _restrict(source: Any, *clauses: Any) -> Any:
    """Add fixed WHERE clauses to an area's :class:`SqlListSource` (this instance only):
    count and fetch both go through ``where``."""
    base = source.where

    def where(session: Any, query: ListQuery) -> list[ColumnElement[bool]]:
        return [*base(session, query), *clauses]

    source.where = where
    source._plain = lambda: False  # the FTS-only count would ignore the clauses
    return source


def _within(column: Any, start: datetime, end: datetime) -> Any:
    return and_(column >= start, column < end)


class MonthEndArrearsSource:
    """Units in arrears on a given day (the month's end), longest overdue first — the
    cashier's arrears list, aged on ``as_of`` instead of today."""

    def __init__(self, as_of: date) -> None:
        from deskapp.services.cashier.lists import ArrearsSource

        self.as_of = as_of
        inner = ArrearsSource()
        self.columns = inner.columns
        self.filters = [f for f in inner.filters if f.key == "age"]
        self._args = inner._args

    def count(self, session: Any, query: ListQuery) -> int:
        from deskapp.services.cashier.arrears import arrears_count

        return arrears_count(session, as_of=self.as_of, **self._args(query))

    def fetch(self, session: Any, query: ListQuery, offset: int, limit: int, *,
              reverse: bool = False) -> list[ListRow]:
        from deskapp.services.cashier.arrears import arrears

        out = []
        for r in arrears(session, as_of=self.as_of, offset=offset, limit=limit,
                         reverse=reverse, **self._args(query)):
            days = r.days(self.as_of)
            out.append(ListRow(r.unit_id, (
                r.unit_code, r.owner_name, r.phone_masked,
                *(format_fen(v) if v else "" for v in (r.d0_30_fen, r.d31_90_fen,
                                                       r.d91_180_fen, r.over_180_fen)),
                format_fen(r.total_fen), str(days),
                r.last_reminder_at.strftime("%Y-%m-%d") if r.last_reminder_at else "",
                r.promise_date.isoformat() if r.promise_date else ""),
                "overdue" if days > 90 else "warning" if days > 30 else ""))
        return out


def drill(session: Session, *, by: Staff, year: int, month: int, key: str) -> DrillList:
    """The record list behind the figure whose drill is ``key`` (see :class:`Figure`):
    ``name`` or ``name:argument`` (``contacts.kind:repair``)."""
    require_role(by, Role.SUPERVISOR)
    check_month(year, month)
    name, _, arg = key.partition(":")
    builder = _DRILLS.get(name)
    if builder is None:
        raise ValidationError("reports.drill.unknown", what=key)
    start, end = clock.month_range(year, month)
    try:
        kind, source = builder(session, _Span(year, month, start, end), name, arg)
    except (ValueError, KeyError) as err:  # an argument that is no kind, channel, method …
        raise ValidationError("reports.drill.unknown", what=key) from err
    return DrillList(key, kind, source)


@dataclass(frozen=True)
class _Span:
    year: int
    month: int
    start: datetime
    end: datetime

    @property
    def first(self) -> date:
        return self.start.date()

    @property
    def last(self) -> date:
        return (self.end - timedelta(days=1)).date()

    def within(self, column: Any) -> Any:
        return _within(column, self.start, self.end)


_DrillBuilder = Callable[[Session, _Span, str, str], tuple[str, Any]]


_DRILLS: dict[str, _DrillBuilder] = {}


def _drill(*names: str) -> Callable[[_DrillBuilder], _DrillBuilder]:
    def register(fn: _DrillBuilder) -> _DrillBuilder:
        for name in names:
            _DRILLS[name] = fn
        return fn

    return register


@_drill("contacts", "contacts.kind", "contacts.channel", "contacts.pending")
def _contacts(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.reception import Contact, ContactChannel, ContactKind, ContactStatus
    from deskapp.services.reception.common import staff_names
    from deskapp.services.reception.lists import ContactSource

    clauses = [m.within(Contact.at)]
    if name == "contacts.kind":
        clauses.append(Contact.kind == ContactKind(arg))
    elif name == "contacts.channel":
        clauses.append(Contact.channel == ContactChannel(arg))
    elif name == "contacts.pending":
        clauses.append(Contact.status == ContactStatus.PENDING)
    source = ContactSource(staff=sorted(staff_names(session).items()))
    return "contact", _restrict(source, *clauses)


@_drill("workorders.created", "workorders.completed", "workorders.on_time", "workorders.late",
        "workorders.overdue", "workorders.cancelled", "workorders.visited")
def _workorders(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.reception import WorkOrder, WorkOrderStatus
    from deskapp.services.reception.workorders import OPEN_STATES, WorkOrderSource

    w = WorkOrder
    clauses = {
        "workorders.created": [m.within(w.created_at)],
        "workorders.completed": [m.within(w.completed_at)],
        "workorders.on_time": [m.within(w.completed_at), w.completed_at <= w.due_at],
        "workorders.late": [m.within(w.completed_at), w.completed_at > w.due_at],
        "workorders.overdue": [m.within(w.created_at), w.status.in_(OPEN_STATES),  # type: ignore[attr-defined]
                               w.due_at < clock.now()],
        "workorders.cancelled": [m.within(w.created_at), w.status == WorkOrderStatus.CANCELLED],
        "workorders.visited": [m.within(w.visited_at)],
    }[name]
    return "workorder", _restrict(WorkOrderSource(), *clauses)


@_drill("complaints.received", "complaints.valid", "complaints.invalid",
        "complaints.unclassified", "complaints.major", "complaints.escalated",
        "complaints.overdue", "complaints.closed", "complaints.replied_valid",
        "complaints.category", "complaints.channel", "complaints.open_now")
def _complaints(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.complaints import Complaint as C
    from deskapp.services.complaints.queries import list_source

    received = m.within(C.received_at)
    now = clock.now()
    clauses = {
        "complaints.received": [received],
        "complaints.valid": [received, C.valid == True],  # noqa: E712
        "complaints.invalid": [received, C.valid == False],  # noqa: E712
        "complaints.unclassified": [received, C.valid.is_(None)],  # type: ignore[union-attr]
        "complaints.major": [received, C.major == True],  # noqa: E712
        "complaints.escalated": [received, C.escalated_to.is_not(None)],  # type: ignore[union-attr]
        "complaints.overdue": [received, or_(
            func.coalesce(C.first_response_at, now) > C.first_response_due,
            func.coalesce(C.closed_at, now) > C.close_due)],
        "complaints.closed": [m.within(C.closed_at)],
        "complaints.replied_valid": [m.within(C.replied_at), C.valid == True],  # noqa: E712
        "complaints.category": [received, C.category_code == arg],
        "complaints.channel": [received, C.channel == arg],
        "complaints.open_now": [C.closed_at.is_(None)],  # type: ignore[union-attr]
    }[name]
    return "complaint", _restrict(list_source(session), *clauses)


@_drill("complaints.visits")
def _complaint_visits(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.complaints import ServiceVisit, VisitKind
    from deskapp.services.complaints.visits import VisitSource
    from deskapp.services.reception.common import staff_names

    source = VisitSource(staff_names=staff_names(session))
    return "service_visit", _restrict(source, m.within(ServiceVisit.visited_at),
                                      ServiceVisit.kind == VisitKind.COMPLAINT)


@_drill("renovation.filed", "renovation.approved", "renovation.cancelled", "renovation.active",
        "renovation.expiring", "renovation.overdue", "renovation.deposits_collected",
        "renovation.deposits_refunded", "renovation.held", "renovation.kind")
def _renovation(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.renovation import RenovationFiling as F
    from deskapp.db.models.renovation import WorkKind
    from deskapp.services.renovation.lists import FilingSource
    from deskapp.services.renovation.rules import EXPIRING_DAYS

    end, last = m.end, m.last
    # the same "under permit at the month's end" as renovation.monthly_summary
    active = and_(F.approved_at.is_not(None), F.approved_at < end,  # type: ignore[union-attr,operator]
                  or_(F.completion_applied_at.is_(None), F.completion_applied_at >= end),  # type: ignore[union-attr,operator]
                  or_(F.cancelled_at.is_(None), F.cancelled_at >= end),  # type: ignore[union-attr,operator]
                  or_(F.closed_at.is_(None), F.closed_at >= end))  # type: ignore[union-attr,operator]
    held = and_(F.deposit_paid_at.is_not(None), F.deposit_paid_at < end,  # type: ignore[union-attr,operator]
                or_(F.deposit_refunded_at.is_(None), F.deposit_refunded_at >= end))  # type: ignore[union-attr,operator]
    clauses = {
        "renovation.filed": [m.within(F.created_at)],
        "renovation.approved": [m.within(F.approved_at)],
        "renovation.cancelled": [m.within(F.cancelled_at)],
        "renovation.active": [active],
        "renovation.expiring": [active, F.permit_end >= last,
                                F.permit_end < last + timedelta(days=EXPIRING_DAYS + 1)],
        "renovation.overdue": [active, F.permit_end < last],
        "renovation.deposits_collected": [m.within(F.deposit_paid_at)],
        "renovation.deposits_refunded": [m.within(F.deposit_refunded_at)],
        "renovation.held": [held],
    }.get(name) or [m.within(F.created_at), F.work_kind == WorkKind(arg)]
    return "renovation", _restrict(FilingSource(), *clauses)


@_drill("receipts.valid", "receipts.void", "receipts.method", "receipts.kind")
def _receipts(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.cashier import FeeKind, PayMethod, Receipt, ReceiptLine, ReceiptTender
    from deskapp.services.cashier.lists import ReceiptSource, staff_choices

    days = and_(Receipt.business_date >= m.first, Receipt.business_date <= m.last)
    valid = Receipt.voided == False  # noqa: E712
    if name == "receipts.void":
        clauses = [days, Receipt.voided == True]  # noqa: E712
    elif name == "receipts.method":
        clauses = [days, valid, exists().where(ReceiptTender.receipt_id == Receipt.id,
                                               ReceiptTender.method == PayMethod(arg))]
    elif name == "receipts.kind":
        clauses = [days, valid, exists().where(ReceiptLine.receipt_id == Receipt.id,
                                               ReceiptLine.kind == FeeKind(arg))]
    else:
        clauses = [days, valid]
    return "receipt", _restrict(ReceiptSource(staff_choices(session)), *clauses)


@_drill("closes", "closes.awaiting")
def _closes(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.cashier import CloseStatus, DailyClose
    from deskapp.services.cashier.lists import CloseSource

    clauses = [DailyClose.business_date >= m.first, DailyClose.business_date <= m.last]
    if name == "closes.awaiting":
        clauses.append(DailyClose.status == CloseStatus.AWAITING_SIGNOFF)
    return "daily_close", _restrict(CloseSource(), *clauses)


@_drill("reminders")
def _reminders(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.cashier import ArrearsReminder
    from deskapp.services.cashier.lists import ReminderSource

    return "", _restrict(ReminderSource(), m.within(ArrearsReminder.at))


@_drill("arrears")
def _arrears(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    return "", MonthEndArrearsSource(min(m.last, clock.today()))


@_drill("visitors", "keys", "loans", "parcels", "lost", "goods")
def _registers(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.registers import (
        GoodsPass,
        GoodsPassStatus,
        KeyLoan,
        KeyLoanStatus,
        Loan,
        LoanStatus,
        LostItem,
        LostStatus,
        Parcel,
        ParcelStatus,
        Visitor,
        VisitorStatus,
    )
    from deskapp.services.registers.goods import GoodsPassSource
    from deskapp.services.registers.keys import KeyLoanSource
    from deskapp.services.registers.lending import LoanSource
    from deskapp.services.registers.lost import LostItemSource
    from deskapp.services.registers.parcels import ParcelSource
    from deskapp.services.registers.visitors import VisitorSource

    # the same records as registers.monthly_summary counts (voided ones left out)
    kind, source, clauses = {
        "visitors": ("visitor", VisitorSource, [m.within(Visitor.time_in),
                                                Visitor.status != VisitorStatus.VOIDED]),
        "keys": ("key_loan", KeyLoanSource, [m.within(KeyLoan.out_at),
                                             KeyLoan.status != KeyLoanStatus.VOIDED]),
        "loans": ("loan", LoanSource, [m.within(Loan.out_at), Loan.status != LoanStatus.VOIDED]),
        "parcels": ("parcel", ParcelSource, [m.within(Parcel.received_at),
                                             Parcel.status != ParcelStatus.VOIDED]),
        "lost": ("lost_item", LostItemSource, [m.within(LostItem.registered_at),
                                               LostItem.status != LostStatus.VOIDED]),
        "goods": ("goods_pass", GoodsPassSource, [m.within(GoodsPass.issued_at),
                                                  GoodsPass.status != GoodsPassStatus.VOIDED]),
    }[name]
    return kind, _restrict(source(), *clauses)


@_drill("handovers", "handovers.confirmed", "handovers.unconfirmed", "handovers.notes")
def _handovers(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.reception import Handover, HandoverStatus
    from deskapp.services.reception.common import staff_names
    from deskapp.services.reception.shifts import HandoverSource

    clauses = [m.within(Handover.period_end)]
    if name == "handovers.confirmed":
        clauses.append(Handover.status == HandoverStatus.CONFIRMED)
    elif name == "handovers.unconfirmed":
        clauses.append(Handover.status != HandoverStatus.CONFIRMED)
    elif name == "handovers.notes":
        clauses.append(func.trim(Handover.notes) != "")
    source = HandoverSource(staff=sorted(staff_names(session).items()))
    return "handover", _restrict(source, *clauses)
