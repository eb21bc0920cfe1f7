"""员工管理 — the supervisor's staff accounts: add, role, reset password, (de)activate."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from deskapp.db.models import Role, Staff
from deskapp.i18n import t
from deskapp.services import staff as staff_svc
from deskapp.tui.base import DeskModal, DeskScreen
from deskapp.tui.widgets.confirm import confirm_action
from deskapp.tui.widgets.form import Field, FormMixin


def role_options() -> list[tuple[str, str]]:
    return [(t(f"role.{r.value}"), r.value) for r in Role]


class StaffForm(FormMixin, DeskModal[bool]):
    """New account (``staff`` None) or password reset (``staff`` given)."""

    DEFAULT_CSS = """
    StaffForm { align: center middle; }
    StaffForm > Vertical { width: 76; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("ctrl+s", "save", t("key.save"), id="key.save"),
                Binding("escape", "cancel", t("key.cancel"), id="key.cancel")]

    def __init__(self, staff: Staff | None = None) -> None:
        super().__init__()
        self.target = staff

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.target is None:
                yield Label(t("admin.new_staff"), classes="title")
                yield Field(t("setup.login"), Input(id="sf-login"), name="login", required=True)
                yield Field(t("setup.staff_name"), Input(id="sf-name"), name="name",
                            required=True)
                yield Field(t("admin.role"), Select(role_options(), value=Role.RECEPTIONIST.value,
                                                    allow_blank=False, id="sf-role"),
                            name="role", required=True)
            else:
                yield Label(t("admin.reset_for", name=self.target.name), classes="title")
            yield Field(t("password.new"), Input(password=True, id="sf-password"),
                        name="password", required=True)
            yield Static(t("admin.form_hint"), classes="hint")
            yield Footer()

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "sf-password":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        self.clear_errors()
        by = self.app.staff
        password = self.query_one("#sf-password", Input).value
        if self.target is None:
            login = self.query_one("#sf-login", Input).value
            name = self.query_one("#sf-name", Input).value
            role = Role(str(self.query_one("#sf-role", Select).value))
            self.call_service(
                lambda s: staff_svc.create_staff(s, by=by, login=login, name=name, role=role,
                                                 password=password),
                write=True, done=lambda _: self.dismiss(True))
        else:
            target_id = self.target.id
            assert target_id is not None
            self.call_service(
                lambda s: staff_svc.reset_password(s, by=by, staff_id=target_id, new=password),
                write=True, done=lambda _: self.dismiss(True))

    def action_cancel(self) -> None:
        self.dismiss(False)


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
