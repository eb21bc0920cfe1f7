"""The shell as a user meets it: set-up, login, wrong password, areas, help, lock."""

from __future__ import annotations

from textual.widgets import Input

from deskapp.services import staff as staff_svc
from tests.conftest import PASSWORD
from tests.helpers import screen_text, settle


async def test_first_start_asks_for_site_and_supervisor(db, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "首次使用" in screen_text(app)
        app.screen.query_one("#setup-site", Input).value = "测试花园"
        app.screen.query_one("#setup-login", Input).value = "boss"
        app.screen.query_one("#setup-staff-name", Input).value = "王主管"
        app.screen.query_one("#setup-password", Input).value = "abc12345"
        app.screen.query_one("#setup-password2", Input).value = "abc12345"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.staff is not None and app.staff.login == "boss"
        assert "测试花园" in screen_text(app)
    with db.read() as session:
        assert staff_svc.count_staff(session) == 1


async def test_setup_mismatched_passwords_saves_nothing(db, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#setup-site", Input).value = "测试花园"
        app.screen.query_one("#setup-login", Input).value = "boss"
        app.screen.query_one("#setup-staff-name", Input).value = "王主管"
        app.screen.query_one("#setup-password", Input).value = "abc12345"
        app.screen.query_one("#setup-password2", Input).value = "abc99999"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "两次输入的密码不一致" in screen_text(app)
        assert app.staff is None
    with db.read() as session:
        assert staff_svc.count_staff(session) == 0


async def test_login_wrong_password_then_right(db, make_app, receptionist):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "员工登录" in screen_text(app)
        app.screen.query_one("#login-login", Input).value = "desk1"
        await pilot.press("enter")  # Enter in the login field moves to the password
        app.screen.query_one("#login-password", Input).value = "wrong"
        await pilot.press("enter")
        await settle(pilot)
        assert "账号或密码不正确" in screen_text(app)
        assert app.staff is None
        app.screen.query_one("#login-password", Input).value = PASSWORD
        await pilot.press("enter")
        await settle(pilot)
        assert app.staff is not None and app.staff.name == "张前台"
        assert "张前台" in screen_text(app)


async def test_area_keys_switch_and_unbuilt_area_says_so(db, make_app, receptionist):
    app = make_app(login="desk1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert app.current_area == "knowledge"
        assert "应知应会" in screen_text(app) or "大厦概况" in screen_text(app)
        await pilot.press("f10")
        await settle(pilot)
        assert "无权使用" in screen_text(app)  # a receptionist may not manage staff


async def test_help_lists_keys(db, make_app, receptionist):
    app = make_app(login="desk1")
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = screen_text(app)
        assert "按键说明" in text and "锁屏" in text and "应知应会" in text
        assert "查房号/住户" in text and "本界面" in text  # the knowledge screen's own keys
        await pilot.press("escape")


async def test_idle_lock_hides_data_until_login(db, make_app, receptionist, specialist):
    app = make_app(login="desk1", idle=300)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app._last_input -= 301
        app._check_idle()
        await settle(pilot)
        text = screen_text(app)
        assert "已锁屏" in text
        await pilot.press("f9")  # area keys do nothing while locked
        assert "已锁屏" in screen_text(app)
        app.screen.query_one("#login-login", Input).value = "cs1"
        app.screen.query_one("#login-password", Input).value = PASSWORD
        app.screen.query_one("#login-password", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.staff.login == "cs1"
        assert "已锁屏" not in screen_text(app)


async def test_language_switch_to_english(db, make_app, receptionist):
    app = make_app(login="desk1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        app.action_switch_language()
        await settle(pilot)
        assert "Knowledge" in screen_text(app) or "Profile" in screen_text(app)
