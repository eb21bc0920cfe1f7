"""Printing from a screen: one call for every document of the desk.

``print_document(screen, "receipt", receipt_id)`` renders, saves and audits the document
through the documents service (:mod:`deskapp.printing.documents`) as one business action,
then sends it to the desk's printer in a thread and tells the user in one line what
happened: the file name (never a raw path cut mid-word) and the printer's answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static

from deskapp.i18n import t
from deskapp.tui.base import DeskModal

__all__ = ["DocumentMenu", "choose_and_print", "deliver_in_background", "print_document"]


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


class DocumentMenu(DeskModal[int | None]):
    """Choose one of a record's papers by its digit (1–9); Esc prints nothing. The screen
    then prints the chosen one with :func:`print_document`."""

    DEFAULT_CSS = """
    DocumentMenu { align: center middle; }
    DocumentMenu > Vertical {
        width: auto; min-width: 48; max-width: 90%; height: auto; max-height: 90%;
        padding: 1 2; border: round $primary; background: $surface;
    }
    DocumentMenu .menu-title { text-style: bold; margin-bottom: 1; }
    DocumentMenu .menu-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", t("key.close"), id="key.close")]

    def __init__(self, title: str, labels: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.labels = labels[:9]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="menu-title")
            yield Static("\n".join(f"{n}  {label}" for n, label in enumerate(self.labels, 1)))
            yield Static(t("print.menu.hint", n=len(self.labels)), classes="menu-hint")
        yield Footer()

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            n = int(event.character)
            event.stop()
            if 1 <= n <= len(self.labels):
                self.dismiss(n - 1)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def choose_and_print(screen: Any, title: str,
                     papers: list[tuple[str, int | str, str]]) -> None:
    """Offer ``papers`` (kind, ref, label) in a :class:`DocumentMenu` and print the one
    chosen."""

    def chosen(index: int | None) -> None:
        if index is not None:
            kind, ref, _label = papers[index]
            print_document(screen, kind, ref)

    screen.app.push_screen(DocumentMenu(title, [label for _k, _r, label in papers]), chosen)
