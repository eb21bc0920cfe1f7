"""The documents service: every kind renders from the demo site, is saved under
<documents dir>/<kind>/<YYYY-MM>/<number>.pdf, audited, marked 补打 when printed again,
and sent to a printer through CUPS (the cups-pdf virtual printer when one is set up)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from sqlmodel import select

from deskapp import clock
from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry, Staff
from deskapp.db.models.cashier import Receipt
from deskapp.db.models.complaints import Complaint
from deskapp.db.models.reception import Handover, WorkOrder
from deskapp.db.models.registers import GoodsPass, Visitor
from deskapp.db.models.renovation import PassStatus, RenovationFiling, RenovationPass
from deskapp.errors import DeskError, NotFound
from deskapp.printing import documents, printer
from deskapp.printing.pdf import pdf_text
from tests.helpers import pdf_has


@pytest.fixture
def site_db(full_demo_db: Database) -> Database:
    return full_demo_db


def _desk(session) -> Staff:  # type: ignore[no-untyped-def]
    return session.exec(select(Staff).where(Staff.login == "qiantai1")).one()


def _first(session, model, *where):  # type: ignore[no-untyped-def]
    return session.exec(select(model).where(*where).order_by(model.id)).first()


def _produce(db: Database, kind: str, ref: int | str,
             settings: dict[str, object] | None = None) -> documents.Produced:
    with db.write() as s:
        return documents.produce(s, by=_desk(s), kind=kind, ref=ref, settings=settings)


def test_receipt_saved_in_the_folder_layout_audited_and_reprint_marked(site_db: Database,
                                                                        tmp_path: Path) -> None:
    settings = {"documents_dir": str(tmp_path / "docs")}
    with site_db.read() as s:
        receipt = _first(s, Receipt)
    first = _produce(site_db, "receipt", receipt.number, settings)
    month = clock.today().strftime("%Y-%m")
    assert first.path == tmp_path / "docs" / "receipt" / month / f"{receipt.number}.pdf"
    text = pdf_text(first.path.read_bytes())
    assert receipt.number in text and "补打" not in text and "第一联 存根" in text
    assert first.reprint == 0
    again = _produce(site_db, "receipt", receipt.id, settings)  # by id: the same document
    assert again.reprint == 1 and again.path.name == f"{receipt.number}-补打2.pdf"
    assert first.path.exists(), "the first print's file is kept"
    assert "【补打】" in pdf_text(again.path.read_bytes())
    with site_db.read() as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == "document.print",
                                                  AuditEntry.entity_id == receipt.number)).all()
    assert len(entries) == 2
    assert '"reprint": 1' in entries[1].detail and "补打2.pdf" in entries[1].detail
    assert documents.summary(again, None).startswith("收据已保存：")


def test_every_kind_prints_from_the_demo_site(site_db: Database, tmp_path: Path) -> None:
    settings = {"documents_dir": str(tmp_path / "docs")}
    with site_db.read() as s:
        refs = {
            "receipt": _first(s, Receipt).number,
            "workorder": _first(s, WorkOrder).number,
            "goods-pass": _first(s, GoodsPass).number,
            "complaint": _first(s, Complaint).number,
            "handover": _first(s, Handover).id,
            "visitor-pass": _first(s, Visitor).number,
            "worker-passes": s.get(RenovationFiling, _first(
                s, RenovationPass, RenovationPass.status == PassStatus.OUT).filing_id).number,
            "statement": "1-1-901",
            "arrears-notices": "all",
        }
    expected = {
        "receipt": "收款收据", "workorder": "维修工作单", "goods-pass": "物品放行",
        "complaint": "客户投诉受理登记表", "handover": "交接班记录", "visitor-pass": "访客临时通行证",
        "worker-passes": "施工人员出入证", "statement": "缴费通知单", "arrears-notices": "催缴通知",
    }
    for kind, ref in refs.items():
        made = _produce(site_db, kind, ref, settings)
        data = made.path.read_bytes()
        assert pdf_has(data, expected[kind]), (kind, pdf_text(data)[:300])
        assert made.path.parent.parent.name == kind
    complaint_text = pdf_text(_produce(site_db, "complaint", refs["complaint"],
                                       settings).path.read_bytes())
    assert "处理过程" in complaint_text and "第二联 处理部门" in complaint_text
    notices = _produce(site_db, "arrears-notices", "all", settings).path.read_bytes()
    assert pdf_has(notices, "1-1-901", "0–30天", "七日内")


def test_statement_lists_the_units_open_bills_and_total(site_db: Database,
                                                       tmp_path: Path) -> None:
    from deskapp.money import format_fen
    from deskapp.services import units
    from deskapp.services.cashier import fees as cashier_fees

    with site_db.read() as s:
        unit = units.find_unit_by_code(s, "1-1-901")
        bills = cashier_fees.open_bills(s, unit.id)
    assert bills
    made = _produce(site_db, "statement", "1-1-901", {"documents_dir": str(tmp_path)})
    text = pdf_text(made.path.read_bytes())
    total = sum(b.amount_fen for b in bills)
    assert format_fen(total) in text
    for bill in bills[:3]:
        assert bill.description[:6] in text


def test_work_order_engineering_copy_carries_the_phone_and_says_which_copy(
        site_db: Database, tmp_path: Path) -> None:
    with site_db.read() as s:
        order = _first(s, WorkOrder, WorkOrder.requester_phone != "")
    made = _produce(site_db, "workorder", order.number, {"documents_dir": str(tmp_path)})
    text = pdf_text(made.path.read_bytes())
    assert order.requester_phone in text
    assert "工程联" in text or "工程" in text


def test_unknown_kind_and_number_are_refused_plainly(site_db: Database) -> None:
    with pytest.raises(NotFound) as err:
        _produce(site_db, "menu", "1")
    assert "receipt" in str(err.value)
    with pytest.raises(DeskError) as err2:
        _produce(site_db, "receipt", "SJ1999-000001")
    assert str(err2.value) == "找不到该收据"


def test_no_printer_configured_keeps_the_pdf_and_says_so(site_db: Database,
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESKAPP_PRINTER", raising=False)
    with site_db.read() as s:
        number = _first(s, Receipt).number
    made = _produce(site_db, "receipt", number, {"documents_dir": str(tmp_path)})
    outcome = documents.deliver(made, settings={})
    assert not outcome.sent and "未设置打印机" in outcome.message
    assert made.path.exists()


def test_missing_cups_is_a_plain_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(printer.shutil, "which", lambda _name: None)
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    outcome = printer.send(pdf, printer="front-a4", title="x")
    assert not outcome.sent and "CUPS" in outcome.message


def test_printer_setting_per_kind_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESKAPP_PRINTER", raising=False)
    settings = {"printer": "a4", "printer.receipt": "pos-80"}
    assert printer.printer_for(settings, "receipt") == "pos-80"
    assert printer.printer_for(settings, "workorder") == "a4"
    assert printer.printer_for({}, "workorder") == ""


def _cups_pdf_printer() -> str | None:
    """The cups-pdf queue `.ci/run` sets up (DESKAPP_TEST_PRINTER), if CUPS answers."""
    name = os.environ.get("DESKAPP_TEST_PRINTER")
    if not name or shutil.which("lpstat") is None:
        return None
    run = subprocess.run(["lpstat", "-p", name], capture_output=True, text=True, check=False)
    return name if run.returncode == 0 else None


def test_unknown_printer_is_a_plain_message(tmp_path: Path) -> None:
    if shutil.which("lp") is None:
        pytest.skip("CUPS client (lp) is not installed")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    outcome = printer.send(pdf, printer="no-such-printer-xyz", title="x")
    assert not outcome.sent and "no-such-printer-xyz" in outcome.message


def test_document_arrives_at_the_cups_pdf_printer_with_its_text(site_db: Database,
                                                               tmp_path: Path) -> None:
    name = _cups_pdf_printer()
    if name is None:
        pytest.skip("no cups-pdf printer: set DESKAPP_TEST_PRINTER (.ci/run sets it up "
                    "when CUPS and printer-driver-cups-pdf can be installed)")
    out_dir = Path(os.environ.get("DESKAPP_TEST_PRINTER_OUT", str(Path.home() / "PDF")))
    with site_db.read() as s:
        number = _first(s, Receipt).number
    made = _produce(site_db, "receipt", number, {"documents_dir": str(tmp_path)})
    before = set(out_dir.glob("*.pdf")) if out_dir.exists() else set()
    outcome = documents.deliver(made, settings={"printer": name})
    assert outcome.sent, outcome.message
    assert outcome.job.startswith(name)
    arrived: list[Path] = []
    for _ in range(60):  # cups-pdf writes the file when the job is done
        arrived = [p for p in (set(out_dir.glob("*.pdf")) - before)
                   if p.stat().st_size > 0] if out_dir.exists() else []
        if arrived:
            break
        time.sleep(0.5)
    assert arrived, f"nothing arrived in {out_dir}"
    # cups-pdf names the file after the job title (the document's title and number) and
    # re-renders the pages through ghostscript: the same number of pages arrives (the three
    # copies of the receipt), drawn with a real CJK font (fonts-arphic-uming, which .ci/run
    # installs, is ghostscript's STSong-Light) — its glyphs become Type 3 shapes, so the
    # text is checked on the saved PDF, which is what was sent.
    from pypdf import PdfReader

    assert number in arrived[0].name
    pages = len(PdfReader(made.path).pages)  # three copies; a long receipt runs over
    assert len(PdfReader(arrived[0]).pages) == pages and pages % 3 == 0 and pages >= 3
    saved = subprocess.run(["pdftotext", str(made.path), "-"], capture_output=True, text=True,
                           check=False).stdout if shutil.which("pdftotext") else \
        pdf_text(made.path.read_bytes())
    assert number in saved and "收款收据" in saved


def test_blank_questionnaire_carries_unit_surname_and_form_number(site_db: Database,
                                                                   tmp_path: Path) -> None:
    from deskapp.db.models import Unit
    from deskapp.services import units
    from deskapp.services.survey import campaigns, distribution

    with site_db.read() as s:
        campaign = campaigns.current_campaign(s)
        ordered = distribution.questionnaire_units(s, campaign.id)
        unit = s.get(Unit, ordered[0])
        owner = units.owner_of(s, unit.id)
        number = distribution.form_number(campaign, unit.id)
        codes = [s.get(Unit, uid).code for uid in ordered[:40]]
    made = _produce(site_db, "survey-forms", number, {"documents_dir": str(tmp_path)})
    text = pdf_text(made.path.read_bytes())
    assert number in text and unit.code in text and "客户满意度调查表" in text
    assert f"{owner.name[0]}先生/女士" in text and owner.name not in text
    assert "5.非常满意" in text and "其他意见或建议" in text
    # the batch goes building by building, floor by floor
    floors = [int(c.split("-")[2][:-2]) for c in codes if c.startswith(codes[0][:4])]
    assert floors == sorted(floors)
