"""The reveal dialog: shows one full ID number or phone after the staff member has typed a
reason; the service writes the audit entry. Any screen can open it::

    from deskapp.tui.widgets.reveal import open_reveal
    open_reveal(self.app, table="occupant", record_id=occ.id, column="phone",
                masked=mask_phone(occ.phone))

Detail screens use :class:`RevealMixin` instead: it adds the key ``k`` (查看完整号码; a
screen where ``k`` is taken or letters are typed sets ``REVEAL_KEY``) that is shown in the
footer only while :meth:`RevealMixin.reveal_targets` — implemented by the screen from the
record it shows — returns something. With one target the dialog asks for the reason
straight away; with several (a renovation filing: owner, applicant, site lead …) the
dialog first lists them: digits or arrows and Enter pick one.

The full value appears in the dialog only — it is never handed back to the calling screen
— and the dialog closes by itself after :data:`SHOW_SECONDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskapp.i18n import t
from deskapp.masking import mask_id, mask_phone, mask_text
from deskapp.services import reveal as reveal_svc
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.form import Field, FormMixin

__all__ = [
    "REVEAL_ACTION",
    "SHOW_SECONDS",
    "RevealMixin",
    "RevealModal",
    "RevealTarget",
    "field_label",
    "open_reveal",
    "personal_target",
    "targets",
    "text_target",
]

SHOW_SECONDS = 30
REVEAL_ACTION = "reveal"
_KEY_ID = "ops.reveal.key.open"
_PICK_MAX = 9  # digits 1–9 pick a target


def field_label(column: str) -> str:
    return t("ops.field.id_number") if column.endswith("id_number") else t("ops.field.phone")


@dataclass(frozen=True)
class RevealTarget:
    """One value a screen offers to reveal: which column of which record, and how the
    screen shows it now (``masked``)."""

    table: str
    record_id: int
    column: str
    label: str
    masked: str


def personal_target(table: str, record_id: int | None, column: str, value: str | None,
                    label: str = "") -> RevealTarget | None:
    """The target for a phone / ID column, or None when the record has no value."""
    if record_id is None or not (value or "").strip():
        return None
    masked = mask_id(value or "") if column.endswith("id_number") else mask_phone(value or "")
    return RevealTarget(table, record_id, column, label or field_label(column), masked)


def text_target(table: str, record_id: int | None, column: str, value: str | None,
                label: str) -> RevealTarget | None:
    """The target for a free-text column — only when the text holds an ID number or a
    mobile, i.e. when the screen shows it masked."""
    text = value or ""
    shown = mask_text(text)
    if record_id is None or shown == text:
        return None
    flat = " ".join(shown.split())
    return RevealTarget(table, record_id, column, label,
                        flat if len(flat) <= 40 else flat[:39] + "…")


def targets(*found: RevealTarget | None) -> list[RevealTarget]:
    """The targets that exist, in order (helpers above return None for an empty value)."""
    return [x for x in found if x is not None]


class RevealMixin:
    """For :class:`~deskapp.tui.base.DeskScreen` / ``DeskModal`` subclasses showing one
    record: put it first in the bases and implement :meth:`reveal_targets`. The binding is
    added to the class when it is created; a screen with its own ``check_action`` answers
    ``"reveal"`` with :meth:`reveal_allowed` (the mixin's own ``check_action`` does it for
    screens that have none). Call ``refresh_bindings()`` after the record is loaded."""

    REVEAL_KEY: ClassVar[str] = "k"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)  # Textual merges the class's BINDINGS here
        # Textual 8.2.8 has no public API to add a binding to a class after BINDINGS.
        merged = getattr(cls, "_merged_bindings", None)
        if merged is None:
            return
        taken = [b for b in merged.key_to_bindings.get(cls.REVEAL_KEY, [])
                 if b.action != REVEAL_ACTION]
        if taken:
            raise TypeError(f"{cls.__name__}: key {cls.REVEAL_KEY!r} already does "
                            f"{taken[0].action!r}; set REVEAL_KEY to a free key")
        merged.key_to_bindings[cls.REVEAL_KEY] = [
            Binding(cls.REVEAL_KEY, REVEAL_ACTION, t(_KEY_ID), id=_KEY_ID)]

    def reveal_targets(self) -> list[RevealTarget]:
        """What the screen shows masked now, for the record it shows (override)."""
        return []

    def reveal_allowed(self) -> bool:
        """False hides the key from the footer (no record yet, or nothing personal)."""
        return bool(self.reveal_targets())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == REVEAL_ACTION:
            return self.reveal_allowed()
        return super().check_action(action, parameters)  # type: ignore[misc]

    def action_reveal(self) -> None:
        found = self.reveal_targets()
        if found:
            self.app.push_screen(RevealModal(targets=found))  # type: ignore[attr-defined]


class RevealModal(FormMixin, DeskModal[bool]):
    """Dismisses with True once the value was shown, False when cancelled.

    Either one target (``table=``, ``record_id=``, ``column=``) or ``targets=`` — with
    more than one, the staff member picks which first (digits or arrows, Enter)."""

    DEFAULT_CSS = """
    RevealModal { align: center middle; }
    RevealModal > Vertical { width: 80; height: auto; border: thick $warning;
                             background: $surface; padding: 1 2; }
    RevealModal .reveal-what { padding: 0 0 1 0; }
    RevealModal #reveal-pick { height: auto; max-height: 12; margin: 0 0 1 0; }
    RevealModal .hint { color: $text-muted; padding: 1 0 0 0; }
    RevealModal #reveal-value { text-style: bold; color: $warning; padding: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("ctrl+s", "show", t("ops.reveal.key.show"), id="ops.reveal.key.show"),
        Binding("escape", "close", t("key.close"), id="key.close"),
        *[Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, _PICK_MAX + 1)],
    ]

    def __init__(self, *, table: str = "", record_id: int = 0, column: str = "",
                 masked: str = "", label: str | None = None,
                 targets: list[RevealTarget] | None = None,
                 seconds: float = SHOW_SECONDS) -> None:
        super().__init__()
        if not targets:
            if not (table and column):
                raise ValueError("RevealModal needs a target")
            targets = [RevealTarget(table, record_id, column, label or field_label(column),
                                    masked)]
        self.targets = list(targets)
        self.current = 0
        self.seconds = max(0.05, seconds)
        self.shown = False

    @property
    def target(self) -> RevealTarget:
        return self.targets[self.current]

    # kept for callers that read the single target's parts
    @property
    def table(self) -> str:
        return self.target.table

    @property
    def record_id(self) -> int:
        return self.target.record_id

    @property
    def column(self) -> str:
        return self.target.column

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("ops.reveal.title"), classes="title")
            if len(self.targets) == 1:
                yield Static(self._what(self.target), classes="reveal-what")
            else:
                yield Static(t("ops.reveal.pick"), classes="reveal-what")
                yield OptionList(*[Option(f"{n}. {self._what(x)}", id=str(n - 1))
                                   for n, x in enumerate(self.targets, 1)], id="reveal-pick")
            yield Field(t("ops.reveal.reason"), Input(id="reveal-reason",
                                                       max_length=reveal_svc.REASON_MAX),
                        name="reason", required=True)
            yield Static(t("ops.reveal.hint"), classes="hint")
            yield Static("", id="reveal-value")
            yield Footer()

    @staticmethod
    def _what(target: RevealTarget) -> str:
        return t("ops.reveal.what", field=target.label, masked=target.masked or "—")

    def on_mount(self) -> None:
        if len(self.targets) > 1:
            picker = self.query_one("#reveal-pick", OptionList)
            picker.highlighted = 0
            picker.focus()
        else:
            self.query_one("#reveal-reason", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return len(self.targets) > 1 and not self.shown
        if action == "show":
            return not self.shown  # shown once: the footer keeps only Esc
        return True

    @on(OptionList.OptionHighlighted, "#reveal-pick")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.current = int(event.option.id)

    @on(OptionList.OptionSelected, "#reveal-pick")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.action_pick(int(event.option.id))

    def action_pick(self, index: int) -> None:
        """Choose the target (digit keys, Enter on the list) and go to the reason."""
        if self.shown or not 0 <= index < len(self.targets):
            return
        self.current = index
        if len(self.targets) > 1:
            self.query_one("#reveal-pick", OptionList).highlighted = index
        self.query_one("#reveal-reason", Input).focus()

    @on(Input.Submitted, "#reveal-reason")
    def _submitted(self, _event: Input.Submitted) -> None:
        self.action_show()

    def action_show(self) -> None:
        if self.shown:
            return
        self.clear_errors()
        by = self.app.staff
        reason = self.query_one("#reveal-reason", Input).value
        table, record_id, column = self.table, self.record_id, self.column
        self.call_service(
            lambda s: reveal_svc.reveal(s, by=by, table=table, record_id=record_id,
                                        column=column, reason=reason),
            write=True, done=self._show_value)

    def _show_value(self, value: str) -> None:
        self.shown = True
        self.query_one("#reveal-reason", Input).disabled = True
        if len(self.targets) > 1:
            self.query_one("#reveal-pick", OptionList).disabled = True
        self.query_one("#reveal-value", Static).update(
            f"{t('ops.reveal.shown', seconds=f'{self.seconds:g}')} "
            + t("ops.reveal.what", field=self.target.label, masked=value))
        self.refresh_bindings()
        self.set_timer(self.seconds, self._expire)

    def _expire(self) -> None:
        if self.is_attached and self.app.screen is self:
            self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(self.shown)


def open_reveal(app: Any, *, table: str = "", record_id: int = 0, column: str = "",
                masked: str = "", label: str | None = None,
                targets: list[RevealTarget] | None = None, callback: Any = None) -> None:
    """Push the reveal dialog for ``table.column`` of record ``record_id`` (or for one of
    ``targets``)."""
    app.push_screen(RevealModal(table=table, record_id=record_id, column=column,
                                masked=masked, label=label, targets=targets), callback)
