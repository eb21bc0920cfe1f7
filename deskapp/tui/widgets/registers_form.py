"""Form pieces of the registers screen: the register field spec helper, the modal form
for the close/notify/void steps (a :class:`~deskapp.tui.widgets.form.SpecForm`) and the
record detail view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Label, Static

from deskapp.i18n import t
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.form import (
    Field,
    FieldSpec,
    SpecForm,
    SpecKind,
    spec_value,
)
from deskapp.tui.widgets.reveal import RevealMixin, RevealTarget


def spec(name: str, label_key: str, kind: SpecKind = "text", *, required: bool = False,
         placeholder_key: str = "", choices: tuple[tuple[str, str], ...] = (),
         default: str = "") -> FieldSpec:
    """A register form's field: ``choices`` are ``(value, catalogue key or label)``."""
    return FieldSpec(name, label_key, kind, default, choices, required=required,
                     placeholder=placeholder_key)


def read_values(container: Any, specs: list[FieldSpec]) -> dict[str, Any]:
    """The values of ``specs`` (a drop-down with nothing chosen gives ``None``)."""
    values: dict[str, Any] = {}
    for spec in specs:
        value = spec_value(container.query_one(f"#field-{spec.name}", Field).widget)
        values[spec.name] = None if spec.kind == "select" and value == "" else value
    return values


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
