"""Parking at the desk (F11 → P): a pass issued by keyboard — a wrong plate shown at the
field and nothing saved, then confirmed with Y; another desk issues a pass meanwhile; back
by the area key the list is on the newest pass and Enter opens that one. The handover's
expiring pass opens the pass it names."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from textual.widgets import Static

from deskapp import clock
from deskapp.db.models.cashier import ParkingLease
from deskapp.i18n import t
from deskapp.services import units
from deskapp.services.cashier import fees
from deskapp.services.customer import parking, parking_spaces
from deskapp.tui.screens.customer import CustomerScreen
from deskapp.tui.screens.customer_parking import ParkingScreen, SpacesScreen
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.tui.widgets.form import SpecForm
from deskapp.tui.widgets.unit_picker import UnitField
from tests.helpers import screen_text, settle
from tests.unit.test_parking import STANDARDS

SIZE = (160, 45)
NOW = datetime(2026, 11, 30, 10, 0, 0)


@pytest.fixture(autouse=True)
def frozen():
    with clock.freeze(NOW):
        yield


@pytest.fixture
def site(db, supervisor, specialist, tmp_path, monkeypatch):
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))
    with db.write() as s:
        fees.load_standards(s, by=None, specs=fees.read_standards_file(STANDARDS))
        b = units.get_or_create_building(s, code="3", floors=18)
        u1 = units.create_unit(s, building=b, entrance="1", floor=12, room="1201",
                               area=Decimal("89.36"))
        u2 = units.create_unit(s, building=b, entrance="1", floor=12, room="1202",
                               area=Decimal("96.12"))
        units.add_occupant(s, unit=u1, name="张三", phone="13812345678",
                           moved_in=date(2020, 5, 1))
        for n in (1, 2):
            parking_spaces.add_space(s, by=specialist, number=f"B1-00{n}", kind="rented", floor="B1")
        return {"u1": u1.id, "u2": u2.id}


def passes(db) -> int:
    with db.read() as s:
        return s.execute(select(func.count()).select_from(ParkingLease)).scalar_one()


async def test_issue_a_pass_then_come_back_to_the_newest(db, make_app, site, receptionist,
                                                         supervisor):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ParkingScreen)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SpecForm)
        form.show_unit("#pn-unit", site["u1"])
        await settle(pilot)
        assert form.query_one("#pn-unit", UnitField).unit_id == site["u1"]
        form.query_one("#pn-space").value = "b1-001"
        form.query_one("#pn-plate").value = "豫C1O345"  # the letter O: never on a plate
        form.query_one("#pn-holder").value = "张三"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SpecForm)
        assert "豫C1O345" in screen_text(app) and "格式不对" in screen_text(app)
        assert passes(db) == 0
        form.query_one("#pn-plate").value = "豫c·10345"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "豫C10345" in text and "2026-11-30 ~ 2027-11-29" in text
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ParkingScreen) and passes(db) == 1
        mine = app.screen.list.current_id
        assert mine is not None
        detail = str(app.screen.query_one("#pk-detail", Static).render())
        assert "豫C10345" in detail and "3-1-1201" in detail
        # another desk issues a pass meanwhile (newer: it starts tomorrow)
        with db.write() as s:
            other = parking.issue_pass(s, by=supervisor, space="B1-002", unit_id=site["u2"],
                                       plate="沪AD12345", start_date="2026-12-01", months=1)
            other_id = other.id
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ParkingScreen)  # the sub-screen kept, its list reloaded:
        assert "沪AD12345" in screen_text(app)  # the other desk's pass listed above ours,
        assert screen.list.current_id == mine  # the cursor still on the pass it was on
        screen.query_one("#pk-detail", Static).update("")
        await pilot.press("enter")
        await settle(pilot)
        assert "豫C10345" in str(screen.query_one("#pk-detail", Static).render())
        await pilot.press("up")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.list.current_id == other_id
        detail = str(screen.query_one("#pk-detail", Static).render())
        assert "沪AD12345" in detail and "3-1-1202" in detail and "未开始" in detail
        # renew it by keyboard: two more months
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#pr-months").value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ParkingScreen)
        with db.read() as s:
            assert s.get(ParkingLease, other_id).end_date == date(2027, 2, 28)
        # the spaces: both taken now
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SpacesScreen)
        text = screen_text(app)
        assert "B1-001" in text and "豫C10345" in text and "租赁车位" in text
        # the spaces are the specialist's: a receptionist is not offered their keys, and
        # pressing one says who may (nothing opens that the service would then refuse)
        footer = text.splitlines()[-1]
        assert t("parking.key.new_space") not in footer
        assert t("parking.key.amend_space") not in footer
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SpacesScreen)
        assert any("客服专员" in n.message for n in app._notifications)
        app.clear_notifications()
        await pilot.press("enter")  # Enter on a space: no form, the same answer
        await settle(pilot)
        assert isinstance(app.screen, SpacesScreen)
        assert any("客服专员" in n.message for n in app._notifications)


async def test_handover_item_opens_the_expiring_pass(db, make_app, site, receptionist):
    with db.write() as s:
        lease = parking.issue_pass(s, by=receptionist, space="B1-001", unit_id=site["u1"],
                                   plate="豫C10345", start_date="2026-11-01",
                                   end_date="2026-12-05")
        lease_id = lease.id
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from deskapp.tui import areas

        areas.open_record(app, "parking_pass", lease_id)
        await settle(pilot)
        assert isinstance(app.screen, ParkingScreen)
        detail = str(app.screen.query_one("#pk-detail", Static).render())
        assert "豫C10345" in detail and "即将到期" in detail
