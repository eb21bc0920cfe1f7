"""The knowledge screen filters as you type; the unit picker finds units by room, name,
pinyin initials and phone tail."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, Input

from deskapp.db.models import Occupant, Unit
from deskapp.tui.widgets.unit_picker import UnitPicker
from tests.helpers import screen_text, settle


async def test_knowledge_filters_as_you_type(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        everything = table.row_count
        assert everything > 20
        await pilot.press(*"派出所")
        await pilot.pause(0.3)
        await settle(pilot)
        assert 1 <= table.row_count < everything
        assert "派出所" in screen_text(app)
        app.screen.query_one("#kn-filter", Input).value = "xf"  # 消防 by pinyin initials
        await pilot.pause(0.3)
        await settle(pilot)
        assert "消防" in screen_text(app)
        app.screen.query_one("#kn-filter", Input).value = "不存在的东西"
        await pilot.pause(0.3)
        await settle(pilot)
        assert table.row_count == 0 and "没有匹配的内容" in screen_text(app)


async def test_knowledge_sections(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        await pilot.press("ctrl+t")  # 大厦概况
        await settle(pilot)
        text = screen_text(app)
        assert "总户数" in text and "529" in text
        assert "开元路派出所" not in text  # phone book entries are filtered out


async def _pick(app, pilot, query: str) -> str:
    app.push_screen(UnitPicker())
    await settle(pilot)
    app.screen.query_one("#picker-query", Input).value = query
    await pilot.pause(0.3)
    await settle(pilot)
    return screen_text(app)


async def test_picker_finds_by_room_name_initials_and_phone(make_demo_app, demo_db):
    with demo_db.read() as session:
        occ = session.exec(select(Occupant).where(Occupant.phone.like("1%"))).first()
        unit = session.get(Unit, occ.unit_id)
    app = make_demo_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        text = await _pick(app, pilot, unit.code)
        assert unit.code in text and occ.name in text
        assert occ.phone not in text  # masked in the list
        assert occ.phone[:3] + "****" + occ.phone[-4:] in text
        app.screen.query_one("#picker-query", Input).value = occ.initials
        await pilot.pause(0.3)
        await settle(pilot)
        assert occ.name in screen_text(app)
        app.screen.query_one("#picker-query", Input).value = occ.phone[-4:]
        await pilot.pause(0.3)
        await settle(pilot)
        assert unit.code in screen_text(app)
        app.screen.query_one("#picker-query", Input).value = unit.code
        await pilot.pause(0.3)
        await settle(pilot)
        picked = []
        app.screen.dismiss = lambda value: picked.append(value)  # type: ignore[method-assign]
        await pilot.press("enter")
        await settle(pilot)
        assert picked and picked[0].hit.code == unit.code


async def test_picker_says_when_nothing_matches(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        text = await _pick(app, pilot, "99-9-9999")
        assert "没有找到匹配的房号或住户" in text


async def test_enter_before_the_search_answers_picks_what_is_typed(make_demo_app, demo_db):
    with demo_db.read() as session:
        unit = session.exec(select(Unit).where(Unit.code.like("2-%")).offset(7)).first()
    app = make_demo_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.push_screen(UnitPicker("1"))  # results for "1" are showing
        await settle(pilot)
        picked = []
        app.screen.dismiss = lambda value: picked.append(value)  # type: ignore[method-assign]
        app.screen.query_one("#picker-query", Input).value = unit.code
        await pilot.press("enter")  # at once: no time for the debounced search
        await settle(pilot)
        assert picked and picked[0].hit.code == unit.code
