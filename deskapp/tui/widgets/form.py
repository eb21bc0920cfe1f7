"""Form building blocks: a labelled field with its own error line, a mixin that puts
service validation errors next to the field they name, and :class:`DeskForm` — the one
dialog shape of the areas' forms (title, fields, hint, footer; Ctrl+S saves, Escape
cancels, Enter moves on, a corrected value takes its error away)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.tui.base import DeskModal

__all__ = ["DeskForm", "Field", "FormMixin", "PhoneInput", "REVEAL_PHONE", "PhoneRef", "choice", "choice_value",
           "input_value"]


@dataclass(frozen=True)
class PhoneRef:
    """A phone pre-filled from the customer file: the form shows ``masked``; the number
    belongs to ``table``/``record_id`` (the occupant), which is what the reveal key shows
    (audited). ``full`` is what is saved while the box still shows ``masked``."""

    table: str
    record_id: int
    full: str
    masked: str


class PhoneInput(Input):
    """A phone box that can hold a pre-filled number masked (``138****5678``). The first
    edit of a masked value replaces all of it, so a typed number never mixes with stars;
    :func:`input_value` gives the number to save."""

    def __init__(self, value: str = "", *, table: str = "", record_id: int | None = None,
                 **kwargs: Any) -> None:
        """``table``/``record_id``: ``value`` is that stored record's number, shown masked."""
        super().__init__(value=value, **kwargs)
        self.ref: PhoneRef | None = None
        if table and record_id is not None and value:
            self.prefill(value, table=table, record_id=record_id)

    def prefill(self, phone: str, *, table: str = "occupant", record_id: int | None = None
                ) -> None:
        """Show ``phone`` masked, keeping it as a reference to ``table``/``record_id``."""
        masked = mask_phone(phone)
        self.ref = PhoneRef(table, record_id or 0, phone, masked) if masked != phone else None
        self.value = masked
        if self.is_attached:
            self.screen.refresh_bindings()

    @property
    def held(self) -> PhoneRef | None:
        """The pre-filled reference while the box still shows it."""
        return self.ref if self.ref is not None and self.value == self.ref.masked else None

    def replace(self, text: str, start: int, end: int) -> None:
        if self.held is not None:
            self.ref = None
            start, end = 0, len(self.value)
            self.screen.refresh_bindings()  # the reveal key goes with the reference
        super().replace(text, start, end)


def input_value(box: Input) -> str:
    """What to save from ``box``: a pre-filled masked phone gives its full number."""
    if isinstance(box, PhoneInput) and box.held is not None:
        return box.held.full
    return box.value


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
            return input_value(widget)
        return str(getattr(widget, "value", "") or "")


REVEAL_PHONE = Binding("ctrl+y", "reveal_phone", t("ops.reveal.key.open"),
                       id="ops.reveal.key.open")


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

    # A pre-filled phone (PhoneInput) is shown masked; REVEAL_PHONE in a form's BINDINGS
    # shows the full number through the audited reveal dialog.
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal_phone":
            return bool(self._phone_targets())
        return super().check_action(action, parameters)  # type: ignore[misc]

    def _phone_targets(self) -> list[Any]:
        from deskapp.tui.widgets.reveal import RevealTarget, field_label

        found = []
        for box in self.query(PhoneInput):  # type: ignore[attr-defined]
            held = box.held
            if held is not None and held.record_id:
                found.append(RevealTarget(held.table, held.record_id, "phone",
                                          field_label("phone"), held.masked))
        return found

    def action_reveal_phone(self) -> None:
        """The full number of a pre-filled phone, through the audited reveal dialog."""
        from deskapp.tui.widgets.reveal import open_reveal

        found = self._phone_targets()
        if found:
            open_reveal(self.app, targets=found)  # type: ignore[attr-defined]


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
        REVEAL_PHONE,
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
        if isinstance(widget, Input):
            return input_value(widget)
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
        ``phone`` — into empty boxes only, unless ``replace``. The phone is shown masked
        (a :class:`PhoneInput` keeps the occupant's number; the reveal key shows it)."""
        if picked is None:
            return
        hit = picked.hit
        box = self.query_one(name, Input)
        if hit.occupant_name and (replace or not box.value):
            box.value = hit.occupant_name
        box = self.query_one(phone, Input)
        if hit.phone and (replace or not box.value):
            if isinstance(box, PhoneInput):
                box.prefill(hit.phone, record_id=hit.occupant_id)
            else:
                box.value = hit.phone
        self.refresh_bindings()

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
