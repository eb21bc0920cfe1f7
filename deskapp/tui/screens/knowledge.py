"""应知应会 — the knowledge screen: site profile, fee standards, facilities and phone book,
filtered as the receptionist types, plus the unit picker for "who lives in 3-1-1201?"."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Static, Tab, Tabs

from deskapp.db.models import ReferenceEntry
from deskapp.i18n import t
from deskapp.services import site
from deskapp.tui.base import DeskScreen
from deskapp.tui.widgets.unit_picker import PickedUnit, UnitPicker

SECTIONS = ("all", *site.SECTIONS)


class KnowledgeScreen(DeskScreen):
    AREA = "knowledge"
    DEFAULT_CSS = """
    KnowledgeScreen #kn-body { height: 1fr; }
    KnowledgeScreen DataTable { width: 3fr; height: 1fr; }
    KnowledgeScreen #kn-detail { width: 2fr; height: 1fr; padding: 0 1; border-left: solid $primary-darken-2; }
    KnowledgeScreen #kn-status { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+f", "focus_filter", t("key.filter"), id="key.filter"),
        Binding("ctrl+u", "pick_unit", t("key.find_unit"), id="key.find_unit", priority=True),
        Binding("ctrl+t", "next_section", t("key.next_section"), id="key.next_section",
                priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._entries: list[ReferenceEntry] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with Vertical():
            yield Tabs(*[Tab(t(f"knowledge.section.{s}"), id=f"sec-{s}") for s in SECTIONS],
                       id="kn-tabs")
            yield Input(placeholder=t("knowledge.filter.placeholder"), id="kn-filter")
            with Horizontal(id="kn-body"):
                yield DataTable(id="kn-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="kn-detail")
            yield Static("", id="kn-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t("knowledge.col.section"), width=8, key="section")
        table.add_column(t("knowledge.col.title"), width=22, key="title")
        table.add_column(t("knowledge.col.content"), width=44, key="body")
        table.add_column(t("knowledge.col.phone"), width=16, key="phone")
        self.query_one("#kn-filter", Input).focus()
        self._load()

    @property
    def section(self) -> str | None:
        active = self.query_one(Tabs).active or "sec-all"
        sec = active.removeprefix("sec-")
        return None if sec == "all" else sec

    def _load(self) -> None:
        text = self.query_one("#kn-filter", Input).value
        section = self.section
        self.call_service(lambda s: site.search_reference(s, text, section=section),
                          done=self._show, group="knowledge", exclusive=True)

    def _show(self, entries: list[ReferenceEntry]) -> None:
        self._entries = entries
        table = self.query_one(DataTable)
        table.clear()
        for e in entries:
            body = e.body.replace("\n", " ")
            table.add_row(t(f"knowledge.section.{e.section}"), e.title, body, e.phone,
                          key=str(e.id))
        self.query_one("#kn-status", Static).update(t("knowledge.count", n=len(entries)))
        self._detail(0 if entries else None)

    def _detail(self, index: int | None) -> None:
        detail = self.query_one("#kn-detail", Static)
        if index is None or index >= len(self._entries):
            detail.update(Text(t("knowledge.none"), style="dim"))
            return
        e = self._entries[index]
        text = Text()
        text.append(e.title + "\n", style="bold")
        text.append(t(f"knowledge.section.{e.section}") + "\n\n", style="dim")
        if e.body:
            text.append(e.body + "\n")
        if e.phone:
            text.append("\n☎ " + e.phone, style="bold")
        detail.update(text)

    @on(DataTable.RowHighlighted)
    def _row(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    @on(Input.Changed, "#kn-filter")
    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.12, self._load)

    @on(Input.Submitted, "#kn-filter")
    def _submitted(self) -> None:
        if self._entries:
            self.query_one(DataTable).focus()
        else:
            self.action_pick_unit()

    @on(Tabs.TabActivated)
    def _tab(self) -> None:
        self._load()

    def action_focus_filter(self) -> None:
        self.query_one("#kn-filter", Input).focus()

    def action_next_section(self) -> None:
        self.query_one(Tabs).action_next_tab()

    def action_pick_unit(self) -> None:
        self.app.push_screen(UnitPicker(self.query_one("#kn-filter", Input).value),
                             self._picked)

    def _picked(self, picked: PickedUnit | None) -> None:
        if picked is not None:
            hit = picked.hit
            self.notify(t("knowledge.unit_found", code=hit.code,
                          name=hit.occupant_name or t("unit.no_occupant"),
                          phone=hit.phone_masked))
