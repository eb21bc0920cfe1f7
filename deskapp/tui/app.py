"""The application shell: login, one key per area, header, footer, help, command palette,
idle lock and language switch. ``create_app`` is the one factory used by the CLI, the tests
and the screenshot script."""

from __future__ import annotations

import contextlib
import gc
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, InvalidModeError, SystemCommand, UnknownModeError
from textual.binding import Binding
from textual.screen import Screen

from deskapp import clock
from deskapp.config import Settings
from deskapp.db.engine import Database
from deskapp.i18n import set_language, t
from deskapp.roles import Role
from deskapp.tui import areas, textual_strings
from deskapp.tui.base import translate_bindings
from deskapp.tui.guard import GuardedDispatch, report_unexpected

if TYPE_CHECKING:
    # Start-up (issue #17): the ORM models and the services are imported after the login
    # form is drawn (``_warm_up``), not when the app module loads.
    from deskapp.db.models import Staff
    from deskapp.services.startup import StartFacts


def _area_bindings() -> list[Binding]:
    return [
        Binding(a.binding, f"area('{a.key}')", t(a.title_key), id=a.title_key, priority=True,
                show=False)
        for a in areas.AREAS
    ]


class DeskApp(GuardedDispatch, App[None]):
    CSS_PATH = "styles/app.tcss"
    TITLE = "deskapp"
    ENABLE_COMMAND_PALETTE = True
    # A screen narrower than 120 columns is "-narrow": its footer leaves out the palette
    # hint (styles/app.tcss), which overlapped the keys at 80×24; F1 names Ctrl+P.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("f1", "help", t("key.help"), id="key.help", priority=True),
        *_area_bindings(),
        Binding("ctrl+k", "area('knowledge')", t("key.knowledge"), id="key.knowledge",
                show=False, priority=True),
        Binding("ctrl+l", "lock", t("key.lock"), id="key.lock", show=False, priority=True),
        Binding("ctrl+q", "quit", t("key.quit"), id="key.quit", show=False, priority=True),
        Binding("ctrl+p", "command_palette", t("key.palette"), id="key.palette", show=False,
                priority=True),
    ]

    def __init__(self, *, settings: Settings, db: Database, login: str | None = None,
                 start_facts: StartFacts | None = None) -> None:
        super().__init__()
        self._start_facts = start_facts
        self.settings = settings
        self.db = db
        self.staff: Staff | None = None
        self.site_name = ""
        self._auto_login = login
        self._last_input = time.monotonic()
        self._locked = False
        self.current_area: str | None = None
        self.staff_generation = 0
        """Moves on whenever another person logs in or unlocks the desk; screens and
        dialogs compare it when shown again (``tui/base.py``)."""
        # Keys are handed on one at a time (see ``on_event``); areas exist once installed.
        self._held_keys: deque[events.Key] = deque()
        self._hold_since = 0.0
        self._idle_seen = False
        self._ready_for_keys = False
        self._areas_ready = False
        self._pending_area: str | None = None

    # ----------------------------------------------------------------- start-up
    unexpected_errors: list[BaseException]

    def _handle_exception(self, error: Exception) -> None:
        """Errors Textual reports from outside a guarded handler (timers, callbacks,
        Textual's own widgets): shown, logged, and the desk stays up (see
        :mod:`deskapp.tui.guard`). Before the first screen is up, Textual's default ends
        the app as usual."""
        if self._running and self.screen_stack and not self._exit:
            report_unexpected(self, error)
            return
        super()._handle_exception(error)

    def on_mount(self) -> None:
        # The header clock reads the process's local time: make that the site's time zone
        # (put back when the app ends, so a process that runs several apps — the tests, the
        # screenshot command — does not keep this one's zone).
        self._saved_tz = os.environ.get("TZ")
        os.environ["TZ"] = self.settings.timezone
        time.tzset()
        translate_bindings(self)
        textual_strings.localise()
        self.theme = "textual-dark"
        self.add_mode("_blank", Screen)
        if self.settings.idle_lock_seconds > 0:
            self.set_interval(5, self._check_idle)
        facts = self._start_facts
        if facts is not None and not self._auto_login:
            self._start(facts.site_name, facts.has_staff, None)
        else:
            self.run_worker(self._read_start, thread=True, group="startup", exit_on_error=False)

    def on_unmount(self) -> None:
        saved = getattr(self, "_saved_tz", None)
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()

    def _read_start(self) -> None:
        """Off the UI thread: the site's name, whether anyone can log in yet, and the staff
        member of an automatic login (``deskapp demo --login``, tests).

        Start-up (issue #17): plain SQL, no ORM — the login form is drawn first and the
        models and services are imported afterwards by ``_warm_up``."""
        from deskapp.services.startup import start_facts_of, warm_up

        facts = start_facts_of(self.db)
        auto = None
        if self._auto_login and facts.has_staff:
            warm_up()  # the one place the ORM is imported (see ``warm_up``)
            from deskapp.services import staff as staff_svc

            with self.db.read() as session:
                auto = staff_svc.get_by_login(session, self._auto_login)
        self.call_from_thread(self._start, facts.site_name, facts.has_staff, auto)

    def _start(self, site_name: str, has_staff: bool, auto: Staff | None) -> None:
        self._ready_for_keys = True  # keys typed before this waited for the first screen
        self.site_name = site_name
        self.title = self.site_name or t("app.title")
        if auto is not None:
            self.login(auto)
        elif not has_staff:
            from deskapp.tui.screens.login import SetupScreen

            self.push_screen(SetupScreen())
        else:
            from deskapp.tui.screens.login import LoginScreen

            self.push_screen(LoginScreen())
        # Start-up (issue #17): once the first screen is drawn, load the rest in a worker
        # while the person types their login.
        self.call_after_refresh(self._warm_up)

    def _warm_up(self) -> None:
        gc.enable()  # off since the launch (``cli.open_app``): the first screen is drawn
        from deskapp.services.startup import warm_up

        def work() -> None:
            warm_up()
            self.db.engine  # noqa: B018 — the engine, off the UI thread

        self.run_worker(work, thread=True, group="warm-up", exit_on_error=False)

    def _after_login(self, staff: Staff, then: Callable[[], None]) -> None:
        """Run the areas' after-login hooks (open the desk's shift, the overdue sweeps …)
        in a worker, then ``then()`` on the UI thread — also when a hook failed: the error
        is shown and the desk still gets in."""
        from deskapp.services import hooks
        from deskapp.tui.base import notify_error, notify_unexpected, run_job

        def failed(err: Any) -> None:
            notify_error(self, err)
            then()

        def unexpected(err: Exception) -> None:
            notify_unexpected(self, err)
            then()

        desk = self.settings.desk
        job = run_job(self, lambda s: hooks.after_login(s, staff, desk), write=True,
                       request_id=None, done=lambda _: then(), failed=failed,
                       unexpected=unexpected)
        self.run_worker(job, thread=True, group="login", exit_on_error=False)

    def login(self, staff: Staff) -> None:
        """Called by the login/setup/lock screens once a staff member is verified."""
        if self.staff is not None and self.staff.id != staff.id:
            self.staff_generation += 1
        self.staff = staff
        self._locked = False
        self._areas_ready = False
        self._last_input = time.monotonic()
        self.refresh_bindings()
        self.sub_title = t("app.subtitle", desk=self.settings.desk, name=staff.name,
                           role=t(f"role.{staff.role.value}"))
        self._after_login(staff, self._enter_areas)

    def _enter_areas(self) -> None:
        for area in areas.AREAS:
            with contextlib.suppress(InvalidModeError):  # added at an earlier login
                self.add_mode(area.key, self._area_factory(area))
        # Leave the login screen(s) behind.
        while len(self.screen_stack) > 1:
            self.pop_screen()
        target = self._pending_area or self.current_area or areas.HOME
        self._pending_area = None
        self._areas_ready = True
        self.current_area = target
        self.switch_mode(target)

    def unlock(self, staff: Staff) -> None:
        """Same or another staff member logged in on the lock screen. The same person
        finds their work in progress as they left it. For another person, once the login
        hooks ran (their shift): ``staff_generation`` moves on, so every area screen
        reloads for them when next shown and every dialog opened for the previous person
        closes itself (``DeskScreen`` / ``DeskModal``); areas whose access differs for
        the new role are built afresh (a receptionist never inherits the staff screen)."""
        previous = self.staff
        if previous is not None and staff.id == previous.id:
            self._unlocked()
            return
        self.staff = staff
        self.staff_generation += 1
        self.sub_title = t("app.subtitle", desk=self.settings.desk, name=staff.name,
                           role=t(f"role.{staff.role.value}"))

        def enter() -> None:
            self._unlocked()
            was = previous.role if previous is not None else None
            self._rebuild_areas([a.key for a in areas.AREAS
                                 if (was in a.roles) != (staff.role in a.roles)])

        self._after_login(staff, enter)

    def _unlocked(self) -> None:
        self._locked = False
        self.use_command_palette = True
        self._last_input = time.monotonic()
        self.pop_screen()
        self.refresh_bindings()

    def _rebuild_areas(self, keys: list[str] | None = None) -> None:
        """Drop the screens (with their dialogs) of the areas ``keys`` (default: all);
        they are built again when next opened, the current one at once."""
        keys = [a.key for a in areas.AREAS] if keys is None else keys
        if not keys:
            return
        current = self.current_area or areas.HOME
        here = current in keys
        if here:
            self.switch_mode("_blank")
        for key in keys:
            with contextlib.suppress(UnknownModeError):  # never opened since login
                self.remove_mode(key)
            self.add_mode(key, self._area_factory(areas.by_key(key)))
        if here:
            self.switch_mode(current)

    def _area_factory(self, area: areas.Area) -> Callable[[], Screen[Any]]:
        def make() -> Screen[Any]:
            if self.staff is not None and self.staff.role not in area.roles:
                from deskapp.tui.screens.placeholder import PlaceholderScreen

                return PlaceholderScreen(area, denied=True)
            cls = areas.screen_class(area)
            if cls is None:
                from deskapp.tui.screens.placeholder import PlaceholderScreen

                return PlaceholderScreen(area)
            return cls()

        return make

    # ----------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("area", "lock") and (self.staff is None or self._locked):
            return False  # hidden from the footer until someone is logged in
        return True

    async def run_action(self, action: Any, default_namespace: Any = None,
                         namespaces: Any = None) -> bool:
        handled = await super().run_action(action, default_namespace, namespaces)
        if not handled:
            self._explain_refusal(action, default_namespace, namespaces)
        return handled

    def _explain_refusal(self, action: Any, default_namespace: Any, namespaces: Any) -> None:
        """A key whose action is refused right now (hidden or greyed in the footer) says
        why: the screen or widget owning the action may offer ``why_refused(action,
        parameters) -> str | None`` (the reason from its service and the next step)."""
        try:
            target, name, params = self._parse_action(
                action, self if default_namespace is None else default_namespace, namespaces)
        except Exception:  # noqa: BLE001 — not an action we can explain
            return
        why = getattr(target, "why_refused", None)
        message = why(name, params) if callable(why) else None
        if message:
            self.notify(message, severity="warning", timeout=6)

    def action_area(self, key: str) -> None:
        if self.staff is None or self._locked:
            return
        if not self._areas_ready:
            # Logged in, the after-login work still running: the key is kept and the area
            # opens as soon as the areas are there.
            self._pending_area = key
            self.notify(t("app.areas_loading"), timeout=2)
            return
        self.current_area = key
        self.switch_mode(key)
        stack = self.screen_stack
        if len(stack) == 1 and hasattr(stack[0], "entered_by_key"):
            stack[0].entered_by_key()  # its lists start on their newest row

    def action_command_palette(self) -> None:
        """Textual's palette, speaking the desk's language."""
        if self.use_command_palette and not textual_strings.DeskCommandPalette.is_open(self):
            self.push_screen(textual_strings.DeskCommandPalette())

    def get_key_display(self, binding: Binding) -> str:
        """Function keys as printed on the keyboard (F1, not f1); the rest as Textual
        shows them (^e, ⏎)."""
        key = binding.key.split(",")[0].strip()
        if not binding.key_display and re.fullmatch(r"f\d{1,2}", key):
            return key.upper()
        return super().get_key_display(binding)

    def action_help(self) -> None:
        from deskapp.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_lock(self) -> None:
        if self.staff is None or self._locked:
            return
        from deskapp.tui.screens.login import LockScreen

        self._locked = True
        self.use_command_palette = False
        self.push_screen(LockScreen())
        self.refresh_bindings()

    def action_change_password(self) -> None:
        from deskapp.tui.screens.login import PasswordScreen

        if self.staff is not None:
            self.push_screen(PasswordScreen())

    def action_switch_language(self) -> None:
        from deskapp.i18n import language

        set_language("en" if language() == "zh" else "zh")
        self.refresh_language()

    def refresh_language(self) -> None:
        """Rebuild every area screen so all text follows the new language."""
        translate_bindings(self)
        textual_strings.localise()
        if self.staff is None:
            return
        self.sub_title = t("app.subtitle", desk=self.settings.desk, name=self.staff.name,
                           role=t(f"role.{self.staff.role.value}"))
        self._rebuild_areas()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if self.staff is None or self._locked:
            return
        for area in areas.AREAS:
            if self.staff.role in area.roles:
                yield SystemCommand(t("palette.goto", area=t(area.title_key)),
                                    t("palette.goto.help", key=area.binding.upper()),
                                    lambda k=area.key: self.action_area(k))
        for title_key, callback in areas.palette_commands():
            yield SystemCommand(t(title_key), "", lambda cb=callback: cb(self))
        yield SystemCommand(t("palette.password"), "", self.action_change_password)
        yield SystemCommand(t("palette.language"), "", self.action_switch_language)
        yield SystemCommand(t("palette.lock"), "Ctrl+L", self.action_lock)
        yield SystemCommand(t("palette.help"), "F1", self.action_help)
        yield SystemCommand(t("palette.quit"), "Ctrl+Q", self.exit)

    # ----------------------------------------------------------------- keys in order
    # Textual hands a key to the widget focused *when the app reads it*, and moving the
    # focus is itself a message (Input.Submitted bubbling to the form, ``focus()`` queued
    # with ``call_later``). Keys that arrive in one read (a fast typist, a paste of keys, a
    # loaded machine) were therefore all queued on the old field before the focus moved:
    # "张三⏎139" gave the name "张三139", a password went into the login box. So a key is
    # handed on only once the screen has finished with the previous one (every widget's
    # queue empty, no focus change or screen callback pending); until then keys wait here,
    # in order, and each is handed to whatever has the focus by then.
    KEY_HOLD_LIMIT = 0.5  # seconds a key waits for a busy screen before it goes anyway
    KEY_HOLD_ASKED = 5.0  # … and for a screen that asks keys to wait (``holds_keys``)

    def _starting(self) -> bool:
        """No screen to type into yet: the login screen is not up, or the after-login
        work has not installed the areas. Keys wait for as long as that takes."""
        return not self._ready_for_keys or (self.staff is not None and not self._areas_ready)

    def _screen_holds(self) -> bool:
        """The screen asks for keys to wait (``holds_keys``): the login screen while it
        checks the password, the unit picker while its pick is on the way."""
        try:
            return bool(getattr(self.screen, "holds_keys", False))
        except Exception:  # noqa: BLE001 — no screen yet
            return True

    def _screen_busy(self) -> bool:
        if self._starting() or self._screen_holds():
            return True
        queue = self._message_queue
        if self._next_callbacks or any(isinstance(m, events.Callback) for m in queue.values):
            return True
        try:
            screen = self.screen
        except Exception:  # noqa: BLE001 — no screen yet
            return True
        if screen._callbacks:
            return True
        for node in screen.walk_children(with_self=True):
            if node.is_running and (node._message_queue.values
                                    or node._pending_message is not None
                                    or node._next_callbacks):
                # _next_callbacks: a widget runs those after the message it has already
                # taken off its queue (a dialog's result callback, ``call_next``): between
                # the two it looks idle, and a key let through then went to the old focus
                return True
        return False

    def _hold_key(self, event: events.Key) -> None:
        if not self._held_keys:
            self._hold_since = time.monotonic()
            self.set_timer(0.005, self._schedule_release)
        self._held_keys.append(event)

    def _schedule_release(self) -> None:
        self.call_later(self._release_keys)

    async def _release_keys(self) -> None:
        while self._held_keys:
            waited = time.monotonic() - self._hold_since
            busy = self._screen_busy()
            if busy:
                self._idle_seen = False
            elif not self._idle_seen:
                # Idle twice in a row, one timer tick apart: a widget paused inside a
                # handler (an ``await``) has had its turn to post what follows.
                self._idle_seen = True
                busy = True
            if self._starting() or (self._screen_holds() and waited < self.KEY_HOLD_ASKED) \
                    or (busy and waited < self.KEY_HOLD_LIMIT):
                self.set_timer(0.005, self._schedule_release)
                return
            self._idle_seen = False
            self._hold_since = time.monotonic()
            await super().on_event(self._held_keys.popleft())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown,
                              events.MouseScrollUp)):
            self._last_input = time.monotonic()
        if (isinstance(event, events.Key) and not event.is_forwarded
                and event.key not in ("ctrl+q", "ctrl+c") and (self._held_keys or self._screen_busy())):
            self._hold_key(event)
            return
        await super().on_event(event)

    def _check_idle(self) -> None:
        idle = time.monotonic() - self._last_input
        if self.staff is not None and not self._locked and idle >= self.settings.idle_lock_seconds:
            self.action_lock()

    def is_supervisor(self) -> bool:
        return self.staff is not None and self.staff.role == Role.SUPERVISOR


def create_app(settings: Settings, *, login: str | None = None, upgrade: bool = True) -> DeskApp:
    """The one app factory: configure language, clock and database, upgrade the schema."""
    from deskapp.services.startup import sqlite_launch

    set_language(settings.language)
    clock.set_timezone(settings.timezone)
    db = Database(settings.db_url)
    # Start-up (issue #17): a SQLite file already at the scripts' heads is checked with the
    # standard library, and its start facts read on the same connection (the login form is
    # then pushed at once, no worker); SQLAlchemy and Alembic load only for a database to
    # upgrade, and the facts of any other database are read in a worker.
    current, facts = sqlite_launch(settings.db_url)
    if upgrade and not current:
        from deskapp.db import migrate

        migrate.upgrade(db.engine)
        facts = None
    return DeskApp(settings=settings, db=db, login=login, start_facts=facts)
