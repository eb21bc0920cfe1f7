"""The registers screen (F7) as the receptionist uses it: one round trip per register by
keyboard, bad input shown at the field with nothing saved, the handover opener."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from textual.widgets import Input, Select

from deskapp.db.models import OccupantKind
from deskapp.db.models.registers import (
    GoodsPass,
    GoodsPassStatus,
    KeyCategory,
    KeyLoan,
    KeyLoanStatus,
    Loan,
    LoanStatus,
    LostItem,
    LostStatus,
    Parcel,
    ParcelStatus,
    Visitor,
    VisitorStatus,
)
from deskapp.services import units
from deskapp.services.registers import keys, lending
from deskapp.tui import areas
from deskapp.tui.screens.registers import NewRecordForm
from deskapp.tui.widgets.record_list import RecordList
from deskapp.tui.widgets.registers_form import ActionModal, DetailModal
from deskapp.tui.widgets.unit_picker import UnitPicker
from tests.helpers import burst, keys_delivered, screen_text, settle

SIZE = (160, 45)


@pytest.fixture
def site(db, supervisor, receptionist, tmp_path, monkeypatch):
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))
    with db.write() as session:
        b = units.get_or_create_building(session, code="3", floors=18)
        u1 = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                               area=Decimal("89.36"))
        units.add_occupant(session, unit=u1, name="张三", phone="13812345678")
        units.add_occupant(session, unit=u1, name="李四", phone="13912345678",
                           kind=OccupantKind.TENANT)
        keys.add_item(session, by=supervisor, code="R-05", name="对讲机5号",
                      category=KeyCategory.RADIO)
        lending.save_kind(session, by=supervisor, name="雨伞", total=5)
        return {"u1": u1.id}


def count(db, model, *where):
    with db.read() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def fill(app, values: dict[str, str]) -> None:
    for wid, value in values.items():
        widget = app.screen.query_one(f"#{wid}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            widget.value = value


async def open_registers(pilot, app):
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    assert app.current_area == "registers"


async def pick_unit(pilot, app, field_id: str, query: str) -> None:
    app.screen.query_one(f"#{field_id}").focus()
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, UnitPicker)
    app.screen.query_one("#picker-query", Input).value = query
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def close_selected(pilot, app, values: dict[str, str] | None = None) -> None:
    app.screen.query_one(f"#list-{app.screen.current.key}", RecordList).focus()
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(app.screen, ActionModal)
    fill(app, values or {})
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_visitor_round_trip(db, make_app, site):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_registers(pilot, app)
        text = screen_text(app)
        assert "来访登记" in text and "钥匙对讲机" in text and "物品放行" in text
        await pilot.press("n")
        assert app.focused.id == "visitors-name"
        fill(app, {"visitors-name": "赵六", "visitors-phone": "13800001111",
                   "visitors-id_number": "11010519491231002X", "visitors-card_no": "A12"})
        await pick_unit(pilot, app, "visitors-unit", "1201")
        assert app.screen.query_one("#visitors-host", Input).value == "张三"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "赵六" in text and "FK2" in text and "138****1111" in text
        assert "11010519491231002X" not in text
        assert "来访登记(1)" in text  # the tab counts what is open
        assert count(db, Visitor, Visitor.status == VisitorStatus.INSIDE) == 1
        # the same card again is refused at the field, nothing saved
        await pilot.press("n")
        fill(app, {"visitors-name": "钱七", "visitors-phone": "13800002222",
                   "visitors-host": "物业办", "visitors-card_no": "a12"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "尚未归还" in screen_text(app)
        assert count(db, Visitor) == 1
        await pilot.press("escape")  # typed changes: "放弃已填写的内容？"
        await pilot.press("y")
        await settle(pilot)
        # sign out from the list: the card came back
        await close_selected(pilot, app, {"action-card_returned": "yes"})
        assert count(db, Visitor, Visitor.status == VisitorStatus.LEFT) == 1
        assert app.screen.query_one("#list-visitors", RecordList).row_count == 0  # inside only
        await pilot.press("h")
        await settle(pilot)
        assert "赵六" in screen_text(app) and "已离开" in screen_text(app)


async def test_visitor_bad_phone_shown_at_field(db, make_app, site):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_registers(pilot, app)
        await pilot.press("n")
        fill(app, {"visitors-name": "赵六", "visitors-phone": "12345",
                   "visitors-host": "物业办"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "请输入11位手机号" in screen_text(app)
        assert app.focused.id == "visitors-phone"
    assert count(db, Visitor) == 0


async def test_key_round_trip(db, make_app, site):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_registers(pilot, app)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("n")
        fill(app, {"keys-code": "r-05", "keys-holder": "保安老刘", "keys-holder_org": "秩序部",
                   "keys-due": "2h"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "R-05" in screen_text(app) and "保安老刘" in screen_text(app)
        await pilot.press("n")
        fill(app, {"keys-code": "R-05", "keys-holder": "别人"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "尚未归还" in screen_text(app)
        assert count(db, KeyLoan) == 1
        await pilot.press("escape")  # the form has typed changes: asked first
        await pilot.press("y")
        await settle(pilot)
        await close_selected(pilot, app, {"action-condition": "damaged"})
        assert "损坏或不全时请写明情况" in screen_text(app)  # the modal stays, message at field
        fill(app, {"action-return_note": "天线断了"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert count(db, KeyLoan, KeyLoan.status == KeyLoanStatus.RETURNED) == 1


async def test_lending_round_trip_and_stock(db, make_app, site):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_registers(pilot, app)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        assert "雨伞" in screen_text(app) and "在库 5" in screen_text(app)
        fill(app, {"lending-qty": "9", "lending-borrower": "张三",
                   "lending-phone": "13812345678"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "在库只有 5 件" in screen_text(app)
        assert count(db, Loan) == 0
        fill(app, {"lending-qty": "2"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "雨伞" in screen_text(app)  # the list, the form closed once saved
        await pilot.press("n")
        await settle(pilot)
        assert "在库 3" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await close_selected(pilot, app)
        assert count(db, Loan, Loan.status == LoanStatus.RETURNED) == 1
        await pilot.press("n")
        await settle(pilot)
        assert "在库 5" in screen_text(app)


async def test_parcel_round_trip_with_tail_search(db, make_app, site):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_registers(pilot, app)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("n")
        fill(app, {"parcels-carrier": "顺丰", "parcels-tracking_no": "SF1234567890",
                   "parcels-shelf": "A3"})
        await pick_unit(pilot, app, "parcels-unit", "1201")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "SF1234567890" in screen_text(app)
        parcel_list = app.screen.query_one("#list-parcels", RecordList)
        parcel_list.focus()
        await pilot.press("slash")
        parcel_list.search_input.value = "7890"
        await pilot.press("enter")
        await settle(pilot)
        assert parcel_list.row_count == 1
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        with db.read() as session:
            assert session.execute(select(Parcel)).scalars().one().notify_count == 1
        await close_selected(pilot, app)  # collected by the recipient (prefilled)
        assert count(db, Parcel, Parcel.status == ParcelStatus.COLLECTED) == 1


async def test_lost_round_trip(db, make_app, site):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_registers(pilot, app)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("n")
        fill(app, {"lost-description": "黑色钱包", "lost-found_place": "3号楼大堂",
                   "lost-storage": "前台柜2"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "黑色钱包" in screen_text(app)
        await close_selected(pilot, app, {"action-claimant": "张三",
                                          "action-claimant_phone": "13812345678",
                                          "action-id_checked": "yes"})
        assert "请填写身份证号" in screen_text(app)
        fill(app, {"action-id_number": "11010519491231002X"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert count(db, LostItem, LostItem.status == LostStatus.CLAIMED) == 1


async def test_goods_pass_round_trip(db, make_app, site, tmp_path):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_registers(pilot, app)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("n")
        await pick_unit(pilot, app, "goods-unit", "1201")
        assert app.screen.query_one("#goods-applicant", Input).value == "张三"
        fill(app, {"goods-applicant": "李四", "goods-applicant_kind": "tenant",
                   "goods-applicant_phone": "13912345678", "goods-items": "冰箱 1台、纸箱 5箱"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "租户搬出物品" in screen_text(app)
        assert count(db, GoodsPass) == 0
        fill(app, {"goods-consent": "业主张三电话确认"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "FX" in screen_text(app) and "冰箱×1台" in screen_text(app)
        pdfs = list((tmp_path / "home" / "documents" / "goods-pass").glob("*/FX*.pdf"))
        assert len(pdfs) == 1
        await close_selected(pilot, app, {"action-guard": "门岗小李"})
        assert count(db, GoodsPass, GoodsPass.status == GoodsPassStatus.USED) == 1


async def test_void_and_detail_from_handover_opener(db, make_app, site):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_registers(pilot, app)
        await pilot.press("n")
        fill(app, {"visitors-name": "赵六", "visitors-phone": "13800001111",
                   "visitors-host": "物业办"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        with db.read() as session:
            vid = session.execute(select(Visitor.id)).scalar_one()
        await pilot.press("f9")
        await settle(pilot)
        assert areas.open_record(app, "visitor", vid)
        await settle(pilot)
        assert isinstance(app.screen, DetailModal)
        text = screen_text(app)
        assert "赵六" in text and "138****1111" in text and "来访登记" in text
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ActionModal)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "作废原因不能为空" in screen_text(app)
        fill(app, {"action-reason": "重复登记"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert count(db, Visitor, Visitor.status == VisitorStatus.VOIDED) == 1


async def test_visitor_form_typed_in_one_burst(db, make_app, site):
    """Issue 21.2: "张三⏎139…" in one read used to save the name 张三139…; issue 16.3:
    "n" puts the cursor in the form's first box."""
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_registers(pilot, app)
        burst(app, "n", "张三", "enter", "13900001111", "enter", "11010519491231002X")
        await keys_delivered(pilot)
        assert app.screen.query_one("#visitors-name", Input).value == "张三"
        assert app.screen.query_one("#visitors-phone", Input).value == "13900001111"
        assert app.screen.query_one("#visitors-id_number", Input).value == "11010519491231002X"
        assert app.focused is not None and app.focused.id == "visitors-id_number"
        # on through the unit picker: typing on the unit field opens it, Enter picks, the
        # cursor goes on to the host (filled from the unit) and then the purpose
        burst(app, "enter", "1201", "enter", "enter", "送文件")
        await keys_delivered(pilot)
        assert app.screen.query_one("#visitors-unit").value == "3-1-1201"
        assert app.screen.query_one("#visitors-host", Input).value == "张三"
        assert app.screen.query_one("#visitors-purpose", Input).value == "送文件"


@pytest.mark.parametrize("title_key, first", [("registers.palette.visitor", "visitors-name"),
                                              ("registers.palette.key", None)])
async def test_new_from_the_palette_puts_the_cursor_in_the_form(db, make_app, site, title_key,
                                                                first):
    """Issue 16.3: "new visitor" from another area opened the register with the cursor on
    the list (the screen's own first focus and the tab change came after the form's)."""
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_area != "registers"
        command = dict(areas.palette_commands())[title_key]
        command(app)
        await settle(pilot)
        await pilot.pause(0.2)
        form = app.screen
        assert isinstance(form, NewRecordForm)
        focused = app.focused
        assert focused is not None and form in focused.ancestors
        if first is not None:
            assert focused.id == first
            burst(app, "王五")
            await settle(pilot)
            assert app.screen.query_one(f"#{first}", Input).value == "王五"
