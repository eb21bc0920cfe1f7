"""客户档案 (F11) — the unit card: pick a unit (U) and see its people, current and past,
its sales and warnings; add (A), edit (E), move out (O), record a sale (S). Without a
unit the list shows everyone in the file (searchable). Incidents (X) and keys held in
trust (K) and access cards (C) open from here."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind
from deskapp.i18n import t
from deskapp.masking import mask_id
from deskapp.money import format_fen
from deskapp.services.customer import occupants
from deskapp.tui import areas
from deskapp.tui.base import DeskScreen
from deskapp.tui.widgets.form import FieldSpec, PhoneInput, SpecForm
from deskapp.tui.widgets.record_list import RecordList
from deskapp.tui.widgets.unit_picker import PickedUnit, UnitPicker


def _field(name: str, kind: str = "text", value: Any = "", *, required: bool = False,
           options: list[tuple[str, str]] | None = None, label: str = "",
           placeholder: str = "") -> FieldSpec:
    return FieldSpec(name, label or f"customer.field.{name}", kind,  # type: ignore[arg-type]
                     value, options or [], required=required, placeholder=placeholder)


class EditOccupantForm(SpecForm):
    """The edit form: phones shown masked (the reveal key shows them, audited)."""

    def __init__(self, occ: Occupant, submit: Any) -> None:
        specs = [
            _field("name", value=occ.name, required=True),
            _field("phone", value=""),
            _field("other_phone", value=""),
            _field("id_number", placeholder=t("customer.field.id_kept",
                                              masked=mask_id(occ.id_number))
                   if occ.id_number else ""),
        ]
        super().__init__(t("customer.form.edit", name=occ.name), specs, submit,
                         hint=t("customer.form.hint"), prefix="ce")
        self.occ = occ

    def on_mount(self) -> None:  # the base's on_mount runs after this one
        for name, number in (("phone", self.occ.phone), ("other_phone", self.occ.phone2)):
            if number:
                self.query_one(f"#ce-{name}", PhoneInput).prefill(
                    number, table="occupant", record_id=self.occ.id)


class CustomerScreen(DeskScreen):
    AREA = "customer"
    DEFAULT_CSS = """
    CustomerScreen #cust-card { height: auto; max-height: 8; padding: 0 1;
                                border-bottom: solid $primary-darken-2; }
    """
    BINDINGS = [
        Binding("u", "pick_unit", t("customer.key.unit"), id="customer.key.unit"),
        Binding("a", "add", t("customer.key.add"), id="customer.key.add"),
        Binding("e", "edit", t("customer.key.edit"), id="customer.key.edit"),
        Binding("o", "move_out", t("customer.key.move_out"), id="customer.key.move_out"),
        Binding("s", "sale", t("customer.key.sale"), id="customer.key.sale"),
        Binding("x", "incidents", t("customer.key.incidents"), id="customer.key.incidents"),
        Binding("k", "trust", t("customer.key.trust"), id="customer.key.trust"),
        Binding("c", "cards", t("customer.key.cards"), id="customer.key.cards"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.unit_id: int | None = None
        self.unit_code = ""

    def compose(self) -> ComposeResult:
        self.list = RecordList(occupants.OccupantSource(), self.app.db.read, id="cust-list")
        yield Header(show_clock=True)
        yield Static("", id="cust-card")
        yield self.list
        yield Footer()

    def on_mount(self) -> None:
        self._show_card(None)
        self.list.focus()

    # -- the card -----------------------------------------------------------------------

    def reload(self) -> None:
        self.list.refresh_data()
        if self.unit_id is not None:
            unit_id = self.unit_id
            self.call_service(lambda s: occupants.unit_card(s, unit_id), done=self._show_card,
                              group="cust-card", exclusive=True)

    def show_unit(self, unit_id: int | None) -> None:
        self.unit_id = unit_id
        self.list.set_filter("unit", unit_id)
        if unit_id is None:
            self._show_card(None)
        else:
            self.reload()

    def _show_card(self, card: occupants.UnitCard | None) -> None:
        text = Text()
        if card is None:
            self.unit_code = ""
            text.append(t("customer.title") + "  ", style="bold")
            text.append(t("customer.card.none"), style="dim")
        else:
            self.unit_code = card.code
            text.append(f"{card.code}  ", style="bold")
            text.append(card.detail + "  ")
            text.append(t("customer.card.counts", current=len(card.current),
                          past=len(card.past)), style="dim")
            for flag in card.flags:
                text.append(f"\n⚠ {flag}", style="bold yellow")
            for tr in card.transfers[:3]:
                new = next((o.name for o in card.current + card.past
                            if o.id == tr.new_owner_id), "")
                text.append("\n" + t("customer.transfer.line", date=tr.transfer_date.isoformat(),
                                     old=tr.old_owners or "—", new=new))
                if tr.arrears_fen:
                    text.append(t("customer.transfer.arrears",
                                  amount=format_fen(tr.arrears_fen)), style="yellow")
        self.query_one("#cust-card", Static).update(text)

    # -- actions ------------------------------------------------------------------------

    @on(RecordList.Opened, "#cust-list")
    def _opened(self) -> None:
        self.action_edit()

    def action_pick_unit(self) -> None:
        self.app.push_screen(UnitPicker(), self._picked)

    def _picked(self, picked: PickedUnit | None) -> None:
        if picked is not None:
            self.show_unit(picked.hit.unit_id)
        self.list.focus()

    def _need_unit(self) -> int | None:
        if self.unit_id is None:
            self.notify(t("customer.pick_first"), severity="warning")
        return self.unit_id

    def _after(self, message_key: str) -> Any:
        """After a form: ``result`` is the person's name (None: cancelled)."""
        def done(result: Any) -> None:
            if result is not None:
                self.notify(t(message_key, name=result))
                self.reload()
            self.list.focus()
        return done

    def action_add(self) -> None:
        unit_id = self._need_unit()
        if unit_id is None:
            return
        by = self.staff
        kinds = [(k.value, f"occupant.{k.value}") for k in OccupantKind]
        specs = [
            _field("kind", "select", OccupantKind.TENANT.value, options=kinds, required=True),
            _field("name", required=True),
            _field("phone"),
            _field("other_phone"),
            _field("id_number"),
            _field("moved_in", "date", clock.today().isoformat()),
        ]

        def submit(v: dict[str, Any]) -> Any:
            return lambda s: occupants.add(s, by=by, unit_id=unit_id, **v).name

        self.app.push_screen(SpecForm(
            t("customer.form.add", unit=self.unit_code), specs, submit,
            hint=t("customer.form.hint"), prefix="ca"), self._after("customer.saved.add"))

    def _current(self, then: Any) -> None:
        occ_id = self.list.current_id
        if occ_id is None:
            self.notify(t("customer.pick_row"), severity="warning")
            return
        self.call_service(lambda s: occupants.get_occupant(s, occ_id), done=then)

    def action_edit(self) -> None:
        by = self.staff

        def open_form(occ: Occupant) -> None:
            occ_id = occ.id

            def submit(v: dict[str, Any]) -> Any:
                return lambda s: occupants.edit(s, by=by, occupant_id=occ_id, **v).name

            self.app.push_screen(EditOccupantForm(occ, submit),
                                 self._after("customer.saved.edit"))

        self._current(open_form)

    def action_move_out(self) -> None:
        by = self.staff

        def open_form(occ: Occupant) -> None:
            occ_id = occ.id
            specs = [_field("moved_out", "date", clock.today().isoformat(), required=True)]

            def submit(v: dict[str, Any]) -> Any:
                return lambda s: occupants.move_out(s, by=by, occupant_id=occ_id, **v).name

            def confirm(v: dict[str, Any]) -> Any:
                return lambda s: occupants.move_out_preview(s, by=by, occupant_id=occ_id, **v)

            self.app.push_screen(SpecForm(
                t("customer.form.move_out", name=occ.name), specs, submit, confirm=confirm,
                confirm_label_key="customer.move_out.key", hint=t("customer.form.hint"),
                prefix="co"), self._after("customer.saved.move_out"))

        self._current(open_form)

    def action_sale(self) -> None:
        unit_id = self._need_unit()
        if unit_id is None:
            return
        by = self.staff
        specs = [
            _field("transfer_date", "date", clock.today().isoformat(), required=True),
            _field("name", label="customer.sale.new", required=True),
            _field("phone"),
            _field("id_number"),
            _field("note"),
        ]

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> str:
                occupants.transfer(s, by=by, unit_id=unit_id, **v)
                return str(v["name"]).strip()
            return run

        def confirm(v: dict[str, Any]) -> Any:
            return lambda s: occupants.transfer_preview(s, by=by, unit_id=unit_id, **v)

        self.app.push_screen(SpecForm(
            t("customer.form.sale", unit=self.unit_code), specs, submit, confirm=confirm,
            confirm_label_key="customer.sale.key", hint=t("customer.form.hint"),
            prefix="cs"), self._after("customer.saved.sale"))

    def action_incidents(self) -> None:
        from deskapp.tui.screens.customer_incidents import IncidentsScreen

        self.app.push_screen(IncidentsScreen())

    def action_trust(self) -> None:
        unit_id = self._need_unit()
        if unit_id is None:
            return
        from deskapp.tui.screens.customer_trust import TrustKeysScreen

        self.app.push_screen(TrustKeysScreen(unit_id, self.unit_code))

    def action_cards(self) -> None:
        unit_id = self._need_unit()
        if unit_id is None:
            return
        from deskapp.tui.screens.customer_cards import CardsScreen

        self.app.push_screen(CardsScreen(unit_id, self.unit_code))


@areas.record_opener("unit_card")
def _open_unit(app: Any, unit_id: int) -> None:
    app.action_area("customer")

    def later() -> None:
        screen = app.screen
        if isinstance(screen, CustomerScreen):
            screen.show_unit(unit_id)

    app.call_after_refresh(later)


from deskapp.tui.screens import customer_incidents  # noqa: E402,F401 — its opener and palette command
