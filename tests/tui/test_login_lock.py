"""The login screen after five wrong passwords, and the supervisor's unlock (F10, U)."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, Input

from deskapp.db.models import AuditEntry
from deskapp.services import staff as staff_svc
from tests.conftest import PASSWORD
from tests.helpers import screen_text, settle


async def _attempt(app, pilot, login: str, password: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one("#login-login", Input).value = login
    app.screen.query_one("#login-password", Input).value = password
    app.screen.query_one("#login-password", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_five_wrong_passwords_lock_the_login(db, make_app, receptionist, frozen_now):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # A wrong login and a wrong password read the same.
        await _attempt(app, pilot, "nobody", "wrong")
        assert "账号或密码不正确" in screen_text(app)
        for n in range(4):
            await _attempt(app, pilot, "desk1", f"wrong{n}")
            assert "账号或密码不正确" in screen_text(app)
        await _attempt(app, pilot, "desk1", "wrong5")
        assert "登录失败次数过多，请 5 分钟后再试或请主管解锁" in screen_text(app)
        await _attempt(app, pilot, "desk1", PASSWORD)  # the right one, too late
        assert app.staff is None
        assert "登录失败次数过多" in screen_text(app)
        assert app.screen.query_one("#login-password", Input).value == ""
    with db.read() as session:
        failed = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.failed")).all()
        assert len(failed) == 7
        assert all("wrong" not in e.detail and PASSWORD not in e.detail for e in failed)


async def test_supervisor_unlocks_from_the_staff_screen(db, make_app, supervisor, receptionist,
                                                        frozen_now):
    for _ in range(5):
        with db.write() as session:
            staff_svc.sign_in(session, login="desk1", password="nope")
    app = make_app(login="boss")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert "锁定 5 分钟" in screen_text(app)
        table = app.screen.query_one(DataTable)
        logins = [table.get_row_at(i)[0] for i in range(table.row_count)]
        table.move_cursor(row=logins.index("desk1"))
        await pilot.press("u")
        await settle(pilot)
        assert "已解锁 desk1，可以重新登录" in [n.message for n in app._notifications]
        assert "锁定 5 分钟" not in screen_text(app)
    with db.read() as session:
        assert staff_svc.locked_minutes(session, "desk1") == 0
