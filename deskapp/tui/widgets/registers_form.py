"""Form pieces of the registers screen: a quick form built from field specs (the same
:class:`~deskapp.tui.widgets.form.Field` rows and :class:`UnitField` as everywhere), a
modal form for the close/notify/void steps, a yes/no confirmation and a record detail view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
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
from deskapp.tui.widgets.form import (
    Field,
    FieldSpec,
    FormMixin,
    SpecForm,
    SpecKind,
    label_text,
    spec_value,
    spec_widget,
)
from deskapp.tui.widgets.reveal import RevealMixin, RevealTarget
from deskapp.tui.widgets.unit_picker import UnitField


def spec(name: str, label_key: str, kind: SpecKind = "text", *, required: bool = False,
         placeholder_key: str = "", choices: tuple[tuple[str, str], ...] = (),
         default: str = "") -> FieldSpec:
    """A register form's field: ``choices`` are ``(value, catalogue key or label)``."""
    return FieldSpec(name, label_key, kind, default, choices, required=required,
                     placeholder=placeholder_key)


def build_widget(spec: FieldSpec, prefix: str) -> Any:
    return spec_widget(spec, f"{prefix}-{spec.name}")


def read_values(container: Any, specs: list[FieldSpec]) -> dict[str, Any]:
    """The values of ``specs`` (a drop-down with nothing chosen gives ``None``)."""
    values: dict[str, Any] = {}
    for spec in specs:
        value = spec_value(container.query_one(f"#field-{spec.name}", Field).widget)
        values[spec.name] = None if spec.kind == "select" and value == "" else value
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

    def __init__(self, register: str, title_key: str, specs: list[FieldSpec], *,
                 hint_key: str = "registers.hint.form") -> None:
        super().__init__(id=f"form-{register}")
        self.register = register
        self.title_key = title_key
        self.specs = specs
        self.hint_key = hint_key

    def compose(self) -> ComposeResult:
        yield Label(t(self.title_key), classes="title")
        for spec in self.specs:
            yield Field(label_text(spec.label), build_widget(spec, f"{self.register}"),
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
                widget.value = str(spec.value)

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


class ActionModal(SpecForm):
    """A small form for one step on one record (return, notify, claim, void …): a
    :class:`SpecForm` with ids ``action-<name>``; ``run`` turns the values into the service
    call; success dismisses with the service's result."""

    def __init__(self, title: str, specs: list[FieldSpec],
                 run: Callable[[dict[str, Any]], ServiceFn], *, info: str = "",
                 prefill: dict[str, str] | None = None) -> None:
        prefill = prefill or {}
        specs = [replace(s, value=prefill[s.name]) if s.name in prefill else s for s in specs]
        super().__init__(title, specs, run, hint=t("registers.hint.form"), info=info,
                         prefix="action")

    def values(self) -> dict[str, Any]:
        return read_values(self, self.specs)


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
