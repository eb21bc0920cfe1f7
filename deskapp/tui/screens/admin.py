"""员工管理 — the supervisor's staff accounts: add, role, reset password, (de)activate."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Label

from deskapp.db.models import Role, Staff
from deskapp.i18n import t
from deskapp.services import staff as staff_svc
from deskapp.tui.base import DeskScreen
from deskapp.tui.widgets.confirm import confirm_action
from deskapp.tui.widgets.form import FieldSpec, SpecForm

if TYPE_CHECKING:
    from sqlmodel import Session


def role_options() -> list[tuple[str, str]]:
    """``(value, label)`` pairs of the roles, for a choice by digit."""
    return [(r.value, f"role.{r.value}") for r in Role]


class StaffForm(SpecForm):
    """New account (``staff`` None) or password reset (``staff`` given): the one form
    (Enter moves on, Ctrl+S saves, Esc with typed changes asks first); dismisses ``True``
    once saved, ``False`` when cancelled."""

    def __init__(self, staff: Staff | None = None) -> None:
        self.target = staff
        password = FieldSpec("password", "password.new", kind="password", required=True)
        if staff is None:
            title = t("admin.new_staff")
            specs = [FieldSpec("login", "setup.login", required=True),
                     FieldSpec("name", "setup.staff_name", required=True),
                     FieldSpec("role", "admin.role", kind="choice", options=role_options(),
                               value=Role.RECEPTIONIST.value, required=True),
                     password]
        else:
            title, specs = t("admin.reset_for", name=staff.name), [password]
        super().__init__(title, specs, self._submit, prefix="sf",
                         result=lambda _: True, cancel_result=False)

    def _submit(self, values: dict[str, Any]) -> Callable[[Session], Any]:
        by, password = self.app.staff, values["password"]
        if self.target is None:
            login, name, role = values["login"], values["name"], Role(values["role"])
            return lambda s: staff_svc.create_staff(s, by=by, login=login, name=name,
                                                    role=role, password=password)
        target_id = self.target.id
        assert target_id is not None
        return lambda s: staff_svc.reset_password(s, by=by, staff_id=target_id, new=password)


class AdminScreen(DeskScreen):
    AREA = "admin"
    BINDINGS = [
        Binding("n", "new", t("admin.key.new"), id="admin.key.new"),
        Binding("r", "reset", t("admin.key.reset"), id="admin.key.reset"),
        Binding("o", "role", t("admin.key.role"), id="admin.key.role"),
        Binding("d", "toggle", t("admin.key.toggle"), id="admin.key.toggle"),
        Binding("u", "unlock", t("admin.key.unlock"), id="admin.key.unlock"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._staff: list[Staff] = []
        self._locked: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield Label(t("admin.title"), classes="title")
        yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        role_width = max(cell_len(t(f"role.{r.value}")) for r in Role)  # never "CS specialis"
        for key, width in (("login", 14), ("name", 12), ("role", max(12, role_width)),
                           ("active", 8), ("locked", 11), ("created", 10)):
            table.add_column(t(f"admin.col.{key}"), width=width, key=key)
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.call_service(lambda s: (staff_svc.list_staff(s), staff_svc.locked_logins(s)),
                          done=self._show)

    def _show(self, loaded: tuple[list[Staff], dict[str, int]]) -> None:
        staff, self._locked = loaded
        self._staff = staff
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for s in staff:
            table.add_row(s.login, s.name, t(f"role.{s.role.value}"),
                          t("common.yes") if s.active else t("common.no"),
                          t("admin.locked_for", minutes=self._locked[s.login])
                          if s.login in self._locked else "",
                          s.created_at.strftime("%Y-%m-%d"), key=str(s.id))
        if staff:
            table.move_cursor(row=min(row, len(staff) - 1))

    def _current(self) -> Staff | None:
        table = self.query_one(DataTable)
        if not self._staff:
            return None
        return self._staff[table.cursor_row]

    def _after(self, changed: bool | None) -> None:
        if changed:
            self.notify(t("common.saved"))
            self.reload()

    def action_new(self) -> None:
        self.app.push_screen(StaffForm(), self._after)

    def action_reset(self) -> None:
        target = self._current()
        if target is not None:
            self.app.push_screen(StaffForm(target), self._after)

    def action_toggle(self) -> None:
        target = self._current()
        if target is None or target.id is None:
            return
        by, target_id, active = self.app.staff, target.id, not target.active

        def toggle(_: Any = None) -> None:
            self.call_service(lambda s: staff_svc.set_active(s, by=by, staff_id=target_id,
                                                             active=active),
                              write=True, done=lambda _: self._after(True))

        if active:
            toggle()
        else:  # disabling locks a person out: named and confirmed first
            confirm_action(self, lambda s: staff_svc.disable_preview(s, by=by,
                                                                     staff_id=target_id),
                           toggle, confirm_label_key="staff.confirm.disable_key")

    def action_unlock(self) -> None:
        """Lift the lock left by five failed logins of the selected account."""
        target = self._current()
        if target is None:
            return
        by, login = self.app.staff, target.login

        def done(lifted: bool) -> None:
            self.notify(t("admin.unlocked" if lifted else "admin.not_locked", login=login))
            self.reload()

        self.call_service(lambda s: staff_svc.unlock_login(s, by=by, login=login),
                          write=True, done=done)

    def action_role(self) -> None:
        target = self._current()
        if target is None or target.id is None:
            return
        roles = list(Role)
        new_role = roles[(roles.index(target.role) + 1) % len(roles)]
        by, target_id = self.app.staff, target.id
        self.call_service(lambda s: staff_svc.set_role(s, by=by, staff_id=target_id,
                                                       role=new_role),
                          write=True, done=lambda _: self._after(True))
