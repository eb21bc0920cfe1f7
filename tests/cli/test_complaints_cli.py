"""``deskapp report complaints``: every format, the month option, bad input."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from deskapp import clock
from deskapp.cli import app
from deskapp.services.complaints import intake

runner = CliRunner()



@pytest.fixture
def url(db, specialist) -> str:
    for when, category in (("2026-10-15 09:00", "fees"), ("2026-11-02 09:00", "service"),
                           ("2026-11-03 09:00", "service")):
        with clock.freeze(datetime.fromisoformat(when)), db.write() as s:
            intake.create_complaint(s, by=specialist, data=intake.ComplaintCreate(
                complainant_name="业主", content="投诉", channel="phone",
                category_code=category, complainant_phone="13812345678",
                heard=True, asked=True, recorded=True))
    return db.url


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_text_and_json(url: str) -> None:
    result = invoke("--db", url, "report", "complaints", "--as", "boss", "--month", "2026-11")
    assert result.exit_code == 0, result.output
    assert "投诉月度分析 2026-11" in result.output and "2026-10" in result.output
    line = next(x for x in result.output.splitlines() if x.startswith("投诉总数"))
    assert line.split()[1:] == ["2", "1"]
    data = json.loads(invoke("--db", url, "report", "complaints", "--as", "boss", "-m", "2026-11", "-f",
                             "json").output)
    assert data["volume"] == 2 and data["by_category"] == {"service": 2}
    assert data["previous"]["by_category"] == {"fees": 1}


def test_csv_and_xlsx(url: str, tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    assert invoke("--db", url, "report", "complaints", "--as", "boss", "-m", "2026-11", "-f", "csv", "-o",
                  str(out)).exit_code == 0
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "项目,2026-11,2026-10" and rows[1] == "投诉总数,2,1"
    target = tmp_path / "c.xlsx"
    result = invoke("--db", url, "report", "complaints", "--as", "boss", "-m", "2026-11", "-f", "xlsx", "-o",
                    str(target))
    assert result.exit_code == 0 and str(target) in result.output
    ws = load_workbook(target).active
    assert ws["A3"].value == "投诉总数" and ws["B3"].value == 2 and ws["C3"].value == 1


def test_bad_month_and_format(url: str) -> None:
    bad = runner.invoke(app, ["--db", url, "report", "complaints", "--as", "boss", "--month", "2026-13"])
    assert bad.exit_code == 1 and "2026-13" in bad.output
    bad = runner.invoke(app, ["--db", url, "report", "complaints", "--as", "boss", "--format", "pdf"])
    assert bad.exit_code == 1 and "xlsx" in bad.output
