"""The cashier's day and month reports as the one report table model (a summary table
and one detail table, :mod:`deskapp.reporting.table`) with their figures as plain data for
JSON; ``deskapp report cashier`` renders them with the report writers (text, CSV, XLSX).

* Day: every cashier's takings by method, voids, refunds and close; the number check of
  each receipt series; one table row per receipt of the day.
* Month: :func:`deskapp.services.cashier.close.monthly_summary`; one table row per day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from deskapp.db.models import Staff
from deskapp.db.models.cashier import PayMethod, Receipt, ReceiptTender, Refund
from deskapp.i18n import t
from deskapp.money import format_fen
from deskapp.reporting.table import Cell, Column, ReportTable
from deskapp.reporting.table import Report as Table
from deskapp.services.cashier.close import day_report, month_days, monthly_summary

FORMATS = ("text", "json", "csv", "xlsx")


@dataclass
class Report:
    """A cashier report: ``summary`` (label, value) pairs, the detail table's typed
    ``columns`` and ``rows`` (amounts in fen), and ``data``, the figures for JSON.
    :meth:`table` is the report in the one table model."""

    title: str
    summary: list[tuple[str, Any]] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # machine-readable figures (JSON)

    def table(self) -> Table:
        summary = ReportTable([Column("label", "reporting.col.figure"),
                               Column("value", "reporting.col.value")],
                              [[label, value] for label, value in self.summary],
                              show_header=False, layout="fields")
        detail = ReportTable(self.columns, self.rows, sheet=t("cashier.report.sheet.detail"))
        return Table(self.title, [summary, detail], sheet=t("cashier.report.sheet.summary"))


def _money(fen: int) -> Cell:
    return Cell(fen, "money")


def day_report_data(session: Session, *, day: date) -> Report:
    report = day_report(session, day=day)
    out = Report(t("cashier.report.day_title", date=day.isoformat()))
    out.summary.append((t("cashier.report.total"), _money(report.total_fen)))
    for method, amount in report.by_method().items():
        out.summary.append((t(f"cashier.method.{method.value}"), _money(amount)))
    cashiers = []
    for c in report.cashiers:
        close = c.close
        status = t(f"cashier.close.status.{close.status.value}") if close else t(
            "cashier.report.not_closed")
        out.summary.append((c.staff_name, t(
            "cashier.report.cashier_line", n=c.receipts_valid, void=c.receipts_void,
            total=format_fen(c.total_fen), refunds=format_fen(c.refund_cash_fen
                                                              + c.refund_other_fen),
            status=status,
            difference=format_fen(close.difference_fen) if close else "—")))
        if close is not None and close.audit_seq is not None:
            out.summary.append((t("cashier.report.audit_anchor", name=c.staff_name),
                                t("cashier.report.audit_anchor_value", seq=close.audit_seq,
                                  hash=close.audit_hash)))
        cashiers.append({
            "cashier": c.staff_name, "receipts_valid": c.receipts_valid,
            "receipts_void": c.receipts_void, "total_fen": c.total_fen,
            "by_method_fen": {m.value: v for m, v in c.by_method.items()},
            "refund_cash_fen": c.refund_cash_fen, "refund_other_fen": c.refund_other_fen,
            "first_number": c.first_number, "last_number": c.last_number,
            "close": None if close is None else {
                "status": close.status.value, "opening_float_fen": close.opening_float_fen,
                "expected_cash_fen": close.expected_cash_fen,
                "counted_cash_fen": close.counted_cash_fen,
                "difference_fen": close.difference_fen,
                "audit_seq": close.audit_seq, "audit_hash": close.audit_hash}})
    for check in report.series:
        out.summary.append((t("cashier.report.series", series=check.series), t(
            "cashier.report.series_ok" if check.contiguous else "cashier.report.series_gap",
            issued=check.issued, highest=check.highest, valid=check.valid, void=check.void)))
    out.columns = [Column("number", "cashier.col.number"), Column("issued", "cashier.col.issued"),
                   Column("unit", "cashier.col.unit"), Column("payer", "cashier.col.payer"),
                   Column("amount", "cashier.col.amount", "money"),
                   Column("methods", "cashier.col.methods"),
                   Column("cashier", "cashier.col.cashier"), Column("status", "cashier.col.status")]
    rows = session.exec(
        select(Receipt, col(Staff.name)).join(Staff, col(Staff.id) == Receipt.issued_by)
        .where(col(Receipt.business_date) == day)
        .order_by(col(Receipt.series), col(Receipt.seq))).all()
    for receipt, name in rows:
        out.rows.append([receipt.number, receipt.issued_at.strftime("%H:%M"), receipt.unit_code,
                         receipt.payer_name, receipt.total_fen,
                         "+".join(t(f"cashier.method.{m}") for m in receipt.methods.split(",")),
                         name, t("cashier.receipt.status.void" if receipt.voided
                                 else "cashier.receipt.status.valid")])
    out.data = {"date": day.isoformat(), "total_fen": report.total_fen,
                "by_method_fen": {m.value: v for m, v in report.by_method().items()},
                "cashiers": cashiers,
                "series": [{"series": s.series, "issued": s.issued, "highest": s.highest,
                            "valid": s.valid, "void": s.void, "contiguous": s.contiguous}
                           for s in report.series],
                "receipts": [{"number": r.number, "issued_at": r.issued_at.isoformat(),
                              "unit": r.unit_code, "payer": r.payer_name,
                              "total_fen": r.total_fen, "methods": r.methods,
                              "cashier": n, "voided": r.voided} for r, n in rows]}
    return out


def month_report_data(session: Session, *, year: int, month: int) -> Report:
    m = monthly_summary(session, year=year, month=month)
    out = Report(t("cashier.report.month_title", month=f"{year}-{month:02d}"))
    out.summary = [
        (t("cashier.report.collected"), _money(m.collected_fen)),
        (t("cashier.report.receipts"), t("cashier.report.receipts_value", n=m.receipts,
                                         void=m.receipts_void, voided=format_fen(m.voided_fen))),
        (t("cashier.report.refunds"), t("cashier.report.refunds_value", n=m.refunds,
                                        amount=format_fen(m.refunded_fen))),
        (t("cashier.report.net"), _money(m.net_fen)),
        *[(t(f"cashier.method.{k}"), _money(v)) for k, v in m.by_method.items()],
        *[(t(f"cashier.kind.{k}"), _money(v)) for k, v in m.by_kind.items() if v],
        (t("cashier.report.billed"), t("cashier.report.billed_value", n=m.billed,
                                       amount=format_fen(m.billed_fen))),
        (t("cashier.report.arrears"), t("cashier.report.arrears_value", n=m.arrears_units,
                                        amount=format_fen(m.arrears_fen))),
        (t("cashier.report.reminders"), Cell(m.reminders, "int")),
        (t("cashier.report.closes"), t("cashier.report.closes_value", n=m.closes,
                                       pending=m.closes_awaiting_signoff,
                                       difference=format_fen(m.cash_difference_fen))),
    ]
    first, last = month_days(year, month)
    out.columns = [Column("date", "cashier.col.date", "date"),
                   Column("receipts", "cashier.report.col.receipts", "int"),
                   Column("void", "cashier.report.col.void", "int"),
                   *[Column(p.value, f"cashier.method.{p.value}", "money") for p in PayMethod],
                   Column("total", "cashier.col.total", "money"),
                   Column("refunds", "cashier.report.col.refunds", "money")]
    per_day: dict[date, list[Any]] = {}
    for day, valid, void in session.exec(
            select(col(Receipt.business_date),
                   func.sum(case((col(Receipt.voided) == False, 1), else_=0)),  # noqa: E712
                   func.sum(case((col(Receipt.voided) == True, 1), else_=0)))  # noqa: E712
            .where(Receipt.business_date >= first, Receipt.business_date <= last)
            .group_by(col(Receipt.business_date))).all():
        per_day[day] = [int(valid or 0), int(void or 0)] + [0] * len(PayMethod) + [0, 0]
    methods = list(PayMethod)
    for day, method, amount in session.exec(
            select(col(Receipt.business_date), col(ReceiptTender.method),
                   func.sum(col(ReceiptTender.amount_fen)))
            .join(Receipt, col(Receipt.id) == ReceiptTender.receipt_id)
            .where(Receipt.business_date >= first, Receipt.business_date <= last,
                   Receipt.voided == False)  # noqa: E712
            .group_by(col(Receipt.business_date), col(ReceiptTender.method))).all():
        per_day[day][2 + methods.index(PayMethod(method))] = int(amount)
    for day, amount in session.exec(
            select(col(Refund.business_date), func.sum(col(Refund.amount_fen)))
            .where(Refund.business_date >= first, Refund.business_date <= last)
            .group_by(col(Refund.business_date))).all():
        per_day.setdefault(day, [0, 0] + [0] * len(PayMethod) + [0, 0])[-1] = int(amount)
    for day in sorted(per_day):
        row = per_day[day]
        row[-2] = sum(row[2:2 + len(methods)])
        out.rows.append([day, row[0], row[1], *row[2:]])
    out.data = {"year": year, "month": month, **{
        k: v for k, v in m.__dict__.items() if k not in ("year", "month")},
        "net_fen": m.net_fen,
        "days": [{"date": r[0].isoformat(), "receipts": r[1], "void": r[2]} for r in out.rows]}
    return out
