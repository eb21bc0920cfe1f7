"""前台登记 (F7) — the six front-desk registers on one screen, one tab each (keys 1–6):
visitors, keys and radios, convenience lending, parcels and mail, lost and found, goods
release passes. Each tab shows its register (the shared RecordList) across the whole
width, what is open now; ``h`` switches to the whole history.

The screen is data-driven: :data:`REGISTERS` holds, per register, its list, the
:class:`FieldSpec` rows of its "new" form, the service call that saves it, the form and
call of its closing step and its void call. Every form is a
:class:`~deskapp.tui.widgets.form.SpecForm`.

Keys on the list: ``n`` new (the register's form), ``c`` close the selected record
(visitor leaves, return, hand over, claim, mark used), ``x`` void, ``t`` parcel notified,
``d`` dispose of lost property, ``p`` print a goods pass, ``u`` only one unit, ``k``
manage keys / lending items, Enter the record in full. In a form: Enter next field,
Ctrl+S save, Esc back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Label, Select, Static, TabbedContent, TabPane

from deskapp.db.models import OccupantKind
from deskapp.db.models.registers import (
    GoodsPassStatus,
    KeyCategory,
    KeyLoanStatus,
    LoanStatus,
    LostStatus,
    NotifyMethod,
    ParcelKind,
    ParcelStatus,
    ReturnCondition,
    VisitorStatus,
)
from deskapp.errors import DeskError, ValidationError
from deskapp.i18n import t
from deskapp.services.listing import ListSource
from deskapp.services.registers import goods as goods_svc
from deskapp.services.registers import keys as keys_svc
from deskapp.services.registers import lending as lending_svc
from deskapp.services.registers import lost as lost_svc
from deskapp.services.registers import parcels as parcels_svc
from deskapp.services.registers import registers as reg
from deskapp.services.registers import visitors as visitors_svc
from deskapp.tui import areas
from deskapp.tui.base import DeskModal, DeskScreen
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.tui.widgets.form import FieldSpec, SpecForm
from deskapp.tui.widgets.printing import deliver_in_background, print_document
from deskapp.tui.widgets.record_list import RecordList
from deskapp.tui.widgets.registers_form import (
    ActionModal,
    DetailModal,
    read_values,
    spec,
)
from deskapp.tui.widgets.reveal import RevealTarget, field_label
from deskapp.tui.widgets.unit_picker import PickedUnit, UnitField, UnitPicker

YES_NO = (("yes", "registers.choice.yes"), ("no", "registers.choice.no"))
NO_YES = (("no", "registers.choice.no"), ("yes", "registers.choice.yes"))

Values = dict[str, Any]
ServiceFn = Callable[[Session], Any]


def _choices(enum: Any, prefix: str) -> tuple[tuple[str, str], ...]:
    return tuple((m.value, f"{prefix}.{m.value}") for m in enum)


@dataclass
class NewContext:
    """What a register's "new" call needs besides the form's values."""

    by: Any
    settings: dict[str, object]
    lost_hold_days: int
    acknowledge: bool = False  # the goods pass's warnings were confirmed


@dataclass
class Register:
    """One register: its list, its "new" form and call, its closing step, its void."""

    key: str  # visitors | keys | lending | parcels | lost | goods
    kind: str  # RecordRef kind of its records
    open_state: str  # the status filter of the "open now" list
    source: Callable[[], ListSource]
    specs: list[FieldSpec]
    create: Callable[[NewContext, Values], ServiceFn]
    saved: Callable[[Any], str]  # the toast once saved (from the create call's result)
    close_specs: Callable[[reg.RecordDetail], list[FieldSpec]]
    close: Callable[[Any, int, Values], ServiceFn]
    void: Callable[[Any, int, str], ServiceFn]
    unit_fills: str = ""  # the field a picked unit's occupant name goes into (when empty)
    unit_filter: bool = False  # ``u`` narrows the list to one unit
    manage: bool = False  # ``k`` opens a catalogue
    steps: set[str] = field(default_factory=lambda: {"close", "void"})
    document: str = ""  # the documents-service kind the "print" step prints


def write_goods_pass(session: Session, pass_id: int, by: Any,
                     settings: dict[str, object]) -> Any:
    """The pass through the documents service (saved, audited; sent to the printer by
    :func:`~deskapp.tui.widgets.printing.deliver_in_background`)."""
    from deskapp.printing import documents

    return documents.produce(session, by=by, kind="goods-pass", ref=pass_id, settings=settings)


def _row(d: reg.RecordDetail, label_key: str) -> str:
    return str(dict(d.rows).get(label_key, "") or "")


# -- visitors ---------------------------------------------------------------------------

def _new_visitor(c: NewContext, v: Values) -> ServiceFn:
    return lambda s: visitors_svc.register_visitor(
        s, by=c.by, name=v["name"], phone_no=v["phone"], id_no=v["id_number"],
        unit_id=v["unit"], host=v["host"], purpose=v["purpose"], people=v["people"],
        plate_no=v["plate"], card_no=v["card_no"], note=v["note"])


def _visitor_leaves_specs(d: reg.RecordDetail) -> list[FieldSpec]:
    card = [spec("card_returned", "registers.field.card_returned", "select", choices=YES_NO)]
    return (card if _row(d, "registers.field.card_no") else []) + \
        [spec("note", "registers.field.note")]


def _visitor_leaves(by: Any, record_id: int, v: Values) -> ServiceFn:
    card = None if "card_returned" not in v else v["card_returned"] == "yes"
    return lambda s: visitors_svc.sign_out_visitor(s, by=by, visitor_id=record_id,
                                                   card_returned=card, note=v["note"])


# -- keys and radios --------------------------------------------------------------------

def _new_key_loan(c: NewContext, v: Values) -> ServiceFn:
    def fn(s: Session) -> Any:
        loan = keys_svc.check_out(s, by=c.by, code=v["code"], holder=v["holder"],
                                  holder_org=v["holder_org"], holder_phone=v["holder_phone"],
                                  purpose=v["purpose"], due=v["due"])
        return keys_svc.get_item(s, loan.item_id), loan

    return fn


def _key_return(by: Any, record_id: int, v: Values) -> ServiceFn:
    return lambda s: keys_svc.return_item(s, by=by, loan_id=record_id,
                                          condition=ReturnCondition(v["condition"]),
                                          note=v["return_note"])


# -- lending ----------------------------------------------------------------------------

def _new_loan(c: NewContext, v: Values) -> ServiceFn:
    def fn(s: Session) -> Any:
        loan = lending_svc.lend(s, by=c.by, kind_id=int(v["kind"]) if v["kind"] else None,
                                qty=v["qty"], borrower=v["borrower"], unit_id=v["unit"],
                                phone_no=v["phone"], due=v["due"], note=v["note"])
        return lending_svc.get_kind(s, loan.kind_id), loan

    return fn


def _loan_return(by: Any, record_id: int, v: Values) -> ServiceFn:
    return lambda s: lending_svc.return_loan(s, by=by, loan_id=record_id,
                                             lost=v["lost"] == "yes", note=v["return_note"])


def lend_kind_options(session: Session) -> list[tuple[str, str]]:
    """The lending items as ``(value, label)``, each with what is on hand."""
    return [(str(k.id), t("common.with_note", text=k.name,
                          note=f"{t('registers.col.on_hand')} {k.on_hand}"))
            for k in lending_svc.kinds(session)]


# -- parcels ----------------------------------------------------------------------------

def _new_parcel(c: NewContext, v: Values) -> ServiceFn:
    return lambda s: parcels_svc.receive(
        s, by=c.by, recipient=v["recipient"], unit_id=v["unit"], kind=ParcelKind(v["kind"]),
        carrier=v["carrier"], tracking_no=v["tracking_no"],
        recipient_phone=v["recipient_phone"], shelf=v["shelf"], note=v["note"])


def _handover_specs(d: reg.RecordDetail) -> list[FieldSpec]:
    specs = [spec("handover", "registers.field.handover", "select",
                  choices=(("collected", "registers.handover.collected"),
                           ("delivered", "registers.handover.delivered"),
                           ("returned", "registers.handover.returned"))),
             spec("collected_by", "registers.field.collected_by", required=True),
             spec("note", "registers.field.note")]
    specs[1].value = _row(d, "registers.field.recipient")
    return specs


def _hand_over(by: Any, record_id: int, v: Values) -> ServiceFn:
    return lambda s: parcels_svc.hand_over(
        s, by=by, parcel_id=record_id, collected_by=v["collected_by"],
        delivered=v["handover"] == "delivered", returned=v["handover"] == "returned",
        note=v["note"])


# -- lost and found ---------------------------------------------------------------------

def _new_lost(c: NewContext, v: Values) -> ServiceFn:
    return lambda s: lost_svc.register_found(
        s, by=c.by, description=v["description"], found_place=v["found_place"],
        found_at=v["found_at"], finder=v["finder"], finder_phone=v["finder_phone"],
        storage=v["storage"], hold_days=c.lost_hold_days)


def _claim(by: Any, record_id: int, v: Values) -> ServiceFn:
    return lambda s: lost_svc.claim(s, by=by, item_id=record_id, claimant=v["claimant"],
                                    claimant_phone=v["claimant_phone"], id_no=v["id_number"],
                                    id_checked=v["id_checked"] == "yes")


# -- goods passes -----------------------------------------------------------------------

def _new_goods_pass(c: NewContext, v: Values) -> ServiceFn:
    def fn(s: Session) -> Any:
        g = goods_svc.issue(
            s, by=c.by, unit_id=v["unit"], applicant=v["applicant"],
            applicant_kind=OccupantKind(v["applicant_kind"]),
            applicant_phone=v["applicant_phone"], consent_note=v["consent"],
            items=v["items"], plate_no=v["plate"], out_date=v["out_date"], note=v["note"],
            acknowledge_warnings=c.acknowledge)
        return g, write_goods_pass(s, g.id, c.by, c.settings)

    return fn


def _mark_used(by: Any, record_id: int, v: Values) -> ServiceFn:
    return lambda s: goods_svc.mark_used(s, by=by, pass_id=record_id, guard=v["guard"])


REGISTERS: tuple[Register, ...] = (
    Register(
        "visitors", "visitor", VisitorStatus.INSIDE.value, visitors_svc.VisitorSource, [
            spec("name", "registers.field.visitor_name", required=True),
            spec("phone", "registers.field.phone", required=True),
            spec("id_number", "registers.field.id_number"),
            spec("unit", "registers.field.unit", "unit"),
            spec("host", "registers.field.host"),
            spec("purpose", "registers.field.purpose"),
            spec("people", "registers.field.people", default="1"),
            spec("plate", "registers.field.plate"),
            spec("card_no", "registers.field.card_no"),
            spec("note", "registers.field.note"),
        ], _new_visitor,
        lambda r: t("registers.saved.visitor", name=r.name, number=r.number),
        _visitor_leaves_specs, _visitor_leaves,
        lambda by, i, why: lambda s: visitors_svc.void_visitor(s, by=by, visitor_id=i,
                                                               reason=why),
        unit_fills="host", unit_filter=True, steps={"close", "void", "print"},
        document="visitor-pass"),
    Register(
        "keys", "key_loan", KeyLoanStatus.OUT.value, keys_svc.KeyLoanSource, [
            spec("code", "registers.field.key_code", required=True,
                 placeholder_key="registers.ph.key_code"),
            spec("holder", "registers.field.holder", required=True),
            spec("holder_org", "registers.field.holder_org"),
            spec("holder_phone", "registers.field.phone"),
            spec("purpose", "registers.field.purpose"),
            spec("due", "registers.field.due", placeholder_key="registers.ph.due"),
        ], _new_key_loan,
        lambda r: t("registers.saved.key", code=r[0].code, holder=r[1].holder),
        lambda d: [spec("condition", "registers.field.condition", "select",
                        choices=_choices(ReturnCondition, "registers.condition")),
                   spec("return_note", "registers.field.return_note")],
        _key_return,
        lambda by, i, why: lambda s: keys_svc.void_loan(s, by=by, loan_id=i, reason=why),
        manage=True),
    Register(
        "lending", "loan", LoanStatus.OUT.value, lending_svc.LoanSource, [
            spec("kind", "registers.field.kind", "select", required=True),
            spec("qty", "registers.field.qty", default="1", required=True),
            spec("borrower", "registers.field.borrower", required=True),
            spec("unit", "registers.field.unit", "unit"),
            spec("phone", "registers.field.phone"),
            spec("due", "registers.field.due", placeholder_key="registers.ph.due"),
            spec("note", "registers.field.note"),
        ], _new_loan,
        lambda r: t("registers.saved.loan", kind=r[0].name, qty=r[1].qty),
        lambda d: [spec("lost", "registers.field.lost", "select", choices=NO_YES),
                   spec("return_note", "registers.field.return_note")],
        _loan_return,
        lambda by, i, why: lambda s: lending_svc.void_loan(s, by=by, loan_id=i, reason=why),
        unit_fills="borrower", manage=True),
    Register(
        "parcels", "parcel", ParcelStatus.WAITING.value, parcels_svc.ParcelSource, [
            spec("kind", "registers.field.parcel_kind", "select",
                 choices=_choices(ParcelKind, "registers.parcel_kind")),
            spec("carrier", "registers.field.carrier"),
            spec("tracking_no", "registers.field.tracking_no"),
            spec("unit", "registers.field.unit", "unit"),
            spec("recipient", "registers.field.recipient", required=True),
            spec("recipient_phone", "registers.field.recipient_phone"),
            spec("shelf", "registers.field.shelf"),
            spec("note", "registers.field.note"),
        ], _new_parcel, lambda r: t("registers.saved.parcel", shelf=r.shelf or "-"),
        _handover_specs, _hand_over,
        lambda by, i, why: lambda s: parcels_svc.void_parcel(s, by=by, parcel_id=i,
                                                             reason=why),
        unit_fills="recipient", unit_filter=True, steps={"close", "void", "notify"}),
    Register(
        "lost", "lost_item", LostStatus.HELD.value, lost_svc.LostItemSource, [
            spec("description", "registers.field.item", required=True),
            spec("found_place", "registers.field.found_place", required=True),
            spec("found_at", "registers.field.found_at",
                 placeholder_key="registers.ph.found_at"),
            spec("finder", "registers.field.finder"),
            spec("finder_phone", "registers.field.finder_phone"),
            spec("storage", "registers.field.storage"),
        ], _new_lost, lambda r: t("registers.saved.lost", until=r.hold_until.isoformat()),
        lambda d: [spec("claimant", "registers.field.claimant", required=True),
                   spec("claimant_phone", "registers.field.claimant_phone", required=True),
                   spec("id_number", "registers.field.id_number"),
                   spec("id_checked", "registers.field.id_checked", "select",
                        choices=NO_YES)],
        _claim,
        lambda by, i, why: lambda s: lost_svc.void_item(s, by=by, item_id=i, reason=why),
        steps={"close", "void", "dispose"}),
    Register(
        "goods", "goods_pass", GoodsPassStatus.ISSUED.value, goods_svc.GoodsPassSource, [
            spec("unit", "registers.field.unit", "unit", required=True),
            spec("applicant", "registers.field.applicant", required=True),
            spec("applicant_kind", "registers.field.applicant_kind", "select",
                 choices=_choices(OccupantKind, "occupant")),
            spec("applicant_phone", "registers.field.applicant_phone", required=True),
            spec("consent", "registers.field.consent",
                 placeholder_key="registers.ph.consent"),
            spec("items", "registers.field.items", required=True,
                 placeholder_key="registers.ph.items"),
            spec("plate", "registers.field.plate"),
            spec("out_date", "registers.field.out_date", placeholder_key="registers.ph.date"),
            spec("note", "registers.field.note"),
        ], _new_goods_pass, lambda r: t("registers.saved.goods", number=r[0].number),
        lambda d: [spec("guard", "registers.field.guard")], _mark_used,
        lambda by, i, why: lambda s: goods_svc.void_pass(s, by=by, pass_id=i, reason=why),
        unit_fills="applicant", unit_filter=True, steps={"close", "void", "print"},
        document="goods-pass"),
)
BY_KEY = {r.key: r for r in REGISTERS}
BY_KIND = {r.kind: r for r in REGISTERS}


class NewRecordForm(SpecForm):
    """A register's "new" form (ids ``<register>-<field>``): a :class:`SpecForm` built
    from the register's specs; closes with the create call's result. A picked unit
    fills the register's person field and the cursor goes on; the lending items are read
    when it opens; a goods pass's warning is asked and, when confirmed, saved anyway."""

    def __init__(self, register: Register, context: NewContext) -> None:
        self.register = register
        self.context = context
        super().__init__(t(f"registers.new.{register.key}"), register.specs, self._call,
                         hint=t("registers.hint.form"), prefix=register.key)

    def _call(self, values: Values) -> ServiceFn:
        return self.register.create(self.context, values)

    def values(self) -> Values:
        return read_values(self, self.specs)

    def widget(self, name: str) -> Any:
        return self.query_one(f"#{self.prefix}-{name}")

    def on_mount(self) -> None:
        if self.register.key == "lending":
            self.call_service(lend_kind_options, done=self._kinds)

    def _kinds(self, options: list[tuple[str, str]]) -> None:
        select: Select[str] = self.widget("kind")
        select.set_options([(label, value) for value, label in options])
        if options:
            select.value = options[0][0]
        else:
            self.query_one(".form-hint", Static).update(t("registers.hint.no_kinds"))
        self._remember_opened()  # the loaded items are not something typed

    @on(UnitField.Changed)
    def _unit_picked(self, event: UnitField.Changed) -> None:
        """Fill in the person from the unit's file when still empty, and move on (Enter
        on the unit field would open the picker again)."""
        picked = event.picked
        if picked is None:
            return
        hit = picked.hit
        fills = self.register.unit_fills
        if fills and hit.occupant_name and not self.widget(fills).value:
            self.widget(fills).value = hit.occupant_name
            if self.register.key == "goods" and hit.occupant_kind is not None:
                self.widget("applicant_kind").value = hit.occupant_kind.value
        # after the focus came back to the unit field (UnitField._picked queues that first)
        name = (event.field.id or "").removeprefix(f"{self.prefix}-")
        self.app.call_later(self._focus_after, name)

    def _focus_after(self, name: str) -> None:
        names = [s.name for s in self.specs]
        if name in names and names.index(name) + 1 < len(names):
            self.widget(names[names.index(name) + 1]).focus()

    def _failed(self, err: DeskError) -> None:
        if isinstance(err, ValidationError) and err.key == "registers.goods.warning_ack":
            text = t("registers.goods.confirm_warning", warning=err.params.get("warning", ""))

            def answered(ok: bool | None) -> None:
                if ok:
                    self.context.acknowledge = True
                    self.action_save()

            self.app.push_screen(ConfirmDialog(t("registers.confirm.title"), message=text),
                                 answered)
            return
        super()._failed(err)


class RegistersScreen(DeskScreen):
    AREA = "registers"
    DEFAULT_CSS = """
    RegistersScreen TabbedContent { height: 1fr; }
    RegistersScreen TabPane { padding: 0; }
    RegistersScreen .reg-side { width: 1fr; height: 1fr; }
    RegistersScreen .reg-mode { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("1", "tab('visitors')", t("registers.key.tab1"), id="registers.key.tab1",
                show=False),
        Binding("2", "tab('keys')", t("registers.key.tab2"), id="registers.key.tab2", show=False),
        Binding("3", "tab('lending')", t("registers.key.tab3"), id="registers.key.tab3",
                show=False),
        Binding("4", "tab('parcels')", t("registers.key.tab4"), id="registers.key.tab4",
                show=False),
        Binding("5", "tab('lost')", t("registers.key.tab5"), id="registers.key.tab5", show=False),
        Binding("6", "tab('goods')", t("registers.key.tab6"), id="registers.key.tab6", show=False),
        Binding("n", "new", t("registers.key.new"), id="registers.key.new"),
        Binding("c", "step('close')", t("registers.key.close"), id="registers.key.close"),
        Binding("t", "step('notify')", t("registers.key.notify"), id="registers.key.notify"),
        Binding("d", "step('dispose')", t("registers.key.dispose"), id="registers.key.dispose"),
        Binding("p", "step('print')", t("registers.key.print"), id="registers.key.print"),
        Binding("x", "step('void')", t("registers.key.void"), id="registers.key.void"),
        Binding("h", "history", t("registers.key.history"), id="registers.key.history"),
        Binding("u", "unit_filter", t("registers.key.by_unit"), id="registers.key.by_unit"),
        Binding("k", "manage", t("registers.key.manage"), id="registers.key.manage"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.history_mode: dict[str, bool] = {r.key: False for r in REGISTERS}
        self.ready = False  # mounted and its first focus given (see _registers_screen)
        self.unit_filter: dict[str, PickedUnit | None] = {r.key: None for r in REGISTERS}

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with TabbedContent(id="reg-tabs"):
            for n, register in enumerate(REGISTERS, 1):
                with TabPane(f"{n} {t(f'registers.tab.{register.key}')}",
                             id=f"tab-{register.key}"):
                    with Vertical(classes="reg-side", id=f"side-{register.key}"):
                        yield Static("", id=f"mode-{register.key}", classes="reg-mode")
                        if register.key == REGISTERS[0].key:
                            yield self._make_list(register)
        yield Footer()

    def on_mount(self) -> None:
        for register in REGISTERS:
            self._show_mode(register.key)
        self.query_one("#list-visitors", RecordList).focus()
        self.refresh_counts()
        self.call_after_refresh(self._now_ready)

    def _now_ready(self) -> None:
        """What was asked of the screen while it was still being built (a palette
        command, a record to open) runs now, after its own first focus."""
        self.ready = True
        while _PENDING:
            _PENDING.pop(0)(self)

    # ----------------------------------------------------------------- helpers
    def _make_list(self, register: Register) -> RecordList:
        return RecordList(register.source(), self.app.db.read,
                          filters={"status": register.open_state}, id=f"list-{register.key}")

    def _ensure_list(self, key: str) -> RecordList:
        """Lists of the other registers are made when their tab is first shown, so
        opening F7 costs one list's queries, not six."""
        found = self.query(f"#list-{key}")
        if found:
            return found.first(RecordList)
        record_list = self._make_list(BY_KEY[key])
        self.query_one(f"#side-{key}", Vertical).mount(record_list)
        return record_list

    @property
    def current(self) -> Register:
        active = self.query_one(TabbedContent).active or "tab-visitors"
        return BY_KEY[active.removeprefix("tab-")]

    def record_list(self, key: str | None = None) -> RecordList:
        return self._ensure_list(key or self.current.key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        register = self.current
        if action == "step" and parameters:
            return parameters[0] in register.steps
        if action == "unit_filter":
            return register.unit_filter
        if action == "manage":
            return register.manage
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()
        self.call_after_refresh(lambda: self.record_list().focus())

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def _show_mode(self, key: str) -> None:
        parts = [t("registers.mode.history" if self.history_mode[key] else "registers.mode.open")]
        picked = self.unit_filter[key]
        if picked is not None:
            parts.append(t("registers.mode.unit", unit=picked.hit.code))
        self.query_one(f"#mode-{key}", Static).update(" · ".join(parts))

    def refresh_counts(self) -> None:
        def show(counts: reg.OpenCounts) -> None:
            tabs = self.query_one(TabbedContent)
            for n, register in enumerate(REGISTERS, 1):
                value = getattr(counts, register.key)
                label = f"{n} {t(f'registers.tab.{register.key}')}"
                if value:
                    label = f"{n} " + t("registers.tab.count",
                                        title=t(f"registers.tab.{register.key}"), n=value)
                tabs.get_tab(f"tab-{register.key}").label = label  # type: ignore[assignment]

        self.call_service(lambda s: reg.open_counts(s), done=show, group="reg-counts",
                          exclusive=True)

    def after_change(self, key: str | None = None) -> None:
        found = self.query(f"#list-{key or self.current.key}")
        if found:
            found.first(RecordList).refresh_data()
        self.refresh_counts()

    # ----------------------------------------------------------------- actions
    def action_tab(self, key: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{key}"

    def action_new(self) -> None:
        self.start_new(self.current.key)

    def start_new(self, key: str) -> None:
        """The register's "new" form, the cursor in its first field."""
        if self.current.key != key:
            self.action_tab(key)
        register = BY_KEY[key]
        hold = int(str(self.app.settings.get("registers.lost_hold_days",
                                             lost_svc.DEFAULT_LOST_HOLD_DAYS)))
        context = NewContext(self.app.staff, dict(self.app.settings.extra), hold)

        def saved(result: Any) -> None:
            if result is None:
                return
            if key == "goods":
                deliver_in_background(self.app, result[1])
            self.notify(register.saved(result), title=t("common.saved"))
            self.after_change(key)
            self.record_list(key).focus()

        self.app.push_screen(NewRecordForm(register, context), saved)

    def action_history(self) -> None:
        key = self.current.key
        self.history_mode[key] = not self.history_mode[key]
        self.record_list().set_filter("status", None if self.history_mode[key]
                                      else self.current.open_state)
        self._show_mode(key)

    def action_unit_filter(self) -> None:
        key = self.current.key
        if self.unit_filter[key] is not None:
            self.unit_filter[key] = None
            self.record_list().set_filter("unit_id", None)
            self._show_mode(key)
            return

        def picked(result: PickedUnit | None) -> None:
            if result is None:
                return
            self.unit_filter[key] = result
            self.record_list(key).set_filter("unit_id", result.hit.unit_id)
            self._show_mode(key)

        self.app.push_screen(UnitPicker(), picked)

    def action_manage(self) -> None:
        key = self.current.key
        modal: DeskModal[Any] = KeyItemsModal() if key == "keys" else LendKindsModal()
        self.app.push_screen(modal, lambda _: self.after_change(key))

    def action_step(self, step: str) -> None:
        record_id = self.record_list().current_id
        if record_id is None:
            self.notify(t("registers.nothing_selected"), severity="warning")
            return
        self.run_step(self.current.kind, record_id, step)

    @on(RecordList.Opened)
    def _opened(self, event: RecordList.Opened) -> None:
        register = self.current
        self.open_record(register.kind, event.record_id)

    def open_record(self, kind: str, record_id: int) -> None:
        """Show one record in full (also used by the handover through record_opener)."""
        register = BY_KIND[kind]
        if self.current.key != register.key:
            self.action_tab(register.key)

        def show(d: reg.RecordDetail) -> None:
            body = Text()
            width = max((len(t(k)) for k, _ in d.rows), default=4) + 1
            for label_key, value in d.rows:
                label = t(label_key)
                body.append(label + "　" * (width - len(label)), style="dim")
                body.append(f"{value}\n")
            if d.history:
                body.append(f"\n{t('registers.detail.history')}\n", style="bold")
                for line in d.history:
                    body.append(f"  {line}\n", style="dim")
            title = t("registers.detail.title", register=t(f"registers.tab.{register.key}"),
                      label=d.title)
            self.app.push_screen(DetailModal(title, body, d.steps, reveal_targets(d, record_id)),
                                 lambda step: step and self.run_step(kind, record_id, step))

        self.call_service(lambda s: reg.detail(s, kind=kind, record_id=record_id), done=show)

    # ----------------------------------------------------------------- steps
    def run_step(self, kind: str, record_id: int, step: str) -> None:
        register = BY_KIND[kind]
        by = self.app.staff
        if step == "print":
            print_document(self, register.document, record_id)
            return
        if step == "void":
            self._step_form(register, "voided", t("registers.void.title"),
                            [spec("reason", "registers.field.void_reason", required=True)],
                            lambda v: register.void(by, record_id, v["reason"]))
            return
        if step == "notify":
            self._step_form(register, "notified", t("registers.notify.title"),
                            [spec("method", "registers.field.notify_method", "select",
                                  choices=_choices(NotifyMethod, "registers.notify"))],
                            lambda v: lambda s: parcels_svc.notify(
                                s, by=by, parcel_id=record_id, method=NotifyMethod(v["method"])))
            return
        if step == "dispose":
            self._step_form(register, "closed", t("registers.dispose.title"),
                            [spec("disposal", "registers.field.disposal", required=True)],
                            lambda v: lambda s: lost_svc.dispose(s, by=by, item_id=record_id,
                                                                 disposal=v["disposal"]))
            return
        # close: the form depends on the record (a visitor's card, a parcel's recipient)
        self.call_service(lambda s: reg.detail(s, kind=kind, record_id=record_id),
                          done=lambda d: self._close_form(register, record_id, d))

    def _step_form(self, register: Register, what: str, title: str, specs: list[FieldSpec],
                   run: Callable[[Values], ServiceFn], info: str = "") -> None:
        self.app.push_screen(ActionModal(title, specs, run, info=info),
                             lambda r: r is not None and self._done(register.key, what))

    def _close_form(self, register: Register, record_id: int, d: reg.RecordDetail) -> None:
        if "close" not in d.steps:
            self.notify(t("registers.void.not_open", status=_row(d, "registers.col.status")),
                        severity="warning")
            return
        by = self.app.staff
        self._step_form(register, "closed", t(f"registers.close.{register.key}"),
                        register.close_specs(d),
                        lambda v: register.close(by, record_id, v), info=d.title)

    def _done(self, key: str, what: str) -> None:
        self.notify(t(f"registers.saved.{what}"))
        self.after_change(key)
        self.record_list(key).focus()


# --------------------------------------------------------------------- catalogues


class KeyItemsModal(DeskModal[None]):
    """The catalogue of key sets and radios: add (``n``), retire/restore (``r``)."""

    DEFAULT_CSS = """
    KeyItemsModal { align: center middle; }
    KeyItemsModal > Vertical { width: 100; height: 36; border: thick $primary; background: $surface; }
    """
    BINDINGS = [
        Binding("n", "add", t("registers.key.new"), id="registers.key.new"),
        Binding("r", "retire", t("registers.key.retire"), id="registers.key.retire"),
        Binding("escape", "close", t("key.close"), id="key.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("registers.items.title"), classes="title")
            yield RecordList(keys_svc.KeyItemSource(), self.app.db.read, id="key-items")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one(RecordList).focus()

    def action_add(self) -> None:
        by = self.app.staff
        specs = [
            spec("code", "registers.field.key_code", required=True),
            spec("name", "registers.field.key_name", required=True),
            spec("category", "registers.field.category", "select",
                 choices=_choices(KeyCategory, "registers.category")),
            spec("unit", "registers.field.unit", "unit"),
            spec("location", "registers.field.location"),
        ]

        def run(v: dict[str, Any]) -> Callable[[Session], Any]:
            return lambda s: keys_svc.add_item(s, by=by, code=v["code"], name=v["name"],
                                               category=KeyCategory(v["category"]),
                                               unit_id=v["unit"], location=v["location"])

        self.app.push_screen(ActionModal(t("registers.item.new"), specs, run),
                             lambda r: r is not None and self.query_one(RecordList)
                             .refresh_data())

    def action_retire(self) -> None:
        item_id = self.query_one(RecordList).current_id
        if item_id is None:
            return
        by = self.app.staff

        def toggle(s: Session) -> Any:
            item = keys_svc.get_item(s, item_id)
            return keys_svc.set_item_active(s, by=by, item_id=item_id, active=not item.active)

        self.call_service(toggle, write=True,
                          done=lambda _: self.query_one(RecordList).refresh_data())

    def action_close(self) -> None:
        self.dismiss(None)


class LendKindsModal(DeskModal[None]):
    """Lending items and quantities (supervisor): new ``n``, edit ``e``, load the plan's
    defaults ``l``."""

    DEFAULT_CSS = """
    LendKindsModal { align: center middle; }
    LendKindsModal > Vertical { width: 80; height: 30; border: thick $primary; background: $surface; }
    """
    BINDINGS = [
        Binding("n", "edit(False)", t("registers.key.new"), id="registers.key.new"),
        Binding("e", "edit(True)", t("registers.key.edit"), id="registers.key.edit"),
        Binding("l", "defaults", t("registers.key.defaults"), id="registers.key.defaults"),
        Binding("escape", "close", t("key.close"), id="key.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("registers.kinds.title"), classes="title")
            yield RecordList(lending_svc.LendKindSource(), self.app.db.read, id="lend-kinds")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one(RecordList).focus()

    @on(RecordList.Opened)
    def _opened(self, event: RecordList.Opened) -> None:
        event.stop()
        self.action_edit(True)

    def action_edit(self, existing: bool) -> None:
        kind_id = self.query_one(RecordList).current_id if existing else None
        if existing and kind_id is None:
            return
        by = self.app.staff

        def open_form(kind: Any) -> None:
            specs = [spec("name", "registers.field.kind_name", required=True),
                     spec("total", "registers.field.total", required=True),
                     spec("default_hours", "registers.field.default_hours", default="24"),
                     spec("active", "registers.col.active", "select", choices=YES_NO)]
            prefill = {}
            if kind is not None:
                prefill = {"name": kind.name, "total": str(kind.total),
                           "default_hours": str(kind.default_hours)}

            def run(v: dict[str, Any]) -> Callable[[Session], Any]:
                return lambda s: lending_svc.save_kind(
                    s, by=by, kind_id=kind_id, name=v["name"], total=v["total"],
                    default_hours=v["default_hours"], active=v["active"] == "yes")

            self.app.push_screen(ActionModal(t("registers.kind.edit"), specs, run,
                                             prefill=prefill),
                                 lambda r: r is not None and self.query_one(RecordList)
                                 .refresh_data())

        if kind_id is None:
            open_form(None)
        else:
            self.call_service(lambda s: lending_svc.get_kind(s, kind_id), done=open_form)

    def action_defaults(self) -> None:
        by = self.app.staff

        def done(n: int) -> None:
            self.notify(t("registers.kinds.loaded", n=n))
            self.query_one(RecordList).refresh_data()

        self.call_service(lambda s: lending_svc.load_default_kinds(s, by=by), write=True,
                          done=done)

    def action_close(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------- openers, palette


#: asked of the registers screen before it was ready; it runs them once it is
_PENDING: list[Callable[[RegistersScreen], None]] = []


def _registers_screen(app: Any, then: Callable[[RegistersScreen], None]) -> None:
    app.action_area("registers")

    def later() -> None:
        screen = app.screen
        if isinstance(screen, RegistersScreen) and screen.ready:
            then(screen)
        elif isinstance(screen, RegistersScreen) or app.current_area == "registers":
            _PENDING.append(then)

    app.call_after_refresh(later)


def _opener(kind: str) -> Callable[[Any, int], None]:
    def open_it(app: Any, record_id: int) -> None:
        _registers_screen(app, lambda screen: screen.open_record(kind, record_id))

    return open_it


for _kind in BY_KIND:
    areas.record_opener(_kind)(_opener(_kind))


def _new(key: str) -> Callable[[Any], None]:
    def start(app: Any) -> None:
        _registers_screen(app, lambda screen: screen.start_new(key))

    return start


for _title, _key in (("registers.palette.visitor", "visitors"), ("registers.palette.key", "keys"),
                     ("registers.palette.loan", "lending"), ("registers.palette.parcel", "parcels"),
                     ("registers.palette.lost", "lost"), ("registers.palette.goods", "goods")):
    areas.palette_command(_title)(_new(_key))


def reveal_targets(d: reg.RecordDetail, record_id: int) -> list[RevealTarget]:
    """The detail's masked values as reveal targets (a phone shown next to a name gets
    the name's label plus "phone")."""
    found = []
    for column, label_key, masked in d.reveal:
        label = t(label_key)
        personal = column.endswith(("phone", "id_number"))
        if personal and not label_key.endswith(("phone", "id_number")):
            label = f"{label} {field_label(column)}"
        found.append(RevealTarget(d.table, record_id, column, label, masked))
    return found
