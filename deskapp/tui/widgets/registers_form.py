"""Form pieces of the registers screen: a quick form built from field specs (the same
:class:`~deskapp.tui.widgets.form.Field` rows and :class:`UnitField` as everywhere), a
modal form for the close/notify/void steps, a yes/no confirmation and a record detail view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Input, Label, Select, Static

from deskapp.i18n import t
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.form import Field, FormMixin
from deskapp.tui.widgets.reveal import RevealMixin, RevealTarget
from deskapp.tui.widgets.unit_picker import UnitField


@dataclass(frozen=True)
class Spec:
    """One field of a register form. ``name`` is the service's field name, so a
    ``ValidationError(field=name)`` lands on it."""

    name: str
    label_key: str
    kind: str = "text"  # text | unit | select
    required: bool = False
    placeholder_key: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, catalogue key or plain label)
    default: str = ""


def _choice_label(label: str) -> str:
    return t(label) if "." in label else label


def build_widget(spec: Spec, prefix: str) -> Any:
    wid = f"{prefix}-{spec.name}"
    if spec.kind == "unit":
        return UnitField(id=wid)
    if spec.kind == "select":
        options = [(_choice_label(label), value) for value, label in spec.choices]
        value = spec.default if spec.default else (options[0][1] if options else Select.NULL)
        return Select(options, value=value, allow_blank=not options, id=wid, compact=True)
    return Input(value=spec.default, placeholder=t(spec.placeholder_key)
                 if spec.placeholder_key else "", id=wid, compact=True)


def read_values(container: Any, specs: list[Spec]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in specs:
        widget = container.query_one(f"#field-{spec.name}", Field).widget
        if isinstance(widget, UnitField):
            values[spec.name] = widget.unit_id
        elif isinstance(widget, Select):
            values[spec.name] = None if widget.value is Select.NULL else str(widget.value)
        else:
            values[spec.name] = widget.value
    return values


def clear_own_error(widget: Any) -> None:
    """The user is correcting a field: its old message goes."""
    for ancestor in widget.ancestors:
        if isinstance(ancestor, Field):
            if ancestor.has_class("-invalid"):
                ancestor.set_error("")
            return


class QuickForm(FormMixin, VerticalScroll):
    """The form on the left of a register: Enter moves on, Ctrl+S saves, Esc goes to
    the list."""

    DEFAULT_CSS = """
    QuickForm { width: 54; height: 1fr; padding: 0 1 0 0; border-right: solid $primary-darken-2; }
    QuickForm Field { margin: 0 0 1 0; }
    QuickForm Field > .field-label { width: 14; padding: 0 1 0 0; }
    QuickForm Field > .field-error { width: auto; max-width: 100%; padding: 0; }
    QuickForm Field.-invalid { layout: grid; grid-size: 2; grid-columns: 14 1fr; grid-rows: auto auto; }
    QuickForm Field.-invalid > .field-error { column-span: 2; width: 1fr; padding: 0 0 0 14; }
    QuickForm UnitField { height: 1; border: none; padding: 0 1; background: $boost; }
    QuickForm UnitField:focus { height: 1; border: none; background: $primary 30%; }
    QuickForm .hint { margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("registers.key.save"), id="registers.key.save"),
        Binding("escape", "back", t("registers.key.back"), id="registers.key.back"),
    ]

    class Submitted(Message):
        def __init__(self, form: QuickForm) -> None:
            super().__init__()
            self.form = form

    class Back(Message):
        def __init__(self, form: QuickForm) -> None:
            super().__init__()
            self.form = form

    def __init__(self, register: str, title_key: str, specs: list[Spec], *,
                 hint_key: str = "registers.hint.form") -> None:
        super().__init__(id=f"form-{register}")
        self.register = register
        self.title_key = title_key
        self.specs = specs
        self.hint_key = hint_key

    def compose(self) -> ComposeResult:
        yield Label(t(self.title_key), classes="title")
        for spec in self.specs:
            yield Field(t(spec.label_key), build_widget(spec, f"{self.register}"),
                        name=spec.name, required=spec.required)
        yield Static(t(self.hint_key), classes="hint", id=f"{self.register}-hint")

    def values(self) -> dict[str, Any]:
        return read_values(self, self.specs)

    def widget(self, name: str) -> Any:
        return self.query_one(f"#field-{name}", Field).widget

    def reset(self) -> None:
        self.clear_errors()
        for spec in self.specs:
            widget = self.widget(spec.name)
            if isinstance(widget, UnitField):
                widget.set_picked(None)
            elif isinstance(widget, Input):
                widget.value = spec.default

    def set_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        """Replace a select's options (``(label, value)``), keeping the value if it is
        still there."""
        select: Select[str] = self.widget(name)
        current = select.value
        select.set_options(choices)
        values = [v for _, v in choices]
        if current in values:
            select.value = current
        elif values:
            select.value = values[0]

    def focus_first(self) -> None:
        self.widget(self.specs[0].name).focus()

    def focus_after(self, name: str) -> None:
        """Focus the field after ``name`` (the save key's turn when it is the last)."""
        names = [spec.name for spec in self.specs]
        index = names.index(name)
        if index + 1 < len(names):
            self.widget(names[index + 1]).focus()

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        clear_own_error(event.control)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        last = self.specs[-1].name
        if event.input.id == f"{self.register}-{last}":
            self.action_save()
        else:
            self.screen.focus_next()

    def action_save(self) -> None:
        self.post_message(self.Submitted(self))

    def action_back(self) -> None:
        self.post_message(self.Back(self))


ServiceFn = Callable[[Session], Any]


class ActionModal(FormMixin, DeskModal[Any]):
    """A small form for one step on one record (return, notify, claim, void …). ``run``
    turns the values into a service call; errors show at their field, success dismisses
    with the service's result."""

    DEFAULT_CSS = """
    ActionModal { align: center middle; }
    ActionModal > Vertical { width: 84; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 0 2; }
    ActionModal #action-info { color: $text-muted; height: auto; margin-bottom: 1; }
    ActionModal Field { margin: 0 0 1 0; }
    ActionModal Field > .field-label { width: 18; padding: 0 1 0 0; }
    ActionModal Field > .field-error { max-width: 30; padding: 0 0 0 1; }
    ActionModal UnitField { height: 1; border: none; padding: 0 1; background: $boost; }
    ActionModal UnitField:focus { height: 1; border: none; background: $primary 30%; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("registers.key.save"), id="registers.key.save"),
        Binding("escape", "cancel", t("key.cancel"), id="key.cancel"),
    ]

    def __init__(self, title: str, specs: list[Spec], run: Callable[[dict[str, Any]], ServiceFn],
                 *, info: str = "", prefill: dict[str, str] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.specs = specs
        self.run = run
        self.info = info
        self.prefill = prefill or {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            if self.info:
                yield Static(self.info, id="action-info")
            for spec in self.specs:
                widget = build_widget(spec, "action")
                if spec.name in self.prefill and isinstance(widget, Input):
                    widget.value = self.prefill[spec.name]
                yield Field(t(spec.label_key), widget, name=spec.name, required=spec.required)
            yield Static(t("registers.hint.form"), classes="hint")
            yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        if self.specs:
            self.query_one(f"#field-{self.specs[0].name}", Field).widget.focus()

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        clear_own_error(event.control)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"action-{self.specs[-1].name}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        self.clear_errors()
        try:
            fn = self.run(read_values(self, self.specs))
        except Exception as err:  # a DeskError raised while preparing the call
            from deskapp.errors import DeskError

            if isinstance(err, DeskError):
                self.show_error(err)
                return
            raise
        self.call_service(fn, write=True, done=self.dismiss, request_id=self.request_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DetailModal(RevealMixin, DeskModal[str | None]):
    """One record in full, with its history; the keys of the steps still possible
    dismiss with the step's name; ``v`` reveals what it shows masked (``targets``)."""

    DEFAULT_CSS = """
    DetailModal { align: center middle; }
    DetailModal > Vertical { width: 96; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 0 2; }
    DetailModal VerticalScroll { height: auto; max-height: 30; }
    """
    BINDINGS = [
        Binding("c", "step('close')", t("registers.key.close"), id="registers.key.close"),
        Binding("t", "step('notify')", t("registers.key.notify"), id="registers.key.notify"),
        Binding("d", "step('dispose')", t("registers.key.dispose"), id="registers.key.dispose"),
        Binding("p", "step('print')", t("registers.key.print"), id="registers.key.print"),
        Binding("x", "step('void')", t("registers.key.void"), id="registers.key.void"),
        Binding("escape", "step('')", t("key.close"), id="key.close"),
    ]

    def __init__(self, title: str, body: Text, steps: set[str],
                 targets: list[RevealTarget] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.steps = steps
        self.targets = list(targets or [])

    def reveal_targets(self) -> list[RevealTarget]:
        return self.targets

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            with VerticalScroll():
                yield Static(self.body, id="detail-body")
            yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return self.reveal_allowed()
        if action == "step" and parameters and parameters[0]:
            return parameters[0] in self.steps
        return True

    def action_step(self, step: str) -> None:
        self.dismiss(step or None)
