"""The reveal dialog: shows one full ID number or phone after the staff member has typed a
reason; the service writes the audit entry. Any screen can open it::

    from deskapp.tui.widgets.reveal import open_reveal
    open_reveal(self.app, table="occupant", record_id=occ.id, column="phone",
                masked=mask_phone(occ.phone))

The full value appears in the dialog only — it is never handed back to the calling screen
— and the dialog closes by itself after :data:`SHOW_SECONDS`.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, Static

from deskapp.i18n import t
from deskapp.services import reveal as reveal_svc
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.form import Field, FormMixin

__all__ = ["SHOW_SECONDS", "RevealModal", "field_label", "open_reveal"]

SHOW_SECONDS = 30


def field_label(column: str) -> str:
    return t("ops.field.id_number") if column.endswith("id_number") else t("ops.field.phone")


class RevealModal(FormMixin, DeskModal[bool]):
    """Dismisses with True once the value was shown, False when cancelled."""

    DEFAULT_CSS = """
    RevealModal { align: center middle; }
    RevealModal > Vertical { width: 72; height: auto; border: thick $warning;
                             background: $surface; padding: 1 2; }
    RevealModal .reveal-what { padding: 0 0 1 0; }
    RevealModal .hint { color: $text-muted; padding: 1 0 0 0; }
    RevealModal #reveal-value { text-style: bold; color: $warning; padding: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("ctrl+s", "show", t("ops.reveal.key.show"), id="ops.reveal.key.show"),
        Binding("escape", "close", t("key.close"), id="key.close"),
    ]

    def __init__(self, *, table: str, record_id: int, column: str, masked: str = "",
                 label: str | None = None, seconds: float = SHOW_SECONDS) -> None:
        super().__init__()
        self.table, self.record_id, self.column = table, record_id, column
        self.masked = masked
        self.label = label or field_label(column)
        self.seconds = max(0.05, seconds)
        self.shown = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("ops.reveal.title"), classes="title")
            yield Static(t("ops.reveal.what", field=self.label, masked=self.masked or "—"),
                         classes="reveal-what")
            yield Field(t("ops.reveal.reason"), Input(id="reveal-reason",
                                                       max_length=reveal_svc.REASON_MAX),
                        name="reason", required=True)
            yield Static(t("ops.reveal.hint"), classes="hint")
            yield Static("", id="reveal-value")
            yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#reveal-reason", Input).focus()

    @on(Input.Submitted, "#reveal-reason")
    def _submitted(self, _event: Input.Submitted) -> None:
        self.action_show()

    def action_show(self) -> None:
        if self.shown:
            return
        self.clear_errors()
        by = self.app.staff
        reason = self.query_one("#reveal-reason", Input).value
        table, record_id, column = self.table, self.record_id, self.column
        self.call_service(
            lambda s: reveal_svc.reveal(s, by=by, table=table, record_id=record_id,
                                        column=column, reason=reason),
            write=True, done=self._show_value)

    def _show_value(self, value: str) -> None:
        self.shown = True
        self.query_one("#reveal-reason", Input).disabled = True
        self.query_one("#reveal-value", Static).update(
            f"{t('ops.reveal.shown', seconds=f'{self.seconds:g}')} {value}")
        self.set_timer(self.seconds, self._expire)

    def _expire(self) -> None:
        if self.is_attached and self.app.screen is self:
            self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(self.shown)


def open_reveal(app: Any, *, table: str, record_id: int, column: str, masked: str = "",
                label: str | None = None, callback: Any = None) -> None:
    """Push the reveal dialog for ``table.column`` of record ``record_id``."""
    app.push_screen(RevealModal(table=table, record_id=record_id, column=column,
                                masked=masked, label=label), callback)
