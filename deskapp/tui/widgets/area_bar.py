"""The strip under the header naming every area and its key, the current one highlighted,
so the footer can keep to the keys of the screen itself."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from deskapp.i18n import t
from deskapp.tui import areas


class AreaBar(Static):
    DEFAULT_CSS = """
    AreaBar { height: 1; width: 100%; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, current: str) -> None:
        super().__init__(id="area-bar")
        self.current = current

    def render(self) -> Text:
        staff = getattr(self.app, "staff", None)
        text = Text(no_wrap=True, overflow="ellipsis")
        for area in areas.AREAS:
            allowed = staff is None or staff.role in area.roles
            if not allowed:
                continue
            key = area.binding.upper()
            label = f" {key} {t(area.title_key)} "
            if area.key == self.current:
                text.append(label, style="bold reverse")
            else:
                text.append(f" {key}", style="bold")
                text.append(f" {t(area.title_key)} ")
        return text
