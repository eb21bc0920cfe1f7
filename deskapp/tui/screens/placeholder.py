"""Shown for an area that is not built yet, or that the staff member's role may not use."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Footer, Header, Static

from deskapp.i18n import t
from deskapp.tui.areas import Area
from deskapp.tui.base import DeskScreen


class PlaceholderScreen(DeskScreen):
    DEFAULT_CSS = """
    PlaceholderScreen #placeholder-text { width: auto; padding: 1 4; border: round $primary; }
    """

    def __init__(self, area: Area, *, denied: bool = False) -> None:
        super().__init__()
        self.area = area
        self.denied = denied
        self.AREA = area.key

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        key = "area.denied" if self.denied else "area.not_built"
        with Middle(), Center():
            yield Static(t(key, area=t(self.area.title_key)), id="placeholder-text")
        yield Footer()
