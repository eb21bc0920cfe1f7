"""Form building blocks: a labelled field with its own error line, a mixin that puts
service validation errors next to the field they name, and :class:`DeskForm` — the one
dialog shape of the areas' forms (title, fields, hint, footer; Ctrl+S saves, Escape
cancels, Enter moves on, a corrected value takes its error away)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static, TextArea

from deskapp.errors import DeskError, ValidationError
from deskapp.i18n import has, t
from deskapp.masking import mask_phone
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.reception_choice import KeyChoice

__all__ = ["FORM_BINDINGS", "DeskForm", "Field", "FormBehaviour", "FieldSpec", "FormMixin", "ItemLines", "PhoneInput", "REVEAL_PHONE",
           "PhoneRef", "SpecForm", "TickBox", "choice", "choice_value", "confirm_discard", "spec_fields",
           "input_value", "spec_value", "spec_widget"]


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
    /* a refusal wraps rather than squeeze its box to a few cells (a 60-wide dialog) */
    Field > .field-error { width: auto; max-width: 40%; padding: 1 0 0 1; color: $error; }
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


FORM_BINDINGS = [
    Binding("ctrl+s", "save", t("key.save"), id="key.save", priority=True),
    Binding("escape", "cancel", t("key.cancel"), id="key.cancel"),
    REVEAL_PHONE,
    # Enter on a tick box, a digit choice or a rating grid goes on to the next field
    # (Space ticks); in a text box Enter is the box's own (next field, or save).
    Binding("enter", "next_field", t("key.next"), id="form.key.next_field", show=False,
            priority=True),
]
"""The keys of every form (a class using :class:`FormBehaviour` lists them in its
``BINDINGS``: Textual merges bindings of widget classes only, not of mixins)."""


class FormBehaviour(FormMixin):
    """The one behaviour of every form, a dialog (:class:`DeskForm`) or a whole screen
    (the survey's fast entry): Enter moves on (also on tick boxes and choices), Ctrl+S
    saves (``action_save``), Esc on a form with typed changes asks "放弃已填写的内容？"
    before :meth:`discard_form`, a corrected field loses its error, a value typed after a
    failed save replaces the invalid text, the focused field is scrolled into view.
    Put it first in the bases and :data:`FORM_BINDINGS` in ``BINDINGS``."""

    _opened_with: dict[str, Any] | None = None
    #: what is compared to tell a changed form (besides text boxes, choices, tick boxes)
    DIRTY_SELECTOR = "Input, TextArea, Select, KeyChoice, Checkbox, RatingGrid"

    @property
    def _errored(self) -> dict[str, str]:
        errored: dict[str, str] | None = self.__dict__.get("_errored_values")
        if errored is None:
            errored = self.__dict__["_errored_values"] = {}
        return errored

    def _on_mount(self, event: events.Mount) -> None:
        # what the form showed once open (after the subclass's own on_mount filled it)
        self.call_after_refresh(self._remember_opened)  # type: ignore[attr-defined]

    def _remember_opened(self) -> None:
        """What the form shows now is its unchanged state (opened, loaded, cleared)."""
        self._opened_with = self._shown()

    def _shown(self) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for widget in self.query(self.DIRTY_SELECTOR):  # type: ignore[attr-defined]
            if widget.id:
                shown[widget.id] = widget.text if isinstance(widget, TextArea) else \
                    getattr(widget, "value", None)
        return shown

    @property
    def dirty(self) -> bool:
        """Something was typed, ticked or chosen since the form opened."""
        return self._opened_with is not None and self._shown() != self._opened_with

    def focus_first(self) -> None:
        for widget in self.query(  # type: ignore[attr-defined]
                "Input, Select, TextArea, UnitField, KeyChoice, Checkbox"):
            if widget.focusable:
                widget.focus()
                return

    def show_field_error(self, field: str, message: str) -> None:
        super().show_field_error(field, message)
        try:
            target = self.query_one(f"#field-{field}", Field)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 — no such field on this form: shown as a toast
            return
        self._errored[field] = target.value
        if isinstance(target.widget, Input):
            target.widget.select_all()  # what is typed next replaces the invalid text

    def enter_moves_on(self, widget: Widget | None) -> bool:
        """Enter on ``widget`` goes to the next field (a text box handles Enter itself)."""
        return isinstance(widget, (Checkbox, KeyChoice))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":
            return self.enter_moves_on(self.focused)  # type: ignore[attr-defined]
        return super().check_action(action, parameters)

    def action_next_field(self) -> None:
        self.focus_next()  # type: ignore[attr-defined]

    def _on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The focused field is always in view; an invalid text is selected whole, so a
        new value replaces it instead of being appended to it."""
        widget = event.widget
        widget.scroll_visible(animate=False)
        if isinstance(widget, Input) and widget.has_class("field-body") and any(
                isinstance(node, Field) and node.has_class("-invalid")
                for node in widget.ancestors):
            widget.select_all()

    def _on_input_changed(self, event: Input.Changed) -> None:
        """A corrected value takes its field's old error away."""
        for node in event.input.ancestors:
            if isinstance(node, Field):
                name = str(node.name)
                if name in self._errored and self._errored[name] != event.value:
                    del self._errored[name]
                    node.set_error("")
                break

    def _clear_choice_error(self, control: Widget) -> None:
        """A corrected choice clears its error."""
        for node in control.ancestors:
            if isinstance(node, Field):
                if node.has_class("-invalid"):
                    self._errored.pop(str(node.name), None)
                    node.set_error("")
                break

    def _on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._clear_choice_error(event.control)

    def _on_select_changed(self, event: Select.Changed) -> None:
        self._clear_choice_error(event.control)

    def _on_key_choice_changed(self, event: KeyChoice.Changed) -> None:
        self._clear_choice_error(event.control)

    def _on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submitted(event.input)

    def submitted(self, box: Input) -> None:
        """Enter in a box: the next field (a form may save instead)."""
        self.focus_next()  # type: ignore[attr-defined]

    def action_cancel(self) -> None:
        """Esc: close; with typed changes, only after "放弃已填写的内容？" is answered yes."""
        if not self.dirty:
            self.discard_form()
            return
        confirm_discard(self, self.discard_form)

    def discard_form(self) -> None:
        """What Esc does once nothing typed is left to lose."""
        raise NotImplementedError


class DeskForm(FormBehaviour, DeskModal[Any]):
    """A centred form dialog. Subclasses set :attr:`form_title` and :attr:`hint_key`,
    yield their :class:`Field` rows from :meth:`form_fields` and implement
    ``action_save``. The first field has the focus when it opens (the scroll area itself
    is not focusable, so the first keystroke counts; a form focuses another in its
    ``on_mount``); the keys are :class:`FormBehaviour`'s; Escape dismisses with
    :attr:`cancel_result`."""

    DEFAULT_CSS = """
    DeskForm { align: center middle; }
    DeskForm > Vertical { width: 110; max-height: 96%; height: auto; border: thick $primary;
                          background: $surface; padding: 0 1; }
    DeskForm VerticalScroll { height: auto; max-height: 36; }
    DeskForm .form-hint { color: $text-muted; height: auto; padding: 0 1; }
    DeskForm .form-info { height: auto; padding: 0 1; }
    DeskForm .pair { height: auto; }
    DeskForm .pair > Field { width: 1fr; }
    /* 80 columns: a refusal beside a half-width box wraps instead of squeezing the box */
    DeskForm.-narrow .pair > Field > .field-error { max-width: 12; }
    """
    BINDINGS = FORM_BINDINGS
    form_title = ""
    hint_key = "form.hint"
    cancel_result: Any = None

    def form_fields(self) -> ComposeResult:
        yield from ()

    def form_below(self) -> ComposeResult:
        """What stays in view under the scrolling fields (a live check, a refusal)."""
        yield from ()

    def hint(self) -> str:
        return t(self.hint_key)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.form_title, classes="title", id="form-title")
            with VerticalScroll(can_focus=False):
                yield from self.form_fields()
            yield from self.form_below()
            yield Static(self.hint(), classes="form-hint")
        yield Footer()

    # No on_mount focus here: Textual runs every class's on_mount (base classes after the
    # subclass), so a form's own choice of first field would be overridden. The scroll
    # area is not focusable, so the screen's auto-focus lands on the first field.

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

    def discard_form(self) -> None:
        self.dismiss(self.cancel_result)


def confirm_discard(form: Any, discard: Callable[[], Any]) -> None:
    """Ask "放弃已填写的内容？"; ``discard()`` runs on yes. The one place a form asks this
    (points at the app's confirm dialog)."""
    from deskapp.tui.widgets.confirm import ConfirmDialog

    def answered(yes: bool | None) -> None:
        if yes:
            discard()

    dialog = ConfirmDialog(t("form.discard"))
    dialog.add_class("-below")  # at the bottom: the form asked about stays in view
    form.app.push_screen(dialog, answered)


# --------------------------------------------------------------------------------------
# The spec layer: a form described as data
# --------------------------------------------------------------------------------------

SpecKind = Literal["text", "password", "notes", "number", "money", "date", "time", "choice",
                   "select", "check", "unit", "info", "section", "ratings"]
_PLACEHOLDERS = {"date": "YYYY-MM-DD", "time": "HH:MM", "money": "0.00"}


@dataclass
class FieldSpec:
    """One field of a :class:`SpecForm`. ``name`` is the service's field name (a
    ``ValidationError(field=name)`` lands there); ``label`` is translated text.
    ``options`` are ``(value, label)`` pairs: ``choice`` picks one with a digit key,
    ``select`` is a drop-down (for long lists). ``password`` is a text box showing dots;
    ``notes`` is a box of several lines (Enter there is a new line, Tab moves on). ``info`` shows ``value`` read-only;
    ``check`` is a tick box with its label beside the box (long labels wrap between
    words); ``section`` is a heading between fields (no value); ``ratings`` is a
    questionnaire's grid of items answered by one digit each (its items are set once
    loaded: ``RatingGrid.set_items``), its value the ratings by item id."""

    name: str
    label: str
    kind: SpecKind = "text"
    value: Any = ""
    options: Sequence[tuple[str, str]] = ()
    required: bool = False
    placeholder: str = ""


class TickBox(Checkbox):
    """A tick box drawn ``[✓] label`` / ``[ ] label``: an unticked box shows no mark (the
    stock one shows a dim X either way, and its ``▐X▌`` blocks read as boxes already
    ticked). Space or Enter ticks it."""

    DEFAULT_CSS = """
    TickBox, TickBox:focus { width: 1fr; height: auto; border: none; padding: 0; }
    TickBox:focus { background: $accent 30%; }
    TickBox > .toggle--button { background: transparent; }
    """
    BUTTON_LEFT = "["
    BUTTON_INNER = "✓"
    BUTTON_RIGHT = "]"

    @property
    def _button(self) -> Content:
        mark = ("✓", "bold $success") if self.value else (" ", "")
        return Content.assemble("[", mark, "]")


class ItemLines:
    """``head`` then ``items`` on as many lines as the width needs, broken only between
    items (never inside one, in Chinese or English); following lines are indented."""

    def __init__(self, head: str, items: Sequence[str], *, style: str = "") -> None:
        self.head = head
        self.items = list(items)
        self.style = style

    def __rich_console__(self, console: Any, options: Any) -> Any:
        width = max(options.max_width, 10)
        sep, indent = t("form.list_sep"), "  "
        text = Text(self.head, style="bold")
        used = cell_len(self.head)
        for n, item in enumerate(self.items):
            piece = item + (sep if n + 1 < len(self.items) else "")
            if used + cell_len(piece.rstrip()) > width and used > len(indent):
                text.append("\n" + indent)
                used = len(indent)
            text.append(piece, style=self.style)
            used += cell_len(piece)
        yield text


def label_text(label: str) -> str:
    """A spec's label, option label or placeholder: a catalogue key (translated now, so a
    language switch shows) or text."""
    return t(label) if has(label) else label


def spec_widget(spec: FieldSpec, wid: str) -> Widget:
    """The widget for ``spec`` with the id ``wid``."""
    if spec.kind == "check":
        return TickBox(label_text(spec.label), value=bool(spec.value), id=wid)
    if spec.kind == "choice":
        return KeyChoice([(v, label_text(lab)) for v, lab in spec.options],
                         value=str(spec.value) if spec.value else None, id=wid)
    if spec.kind == "select":
        options = list(spec.options)
        return Select([(label_text(label), value) for value, label in options], id=wid,
                      allow_blank=not options, compact=True, prompt=t("form.choose"),
                      value=str(spec.value) if spec.value else
                      (options[0][0] if options else Select.NULL))
    if spec.kind == "info":
        return Static(str(spec.value), id=wid)
    if spec.kind == "unit":
        from deskapp.tui.widgets.unit_picker import UnitField

        return UnitField(id=wid)
    if spec.kind == "ratings":
        from deskapp.tui.widgets.survey_grid import RatingGrid

        return RatingGrid(id=wid)
    if spec.kind == "notes":
        return TextArea(str(spec.value), id=wid)
    placeholder = label_text(spec.placeholder) if spec.placeholder else \
        _PLACEHOLDERS.get(spec.kind, "")
    box = PhoneInput if spec.name.endswith("phone") else Input
    return box(value=str(spec.value), placeholder=placeholder, id=wid, compact=True,
               password=spec.kind == "password")


def spec_value(widget: Widget) -> Any:
    """What a :func:`spec_widget` holds: a tick box's bool, a choice's value (``""`` for
    none), a unit field's unit id (``None`` for none), a text box's text."""
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Checkbox):
        return bool(widget.value)
    if isinstance(widget, Select):
        return choice_value(widget)
    if isinstance(widget, KeyChoice):
        return widget.value or ""
    if isinstance(widget, Input):
        return input_value(widget)
    if isinstance(widget, Static):
        return ""
    ratings = getattr(widget, "ratings", None)
    if ratings is not None:
        return ratings
    return getattr(widget, "unit_id", None)


def spec_fields(specs: Sequence[FieldSpec], prefix: str) -> ComposeResult:
    """The :class:`Field` rows (and section headings) of ``specs``; widget ids are
    ``<prefix>-<name>``."""
    for spec in specs:
        if spec.kind == "section":
            yield Label(label_text(spec.label), classes="form-section")
            continue
        label = "" if spec.kind == "check" else label_text(spec.label)  # beside its box
        yield Field(label, spec_widget(spec, f"{prefix}-{spec.name}"),
                    name=spec.name, required=spec.required)


class SpecForm(DeskForm):
    """A form described by :class:`FieldSpec` rows for one business step:
    ``submit(values)`` returns the service call, run as one write transaction; the dialog
    closes with its result (``result(r)`` when given). A refusal shows at the field it
    names, or — with a list (``err.missing``) — as that list under the fields.
    ``preview(values)`` (optional) returns a read call whose lines are shown live.
    Widget ids are ``<prefix>-<name>``."""

    DEFAULT_CSS = """
    SpecForm .form-message { color: $error; height: auto; padding: 0 1; }
    SpecForm .form-preview { height: auto; padding: 0 1; border-top: solid $primary-darken-2; }
    SpecForm Field > .field-label { width: 16; padding: 0 1 0 0; }
    SpecForm Field > .field-error { padding: 0 0 0 1; max-width: 60%; }
    SpecForm UnitField { height: 1; border: none; padding: 0 1; background: $boost; }
    SpecForm UnitField:focus { background: $accent 30%; border: none; }
    SpecForm .form-section { color: $accent; text-style: bold; padding: 0 0 0 2; }
    """

    def __init__(self, title: str, specs: Sequence[FieldSpec],
                 submit: Callable[[dict[str, Any]], Callable[[Any], Any]], *,
                 hint: str = "", info: str = "", prefix: str = "sf",
                 preview: Callable[[dict[str, Any]], Callable[[Any], list[str]]] | None = None,
                 preview_title: Callable[[list[str]], Any] | None = None,
                 result: Callable[[Any], Any] | None = None, cancel_result: Any = None,
                 confirm: Callable[[dict[str, Any]], Callable[[Any], Any]] | None = None,
                 confirm_label_key: str = "confirm.key.yes") -> None:
        """``confirm(values)``: the step's ``*_preview`` read call; what it returns is shown
        in the confirm dialog and the step runs only when confirmed."""
        super().__init__()
        self.confirm = confirm
        self.confirm_label_key = confirm_label_key
        self.form_title = title
        self.specs = list(specs)
        self.submit = submit
        self.hint_text = hint
        self.info = info
        self.prefix = prefix
        self.preview = preview
        self.preview_title = preview_title
        self.result = result
        self.cancel_result = cancel_result

    def hint(self) -> str:
        return self.hint_text or t(self.hint_key)

    def form_fields(self) -> ComposeResult:
        if self.info:
            yield Static(self.info, classes="form-info", id=f"{self.prefix}-info")
        yield from spec_fields(self.specs, self.prefix)

    def form_below(self) -> ComposeResult:
        if self.preview is not None:
            yield Static("", classes="form-preview", id=f"{self.prefix}-preview")
        yield Static("", classes="form-message", id=f"{self.prefix}-message")

    def on_mount(self) -> None:
        self.focus_first()
        self._preview()

    def values(self) -> dict[str, Any]:
        return {spec.name: spec_value(self.query_one(f"#{self.prefix}-{spec.name}"))
                for spec in self.specs if spec.kind != "section"}

    def submitted(self, box: Input) -> None:
        """Enter: the next field; in the last text field, save."""
        boxes = [w for w in self.query(Input) if w.focusable]
        if boxes and box is boxes[-1]:
            self.action_save()
        else:
            self.focus_next()

    @on(Checkbox.Changed)
    @on(Select.Changed)
    @on(Input.Changed)
    @on(KeyChoice.Changed)
    def _inputs_changed(self) -> None:
        self._preview()

    def _preview(self) -> None:
        if self.preview is None:
            return
        fn = self.preview(self.values())

        def show(lines: list[str]) -> None:
            if self.preview_title is not None:
                self.query_one(f"#{self.prefix}-preview", Static).update(
                    self.preview_title(lines))

        self.call_service(fn, done=show, group=f"{self.prefix}-preview", exclusive=True)

    def action_save(self) -> None:
        self.clear_errors()
        self.query_one(f"#{self.prefix}-message", Static).update("")
        values = self.values()
        try:
            fn = self.submit(values)
            ask = self.confirm(values) if self.confirm is not None else None
        except DeskError as err:
            self._failed(err)
            return

        def run(_: Any = None) -> None:
            self.call_service(fn, write=True, done=self._done, failed=self._failed,
                              request_id=self.request_id)

        if ask is None:
            run()
            return
        from deskapp.tui.widgets.confirm import confirm_action

        confirm_action(self, ask, run, failed=self._failed,
                       confirm_label_key=self.confirm_label_key)

    def _done(self, value: Any) -> None:
        self.dismiss(self.result(value) if self.result is not None else value)

    def _failed(self, err: DeskError) -> None:
        if isinstance(err, ValidationError) and err.field and self.query(f"#field-{err.field}"):
            self.show_field_error(err.field, str(err))
            return
        missing = getattr(err, "missing", None)
        text = Text(str(err) if not missing else t("renovation.refused") + "\n", style="bold")
        for item in missing or []:
            text.append(f"  ✗ {getattr(item, 'text', item)}\n", style="")
        self.query_one(f"#{self.prefix}-message", Static).update(text)
