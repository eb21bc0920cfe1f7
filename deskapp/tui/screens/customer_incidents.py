"""突发事件 — the incident log (from the customer file, X; the palette; the handover):
log one (N) with who was told, add actions with times (A), close it (C). Open incidents
are red here and in the handover until closed."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Static

from deskapp.db.models.customer import IncidentStatus
from deskapp.i18n import t
from deskapp.masking import mask_text
from deskapp.services.customer import incidents
from deskapp.tui import areas
from deskapp.tui.base import DeskScreen
from deskapp.tui.widgets.form import FieldSpec, SpecForm
from deskapp.tui.widgets.record_list import RecordList


def _field(name: str, kind: str = "text", value: Any = "", *, required: bool = False,
           options: list[tuple[str, str]] | None = None, placeholder: str = "") -> FieldSpec:
    return FieldSpec(name, f"customer.field.{name}", kind,  # type: ignore[arg-type]
                     value, options or [], required=required, placeholder=placeholder)


class IncidentsScreen(DeskScreen):
    AREA = "customer"
    DEFAULT_CSS = """
    IncidentsScreen #inc-body { height: 1fr; }
    IncidentsScreen #inc-list { width: 3fr; }
    IncidentsScreen #inc-detail { width: 2fr; min-width: 28; padding: 0 1;
                                  border-left: solid $primary-darken-2; }
    """
    BINDINGS = [
        Binding("n", "new", t("customer.incident.key.new"), id="customer.incident.key.new"),
        Binding("a", "add_action", t("customer.incident.key.action"),
                id="customer.incident.key.action"),
        Binding("c", "close", t("customer.incident.key.close"),
                id="customer.incident.key.close"),
        Binding("escape", "back", t("customer.incident.key.back"),
                id="customer.incident.key.back"),
    ]

    def __init__(self, open_id: int | None = None) -> None:
        super().__init__()
        self.open_id = open_id
        self.shown: incidents.IncidentDetail | None = None

    def compose(self) -> ComposeResult:
        self.list = RecordList(incidents.IncidentSource(), self.app.db.read, id="inc-list")
        yield Header(show_clock=True)
        with Horizontal(id="inc-body"):
            yield self.list
            yield Static(Text(t("customer.incident.empty"), style="dim"), id="inc-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.list.focus()
        if self.open_id is not None:
            self.show_detail(self.open_id)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(RecordList.Opened, "#inc-list")
    def _opened(self, event: RecordList.Opened) -> None:
        self.show_detail(event.record_id)

    def show_detail(self, incident_id: int) -> None:
        self.call_service(lambda s: incidents.detail(s, incident_id), done=self._show,
                          group="inc-detail", exclusive=True)

    def _show(self, d: incidents.IncidentDetail) -> None:
        self.shown = d
        lines = d.lines()
        text = Text()
        red = d.incident.status == IncidentStatus.OPEN
        text.append(lines[0] + "\n", style="bold red" if red else "bold")
        for line in lines[1:]:
            text.append(mask_text(line) + "\n")
        self.query_one("#inc-detail", Static).update(text)
        self.refresh_bindings()

    def _target(self) -> int | None:
        current = self.list.current_id
        if current is not None:
            return current
        return self.shown.incident.id if self.shown else None

    def _after(self, result: Any) -> None:
        if result is None:
            self.list.focus()
            return
        number, incident_id, key = result
        self.notify(t(key, number=number))
        self.list.refresh_data()
        self.show_detail(incident_id)
        self.list.focus()

    def action_new(self) -> None:
        by = self.staff
        specs = [
            _field("kind_incident", "select", "lift",
                   options=incidents.kind_options(), required=True),
            _field("occurred_at", placeholder="HH:MM"),
            FieldSpec("unit", "customer.field.unit", "unit"),
            _field("place"),
            _field("reporter", required=True),
            _field("reporter_phone"),
            _field("told", required=True),
            _field("told_at", placeholder="HH:MM"),
            _field("summary"),
        ]

        def submit(v: dict[str, Any]) -> Any:
            values = dict(v)
            kind = values.pop("kind_incident")
            unit_id = values.pop("unit")

            def run(s: Any) -> tuple[str, int, str]:
                inc = incidents.log(s, by=by, kind=kind, unit_id=unit_id, **values)
                return inc.number, inc.id or 0, "customer.incident.saved"
            return run

        self.app.push_screen(SpecForm(t("customer.incident.form.new"), specs, submit,
                                      hint=t("customer.incident.hint"), prefix="in"),
                             self._after)

    def action_add_action(self) -> None:
        incident_id = self._target()
        if incident_id is None:
            return
        by = self.staff
        number = self.shown.incident.number if self.shown and \
            self.shown.incident.id == incident_id else ""
        specs = [_field("action", required=True), _field("at", placeholder="HH:MM")]

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> tuple[str, int, str]:
                incidents.add_action(s, by=by, incident_id=incident_id, text=v["action"],
                                     at=v["at"])
                inc = incidents.detail(s, incident_id).incident
                return inc.number, incident_id, "customer.incident.saved_action"
            return run

        self.app.push_screen(SpecForm(t("customer.incident.form.action", number=number),
                                      specs, submit, hint=t("customer.incident.hint"),
                                      prefix="ia"), self._after)

    def action_close(self) -> None:
        incident_id = self._target()
        if incident_id is None:
            return
        by = self.staff
        number = self.shown.incident.number if self.shown and \
            self.shown.incident.id == incident_id else ""
        specs = [_field("closure", required=True), _field("closed_at", placeholder="HH:MM")]

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> tuple[str, int, str]:
                inc = incidents.close(s, by=by, incident_id=incident_id, closure=v["closure"],
                                      at=v["closed_at"])
                return inc.number, incident_id, "customer.incident.closed"
            return run

        self.app.push_screen(SpecForm(t("customer.incident.form.close", number=number),
                                      specs, submit, hint=t("customer.incident.hint"),
                                      prefix="ic"), self._after)


def _open_incident(app: Any, incident_id: int | None = None) -> None:
    app.action_area("customer")

    def later() -> None:
        screen = IncidentsScreen(incident_id)
        app.push_screen(screen)

    app.call_after_refresh(later)


areas.record_opener("incident")(lambda app, record_id: _open_incident(app, record_id))


@areas.palette_command("customer.palette.incident")
def _palette_new(app: Any) -> None:
    app.action_area("customer")

    def later() -> None:
        screen = IncidentsScreen()
        app.push_screen(screen)
        app.call_after_refresh(screen.action_new)

    app.call_after_refresh(later)
