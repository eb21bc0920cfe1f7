"""Printing from a screen: one call for every document of the desk.

``print_document(screen, "receipt", receipt_id)`` renders, saves and audits the document
through the documents service (:mod:`deskapp.printing.documents`) as one business action,
then sends it to the desk's printer in a thread and tells the user in one line what
happened: the file name (never a raw path cut mid-word) and the printer's answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

__all__ = ["deliver_in_background", "print_document"]


def deliver_in_background(app: Any, made: Any, *, prefix: str = "") -> None:
    """Send a produced document (:func:`deskapp.printing.documents.produce`) to the desk's
    printer in a thread; one toast says what was saved and what the printer answered."""
    from deskapp.printing import documents

    settings = dict(app.settings.extra)

    def send() -> None:
        outcome = documents.deliver(made, settings=settings)
        severity = "warning" if outcome.printer and not outcome.sent else "information"
        text = documents.summary(made, outcome)
        app.call_from_thread(app.notify, f"{prefix}\n{text}" if prefix else text,
                             severity=severity, timeout=10)

    app.run_worker(send, thread=True, group="print", exit_on_error=False)


def print_document(screen: Any, kind: str, ref: int | str | Callable[[Session], int | str], *,
                   then: Callable[[Any], Any] | None = None) -> None:
    """Print ``kind`` for ``ref`` (a record id or number, or a function of the session
    returning one) from ``screen`` (a DeskScreen/DeskModal). ``then(produced)`` runs on
    the UI thread once the document is saved."""
    from deskapp.printing import documents

    app = screen.app
    by = app.staff
    settings = dict(app.settings.extra)

    def make(session: Session) -> documents.Produced:
        target = ref(session) if callable(ref) else ref
        return documents.produce(session, by=by, kind=kind, ref=target, settings=settings)

    def produced(made: documents.Produced) -> None:
        if then is not None:
            then(made)
        deliver_in_background(app, made)

    screen.call_service(make, write=True, done=produced)
