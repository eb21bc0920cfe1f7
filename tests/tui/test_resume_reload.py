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


async def test_an_area_shown_again_is_not_restyled_unless_something_changed(
        db, make_app, receptionist, site, frozen, monkeypatch):  # noqa: F811
    """Issue #17: Textual restyles every widget of a screen resumed by its mode key (most of
    an area switch). An area screen skips that when nothing its styles depend on changed;
    after a theme change, or with a widget mounted while it was hidden, it restyles."""
    from textual.screen import Screen
    from textual.widgets import Static

    restyled: list[str] = []
    real = Screen.update_node_styles

    def counting(self, animate=True):
        restyled.append(type(self).__name__)
        return real(self, animate)

    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await _press(pilot, "f3", "f2")  # both areas shown once
        monkeypatch.setattr(Screen, "update_node_styles", counting)
        await _press(pilot, "f3", "f2", "f3")
        assert isinstance(app.screen, ComplaintsScreen)
        assert restyled == []
        assert "F1" in _footer_text(app)

        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await settle(pilot)
        restyled.clear()
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        assert "ReceptionScreen" in restyled
        # Shown again, its styles are those of the new theme: a fresh restyle changes none.
        table = app.screen.query_one("#contact-list").table
        before = table.rich_style
        real(app.screen, False)
        assert table.rich_style == before

        hidden = app.screen
        await pilot.press("f3")
        await settle(pilot)
        await hidden.mount(Static("mounted while hidden", id="late"))
        restyled.clear()
        await pilot.press("f2")
        await settle(pilot)
        assert restyled == ["ReceptionScreen"]
        assert "mounted while hidden" in screen_text(app)


async def _press(pilot, *keys: str) -> None:
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def _footer_text(app) -> str:
    from textual.widgets import Footer

    footer = app.screen.query_one(Footer)
    return " ".join(str(key.key_display) + " " + key.description for key in footer.children
                    if hasattr(key, "key_display"))


async def test_the_footer_is_rebuilt_only_when_its_keys_change(
        db, make_app, receptionist, site, frozen, monkeypatch):  # noqa: F811
    """Issue #17: Textual's Footer rebuilds itself (~20 keys mounted and restyled) each time
    a screen says its keys may have changed — three times per area switch, one of them for
    the screen just hidden. A desk screen tells its footer once per refresh, only while
    shown, only when the keys it shows changed; the footer still follows every change."""
    from textual.widgets import Footer

    rebuilt: list[str] = []
    real = Footer.recompose

    async def counting(self):
        rebuilt.append(type(self.screen).__name__)
        return await real(self)

    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await _press(pilot, "f3", "f2")  # both areas shown once
        monkeypatch.setattr(Footer, "recompose", counting)
        for key in ("f3", "f2", "f3", "f2"):
            await pilot.press(key)
            await settle(pilot)
            assert "F1" in _footer_text(app)
        assert rebuilt == []  # the same keys as when each area was last shown

        screen = app.screen
        assert isinstance(screen, ReceptionScreen)
        contacts = screen.query_one("#contact-list")
        contacts.focus_list()
        await settle(pilot)
        rebuilt.clear()
        screen.refresh_bindings()
        screen.refresh_bindings()
        await settle(pilot)
        assert rebuilt == []  # nothing changed: no rebuild, however often asked
        contacts.action_focus_search()  # the search box's keys replace the list's
        await settle(pilot)
        assert rebuilt == ["ReceptionScreen"]
        assert "F1" in _footer_text(app)
