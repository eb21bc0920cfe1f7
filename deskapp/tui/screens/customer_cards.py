"""门禁卡 / 梯控卡 — a unit's access and lift cards (from the customer file, C).

Issue a card to someone living there (N), replace a lost or damaged one (R: the old card
is cancelled first, the fee billed to the unit for the cashier), cancel one (D); Enter
shows a card's story. Every
step shows what will happen before it runs; the list keeps cancelled cards, dimmed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.binding import Binding

from deskapp.db.models.cards import CardKind
from deskapp.i18n import t
from deskapp.money import format_fen
from deskapp.services.customer import actions as customer_actions
from deskapp.services.customer import cards
from deskapp.services.listing import ListSource
from deskapp.tui.screens.customer_unit import UnitPageScreen
from deskapp.tui.widgets.form import FieldSpec, SpecForm
from deskapp.tui.widgets.record_list import RecordList


class CardsScreen(UnitPageScreen):
    DEFAULT_CSS = """
    CardsScreen #cards-head { height: auto; max-height: 6; padding: 0 1;
                              border-bottom: solid $primary-darken-2; }
    """
    BINDINGS = [
        Binding("n", "issue", t("cards.key.issue"), id="cards.key.issue"),
        Binding("r", "replace", t("cards.key.replace"), id="cards.key.replace"),
        Binding("d", "cancel_card", t("cards.key.cancel"), id="cards.key.cancel"),
        Binding("escape", "back", t("cards.key.back"), id="cards.key.back"),
    ]
    HEAD_ID = "cards-head"
    LIST_ID = "cards-list"

    def __init__(self, unit_id: int, unit_code: str) -> None:
        super().__init__(unit_id, unit_code)
        self.active: dict[int, cards.CardView] = {}

    def source(self) -> ListSource:
        return cards.CardSource()

    def head_query(self, unit_id: int) -> Callable[[Session], Any]:
        return lambda s: cards.unit_cards(s, unit_id)

    def head_text(self, active: list[cards.CardView]) -> Text:
        self.active = {c.id: c for c in active}
        text = Text(t("cards.title", unit=self.unit_code) + "  ", style="bold")
        text.append(t("cards.summary", n=len(active)), style="dim")
        for c in active:
            if c.holder_gone:
                text.append("\n" + t("cards.gone_line", name=c.holder, number=c.number),
                            style="bold yellow")
        return text

    @on(RecordList.Opened, "#cards-list")
    def _opened(self) -> None:
        card_id = self.list.current_id
        if card_id is not None:
            self.call_service(lambda s: cards.history(s, card_id),
                              done=lambda lines: self.notify("\n".join(lines), timeout=8))

    def _selected(self) -> cards.CardView | None:
        card = self.active.get(self.list.current_id or 0)
        if card is None:
            self.notify(t("cards.pick_card"), severity="warning")
        return card

    def action_issue(self) -> None:
        unit_id, by = self.unit_id, self.staff

        def open_form(people: list[tuple[str, str]]) -> None:
            if not people:
                self.notify(t("cards.no_holders"), severity="warning")
                return
            specs = [
                FieldSpec("occupant", "cards.field.holder", "select", people[0][0], people,
                          required=True),
                FieldSpec("kind", "cards.field.kind", "choice", CardKind.ACCESS.value,
                          cards.kind_options(), required=True),
                FieldSpec("number", "cards.field.number", required=True),
                FieldSpec("note", "cards.field.note"),
            ]

            def submit(v: dict[str, Any]) -> Any:
                occupant = int(v["occupant"]) if v["occupant"] else None
                return lambda s: cards.issue(s, by=by, occupant_id=occupant, kind=v["kind"],
                                             number=v["number"], note=v["note"]).number

            self.app.push_screen(SpecForm(t("cards.form.issue", unit=self.unit_code), specs,
                                          submit, hint=t("customer.form.hint"), prefix="ci"),
                                 self.after(lambda n: t("cards.saved.issue", number=n)))

        self.call_service(lambda s: cards.holders(s, unit_id), done=open_form)

    def action_replace(self) -> None:
        card = self._selected()
        if card is None:
            return
        by, card_id = self.staff, card.id
        specs = [
            FieldSpec("reason", "cards.field.reason", "choice", "lost",
                      cards.reason_options(replacing=True),
                      required=True),
            FieldSpec("new_number", "cards.field.new_number", required=True),
        ]
        if customer_actions.may(by, "cards.waive_fee"):
            specs.append(FieldSpec("waive_reason", "cards.field.waive_reason"))

        def values(v: dict[str, Any]) -> dict[str, Any]:
            return {"card_id": card_id, "new_number": v["new_number"], "reason": v["reason"],
                    "waive_reason": v.get("waive_reason", "")}

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> str:
                done = cards.replace(s, by=by, **values(v))
                if done.fee_fen:
                    return t("cards.saved.replace_fee", number=done.new.number,
                             amount=format_fen(done.fee_fen))
                return t("cards.saved.replace", number=done.new.number)
            return run

        def confirm(v: dict[str, Any]) -> Any:
            return lambda s: cards.replace_preview(s, by=by, **values(v))

        self.app.push_screen(SpecForm(
            t("cards.form.replace", number=card.number), specs, submit, confirm=confirm,
            confirm_label_key="cards.replace.key", hint=t("customer.form.hint"), prefix="cr"),
            self.after(str))

    def action_cancel_card(self) -> None:
        card = self._selected()
        if card is None:
            return
        by, card_id = self.staff, card.id
        specs = [
            FieldSpec("reason", "cards.field.reason", "choice",
                      "moved_out" if card.holder_gone else "returned",
                      cards.reason_options(), required=True),
            FieldSpec("end_note", "cards.field.end_note"),
        ]

        def submit(v: dict[str, Any]) -> Any:
            return lambda s: cards.cancel(s, by=by, card_id=card_id, reason=v["reason"],
                                          note=v["end_note"]).number

        def confirm(v: dict[str, Any]) -> Any:
            return lambda s: cards.cancel_preview(s, by=by, card_id=card_id,
                                                  reason=v["reason"], note=v["end_note"])

        self.app.push_screen(SpecForm(
            t("cards.form.cancel", number=card.number), specs, submit, confirm=confirm,
            confirm_label_key="cards.cancel.key", hint=t("customer.form.hint"), prefix="cc"),
            self.after(lambda n: t("cards.saved.cancel", number=n)))
