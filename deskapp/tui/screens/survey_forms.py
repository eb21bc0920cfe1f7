"""Small dialogs of the survey screen: a read-only text view (response, follow-up,
analysis report). Its forms are :class:`deskapp.tui.widgets.form.SpecForm`."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Label, Static

from deskapp.i18n import t
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.reveal import RevealMixin, RevealTarget


class TextModal(RevealMixin, DeskModal[str | None]):
    """A scrollable text with extra key actions; dismisses with the action's name. ``k``
    reveals what the text shows masked (``targets``; ``v`` is the void action)."""

    DEFAULT_CSS = """
    TextModal { align: center middle; }
    TextModal > Vertical { width: 90%; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    TextModal VerticalScroll { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", t("key.close"), id="key.close")]
    REVEAL_KEY = "k"

    def __init__(self, title: str, body: Text | str,
                 actions: list[tuple[str, str, str]] | None = None,
                 targets: list[RevealTarget] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.targets = list(targets or [])
        for key, name, label_key in actions or []:
            if key == self.REVEAL_KEY:
                raise ValueError(f"{key!r} is the reveal key of TextModal")
            self._bindings.key_to_bindings.setdefault(key, []).append(
                Binding(key, f"pick('{name}')", t(label_key), id=label_key))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            with VerticalScroll(id="tm-scroll"):
                yield Static(self.body, id="tm-body")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tm-scroll").focus()

    def reveal_targets(self) -> list[RevealTarget]:
        return self.targets

    def action_pick(self, name: str) -> None:
        self.dismiss(name)

    def action_close(self) -> None:
        self.dismiss(None)
