"""The handover as the next person meets it (issues #14.8, #21.3): C at the next login
shows the handover first and confirms only once it has been read to its end (or 已阅);
the writer's notes box is at the top; long sections are one counted line with the list
behind it; overdue items are marked 超时; only someone on the shift may write it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select
from textual.widgets import Input, OptionList, TextArea

from deskapp import clock
from deskapp.db.models import Role
from deskapp.db.models.reception import Handover, HandoverStatus
from deskapp.services import hooks
from deskapp.services.reception import shifts
from deskapp.tui.screens.reception_views import HandoverConfirm, HandoverViewer, HandoverWrite
from deskapp.tui.widgets.confirm import ConfirmDialog
from tests.conftest import PASSWORD, _make_staff
from tests.helpers import burst, keys_delivered, screen_text, settle, shown_with_background
from tests.unit.test_reception_common import make_site

NOW = datetime(2026, 11, 30, 9, 30)
DESK = "前台1"


def _many(session, ctx):
    items = [hooks.OpenItem("registers.section.parcels", f"快递 3-1-{1200 + i} 待取",
                            hooks.RecordRef("parcel", 1000 + i), overdue=i < 2)
             for i in range(80)]
    for n, section in enumerate(("reception.section.contacts", "reception.section.workorders",
                                 "registers.section.keys")):
        items += [hooks.OpenItem(section, f"事项 {n}-{i}", overdue=(n, i) == (1, 0))
                  for i in range(5)]
    return items


@pytest.fixture
def open_items():
    hooks.open_items_provider(_many)
    yield
    hooks._open_items_providers[:] = [p for p in hooks._open_items_providers
                                      if p[2] is not _many]


def _written(db, receptionist) -> int:
    with clock.freeze(NOW), db.write() as session:
        hooks.after_login(session, receptionist, DESK)
    with clock.freeze(NOW + timedelta(hours=8)), db.write() as session:
        shift = shifts.current_shift(session, desk=DESK)
        return shifts.write_handover(session, by=receptionist, shift_id=shift.id,
                                     notes="3号楼电梯异响，已报工程部").id


async def test_c_at_the_next_login_shows_the_handover_and_needs_it_read(
        db, make_app, receptionist, supervisor, open_items):
    make_site(db)
    hid = _written(db, receptionist)
    _make_staff(db, "desk2", "刘前台", Role.RECEPTIONIST)
    with clock.freeze(NOW + timedelta(hours=8, minutes=5)):
        app = make_app(login="desk2")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("3")
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
            viewer = app.screen
            assert isinstance(viewer, HandoverViewer)  # the handover, not the password
            text = screen_text(app)
            assert "3号楼电梯异响" in text
            assert "快递待取（80，超时 2）" in text or "（80，超时 2）" in text
            assert "3-1-1279" not in text  # 80 parcels are one line until opened
            options = viewer.query_one(OptionList)
            prompts = [str(options.get_option_at_index(i).prompt)
                       for i in range(options.option_count)]
            assert "  超时 事项 1-0" in prompts and "  事项 1-1" in prompts  # 超时 as in lists
            await pilot.press("c")  # not read yet
            await settle(pilot)
            assert app.screen is viewer and not viewer.read
            assert "请先看完" in "\n".join(str(n.message) for n in app._notifications)
            await pilot.press("end")  # to its end
            await settle(pilot)
            assert options.highlighted == options.option_count - 1 and viewer.read
            await pilot.press("c")
            await settle(pilot)
            confirm = app.screen
            assert isinstance(confirm, HandoverConfirm)
            confirm.query_one("#hc-password", Input).value = PASSWORD
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, (HandoverConfirm, HandoverViewer))
    with db.read() as session:
        assert session.get(Handover, hid).status == HandoverStatus.CONFIRMED


async def test_read_mark_and_a_long_section_opens_on_enter(db, make_app, receptionist,
                                                           supervisor, open_items):
    make_site(db)
    hid = _written(db, receptionist)
    app = make_app(login="boss")
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        app.push_screen(HandoverViewer(hid))
        await settle(pilot)
        viewer = app.screen
        options = viewer.query_one(OptionList)
        before = options.option_count
        heading = next(i for i in range(before)
                       if (options.get_option_at_index(i).id or "").startswith("s:"))
        options.highlighted = heading
        await pilot.press("enter")
        await settle(pilot)
        assert options.option_count == before + 80
        assert "3-1-1279" in "\n".join(str(options.get_option_at_index(i).prompt)
                                       for i in range(options.option_count))
        viewer.read = False
        await pilot.press("r")  # 已阅: the supervisor's mark on the log
        await settle(pilot)
        assert viewer.read and "已阅" in screen_text(app)
        assert "王主管" in screen_text(app) or supervisor.name in screen_text(app)
    with db.read() as session:
        handover = session.get(Handover, hid)
    assert handover.reviewed_by == supervisor.id and handover.reviewed_at is not None


def _on_shift(db, receptionist) -> None:
    make_site(db)
    with clock.freeze(NOW), db.write() as session:
        hooks.after_login(session, receptionist, DESK)


async def _writing(app, pilot) -> HandoverWrite:
    """H on the reception desk: the handover form."""
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("h")
    await settle(pilot)
    write = app.screen
    assert isinstance(write, HandoverWrite)
    return write


async def test_the_writers_notes_box_is_at_the_top(db, make_app, receptionist, open_items):
    _on_shift(db, receptionist)
    with clock.freeze(NOW + timedelta(hours=1)):
        app = make_app(login=receptionist.login)
        async with app.run_test(size=(80, 24)) as pilot:
            write = await _writing(app, pilot)
            notes = write.query_one("#hw-notes", TextArea)
            assert notes.has_focus
            assert notes.region.y < write.query_one("#hw-preview").region.y
            assert notes.region.height > 0  # visible while typing on 80×24
            assert "另 77 条" in screen_text(app) or "另 77 条" in str(
                write.query_one("#hw-preview").render())


async def test_the_notes_form_asks_before_esc_drops_them_and_ctrl_s_saves(
        db, make_app, receptionist):
    """The one form's keys (issue #16.1): Enter is a new line in the notes, Esc with typed
    notes asks "放弃已填写的内容？" over the still visible form, Ctrl+S saves."""
    _on_shift(db, receptionist)
    with clock.freeze(NOW + timedelta(hours=1)):
        app = make_app(login=receptionist.login)
        async with app.run_test(size=(80, 24)) as pilot:
            write = await _writing(app, pilot)
            burst(app, "电梯异响", "enter", "已报修")
            await keys_delivered(pilot)
            notes = write.query_one("#hw-notes", TextArea)
            assert notes.text == "电梯异响\n已报修"
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            assert "电梯异响" in shown_with_background(app)
            await pilot.press("n")
            await settle(pilot)
            assert app.screen is write and notes.text == "电梯异响\n已报修"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is not write
    with db.read() as session:
        assert session.exec(select(Handover)).one().notes == "电梯异响\n已报修"


async def test_a_supervisor_not_on_the_shift_cannot_write_its_handover(
        db, make_app, receptionist, supervisor):
    make_site(db)
    with clock.freeze(NOW), db.write() as session:
        hooks.after_login(session, receptionist, DESK)
    with clock.freeze(NOW + timedelta(hours=1)):
        app = make_app(login="boss")
        async with app.run_test(size=(150, 45)) as pilot:
            await settle(pilot)
            await pilot.press("3")
            await settle(pilot)
            await pilot.press("h")
            await settle(pilot)
            assert not isinstance(app.screen, HandoverWrite)
            assert "不在本班次" in "\n".join(str(n.message) for n in app._notifications)
    with db.read() as session:
        assert session.exec(select(Handover)).first() is None
