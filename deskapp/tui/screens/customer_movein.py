"""入伙 — move-ins (from the customer file, M; the palette; the handover): start one for
the unit on the card (N), then in any order inspect (I: defects become work orders), hand
over keys (K), take the first meter readings (R), tick the documents signed (D), collect
the first fees through the cashier (F); hand over (C) when all is done; correct a handed
over record with a reason (A); print the move-in sheet (P). A supervisor edits the
checklist (T)."""

from __future__ import annotations

import uuid
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static

from deskapp import clock
from deskapp.db.models.cashier import PayMethod
from deskapp.db.models.movein import KeyKind, MoveInItemKind, MoveInStatus
from deskapp.db.models.reception import WorkOrderCategory
from deskapp.i18n import t
from deskapp.masking import mask_text
from deskapp.money import format_fen, parse_yuan
from deskapp.services.customer import actions as customer_actions
from deskapp.services.customer import movein, movein_checklist, movein_fees, movein_views
from deskapp.services.reception.workorders import category_label
from deskapp.tui import areas
from deskapp.tui.base import DeskScreen
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.tui.widgets.form import FieldSpec, SpecForm
from deskapp.tui.widgets.printing import print_document
from deskapp.tui.widgets.record_list import RecordList
from deskapp.tui.widgets.unit_picker import PickedUnit, UnitPicker

#: The keys that act on the chosen move-in while it is open.
OPEN_STEPS = ("inspect", "keys", "meters", "documents", "fees", "complete")


def _field(name: str, kind: str = "text", value: Any = "", *, label: str = "",
           required: bool = False, options: list[tuple[str, str]] | None = None,
           placeholder: str = "") -> FieldSpec:
    return FieldSpec(name, label or f"movein.field.{name}", kind,  # type: ignore[arg-type]
                     value, options or [], required=required, placeholder=placeholder)


def _key_fields(current: dict[str, int]) -> list[FieldSpec]:
    return [_field(f"key_{k.value}", "number", str(current.get(k.value, "") or ""),
                   label=f"movein.key.{k.value}") for k in KeyKind]


def _key_counts(values: dict[str, Any]) -> dict[str, str]:
    return {k.value: values.get(f"key_{k.value}", "") for k in KeyKind}


class MoveInScreen(DeskScreen):
    AREA = "customer"
    DEFAULT_CSS = """
    MoveInScreen #mv-body { height: 1fr; }
    MoveInScreen #mv-list { width: 3fr; }
    MoveInScreen #mv-side { width: 2fr; min-width: 30; padding: 0 1;
                            border-left: solid $primary-darken-2; }
    """
    BINDINGS = [
        Binding("n", "new", t("movein.key.new"), id="movein.key.new"),
        Binding("i", "inspect", t("movein.key.inspect"), id="movein.key.inspect"),
        Binding("k", "keys", t("movein.key.keys"), id="movein.key.keys"),
        Binding("r", "meters", t("movein.key.meters"), id="movein.key.meters"),
        Binding("d", "documents", t("movein.key.documents"), id="movein.key.documents"),
        Binding("f", "fees", t("movein.key.fees"), id="movein.key.fees"),
        Binding("c", "complete", t("movein.key.complete"), id="movein.key.complete"),
        Binding("a", "amend", t("movein.key.amend"), id="movein.key.amend"),
        Binding("p", "print", t("movein.key.print"), id="movein.key.print"),
        Binding("t", "checklist", t("movein.key.checklist"), id="movein.key.checklist"),
        Binding("escape", "back", t("movein.key.back"), id="movein.key.back"),
    ]

    def __init__(self, unit_id: int | None = None, unit_code: str = "",
                 open_id: int | None = None) -> None:
        super().__init__()
        self.unit_id = unit_id
        self.unit_code = unit_code
        self.open_id = open_id
        self.shown: movein_views.MoveInDetail | None = None

    def compose(self) -> ComposeResult:
        self.list = RecordList(movein_views.MoveInSource(), self.app.db.read, id="mv-list")
        yield Header(show_clock=True)
        with Horizontal(id="mv-body"):
            yield self.list
            with VerticalScroll(id="mv-side"):
                yield Static(Text(t("movein.empty"), style="dim"), id="mv-detail")
        yield Footer()

    def on_mount(self) -> None:
        if self.unit_id is not None:
            self.list.set_filter("unit", self.unit_id)
        self.list.focus()
        if self.open_id is not None:
            self.show_detail(self.open_id)

    def action_back(self) -> None:
        self.app.pop_screen()

    def reload(self) -> None:
        """Data changed (a defect's work order moved on, another desk's step): the list
        and the move-in beside it."""
        self.list.refresh_data()
        if self.shown is not None and self.shown.movein.id is not None:
            self.show_detail(self.shown.movein.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "checklist":
            return customer_actions.may(self.staff, "movein.checklist")
        shown = self.shown
        if action in OPEN_STEPS and shown is not None:
            return shown.movein.status == MoveInStatus.OPEN or None
        if action == "amend" and shown is not None:
            return shown.movein.status == MoveInStatus.COMPLETED or None
        return super().check_action(action, parameters)

    # -- the detail ---------------------------------------------------------------------

    @on(RecordList.Opened, "#mv-list")
    def _opened(self, event: RecordList.Opened) -> None:
        self.show_detail(event.record_id)

    def show_detail(self, movein_id: int) -> None:
        self.call_service(lambda s: movein_views.detail(s, movein_id), done=self._show,
                          group="mv-detail", exclusive=True)

    def _show(self, d: movein_views.MoveInDetail) -> None:
        self.shown = d
        lines = d.lines()
        text = Text()
        text.append(lines[0] + "\n", style="bold yellow" if d.movein.status ==
                    MoveInStatus.OPEN else "bold")
        for line in lines[1:]:
            text.append(mask_text(line) + "\n",
                        style="red" if line.lstrip().startswith("✗") else "")
        self.query_one("#mv-detail", Static).update(text)
        self.refresh_bindings()

    def _with_target(self, then: Any) -> None:
        """``then(detail)`` for the move-in under the cursor (loaded first when the side
        pane shows another one)."""
        current = self.list.current_id
        if current is not None and (self.shown is None or self.shown.movein.id != current):
            def loaded(d: movein_views.MoveInDetail) -> None:
                self._show(d)
                then(d)
            self.call_service(lambda s: movein_views.detail(s, current), done=loaded)
            return
        if self.shown is None:
            self.notify(t("movein.empty"), severity="warning")
            return
        then(self.shown)

    def _after(self, result: Any) -> None:
        """After a form: ``result`` is ``(movein id, message)`` (None: cancelled)."""
        if result is not None:
            movein_id, message = result
            self.notify(message)
            self.list.refresh_data()
            self.show_detail(movein_id)
        self.list.focus()

    def _form(self, title: str, specs: list[FieldSpec], submit: Any, prefix: str,
              **kw: Any) -> None:
        self.app.push_screen(SpecForm(title, specs, submit, hint=t("movein.form.hint"),
                                      prefix=prefix, **kw), self._after)

    # -- start --------------------------------------------------------------------------

    def action_new(self) -> None:
        if self.unit_id is None:
            self.app.push_screen(UnitPicker(), self._picked)
            return
        self._new_form(self.unit_id, self.unit_code)

    def _picked(self, picked: PickedUnit | None) -> None:
        if picked is None:
            self.list.focus()
            return
        self._new_form(picked.hit.unit_id, picked.hit.code)

    def _new_form(self, unit_id: int, code: str) -> None:
        by = self.staff
        specs = [
            _field("moved_in_on", "date", clock.today().isoformat(), required=True),
            _field("owner_name", placeholder=t("movein.field.owner_default")),
            _field("owner_phone"),
            _field("note"),
        ]

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> tuple[int, str]:
                mv = movein.start(s, by=by, unit_id=unit_id, **v)
                return mv.id or 0, t("movein.saved", number=mv.number)
            return run

        self._form(t("movein.form.new", unit=code), specs, submit, "mn")

    # -- steps while open ---------------------------------------------------------------

    def _step(self, d: movein_views.MoveInDetail, title: str, specs: list[FieldSpec],
              call: Any, prefix: str, **kw: Any) -> None:
        movein_id, number = d.movein.id or 0, d.movein.number

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> tuple[int, str]:
                message = call(s, v)
                return movein_id, message or t("movein.saved", number=number)
            return run

        self._form(title, specs, submit, prefix, **kw)

    def action_inspect(self) -> None:
        self._with_target(self._inspect)

    def _inspect(self, d: movein_views.MoveInDetail) -> None:
        by, movein_id = self.staff, d.movein.id or 0
        categories = [(c.value, category_label(c)) for c in WorkOrderCategory]
        specs = [_field(f"defect_{c.id}", value=c.defect, label=c.name,
                        placeholder=t("movein.print.ok")) for c in d.inspections]
        specs.append(_field("category", "select", WorkOrderCategory.OTHER.value,
                            options=categories))

        def call(s: Any, v: dict[str, Any]) -> str:
            defects = {c.id or 0: v[f"defect_{c.id}"] for c in d.inspections}
            orders = movein.record_inspection(s, by=by, movein_id=movein_id, defects=defects,
                                              category=v["category"])
            if orders:
                return t("movein.saved.orders", number=d.movein.number,
                         orders="、".join(o.number for o in orders))
            return ""

        self._step(d, t("movein.form.inspect", number=d.movein.number), specs, call, "mi")

    def action_keys(self) -> None:
        self._with_target(self._keys)

    def _keys(self, d: movein_views.MoveInDetail) -> None:
        by, movein_id = self.staff, d.movein.id or 0
        self._step(d, t("movein.form.keys", number=d.movein.number),
                   _key_fields({k.kind.value: k.count for k in d.keys}),
                   lambda s, v: movein.set_keys(s, by=by, movein_id=movein_id,
                                                counts=_key_counts(v)) and "", "mk")

    def action_meters(self) -> None:
        self._with_target(self._meters)

    def _meters(self, d: movein_views.MoveInDetail) -> None:
        by, movein_id = self.staff, d.movein.id or 0
        specs = [_field(name, "number", f"{value:f}" if value is not None else "")
                 for name, value in (("water", d.movein.water_reading),
                                     ("power", d.movein.power_reading),
                                     ("gas", d.movein.gas_reading))]

        def call(s: Any, v: dict[str, Any]) -> str:
            # a reading already on the record is not sent again
            new = {k: v[k] for k in ("water", "power", "gas")
                   if getattr(d.movein, f"{k}_reading") is None}
            movein.record_meters(s, by=by, movein_id=movein_id, **new)
            return ""

        self._step(d, t("movein.form.meters", number=d.movein.number), specs, call, "mr")

    def action_documents(self) -> None:
        self._with_target(self._documents)

    def _documents(self, d: movein_views.MoveInDetail) -> None:
        by, movein_id = self.staff, d.movein.id or 0
        specs = [_field(f"doc_{c.id}", "check", c.done, label=c.name) for c in d.documents]
        self._step(d, t("movein.form.documents", number=d.movein.number), specs,
                   lambda s, v: movein.sign_documents(
                       s, by=by, movein_id=movein_id,
                       signed={c.id or 0: bool(v[f"doc_{c.id}"]) for c in d.documents}) and "",
                   "md")

    def action_fees(self) -> None:
        self._with_target(self._fees)

    def _fees(self, d: movein_views.MoveInDetail) -> None:
        by, movein_id = self.staff, d.movein.id or 0
        request_id = f"movein-{movein_id}-{uuid.uuid4().hex[:12]}"
        methods = [(m.value, f"cashier.method.{m.value}") for m in PayMethod]
        specs = [
            _field("months", "number", "12", required=True),
            _field("method", "select", PayMethod.CASH.value, options=methods),
            _field("tendered", "money"),
            _field("payer", value=d.movein.owner_name),
        ]

        def call(s: Any, v: dict[str, Any]) -> str:
            tendered = (parse_yuan(v["tendered"], field="tendered")
                        if v["tendered"].strip() else None)
            mv = movein_fees.collect_fees(s, by=by, movein_id=movein_id, request_id=request_id,
                                     months=v["months"], method=v["method"],
                                     tendered_fen=tendered, payer_name=v["payer"])
            return t("movein.line.fees", amount=format_fen(mv.fees_fen),
                     receipt=mv.receipt_no)

        self._step(d, t("movein.form.fees", number=d.movein.number), specs, call, "mf",
                   confirm=lambda v: lambda s: movein_fees.fees_preview(
                       s, by=by, movein_id=movein_id, months=v["months"], method=v["method"]),
                   confirm_label_key="movein.fees.key")

    def action_complete(self) -> None:
        self._with_target(self._complete)

    def _complete(self, d: movein_views.MoveInDetail) -> None:
        by, movein_id, number = self.staff, d.movein.id or 0, d.movein.number
        lines = [(t("movein.col.unit"), d.unit_code),
                 (t("movein.field.owner_name"), d.movein.owner_name),
                 (t("movein.field.moved_in_on"), d.movein.moved_in_on.isoformat()),
                 (t("movein.key.keys"), d.key_text())]

        def answered(yes: bool | None) -> None:
            if not yes:
                self.list.focus()
                return
            self.call_service(lambda s: movein.complete(s, by=by, movein_id=movein_id),
                              write=True, request_id=self.request_id,
                              done=lambda _: self._after(
                                  (movein_id, t("movein.saved.complete", number=number))))

        self.app.push_screen(ConfirmDialog(t("movein.confirm.complete", number=number), lines,
                                           notes=d.defect_lines(),
                                           confirm_label_key="movein.confirm.key"), answered)

    # -- after completion ---------------------------------------------------------------

    def action_amend(self) -> None:
        self._with_target(self._amend)

    def _amend(self, d: movein_views.MoveInDetail) -> None:
        by, movein_id, m = self.staff, d.movein.id or 0, d.movein
        specs = [
            _field("reason", required=True),
            _field("moved_in_on", "date", m.moved_in_on.isoformat()),
            _field("owner_name", value=m.owner_name),
            _field("owner_phone", placeholder=t("movein.field.phone_kept")),
            *_key_fields({k.kind.value: k.count for k in d.keys}),
            _field("note", value=m.note),
        ]

        def args(v: dict[str, Any]) -> dict[str, Any]:
            return {"reason": v["reason"], "moved_in_on": v["moved_in_on"],
                    "owner_name": v["owner_name"], "owner_phone": v["owner_phone"],
                    "keys": _key_counts(v), "note": v["note"]}

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> tuple[int, str]:
                movein.amend(s, by=by, movein_id=movein_id, **args(v))
                return movein_id, t("movein.saved", number=m.number)
            return run

        def confirm(v: dict[str, Any]) -> Any:
            return lambda s: movein.amend_preview(s, by=by, movein_id=movein_id, **args(v))

        self._form(t("movein.form.amend", number=m.number), specs, submit, "ma",
                   confirm=confirm, confirm_label_key="movein.amend.key")

    def action_print(self) -> None:
        self._with_target(self._print)

    def _print(self, d: movein_views.MoveInDetail) -> None:
        print_document(self, "movein", d.movein.id or 0)

    # -- the checklist (a supervisor) ---------------------------------------------------

    def action_checklist(self) -> None:
        by = self.staff
        self.call_service(lambda s: movein_checklist.checklist(s), done=lambda items: self._checklist(
            by, items))

    def _checklist(self, by: Any, items: list[Any]) -> None:
        kinds = [(k.value, f"movein.item.kind.{k.value}") for k in MoveInItemKind]
        retire = [("", "movein.item.none")] + [
            (str(i.id), f"{t('movein.item.kind.' + i.kind.value)}：{i.name}") for i in items]
        specs = [
            _field("item_kind", "select", MoveInItemKind.INSPECT.value, options=kinds),
            _field("item_name"),
            _field("retire", "select", "", options=retire),
        ]

        def submit(v: dict[str, Any]) -> Any:
            def run(s: Any) -> tuple[int | None, str]:
                done = []
                if v["item_name"].strip() or not v["retire"]:
                    item = movein_checklist.add_item(s, by=by, kind=v["item_kind"], name=v["item_name"])
                    done.append(t("movein.item.added", name=item.name))
                if v["retire"]:
                    item = movein_checklist.retire_item(s, by=by, item_id=int(v["retire"]))
                    done.append(t("movein.item.retired", name=item.name))
                return None, "；".join(done)
            return run

        self.app.push_screen(SpecForm(
            t("movein.form.checklist"), specs, submit, hint=t("movein.form.hint"),
            prefix="mt", info=t("movein.form.checklist_info", items="、".join(
                i.name for i in items))), self._after_checklist)

    def _after_checklist(self, result: Any) -> None:
        if result is not None:
            self.notify(result[1])
        self.list.focus()


def _open_movein(app: Any, movein_id: int | None = None) -> None:
    app.action_area("customer")

    def later() -> None:
        app.push_screen(MoveInScreen(open_id=movein_id))

    app.call_after_refresh(later)


areas.record_opener("movein")(lambda app, record_id: _open_movein(app, record_id))


@areas.palette_command("movein.palette")
def _palette(app: Any) -> None:
    _open_movein(app)
