"""Issue #17: an area screen shown again reloads its lists only when business data was
written since (the change mark in DeskScreen.on_screen_resume) — for every area screen,
and the area key's "newest row" included (it used to reload every list on every key)."""

from __future__ import annotations

from deskapp.services.reception import contacts as reception_contacts
from deskapp.services.reception.contacts import ContactCreate
from deskapp.tui.screens.complaints import ComplaintsScreen
from deskapp.tui.screens.reception import ReceptionScreen
from deskapp.tui.widgets.record_list import RecordTable
from tests.helpers import screen_text, settle
from tests.tui.test_reception import SIZE, frozen, site  # noqa: F401 — fixtures


async def test_area_keys_reload_only_after_a_write(db, make_app, receptionist, site,  # noqa: F811
                                                   frozen, monkeypatch):  # noqa: F811
    loads: list[str] = []
    real = RecordTable._start

    def counting(self, *a, **kw):
        loads.append(type(self.screen).__name__)
        return real(self, *a, **kw)

    monkeypatch.setattr(RecordTable, "_start", counting)
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintsScreen)
        await pilot.press("f2")
        await settle(pilot)
        loads.clear()
        for key in ("f3", "f2", "f3", "f2"):
            await pilot.press(key)
            await settle(pilot)
        assert loads == []  # nothing written: neither screen reloads a list
        await pilot.press("f3")
        await settle(pilot)
        with db.write() as session:
            reception_contacts.log_contact(session, by=receptionist, data=ContactCreate(
                channel="phone", kind="enquiry", content="楼道灯不亮了", person_name="来电人"))
        await pilot.press("f2")
        await settle(pilot)
        assert "ReceptionScreen" in loads
        assert "楼道灯不亮了" in screen_text(app)
        contacts = app.screen.query_one("#contact-list").table
        assert contacts.cursor == 0  # the area key still lands on the newest row
        loads.clear()
        await pilot.press("f3")  # complaints saw the same write: it reloads too
        await settle(pilot)
        assert "ComplaintsScreen" in loads
