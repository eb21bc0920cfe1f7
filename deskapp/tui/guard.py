"""No exception in an event handler takes the desk down (issue #14.5).

Textual ends the app on any exception that escapes a message handler, and stops the
message loop of the widget or screen whose handler raised. The desk instead logs the error
in full (to the log file, personal data masked — :mod:`deskapp.logsetup`), shows the
receptionist a toast naming that file, and carries on:

* :class:`GuardedDispatch` (mixed into the app and every desk screen and dialog) catches the
  exception where the message is dispatched, so the screen keeps processing keys;
* :func:`report_unexpected` is also what the app's ``_handle_exception`` calls for errors
  Textual reports from elsewhere (timers, callbacks, widgets of Textual's own).
"""

from __future__ import annotations

import logging
from typing import Any

from textual.message import Message
from textual.worker import WorkerFailed

from deskapp.i18n import t

log = logging.getLogger("deskapp.tui")


def unwrap(error: BaseException) -> BaseException:
    return error.error if isinstance(error, WorkerFailed) else error


def report_unexpected(app: Any, error: BaseException) -> None:
    """Log ``error`` with its traceback, keep it on ``app.unexpected_errors`` (tests look
    there), and tell the user where the details are."""
    from deskapp.logsetup import log_file

    error = unwrap(error)
    log.error("unexpected error in the desk: %s", type(error).__name__,
              exc_info=(type(error), error, error.__traceback__))
    vars(app).setdefault("unexpected_errors", []).append(error)
    try:
        app.notify(t("error.unexpected_kept", error=type(error).__name__, log=log_file()),
                   severity="error", title=t("error.title"), timeout=15)
    except Exception:  # noqa: BLE001 — the report itself must never bring the desk down
        log.exception("could not show the unexpected-error toast")


class GuardedDispatch:
    """Catches what a message handler raises, reports it, and keeps the loop running."""

    app: Any

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 — reported, the desk stays up
            report_unexpected(self.app, error)
