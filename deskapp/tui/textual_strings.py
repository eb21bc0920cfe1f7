"""Textual's own words in the desk's language: the command palette's placeholder, its
"No matches found" line and keys, the drop-down's "Dismiss menu". Textual 8.2.8 writes
them in English as literals; the catalogue has them under ``textual.*``."""

from __future__ import annotations

import dataclasses

from rich.align import Align
from rich.text import Text
from textual.binding import BindingsMap
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.widgets._option_list import Option
from textual.widgets._select import SelectOverlay

from deskapp.i18n import t

# (class, action) → catalogue key of the binding's description
_BINDINGS: dict[tuple[type[DOMNode], str], str] = {
    (SelectOverlay, "dismiss"): "textual.select.dismiss",
    (CommandPalette, "escape"): "textual.palette.exit",
    (CommandPalette, "cursor_down"): "textual.palette.next",
    (CommandPalette, "command_list('cursor_up')"): "textual.palette.previous",
    (CommandPalette, "command_list('page_down')"): "textual.palette.page_down",
    (CommandPalette, "command_list('page_up')"): "textual.palette.page_up",
    (CommandPalette, "command_list('first')"): "textual.palette.first",
    (CommandPalette, "command_list('last')"): "textual.palette.last",
}


def _translate_class(cls: type[DOMNode]) -> None:
    # Textual 8.2.8 has no public API for a class's merged bindings (widgets copy them).
    merged = cls._merged_bindings
    if merged is None:
        return
    cls._merged_bindings = BindingsMap.from_keys({
        key: [dataclasses.replace(b, description=t(_BINDINGS[(cls, b.action)]))
              if (cls, b.action) in _BINDINGS else b for b in group]
        for key, group in merged.key_to_bindings.items()
    })


def localise() -> None:
    """Put the current language into Textual's own bindings (call after each language
    change; widgets made afterwards copy them)."""
    for cls in {cls for cls, _ in _BINDINGS} | {DeskCommandPalette}:
        _translate_class(cls)


class DeskCommandPalette(CommandPalette):
    """Textual's command palette with the placeholder and "no matches" line translated."""

    def __init__(self) -> None:
        super().__init__(placeholder=t("textual.palette.placeholder"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(t("textual.palette.no_matches"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
