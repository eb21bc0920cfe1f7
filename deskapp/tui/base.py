"""What every screen shares: header and footer, service calls off the UI thread, error
display, and bindings whose descriptions follow the language."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from deskapp.errors import DeskError, ValidationError
from deskapp.i18n import has, t
from deskapp.tui.guard import GuardedDispatch

if TYPE_CHECKING:
    from sqlmodel import Session  # only in annotations: keeps the ORM out of start-up

    from deskapp.tui.app import DeskApp

T = TypeVar("T")
log = logging.getLogger("deskapp")


def bindings_of(node: DOMNode) -> BindingsMap:
    """The node's own bindings (its class's, merged, plus what was added to the instance)."""
    return node._bindings  # Textual 8.2.8 has no public API for a node's own bindings map


def translate_bindings(node: DOMNode) -> None:
    """Bindings carry their catalogue key as ``id``; refresh each description from the
    catalogue so the footer speaks the current language."""
    own = bindings_of(node).key_to_bindings
    for key, bindings in list(own.items()):
        own[key] = [
            dataclasses.replace(b, description=t(b.id)) if b.id and has(b.id) else b
            for b in bindings
        ]


def action_label(node: DOMNode, action: str) -> str:
    """The footer's label of ``action`` (``step:visit`` for ``step('visit')``) on ``node``."""
    from textual.actions import parse

    for bindings in bindings_of(node).key_to_bindings.values():
        for binding in bindings:
            _, name, params = parse(binding.action)
            if name + "".join(f":{p}" for p in params) == action:
                return binding.description
    return action


def next_step_hint(node: DOMNode, actions: Any) -> str:
    """「。下一步：按 V 回访」: the key of the first of ``actions`` (action names, in the
    workflow's order; ``step:visit`` for ``step('visit')``) that ``node`` allows now, to follow a refusal's reason; ``""`` when
    none is allowed."""
    from textual.actions import parse

    wanted = list(actions)
    found: list[tuple[int, str, str]] = []
    for bindings in bindings_of(node).key_to_bindings.values():
        for binding in bindings:
            _, name, params = parse(binding.action)
            ident = name + "".join(f":{p}" for p in params)  # step('visit') → step:visit
            if ident in wanted and node.check_action(name, params):
                found.append((wanted.index(ident), binding.key, binding.description))
    if not found:
        return ""
    _, key, description = min(found)
    return t("common.refused.next_key", letter=key.upper(), action=description)


def run_job(
    app: DeskApp,
    fn: Callable[[Session], T],
    *,
    write: bool,
    request_id: str | None,
    done: Callable[[T], Any] | None,
    failed: Callable[[DeskError], Any],
    unexpected: Callable[[Exception], Any],
    finished: Callable[[], Any] | None = None,
) -> Callable[[], None]:
    """The thread body of a service call: a read session, or one business action through
    :meth:`Database.run_write` (retried when the database asks, never done twice for the
    same request id); results and errors handed back to the UI thread."""

    def job() -> None:
        from deskapp.services.startup import warm_up

        try:
            try:
                warm_up()  # the ORM and the services, imported in one place (issue #17)
                if write:
                    result = app.db.run_write(fn, request_id=request_id or uuid.uuid4().hex)
                else:
                    with app.db.read() as session:
                        result = fn(session)
            finally:
                if finished is not None:
                    app.call_from_thread(finished)
        except DeskError as err:
            app.call_from_thread(failed, err)
            return
        except Exception as err:  # noqa: BLE001 — shown to the user, logged in full
            log.exception("service call failed")
            app.call_from_thread(unexpected, err)
            return
        if done is not None:
            app.call_from_thread(done, result)

    return job


def notify_error(app: DeskApp, err: DeskError) -> None:
    app.notify(str(err), severity="error", title=t("error.title"), timeout=8)


def notify_unexpected(app: DeskApp, err: Exception) -> None:
    from deskapp.logsetup import log_file

    app.notify(t("error.unexpected", error=type(err).__name__, log=log_file()),
               severity="error",
               title=t("error.title"), timeout=12)


def app_call(app: Any, fn: Callable[[Session], Any], *, write: bool = False,
             done: Callable[[Any], Any] | None = None, group: str = "app") -> Worker[None]:
    """A service call in a thread worker owned by the app, for follow-ups that outlive the
    screen that started them (openers, palette commands, what follows a saved contact).
    Errors show as notifications."""
    job = run_job(app, fn, write=write, request_id=None, done=done,
                   failed=lambda err: notify_error(app, err),
                   unexpected=lambda err: notify_unexpected(app, err))
    return app.run_worker(job, thread=True, group=group, exit_on_error=False)  # type: ignore[no-any-return]


class ServiceMixin:
    """Run service functions in thread workers and hand results back to the UI thread."""

    app: DeskApp

    @property
    def request_id(self) -> str:
        """The id of this form's business action: the same for every Ctrl+S until one
        succeeds (so a double press or a retry saves once), then a new one for the next
        record the same screen saves."""
        rid: str | None = self.__dict__.get("_request_id")
        if rid is None:
            rid = self.__dict__["_request_id"] = uuid.uuid4().hex
        return rid

    def call_service(
        self,
        fn: Callable[[Session], T],
        *,
        write: bool = False,
        done: Callable[[T], Any] | None = None,
        failed: Callable[[DeskError], Any] | None = None,
        group: str = "db",
        exclusive: bool = False,
        request_id: str | None = None,
    ) -> Worker[None] | None:
        """Run ``fn(session)`` in a thread worker; ``done(result)`` / ``failed(error)`` run
        on the UI thread. ``write=True`` makes it one business action with its own request
        id; pass ``request_id=self.request_id`` from a form so that pressing save again
        while the first save runs does nothing and a save that did commit is never
        repeated. Returns ``None`` when that same request is still running."""
        in_flight: set[str] = self.__dict__.setdefault("_requests_in_flight", set())
        if request_id is not None:
            if request_id in in_flight:
                return None
            in_flight.add(request_id)

        def finished() -> None:
            if request_id is not None:
                in_flight.discard(request_id)

        def succeeded(result: T) -> None:
            if request_id is not None and self.__dict__.get("_request_id") == request_id:
                del self.__dict__["_request_id"]  # the next record gets a new id
            if done is not None:
                done(result)
            if write:
                # the record's state changed: the footer shows the keys it allows now
                self.refresh_bindings()  # type: ignore[attr-defined]

        job = run_job(self.app, fn, write=write, request_id=request_id,
                       done=succeeded, failed=failed or self.show_error,
                       unexpected=self.show_unexpected, finished=finished)
        return self.run_worker(  # type: ignore[attr-defined,no-any-return]
            job, thread=True, group=group, exclusive=exclusive, exit_on_error=False
        )

    def show_error(self, err: DeskError) -> None:
        if isinstance(err, ValidationError) and err.field and hasattr(self, "show_field_error"):
            self.show_field_error(err.field, str(err))  # type: ignore[attr-defined]
            return
        notify_error(self.app, err)

    def show_unexpected(self, err: Exception) -> None:
        notify_unexpected(self.app, err)


def _in_language(active: Any) -> Any:
    binding = active.binding
    if binding.id and has(binding.id):
        text = t(binding.id)
        if text != binding.description:
            return active._replace(binding=dataclasses.replace(binding, description=text))
    return active


class HelpFirstMixin:
    """F1 first in the footer: at 80 columns the footer cuts off at the right, and the key
    that lists every other key must never be the one cut off."""

    @property
    def active_bindings(self) -> dict[str, Any]:
        bindings: dict[str, Any] = super().active_bindings  # type: ignore[misc]
        # Every footer entry in the current language: a widget's class-level description
        # was translated in whatever language its module happened to be imported in.
        bindings = {key: _in_language(active) for key, active in bindings.items()}
        if "f1" not in bindings:
            return bindings
        return {"f1": bindings["f1"], **{k: v for k, v in bindings.items() if k != "f1"}}


def _generation(node: Any) -> int:
    return int(getattr(node.app, "staff_generation", 0))


class DeskScreen(GuardedDispatch, HelpFirstMixin, ServiceMixin, Screen[None]):
    """Base of the area screens: header with site/desk/staff/clock, footer with keys.

    Every area screen also gets:

    * :meth:`entered_by_key` — opened or returned to by its area key (F2…F10), its
      record lists reload on their newest row;
    * :meth:`staff_changed` — shown again after *another* person logged in or unlocked
      the desk (``app.staff_generation`` moved on): by default the keys are re-checked for
      the new role and ``reload()`` runs (else the record lists reload). Screens showing
      the person's own figures (the cashier's takings) extend it.
    """

    AREA: str = ""

    def on_mount(self) -> None:
        self._seen_generation = _generation(self)
        translate_bindings(self)
        if self.AREA:
            from deskapp.tui.widgets.area_bar import AreaBar

            if not self.query(AreaBar):
                self.mount(AreaBar(self.AREA), before=0)

    @property
    def staff(self):  # type: ignore[no-untyped-def]
        return self.app.staff

    def refresh_bindings(self) -> None:
        """Tell the footer (and the F1 key panel) the keys changed — once per refresh, only
        while the screen is shown, and only when what they show did change.

        Issue #17: Textual's ``Footer`` rebuilds itself (removes and mounts ~20 keys, each
        restyled) on every call. An area switch made three: the screen left (its stack
        counter moved: it is hidden, its footer was rebuilt for nobody), the screen shown
        and ``on_screen_resume``; a cursor key in a list made one more. A screen hidden
        now catches up when shown again (Textual calls this on every resume)."""
        if not self.is_current or getattr(self, "_bindings_pending", False):
            return
        self._bindings_pending = True
        self.call_after_refresh(self._publish_bindings)

    def _publish_bindings(self) -> None:
        self._bindings_pending = False
        if not self.is_current:
            return
        shown = self._bindings_shown()
        if shown is None or shown != getattr(self, "_bindings_published", None):
            self._bindings_published = shown
            super().refresh_bindings()

    def _bindings_shown(self) -> tuple[object, ...] | None:
        """Everything a footer or key panel draws from: each active binding (key, label,
        shown, enabled, tooltip) in footer order, the terminal's focus (a footer stays
        as it is while the terminal has none) and which footers and panels there are (a
        new one needs its first drawing). ``None`` while one is still being mounted:
        it may not listen yet, so the next call tells it again."""
        from textual.widgets import Footer, KeyPanel

        listeners = [node for node in self.walk_children(with_self=False)
                     if isinstance(node, (Footer, KeyPanel))]  # (a walk: cheaper than query)
        if not all(node.is_mounted for node in listeners):
            return None
        keys = tuple((key, active.binding, active.enabled, active.tooltip)
                     for key, active in self.active_bindings.items())
        return keys, self.app.app_focus, tuple(listeners)  # the nodes: compared by identity

    def post_message(self, message: Message) -> bool:
        # Issue #17: shown again by its area key (``switch_mode``), a screen gets
        # ``ScreenResume(refresh_styles=True)``: Textual restyles every widget (80–190 of
        # them, most of an area switch). Closing a dialog already resumes without it.
        # Skip it when nothing the styles depend on changed since the screen was left —
        # the same widgets (none mounted or removed meanwhile), terminal focus, theme,
        # stylesheet, signed-in person; a stylesheet change is applied by
        # ``switch_mode`` itself (``refresh_css``).
        if isinstance(message, events.ScreenResume) and message.refresh_styles:
            left, self._left_as = getattr(self, "_left_as", None), None
            if left is not None and left == self._style_state():
                message.refresh_styles = False
        return super().post_message(message)

    def on_screen_suspend(self) -> None:
        self._left_as = self._style_state()

    def _style_state(self) -> tuple[object, ...]:
        """What a hidden screen's styles depend on besides classes changed in place
        (those restyle their widget at once)."""
        app = self.app
        # The nodes themselves (compared by identity), not their ids: a widget removed
        # and another mounted at the same address must not look like nothing happened.
        nodes = tuple(self.walk_children(with_self=False))
        return (app.app_focus, app.theme, getattr(app, "staff_generation", 0),
                app._css_update_count, app.size, nodes)  # (no public API for the CSS version)

    RELOAD_AFTER_SECONDS = 60.0
    """Shown again later than this, the screen reloads even when nothing was written
    (today's filters and overdue marks follow the clock)."""

    def on_screen_resume(self) -> None:
        # back from a dialog that may have changed the record: keys follow its state
        self.refresh_bindings()
        generation = _generation(self)
        if getattr(self, "_seen_generation", generation) != generation:
            self._seen_generation = generation
            self.staff_changed()
            return
        self._reload_if_changed()

    def _reload_if_changed(self) -> None:
        """Issue #17: shown again (area key, back from another area or a dialog), the
        screen reloads only when business data was written since it was last loaded — a
        cheap change mark (``services.startup.change_mark``) read off the UI thread — or
        it is older than :attr:`RELOAD_AFTER_SECONDS`. The first showing only remembers
        the mark: the lists are loading already."""
        import time

        from deskapp.services.startup import change_mark

        def decide(mark: tuple[int, int]) -> None:
            seen = getattr(self, "_seen_mark", None)
            fresh = time.monotonic() - getattr(self, "_seen_at", 0.0) < self.RELOAD_AFTER_SECONDS
            if seen is not None and (seen != mark or not fresh):
                self.data_changed()
            if seen is None or seen != mark or not fresh:
                self._seen_mark, self._seen_at = mark, time.monotonic()

        self.call_service(change_mark, done=decide, group="resume-mark")

    def data_changed(self) -> None:
        """Data was written since the screen was loaded: ``reload()`` (else every record
        list refreshes, keeping its cursor on its record)."""
        from deskapp.tui.widgets.record_list import RecordList

        reload = getattr(self, "reload", None)
        if callable(reload):
            reload()
        else:
            for record_list in self.query(RecordList):
                record_list.refresh_data()

    def staff_changed(self) -> None:
        """Another person is logged in now: show their data, their keys."""
        from deskapp.tui.widgets.area_bar import AreaBar
        from deskapp.tui.widgets.record_list import RecordList

        self.refresh_bindings()
        for bar in self.query(AreaBar):  # the new person's areas (F10 for a supervisor)
            bar.refresh(layout=True)
        reload = getattr(self, "reload", None)
        if callable(reload):
            reload()
        else:
            for record_list in self.query(RecordList):
                record_list.refresh_data()

    def entered_by_key(self) -> None:
        """The area was opened or returned to by its key (F2…F10): every record list on
        it reloads with the cursor on its newest row."""
        from deskapp.tui.widgets.record_list import RecordList

        for record_list in self.query(RecordList):
            # No reload here: the cursor goes to the newest row at once, and the resume
            # check above reloads (on the newest row) only when data changed.
            record_list.show_newest(reload=False)


class DeskModal(GuardedDispatch, HelpFirstMixin, ServiceMixin, ModalScreen[T]):
    """Base of the dialogs. A dialog opened for one person closes itself, as if cancelled,
    when it is shown again after another person logged in or unlocked the desk: no one
    saves, confirms or voids in a dialog filled for somebody else."""

    def on_mount(self) -> None:
        self._seen_generation = _generation(self)
        translate_bindings(self)

    def on_screen_resume(self) -> None:
        generation = _generation(self)
        if getattr(self, "_seen_generation", generation) != generation:
            self.dismiss(None)
