"""``deskapp report renovation``, ``deskapp renovation list`` and ``… certificate``."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from deskapp import clock
from deskapp.cli import app
from deskapp.db.models.cashier import PayMethod
from deskapp.printing.pdf import pdf_text
from deskapp.services import units
from deskapp.services.cashier import fees, payments
from deskapp.services.renovation import deposit, filings, rules, workers
from deskapp.validators import credit_code_check_char, resident_id_check_char

runner = CliRunner()
OWNER_ID = "41030219800101001" + resident_id_check_char("41030219800101001")
LEAD_ID = "41030519750505003" + resident_id_check_char("41030519750505003")
WORKER_ID = "41030219850201001" + resident_id_check_char("41030219850201001")
CREDIT = "91410300MA44ABCD5" + credit_code_check_char("91410300MA44ABCD5")



def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def approved(db, receptionist):
    """One approved filing (deposit paid through the cashier) and one draft."""
    with clock.freeze(datetime(2026, 11, 10, 9)):
        with db.write() as s:
            b = units.get_or_create_building(s, code="3", floors=18)
            unit = units.create_unit(s, building=b, entrance="1", floor=12, room="1201",
                                     area=Decimal("96.12"))
            units.add_occupant(s, unit=unit, name="张三", phone="13812345678",
                               id_number=OWNER_ID)
            fees.load_standards(s, by=None)
            data = rules.FilingInput(
                unit_id=unit.id, owner_name="张三", owner_id_number=OWNER_ID,
                owner_phone="13812345678", contractor_name="洛阳美家装饰有限公司",
                contractor_credit_code=CREDIT, lead_name="王师傅", lead_id_number=LEAD_ID,
                lead_phone="13912345678", work_items="厨卫改造", work_kind="simple",
                permit_start="2026-11-12", permit_end="2026-12-05")
            filing = filings.create_filing(s, by=receptionist, data=data)
            filings.create_filing(s, by=receptionist, data=data)
            fid = filing.id
            for code in rules.filing_documents(filing):
                filings.mark_document(s, by=receptionist, filing_id=fid, code=code)
            workers.add_worker(s, by=receptionist, filing_id=fid, name="李四",
                            id_number=WORKER_ID, id_copy_received=True, photo_received=True)
            filings.submit(s, by=receptionist, filing_id=fid)
            filings.review(s, by=receptionist, filing_id=fid, officer="赵工", accepted=True)
            filings.sign_agreement(s, by=receptionist, filing_id=fid)
            deposit.collect_deposit(s, by=receptionist, filing_id=fid, request_id="cli-1",
                                 tenders=[payments.Tender(PayMethod.WECHAT, 300000)])
            filings.approve(s, by=receptionist, filing_id=fid)
    return fid


def test_report_month_text_json_csv(db, approved):
    result = invoke("--db", db.url, "report", "renovation", "--as", "boss", "--month", "2026-11")
    assert result.exit_code == 0, result.output
    assert "装修管理月报 2026年11月" in result.output
    assert "¥3,000.00" in result.output and "新备案" in result.output
    data = json.loads(invoke("--db", db.url, "report", "renovation", "--as", "boss", "-m", "2026-11",
                             "-f", "json").output)
    assert data["filed"] == 2 and data["approved"] == 1
    assert data["deposits_held_at_end_fen"] == 300000 and data["by_kind"] == {"simple": 2}
    csv_out = invoke("--db", db.url, "report", "renovation", "--as", "boss", "-m", "2026-11", "-f", "csv").output
    assert "deposits_collected_fen,收取保证金（金额）,300000" in csv_out
    october = json.loads(invoke("--db", db.url, "report", "renovation", "--as", "boss", "-m", "2026-10",
                                "-f", "json").output)
    assert october["filed"] == 0 and october["deposits_held_at_end"] == 0


def test_report_bad_month_and_format(db, approved):
    bad = invoke("--db", db.url, "report", "renovation", "--as", "boss", "--month", "2026-13")
    assert bad.exit_code == 1 and "YYYY-MM" in bad.output
    bad = invoke("--db", db.url, "report", "renovation", "--as", "boss", "--format", "pdf")
    assert bad.exit_code == 1


def test_list_views(db, approved):
    with clock.freeze(datetime(2026, 12, 1, 9)):
        result = invoke("--db", db.url, "renovation", "list", "--as", "boss", "--view", "expiring")
    assert result.exit_code == 0, result.output
    assert "ZX2026-0001" in result.output and "139****5678" in result.output
    assert "13912345678" not in result.output and "ZX2026-0002" not in result.output
    assert "共 1 条" in result.output
    archive = invoke("--db", db.url, "renovation", "list", "--as", "boss", "--view", "archive", "-f", "csv")
    assert archive.output.count("3-1-1201") == 2
    assert invoke("--db", db.url, "renovation", "list", "--as", "boss", "--view", "nonsense").exit_code == 1


def test_certificate_pdf(db, approved, tmp_path):
    target = tmp_path / "cert.pdf"
    result = invoke("--db", db.url, "renovation", "certificate", "zx2026-0001", "-o",
                    str(target), "--as", "desk1")
    assert result.exit_code == 0, result.output
    text = pdf_text(target.read_bytes())
    assert "装修备案登记证" in text and "办理出入证专用" in text and "张贴于装修户门上" in text
    draft = invoke("--db", db.url, "renovation", "certificate", "--as", "boss", "ZX2026-0002", "-o",
                   str(tmp_path / "x.pdf"))
    assert draft.exit_code == 1 and "不能打印登记证" in draft.output
    assert not (tmp_path / "x.pdf").exists()
