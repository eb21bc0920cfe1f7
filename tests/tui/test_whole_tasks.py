"""Whole tasks as a person does them at the desk (issue 14): open a list by its area key,
someone else adds a record meanwhile, come back and press Enter; void a deposit receipt;
lock the desk and let a colleague log in. Each test drives keys and reads the screen."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Input

from deskapp import clock
from deskapp.db.models.cashier import DailyClose, PayMethod, Receipt
from deskapp.db.models.reception import ContactChannel, ContactKind
from deskapp.services.cashier import fees, payments
from deskapp.services.reception import contacts as reception_contacts
from deskapp.services.renovation import queries
from deskapp.tui import areas
from deskapp.tui.screens.cashier import CashierScreen
from deskapp.tui.screens.cashier_forms import ReasonForm, ReceiptDetail
from deskapp.tui.screens.reception_views import ContactDetail
from deskapp.tui.screens.renovation import FilingScreen
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.tui.widgets.record_list import RecordList
from tests.conftest import PASSWORD
from tests.helpers import screen_text, settle
from tests.unit import test_renovation as reno_site
from tests.unit.test_cashier import Site, make_site

SIZE = (160, 45)
NOW = datetime(2026, 11, 30, 10, 0)


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))


@pytest.fixture
def site(db, supervisor, receptionist, specialist, frozen_now: datetime) -> Site:
    st = make_site(db, supervisor, receptionist, specialist)
    with st.write() as s:
        fees.generate_bills(s, by=st.desk, period="2026-10")
        fees.generate_bills(s, by=st.desk, period="2026-11")
    return st


def _pay(st: Site, unit_id: int, *, by=None, request: str) -> Receipt:  # type: ignore[no-untyped-def]
    """A payment made elsewhere (another desk, another session): every open bill, cash."""
    with st.write() as s:
        bills = fees.open_bills(s, unit_id)
        total = sum(b.amount_fen for b in bills)
        return payments.take_payment(s, by=by or st.desk, request_id=request, unit_id=unit_id,
                              bill_ids=[b.id for b in bills],
                              tenders=[payments.Tender(PayMethod.CASH, total)])


async def _area(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await settle(pilot)


async def _login_on_lock_screen(pilot, login: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+l")
    await settle(pilot)
    assert "已锁屏" in screen_text(pilot.app)
    pilot.app.screen.query_one("#login-login", Input).value = login
    pilot.app.screen.query_one("#login-password", Input).value = PASSWORD
    pilot.app.screen.query_one("#login-password", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


# -- 1. the cursor follows the record; an area key starts on the newest row -------------


async def test_f6_receipts_enter_opens_the_newest_after_a_payment_elsewhere(site: Site,
                                                                           make_app) -> None:
    first = _pay(site, site.home, request="r1")
    second = _pay(site, site.home2, request="r2")
    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _area(pilot, "f6")
        await pilot.press("ctrl+t")  # 收据
        await settle(pilot)
        receipts = app.screen.query_one("#receipts", RecordList)
        assert receipts.current_id == second.id  # opened on the newest
        await pilot.press("down")
        assert receipts.current_id == first.id
        await _area(pilot, "f2")
        third = _pay(site, site.office, by=site.desk2, request="r3")  # at the other desk
        await _area(pilot, "f6")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDetail)
        assert app.screen.receipt_id == third.id
        assert third.number in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        # Inside the list the cursor stays on its record while rows arrive above it.
        await pilot.press("down")
        assert receipts.current_id == second.id
        with site.write() as s:
            fees.generate_bills(s, by=site.desk, period="2026-12")
        _pay(site, site.home, by=site.desk2, request="r4")
        receipts.refresh_data()
        await settle(pilot)
        assert receipts.current_id == second.id and receipts.table.cursor == 2
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.receipt_id == second.id


@pytest.fixture
def reception_site(db, receptionist, supervisor):  # type: ignore[no-untyped-def]
    from tests.unit.test_reception_common import make_site as make_reception_site

    with clock.freeze(NOW):
        return make_reception_site(db)


def _contact(db, by, unit_id: int, content: str) -> int:  # type: ignore[no-untyped-def]
    with db.write() as s:
        return reception_contacts.log_contact(s, by=by, data=reception_contacts.ContactCreate(
            channel=ContactChannel.WALK_IN, kind=ContactKind.ENQUIRY, content=content,
            unit_id=unit_id)).id


async def test_f2_contacts_enter_opens_the_newest_after_a_contact_elsewhere(
        db, make_app, receptionist, specialist, reception_site) -> None:
    with clock.freeze(NOW):
        older = _contact(db, receptionist, reception_site.unit_a, "咨询停车月卡")
        _contact(db, receptionist, reception_site.unit_b, "咨询快递柜")
        app = make_app(login="desk1")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await _area(pilot, "f2")
            contacts = app.screen.query_one("#contact-list", RecordList)
            await pilot.press("down")
            assert contacts.current_id == older
            await _area(pilot, "f9")
            newest = _contact(db, specialist, reception_site.unit_c, "报修：厨房水管漏水")
            await _area(pilot, "f2")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ContactDetail)
            assert app.screen.contact_id == newest
            assert "厨房水管漏水" in screen_text(app)


async def test_f4_filings_enter_opens_the_newest_after_a_filing_elsewhere(
        db, make_app, receptionist) -> None:
    with db.write() as s:
        from deskapp.services import units

        b = units.get_or_create_building(s, code="3", floors=18)
        unit_ids = [units.create_unit(s, building=b, entrance="1", floor=12, room=room,
                                      area=Decimal("96.12")).id
                    for room in ("1201", "1202", "1203")]
    older = reno_site._new(db, receptionist, unit_ids[0])
    reno_site._new(db, receptionist, unit_ids[1])
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _area(pilot, "f4")
        filings = app.screen.query_one(RecordList)
        await pilot.press("down")
        assert filings.current_id == older
        await _area(pilot, "f2")
        newest = reno_site._new(db, receptionist, unit_ids[2])
        await _area(pilot, "f4")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FilingScreen)
        assert app.screen.filing_id == newest


# -- 3. voiding a deposit receipt from F6 ---------------------------------------------


async def test_void_of_a_held_deposit_from_f6_is_refused_and_f4_stays_true(
        db, make_app, receptionist, supervisor, standards, unit_id) -> None:
    filing_id, _ = reno_site._approved(db, receptionist, unit_id)
    with db.read() as s:
        filing = queries.get_filing(s, filing_id)
        number, receipt_no = filing.number, filing.deposit_receipt_no
    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _area(pilot, "f4")
        assert "保证金在押 1 户，合计 ¥3,000.00" in screen_text(app)
        await _area(pilot, "f6")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDetail) and receipt_no in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReasonForm)
        app.screen.query_one("#reason-text", Input).value = "作废最新收据"
        await pilot.press("enter")
        await settle(pilot)
        # Refused before any confirmation, naming the filing and what to do instead.
        assert isinstance(app.screen, ReceiptDetail)
        text = screen_text(app)
        assert "不能作废" in text and number in text and "F4" in text
        await pilot.press("y")  # nothing to confirm
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await _area(pilot, "f4")
        assert "保证金在押 1 户，合计 ¥3,000.00" in screen_text(app)
    with db.read() as s:
        assert not s.exec(select(Receipt).where(Receipt.number == receipt_no)).one().voided
        assert queries.get_filing(s, filing_id).deposit_receipt_no == receipt_no


@pytest.fixture
def standards(db) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        fees.load_standards(s, by=None)


@pytest.fixture
def unit_id(db) -> int:  # type: ignore[no-untyped-def]
    from deskapp.services import units

    with db.write() as s:
        b = units.get_or_create_building(s, code="3", floors=18)
        unit = units.create_unit(s, building=b, entrance="1", floor=12, room="1201",
                                 area=Decimal("96.12"))
        units.add_occupant(s, unit=unit, name="张三", phone="13812345678",
                           id_number=reno_site.OWNER_ID)
        return unit.id  # type: ignore[return-value]


# -- 4. another person unlocks the desk ------------------------------------------------


async def test_f6_close_tab_shows_the_new_persons_takings_after_a_user_switch(
        site: Site, make_app) -> None:
    _pay(site, site.home, by=site.boss, request="boss")  # ¥57.58 taken by the supervisor
    _pay(site, site.home2, request="desk")  # ¥509.40 taken by 张前台
    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _area(pilot, "f6")
        app.screen.show_tab("closes")
        await settle(pilot)
        text = screen_text(app)
        assert "王主管" in text and "¥57.58" in text
        app.screen.query_one("#denom-100", Input).value = "57"  # the supervisor's count
        await _login_on_lock_screen(pilot, "desk1")
        assert app.staff.login == "desk1"
        screen = app.screen
        assert isinstance(screen, CashierScreen)
        screen.show_tab("closes")
        await settle(pilot)
        text = screen_text(app)
        assert "张前台" in text and "¥509.40" in text
        assert "王主管" not in text and "¥57.58" not in text
        assert screen.query_one("#denom-100", Input).value == "0"  # not her count
        screen.query_one("#denom-10000", Input).value = "5"
        screen.query_one("#denom-500", Input).value = "1"
        screen.query_one("#denom-100", Input).value = "4"
        screen.query_one("#denom-10", Input).value = "4"  # ¥509.40
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "确认日结：2026-11-30 张前台" in text and "¥509.40" in text
        await pilot.press("y")
        await settle(pilot)
    with site.db.read() as s:
        close = s.exec(select(DailyClose)).one()
        assert close.staff_id == site.desk.id
        assert (close.expected_cash_fen, close.difference_fen) == (50940, 0)


async def test_every_area_shows_the_person_who_unlocks(site: Site, make_app) -> None:
    """The supervisor visits every area and leaves a receipt open in F6 and a dialog in
    F10; the receptionist unlocks: the dialogs of the supervisor are gone, each area shows
    her (her shift, her takings, her keys), the staff area is closed to her."""
    receipt = _pay(site, site.home, by=site.boss, request="boss")
    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for area in areas.AREAS:
            await _area(pilot, area.binding)
        assert "员工管理" in screen_text(app) and "无权" not in screen_text(app)
        await pilot.press("n")  # F10: a new staff member's form, left open
        await settle(pilot)
        staff_form = app.screen
        await _area(pilot, "f6")
        app.push_screen(ReceiptDetail(receipt.id))
        await settle(pilot)
        assert "王主管" in screen_text(app)
        await _login_on_lock_screen(pilot, "desk1")
        assert "张前台" in app.sub_title
        assert isinstance(app.screen, CashierScreen)  # the receipt dialog closed itself
        assert "¥57.58" not in screen_text(app)  # the supervisor's takings are not hers
        assert "员工管理" not in screen_text(app)  # her area bar: no F10 staff area
        await _area(pilot, "f2")
        assert "张前台" in screen_text(app)  # she is on the shift shown
        for area in areas.AREAS:
            await _area(pilot, area.binding)
            assert not isinstance(app.screen, (ReceiptDetail, ConfirmDialog)), area.key
            assert app.screen is not staff_form
            assert "张前台" in screen_text(app) and "王主管（" not in screen_text(app), area.key
        assert "无权使用" in screen_text(app)  # F10 staff: not for a receptionist
        # The same person unlocking finds her screen as she left it.
        await _area(pilot, "f6")
        cashier = app.screen
        app.push_screen(ReceiptDetail(receipt.id))
        await settle(pilot)
        await _login_on_lock_screen(pilot, "desk1")
        assert isinstance(app.screen, ReceiptDetail)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is cashier


# -- 2. the staff area: disabling an account is named and confirmed --------------------


async def test_disabling_a_colleague_is_confirmed_with_their_name(site: Site, make_app) -> None:
    from deskapp.services import staff as staff_svc

    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _area(pilot, "f10")
        assert app.screen._current().login == "desk1"  # listed first (by role, login)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "确认停用账号：张前台" in text and "desk1" in text and "不能再登录" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        with site.db.read() as s:
            assert staff_svc.get_by_login(s, "desk1").active
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    with site.db.read() as s:
        assert not staff_svc.get_by_login(s, "desk1").active


async def test_refund_from_f6_is_confirmed_with_receipt_unit_payer_and_amount(
        site: Site, make_app) -> None:
    from deskapp.db.models.cashier import Refund
    from deskapp.tui.screens.cashier_forms import RefundForm

    receipt = _pay(site, site.home2, request="r1")  # ¥509.40 from 李四
    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _area(pilot, "f6")
        app.push_screen(ReceiptDetail(receipt.id))
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, RefundForm)
        app.screen.query_one("#rf-amount", Input).value = "100"
        app.screen.query_one("#rf-reason", Input).value = "多收了车位费"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        for shown in (receipt.number, "3-1-1202", "李四", "¥509.40", "¥100.00", "¥409.40",
                      "多收了车位费"):
            assert shown in text, shown
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        with site.db.read() as s:
            assert s.exec(select(Refund)).all() == []
        await pilot.press("y")
        await settle(pilot)
    with site.db.read() as s:
        assert s.exec(select(Refund)).one().amount_fen == 10000


async def test_f7_visitors_enter_opens_the_newest_after_a_visitor_elsewhere(
        db, make_app, receptionist, specialist, reception_site) -> None:
    from deskapp.services.registers import visitors
    from deskapp.tui.widgets.registers_form import DetailModal

    def visitor(by, name: str) -> int:  # type: ignore[no-untyped-def]
        with db.write() as s:
            return visitors.register_visitor(s, by=by, name=name, phone_no="13800001111",
                                             unit_id=reception_site.unit_a).id

    with clock.freeze(NOW):
        older = visitor(receptionist, "赵六")
        visitor(receptionist, "钱七")
        app = make_app(login="desk1")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await _area(pilot, "f7")
            inside = app.screen.query_one("#list-visitors", RecordList)
            inside.focus()
            await pilot.press("down")
            assert inside.current_id == older
            await _area(pilot, "f2")
            visitor(specialist, "孙八")
            await _area(pilot, "f7")
            assert app.focused is inside.table
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, DetailModal)
            assert "孙八" in screen_text(app) and "赵六" not in screen_text(app)
