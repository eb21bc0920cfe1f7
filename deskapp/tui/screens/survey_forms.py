"""Small dialogs of the survey screen: a generic form dialog (fields + one service call),
a yes/no question, and a read-only text view (response, follow-up, analysis report)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Select, Static

from deskapp.i18n import t
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.form import Field, FormMixin
from deskapp.tui.widgets.reveal import RevealMixin, RevealTarget


@dataclass
class FieldSpec:
    name: str  # the service's field name (errors land here)
    label: str  # translated
    value: str = ""
    options: list[tuple[str, str]] | None = None  # (label, value) → a Select
    required: bool = False
    placeholder: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class FormModal(FormMixin, DeskModal[Any]):
    """Fields, then ``submit(values) → fn(session)`` run as one write transaction; the
    dialog closes with its result, or shows the error at its field and keeps the input."""

    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > Vertical { width: 96; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 1 2; }
    FormModal .hint { color: $text-muted; }
    """
    BINDINGS = [Binding("ctrl+s", "save", t("key.save"), id="key.save"),
                Binding("escape", "cancel", t("key.cancel"), id="key.cancel")]

    def __init__(self, title: str, fields: list[FieldSpec],
                 submit: Callable[[dict[str, str]], Callable[[Session], Any]], *,
                 hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.specs = fields
        self.submit = submit
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            for spec in self.specs:
                widget: Input | Select[str]
                if spec.options is not None:
                    widget = Select(spec.options, value=spec.value or spec.options[0][1],
                                    allow_blank=False, id=f"fm-{spec.name}")
                else:
                    widget = Input(value=spec.value, placeholder=spec.placeholder,
                                   id=f"fm-{spec.name}")
                yield Field(spec.label, widget, name=spec.name, required=spec.required)
            yield Static(self.hint or t("survey.form.hint"), classes="hint")
            yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(f"#fm-{self.specs[0].name}").focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for spec in self.specs:
            widget = self.query_one(f"#fm-{spec.name}")
            out[spec.name] = str(widget.value) if not isinstance(widget, Input) else widget.value
        return out

    def action_save(self) -> None:
        self.clear_errors()
        try:
            job = self.submit(self.values())
        except Exception as err:  # noqa: BLE001 — DeskError from parsing input
            from deskapp.errors import DeskError

            if isinstance(err, DeskError):
                self.show_error(err)
                return
            raise
        self.call_service(job, write=True, done=self.dismiss, request_id=self.request_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


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
        super().on_mount()
        self.query_one("#tm-scroll").focus()

    def reveal_targets(self) -> list[RevealTarget]:
        return self.targets

    def action_pick(self, name: str) -> None:
        self.dismiss(name)

    def action_close(self) -> None:
        self.dismiss(None)
