"""Printing from the screens, as a person does it: open the list by its area key, open the
record, press the print key, and find the paper in the documents folder (audited)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from deskapp.config import Settings
from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry
from deskapp.i18n import set_language
from deskapp.printing.pdf import pdf_text
from deskapp.tui.app import DeskApp
from deskapp.tui.screens.complaints import ComplaintDetail
from deskapp.tui.screens.renovation import FilingScreen
from deskapp.tui.widgets.printing import DocumentMenu
from tests.helpers import pdf_has, screen_text, settle

SIZE = (160, 45)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path))
    monkeypatch.delenv("DESKAPP_PRINTER", raising=False)
    return tmp_path


def _app(db: Database, login: str) -> DeskApp:
    set_language("zh")
    settings = Settings(db_url=db.url, language="zh", desk="前台1", idle_lock_seconds=0)
    return DeskApp(settings=settings, db=db, login=login)


def _printed(db: Database, kind: str) -> list[AuditEntry]:
    with db.read() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == "document.print",
                                                    AuditEntry.entity == kind)).all())


async def test_complaint_form_from_the_complaint_view(full_demo_db: Database,
                                                      home: Path) -> None:
    app = _app(full_demo_db, "zhuanyuan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintDetail)
        number = app.screen.loaded.complaint.number
        assert "打印登记表" in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        files = list((home / "documents" / "complaint").glob(f"*/{number}.pdf"))
        assert len(files) == 1
        text = pdf_text(files[0].read_bytes())
        assert "客户投诉受理登记表" in text and number in text and "处理过程" in text
        assert [e.entity_id for e in _printed(full_demo_db, "complaint")] == [number]


async def test_filing_papers_menu_prints_the_one_chosen(full_demo_db: Database,
                                                       home: Path) -> None:
    app = _app(full_demo_db, "qiantai1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FilingScreen)
        number = app.screen.detail.filing.number
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, DocumentMenu)
        menu = screen_text(app)
        assert "1  装修备案表" in menu and "2  装修管理服务协议书" in menu
        await pilot.press("7")  # not offered: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, DocumentMenu)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, FilingScreen)
        files = list((home / "documents" / "renovation-agreement").glob(f"*/{number}.pdf"))
        assert len(files) == 1
        text = pdf_text(files[0].read_bytes())
        assert "第一份 装修单位" in text and "第三份 服务中心" in text
        assert not (home / "documents" / "renovation-form").exists()


async def test_cashier_prints_the_highlighted_units_reminder_and_all_notices(
        full_demo_db: Database, home: Path) -> None:
    from deskapp.tui.screens.cashier import CashierScreen

    app = _app(full_demo_db, "qiantai1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CashierScreen)
        screen.show_tab("arrears")
        await settle(pilot)
        screen.lists["arrears"].focus()
        await settle(pilot)
        unit_id = screen.lists["arrears"].current_id
        assert unit_id is not None
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, DocumentMenu)
        assert "3  全部欠费户催缴通知" in screen_text(app)
        await pilot.press("2")
        await settle(pilot)
        [one] = list((home / "documents" / "arrears-notices").glob("*/*.pdf"))
        text = pdf_text(one.read_bytes())
        assert "催缴通知" in text and "七日内" in text and text.count("催缴通知") >= 1
        await pilot.press("ctrl+b", "3")
        await settle(pilot)
        files = sorted((home / "documents" / "arrears-notices").glob("*/*.pdf"))
        assert len(files) == 2
        assert len(_printed(full_demo_db, "arrears-notices")) == 2


async def test_survey_prints_the_campaigns_blank_forms(full_demo_db: Database,
                                                       home: Path) -> None:
    from deskapp.services.survey import distribution

    app = _app(full_demo_db, "qiantai1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        campaign = app.screen.campaign
        assert campaign is not None
        await pilot.press("p")
        await settle(pilot)
        number = f"MY{campaign.year}{campaign.half}"
        files = list((home / "documents" / "survey-forms").glob(f"*/{number}.pdf"))
        assert len(files) == 1
    with full_demo_db.read() as s:
        first = distribution.questionnaire_units(s, campaign.id)[0]
    assert pdf_has(files[0].read_bytes(), distribution.form_number(campaign, first))
