"""Keys typed fast: a whole burst arrives in one read and every key must still land where
the cursor is by then — in the right field, in the area pressed — and nothing typed can
end the app (issue 21 items 1–2, issue 16 part 3)."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input

from deskapp.services import hooks
from tests.conftest import PASSWORD
from tests.helpers import burst, screen_text, settle


@pytest.fixture
def slow_after_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """The after-login work (opening the shift, sweeps) takes a while on a loaded desk."""
    real = hooks.after_login

    def slow(session, staff, desk):  # type: ignore[no-untyped-def]
        time.sleep(0.6)
        real(session, staff, desk)

    monkeypatch.setattr(hooks, "after_login", slow)


async def _wait_for(pilot, condition, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)


async def test_login_typed_in_one_burst_puts_the_password_in_the_password_box(
        db, make_app, receptionist):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        burst(app, "desk1", "tab", PASSWORD)  # before the login screen is even up
        await settle(pilot)
        assert app.screen.query_one("#login-login", Input).value == "desk1"
        assert app.screen.query_one("#login-password", Input).value == PASSWORD
        assert PASSWORD not in screen_text(app)  # never shown in clear text
        burst(app, "enter")
        await settle(pilot)
        assert app.staff is not None and app.staff.login == "desk1"


@pytest.mark.parametrize("area_key, area", [("f3", "complaints"), ("f5", "survey")])
async def test_area_key_right_after_login_opens_it_and_never_crashes(
        db, make_app, receptionist, slow_after_login, area_key, area):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "desk1", "tab", PASSWORD, "enter", area_key)
        await _wait_for(pilot, lambda: app.current_area == area)
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert app.current_area == area
        assert app.current_mode == area


async def test_area_key_pressed_while_the_desk_opens_waits_for_it(
        db, make_app, receptionist, slow_after_login):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#login-login", Input).value = "desk1"
        app.screen.query_one("#login-password", Input).value = PASSWORD
        await pilot.press("tab", "enter")
        await pilot.pause(0.1)
        assert app.staff is not None  # logged in, the after-login hook still running
        await pilot.press("f3")
        await pilot.pause(0.05)
        await pilot.press("f7")  # the last area key pressed wins
        await _wait_for(pilot, lambda: app.current_mode == "registers")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert app.current_area == "registers"


async def test_a_key_waits_for_what_a_widget_runs_after_its_message(db, make_app, receptionist):
    """Issue 16.4 (the visitor register's burst test failed once): a dialog's result
    callback runs with ``call_next`` on the widget that opened it, *after* the message that
    widget has already taken off its queue. In between, the widget's queue is empty and it
    looked idle, so a key typed on could be handed to the old focus (Enter on the unit
    field opened the picker again instead of going on). Here the widget is caught in that
    gap: a callback waiting, nothing queued."""
    from textual import events
    from textual.app import ComposeResult

    from deskapp.tui.base import DeskModal

    class TwoBoxes(DeskModal[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="first")
            yield Input(id="second")

    app = make_app(login="desk1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = TwoBoxes()
        app.push_screen(dialog)
        await settle(pilot)
        first, second = dialog.query_one("#first", Input), dialog.query_one("#second", Input)
        first.focus()
        await settle(pilot)
        assert not app._screen_busy()
        # the state between a widget's message and its call_next callbacks
        first._next_callbacks.append(events.Callback(callback=second.focus))
        assert app._screen_busy()
        burst(app, "x")
        first.check_idle()  # the widget goes on: its callback runs, the focus moves
        await _wait_for(pilot, lambda: not app._held_keys and bool(first.value + second.value))
        await settle(pilot)
        assert (first.value, second.value) == ("", "x")
