"""The last forms on the one form mechanism (issue #16.1): the staff form (new account,
password reset), the password change (and the handover's notes: test_handover.py) behave like every form —
Enter moves on, Ctrl+S saves, bad input gives a plain message at its field and saves
nothing, a value typed after it replaces the invalid text, Esc with typed changes asks
"放弃已填写的内容？" — and the form stays visible behind that question."""

from __future__ import annotations

import io

from rich.console import Console
from sqlmodel import select
from textual.widgets import Input

from deskapp.db.models import Role, Staff
from deskapp.i18n import t
from deskapp.services import staff as staff_svc
from deskapp.tui.screens.admin import AdminScreen, StaffForm
from deskapp.tui.screens.login import PasswordScreen
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.tui.widgets.form import FieldSpec, SpecForm
from deskapp.tui.widgets.reception_choice import KeyChoice
from tests.conftest import PASSWORD
from tests.helpers import burst, keys_delivered, notices, screen_text, settle, shown_with_background


def _error(form, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(form.query_one(f"#field-{name} .field-error").render())


async def _open_new_staff(app, pilot):  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("f10")
    await settle(pilot)
    assert isinstance(app.screen, AdminScreen)
    await pilot.press("n")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, StaffForm)
    return form


async def _typed_then_esc(pilot, text: str) -> str:  # type: ignore[no-untyped-def]
    """Type ``text``, press Esc: the discard question opens; what the terminal shows."""
    burst(pilot.app, text)
    await keys_delivered(pilot)
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog)
    return shown_with_background(pilot.app)


async def test_new_staff_enter_moves_on_bad_input_then_corrected_saves(
        db, make_app, supervisor):
    app = make_app(login=supervisor.login)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_new_staff(app, pilot)
        assert form.query_one("#sf-login", Input).has_focus
        burst(app, "desk9", "enter", "赵前台", "enter")
        await keys_delivered(pilot)
        assert form.query_one("#sf-name", Input).value == "赵前台"
        role = form.query_one("#sf-role", KeyChoice)
        assert role.has_focus and role.value == Role.RECEPTIONIST.value
        await pilot.press("enter")  # Enter on a choice moves on too
        assert form.query_one("#sf-password", Input).has_focus
        burst(app, "abc", "ctrl+s")
        await keys_delivered(pilot)
        assert app.screen is form  # refused: a plain message at the password
        assert "密码至少" in _error(form, "password")
        with db.read() as session:
            assert session.exec(select(Staff).where(Staff.login == "desk9")).first() is None
        burst(app, "abcd1234")  # replaces the refused text, and the message goes
        await keys_delivered(pilot)
        assert form.query_one("#sf-password", Input).value == "abcd1234"
        assert _error(form, "password") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
        assert "已保存" in notices(app)[-1]
    with db.read() as session:
        saved = session.exec(select(Staff).where(Staff.login == "desk9")).one()
        assert saved.name == "赵前台" and saved.role == Role.RECEPTIONIST


async def test_new_staff_bad_login_is_shown_at_the_login_and_enter_saves_from_the_end(
        db, make_app, supervisor):
    app = make_app(login=supervisor.login)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_new_staff(app, pilot)
        burst(app, "前台", "enter", "钱专员", "enter", "2", "abcd1234", "enter")
        await keys_delivered(pilot)
        assert app.screen is form
        assert "账号只能用" in _error(form, "login")
        assert form.query_one("#sf-login", Input).has_focus
        burst(app, "desk8", "ctrl+s")  # typed over the refused login
        await keys_delivered(pilot)
        assert isinstance(app.screen, AdminScreen)
    with db.read() as session:
        saved = session.exec(select(Staff).where(Staff.login == "desk8")).one()
        assert saved.role == Role.SPECIALIST


async def test_esc_with_typed_changes_asks_and_the_form_stays_visible(
        db, make_app, supervisor):
    app = make_app(login=supervisor.login)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_new_staff(app, pilot)
        shown = await _typed_then_esc(pilot, "desk7")
        assert "放弃已填写的内容" in shown
        assert "desk7" in shown and t("admin.new_staff") in shown
        await pilot.press("n")  # back to the form, the text still there
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#sf-login", Input).value == "desk7"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
    with db.read() as session:
        assert session.exec(select(Staff).where(Staff.login == "desk7")).first() is None


async def test_esc_on_an_untouched_form_just_closes(db, make_app, supervisor):
    app = make_app(login=supervisor.login)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_new_staff(app, pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)


async def test_the_discard_question_leaves_the_form_on_screen(db, make_app, supervisor):
    """The question sits at the bottom over the dimmed form, not over a blank screen."""
    app = make_app(login=supervisor.login)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(SpecForm("测试表单", [FieldSpec("a", "名称"), FieldSpec("b", "备注")],
                                 lambda values: lambda session: None))
        await settle(pilot)
        shown = await _typed_then_esc(pilot, "还在这里")
        assert "放弃已填写的内容" in shown
        assert "测试表单" in shown and "还在这里" in shown


async def test_password_reset_saves_with_enter_in_its_only_box(db, make_app, supervisor,
                                                               receptionist):
    app = make_app(login=supervisor.login)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        admin = app.screen
        assert isinstance(admin, AdminScreen)
        app.push_screen(StaffForm(receptionist), admin._after)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StaffForm) and receptionist.name in screen_text(app)
        burst(app, "xyz12345", "enter")
        await keys_delivered(pilot)
        assert app.screen is admin
    with db.write() as session:
        assert staff_svc.sign_in(session, login=receptionist.login,
                                 password="xyz12345").staff is not None


async def _open_password(app, pilot):  # type: ignore[no-untyped-def]
    await settle(pilot)
    app.action_change_password()  # the palette's 修改密码
    await settle(pilot)
    assert isinstance(app.screen, PasswordScreen)
    return app.screen


async def test_password_change_mismatch_wrong_old_then_saved(db, make_app, receptionist):
    app = make_app(login=receptionist.login)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_password(app, pilot)
        assert form.query_one("#pw-old", Input).has_focus
        burst(app, "wrong", "enter", "newpass1", "enter", "newpass2", "enter")
        await keys_delivered(pilot)
        assert app.screen is form  # Enter in the last box saved, and was refused
        assert "两次输入的密码不一致" in _error(form, "password2")
        assert form.query_one("#pw-password2", Input).has_focus
        burst(app, "newpass1", "ctrl+s")  # replaces the mismatching repeat
        await keys_delivered(pilot)
        assert app.screen is form
        assert _error(form, "password2") == ""
        assert "原密码不正确" in _error(form, "old")
        burst(app, PASSWORD, "ctrl+s")
        await keys_delivered(pilot)
        assert app.screen is not form
        assert "密码已修改" in notices(app)[-1]
    with db.write() as session:
        assert staff_svc.sign_in(session, login=receptionist.login,
                                 password="newpass1").staff is not None


async def test_password_change_esc_with_typed_text_asks(db, make_app, receptionist):
    app = make_app(login=receptionist.login)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_password(app, pilot)
        assert "修改密码" in await _typed_then_esc(pilot, "abc")
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is not form and not isinstance(app.screen, ConfirmDialog)



def test_a_digit_choice_breaks_its_lines_between_options_only() -> None:
    """At 80 columns the contact kinds take two lines: never "7" at the end of one line
    and "增值服务" at the start of the next."""
    labels = ["咨询", "报修", "投诉", "求助", "建议", "留言", "增值服务", "催缴", "来访", "其他"]
    choice = KeyChoice([(str(n), label) for n, label in enumerate(labels)])
    console = Console(width=52, file=io.StringIO(), record=True)
    console.print(choice.render())
    lines = [line.rstrip() for line in console.export_text().splitlines() if line.strip()]
    assert len(lines) == 2
    assert all(not line[-1].isdigit() for line in lines)
    assert lines[1].startswith("7 增值服务")


async def test_a_refusal_beside_a_box_leaves_the_box_room(db, make_app, supervisor):
    """In a 60-wide dialog (the month prompt's) a long refusal wraps beside the box
    instead of squeezing it to a few cells."""
    from textual.containers import Vertical
    from textual.screen import ModalScreen

    from deskapp.tui.widgets.form import Field

    class Narrow(ModalScreen[None]):
        DEFAULT_CSS = "Narrow > Vertical { width: 60; height: auto; }"

        def compose(self):  # type: ignore[no-untyped-def]
            with Vertical():
                yield Field("月份", Input(id="m"), name="month")

    app = make_app(login=supervisor.login)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(Narrow())
        await settle(pilot)
        field = app.screen.query_one(Field)
        field.set_error("Not a month: 2026-13 (use YYYY-MM, e.g. 2026-11)")
        await pilot.pause()
        assert field.widget.region.width >= 20
