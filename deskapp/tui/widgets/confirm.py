"""The one confirmation dialog of the desk.

Every destructive or money action (void, refund, daily close, deposit refund, filing
cancel, complaint archive, staff disable …) and every "are you sure" question goes through
:class:`ConfirmDialog`::

    ConfirmDialog(title, [(label, value), ...], notes=[...], confirm_key="y",
                  confirm_label_key="cashier.confirm.void_key")

It names exactly what will happen (the lines: document number, unit, payer, amount …;
``notes``: consequences in other areas, warnings) and needs the explicit ``confirm_key``
(default ``y``). **Enter never confirms** — the Enter that submitted the form before it
must not also confirm it — and ``n`` / Esc cancel. It dismisses with ``True`` (confirmed)
or ``False``.

The text should come from the service at the moment of asking: :func:`confirm_action`
runs the action's ``*_preview`` service function (which also runs the action's checks, so
a refusal shows instead of the dialog), shows its :class:`ActionPreview`, and calls
``then(preview)`` only when confirmed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, Static

from deskapp.errors import DeskError
from deskapp.i18n import t
from deskapp.services.preview import ActionPreview
from deskapp.tui.base import DeskModal, bindings_of

__all__ = ["ConfirmDialog", "confirm_action"]


class ConfirmDialog(DeskModal[bool]):
    """Title, ``(label, value)`` lines, notes; ``confirm_key`` confirms, ``n``/Esc cancel,
    Enter does nothing. What it asks about stays visible behind it, dimmed (the class
    ``-below`` puts it at the bottom, clear of a form in the middle)."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog.-below { align: center bottom; }
    ConfirmDialog > Vertical { width: 80; height: auto; max-height: 90%;
                               border: thick $warning; background: $surface; padding: 0 2; }
    ConfirmDialog #confirm-title { text-style: bold; height: auto; }
    ConfirmDialog #confirm-body { height: auto; padding: 1 0 0 0; }
    ConfirmDialog #confirm-notes { height: auto; color: $warning; padding: 1 0 0 0; }
    ConfirmDialog #confirm-hint { height: auto; color: $text-muted; padding: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("n", "cancel", t("key.cancel"), id="key.cancel"),
        Binding("escape", "cancel", t("key.cancel"), id="key.cancel", show=False),
        # Enter is taken so that it does nothing here (and reaches nothing underneath).
        Binding("enter", "nothing", "", show=False, id="confirm.enter"),
    ]

    def __init__(self, title: str, lines: Sequence[tuple[str, str]] = (), *,
                 message: str = "", notes: Sequence[str] = (), confirm_key: str = "y",
                 confirm_label_key: str = "confirm.key.yes") -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.message = message
        self.notes = list(notes)
        self.confirm_key = confirm_key
        # A new list: the class's binding lists are shared between instances.
        bindings_of(self).key_to_bindings[confirm_key] = [
            Binding(confirm_key, "confirm", t(confirm_label_key), id=confirm_label_key)]
        self.confirm_label = t(confirm_label_key)

    @classmethod
    def of(cls, preview: ActionPreview, **kw: Any) -> ConfirmDialog:
        """The dialog for a service's :class:`ActionPreview`."""
        return cls(preview.title, preview.lines, notes=preview.notes, **kw)

    def body(self) -> Text:
        text = Text()
        if self.message:
            text.append(self.message + "\n")
        width = max((cell_len(label) for label, _ in self.lines), default=0) + 2
        for label, value in self.lines:
            text.append(label + " " * (width - cell_len(label)), style="dim")
            text.append(f"{value}\n", style="bold")
        return text

    def compose(self) -> ComposeResult:
        with Vertical():
            # not the app's .title (its padding would win over this dialog's)
            yield Label(self.title_text, id="confirm-title")
            if self.message or self.lines:
                yield Static(self.body(), id="confirm-body")
            if self.notes:
                yield Static("\n".join(f"⚠ {n}" for n in self.notes), id="confirm-notes")
            yield Static(t("confirm.hint", letter=self.confirm_key.upper(),
                           action=self.confirm_label), id="confirm-hint")
            yield Footer()

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_nothing(self) -> None:
        """Enter: not a confirmation."""


def confirm_action(owner: Any, preview: Callable[[Session], ActionPreview],
                   then: Callable[[ActionPreview], Any], *,
                   failed: Callable[[DeskError], Any] | None = None, confirm_key: str = "y",
                   confirm_label_key: str = "confirm.key.yes") -> None:
    """Ask the service what the action will do (``preview``, a read call run off the UI
    thread by ``owner.call_service``), show it in a :class:`ConfirmDialog`, and call
    ``then(preview)`` once confirmed. A refusal from the preview goes to ``failed`` (default:
    the owner's error display) and no dialog opens."""

    def ask(result: ActionPreview) -> None:
        owner.app.push_screen(
            ConfirmDialog.of(result, confirm_key=confirm_key,
                             confirm_label_key=confirm_label_key),
            lambda ok: then(result) if ok else None)

    owner.call_service(preview, done=ask, failed=failed)
