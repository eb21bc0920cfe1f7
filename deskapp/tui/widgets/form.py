"""Form building blocks: a labelled field with its own error line, and a mixin that puts
service validation errors next to the field they name."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Static


class Field(Horizontal):
    """``label  [widget]  error`` on one row. ``name`` is the service's field name, so a
    ValidationError(field=name) lands here."""

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 0 0 0; }
    Field > .field-label { width: 14; padding: 1 1 0 0; text-align: right; color: $text-muted; }
    Field > .field-body { width: 1fr; height: auto; }
    Field > .field-error { width: auto; max-width: 40; padding: 1 0 0 1; color: $error; }
    Field.-invalid > .field-label { color: $error; }
    """

    def __init__(self, label: str, widget: Widget, *, name: str, required: bool = False) -> None:
        super().__init__(name=name, id=f"field-{name}")
        self._label = label + (" *" if required else "")
        self.widget = widget
        widget.add_class("field-body")

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label")
        yield self.widget
        yield Static("", classes="field-error")

    def set_error(self, message: str) -> None:
        self.query_one(".field-error", Static).update(message)
        self.set_class(bool(message), "-invalid")

    @property
    def value(self) -> str:
        widget = self.widget
        if isinstance(widget, Input):
            return widget.value
        return str(getattr(widget, "value", "") or "")


class FormMixin:
    """For screens/modals holding :class:`Field` widgets."""

    def show_field_error(self, field: str, message: str) -> None:
        try:
            target = self.query_one(f"#field-{field}", Field)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 — field not on this form: fall back to a toast
            self.app.notify(message, severity="error")  # type: ignore[attr-defined]
            return
        target.set_error(message)
        target.widget.focus()

    def clear_errors(self) -> None:
        for field in self.query(Field):  # type: ignore[attr-defined]
            field.set_error("")
