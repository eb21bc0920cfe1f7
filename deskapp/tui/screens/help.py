"""F1: every key that works, for the app and for the screen underneath."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from deskapp.i18n import t
from deskapp.tui.base import DeskModal


def _key_name(key: str) -> str:
    return key.replace("ctrl+", "Ctrl+").replace("shift+", "Shift+").upper() if len(key) <= 3 \
        else key.replace("ctrl+", "Ctrl+").replace("shift+", "Shift+").title()


class HelpScreen(DeskModal[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1,q", "close", t("key.close"), id="key.close")]

    def __init__(self, under: Screen[object] | None = None) -> None:
        super().__init__()
        self.under = under  # the screen whose keys are listed (taken before we are pushed)

    def compose(self) -> ComposeResult:
        under = self.under
        table = Table(title=t("help.title"), expand=True, show_lines=False)
        table.add_column(t("help.key"), width=16)
        table.add_column(t("help.action"))
        table.add_column(t("help.where"), width=16)
        seen: set[tuple[str, str]] = set()
        sources: list[tuple[str, object]] = [(t("help.everywhere"), self.app)]
        if under is not None and under is not self:
            sources.append((t("help.this_screen"), under))
            focused = under.focused
            node = focused
            while node is not None and node is not under:
                sources.append((t("help.this_field"), node))
                node = node.parent
        for where, node in sources:
            for key, bindings in node._bindings.key_to_bindings.items():  # type: ignore[attr-defined]
                for b in bindings:
                    desc = t(b.id) if b.id else b.description
                    if not desc or (key, desc) in seen:
                        continue
                    seen.add((key, desc))
                    table.add_row(b.key_display or _key_name(key), desc, where)
        table.add_row("Ctrl+P", t("help.palette"), t("help.everywhere"))
        with VerticalScroll():
            yield Static(table)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
