"""F1: every key that works, for the app and for the screen underneath."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from deskapp.i18n import has, t
from deskapp.tui.base import DeskModal, bindings_of

_NAMES = {
    "tab": "Tab", "enter": "Enter", "escape": "Esc", "space": "Space", "backspace": "Backspace",
    "delete": "Del", "insert": "Ins", "home": "Home", "end": "End", "pageup": "PgUp",
    "pagedown": "PgDn", "up": "↑", "down": "↓", "left": "←", "right": "→",
    "slash": "/", "question_mark": "?", "left_square_bracket": "[",
    "right_square_bracket": "]", "plus": "+", "minus": "-", "full_stop": ".", "comma": ",",
    "asterisk": "*", "equals_sign": "=",
}

# Textual's own bindings, in the catalogue by action (their descriptions are English only)
_TEXTUAL_ACTIONS = {
    "app.focus_next": "help.textual.focus_next",
    "app.focus_previous": "help.textual.focus_previous",
    "screen.copy_text": "help.textual.copy_text",
    "quit": "key.quit",
    "scroll_left": "help.textual.scroll_left",
    "scroll_right": "help.textual.scroll_right",
    "page_left": "help.textual.page_left",
    "page_right": "help.textual.page_right",
}


def key_name(key: str) -> str:
    """A key as printed on the keyboard: ``ctrl+pageup`` → ``Ctrl+PgUp``,
    ``left_square_bracket`` → ``[``, ``f5`` → ``F5``, ``n`` → ``N``."""
    *mods, last = key.split("+") if key != "+" else ["+"]
    name = _NAMES.get(last)
    if name is None:
        name = last.upper() if len(last) <= 3 else last.replace("_", " ").title()
    return "+".join([*(m.capitalize() for m in mods), name])


def _description(binding: Binding) -> str:
    if binding.id and has(binding.id):
        return t(binding.id)
    if binding.description and has(binding.description):  # (the record list's keys)
        return t(binding.description)
    key = _TEXTUAL_ACTIONS.get(binding.action)
    if key:
        return t(key)
    # ours carry an id and a description already translated; Textual's others are skipped
    return binding.description if binding.id else ""


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
        taken: set[str] = set()  # keys the app takes first (F2–F10 …): a screen's own
        sources: list[tuple[str, object]] = [(t("help.everywhere"), self.app)]  # is dead
        if under is not None and under is not self:
            sources.append((t("help.this_screen"), under))
            focused = under.focused
            node = focused
            chain = []
            while node is not None and node is not under:
                chain.append(node)
                node = node.parent
            sources += [(t("help.this_field"), n) for n in chain]
        for where, node in sources:
            for key, bindings in bindings_of(node).key_to_bindings.items():
                if key in taken:
                    continue
                for b in bindings:
                    desc = _description(b)
                    if not desc or (key, desc) in seen:
                        continue
                    seen.add((key, desc))
                    table.add_row(b.key_display or key_name(key), desc, where)
                    if node is self.app and b.priority:
                        taken.add(key)
        with VerticalScroll():
            yield Static(table)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
