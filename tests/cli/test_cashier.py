"""``deskapp report cashier`` (day and month, every format), ``deskapp cashier standards``
and ``deskapp cashier bills``."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from deskapp import clock
from deskapp.cli import app
from deskapp.db.models.cashier import PayMethod
from deskapp.services.cashier import close, fees, payments
from tests.unit.test_cashier import Site, make_site

runner = CliRunner()



@pytest.fixture
def site(db, supervisor, receptionist, specialist) -> Site:
    with clock.freeze(datetime(2026, 11, 30, 10, 0)):
        st = make_site(db, supervisor, receptionist, specialist)
        with st.write() as s:
            fees.generate_bills(s, by=st.desk, period="2026-11")
            bills = fees.open_bills(s, st.home2)
            payments.take_payment(s, by=st.desk, request_id="a", unit_id=st.home2,
                           bill_ids=[b.id for b in bills],
                           tenders=[payments.Tender(PayMethod.CASH, 25470, 30000)])
            office = fees.open_bills(s, st.office)
            voided = payments.take_payment(s, by=st.desk2, request_id="b", unit_id=st.office,
                                    bill_ids=[b.id for b in office],
                                    tenders=[payments.Tender(PayMethod.WECHAT, 54000)])
            payments.void_receipt(s, by=st.boss, receipt_id=voided.id, reason="收错")
            close.close_day(s, by=st.desk, opening_float_fen=0, counted={10000: 2, 5000: 1, 100: 4,
                                                                     50: 1, 10: 2})
    return st


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_day_report_text(site: Site) -> None:
    result = invoke("--db", site.db.url, "report", "cashier", "--as", "boss", "--date", "2026-11-30")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "收费日报 2026-11-30" in out and "收款合计" in out and "¥254.70" in out
    assert "张前台" in out and "已日结" in out and "刘前台" in out and "未日结" in out
    assert "连续：共 2 号（有效 1，作废 1），无缺号" in out
    assert "SJ2026-000001" in out and "SJ2026-000002" in out and "作废" in out


def test_day_report_json_and_csv(site: Site, tmp_path: Path) -> None:
    data = json.loads(invoke("--db", site.db.url, "report", "cashier", "--as", "boss", "--date", "2026-11-30",
                             "--format", "json").output)
    assert data["total_fen"] == 25470 and data["by_method_fen"]["cash"] == 25470
    assert data["series"][0]["contiguous"] is True
    assert [r["voided"] for r in data["receipts"]] == [False, True]
    desk = next(x for x in data["cashiers"] if x["cashier"] == "张前台")
    assert desk["close"]["difference_fen"] == 0
    rows = list(csv.reader(io.StringIO(invoke("--db", site.db.url, "report", "cashier", "--as", "boss",
                                              "--date", "2026-11-30", "--format", "csv").output)))
    assert rows[0][0] == "收据号" and rows[1][:1] == ["SJ2026-000001"] and rows[1][4] == "254.70"


def test_month_report_xlsx(site: Site, tmp_path: Path) -> None:
    target = tmp_path / "month.xlsx"
    result = invoke("--db", site.db.url, "report", "cashier", "--as", "boss", "--month", "2026-11", "--format",
                    "xlsx", "--output", str(target))
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    summary = [tuple(r) for r in book["汇总"].iter_rows(values_only=True)]
    assert summary[0][0] == "收费月报 2026-11"
    assert ("实收（有效收据）", pytest.approx(254.70)) in summary  # money as a number
    assert book["汇总"]["B2"].number_format == "#,##0.00"
    detail = [list(r) for r in book["明细"].iter_rows(values_only=True)]
    assert detail[1][0] == "2026-11-30" and detail[1][1] == 1 and detail[1][2] == 1
    assert 254.70 in detail[1]


def test_month_report_text_and_bad_options(site: Site) -> None:
    out = invoke("--db", site.db.url, "report", "cashier", "--as", "boss", "--month", "2026-11").output
    assert "收费月报 2026-11" in out and "净收款" in out
    for args in (["--date", "2026-11-30", "--month", "2026-11"], [],
                 ["--date", "30/11/2026"], ["--month", "2026-13"],
                 ["--month", "2026-11", "--format", "pdf"],
                 ["--month", "2026-11", "--format", "xlsx"]):
        bad = runner.invoke(app, ["--db", site.db.url, "report", "cashier", "--as", "boss", *args])
        assert bad.exit_code == 2, (args, bad.output)
    said = runner.invoke(app, ["--db", site.db.url, "report", "cashier", "--as", "boss", "--date", "30/11"])
    assert "--date 不是日期：30/11" in said.output
    said = runner.invoke(app, ["--db", site.db.url, "--lang", "en", "report", "cashier", "--as", "boss"])
    assert "Give exactly one of --date" in said.output


def test_standards_and_bills_commands(db, supervisor, receptionist) -> None:
    result = invoke("--db", db.url, "cashier", "standards", "--as", "boss")
    assert result.exit_code == 0 and "新增" in result.output
    assert "新增 0 项" in invoke("--db", db.url, "cashier", "standards", "--as", "boss").output
    from deskapp.services import units

    with db.write() as s:
        b = units.get_or_create_building(s, code="1")
        units.create_unit(s, building=b, entrance="1", floor=3, room="301", area="100.00")
    made = invoke("--db", db.url, "cashier", "bills", "--period", "2026-11", "--as", "desk1")
    assert "新开账单 1 笔（¥220.00）" in made.output
    again = invoke("--db", db.url, "cashier", "bills", "--period", "2026-11", "--as", "desk1")
    assert "新开账单 0 笔" in again.output and "已有 1 笔" in again.output
    bad = runner.invoke(app, ["--db", db.url, "cashier", "bills", "--as", "boss", "--period", "2026-13"])
    assert bad.exit_code == 1 and "2026-13" in bad.output
