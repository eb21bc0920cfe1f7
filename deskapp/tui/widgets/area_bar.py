"""The strip under the header naming every area and its key, the current one highlighted,
so the footer can keep to the keys of the screen itself. When the areas do not fit on one
line (80 columns, English) the strip takes a second row rather than cutting areas off."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from deskapp.i18n import t
from deskapp.tui import areas


class AreaBar(Static):
    DEFAULT_CSS = """
    AreaBar { height: auto; max-height: 3; width: 100%; background: $panel;
              color: $text-muted; padding: 0 1; }
    """

    def __init__(self, current: str) -> None:
        super().__init__(id="area-bar")
        self.current = current

    def _labels(self) -> list[tuple[str, str, bool]]:
        staff = getattr(self.app, "staff", None)
        return [(area.binding.upper(), t(area.title_key), area.key == self.current)
                for area in areas.AREAS if staff is None or staff.role in area.roles]

    def _available(self) -> int:
        width = self.content_region.width or self.size.width
        if width <= 0:
            width = self.app.size.width - 2
        return max(width, 10)

    def render(self) -> Text:
        available = self._available()
        text = Text(no_wrap=True, overflow="ellipsis")
        used = 0
        for key, title, current in self._labels():
            size = cell_len(f" {key} {title} ")
            if used and used + size > available:
                text.append("\n")
                used = 0
            if current:
                text.append(f" {key} {title} ", style="bold reverse")
            else:
                text.append(f" {key}", style="bold")
                text.append(f" {title} ")
            used += size
        return text

    def on_resize(self) -> None:
        self.refresh(layout=True)
