"""Nothing typed or shown takes the desk down (issue #14.5): a late highlight in the unit
picker is dropped, and any exception in an event handler is shown (naming the log file),
logged, and the desk stays up."""

from __future__ import annotations

from sqlmodel import select
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList, Static

from deskapp.db.models import Unit
from deskapp.logsetup import log_file
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.unit_picker import UnitPicker
from tests.helpers import screen_text, settle


def toasts(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def _search(app, pilot, text: str) -> None:
    app.screen.query_one("#picker-query", Input).value = text
    await pilot.pause(0.3)
    await settle(pilot)


async def test_a_late_highlight_from_an_older_list_is_dropped(make_demo_app, demo_db):
    with demo_db.read() as session:
        unit = session.exec(select(Unit).where(Unit.code.like("2-%")).offset(7)).first()
    app = make_demo_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.push_screen(UnitPicker())
        await settle(pilot)
        await _search(app, pilot, "1")  # many hits
        picker = app.screen
        options = picker.query_one("#picker-results", OptionList)
        stale = [options.get_option_at_index(i) for i in (0, 5)]
        await _search(app, pilot, unit.code)  # one hit now
        assert len(picker._hits) == 1
        for index, option in zip((0, 5), stale, strict=True):
            # what a loaded machine delivers late: a highlight of the list before
            options.post_message(OptionList.OptionHighlighted(options, option, index))
            await settle(pilot)
        assert app.is_running and app.screen is picker
        assert not getattr(app, "unexpected_errors", [])
        detail = str(picker.query_one("#picker-detail", Static).render())
        assert unit.code in detail  # still the household of the list shown


class Faulty(DeskModal[None]):
    BINDINGS = [Binding("escape", "close", "close", id="key.cancel")]

    def compose(self) -> ComposeResult:
        yield Input(id="faulty")

    @on(Input.Changed, "#faulty")
    def _boom(self, event: Input.Changed) -> None:
        if event.value == "boom":
            raise RuntimeError("handler failed for 13812345678")

    def action_close(self) -> None:
        self.dismiss(None)


async def test_an_error_in_a_handler_is_shown_and_the_desk_stays_up(make_app, supervisor):
    app = make_app(login=supervisor.login)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        first = app.screen
        app.push_screen(Faulty())
        await settle(pilot)
        app.screen.query_one("#faulty", Input).value = "boom"
        await settle(pilot)
        assert app.is_running
        assert [type(e) for e in app.unexpected_errors] == [RuntimeError]
        text = toasts(app)
        assert "意外错误" in text and str(log_file()) in text
        await pilot.press("escape")  # the screen whose handler failed still takes keys
        await settle(pilot)
        assert app.screen is first
        assert screen_text(app).strip()


async def test_an_error_in_a_timer_is_shown_and_the_desk_stays_up(make_app, supervisor):
    app = make_app(login=supervisor.login)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)

        def fail() -> None:
            raise ValueError("timer failed")

        app.set_timer(0.01, fail)
        await pilot.pause(0.2)
        await settle(pilot)
        assert app.is_running and isinstance(app.unexpected_errors[0], ValueError)
        assert "意外错误" in toasts(app)
        await pilot.press("f1")  # keys still work
        await settle(pilot)
        assert app.is_running


async def test_a_read_only_database_gets_a_plain_message_and_the_desk_stays_up(
        make_app, receptionist, db):
    from deskapp.db.engine import Database
    from deskapp.db.models.reception import Contact, ContactChannel, ContactKind
    from deskapp.services.reception import contacts
    from deskapp.services.reception.contacts import ContactCreate

    app = make_app(login=receptionist.login)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        path = db.url.removeprefix("sqlite:///")
        app.db = Database(f"sqlite:///file:{path}?mode=ro&uri=true")  # the file turned read-only
        saved = []
        app.screen.call_service(
            lambda s: contacts.log_contact(s, by=receptionist, data=ContactCreate(
                channel=ContactChannel.PHONE, kind=ContactKind.ENQUIRY, content="询问停车", person_name="李四")),
            write=True, done=saved.append)
        await settle(pilot)
        app.db.dispose()
        app.db = db
        assert app.is_running and not saved
        assert "数据库只读，未保存" in toasts(app)
        assert "OperationalError" not in toasts(app)
    with db.read() as s:
        assert s.exec(select(Contact)).first() is None
