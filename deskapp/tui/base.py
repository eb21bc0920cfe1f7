"""What every screen shares: header and footer, service calls off the UI thread, error
display, and bindings whose descriptions follow the language."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlmodel import Session
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from deskapp.errors import DeskError, ValidationError
from deskapp.i18n import has, t

if TYPE_CHECKING:
    from deskapp.tui.app import DeskApp

T = TypeVar("T")
log = logging.getLogger("deskapp")


def translate_bindings(node: DOMNode) -> None:
    """Bindings carry their catalogue key as ``id``; refresh each description from the
    catalogue so the footer speaks the current language."""
    for key, bindings in list(node._bindings.key_to_bindings.items()):
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(b, description=t(b.id)) if b.id and has(b.id) else b
            for b in bindings
        ]


class ServiceMixin:
    """Run service functions in thread workers and hand results back to the UI thread."""

    app: DeskApp

    def call_service(
        self,
        fn: Callable[[Session], T],
        *,
        write: bool = False,
        done: Callable[[T], Any] | None = None,
        failed: Callable[[DeskError], Any] | None = None,
        group: str = "db",
        exclusive: bool = False,
    ) -> Worker[None]:
        app = self.app

        def job() -> None:
            try:
                ctx = app.db.write() if write else app.db.read()
                with ctx as session:
                    result = fn(session)
            except DeskError as err:
                app.call_from_thread(failed or self.show_error, err)
                return
            except Exception as err:  # noqa: BLE001 — shown to the user, logged in full
                log.exception("service call failed")
                app.call_from_thread(self.show_unexpected, err)
                return
            if done is not None:
                app.call_from_thread(done, result)

        return self.run_worker(  # type: ignore[attr-defined]
            job, thread=True, group=group, exclusive=exclusive, exit_on_error=False
        )

    def show_error(self, err: DeskError) -> None:
        if isinstance(err, ValidationError) and err.field and hasattr(self, "show_field_error"):
            self.show_field_error(err.field, str(err))  # type: ignore[attr-defined]
            return
        self.app.notify(str(err), severity="error", title=t("error.title"), timeout=8)

    def show_unexpected(self, err: Exception) -> None:
        self.app.notify(t("error.unexpected", error=type(err).__name__), severity="error",
                        title=t("error.title"), timeout=12)


class DeskScreen(ServiceMixin, Screen[None]):
    """Base of the area screens: header with site/desk/staff/clock, footer with keys."""

    AREA: str = ""

    def on_mount(self) -> None:
        translate_bindings(self)
        if self.AREA:
            from deskapp.tui.widgets.area_bar import AreaBar

            if not self.query(AreaBar):
                self.mount(AreaBar(self.AREA), before=0)

    @property
    def staff(self):  # type: ignore[no-untyped-def]
        return self.app.staff


class DeskModal(ServiceMixin, ModalScreen[T]):
    def on_mount(self) -> None:
        translate_bindings(self)
