"""A move-in done at the desk by keyboard (F11 → unit → M): start it, inspect (a defect
becomes a work order), keys, meter readings, documents, fees through the cashier
(confirmed), hand over; leave and reopen the list, and Enter opens the record under the
cursor. Bad input is shown at its field and saves nothing; the checklist key is the
supervisor's."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from deskapp import clock
from deskapp.db.models.cashier import MeterReading, Receipt
from deskapp.db.models.movein import MoveIn, MoveInCheck, MoveInItemKind, MoveInStatus
from deskapp.db.models.reception import WorkOrder
from deskapp.services import units
from deskapp.services.cashier import fees
from deskapp.services.customer import movein, movein_checklist, movein_views
from deskapp.tui.screens.customer import CustomerScreen
from deskapp.tui.screens.customer_movein import MoveInScreen
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.tui.widgets.form import SpecForm
from tests.helpers import screen_text, settle
from tests.tui.test_customer import count, fill, open_unit, save

NOW = datetime(2026, 11, 30, 10, 0, 0)


@pytest.fixture
def site(db, supervisor, receptionist, tmp_path, monkeypatch):
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))
    with clock.freeze(NOW), db.write() as session:
        fees.load_standards(session, by=None)
        b = units.get_or_create_building(session, code="3", floors=18)
        u1 = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                               area=Decimal("100.00"))
        u2 = units.create_unit(session, building=b, entrance="1", floor=12, room="1202",
                               area=Decimal("90.00"))
        units.add_occupant(session, unit=u1, name="张三", phone="13812345678",
                           moved_in=date(2026, 11, 1))
        units.add_occupant(session, unit=u2, name="李四", phone="13912345678",
                           moved_in=date(2026, 10, 1))
        return {"u1": u1.id, "u2": u2.id}


@pytest.fixture(autouse=True)
def frozen():
    with clock.freeze(NOW):
        yield


async def key(pilot, name: str) -> None:
    await pilot.press(name)
    await settle(pilot)


async def test_movein_by_keyboard_then_reopened(db, make_app, site, receptionist):
    # another unit's move-in exists already: reopening must open the right one
    with db.write() as session:
        other = movein.start(session, by=receptionist, unit_id=site["u2"],
                             moved_in_on="2026-11-02").number
    app = make_app(login="desk1")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_unit(pilot, app, "1201")
        await key(pilot, "m")
        assert isinstance(app.screen, MoveInScreen)
        assert other not in screen_text(app)  # the unit's move-ins only
        # start: a future date is refused at its field, nothing saved
        await key(pilot, "n")
        assert isinstance(app.screen, SpecForm)
        fill(app, {"mn-moved_in_on": "2026-12-03", "mn-owner_phone": ""})
        await save(pilot)
        assert isinstance(app.screen, SpecForm) and "晚于今天" in screen_text(app)
        assert count(db, MoveIn) == 1
        fill(app, {"mn-moved_in_on": "2026-11-28"})
        await save(pilot)
        assert isinstance(app.screen, MoveInScreen)
        assert "RH202611-0002" in screen_text(app) and "张三" in screen_text(app)
        await key(pilot, "enter")
        assert "验房：0/9 项已查" in screen_text(app)
        # inspection: one defect → a work order
        with db.read() as s:
            mv = s.execute(select(MoveIn).where(MoveIn.number == "RH202611-0002")).scalar_one()
            lines = list(s.execute(select(MoveInCheck).where(
                MoveInCheck.movein_id == mv.id, MoveInCheck.kind == MoveInItemKind.INSPECT)
                .order_by(MoveInCheck.sort)).scalars())
            docs = list(s.execute(select(MoveInCheck).where(
                MoveInCheck.movein_id == mv.id,
                MoveInCheck.kind == MoveInItemKind.DOCUMENT)).scalars())
        await key(pilot, "i")
        fill(app, {f"mi-defect_{lines[1].id}": "卧室窗户关不严"})
        await save(pilot)
        assert isinstance(app.screen, MoveInScreen)
        assert count(db, WorkOrder) == 1
        assert "卧室窗户关不严" in screen_text(app) and "WX20261130-001" in screen_text(app)
        # keys: a bad count is refused at its field
        await key(pilot, "k")
        fill(app, {"mk-key_door": "两把"})
        await save(pilot)
        assert isinstance(app.screen, SpecForm) and "不是 0–20 之间的整数" in screen_text(app)
        fill(app, {"mk-key_door": "3", "mk-key_mailbox": "2"})
        await save(pilot)
        assert "入户门钥匙×3" in screen_text(app)
        # meters: water and electricity go to the cashier's meters
        await key(pilot, "r")
        fill(app, {"mr-water": "12.5", "mr-power": "230", "mr-gas": "7"})
        await save(pilot)
        assert count(db, MeterReading) == 2
        # hand over too early: refused with what is missing (documents)
        await key(pilot, "c")
        assert isinstance(app.screen, ConfirmDialog)
        await key(pilot, "y")
        assert "业主公约" in screen_text(app)
        with db.read() as s:
            assert s.get(MoveIn, mv.id).status == MoveInStatus.OPEN
        # documents, all ticked
        await key(pilot, "d")
        for c in docs:
            app.screen.query_one(f"#md-doc_{c.id}").value = True
        await save(pilot)
        assert "文件签署：5/5" in screen_text(app)
        # fees: the dialog shows the total before anything is taken
        await key(pilot, "f")
        fill(app, {"mf-months": "3", "mf-tendered": "700"})
        await save(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "¥660.00" in screen_text(app)
        assert count(db, Receipt) == 0
        await key(pilot, "y")
        assert isinstance(app.screen, MoveInScreen)
        assert count(db, Receipt) == 1 and "¥660.00" in screen_text(app)
        # hand over
        await key(pilot, "c")
        await key(pilot, "y")
        assert "已交付" in screen_text(app)
        with db.read() as s:
            assert s.get(MoveIn, mv.id).status == MoveInStatus.COMPLETED
            assert movein.moved_in_on(s, site["u1"]) == date(2026, 11, 28)
        # leave, come back: Enter opens the record under the cursor
        await key(pilot, "escape")
        assert isinstance(app.screen, CustomerScreen)
        await key(pilot, "m")
        assert isinstance(app.screen, MoveInScreen)
        assert other not in screen_text(app) and "RH202611-0002" in screen_text(app)
        await key(pilot, "enter")
        assert app.screen.shown is not None and app.screen.shown.movein.id == mv.id
        assert "文件签署：5/5" in screen_text(app) and "已交付" in screen_text(app)


async def test_amend_needs_a_reason_and_checklist_is_the_supervisors(db, make_app, site,
                                                                      receptionist):
    with db.write() as session:
        mid = movein.start(session, by=receptionist, unit_id=site["u1"],
                           moved_in_on="2026-11-28").id
        lines = movein_views.detail(session, mid)
        movein.record_inspection(session, by=receptionist, movein_id=mid, defects={})
        movein.set_keys(session, by=receptionist, movein_id=mid, counts={"door": 2})
        movein.sign_documents(session, by=receptionist, movein_id=mid,
                              signed={c.id: True for c in lines.documents})
        movein.complete(session, by=receptionist, movein_id=mid)
    app = make_app(login="desk1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_unit(pilot, app, "1201")
        await key(pilot, "m")
        await key(pilot, "enter")
        await key(pilot, "t")  # not a receptionist's key: nothing opens
        assert isinstance(app.screen, MoveInScreen)
        await key(pilot, "a")
        assert isinstance(app.screen, SpecForm)
        fill(app, {"ma-moved_in_on": "2026-11-20"})
        await save(pilot)
        assert isinstance(app.screen, SpecForm) and "更正原因" in screen_text(app)
        with db.read() as s:
            assert s.get(MoveIn, mid).moved_in_on == date(2026, 11, 28)
        fill(app, {"ma-reason": "业主实际 20 日入住"})
        await save(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "2026-11-20" in screen_text(app)
        await key(pilot, "y")
        assert isinstance(app.screen, MoveInScreen)
        with db.read() as s:
            mv = s.get(MoveIn, mid)
            assert mv.moved_in_on == date(2026, 11, 20) and mv.amend_reason == "业主实际 20 日入住"
            assert s.execute(select(func.count()).select_from(MoveIn)).scalar_one() == 1


async def test_supervisor_adds_a_checklist_line(db, make_app, site):
    app = make_app(login="boss")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await key(pilot, "f11")
        await key(pilot, "m")
        await key(pilot, "t")
        assert isinstance(app.screen, SpecForm) and "入户门及门锁" in screen_text(app)
        fill(app, {"mt-item_name": "阳台栏杆"})
        await save(pilot)
        assert isinstance(app.screen, MoveInScreen)
    with db.read() as s:
        assert "阳台栏杆" in [i.name for i in movein_checklist.checklist(s)]
