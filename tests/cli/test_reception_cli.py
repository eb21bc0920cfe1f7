"""``deskapp report reception``, ``report handovers`` and ``workorder print``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskapp import clock
from deskapp.cli import app
from deskapp.db.models.reception import (
    ContactChannel,
    ContactKind,
    WorkOrderCategory,
    WorkOrderUrgency,
)
from deskapp.printing.pdf import pdf_text
from deskapp.services import hooks
from deskapp.services.reception import contacts, shifts
from deskapp.services.reception import workorders as wo
from tests.unit.test_reception_common import make_site

runner = CliRunner()



@pytest.fixture
def url(db, receptionist, specialist) -> str:
    site = make_site(db)
    with clock.freeze(datetime(2026, 11, 3, 8, 0)), db.write() as s:
        hooks.after_login(s, receptionist, "前台1")
    with clock.freeze(datetime(2026, 11, 3, 9, 0)), db.write() as s:
        contact = contacts.log_contact(s, by=receptionist, data=contacts.ContactCreate(
            ContactChannel.PHONE, ContactKind.REPAIR, "厨房水管漏水", unit_id=site.unit_a))
        wo.create_work_order(s, by=receptionist, contact_id=contact.id, data=wo.WorkOrderCreate(
            WorkOrderCategory.WATER, WorkOrderUrgency.URGENT, "厨房水管漏水"))
        contacts.log_contact(s, by=receptionist, data=contacts.ContactCreate(
            ContactChannel.WALK_IN, ContactKind.ENQUIRY, "咨询停车", unit_id=site.unit_b))
    with clock.freeze(datetime(2026, 11, 3, 16, 0)), db.write() as s:
        shift = shifts.current_shift(s, desk="前台1")
        handover = shifts.write_handover(s, by=receptionist, shift_id=shift.id, notes="打印机缺纸")
        shifts.confirm_handover(s, by=specialist, handover_id=handover.id)
    return db.url


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_month_report_text_and_json(url: str) -> None:
    with clock.freeze(datetime(2026, 11, 30, 12, 0)):
        result = invoke("--db", url, "report", "reception", "--as", "boss", "--month", "2026-11")
        assert result.exit_code == 0, result.output
        assert "前台接待月报 2026-11" in result.output
        assert "接待登记 2 条" in result.output and "开单 1" in result.output
        assert "超时未完工 1" in result.output  # urgent, 4 h, never completed
        data = json.loads(invoke("--db", url, "report", "reception", "--as", "boss", "-m", "2026-11",
                                 "-f", "json").output)
    assert data["contacts_by_kind"] == {"repair": 1, "enquiry": 1}
    assert data["handovers"] == data["handovers_confirmed"] == 1


def test_handover_log_of_a_day(url: str) -> None:
    result = invoke("--db", url, "report", "handovers", "--as", "boss", "--date", "2026-11-03")
    assert result.exit_code == 0, result.output
    assert "交班：张前台" in result.output and "接班：李专员" in result.output
    assert "打印机缺纸" in result.output and "WX20261103-001" in result.output
    assert "没有交接记录" in invoke("--db", url, "report", "handovers", "--as", "boss", "-d",
                                   "2026-11-04").output
    data = json.loads(invoke("--db", url, "report", "handovers", "--as", "boss", "-d", "2026-11-03",
                             "-f", "json").output)
    assert data[0]["summary"]["contacts"] == 2
    slashed = invoke("--db", url, "report", "handovers", "--as", "boss", "-d", "2026/11/03")
    assert slashed.output == result.output  # the one date parser: 2026/11/03 is that day too


def test_bad_input(url: str) -> None:
    for args in (("report", "reception", "--as", "boss", "-m", "2026-13"), ("report", "reception", "--as", "boss", "-f", "xml"),
                 ("report", "handovers", "--as", "boss", "-d", "11/03")):
        result = runner.invoke(app, ["--db", url, *args])
        assert result.exit_code != 0
    result = runner.invoke(app, ["--db", url, "workorder", "print", "--as", "boss", "WX19990101-001"])
    assert result.exit_code != 0 and "找不到该工作单" in result.output


def test_print_a_work_order(url: str, tmp_path: Path) -> None:
    target = tmp_path / "wo.pdf"
    result = invoke("--db", url, "workorder", "print", "--as", "boss", "wx20261103-001", "-o", str(target))
    assert result.exit_code == 0, result.output
    text = pdf_text(target.read_bytes())
    assert "维修工作单" in text and "WX20261103-001" in text and "厨房水管漏水" in text
    assert "第一联 工程部" in text and "第二联 客服部存根" in text
