"""Form building blocks: a labelled field with its own error line, a mixin that puts
service validation errors next to the field they name, and :class:`DeskForm` — the one
dialog shape of the areas' forms (title, fields, hint, footer; Ctrl+S saves, Escape
cancels, Enter moves on, a corrected value takes its error away)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from deskapp.i18n import t
from deskapp.tui.base import DeskModal

__all__ = ["DeskForm", "Field", "FormMixin", "choice", "choice_value"]


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


def choice(options: Sequence[tuple[str, str]], *, id: str, value: str | None = None,
           blank: bool = False) -> Select[str]:
    """A drop-down of ``(value, label)`` pairs: the first option chosen unless ``value`` is
    given, or nothing chosen ("请选择") when ``blank``."""
    return Select([(label, v) for v, label in options], id=id, allow_blank=blank,
                  value=value if value is not None else (Select.NULL if blank else options[0][0]),
                  prompt=t("form.choose"))


def choice_value(select: Select[str]) -> str:
    """The chosen value of a :func:`choice`, ``""`` when none is chosen."""
    return "" if select.value is Select.NULL else str(select.value)


class DeskForm(FormMixin, DeskModal[Any]):
    """A centred form dialog. Subclasses set :attr:`form_title` and :attr:`hint_key`,
    yield their :class:`Field` rows from :meth:`form_fields` and implement
    ``action_save``. The first field has the focus when it opens (the scroll area itself
    is not focusable, so the first keystroke counts; a form focuses another in its
    ``on_mount``); Enter in a box goes to the next one
    (:meth:`submitted` may save instead); an error shown at a field goes away as soon as
    the value there changes; Escape dismisses with ``None``."""

    DEFAULT_CSS = """
    DeskForm { align: center middle; }
    DeskForm > Vertical { width: 110; max-height: 96%; height: auto; border: thick $primary;
                          background: $surface; padding: 0 1; }
    DeskForm VerticalScroll { height: auto; max-height: 36; }
    DeskForm .form-hint { color: $text-muted; height: auto; padding: 0 1; }
    DeskForm .form-info { height: auto; padding: 0 1; }
    DeskForm .pair { height: auto; }
    DeskForm .pair > Field { width: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), id="key.save", priority=True),
        Binding("escape", "cancel", t("key.cancel"), id="key.cancel"),
    ]
    form_title = ""
    hint_key = "form.hint"

    def __init__(self) -> None:
        super().__init__()
        self._errored: dict[str, str] = {}

    def form_fields(self) -> ComposeResult:
        yield from ()

    def hint(self) -> str:
        return t(self.hint_key)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.form_title, classes="title", id="form-title")
            with VerticalScroll(can_focus=False):
                yield from self.form_fields()
            yield Static(self.hint(), classes="form-hint")
        yield Footer()

    # No on_mount focus here: Textual runs every class's on_mount (base classes after the
    # subclass), so a form's own choice of first field would be overridden. The scroll
    # area is not focusable, so the screen's auto-focus lands on the first field.

    def focus_first(self) -> None:
        for widget in self.query("Input, Select, TextArea, UnitField, KeyChoice, Checkbox"):
            if widget.focusable:
                widget.focus()
                return

    def value(self, selector: str) -> str:
        """What the widget at ``selector`` holds: an input's value, a text area's text, a
        drop-down's chosen value (``""`` for none)."""
        widget = self.query_one(selector)
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            return choice_value(widget)
        return str(getattr(widget, "value", "") or "")

    def show_unit(self, selector: str, unit_id: int | None) -> None:
        """Put a stored unit (a record being edited, a contact followed up) into the unit
        field at ``selector``, as if it had been picked; read off the UI thread."""
        from deskapp.tui.widgets.unit_picker import UnitField, load_picked

        if unit_id is None:
            return

        def done(picked: Any) -> None:
            if picked is not None:
                self.query_one(selector, UnitField).set_picked(picked)

        self.call_service(lambda s: load_picked(s, unit_id), done=done)

    def fill_person(self, picked: Any, *, name: str, phone: str, replace: bool = False
                    ) -> None:
        """A picked unit's occupant name and phone go into the boxes at ``name`` and
        ``phone`` — into empty boxes only, unless ``replace``."""
        if picked is None:
            return
        hit = picked.hit
        for selector, value in ((name, hit.occupant_name), (phone, hit.phone)):
            box = self.query_one(selector, Input)
            if value and (replace or not box.value):
                box.value = value

    def show_field_error(self, field: str, message: str) -> None:
        super().show_field_error(field, message)
        try:
            self._errored[field] = self.query_one(f"#field-{field}", Field).value
        except Exception:  # noqa: BLE001 — no such field on this form: shown as a toast
            pass

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        """A corrected value takes its field's old error away."""
        for node in event.input.ancestors:
            if isinstance(node, Field):
                name = str(node.name)
                if name in self._errored and self._errored[name] != event.value:
                    del self._errored[name]
                    node.set_error("")
                break

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submitted(event.input)

    def submitted(self, box: Input) -> None:
        """Enter in a box: the next field (a form may save instead)."""
        self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)
