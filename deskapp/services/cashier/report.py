"""The cashier's day and month reports as plain data (a summary and one table), rendered by
``deskapp report cashier`` as text, JSON, CSV or XLSX.

* Day: every cashier's takings by method, voids, refunds and close; the number check of
  each receipt series; one table row per receipt of the day.
* Month: :func:`deskapp.services.cashier.close.monthly_summary`; one table row per day.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, select

from deskapp.db.models import Staff
from deskapp.db.models.cashier import PayMethod, Receipt, ReceiptTender, Refund
from deskapp.i18n import t
from deskapp.money import format_fen
from deskapp.services.cashier.close import day_report, month_days, monthly_summary
from deskapp.services.export import csv_writer, inert_workbook

FORMATS = ("text", "json", "csv", "xlsx")


@dataclass
class Report:
    title: str
    summary: list[tuple[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # machine-readable figures (JSON)


def _yuan(fen: int) -> str:
    return format_fen(fen, symbol=False, grouping=False)


def day_report_data(session: Session, *, day: date) -> Report:
    report = day_report(session, day=day)
    out = Report(t("cashier.report.day_title", date=day.isoformat()))
    out.summary.append((t("cashier.report.total"), format_fen(report.total_fen)))
    for method, amount in report.by_method().items():
        out.summary.append((t(f"cashier.method.{method.value}"), format_fen(amount)))
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
    out.columns = [t("cashier.col.number"), t("cashier.col.issued"), t("cashier.col.unit"),
                   t("cashier.col.payer"), t("cashier.col.amount"), t("cashier.col.methods"),
                   t("cashier.col.cashier"), t("cashier.col.status")]
    rows = session.exec(
        select(Receipt, Staff.name).join(Staff, Staff.id == Receipt.issued_by)
        .where(Receipt.business_date == day).order_by(Receipt.series, Receipt.seq)).all()
    for receipt, name in rows:
        out.rows.append([receipt.number, receipt.issued_at.strftime("%H:%M"), receipt.unit_code,
                         receipt.payer_name, _yuan(receipt.total_fen),
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
        (t("cashier.report.collected"), format_fen(m.collected_fen)),
        (t("cashier.report.receipts"), t("cashier.report.receipts_value", n=m.receipts,
                                         void=m.receipts_void, voided=format_fen(m.voided_fen))),
        (t("cashier.report.refunds"), t("cashier.report.refunds_value", n=m.refunds,
                                        amount=format_fen(m.refunded_fen))),
        (t("cashier.report.net"), format_fen(m.net_fen)),
        *[(t(f"cashier.method.{k}"), format_fen(v)) for k, v in m.by_method.items()],
        *[(t(f"cashier.kind.{k}"), format_fen(v)) for k, v in m.by_kind.items() if v],
        (t("cashier.report.billed"), t("cashier.report.billed_value", n=m.billed,
                                       amount=format_fen(m.billed_fen))),
        (t("cashier.report.arrears"), t("cashier.report.arrears_value", n=m.arrears_units,
                                        amount=format_fen(m.arrears_fen))),
        (t("cashier.report.reminders"), str(m.reminders)),
        (t("cashier.report.closes"), t("cashier.report.closes_value", n=m.closes,
                                       pending=m.closes_awaiting_signoff,
                                       difference=format_fen(m.cash_difference_fen))),
    ]
    first, last = month_days(year, month)
    out.columns = [t("cashier.col.date"), t("cashier.report.col.receipts"),
                   t("cashier.report.col.void"),
                   *[t(f"cashier.method.{p.value}") for p in PayMethod],
                   t("cashier.col.total"), t("cashier.report.col.refunds")]
    per_day: dict[date, list[Any]] = {}
    for day, valid, void in session.exec(
            select(Receipt.business_date,
                   func.sum(case((Receipt.voided == False, 1), else_=0)),  # noqa: E712
                   func.sum(case((Receipt.voided == True, 1), else_=0)))  # noqa: E712
            .where(Receipt.business_date >= first, Receipt.business_date <= last)
            .group_by(Receipt.business_date)).all():
        per_day[day] = [int(valid or 0), int(void or 0)] + [0] * len(PayMethod) + [0, 0]
    methods = list(PayMethod)
    for day, method, amount in session.exec(
            select(Receipt.business_date, ReceiptTender.method, func.sum(ReceiptTender.amount_fen))
            .join(Receipt, Receipt.id == ReceiptTender.receipt_id)
            .where(Receipt.business_date >= first, Receipt.business_date <= last,
                   Receipt.voided == False)  # noqa: E712
            .group_by(Receipt.business_date, ReceiptTender.method)).all():
        per_day[day][2 + methods.index(PayMethod(method))] = int(amount)
    for day, amount in session.exec(
            select(Refund.business_date, func.sum(Refund.amount_fen))
            .where(Refund.business_date >= first, Refund.business_date <= last)
            .group_by(Refund.business_date)).all():
        per_day.setdefault(day, [0, 0] + [0] * len(PayMethod) + [0, 0])[-1] = int(amount)
    for day in sorted(per_day):
        row = per_day[day]
        row[-2] = sum(row[2:2 + len(methods)])
        out.rows.append([day.isoformat(), row[0], row[1],
                         *[_yuan(v) for v in row[2:]]])
    out.data = {"year": year, "month": month, **{
        k: v for k, v in m.__dict__.items() if k not in ("year", "month")},
        "net_fen": m.net_fen,
        "days": [{"date": r[0], "receipts": r[1], "void": r[2]} for r in out.rows]}
    return out


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def render_text(report: Report) -> str:
    from rich.cells import cell_len

    lines = [report.title, "=" * cell_len(report.title)]
    width = max((cell_len(label) for label, _ in report.summary), default=0) + 2
    for label, value in report.summary:
        lines.append(label + " " * (width - cell_len(label)) + str(value))
    if report.columns:
        lines.append("")
        table = [report.columns] + [[str(c) for c in row] for row in report.rows]
        widths = [max(cell_len(r[i]) for r in table) for i in range(len(report.columns))]
        for n, row in enumerate(table):
            lines.append("  ".join(c + " " * (w - cell_len(c)) for c, w in zip(row, widths,
                                                                             strict=True)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        if not report.rows:
            lines.append(t("print.table.empty"))
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    return json.dumps({"title": report.title, **report.data}, ensure_ascii=False, indent=2,
                      default=str) + "\n"


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(report.columns)
    writer.writerows(report.rows)
    return buffer.getvalue()


def write_xlsx(report: Report, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = t("cashier.report.sheet.summary")
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in report.summary:
        sheet.append([label, str(value)])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60
    detail = book.create_sheet(t("cashier.report.sheet.detail"))
    detail.append(report.columns)
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for row in report.rows:
        detail.append([_number(v) for v in row])
    for i in range(len(report.columns)):
        detail.column_dimensions[chr(ord("A") + i)].width = 16
    inert_workbook(book).save(path)
    return path


def _number(value: Any) -> Any:
    """Amounts (``"123.45"``) go to the sheet as numbers so they can be summed."""
    if isinstance(value, str):
        try:
            return float(value) if "." in value and value.replace(".", "", 1).lstrip(
                "-").isdigit() else value
        except ValueError:
            return value
    return value
