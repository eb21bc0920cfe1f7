"""First-run set-up, login, the idle lock and password change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Footer, Input, Label, Static
from textual.worker import Worker

from deskapp.errors import ValidationError
from deskapp.i18n import t
from deskapp.roles import Role
from deskapp.tui.base import DeskScreen
from deskapp.tui.widgets.form import Field, FieldSpec, FormMixin, SpecForm

if TYPE_CHECKING:
    from sqlmodel import Session

    from deskapp.db.models import Staff
    from deskapp.services.staff import SignIn

# Start-up (issue #17): the services (and through them the ORM models and pypinyin) are
# imported inside the actions below, not with this module, so the login form is drawn
# before they load.


class _NothingToReload:
    """The login, lock and set-up screens show no business data: shown again they skip
    ``DeskScreen``'s change-mark read, which would open a database session (the ORM) in a
    worker while the login form is first drawn (issue #17)."""

    def _reload_if_changed(self) -> None:
        return


class _LoginForm(_NothingToReload, FormMixin, DeskScreen):
    """Login form; the lock screen is the same form over an opaque background."""

    DEFAULT_CSS = """
    _LoginForm { align: center middle; background: $background; }
    _LoginForm #login-box { width: 64; height: auto; border: thick $primary; padding: 1 2; background: $surface; }
    _LoginForm .title { text-style: bold; width: 100%; content-align: center middle; }
    _LoginForm #login-message { color: $error; height: auto; min-height: 1; }
    """
    BINDINGS = [Binding("ctrl+q", "app.quit", t("key.quit"), id="key.quit")]
    TITLE_KEY = "login.title"
    _checking: Worker[None] | None = None

    @property
    def holds_keys(self) -> bool:
        """While the password is checked, keys typed on wait for the desk that opens."""
        return self._checking is not None and not self._checking.is_finished

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Label(self.app.site_name or t("app.title"), classes="title")
            yield Label(t(self.TITLE_KEY), classes="title")
            yield Field(t("login.login"), Input(id="login-login"), name="login")
            yield Field(t("login.password"), Input(password=True, id="login-password"),
                        name="password")
            yield Static("", id="login-message")
            with Center():
                yield Button(t("login.submit"), variant="primary", id="login-submit")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#login-login", Input).focus()

    @on(Input.Submitted, "#login-login")
    def _next(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    @on(Button.Pressed, "#login-submit")
    def submit(self) -> None:
        login = self.query_one("#login-login", Input).value
        password = self.query_one("#login-password", Input).value
        if not login.strip():
            self._fail(t("login.need_login"))
            self.query_one("#login-login", Input).focus()
            return
        def check(session: Session) -> SignIn:
            # imported in the worker, after the warm-up (``run_job``): never on the UI thread
            from deskapp.services import staff as staff_svc

            return staff_svc.sign_in(session, login=login, password=password, channel="screen")

        def done(result: SignIn) -> None:
            if result.staff is not None:
                self._ok(result.staff)
            else:
                self._fail(str(result.error))

        # A write: a failed attempt is counted (lock after five) and audited.
        self._checking = self.call_service(
            check,
            write=True,
            done=done,
            failed=lambda err: self._fail(str(err)),
        )

    def _fail(self, message: str) -> None:
        self.query_one("#login-message", Static).update(message)
        pw = self.query_one("#login-password", Input)
        pw.value = ""
        pw.focus()

    def _ok(self, staff: Staff) -> None:
        self.app.login(staff)


class LoginScreen(_LoginForm):
    TITLE_KEY = "login.title"


class LockScreen(_LoginForm):
    """Shown after the idle time or Ctrl+L; hides all data until someone logs in."""

    TITLE_KEY = "lock.title"
    BINDINGS: list[Binding] = []

    def _ok(self, staff: Staff) -> None:
        self.app.unlock(staff)


class SetupScreen(_NothingToReload, FormMixin, DeskScreen):
    """A real site's first start on an empty database: site name and first supervisor."""

    DEFAULT_CSS = """
    SetupScreen { align: center middle; }
    SetupScreen #setup-box { width: 80; height: auto; border: thick $primary; padding: 1 2; background: $surface; }
    SetupScreen .title { text-style: bold; }
    SetupScreen .hint { color: $text-muted; margin-bottom: 1; }
    """
    BINDINGS = [Binding("ctrl+s", "save", t("key.save"), id="key.save"),
                Binding("ctrl+q", "app.quit", t("key.quit"), id="key.quit")]

    def compose(self) -> ComposeResult:
        with Vertical(id="setup-box"):
            yield Label(t("setup.title"), classes="title")
            yield Static(t("setup.hint"), classes="hint")
            yield Field(t("setup.site_name"), Input(id="setup-site"), name="name", required=True)
            yield Field(t("setup.login"), Input(id="setup-login"), name="login", required=True)
            yield Field(t("setup.staff_name"), Input(id="setup-staff-name"), name="staff_name",
                        required=True)
            yield Field(t("login.password"), Input(password=True, id="setup-password"),
                        name="password", required=True)
            yield Field(t("setup.password2"), Input(password=True, id="setup-password2"),
                        name="password2", required=True)
            with Center():
                yield Button(t("setup.submit"), variant="primary", id="setup-submit")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#setup-site", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "setup-password2":
            self.action_save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#setup-submit")
    def action_save(self) -> None:
        self.clear_errors()
        values = {k: self.query_one(f"#{i}", Input).value for k, i in (
            ("site", "setup-site"), ("login", "setup-login"), ("name", "setup-staff-name"),
            ("password", "setup-password"), ("password2", "setup-password2"))}
        if values["password"] != values["password2"]:
            self.show_field_error("password2", t("setup.password_mismatch"))
            return
        if not values["name"].strip():
            self.show_field_error("staff_name", t("staff.name.required"))
            return

        def job(session: Session) -> Staff:
            # imported in the worker, after the warm-up (``run_job``): never on the UI thread
            from deskapp.services import site
            from deskapp.services import staff as staff_svc

            site.set_up_site(session, name=values["site"])
            return staff_svc.create_staff(session, by=None, login=values["login"],
                                          name=values["name"], role=Role.SUPERVISOR,
                                          password=values["password"])

        def done(staff: Staff) -> None:
            self.app.site_name = values["site"].strip()
            self.app.title = self.app.site_name
            self.app.login(staff)

        self.call_service(job, write=True, done=done)


class PasswordScreen(SpecForm):
    """The signed-in person's own password: the one form (Enter moves on and saves from
    the last box, Ctrl+S saves, Esc with typed changes asks first)."""

    def __init__(self) -> None:
        super().__init__(t("password.title"), [
            FieldSpec("old", "password.old", kind="password"),
            FieldSpec("password", "password.new", kind="password"),
            FieldSpec("password2", "setup.password2", kind="password"),
        ], self._submit, prefix="pw", result=self._changed)

    def _submit(self, values: dict[str, str]) -> Callable[[Session], None]:
        if values["password"] != values["password2"]:
            raise ValidationError("setup.password_mismatch", field="password2")
        staff, old, new = self.app.staff, values["old"], values["password"]
        assert staff is not None
        from deskapp.services import staff as staff_svc

        return lambda s: staff_svc.change_password(s, by=staff, old=old, new=new)

    def _changed(self, _: None) -> None:
        self.app.notify(t("password.changed"))
