"""The customer file (F11) as the desk uses it: pick a unit, add a person, move a tenant
out, record a sale (confirmed, arrears warned), log an incident with an action and close
it, authorise a key collector — by keyboard; bad input shown at the field, nothing saved."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from textual.widgets import Input, Select

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind
from deskapp.db.models.customer import (
    Incident,
    IncidentStatus,
    OwnershipTransfer,
    TrustKeyCollector,
)
from deskapp.db.models.registers import KeyCategory
from deskapp.services import units
from deskapp.services.registers import keys
from deskapp.tui.screens.customer import CustomerScreen
from deskapp.tui.screens.customer_incidents import IncidentsScreen
from deskapp.tui.screens.customer_trust import TrustKeysScreen
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.tui.widgets.form import SpecForm
from deskapp.tui.widgets.unit_picker import UnitPicker
from tests.helpers import screen_text, settle

SIZE = (160, 45)
NOW = datetime(2026, 11, 30, 10, 0, 0)


@pytest.fixture
def site(db, supervisor, receptionist, tmp_path, monkeypatch):
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))
    with clock.freeze(NOW), db.write() as session:
        b = units.get_or_create_building(session, code="3", floors=18)
        u1 = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                               area=Decimal("89.36"))
        units.add_occupant(session, unit=u1, name="张三", phone="13812345678",
                           moved_in=date(2020, 5, 1))
        units.add_occupant(session, unit=u1, name="李四", phone="13912345678",
                           kind=OccupantKind.TENANT, moved_in=date(2025, 3, 1))
        keys.add_item(session, by=supervisor, code="K-3-1-1201", name="1201 托管钥匙",
                      category=KeyCategory.UNIT, unit_id=u1.id)
        return {"u1": u1.id}


@pytest.fixture(autouse=True)
def frozen():
    with clock.freeze(NOW):
        yield


def count(db, model, *where):
    with db.read() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def fill(app, values: dict[str, str]) -> None:
    for wid, value in values.items():
        widget = app.screen.query_one(f"#{wid}")
        widget.value = value


async def save(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


async def open_unit(pilot, app, query: str) -> None:
    await settle(pilot)
    await pilot.press("f11")
    await settle(pilot)
    assert isinstance(app.screen, CustomerScreen)
    await pilot.press("u")
    await settle(pilot)
    assert isinstance(app.screen, UnitPicker)
    app.screen.query_one("#picker-query", Input).value = query
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, CustomerScreen)


async def test_occupants_over_time_by_keyboard(db, make_app, site):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_unit(pilot, app, "1201")
        text = screen_text(app)
        assert "3-1-1201" in text and "张三" in text and "李四" in text
        assert "138****5678" in text and "13812345678" not in text
        # add a family member; an empty name is refused at the field, nothing saved
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, SpecForm)
        app.screen.query_one("#ca-kind", Select).value = "family"
        await save(pilot)
        assert isinstance(app.screen, SpecForm) and "请填写住户姓名" in screen_text(app)
        fill(app, {"ca-name": "王芳", "ca-phone": "13700001111", "ca-moved_in": "2026-12-01"})
        await save(pilot)
        assert "晚于今天" in screen_text(app)
        assert count(db, Occupant) == 2
        fill(app, {"ca-moved_in": "2026-11-01"})
        await save(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert "王芳" in screen_text(app) and "137****1111" in screen_text(app)
        # move the tenant out (second row: owner, tenant, family), confirmed with Y
        screen = app.screen
        screen.list.table.move_cursor(1)
        await pilot.press("o")
        await settle(pilot)
        fill(app, {"co-moved_out": "2026-11-15"})
        await save(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "李四" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        with db.read() as s:
            li = s.execute(select(Occupant).where(Occupant.name == "李四")).scalar_one()
            assert (li.active, li.moved_out) == (False, date(2026, 11, 15))
        assert "2026-11-15" in screen_text(app)
        # a sale: the dialog names old and new owner; Y records it
        await pilot.press("s")
        await settle(pilot)
        fill(app, {"cs-transfer_date": "2026-11-20", "cs-name": "赵六",
                   "cs-phone": "13600002222"})
        await save(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "张三" in text and "赵六" in text and "确认过户" in text
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert "2026-11-20 过户：张三 → 赵六" in screen_text(app)
        assert count(db, OwnershipTransfer) == 1
        with db.read() as s:
            assert units.owner_of(s, site["u1"]).name == "赵六"


async def test_incident_logged_actioned_and_closed(db, make_app, site):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, IncidentsScreen)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#in-kind_incident", Select).value = "leak"
        fill(app, {"in-occurred_at": "09:10", "in-place": "B1 车库", "in-reporter": "保安老王",
                   "in-told": ""})
        await save(pilot)
        assert isinstance(app.screen, SpecForm) and count(db, Incident) == 0
        fill(app, {"in-told": "王经理", "in-told_at": "09:12"})
        await save(pilot)
        assert isinstance(app.screen, IncidentsScreen)
        text = screen_text(app)
        assert "SJ202611-0001" in text and "漏水" in text and "处理中" in text
        await pilot.press("c")  # no action yet: refused, the form says why
        await settle(pilot)
        fill(app, {"ic-closure": "已修复"})
        await save(pilot)
        assert "还没有处置记录" in screen_text(app)
        await pilot.press("escape")  # leave the refused close form, discarding it
        await settle(pilot)
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("y")
            await settle(pilot)
        assert isinstance(app.screen, IncidentsScreen)
        await pilot.press("a")
        await settle(pilot)
        fill(app, {"ia-action": "关闭阀门，通知维修", "ia-at": "09:25"})
        await save(pilot)
        await pilot.press("c")
        await settle(pilot)
        fill(app, {"ic-closure": "管道已修复"})
        await save(pilot)
        assert isinstance(app.screen, IncidentsScreen)
        assert "15 分钟" in screen_text(app) and "已结束" in screen_text(app)
        assert count(db, Incident, Incident.status == IncidentStatus.CLOSED) == 1


async def test_trust_collector_added_and_checked(db, make_app, site):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_unit(pilot, app, "1201")
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, TrustKeysScreen)
        assert "K-3-1-1201" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        fill(app, {"tk-name": "张妈妈", "tk-phone": ""})
        await save(pilot)
        assert "请填写领取人电话" in screen_text(app)
        fill(app, {"tk-phone": "13600001111"})
        await save(pilot)
        assert isinstance(app.screen, TrustKeysScreen)
        text = screen_text(app)
        assert "张妈妈" in text and "136****1111" in text and "13600001111" not in text
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TrustKeysScreen)
        assert count(db, TrustKeyCollector, TrustKeyCollector.active == True) == 0  # noqa: E712
        assert "张妈妈" not in screen_text(app)


async def test_cards_issued_replaced_and_cancelled(db, make_app, site, supervisor):
    """Issue two cards; while the screen is open another desk issues a third; move to the
    tenant's card, replace it (the dialog names the card and the fee), cancel another."""
    from deskapp.db.models.cards import AccessCard, CardStatus
    from deskapp.db.models.cashier import Bill
    from deskapp.services.cashier import fees
    from deskapp.services.customer import cards
    from deskapp.tui.screens.customer_cards import CardsScreen

    with db.write() as s:
        fees.load_standards(s, by=None)
        tenant = s.execute(select(Occupant.id).where(Occupant.name == "李四")).scalar_one()
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_unit(pilot, app, "1201")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CardsScreen) and "有效卡 0 张" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        fill(app, {"ci-number": "12#4"})
        await save(pilot)
        assert isinstance(app.screen, SpecForm) and "不是" not in screen_text(app)
        assert "4–20 位数字或字母" in screen_text(app) and count(db, AccessCard) == 0
        fill(app, {"ci-number": "A1001"})
        await save(pilot)
        assert isinstance(app.screen, CardsScreen) and "A1001" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#ci-occupant", Select).value = str(tenant)
        fill(app, {"ci-number": "B2002"})
        await save(pilot)
        assert isinstance(app.screen, CardsScreen)
        # another desk issues a card to the owner meanwhile
        with db.write() as s:
            cards.issue(s, by=supervisor, occupant_id=site_owner(db), kind="lift",
                        number="C3003")
        await pilot.press("escape")  # back to the unit card, then into its cards again
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CardsScreen) and "有效卡 3 张" in screen_text(app)
        await to_card(pilot, screen, "B2002")
        await pilot.press("r")
        await settle(pilot)
        fill(app, {"cr-new_number": "B2003"})
        await save(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "B2002" in text and "B2003" in text and "李四" in text and "¥20.00" in text
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CardsScreen)
        with db.read() as s:
            old = s.execute(select(AccessCard).where(AccessCard.number == "B2002")).scalar_one()
            new = s.execute(select(AccessCard).where(AccessCard.number == "B2003")).scalar_one()
            assert old.status == CardStatus.CANCELLED and new.replaces_id == old.id
            assert s.get(Bill, new.fee_bill_id).amount_fen == 2000
        # cancel the owner's lift card: the dialog names it; Y ends it
        await to_card(pilot, screen, "C3003")
        await pilot.press("d")
        await settle(pilot)
        await save(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "C3003" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert count(db, AccessCard, AccessCard.status == CardStatus.ACTIVE) == 2
        assert "有效卡 2 张" in screen_text(app)


def site_owner(db) -> int:
    with db.read() as s:
        return s.execute(select(Occupant.id).where(Occupant.name == "张三")).scalar_one()


async def to_card(pilot, screen, number: str) -> None:
    """Put the cursor on the card ``number`` as a user would, with Down from the top."""
    table = screen.list.table
    table.move_cursor(0)
    for _ in range(table.count or 0):
        if table.current_row is not None and table.current_row.cells[0] == number:
            return
        await pilot.press("down")
    raise AssertionError(f"card {number} not in the list")
