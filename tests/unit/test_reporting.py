"""The one report table model and its writers (issue #18, part 2): money to the fen with
¥ and two decimals, per cent rounded HALF_UP once, Chinese widths in text, formulas
neutralised in CSV and XLSX, the PDF carries the title and a Chinese cell; and each
report goes through the model."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from rich.cells import cell_len

from deskapp.reporting import csv as csv_out
from deskapp.reporting import text, xlsx
from deskapp.reporting.table import (
    Cell,
    Column,
    Report,
    ReportTable,
    cell_text,
    format_percent,
    percent,
    share,
)

ATTACK = '=HYPERLINK("http://evil.example/","x")'


def _report() -> Report:
    columns = [Column("name", label="名称"), Column("amount", label="金额", type="money"),
               Column("rate", label="比例", type="percent"),
               Column("day", label="日期", type="date"), Column("n", label="件数", type="int")]
    rows = [["客户服务员", 123456, percent(2, 3), date(2026, 11, 30), 3],
            [ATTACK, -5, None, None, 12]]
    return Report("测试报表", [ReportTable(columns, rows, title="明细",
                                           totals=["合计", 123451, None, None, 15])],
                  subtitle="2026-11")


def test_money_to_the_fen_with_yuan_sign():
    column = Column("a", label="金额", type="money")
    assert cell_text(column, 123456) == "¥1,234.56"
    assert cell_text(column, -5) == "-¥0.05"
    assert cell_text(column, 0) == "¥0.00"
    assert cell_text(column, None) == "—"


def test_percent_rounds_half_up_once():
    assert percent(1, 8, 1) == Decimal("12.5") and percent(1, 8, 0) == Decimal("13")
    assert percent(2, 3) == Decimal("66.7") and percent(1, 0) is None
    assert share(0.00125, 2) == Decimal("0.13")  # float 0.125% would round to even: 0.12
    assert share(None) is None
    assert format_percent(Decimal("66.666")) == "66.666%"  # as given …
    assert cell_text(Column("r", label="", type="percent"), Decimal("66.65")) == "66.7%"  # … once


def test_cell_overrides_the_column_type_and_text():
    column = Column("v", label="值")
    assert cell_text(column, Cell(2500, "money")) == "¥25.00"
    assert cell_text(column, Cell(2500, "money", "二十五元")) == "二十五元"


def test_rows_must_match_the_columns():
    with pytest.raises(ValueError):
        ReportTable([Column("a", label="a")], [["x", "y"]])


def test_text_lines_up_chinese_by_cell_width():
    out = text.render(_report())
    assert "测试报表" in out and "¥1,234.56" in out and "66.7%" in out and "2026-11-30" in out
    rows = [line for line in out.splitlines() if "客户服务员" in line or "HYPERLINK" in line]
    # the money column is right-aligned: both amounts end in the same terminal cell
    ends = {cell_len(line[:line.index(amount) + len(amount)])
            for line, amount in zip(rows, ["¥1,234.56", "-¥0.05"], strict=True)}
    assert len(ends) == 1
    assert cell_len(text.pad("客户服务员", 12)) == 12 and text.pad("ab", 4, "right") == "  ab"
    assert text.bar(0.5, 4) == "██  " and text.bar(0.01, 4, fill=False) == "▏"


def test_csv_neutralises_formulas_and_writes_plain_yuan():
    rows = list(csv.reader(io.StringIO(csv_out.render(_report()))))
    assert rows[0] == ["名称", "金额", "比例", "日期", "件数"]
    assert rows[1] == ["客户服务员", "1234.56", "66.7%", "2026-11-30", "3"]
    assert rows[2][0] == "'" + ATTACK and rows[2][1] == "-0.05"
    assert rows[3][:2] == ["合计", "1234.51"]


def test_xlsx_numbers_and_neutralised_formulas():
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.render(_report()))).active
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0][0] == "测试报表" and values[1][0] == "2026-11"
    header = values.index(["名称", "金额", "比例", "日期", "件数"])
    first = values[header + 1]
    assert first[1] == pytest.approx(1234.56) and first[2] == pytest.approx(0.667)
    assert first[4] == 3
    assert ws.cell(header + 2, 2).number_format == "#,##0.00"
    assert ws.cell(header + 2, 3).number_format == "0.0%"
    assert values[header + 2][0] == "'" + ATTACK
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_pdf_has_the_title_and_a_chinese_cell():
    from deskapp.printing import report_pdf
    from deskapp.printing.pdf import pdf_text

    out = pdf_text(report_pdf.render(_report()))
    assert "测试报表" in out and "客户服务员" in out and "¥1,234.56" in out and "66.7%" in out


def test_cashier_report_goes_through_the_model(db):
    from deskapp.services.cashier.report import day_report_data

    with db.read() as s:
        report = day_report_data(s, day=date(2026, 11, 30))
    model = report.table()
    assert isinstance(model, Report) and model.tables[1].columns[4].type == "money"
    assert report.title in text.render(model)


def test_complaints_report_goes_through_the_model(db):
    from deskapp.services.complaints import figures as complaints_figures
    from deskapp.services.complaints.report import table

    with db.read() as s:
        figures = complaints_figures.monthly_analysis(s, year=2026, month=11)
    model = table(figures)
    types = {c.type for row in model.tables[0].rows for c in row if isinstance(c, Cell)}
    assert {"int", "percent"} <= types
    assert "2026-11" in text.render(model)


def test_monthly_report_goes_through_the_model(db, supervisor):
    from deskapp.services.reports import monthly
    from deskapp.services.reports.render import table

    with db.read() as s:
        report = monthly.monthly_report(s, by=supervisor, year=2026, month=10)
    model = table(report)
    assert model.title.endswith("2026-10") and model.sheet == "月报"


def test_survey_report_goes_through_the_model(monkeypatch):
    from deskapp.services.survey import report as survey_report

    monkeypatch.setattr(survey_report, "rate_lines", lambda progress: [("有效户数", "9")])
    tally = SimpleNamespace(satisfaction_rate=2 / 3, mean=4.0, n=3, counts=[0, 0, 1, 1, 1])
    day = date(2026, 6, 15)
    report = SimpleNamespace(
        campaign=SimpleNamespace(title="2026年上半年", distribution_date=day,
                                 collection_deadline=day, statistics_due=day, report_due=day),
        progress=None, opinions={}, lowest=[], site_name="上海滩华府",
        made_at=datetime(2026, 6, 22, 10, 0),
        followups=SimpleNamespace(total=0, open=0, answered=0, replied=0, escalated=0),
        stats=SimpleNamespace(overall=tally, sections=[], items=[], buildings=[], responses=1,
                              previous_overall=None))
    model = survey_report.table(report)
    items = model.tables[2]
    [all_items] = items.rows
    assert items.sheet == "分项统计" and items.title == "三、分项统计"
    assert [c.key for c in items.columns][-3:] == ["rate", "bar", "delta"]
    assert cell_text(items.columns[-3], all_items[-3]) == "66.7%"
    assert all_items[-2] == 2 / 3  # the bar's fraction: text and PDF draw it, XLSX skips it
    assert [table.title for table in model.tables][-2:] == ["六、业主意见与建议", "七、意见整改情况"]


def test_list_export_goes_through_the_model(db):
    from deskapp.services import export
    from deskapp.services.listing import ListColumn, ListQuery, ListRow

    class Source:
        columns = [ListColumn("name", "reports.xlsx.item", 20),
                   ListColumn("amount", "reports.xlsx.yuan", 12, "right")]
        filters: list = []

        def fetch(self, session, query, offset, limit, *, reverse=False):
            return [ListRow(1, ("张三", "¥1,200.05"))][offset:offset + limit]

    with db.read() as s:
        model = export.export_table(s, Source(), ListQuery(), "导出")
    [[name, amount]] = model.tables[0].rows
    assert name == "张三" and amount == Cell(120005, "money", "¥1,200.05")
