"""The renovation area as the desk uses it: a filing from draft to refund by keyboard,
bad input shown at the field, a refused approval and a refused refund listing what is
missing, the views and the archive index."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlmodel import select
from textual.widgets import Checkbox, Input, Select

from deskapp import clock
from deskapp.db.models.renovation import RenovationFiling, RenovationStatus
from deskapp.services import units
from deskapp.services.cashier import fees
from deskapp.services.renovation import filings, queries, rules
from deskapp.tui.screens.renovation import FilingScreen, RenovationScreen, WorkersModal
from deskapp.tui.screens.renovation_forms import ActionForm, FilingForm
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.validators import credit_code_check_char, resident_id_check_char
from tests.conftest import PASSWORD
from tests.helpers import footer_actions, notices, screen_text, settle

OWNER_ID = "41030219800101001" + resident_id_check_char("41030219800101001")
LEAD_ID = "41030519750505003" + resident_id_check_char("41030519750505003")
WORKER_ID = "41030219850201001" + resident_id_check_char("41030219850201001")
CREDIT = "91410300MA44ABCD5" + credit_code_check_char("91410300MA44ABCD5")
START = datetime(2026, 11, 30, 9, 0)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    """Printouts go to a scratch folder."""
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path))


@pytest.fixture
def site(db, receptionist):
    with db.write() as session:
        b = units.get_or_create_building(session, code="3", floors=18)
        unit = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                                 area=Decimal("96.12"))
        units.add_occupant(session, unit=unit, name="张三", phone="13812345678",
                           id_number=OWNER_ID)
        fees.load_standards(session, by=None)
        return unit.id


class Clock:
    """Site time for the test, moved forward as the renovation goes on."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def frozen(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(clock, "now", fake)
    return fake


def _set(app, values: dict[str, object]) -> None:
    for wid, value in values.items():
        widget = app.screen.query_one(f"#{wid}")
        if isinstance(widget, Input | Checkbox | Select):
            widget.value = value


async def _key(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_filing_from_draft_to_refund_by_keyboard(db, make_app, site, supervisor,
                                                       frozen, tmp_path):
    app = make_app(login="desk1")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await _key(pilot, "f4")
        assert isinstance(app.screen, RenovationScreen)
        assert "保证金在押 0 户" in screen_text(app)

        # --- the filing form: pick the unit (owner filled in), type the rest -------------
        await _key(pilot, "n")
        assert isinstance(app.screen, FilingForm)
        await _key(pilot, "3")  # typing on the unit field opens the one unit picker
        app.screen.query_one("#picker-query", Input).value = "3-1-1201"
        await pilot.pause(0.3)
        await settle(pilot)
        await _key(pilot, "enter")
        assert isinstance(app.screen, FilingForm)
        assert app.screen.query_one("#rf-owner_name", Input).value == "张三"
        assert "施工图和施工方案" in screen_text(app)  # general work's checklist
        _set(app, {"rf-owner_id_number": OWNER_ID, "rf-contractor_name": "洛阳美家装饰有限公司",
                   "rf-contractor_credit_code": CREDIT, "rf-lead_name": "王师傅",
                   "rf-lead_id_number": LEAD_ID, "rf-lead_phone": "13912345678",
                   "rf-work_items": "厨卫改造、墙面刷漆", "rf-hot_work": True,
                   "rf-permit_end": "2027-03-01"})
        await settle(pilot)
        assert "动火作业消防审批" in screen_text(app)  # the checklist follows the answers
        await _key(pilot, "ctrl+s")
        # 3 months and a day: refused at the field, nothing saved
        assert isinstance(app.screen, FilingForm)
        assert "最长3个月：最晚到 2027-02-28" in screen_text(app)
        _set(app, {"rf-permit_end": "2027-02-28", "rf-lead_id_number": LEAD_ID[:-1] + "0"})
        await _key(pilot, "ctrl+s")
        assert "校验位不正确" in screen_text(app)
        with db.read() as session:
            assert session.exec(select(RenovationFiling)).first() is None
        _set(app, {"rf-lead_id_number": LEAD_ID})
        await _key(pilot, "ctrl+s")

        # --- the filing opens: documents, workers, submit, review -------------------------
        assert isinstance(app.screen, FilingScreen)
        text = screen_text(app)
        assert "ZX2026-0001" in text and "填表中" in text and "施工人员登记（至少一人）" in text
        await _key(pilot, "d")
        assert isinstance(app.screen, ActionForm)
        for box in app.screen.query(Checkbox):
            box.value = True
        await _key(pilot, "ctrl+s")
        await _key(pilot, "w")
        assert isinstance(app.screen, WorkersModal)
        await _key(pilot, "n")
        _set(app, {"af-worker_name": "李四", "af-worker_id_number": WORKER_ID})
        await _key(pilot, "ctrl+s")
        assert "李四" in screen_text(app)
        await _key(pilot, "escape")
        assert "尚缺" not in screen_text(app)
        await _key(pilot, "s")
        assert "待审核" in screen_text(app)
        assert "提交审核" not in screen_text(app)  # the footer follows the new state
        assert "submit" not in footer_actions(app) and "review" in footer_actions(app)
        await _key(pilot, "v")
        _set(app, {"af-review_officer": "赵工"})
        await _key(pilot, "ctrl+s")
        assert "已审核" in screen_text(app)
        await _key(pilot, "b")  # starting work is refused, and says why and what is due
        assert notices(app)[-1] == "「已审核」状态下不能开工。下一步：按 G 协议已签"

        # --- approval refused with the list, then agreement, deposit, approval ----------
        await _key(pilot, "a")
        text = screen_text(app)
        assert "协议书" in text and "装修保证金未收" in text
        await _key(pilot, "escape")
        await _key(pilot, "g", "m")
        assert isinstance(app.screen, ActionForm)
        assert "¥3,000.00" in screen_text(app)  # from the fee standards
        await _key(pilot, "ctrl+s")
        await _key(pilot, "a")
        text = screen_text(app)
        assert "已备案" in text and "¥3,000.00" in text and "SJ2026" in text

        # --- certificate, start, a pass, an extension -----------------------------------
        await _key(pilot, "p")
        assert list((tmp_path / "documents" / "certificate").glob("*/ZX2026-0001.pdf"))
        await _key(pilot, "b")
        assert "施工中" in screen_text(app)
        await _key(pilot, "w", "p")
        assert "SG000001" in screen_text(app)
        await _key(pilot, "escape")
        frozen.at = datetime(2027, 2, 26, 10)
        await _key(pilot, "x")
        _set(app, {"af-new_end": "2027-05-29"})
        await _key(pilot, "ctrl+s")
        assert "每次延期最长3个月：最晚到 2027-05-28" in screen_text(app)
        _set(app, {"af-new_end": "2027-05-28"})
        await _key(pilot, "ctrl+s")
        text = screen_text(app)
        assert "2027-02-28 → 2027-05-28" in text and "延期至 2027-05-28" in text

        # --- completion, inspection, downstairs, move-in --------------------------------
        frozen.at = datetime(2027, 5, 20, 10)
        await _key(pilot, "c", "i")
        _set(app, {"af-inspector": "赵工"})
        await _key(pilot, "ctrl+s")
        await _key(pilot, "h")
        _set(app, {"af-downstairs_name": "李楼下"})
        await _key(pilot, "ctrl+s")
        await _key(pilot, "l")
        _set(app, {"af-lived_in_since": "2027-05-20"})
        await _key(pilot, "ctrl+s")
        assert "核查合格" in screen_text(app)

        # --- refund as the receptionist: the list of what is missing --------------------
        frozen.at = datetime(2027, 8, 21, 10)
        await _key(pilot, "u")
        text = screen_text(app)
        assert "出入证未交回" in text and "SG000001" in text and "正式收据" in text
        await _key(pilot, "escape", "w", "r", "escape")

        # --- the supervisor refunds -----------------------------------------------------
        await _key(pilot, "ctrl+l")
        app.screen.query_one("#login-login", Input).value = "boss"
        app.screen.query_one("#login-password", Input).value = PASSWORD
        app.screen.query_one("#login-password", Input).focus()
        await _key(pilot, "enter")
        assert isinstance(app.screen, FilingScreen)
        await _key(pilot, "u")
        _set(app, {"af-receipt_presented": True, "af-certificate_presented": True})
        await settle(pilot)
        assert "业主未在收据上签收" in screen_text(app)
        _set(app, {"af-owner_signed": True})
        await settle(pilot)
        assert "退款条件全部满足" in screen_text(app)
        await _key(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)  # names the filing, payee, amount
        text = screen_text(app)
        assert "确认退还保证金" in text and "张三" in text and "¥3,000.00" in text
        await _key(pilot, "enter")
        assert isinstance(app.screen, ConfirmDialog)
        await _key(pilot, "y")
        assert "保证金已退" in screen_text(app)
        await _key(pilot, "z")
        assert "已归档" in screen_text(app)
    with db.read() as session:
        filing = queries.get_filing(session, 1)
        assert filing.status == RenovationStatus.CLOSED
        assert filing.deposit_refunded_by == supervisor.id
        assert queries.deposit_held_total(session) == (0, 0)


async def test_views_and_archive(db, make_app, site, receptionist):
    with db.write() as session:
        for _ in range(2):
            filings.create_filing(session, by=receptionist, data=rules.FilingInput(
                unit_id=site, owner_name="张三", owner_id_number=OWNER_ID,
                owner_phone="13812345678", contractor_name="美家装饰",
                contractor_credit_code=CREDIT, lead_name="王师傅", lead_id_number=LEAD_ID,
                lead_phone="13912345678", work_items="刷墙", permit_start=clock.today(),
                permit_end=rules.latest_end(clock.today())))
    app = make_app(login="desk1")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await _key(pilot, "f4")
        text = screen_text(app)
        assert "ZX" in text and "139****5678" in text and "13912345678" not in text
        await _key(pilot, "1")
        assert "没有记录" in screen_text(app)  # nothing approved yet
        await _key(pilot, "6", "ctrl+r")
        text = screen_text(app)
        assert "装修资料目录" in text and "3号楼" in text and "未登记" in text
        await _key(pilot, "enter")
        assert isinstance(app.screen, FilingScreen)


async def test_record_opener_and_palette_commands(db, make_app, site, receptionist):
    from deskapp.tui import areas

    with db.write() as session:
        fid = filings.create_filing(session, by=receptionist, data=rules.FilingInput(
            unit_id=site, owner_name="张三", owner_id_number=OWNER_ID,
            owner_phone="13812345678", contractor_name="美家装饰", contractor_credit_code=CREDIT,
            lead_name="王师傅", lead_id_number=LEAD_ID, lead_phone="13912345678",
            work_items="刷墙", permit_start=clock.today(),
            permit_end=rules.latest_end(clock.today()))).id
    titles = [title for title, _ in areas.palette_commands()]
    assert "renovation.palette.new" in titles and "renovation.palette.archive" in titles
    app = make_app(login="desk1")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert areas.open_record(app, "renovation", fid)
        await settle(pilot)
        assert isinstance(app.screen, FilingScreen)
        assert "ZX" in screen_text(app) and "填表中" in screen_text(app)
        await _key(pilot, "delete")
        _set(app, {"af-cancel_reason": ""})
        await _key(pilot, "ctrl+s")
        assert isinstance(app.screen, ActionForm)  # a reason is required: nothing saved
        _set(app, {"af-cancel_reason": "业主暂缓"})
        await _key(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        assert "确认撤销装修登记" in screen_text(app) and "业主暂缓" in screen_text(app)
        await _key(pilot, "escape")  # not now: back to the form, nothing cancelled
        assert isinstance(app.screen, ActionForm)
        await _key(pilot, "ctrl+s", "y")
        assert "已撤销" in screen_text(app)
