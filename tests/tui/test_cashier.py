"""The cashier screen as the desk uses it: pick the unit, take cash with change, see and
print the receipt; refused input; void and refund by the supervisor; arrears and
reminders; the daily close by denomination."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Input, SelectionList

from deskapp.db.models.cashier import ArrearsReminder, BillStatus, DailyClose, PayMethod, Receipt
from deskapp.services.cashier import fees, payments
from deskapp.tui.screens.cashier import CashierScreen
from deskapp.tui.screens.cashier_forms import PaymentForm, ReasonForm, ReceiptDetail
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.tui.widgets.unit_picker import UnitPicker
from tests.helpers import footer_actions, notices, screen_text, settle
from tests.unit.test_cashier import Site, make_site

SIZE = (160, 45)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def site(db, supervisor, receptionist, specialist, frozen_now: datetime, home: Path) -> Site:
    st = make_site(db, supervisor, receptionist, specialist)
    with st.write() as s:
        fees.generate_bills(s, by=st.desk, period="2026-10")
        fees.generate_bills(s, by=st.desk, period="2026-11")
        fees.generate_bills(s, by=st.desk, period="2026-12", unit_id=st.home2)  # paid ahead
    return st


async def open_cashier(pilot) -> CashierScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CashierScreen)
    return screen


async def pick_unit(pilot, query: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+u")
    await settle(pilot)
    assert isinstance(pilot.app.screen, UnitPicker)
    pilot.app.screen.query_one("#picker-query", Input).value = query
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_full_cash_payment_by_keyboard(site: Site, make_app, home: Path) -> None:
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cashier(pilot)
        assert "Ctrl+U" in screen_text(app)
        await pick_unit(pilot, "3-1-1202")
        text = screen_text(app)
        assert "李四" in text and "物业服务费（住宅） 2026-10" in text
        assert "2026-12" in text  # paid-ahead month offered, not ticked
        assert "已选 2 项，合计 ¥509.40（伍佰零玖元肆角整）" in text
        items = screen.query_one("#pay-items", SelectionList)
        assert app.focused is items
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PaymentForm)
        assert "应收 ¥509.40" in screen_text(app)
        await pilot.press("6", "0", "0")  # the cash handed over
        await settle(pilot)
        assert "找零 ¥90.60" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDetail)
        text = screen_text(app)
        assert "SJ2026-000001" in text and "伍佰零玖元肆角整" in text
        assert "实收 ¥600.00，找零 ¥90.60" in text
        await pilot.press("p")
        await settle(pilot)
        printed = list((home / "documents" / "receipt").glob("*/SJ2026-000001.pdf"))
        assert len(printed) == 1 and printed[0].read_bytes().startswith(b"%PDF")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CashierScreen)
        text = screen_text(app)
        assert "有效收据 1 张" in text and "现金 ¥509.40" in text
        assert "2026-10" not in text.split("应缴项目")[1]  # paid items are gone
    with site.db.read() as s:
        receipt = s.exec(select(Receipt)).one()
        assert (receipt.total_fen, receipt.change_fen, receipt.desk) == (50940, 9060, "前台1")
        assert [b.status for b in fees.open_bills(s, site.home2)] == [BillStatus.OPEN]  # December


async def test_space_unticks_and_mixed_payment(site: Site, make_app) -> None:
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_cashier(pilot)
        await pick_unit(pilot, "3-1-1202")
        await pilot.press("space")  # untick the first (October)
        await settle(pilot)
        assert "已选 1 项，合计 ¥254.70" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        form.query_one("#pay-cash", Input).value = "54.70"
        form.query_one("#pay-wechat", Input).value = "200"
        form.query_one("#pay-tendered", Input).value = "100"
        await settle(pilot)
        assert "找零 ¥45.30" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDetail)
        assert "微信 ¥200.00" in screen_text(app)
    with site.db.read() as s:
        receipt = s.exec(select(Receipt)).one()
        assert receipt.methods == "cash,wechat" and receipt.total_fen == 25470


@pytest.mark.parametrize(("box", "value", "message"), [
    ("#pay-tendered", "500", "少于现金应付"),
    ("#pay-cash", "-5", None),
    ("#pay-cash", "abc", None),
    ("#pay-cash", "100", "还差 ¥409.40"),
])
async def test_bad_payment_input_saves_nothing(site: Site, make_app, box: str, value: str,
                                               message: str | None) -> None:
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_cashier(pilot)
        await pick_unit(pilot, "3-1-1202")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PaymentForm)
        form.query_one(box, Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still open, the message at the field
        text = screen_text(app)
        if message:
            assert message in text, text
        assert form.query(".-invalid") or message in text
    with site.db.read() as s:
        assert s.exec(select(Receipt)).all() == []


async def test_supervisor_voids_from_the_receipt_list(site: Site, make_app) -> None:
    with site.write() as s:
        bills = fees.open_bills(s, site.home)
        payments.take_payment(s, by=site.desk, request_id="r1", unit_id=site.home,
                       bill_ids=[b.id for b in bills],
                       tenders=[payments.Tender(PayMethod.CASH, sum(b.amount_fen for b in bills))])
    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await open_cashier(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "SJ2026-000001" in screen_text(app) and "3-1-1201" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDetail)
        assert {"void", "refund", "print"} <= footer_actions(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReasonForm)
        await pilot.press("enter")  # no reason
        await settle(pilot)
        assert "请填写（至少两个字）" in screen_text(app)
        app.screen.query_one("#reason-text", Input).value = "收错房号"
        await pilot.press("enter")
        await settle(pilot)
        # The one confirmation names what will happen; the Enter that opened it (or any
        # other) does not confirm, Y does.
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        for shown in ("确认作废收据 SJ2026-000001", "3-1-1201", "¥57.58", "收错房号"):
            assert shown in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        with site.db.read() as s:
            assert not s.exec(select(Receipt)).one().voided
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDetail)
        assert "【作废】" in screen_text(app) and "收错房号" in screen_text(app)
        # the footer follows the void: no void or refund of a void receipt
        assert {"void", "refund"}.isdisjoint(footer_actions(app))
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDetail) and "已作废" in notices(app)[-1]
        await pilot.press("escape")
        await settle(pilot)
        assert "作废" in screen_text(app)
    with site.db.read() as s:
        receipt = s.exec(select(Receipt)).one()
        assert receipt.voided and receipt.number == "SJ2026-000001"


async def test_receptionist_cannot_void(site: Site, make_app) -> None:
    with site.write() as s:
        bills = fees.open_bills(s, site.home)
        receipt = payments.take_payment(s, by=site.desk, request_id="r1", unit_id=site.home,
                                 bill_ids=[b.id for b in bills],
                                 tenders=[payments.Tender(PayMethod.CASH, 5758)])
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_cashier(pilot)
        app.push_screen(ReceiptDetail(receipt.id))
        await settle(pilot)
        # the footer offers only the reprint; V says who may void (the cashier service's rule)
        assert {"void", "refund"}.isdisjoint(footer_actions(app))
        assert "print" in footer_actions(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDetail)
        assert "客服主管" in notices(app)[-1]  # the refusal names who may void
    with site.db.read() as s:
        assert not s.get(Receipt, receipt.id).voided


async def test_arrears_reminder_and_pay_from_arrears(site: Site, make_app) -> None:
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cashier(pilot)
        screen.show_tab("arrears")
        await settle(pilot)
        text = screen_text(app)
        assert "3-1-1202" in text and "李四" in text and "139****5678" in text
        screen.lists["arrears"].set_filter("building", "3")
        await settle(pilot)
        screen.lists["arrears"].focus()
        await pilot.press("ctrl+o")
        await settle(pilot)
        form = app.screen
        form.query_one("#rm-promise", Input).value = "2026-12-10"
        form.query_one("#rm-note", Input).value = "业主出差，下周转账"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CashierScreen)
        text = screen_text(app)
        assert "2026-12-10" in text
        await pilot.press("enter")  # take this unit to the payment tab
        await settle(pilot)
        assert screen.tab() == "pay"
        assert "欠费" in screen_text(app) and "承诺 2026-12-10" in screen_text(app)
    with site.db.read() as s:
        assert len(s.exec(select(ArrearsReminder)).all()) == 1


async def test_daily_close_by_denomination(site: Site, make_app) -> None:
    with site.write() as s:
        bills = fees.open_bills(s, site.home)
        payments.take_payment(s, by=site.desk, request_id="r1", unit_id=site.home,
                       bill_ids=[b.id for b in bills], tenders=[payments.Tender(PayMethod.CASH, 5758)])
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cashier(pilot)
        screen.show_tab("closes")
        await settle(pilot)
        screen.query_one("#close-float", Input).value = "500"
        screen.query_one("#denom-10000", Input).value = "5"
        screen.query_one("#denom-5000", Input).value = "1"
        screen.query_one("#denom-500", Input).value = "1"
        screen.query_one("#denom-100", Input).value = "2"
        screen.query_one("#denom-50", Input).value = "1"
        screen.query_one("#denom-10", Input).value = "3"
        await settle(pilot)
        assert "应有现金 ¥557.58　实点 ¥557.80　差额 ¥0.22" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        for shown in ("确认日结：2026-11-30 张前台", "¥557.58", "¥557.80", "¥0.22"):
            assert shown in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        text = screen_text(app)
        assert "今日已日结" in text and "2026-11-30" in text
        if os.environ.get("DESKAPP_SCREENSHOTS"):
            app.save_screenshot("cashier-close.svg", path=os.environ["DESKAPP_SCREENSHOTS"])
    with site.db.read() as s:
        close = s.exec(select(DailyClose)).one()
        assert (close.expected_cash_fen, close.counted_cash_fen) == (55758, 55780)


async def test_close_refuses_bad_counts(site: Site, make_app) -> None:
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cashier(pilot)
        screen.show_tab("closes")
        await settle(pilot)
        screen.query_one("#close-float", Input).value = "-1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "不能为负数" in screen_text(app) or "负" in screen_text(app)
    with site.db.read() as s:
        assert s.exec(select(DailyClose)).all() == []


async def test_screenshot_of_the_payment(site: Site, make_app, tmp_path: Path) -> None:
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_cashier(pilot)
        await pick_unit(pilot, "3-1-1202")
        target = os.environ.get("DESKAPP_SCREENSHOTS") or str(tmp_path)
        path = app.save_screenshot("cashier-pay.svg", path=target)
        assert "收款" in Path(path).read_text(encoding="utf-8")


async def test_openers_and_palette_commands(site: Site, make_app) -> None:
    from deskapp.tui import areas

    with site.write() as s:
        bills = fees.open_bills(s, site.home)
        receipt = payments.take_payment(s, by=site.desk, request_id="r1", unit_id=site.home,
                                 bill_ids=[b.id for b in bills],
                                 tenders=[payments.Tender(PayMethod.CASH, 5758)])
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert areas.open_record(app, "receipt", receipt.id)
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDetail) and "SJ2026-000001" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        commands = dict(areas.palette_commands())
        assert {"cashier.palette.pay", "cashier.palette.close",
                "cashier.palette.generate"} <= set(commands)
        commands["cashier.palette.pay"](app)
        await settle(pilot)
        assert isinstance(app.screen, UnitPicker)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CashierScreen) and app.screen.tab() == "pay"
