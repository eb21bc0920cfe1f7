"""收费 — the cashier (F6).

Tabs (Ctrl+T cycles them, or the tab bar):

* 收款 Payment — Ctrl+U picks the unit (room, name, pinyin initials, phone tail); its
  unpaid items are listed, the ones already due ticked; Space ticks/unticks, Ctrl+A ticks
  all; Ctrl+S takes the money (cash with change, WeChat, Alipay, card, transfer, mixed) and
  shows the receipt (P saves the PDF). Ctrl+E puts a charge on the unit.
* 收据 Receipts — every receipt; Enter opens it (print, void, refund).
* 应收 Bills — every receivable; Ctrl+G makes a month's bills, Ctrl+R enters a meter reading.
* 欠费 Arrears — units in arrears by age; Enter takes the unit to the payment tab,
  Ctrl+O records a reminder (催缴).
* 催缴 Reminders — the reminder log.
* 日结 Daily close — today's takings; count the drawer, Ctrl+S closes the day; the list of
  closes below (Enter: detail, sign-off).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Footer,
    Header,
    Input,
    Label,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.selection_list import Selection

from deskapp import clock
from deskapp.db.models.cashier import Bill, PayMethod, Receipt
from deskapp.errors import ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.money import chinese_capital, format_fen, parse_yuan
from deskapp.services import units
from deskapp.services.cashier import arrears, fees, lists
from deskapp.services.cashier import close as cashier_close
from deskapp.services.cashier.close import DENOMINATIONS_FEN, DaySummary
from deskapp.tui import areas
from deskapp.tui.base import DeskScreen
from deskapp.tui.screens.cashier_forms import (
    ChargeForm,
    CloseDetail,
    GenerateForm,
    MeterForm,
    PaymentForm,
    ReceiptDetail,
    ReminderForm,
    bill_item,
    chargeable_standards,
)
from deskapp.tui.widgets.confirm import confirm_action
from deskapp.tui.widgets.form import Field, FormMixin
from deskapp.tui.widgets.printing import choose_and_print
from deskapp.tui.widgets.record_list import RecordList, fit_cell
from deskapp.tui.widgets.reveal import RevealMixin, RevealTarget, personal_target, targets
from deskapp.tui.widgets.unit_picker import PickedUnit, UnitField, load_picked

TABS = ("pay", "receipts", "bills", "arrears", "reminders", "closes")


def _denom_label(fen: int) -> str:
    if fen >= 100:
        return t("cashier.denom.yuan", n=fen // 100)
    if fen >= 10:
        return t("cashier.denom.jiao", n=fen // 10)
    return t("cashier.denom.fen", n=fen)


# --------------------------------------------------------------------------------------
# Openers and palette commands (usable from any area)
# --------------------------------------------------------------------------------------


def _goto(app: Any, then: Callable[[CashierScreen], None]) -> None:
    app.action_area("cashier")
    app.call_later(lambda: isinstance(app.screen, CashierScreen)
                   and app.screen.when_ready(lambda: then(app.screen)))


@areas.record_opener("receipt")
def open_receipt(app: Any, receipt_id: int) -> None:
    app.push_screen(ReceiptDetail(receipt_id))


@areas.record_opener("daily_close")
def open_close(app: Any, close_id: int) -> None:
    app.push_screen(CloseDetail(close_id))


@areas.palette_command("cashier.palette.pay")
def palette_pay(app: Any) -> None:
    _goto(app, lambda screen: screen.start_payment())


@areas.palette_command("cashier.palette.close")
def palette_close(app: Any) -> None:
    _goto(app, lambda screen: screen.show_tab("closes"))


@areas.palette_command("cashier.palette.generate")
def palette_generate(app: Any) -> None:
    _goto(app, lambda screen: screen.action_generate())


# --------------------------------------------------------------------------------------
# The screen
# --------------------------------------------------------------------------------------


class CashierScreen(RevealMixin, FormMixin, DeskScreen):
    AREA = "cashier"
    REVEAL_KEY = "ctrl+y"  # the unit field and the bills take letters
    DEFAULT_CSS = """
    CashierScreen TabbedContent { height: 1fr; }
    CashierScreen TabPane { padding: 0; }
    CashierScreen #pay-body { height: 1fr; }
    CashierScreen #pay-left { width: 2fr; height: 1fr; padding: 0 1; }
    CashierScreen #pay-right { width: 1fr; height: 1fr; padding: 0 1;
                               border-left: solid $primary-darken-2; }
    CashierScreen #pay-unit-info { height: auto; padding: 0 1; }
    CashierScreen #pay-items { height: 1fr; }
    CashierScreen #pay-selected { height: auto; padding: 0 1; text-style: bold; }
    CashierScreen #pay-today { height: auto; }
    CashierScreen .hint { color: $text-muted; height: auto; padding: 1 0; }
    CashierScreen #close-form { height: auto; padding: 0 1; }
    CashierScreen #close-summary { height: auto; padding: 0 1; }
    CashierScreen .denoms { height: auto; }
    CashierScreen .denoms > Field { width: 1fr; }
    CashierScreen .denoms Field > .field-label { width: 9; }
    CashierScreen #close-result { height: auto; padding: 0 1; text-style: bold; }
    CashierScreen #closes { height: 1fr; min-height: 8; }
    """
    BINDINGS = [
        Binding("ctrl+t", "next_tab", t("cashier.key.next_tab"), id="cashier.key.next_tab"),
        Binding("ctrl+u", "pick_unit", t("key.find_unit"), id="key.find_unit"),
        Binding("ctrl+a", "select_all", t("cashier.key.select_all"), id="cashier.key.select_all"),
        Binding("ctrl+s", "pay", t("cashier.key.pay"), id="cashier.key.pay", priority=True),
        Binding("ctrl+s", "close_day", t("cashier.key.close_day"), id="cashier.key.close_day",
                priority=True),
        Binding("ctrl+e", "charge", t("cashier.key.charge"), id="cashier.key.charge"),
        Binding("ctrl+g", "generate", t("cashier.key.generate"), id="cashier.key.generate"),
        Binding("ctrl+r", "meter", t("cashier.key.meter"), id="cashier.key.meter"),
        Binding("ctrl+o", "remind", t("cashier.key.remind"), id="cashier.key.remind"),
        Binding("ctrl+b", "notices", t("print.key.notices"), id="print.key.notices"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.picked: PickedUnit | None = None
        self.bills: list[Bill] = []
        self.occupants: list[Any] = []  # of the unit on the payment tab
        self.lists: dict[str, RecordList] = {}
        self._ready = False
        self._pending: list[Callable[[], None]] = []

    def when_ready(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` now, or once the screen is mounted (palette commands, openers)."""
        if self._ready:
            fn()
        else:
            self._pending.append(fn)

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with TabbedContent(id="cs-tabs", initial="tab-pay"):
            with TabPane(t("cashier.tab.pay"), id="tab-pay"), Horizontal(id="pay-body"):
                with Vertical(id="pay-left"):
                    yield Field(t("cashier.field.unit"), UnitField(id="pay-unit"), name="unit")
                    yield Static("", id="pay-unit-info")
                    yield Label(t("cashier.pay.items"), classes="title")
                    yield SelectionList[int](id="pay-items")
                    yield Static("", id="pay-selected")
                with Vertical(id="pay-right"):
                    yield Static("", id="pay-today")
                    yield Static(t("cashier.pay.keys"), classes="hint")
            for key in TABS[1:-1]:
                with TabPane(t(f"cashier.tab.{key}"), id=f"tab-{key}"):
                    yield Label(t("list.loading"), id=f"wait-{key}")
            with TabPane(t("cashier.tab.closes"), id="tab-closes"), Vertical():
                yield Static("", id="close-summary")
                with Vertical(id="close-form"):
                    yield Field(t("cashier.close.float"), Input("0.00", id="close-float", classes="close-input"),
                                name="opening_float")
                    for row in (DENOMINATIONS_FEN[:4], DENOMINATIONS_FEN[4:8],
                                DENOMINATIONS_FEN[8:]):
                        with Horizontal(classes="denoms"):
                            for fen in row:
                                yield Field(_denom_label(fen),
                                            Input("0", id=f"denom-{fen}", type="integer", classes="close-input"),
                                            name=f"denom_{fen}")
                    yield Field(t("cashier.close.note"), Input(id="close-note"), name="note")
                    yield Static("", id="close-result")
                yield Label(t("list.loading"), id="wait-closes")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pay-unit", UnitField).focus()
        self._update_selected()
        self._ready = True
        for fn in self._pending:
            self.call_after_refresh(fn)
        self._pending.clear()

        def load(s: Any) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
            return lists.staff_choices(s), lists.building_choices(s)

        self.call_service(load, done=self._mount_lists)
        self._load_today()

    def _mount_lists(self, result: tuple[list[tuple[int, str]], list[tuple[str, str]]]) -> None:
        cashiers, buildings = result
        sources: dict[str, Any] = {
            "receipts": lists.ReceiptSource(cashiers),
            "bills": lists.BillSource(),
            "arrears": lists.ArrearsSource(buildings),
            "reminders": lists.ReminderSource(),
            "closes": lists.CloseSource(),
        }
        for key, source in sources.items():
            record_list = RecordList(source, self.app.db.read, id=key)
            self.lists[key] = record_list
            wait = self.query_one(f"#wait-{key}")
            wait.parent.mount(record_list, after=wait)  # type: ignore[union-attr]
            wait.remove()

    def staff_changed(self) -> None:
        """Another person unlocked the desk: today's takings and the close are theirs now
        — the drawer count typed by the previous person is cleared."""
        self.query_one("#close-float", Input).value = "0.00"
        for fen in DENOMINATIONS_FEN:
            self.query_one(f"#denom-{fen}", Input).value = "0"
        self.query_one("#close-note", Input).value = ""
        self.clear_errors()
        super().staff_changed()  # keys for the new role, the lists
        self._load_today()

    # -- tabs ---------------------------------------------------------------------------

    def tab(self) -> str:
        active = self.query_one("#cs-tabs", TabbedContent).active or "tab-pay"
        return active.removeprefix("tab-")

    def show_tab(self, key: str) -> None:
        self.query_one("#cs-tabs", TabbedContent).active = f"tab-{key}"

    def action_next_tab(self) -> None:
        self.show_tab(TABS[(TABS.index(self.tab()) + 1) % len(TABS)])

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        key = self.tab()
        if key in self.lists:
            self.lists[key].refresh_data()
        if key == "pay":
            self.query_one("#pay-unit", UnitField).focus()
            self._load_today()
        elif key == "closes":
            self._load_today()
            self.query_one("#close-float", Input).focus()
        elif key in self.lists:
            self.lists[key].focus()
        self.refresh_bindings()

    def reveal_targets(self) -> list[RevealTarget]:
        if not self.is_mounted or self.tab() != "pay":
            return []
        return targets(*[personal_target("occupant", occ.id, "phone", occ.phone,
                                         f"{occ.name} {t('ops.field.phone')}")
                         for occ in self.occupants])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return self.reveal_allowed()
        if not self.is_mounted:
            return True
        tab = self.tab()
        if action in ("pay", "select_all", "charge", "pick_unit"):
            return tab == "pay"
        if action == "close_day":
            return tab == "closes"
        if action in ("generate", "meter"):
            return tab in ("bills", "pay")
        if action == "remind":
            return tab == "arrears"
        if action == "notices":
            return tab in ("pay", "arrears")
        return True

    # -- the payment tab ----------------------------------------------------------------

    def start_payment(self) -> None:
        self.show_tab("pay")
        self.action_pick_unit()

    def action_pick_unit(self) -> None:
        self.query_one("#pay-unit", UnitField).action_pick()

    @on(UnitField.Changed, "#pay-unit")
    def _unit_changed(self, event: UnitField.Changed) -> None:
        self.picked = event.picked
        self._load_unit()

    def _load_unit(self, *, focus: bool = True) -> None:
        picked = self.picked
        if picked is None:
            self.bills = []
            self._show_unit(None)
            return
        unit_id = picked.hit.unit_id

        def load(s: Any) -> tuple[list[Bill], Any, list[Any], list[Any]]:
            return (fees.open_bills(s, unit_id), units.get_unit(s, unit_id),
                    units.occupants_of(s, unit_id), arrears.reminders_of(s, unit_id, limit=3))

        self.call_service(load, done=lambda r: self._show_unit(r, focus=focus))

    def _show_unit(self, result: tuple[list[Bill], Any, list[Any], list[Any]] | None, *,
                   focus: bool = True) -> None:
        items = self.query_one("#pay-items", SelectionList)
        items.clear_options()
        info = self.query_one("#pay-unit-info", Static)
        self.occupants = list(result[2]) if result is not None else []
        self.refresh_bindings()
        if result is None:
            info.update("")
            self._update_selected()
            return
        bills, unit, occupants, reminders = result
        self.bills = bills
        text = Text()
        text.append(t("cashier.pay.unit_line", code=unit.code, area=unit.area,
                      use=t(f"unit.use.{unit.use.value}")) + "\n")
        for occ in occupants:
            text.append(t("common.with_note", text=occ.name, note=t('occupant.' + occ.kind.value))
                        + f"{'  ' + mask_phone(occ.phone) if occ.phone else ''}\n", style="dim")
        for flag in (self.picked.flags if self.picked else ()):
            text.append(f"⚠ {flag.text}\n", style="bold yellow")
        for r in reminders:
            text.append(t("cashier.pay.reminded", at=f"{r.at:%Y-%m-%d}",
                          channel=t(f"cashier.reminder.channel.{r.channel.value}"),
                          promise=r.promise_date.isoformat() if r.promise_date else "—")
                        + "\n", style="dim")
        info.update(text)
        today = clock.today()
        for bill in bills:
            label = Text()
            label.append(fit_cell(bill.due_date.isoformat(), 11))
            label.append(fit_cell(bill.description, 48),
                         style="red" if bill.due_date < today else "")
            label.append(fit_cell(format_fen(bill.amount_fen), 14, "right"))
            items.add_option(Selection(label, bill.id, bill.due_date <= today))
        if not bills:
            items.add_option(Selection(Text(t("cashier.pay.nothing_owed"), style="dim"), -1,
                                       False, disabled=True))
        if bills:
            items.highlighted = 0
        self._update_selected()
        if focus and bills:
            items.focus()

    def _chosen(self) -> list[Bill]:
        chosen = set(self.query_one("#pay-items", SelectionList).selected)
        return [b for b in self.bills if b.id in chosen]

    @on(SelectionList.SelectedChanged, "#pay-items")
    def _update_selected(self) -> None:
        chosen = self._chosen()
        total = sum(b.amount_fen for b in chosen)
        text = (t("cashier.pay.selected", n=len(chosen), total=format_fen(total),
                  capital=chinese_capital(total)) if chosen else
                t("cashier.pay.choose_unit") if self.picked is None else t("cashier.pay.none_chosen"))
        self.query_one("#pay-selected", Static).update(text)

    def action_select_all(self) -> None:
        items = self.query_one("#pay-items", SelectionList)
        if self.bills and len(items.selected) == len(self.bills):
            items.deselect_all()
        else:
            items.select_all()

    def action_pay(self) -> None:
        if self.picked is None:
            self.show_field_error("unit", t("cashier.form.unit_required_msg"))
            return
        chosen = self._chosen()
        if not chosen:
            self.notify(t("cashier.pay.no_items"), severity="warning")
            return
        hit = self.picked.hit
        form = PaymentForm(unit_id=hit.unit_id, unit_code=hit.code, payer=hit.occupant_name,
                           items=[bill_item(b) for b in chosen], desk=self.app.settings.desk)
        self.app.push_screen(form, self._paid)

    def _paid(self, receipt: Receipt | None) -> None:
        if receipt is None:
            return
        self._reload_unit()
        self._load_today()
        self.app.push_screen(ReceiptDetail(receipt.id, fresh=True), lambda _: self._reload_unit())

    def _reload_unit(self) -> None:
        if self.picked is None:
            return
        unit_id = self.picked.hit.unit_id

        def refreshed(picked: PickedUnit | None) -> None:
            self.picked = picked
            if picked is not None:
                self.query_one("#pay-unit", UnitField).set_picked(picked)

        self.call_service(lambda s: load_picked(s, unit_id), done=refreshed)

    def action_charge(self) -> None:
        if self.picked is None:
            self.show_field_error("unit", t("cashier.form.unit_required_msg"))
            return
        hit = self.picked.hit
        self.call_service(chargeable_standards, done=lambda stds: self.app.push_screen(
            ChargeForm(unit_id=hit.unit_id, unit_code=hit.code, standards=stds),
            lambda bill: bill is not None and self._reload_unit()))

    def _load_today(self) -> None:
        staff = self.app.staff
        if staff is None:
            return
        staff_id, today = staff.id, clock.today()
        self.call_service(lambda s: cashier_close.day_summary(s, staff_id=staff_id, business_date=today),
                          done=self._show_today)

    def _show_today(self, day: DaySummary) -> None:
        text = Text()
        text.append(t("cashier.today.title", date=day.business_date.isoformat(),
                      name=day.staff_name) + "\n", style="bold")
        text.append(t("cashier.today.receipts", n=day.receipts_valid, void=day.receipts_void,
                      total=format_fen(day.total_fen)) + "\n")
        for method in PayMethod:
            if day.by_method[method]:
                text.append(f"  {t('cashier.method.' + method.value)} "
                            f"{format_fen(day.by_method[method])}\n")
        if day.refunds:
            text.append(t("cashier.today.refunds", n=day.refunds,
                          cash=format_fen(day.refund_cash_fen),
                          other=format_fen(day.refund_other_fen)) + "\n")
        if day.first_number:
            text.append(t("cashier.today.numbers", first=day.first_number,
                          last=day.last_number) + "\n", style="dim")
        if day.close is not None:
            text.append(t("cashier.today.closed", status=t(
                f"cashier.close.status.{day.close.status.value}")) + "\n", style="bold green")
        self.query_one("#pay-today", Static).update(text)
        self.query_one("#close-summary", Static).update(text)
        self._close_preview(day)

    # -- bills, meters ------------------------------------------------------------------

    def action_generate(self) -> None:
        self.call_service(lists.building_choices, done=lambda b: self.app.push_screen(
            GenerateForm(b), self._generated))

    def _generated(self, result: fees.GenerateResult | None) -> None:
        if result is None:
            return
        self.notify(t("cashier.generate.done", period=result.period, created=result.created,
                      existing=result.existing, total=format_fen(result.total_fen)), timeout=10)
        if "bills" in self.lists:
            self.lists["bills"].refresh_data()
        self._reload_unit()

    def action_meter(self) -> None:
        self.app.push_screen(MeterForm(self.picked), self._metered)

    def _metered(self, reading: Any) -> None:
        if reading is None:
            return
        self.notify(t("cashier.meter.done", consumption=f"{reading.consumption:f}"))
        if "bills" in self.lists:
            self.lists["bills"].refresh_data()
        self._reload_unit()

    # -- arrears ------------------------------------------------------------------------

    @on(RecordList.Opened, "#arrears")
    def _arrears_opened(self, event: RecordList.Opened) -> None:
        unit_id = event.record_id

        def picked(p: PickedUnit | None) -> None:
            if p is None:
                return
            self.show_tab("pay")
            self.query_one("#pay-unit", UnitField).set_picked(p)

        self.call_service(lambda s: load_picked(s, unit_id), done=picked)

    def action_remind(self) -> None:
        record_list = self.lists.get("arrears")
        unit_id = record_list.current_id if record_list else None
        if unit_id is None:
            return
        today = clock.today()

        def load(s: Any) -> tuple[str, str]:
            unit = units.get_unit(s, unit_id)
            return unit.code, format_fen(arrears.unit_owed(s, unit_id, as_of=today))

        def ask(result: tuple[str, str]) -> None:
            code, owed = result
            self.app.push_screen(ReminderForm(unit_id=unit_id, unit_code=code, owed=owed),
                                 self._reminded)

        self.call_service(load, done=ask)

    def action_notices(self) -> None:
        """Paper for the unit in hand (paying, or highlighted in arrears): its statement
        (缴费通知单/对账单) or reminder (催缴通知); on the arrears tab also the reminders of
        every unit in arrears, one page each."""
        if self.tab() == "pay":
            unit_id = self.query_one("#pay-unit", UnitField).unit_id
        else:
            record_list = self.lists.get("arrears")
            unit_id = record_list.current_id if record_list else None
        papers: list[tuple[str, int | str, str]] = []
        if unit_id is not None:
            papers += [("statement", unit_id, t("print.kind.statement")),
                       ("arrears-notices", unit_id, t("print.notices.this_unit"))]
        if self.tab() == "arrears":
            papers.append(("arrears-notices", "all", t("print.notices.all_units")))
        if not papers:
            self.notify(t("print.notices.pick_unit"), severity="warning")
            return
        choose_and_print(self, t("print.notices.title"), papers)

    def _reminded(self, reminder: Any) -> None:
        if reminder is None:
            return
        self.notify(t("cashier.reminder.done", unit=reminder.unit_code))
        for key in ("arrears", "reminders"):
            if key in self.lists:
                self.lists[key].refresh_data()

    # -- receipts and closes ------------------------------------------------------------

    @on(RecordList.Opened, "#receipts")
    def _receipt_opened(self, event: RecordList.Opened) -> None:
        self.app.push_screen(ReceiptDetail(event.record_id), self._after_detail)

    @on(RecordList.Opened, "#closes")
    def _close_opened(self, event: RecordList.Opened) -> None:
        self.app.push_screen(CloseDetail(event.record_id), self._after_detail)

    @on(RecordList.Opened, "#bills")
    def _bill_opened(self, event: RecordList.Opened) -> None:
        bill_id = event.record_id

        def show(bill: Bill | None) -> None:
            if bill is not None and bill.receipt_id is not None:
                self.app.push_screen(ReceiptDetail(bill.receipt_id), self._after_detail)
            elif bill is not None:
                self.notify(t("cashier.bill.unpaid", item=bill.description,
                              amount=format_fen(bill.amount_fen)))

        self.call_service(lambda s: s.get(Bill, bill_id), done=show)

    def _after_detail(self, changed: bool | None) -> None:
        if changed:
            for record_list in self.lists.values():
                record_list.refresh_data()
            self._reload_unit()
            self._load_today()

    # -- the daily close ----------------------------------------------------------------

    def _close_counts(self, *, strict: bool) -> tuple[int, dict[int, int]]:
        try:
            opening = parse_yuan(self.query_one("#close-float", Input).value or "0",
                                 field="opening_float")
        except ValidationError:
            if strict:
                raise
            opening = 0
        counted: dict[int, int] = {}
        for fen in DENOMINATIONS_FEN:
            raw = self.query_one(f"#denom-{fen}", Input).value.strip() or "0"
            if not raw.isdigit():
                if strict:
                    raise ValidationError("cashier.close.bad_count", field=f"denom_{fen}")
                continue
            counted[fen] = int(raw)
        return opening, counted

    @on(Input.Changed, ".close-input")
    def _close_changed(self) -> None:
        self._load_today()

    def _close_preview(self, day: DaySummary) -> None:
        opening, counted = self._close_counts(strict=False)
        total = sum(f * n for f, n in counted.items())
        expected = day.expected_cash_fen(opening)
        self.query_one("#close-result", Static).update(t(
            "cashier.close.preview", expected=format_fen(expected), counted=format_fen(total),
            difference=format_fen(total - expected)))

    def _backup_after_close(self) -> None:
        """The daily close triggers a verified backup (issue 9), off the UI thread; a
        failure never undoes the close: it is in the audit log and the monthly report."""
        from deskapp.services.backup import backup_after_close

        app, by = self.app, self.app.staff

        def job() -> None:
            result = backup_after_close(app.db, app.settings, by=by)
            if result is not None:
                app.call_from_thread(app.notify, t("cashier.close.backup_done",
                                                   path=str(result.path)))

        self.run_worker(job, thread=True, group="backup", exit_on_error=False)

    def action_close_day(self) -> None:
        self.clear_errors()
        try:
            opening, counted = self._close_counts(strict=True)
        except ValidationError as err:
            self.show_error(err)
            return
        note = self.query_one("#close-note", Input).value
        by = self.app.staff
        threshold = cashier_close.signoff_threshold_from_settings(self.app.settings)

        def done(row: Any) -> None:
            key = ("cashier.close.done_signoff" if row.status.value == "awaiting_signoff"
                   else "cashier.close.done")
            self.notify(t(key, difference=format_fen(row.difference_fen)), timeout=10,
                        severity="warning" if row.difference_fen else "information")
            self._load_today()
            if "closes" in self.lists:
                self.lists["closes"].refresh_data()
            self._backup_after_close()

        def close(preview: Any) -> None:
            # The expected cash confirmed goes with the close: the service refuses when
            # it computes another figure now ("数据已变化，请刷新").
            self.call_service(lambda s: cashier_close.close_day(s, by=by, opening_float_fen=opening,
                                                      counted=counted, note=note,
                                                      threshold_fen=threshold,
                                                      expected_cash_fen=preview.expected),
                              write=True, done=done, failed=failed)

        def failed(err: Any) -> None:
            self.show_error(err)
            self._load_today()

        confirm_action(self, lambda s: cashier_close.close_preview(s, by=by, opening_float_fen=opening,
                                                         counted=counted,
                                                         threshold_fen=threshold),
                       close, confirm_label_key="cashier.confirm.close_key")

