"""The cashier's record lists (for :class:`deskapp.tui.widgets.record_list.RecordList`):
receipts, bills, arrears by unit, reminders and daily closes. Each reads one page at a
time with indexed, keyset-friendly ordering, so years of data open as fast as a week."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.cashier import (
    ArrearsReminder,
    Bill,
    BillStatus,
    CloseStatus,
    DailyClose,
    FeeKind,
    PayMethod,
    Receipt,
    Refund,
)
from deskapp.i18n import t
from deskapp.money import format_fen
from deskapp.services.cashier.arrears import arrears, arrears_count
from deskapp.services.listing import (
    AnySelect,
    FilterSpec,
    ListColumn,
    ListQuery,
    ListRow,
    SqlListSource,
    parse_date,
)
from deskapp.services.textsearch import like_condition

__all__ = ["ArrearsSource", "BillSource", "CloseSource", "ReceiptSource", "ReminderSource"]


def _methods(value: str) -> str:
    return "+".join(t(f"cashier.method.{m}") for m in value.split(",") if m)


def _day_clause(column: Any, kind: str, value: object) -> ColumnElement[bool] | None:
    day = parse_date(value)
    if day is None:
        return None
    return column >= day if kind == "date_from" else column <= day


class ReceiptSource(SqlListSource):
    """Every receipt, newest first; void ones muted, refunded ones marked."""

    model = Receipt
    order_by = (col(Receipt.issued_at).desc(), col(Receipt.id).desc())
    search_columns = ("number", "unit_code", "payer_name")
    fts_table = "receipt_fts"

    def __init__(self, cashiers: list[tuple[int, str]] | None = None,
                 unit_id: int | None = None) -> None:
        self.unit_id = unit_id
        self.columns = [
            ListColumn("number", "cashier.col.number", 14),
            ListColumn("issued", "cashier.col.issued", 16),
            ListColumn("unit", "cashier.col.unit", 12),
            ListColumn("payer", "cashier.col.payer", 14),
            ListColumn("amount", "cashier.col.amount", 13, "right"),
            ListColumn("methods", "cashier.col.methods", 14),
            ListColumn("cashier", "cashier.col.cashier", 8),
            ListColumn("status", "cashier.col.status", 8, fits=("cashier.receipt.status.",)),
        ]
        self.filters = [
            FilterSpec("status", "cashier.col.status", "choice",
                       [("valid", t("cashier.receipt.status.valid")),
                        ("void", t("cashier.receipt.status.void"))]),
            FilterSpec("method", "cashier.col.methods", "choice",
                       [(m.value, t(f"cashier.method.{m.value}")) for m in PayMethod]),
            FilterSpec("cashier", "cashier.col.cashier", "choice",
                       [(str(i), name) for i, name in (cashiers or [])]),
            FilterSpec("from", "cashier.filter.from", "date_from"),
            FilterSpec("to", "cashier.filter.to", "date_to"),
        ]

    def select(self) -> AnySelect:
        refunded = exists().where(col(Refund.receipt_id) == Receipt.id)
        query = (select(Receipt, col(Staff.name), refunded.label("refunded"))
                 .join(Staff, col(Staff.id) == Receipt.issued_by))
        if self.unit_id is not None:
            query = query.where(col(Receipt.unit_id) == self.unit_id)
        return query

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        if key == "status":
            return col(Receipt.voided) == (value == "void")
        if key == "method":
            return like_condition([col(Receipt.methods)], str(value), dialect=None)
        if key == "cashier":
            return col(Receipt.issued_by) == int(str(value))
        if key in ("from", "to"):
            return _day_clause(Receipt.business_date, "date_from" if key == "from" else "date_to",
                               value)
        return None

    def count_statement(self, session: Session, query: ListQuery) -> AnySelect:
        """Counted on the receipt table alone (the staff join never drops a row)."""
        stmt = select(func.count()).select_from(Receipt).where(*self.where(session, query))
        if self.unit_id is not None:
            stmt = stmt.where(col(Receipt.unit_id) == self.unit_id)
        return stmt

    def to_row(self, item: Any) -> ListRow:
        receipt, cashier, refunded = item
        status = ("void" if receipt.voided else "refunded" if refunded else "valid")
        style = "muted" if receipt.voided else "warning" if refunded else ""
        return ListRow(receipt.id, (
            receipt.number, receipt.issued_at.strftime("%Y-%m-%d %H:%M"), receipt.unit_code,
            receipt.payer_name, format_fen(receipt.total_fen), _methods(receipt.methods),
            cashier, t(f"cashier.receipt.status.{status}")), style)


class BillSource(SqlListSource):
    """Receivables, newest first; overdue unpaid ones highlighted."""

    model = Bill
    order_by = (col(Bill.id).desc(),)
    search_columns = ("unit_code", "description")
    fts_table = "bill_fts"

    def __init__(self) -> None:
        self.columns = [
            ListColumn("unit", "cashier.col.unit", 12),
            ListColumn("item", "cashier.col.item", 40),
            ListColumn("period", "cashier.col.period", 8),
            ListColumn("amount", "cashier.col.amount", 13, "right"),
            ListColumn("due", "cashier.col.due", 10),
            ListColumn("status", "cashier.col.status", 8, fits=("cashier.bill.status.",)),
            ListColumn("receipt", "cashier.col.number", 14),
        ]
        self.filters = [
            FilterSpec("status", "cashier.col.status", "choice",
                       [(s.value, t(f"cashier.bill.status.{s.value}")) for s in BillStatus]),
            FilterSpec("kind", "cashier.col.kind", "choice",
                       [(k.value, t(f"cashier.kind.{k.value}")) for k in FeeKind]),
            FilterSpec("period", "cashier.col.period", "text"),
        ]

    def select(self) -> AnySelect:
        return select(Bill, col(Receipt.number)).outerjoin(
            Receipt, col(Receipt.id) == Bill.receipt_id)

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        if key == "status":
            return col(Bill.status) == BillStatus(str(value))
        if key == "kind":
            return col(Bill.kind) == FeeKind(str(value))
        if key == "period":
            return col(Bill.period).like(f"{str(value).strip()}%")
        return None

    def count_statement(self, session: Session, query: ListQuery) -> AnySelect:
        """Counted on the bill table alone (the receipt outer join never adds a row)."""
        return select(func.count()).select_from(Bill).where(*self.where(session, query))

    def to_row(self, item: Any) -> ListRow:
        bill, number = item
        today = clock.today()
        style = ""
        if bill.status == BillStatus.CANCELLED:
            style = "muted"
        elif bill.status == BillStatus.OPEN and bill.due_date < today:
            style = "overdue"
        return ListRow(bill.id, (
            bill.unit_code, bill.description, bill.period or "", format_fen(bill.amount_fen),
            bill.due_date.isoformat(), t(f"cashier.bill.status.{bill.status.value}"),
            number or ""), style)


class ArrearsSource:
    """Units in arrears today, the longest overdue first, with the age buckets."""

    def __init__(self, buildings: list[tuple[str, str]] | None = None) -> None:
        self.columns = [
            ListColumn("unit", "cashier.col.unit", 12),
            ListColumn("owner", "cashier.col.owner", 12),
            ListColumn("phone", "cashier.col.phone", 13),
            ListColumn("d0_30", "cashier.col.d0_30", 11, "right"),
            ListColumn("d31_90", "cashier.col.d31_90", 11, "right"),
            ListColumn("d91_180", "cashier.col.d91_180", 11, "right"),
            ListColumn("over_180", "cashier.col.over_180", 11, "right"),
            ListColumn("total", "cashier.col.total", 12, "right"),
            ListColumn("days", "cashier.col.days", 6, "right"),
            ListColumn("reminded", "cashier.col.reminded", 10),
            ListColumn("promise", "cashier.col.promise", 10),
        ]
        self.filters = [
            FilterSpec("building", "cashier.col.building", "choice", list(buildings or [])),
            FilterSpec("age", "cashier.col.age", "choice",
                       [("31", t("cashier.age.31")), ("91", t("cashier.age.91")),
                        ("181", t("cashier.age.181"))]),
        ]

    @staticmethod
    def _args(query: ListQuery) -> dict[str, Any]:
        active = query.active()
        return {"building": str(active["building"]) if "building" in active else None,
                "min_days": int(str(active.get("age", 0))), "search": query.search}

    def count(self, session: Session, query: ListQuery) -> int:
        return arrears_count(session, as_of=clock.today(), **self._args(query))

    def fetch(self, session: Session, query: ListQuery, offset: int, limit: int, *,
              reverse: bool = False) -> list[ListRow]:
        today = clock.today()
        rows = arrears(session, as_of=today, offset=offset, limit=limit, reverse=reverse,
                       **self._args(query))
        out = []
        for r in rows:
            days = r.days(today)
            promise_due = r.promise_date is not None and r.promise_date < today
            out.append(ListRow(r.unit_id, (
                r.unit_code, r.owner_name, r.phone_masked,
                *(format_fen(v) if v else "" for v in (r.d0_30_fen, r.d31_90_fen,
                                                       r.d91_180_fen, r.over_180_fen)),
                format_fen(r.total_fen), str(days),
                r.last_reminder_at.strftime("%Y-%m-%d") if r.last_reminder_at else "",
                r.promise_date.isoformat() if r.promise_date else ""),
                "overdue" if days > 90 or promise_due else "warning" if days > 30 else ""))
        return out


class ReminderSource(SqlListSource):
    """The reminder log (催缴记录), newest first."""

    model = ArrearsReminder
    order_by = (col(ArrearsReminder.at).desc(), col(ArrearsReminder.id).desc())
    search_columns = ("unit_code", "note")

    def __init__(self) -> None:
        self.columns = [
            ListColumn("at", "cashier.col.at", 16),
            ListColumn("unit", "cashier.col.unit", 12),
            ListColumn("channel", "cashier.col.channel", 12, fits=("cashier.reminder.channel.",)),
            ListColumn("owed", "cashier.col.owed", 12, "right"),
            ListColumn("promise", "cashier.col.promise", 10),
            ListColumn("staff", "cashier.col.staff", 8),
            ListColumn("note", "cashier.col.note", 30),
        ]
        self.filters = [FilterSpec("from", "cashier.filter.from", "date_from"),
                        FilterSpec("to", "cashier.filter.to", "date_to")]
        self.filter_columns = {"from": col(ArrearsReminder.at), "to": col(ArrearsReminder.at)}

    def select(self) -> AnySelect:
        return select(ArrearsReminder, col(Staff.name)).join(
            Staff, col(Staff.id) == ArrearsReminder.staff_id)

    def to_row(self, item: Any) -> ListRow:
        r, name = item
        return ListRow(r.id, (
            r.at.strftime("%Y-%m-%d %H:%M"), r.unit_code,
            t(f"cashier.reminder.channel.{r.channel.value}"), format_fen(r.owed_fen),
            r.promise_date.isoformat() if r.promise_date else "", name, r.note))


class CloseSource(SqlListSource):
    """Daily closes, newest first; those awaiting sign-off highlighted."""

    model = DailyClose
    order_by = (col(DailyClose.business_date).desc(), col(DailyClose.id).desc())
    search_columns = ("note", "signoff_note")

    def __init__(self) -> None:
        self.columns = [
            ListColumn("date", "cashier.col.date", 10),
            ListColumn("cashier", "cashier.col.cashier", 8),
            ListColumn("receipts", "cashier.col.receipts", 10, "right"),
            ListColumn("total", "cashier.col.takings", 13, "right"),
            ListColumn("expected", "cashier.col.expected", 12, "right"),
            ListColumn("counted", "cashier.col.counted", 12, "right"),
            ListColumn("difference", "cashier.col.difference", 11, "right"),
            ListColumn("status", "cashier.col.status", 10, fits=("cashier.close.status.",)),
        ]
        self.filters = [
            FilterSpec("status", "cashier.col.status", "choice",
                       [(s.value, t(f"cashier.close.status.{s.value}")) for s in CloseStatus]),
            FilterSpec("from", "cashier.filter.from", "date_from"),
            FilterSpec("to", "cashier.filter.to", "date_to"),
        ]

    def select(self) -> AnySelect:
        return select(DailyClose, col(Staff.name)).join(Staff, col(Staff.id) == DailyClose.staff_id)

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        if key == "status":
            return col(DailyClose.status) == CloseStatus(str(value))
        if key in ("from", "to"):
            return _day_clause(DailyClose.business_date,
                               "date_from" if key == "from" else "date_to", value)
        return None

    def to_row(self, item: Any) -> ListRow:
        row, name = item
        total = row.cash_fen + row.wechat_fen + row.alipay_fen + row.card_fen + row.transfer_fen
        receipts = f"{row.receipts_valid}/{row.receipts_void}"
        style = "overdue" if row.status == CloseStatus.AWAITING_SIGNOFF else ""
        return ListRow(row.id, (
            row.business_date.isoformat(), name, receipts, format_fen(total),
            format_fen(row.expected_cash_fen), format_fen(row.counted_cash_fen),
            format_fen(row.difference_fen), t(f"cashier.close.status.{row.status.value}")), style)


def staff_choices(session: Session) -> list[tuple[int, str]]:
    return [(int(i), n) for i, n in session.execute(
        select(col(Staff.id), col(Staff.name)).order_by(col(Staff.id))).all() if i is not None]


def building_choices(session: Session) -> list[tuple[str, str]]:
    from deskapp.db.models import Building

    return [(c, n) for c, n in session.execute(
        select(col(Building.code), col(Building.name))
        .order_by(col(Building.sort), col(Building.code))).all()]
