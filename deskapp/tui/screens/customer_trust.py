"""钥匙托管 — a unit's keys held by the desk and who may collect them (from the customer
file, K). Add an authorised collector (N), revoke one (D). The keys register checks the
list when the key is checked out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual.binding import Binding

from deskapp.i18n import t
from deskapp.services.customer import trust_keys
from deskapp.services.listing import ListSource
from deskapp.tui.screens.customer_unit import UnitPageScreen
from deskapp.tui.widgets.confirm import confirm_action
from deskapp.tui.widgets.form import FieldSpec, SpecForm


class TrustKeysScreen(UnitPageScreen):
    DEFAULT_CSS = """
    TrustKeysScreen #trust-keys { height: auto; max-height: 8; padding: 0 1;
                                  border-bottom: solid $primary-darken-2; }
    """
    BINDINGS = [
        Binding("n", "add", t("customer.trust.key.add"), id="customer.trust.key.add"),
        Binding("d", "remove", t("customer.trust.key.remove"), id="customer.trust.key.remove"),
        Binding("escape", "back", t("customer.incident.key.back"),
                id="customer.incident.key.back"),
    ]

    HEAD_ID = "trust-keys"
    LIST_ID = "trust-list"

    def __init__(self, unit_id: int, unit_code: str) -> None:
        super().__init__(unit_id, unit_code)
        self.keys: list[trust_keys.TrustKey] = []

    def source(self) -> ListSource:
        return trust_keys.CollectorSource()

    def head_query(self, unit_id: int) -> Callable[[Session], Any]:
        return lambda s: trust_keys.unit_keys(s, unit_id)

    def head_text(self, keys: list[trust_keys.TrustKey]) -> Text:
        self.keys = keys
        text = Text(t("customer.trust.title", unit=self.unit_code) + "\n", style="bold")
        if not keys:
            text.append(t("customer.trust.none"), style="dim")
        for k in keys:
            names = "、".join(c.name for c in k.collectors) or t("customer.trust.nobody")
            text.append(t("customer.trust.key_line", code=k.item.code, name=k.item.name,
                          names=names) + "\n")
        return text

    def action_add(self) -> None:
        if not self.keys:
            self.notify(t("customer.trust.none"), severity="warning")
            return
        by = self.staff
        options = [(str(k.item.id), f"{k.item.code} {k.item.name}") for k in self.keys]
        specs = [FieldSpec("key", "customer.trust.key", "select", options[0][0], options,
                           required=True),
                 FieldSpec("name", "customer.trust.col.name", required=True),
                 FieldSpec("phone", "customer.trust.col.phone", required=True),
                 FieldSpec("note", "customer.trust.col.note")]

        def submit(v: dict[str, Any]) -> Any:
            key_id = int(v["key"]) if v["key"] else None
            return lambda s: trust_keys.add_collector(
                s, by=by, key_item_id=key_id, name=v["name"], phone=v["phone"],
                note=v["note"]).name

        self.app.push_screen(SpecForm(t("customer.trust.form", unit=self.unit_code), specs,
                                      submit, hint=t("customer.form.hint"), prefix="tk"),
                             self.after(lambda name: t("customer.trust.saved", name=name)))

    def action_remove(self) -> None:
        collector_id = self.list.current_id
        if collector_id is None:
            return
        by = self.staff

        def then(_: Any) -> None:
            self.call_service(
                lambda s: trust_keys.remove_collector(s, by=by, collector_id=collector_id).name,
                write=True, done=self.after(lambda name: t("customer.trust.removed", name=name)))

        confirm_action(self, lambda s: trust_keys.remove_preview(s, by=by,
                                                                 collector_id=collector_id),
                       then, confirm_label_key="customer.trust.remove_key")
