"""停车 — monthly passes (月卡) and spaces, from the customer file (P; the handover's
expiring passes; the palette). Issue a pass (N), renew it (R), end it early (E), amend its
plate or holder (M); the list's search (/) finds a plate. Spaces (S) lists the site's
spaces: add one (N), correct one (M)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Static

from deskapp import clock
from deskapp.db.models.parking import SpaceKind
from deskapp.i18n import t
from deskapp.masking import mask_text
from deskapp.services.customer import actions as customer_actions
from deskapp.services.customer import (
    parking,
    parking_common,
    parking_lists,
    parking_spaces,
    parking_views,
)
from deskapp.tui import areas
from deskapp.tui.base import DeskScreen
from deskapp.tui.widgets.form import FieldSpec, SpecForm
from deskapp.tui.widgets.record_list import RecordList


def _field(name: str, kind: str = "text", value: Any = "", *, required: bool = False,
           options: list[tuple[str, str]] | None = None, placeholder: str = "") -> FieldSpec:
    return FieldSpec(name, f"parking.field.{name}", kind,  # type: ignore[arg-type]
                     value, options or [], required=required, placeholder=placeholder)


class ParkingScreen(DeskScreen):
    AREA = "customer"
    DEFAULT_CSS = """
    ParkingScreen #pk-body { height: 1fr; }
    ParkingScreen #pk-list { width: 3fr; }
    ParkingScreen #pk-detail { width: 2fr; min-width: 28; padding: 0 1;
                               border-left: solid $primary-darken-2; }
    """
    BINDINGS = [
        Binding("n", "new", t("parking.key.new"), id="parking.key.new"),
        Binding("r", "renew", t("parking.key.renew"), id="parking.key.renew"),
        Binding("e", "end", t("parking.key.end"), id="parking.key.end"),
        Binding("m", "amend", t("parking.key.amend"), id="parking.key.amend"),
        Binding("s", "spaces", t("parking.key.spaces"), id="parking.key.spaces"),
        Binding("escape", "back", t("parking.key.back"), id="parking.key.back"),
    ]

    def __init__(self, open_id: int | None = None, unit_id: int | None = None) -> None:
        super().__init__()
        self.open_id = open_id
        self.unit_id = unit_id
        self.shown: parking_views.PassCard | None = None

    def compose(self) -> ComposeResult:
        filters = {"unit": self.unit_id} if self.unit_id is not None else {}
        self.list = RecordList(parking_lists.PassSource(), self.app.db.read, filters=filters,
                               id="pk-list")
        yield Header(show_clock=True)
        with Horizontal(id="pk-body"):
            yield self.list
            yield Static(Text(t("parking.card.empty"), style="dim"), id="pk-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.list.focus()
        if self.open_id is not None:
            self.show_detail(self.open_id)

    def reload(self) -> None:
        self.list.refresh_data()
        if self.shown is not None and self.shown.lease.id is not None:
            self.show_detail(self.shown.lease.id)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(RecordList.Opened, "#pk-list")
    def _opened(self, event: RecordList.Opened) -> None:
        self.show_detail(event.record_id)

    def show_detail(self, lease_id: int) -> None:
        self.call_service(lambda s: parking_views.card(s, lease_id), done=self._show,
                          group="pk-detail", exclusive=True)

    def _show(self, card: parking_views.PassCard) -> None:
        self.shown = card
        lines = card.lines()
        status = parking_views.pass_status(card.lease)
        style = {"expiring": "bold yellow", "expired": "bold dim", "ended": "bold dim"}
        text = Text()
        text.append(lines[0] + "\n", style=style.get(status, "bold"))
        for line in lines[1:]:
            text.append(mask_text(line) + "\n")
        self.query_one("#pk-detail", Static).update(text)

    def _target(self) -> int | None:
        current = self.list.current_id
        if current is not None:
            return current
        return self.shown.lease.id if self.shown else None

    def _after(self, key: str) -> Any:
        def done(result: Any) -> None:
            if result is not None:
                plate, lease_id = result
                self.notify(t(key, plate=plate))
                self.list.refresh_data()
                self.show_detail(lease_id)
            self.list.focus()
        return done

    def action_new(self) -> None:
        by = self.staff
        specs = [
            _field("space", required=True, placeholder="B1-001"),
            FieldSpec("unit", "parking.field.unit", "unit", required=True),
            _field("plate", required=True, placeholder="豫C12345"),
            _field("start_date", "date", clock.today().isoformat(), required=True),
            _field("months", "number", "12"),
            _field("end_date", "date"),
            _field("holder"),
            _field("holder_phone"),
            _field("note"),
        ]

        def values(v: dict[str, Any]) -> dict[str, Any]:
            out = dict(v)
            out["unit_id"] = out.pop("unit")
            return out

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> tuple[str, int]:
                lease = parking.issue_pass(s, by=by, **values(v))
                return lease.plate, lease.id or 0
            return run

        def confirm(v: dict[str, Any]) -> Any:
            return lambda s: parking.issue_preview(s, by=by, **values(v))

        form = SpecForm(t("parking.form.new"), specs, submit, confirm=confirm,
                        confirm_label_key="parking.issue.key", hint=t("parking.form.hint"),
                        prefix="pn")
        self.app.push_screen(form, self._after("parking.saved.issue"))
        if self.unit_id is not None:
            self.app.call_after_refresh(form.show_unit, "#pn-unit", self.unit_id)

    def action_renew(self) -> None:
        lease_id = self._target()
        if lease_id is None:
            return
        by = self.staff
        specs = [_field("months", "number", "12"), _field("end_date", "date")]

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> tuple[str, int]:
                lease = parking.renew_pass(s, by=by, lease_id=lease_id, months=v["months"],
                                           until=v["end_date"])
                return lease.plate, lease_id
            return run

        self.app.push_screen(SpecForm(t("parking.form.renew", plate=self._plate(lease_id)),
                                      specs, submit, hint=t("parking.form.renew_hint"),
                                      prefix="pr"), self._after("parking.saved.renew"))

    def action_end(self) -> None:
        lease_id = self._target()
        if lease_id is None:
            return
        by = self.staff
        specs = [_field("end_date", "date", clock.today().isoformat(), required=True),
                 _field("reason", required=True)]

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> tuple[str, int]:
                lease = parking.end_pass(s, by=by, lease_id=lease_id, **v)
                return lease.plate, lease_id
            return run

        def confirm(v: dict[str, Any]) -> Any:
            return lambda s: parking.end_preview(s, by=by, lease_id=lease_id, **v)

        self.app.push_screen(SpecForm(t("parking.form.end", plate=self._plate(lease_id)),
                                      specs, submit, confirm=confirm,
                                      confirm_label_key="parking.end.key",
                                      hint=t("parking.form.save_hint"), prefix="pe"),
                             self._after("parking.saved.end"))

    def action_amend(self) -> None:
        lease_id = self._target()
        if lease_id is None:
            return
        by = self.staff
        shown = self.shown.lease if self.shown and self.shown.lease.id == lease_id else None
        specs = [_field("plate", value=shown.plate if shown else ""),
                 _field("holder", value=shown.holder if shown else ""),
                 _field("holder_phone"),
                 _field("note", value=shown.note if shown else ""),
                 _field("reason", required=True)]

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> tuple[str, int]:
                lease = parking.amend_pass(s, by=by, lease_id=lease_id, **v)
                return lease.plate, lease_id
            return run

        self.app.push_screen(SpecForm(t("parking.form.amend", plate=self._plate(lease_id)),
                                      specs, submit, hint=t("parking.form.amend_hint"),
                                      prefix="pm"), self._after("parking.saved.amend"))

    def _plate(self, lease_id: int) -> str:
        if self.shown is not None and self.shown.lease.id == lease_id:
            return self.shown.lease.plate or self.shown.lease.space_no
        row = self.list.table.current_row
        return row.cells[0] if row is not None and row.id == lease_id else ""

    def action_spaces(self) -> None:
        self.app.push_screen(SpacesScreen())


class SpacesScreen(DeskScreen):
    AREA = "customer"
    BINDINGS = [
        Binding("n", "new", t("parking.key.new_space"), id="parking.key.new_space"),
        Binding("m", "amend", t("parking.key.amend_space"), id="parking.key.amend_space"),
        Binding("escape", "back", t("parking.key.back"), id="parking.key.back"),
    ]

    #: the keys that change the site's spaces, and the step each one is
    STEPS = {"new": "parking.space.new", "amend": "parking.space.amend"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step = self.STEPS.get(action)
        if step is not None and not customer_actions.may(self.staff, step):
            return False
        return super().check_action(action, parameters)

    def why_refused(self, action: str, parameters: tuple[object, ...]) -> str | None:
        step = self.STEPS.get(action)
        err = customer_actions.why_not(self.staff, step) if step is not None else None
        return str(err) if err is not None else None

    def compose(self) -> ComposeResult:
        self.list = RecordList(parking_lists.SpaceSource(), self.app.db.read, id="pks-list")
        yield Header(show_clock=True)
        yield self.list
        yield Footer()

    def on_mount(self) -> None:
        self.list.focus()

    def reload(self) -> None:
        self.list.refresh_data()

    def action_back(self) -> None:
        self.app.pop_screen()

    def _done(self, result: Any) -> None:
        if result is not None:
            self.notify(t("parking.saved.space", plate=result))
            self.list.refresh_data()
        self.list.focus()

    def action_new(self) -> None:
        by = self.staff
        specs = [_field("number", required=True, placeholder="B1-001"),
                 _field("kind", "choice", SpaceKind.RENTED.value,
                        options=parking_common.kind_options(), required=True),
                 _field("zone"), _field("floor"),
                 FieldSpec("owner_unit", "parking.field.owner_unit", "unit"),
                 _field("note")]

        def submit(v: dict[str, Any]) -> Any:
            values = dict(v)
            values["owner_unit_id"] = values.pop("owner_unit")
            return lambda s: parking_spaces.add_space(s, by=by, **values).number

        self.app.push_screen(SpecForm(t("parking.form.space"), specs, submit,
                                      hint=t("parking.form.save_hint"), prefix="ps"), self._done)

    @on(RecordList.Opened, "#pks-list")
    def _opened(self) -> None:
        """Enter corrects the space; for one who may not, it says who may."""
        why = self.why_refused("amend", ())
        if why is not None:
            self.notify(why, severity="warning", timeout=6)
            return
        self.action_amend()

    def action_amend(self) -> None:
        space_id = self.list.current_id
        if space_id is None:
            return
        by = self.staff

        def open_form(space: Any) -> None:
            specs = [_field("zone", value=space.zone), _field("floor", value=space.floor),
                     _field("kind", "choice", space.kind.value,
                            options=parking_common.kind_options(), required=True),
                     FieldSpec("owner_unit", "parking.field.owner_unit", "unit"),
                     _field("active", "check", space.active),
                     _field("reason", required=True)]

            def submit(v: dict[str, Any]) -> Any:
                values = dict(v)
                values["owner_unit_id"] = values.pop("owner_unit")
                return lambda s: parking_spaces.amend_space(s, by=by, space_id=space_id,
                                                     **values).number

            form = SpecForm(t("parking.form.space_amend", number=space.number), specs,
                            submit, hint=t("parking.form.save_hint"), prefix="pa")
            self.app.push_screen(form, self._done)
            self.app.call_after_refresh(form.show_unit, "#pa-owner_unit", space.owner_unit_id)

        self.call_service(lambda s: parking_spaces.get_space(s, space_id), done=open_form)


def open_parking(app: Any, lease_id: int | None = None) -> None:
    app.action_area("customer")

    def later() -> None:
        app.push_screen(ParkingScreen(lease_id))

    app.call_after_refresh(later)


areas.record_opener("parking_pass")(lambda app, record_id: open_parking(app, record_id))


@areas.palette_command("parking.palette.open")
def _palette(app: Any) -> None:
    open_parking(app)
