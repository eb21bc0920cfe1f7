"""The one unit picker: type a room (``3-1-1201``), a name, pinyin initials (``zs``) or the
last four digits of a phone; Enter picks the highlighted unit. Every form uses it through
:class:`UnitField`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import hooks, units
from deskapp.services.units import UnitHit
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.reveal import RevealMixin, RevealTarget, personal_target, targets


@dataclass(frozen=True)
class PickedUnit:
    hit: UnitHit
    flags: tuple[hooks.UnitFlag, ...] = ()


def load_picked(session: Any, unit_id: int | None) -> PickedUnit | None:
    """The unit field's value for a stored unit id, as if it had been picked (a form that
    edits a record, or opens for a unit chosen elsewhere)."""
    if unit_id is None:
        return None
    unit = units.get_unit(session, unit_id)
    for hit in units.search_units(session, unit.code, limit=20):
        if hit.unit_id == unit_id:
            return PickedUnit(hit, tuple(hooks.unit_flags(session, [unit_id]).get(unit_id, [])))
    return None


def hit_label(hit: UnitHit) -> Text:
    text = Text()
    text.append(f"{hit.code:<12}", style="bold")
    name = hit.occupant_name or t("unit.no_occupant")
    text.append(f" {name}")
    if hit.occupant_kind is not None:
        text.append(t("common.with_note", text="", note=t('occupant.' + hit.occupant_kind.value)), style="dim")
    if hit.phone:
        text.append(f"  {mask_phone(hit.phone)}", style="dim")
    if hit.vacant:
        text.append(f"  [{t('unit.vacant')}]", style="yellow")
    return text


class UnitPicker(RevealMixin, DeskModal[PickedUnit | None]):
    """The picker has no footer: the hint line names the reveal key (Ctrl+Y — letters go
    to the search field) while the highlighted household has a phone."""

    REVEAL_KEY = "ctrl+y"

    DEFAULT_CSS = """
    UnitPicker { align: center middle; }
    UnitPicker > Vertical { width: 96; height: 30; border: thick $primary; background: $surface; padding: 0 1; }
    UnitPicker #picker-body { height: 1fr; }
    UnitPicker OptionList { width: 1fr; height: 1fr; }
    UnitPicker #picker-detail { width: 40; height: 1fr; padding: 0 1; border-left: solid $primary-darken-2; }
    UnitPicker #picker-hint { color: $text-muted; height: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", t("key.cancel"), id="key.cancel"),
        Binding("down", "cursor_down", t("key.next"), show=False, id="key.next"),
        Binding("up", "cursor_up", t("key.prev"), show=False, id="key.prev"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self._initial = query
        self._hits: list[UnitHit] = []
        # Each list of hits shown gets a new generation; option ids are "<generation>:<i>"
        # so a highlight event queued for an older list is recognised and dropped.
        self._generation = 0
        self._pending: str | None = None
        self._searched: str | None = None
        self._pick_when_ready = False
        self._timer: Timer | None = None
        self._household: list[Any] = []  # occupants of the unit shown on the right
        self._picking: Worker[None] | None = None  # the pick, until the picker closes

    @property
    def holds_keys(self) -> bool:
        """Enter pressed, the pick still on its way (the search for the last keystrokes or
        the unit's flags): keys typed on belong to the form's next field, so the app keeps
        them until the picker has closed (see DeskApp.on_event)."""
        return self._pick_when_ready or (self._picking is not None
                                         and not self._picking.is_finished)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("unit.picker.title"), classes="title")
            # select_on_focus=False: the first character typed into a UnitField opens the
            # picker with it; selecting it on focus would let the next keystroke replace it.
            yield Input(value=self._initial, placeholder=t("unit.picker.placeholder"),
                        select_on_focus=False, id="picker-query")
            yield Static(t("unit.picker.hint"), id="picker-hint")
            with Horizontal(id="picker-body"):
                yield OptionList(id="picker-results")
                yield Static("", id="picker-detail")

    def on_mount(self) -> None:
        self.query_one("#picker-query", Input).focus()
        self._search(self._initial)

    def type_ahead(self, text: str) -> None:
        """Characters typed into the UnitField while this picker was still opening."""
        if not self.is_mounted:
            self._initial += text
            return
        query = self.query_one("#picker-query", Input)
        query.value += text
        query.cursor_position = len(query.value)

    @on(Input.Changed, "#picker-query")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.15, lambda: self._search(event.value))

    def _search(self, text: str) -> None:
        self._pending = text
        self.call_service(lambda s: (text, units.search_units(s, text, limit=50)),
                          done=self._show_for,
                          group="unit-search", exclusive=True)

    def _show_for(self, result: tuple[str, list[UnitHit]]) -> None:
        text, hits = result
        if text != self._pending:
            return  # an older search answered after a newer one was started
        self._searched = text
        self._show(hits)
        if self._pick_when_ready:
            self._pick_when_ready = False
            self._pick()

    def _show(self, hits: list[UnitHit]) -> None:
        self._hits = hits
        self._generation += 1
        options = self.query_one("#picker-results", OptionList)
        options.clear_options()
        if not hits:
            options.add_option(Option(t("unit.picker.none"), disabled=True))
            self.query_one("#picker-detail", Static).update("")
            self._set_household([])
            return
        gen = self._generation
        options.add_options([Option(hit_label(h), id=f"{gen}:{i}") for i, h in enumerate(hits)])
        options.highlighted = 0
        self._detail(0)

    @on(OptionList.OptionHighlighted, "#picker-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = self._index_of(event.option.id)
        if index is not None:
            self._detail(index)

    def _index_of(self, option_id: str | None) -> int | None:
        """The hit an option stands for, or ``None`` when the option belongs to a list of
        hits that has since been replaced (a highlight that arrived late)."""
        gen, _, index = (option_id or "").partition(":")
        if gen != str(self._generation) or not index.isdigit():
            return None
        return int(index) if int(index) < len(self._hits) else None

    def _detail(self, index: int) -> None:
        if not 0 <= index < len(self._hits):
            return
        hit = self._hits[index]

        def load(session):  # type: ignore[no-untyped-def]
            occs = units.occupants_of(session, hit.unit_id)
            flags = hooks.unit_flags(session, [hit.unit_id]).get(hit.unit_id, [])
            return occs, flags

        def show(result) -> None:  # type: ignore[no-untyped-def]
            occs, flags = result
            text = Text()
            text.append(f"{hit.code}\n", style="bold")
            text.append(t("unit.detail.line", floor=hit.floor, area=hit.area,
                          use=t("unit.use." + hit.use.value)) + "\n")
            for flag in flags:
                text.append(f"⚠ {flag.text}\n", style="bold yellow")
            for occ in occs:
                text.append(t("common.with_note", text=occ.name, note=t('occupant.' + occ.kind.value)) + "\n")
                if occ.phone:
                    text.append(f"  {mask_phone(occ.phone)}\n", style="dim")
            if not occs:
                text.append(t("unit.no_occupant"), style="dim")
            self.query_one("#picker-detail", Static).update(text)
            self._set_household(occs)

        self.call_service(load, done=show, group="unit-detail", exclusive=True)

    def _set_household(self, occupants: list[Any]) -> None:
        self._household = list(occupants)
        self.query_one("#picker-hint", Static).update(
            t("unit.picker.hint_reveal") if self.reveal_targets() else t("unit.picker.hint"))
        self.refresh_bindings()

    def reveal_targets(self) -> list[RevealTarget]:
        return targets(*[personal_target("occupant", occ.id, "phone", occ.phone,
                                         f"{occ.name} {t('ops.field.phone')}")
                         for occ in self._household])

    def _current(self) -> int | None:
        options = self.query_one("#picker-results", OptionList)
        if options.highlighted is None or not 0 <= options.highlighted < len(self._hits):
            return None
        return options.highlighted

    @on(Input.Submitted, "#picker-query")
    def _submitted(self) -> None:
        text = self.query_one("#picker-query", Input).value
        if text != self._searched:
            # Enter came before the search for the last keystrokes answered: pick from the
            # results of what is typed now, never from an older, shorter query.
            if self._timer is not None:
                self._timer.stop()
            self._pick_when_ready = True
            self._search(text)
            return
        self._pick()

    @on(OptionList.OptionSelected, "#picker-results")
    def _selected(self) -> None:
        self._pick()

    def _pick(self) -> None:
        index = self._current()
        if index is None:
            return
        hit = self._hits[index]
        self._picking = self.call_service(
            lambda s: hooks.unit_flags(s, [hit.unit_id]).get(hit.unit_id, []),
            done=lambda flags: self.dismiss(PickedUnit(hit, tuple(flags))),
        )

    def action_cursor_down(self) -> None:
        self.query_one("#picker-results", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#picker-results", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class UnitField(Horizontal, can_focus=True):
    """A form field holding one unit. Enter (or typing) opens the picker."""

    DEFAULT_CSS = """
    UnitField { height: 3; border: tall $border-blurred; padding: 0 1; width: 1fr; }
    UnitField:focus { border: tall $border; }
    UnitField > Static { width: 1fr; height: 1; }
    """
    BINDINGS = [
        Binding("enter", "pick", t("key.pick_unit"), id="key.pick_unit"),
        Binding("delete", "clear", t("key.clear"), show=False, id="key.clear"),
    ]

    class Changed(Message):
        def __init__(self, field: UnitField, picked: PickedUnit | None) -> None:
            super().__init__()
            self.field = field
            self.picked = picked

        @property
        def control(self) -> UnitField:
            return self.field

    def __init__(self, *, id: str | None = None, allow_none: bool = True) -> None:
        super().__init__(id=id)
        self.picked: PickedUnit | None = None
        self.allow_none = allow_none
        self._picker: UnitPicker | None = None  # the picker this field opened, until it closes

    def compose(self) -> ComposeResult:
        yield Static(t("unit.field.empty"), classes="unit-text")

    @property
    def value(self) -> str:
        return self.picked.hit.code if self.picked else ""

    @property
    def unit_id(self) -> int | None:
        return self.picked.hit.unit_id if self.picked else None

    def set_picked(self, picked: PickedUnit | None) -> None:
        self.picked = picked
        text = Text()
        if picked is None:
            text.append(t("unit.field.empty"), style="dim")
        else:
            text.append_text(hit_label(picked.hit))
            for flag in picked.flags:
                text.append(f"  ⚠ {flag.text}", style="bold yellow")
        self.query_one(".unit-text", Static).update(text)
        self.post_message(self.Changed(self, picked))

    def action_pick(self, query: str = "") -> None:
        if self._picker is not None:  # still opening: a fast typist's next keys go into it
            self._picker.type_ahead(query)
            return
        self._picker = UnitPicker(query)
        self.app.push_screen(self._picker, self._picked)

    def _picked(self, picked: PickedUnit | None) -> None:
        self._picker = None
        if picked is not None:
            self.set_picked(picked)
        self.focus()

    def action_clear(self) -> None:
        self.set_picked(None)

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.character and event.character.isprintable() and not event.character.isspace():
            event.stop()
            self.action_pick(event.character)
