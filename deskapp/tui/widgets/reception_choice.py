"""A one-keystroke choice for forms: every option shows its key (``1 咨询  2 报修 …``);
pressing the key picks it and moves on to the next field. Left/Right step through the
options; the chosen one is highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from deskapp.i18n import t

KEYS = "1234567890"


class _Options:
    """The options on as many lines as the width needs, broken only between options (a
    key never ends a line apart from its label: "7" / "增值服务")."""

    def __init__(self, pieces: Sequence[Text], sep: str = "  ") -> None:
        self.pieces = list(pieces)
        self.sep = sep

    def __rich_console__(self, console: Any, options: Any) -> Any:
        width = max(options.max_width, 1)
        text, used = Text(), 0
        for piece in self.pieces:
            if used and used + len(self.sep) + piece.cell_len > width:
                text.append("\n")
                used = 0
            elif used:
                text.append(self.sep)
                used += len(self.sep)
            text.append_text(piece)
            used += piece.cell_len
        yield text


class KeyChoice(Widget, can_focus=True):
    DEFAULT_CSS = """
    KeyChoice { height: auto; min-height: 3; border: tall $border-blurred; padding: 0 1; width: 1fr; }
    KeyChoice:focus { border: tall $border; }
    """
    BINDINGS = [
        Binding("right", "step(1)", t("reception.key.choice_next"), show=False,
                id="reception.key.choice_next"),
        Binding("left", "step(-1)", t("reception.key.choice_prev"), show=False,
                id="reception.key.choice_prev"),
    ]

    class Changed(Message):
        def __init__(self, choice: KeyChoice, value: str | None) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> KeyChoice:
            return self.choice

    def __init__(self, options: Sequence[tuple[str, str]], *, value: str | None = None,
                 keys: str = KEYS, advance: bool = True, id: str | None = None) -> None:
        """``options``: ``(value, label)`` pairs; option *i* is picked with ``keys[i]``."""
        super().__init__(id=id)
        if len(options) > len(keys):
            raise ValueError("more options than keys")
        self.options = list(options)
        self.keys = keys[: len(options)]
        self._value = value
        self.advance = advance

    @property
    def value(self) -> str | None:
        return self._value

    @value.setter
    def value(self, value: str | None) -> None:
        if value is not None and value not in [v for v, _ in self.options]:
            raise ValueError(value)
        changed = value != self._value
        self._value = value
        self.refresh(layout=True)
        if changed:
            self.post_message(self.Changed(self, value))

    def render(self) -> _Options:
        pieces = []
        for i, (value, label) in enumerate(self.options):
            chosen = value == self._value
            piece = Text(self.keys[i], style="bold reverse" if chosen else "bold cyan")
            piece.append(" ")
            piece.append(label, style="bold reverse" if chosen else "")
            pieces.append(piece)
        return _Options(pieces)

    def on_key(self, event: events.Key) -> None:
        key = event.character
        if key and key in self.keys:
            event.stop()
            event.prevent_default()
            self.value = self.options[self.keys.index(key)][0]
            if self.advance:
                self.screen.focus_next()

    def action_step(self, delta: int) -> None:
        values = [v for v, _ in self.options]
        index = values.index(self._value) if self._value in values else -1
        self.value = values[(index + delta) % len(values)]
