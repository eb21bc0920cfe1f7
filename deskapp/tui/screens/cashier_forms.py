"""Cashier dialogs: take a payment (mixed tenders, cash change), the receipt preview with
print / void / refund, a reason box, a charge, bill generation, a meter reading, a
reminder, and a daily close's detail with the supervisor's sign-off."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static

from deskapp import clock
from deskapp.db.models.cashier import (
    Bill,
    CloseStatus,
    FeeBasis,
    FeeKind,
    MeterKind,
    PayMethod,
    Receipt,
    ReminderChannel,
)
from deskapp.errors import DeskError, ValidationError
from deskapp.i18n import t
from deskapp.money import chinese_capital, format_fen, parse_yuan
from deskapp.services.cashier import actions as ca
from deskapp.services.cashier import arrears, close, fees, payments, refunds, views
from deskapp.services.cashier import close as cashier_close
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.confirm import confirm_action
from deskapp.tui.widgets.form import DeskForm, Field, choice, choice_value
from deskapp.tui.widgets.printing import deliver_in_background, print_document
from deskapp.tui.widgets.record_list import fit_cell
from deskapp.tui.widgets.unit_picker import PickedUnit, UnitField

log = logging.getLogger("deskapp")

METHOD_ORDER = (PayMethod.CASH, PayMethod.WECHAT, PayMethod.ALIPAY, PayMethod.CARD,
                PayMethod.TRANSFER)


def _day(text: str, *, field: str) -> date | None:
    raw = text.strip()
    if not raw:
        return None
    try:
        return clock.parse_date(raw)
    except ValueError:
        raise ValidationError("cashier.form.bad_date", field=field) from None


class _Form(DeskForm):
    """A cashier dialog: :meth:`save` raises a ValidationError shown at its field, or
    starts the business action with :meth:`run`."""

    DEFAULT_CSS = """
    _Form > Vertical { width: 100; }
    """
    hint_key = "cashier.form.hint"

    def on_mount(self) -> None:
        self.focus_first()  # the first box (not a drop-down or list above it)

    def action_save(self) -> None:
        self.clear_errors()
        try:
            self.save()
        except ValidationError as err:
            self.show_error(err)

    def save(self) -> None:  # pragma: no cover — every form implements it
        raise NotImplementedError

    def run(self, fn: Callable[[Any], Any], done: Callable[[Any], Any]) -> None:
        self.call_service(fn, write=True, done=done, request_id=self.request_id)


# --------------------------------------------------------------------------------------
# Payment
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayItem:
    bill_id: int
    description: str
    period: str
    amount_fen: int


class PaymentForm(_Form):
    """Take the money for the chosen items: cash (with the amount tendered → change),
    WeChat Pay, Alipay, bank card, transfer, or a mix. Enter on the last box or Ctrl+S
    issues the receipt. The transaction id is fixed when the dialog opens, so saving again
    after a failure can never charge twice."""

    DEFAULT_CSS = """
    PaymentForm #pay-lines { height: auto; max-height: 10; padding: 0 1; }
    PaymentForm #pay-sum { height: auto; padding: 1 1 0 1; text-style: bold; }
    """
    hint_key = "cashier.pay.hint"

    def __init__(self, *, unit_id: int, unit_code: str, payer: str, items: list[PayItem],
                 desk: str = "") -> None:
        super().__init__()
        self.unit_id = unit_id
        self.unit_code = unit_code
        self.payer = payer
        self.items = items
        self.desk = desk
        self.total = sum(i.amount_fen for i in items)
        self.form_title = t("cashier.pay.title", unit=unit_code, n=len(items),
                            total=format_fen(self.total))

    def form_fields(self) -> ComposeResult:
        lines = Text()
        for item in self.items:
            lines.append(fit_cell(item.description, 56) + " ")
            lines.append(fit_cell(format_fen(item.amount_fen), 14, "right") + "\n")
        lines.append(t("cashier.pay.capital", capital=chinese_capital(self.total)), style="bold")
        yield Static(lines, id="pay-lines")
        yield Field(t("cashier.pay.payer"), Input(self.payer, id="pay-payer"), name="payer")
        yield Field(t("cashier.method.cash"),
                    Input(format_fen(self.total, symbol=False, grouping=False), id="pay-cash"),
                    name="tender_cash")
        yield Field(t("cashier.pay.tendered"),
                    Input(id="pay-tendered", placeholder=t("cashier.pay.tendered_ph")),
                    name="tendered")
        for method in METHOD_ORDER[1:]:
            yield Field(t(f"cashier.method.{method.value}"), Input(id=f"pay-{method.value}"),
                        name=f"tender_{method.value}")
        yield Field(t("cashier.pay.summary"), Static("", id="pay-sum"), name="tenders")

    def focus_first(self) -> None:
        self.query_one("#pay-tendered", Input).focus()
        self._recompute()

    def _amount(self, method: PayMethod, *, strict: bool) -> int:
        text = self.query_one(f"#pay-{method.value}", Input).value
        if not text.strip():
            return 0
        try:
            return parse_yuan(text, field=f"tender_{method.value}")
        except ValidationError:
            if strict:
                raise
            return 0

    def _tendered(self, *, strict: bool) -> int | None:
        text = self.query_one("#pay-tendered", Input).value
        if not text.strip():
            return None
        try:
            return parse_yuan(text, field="tendered")
        except ValidationError:
            if strict:
                raise
            return None

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._recompute()

    def _recompute(self) -> None:
        paid = sum(self._amount(m, strict=False) for m in METHOD_ORDER)
        cash = self._amount(PayMethod.CASH, strict=False)
        tendered = self._tendered(strict=False)
        parts = [t("cashier.pay.sum", total=format_fen(self.total), paid=format_fen(paid))]
        if paid < self.total:
            parts.append(t("cashier.pay.missing", amount=format_fen(self.total - paid)))
        elif paid > self.total:
            parts.append(t("cashier.pay.too_much", amount=format_fen(paid - self.total)))
        if tendered is not None and cash:
            if tendered >= cash:
                parts.append(t("cashier.pay.change", amount=format_fen(tendered - cash)))
            else:
                parts.append(t("cashier.pay.tendered_low"))
        self.query_one("#pay-sum", Static).update("  ".join(parts))

    def submitted(self, box: Input) -> None:
        if box.id in ("pay-tendered", "pay-transfer"):
            self.action_save()
        else:
            self.focus_next()

    def save(self) -> None:
        tenders = payments.tenders_from({m: self._amount(m, strict=True) for m in METHOD_ORDER},
                                   self._tendered(strict=True))
        payer = self.query_one("#pay-payer", Input).value
        by, request, unit_id, desk = self.app.staff, self.request_id, self.unit_id, self.desk
        ids = [i.bill_id for i in self.items]
        self.run(lambda s: payments.take_payment(s, by=by, request_id=request, unit_id=unit_id,
                                            bill_ids=ids, tenders=tenders, payer_name=payer,
                                            desk=desk),
                 done=self.dismiss)


# --------------------------------------------------------------------------------------
# A receipt on screen: print, void, refund
# --------------------------------------------------------------------------------------


def receipt_text(view: views.ReceiptView) -> Text:
    """The receipt as it prints, for the screen."""
    text = Text()
    text.append(f"{t('cashier.pdf.receipt_title')}  {view.number}\n", style="bold")
    if view.voided:
        text.append(t("cashier.pdf.void_mark") + " ", style="bold red")
        text.append(t("cashier.pdf.void_line", reason=view.void_reason, by=view.voided_by,
                      at=view.voided_at.strftime("%Y-%m-%d %H:%M") if view.voided_at else "")
                    + "\n", style="red")
    text.append(f"{t('cashier.pdf.unit')}：{view.unit_code}    "
                f"{t('cashier.pdf.payer')}：{view.payer_name}\n")
    text.append(f"{t('cashier.pdf.date')}：{view.issued_at:%Y-%m-%d %H:%M}    "
                f"{t('cashier.pdf.sign.cashier')}：{view.cashier}\n\n")
    for line in view.lines:
        text.append(fit_cell(line.description, 60) + " ")
        text.append(fit_cell(format_fen(line.amount_fen), 14, "right") + "\n")
    text.append("─" * 75 + "\n", style="dim")
    text.append(t("cashier.pdf.total", capital=view.capital, amount=format_fen(view.total_fen))
                + "\n", style="bold")
    text.append(f"{t('cashier.pdf.method')}：{view.tender_text()}\n")
    for r in view.refunds:
        text.append(t("cashier.view.refund", number=r.number, amount=format_fen(r.amount_fen),
                      method=t(f"cashier.method.{r.method.value}"), reason=r.reason,
                      at=f"{r.issued_at:%Y-%m-%d %H:%M}", by=r.approved_by) + "\n",
                    style="yellow")
    return text


class ReceiptDetail(DeskModal[bool]):
    """One receipt as it prints. P saves the PDF; V voids it (supervisor, with a reason);
    F refunds part or all of it (supervisor)."""

    DEFAULT_CSS = """
    ReceiptDetail { align: center middle; }
    ReceiptDetail > Vertical { width: 90; height: auto; max-height: 90%; border: thick $primary;
                               background: $surface; padding: 0 1; }
    ReceiptDetail #rc-body { height: auto; max-height: 30; padding: 1 1; }
    ReceiptDetail #rc-status { height: auto; padding: 0 1; color: $error; }
    """
    BINDINGS = [
        Binding("escape", "close", t("key.close"), id="key.close"),
        Binding("p", "print", t("cashier.key.print"), id="cashier.key.print"),
        Binding("v", "void", t("cashier.key.void"), id="cashier.key.void"),
        Binding("f", "refund", t("cashier.key.refund"), id="cashier.key.refund"),
    ]

    def __init__(self, receipt_id: int, *, fresh: bool = False) -> None:
        super().__init__()
        self.receipt_id = receipt_id
        self.fresh = fresh
        self.view: views.ReceiptView | None = None
        self.state: ca.ReceiptState | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("cashier.receipt.title"), classes="title")
            with VerticalScroll(id="rc-body"):
                yield Static(t("list.loading"), id="rc-text")
            yield Static("", id="rc-status")
            yield Footer()

    def on_mount(self) -> None:
        self._load()

    def _load(self) -> None:
        rid = self.receipt_id
        self.call_service(lambda s: (views.receipt_view(s, receipt_id=rid),
                                     ca.receipt_state(s, rid)), done=self._show)

    def _show(self, loaded: tuple[views.ReceiptView, ca.ReceiptState]) -> None:
        view, self.state = loaded
        self.view = view
        self.query_one("#rc-text", Static).update(receipt_text(view))
        self.refresh_bindings()
        if self.fresh:
            self.fresh = False
            self.notify(t("cashier.receipt.issued", number=view.number,
                          change=format_fen(view.change_fen)), timeout=8)

    def show_error(self, err: DeskError) -> None:
        """Refusals (no supervisor, a closed day, …) stay visible in the dialog."""
        self.query_one("#rc-status", Static).update(str(err))
        super().show_error(err)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ca.RECEIPT_ACTIONS:
            return self.state is not None and action in ca.receipt_actions(
                self.state, self.app.staff)
        return True

    def why_refused(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """A refused void / refund key says why (the cashier service's rule)."""
        if self.state is None or action not in ca.RECEIPT_ACTIONS:
            return None
        err = ca.why_not_receipt(self.state, action, self.app.staff)
        return str(err) if err is not None else t("common.refused.now")

    def action_close(self) -> None:
        self.dismiss(self.changed)

    def action_print(self) -> None:
        print_document(self, "receipt", self.receipt_id)

    def action_void(self) -> None:
        if self.view is None:
            return
        self.app.push_screen(ReasonForm(t("cashier.void.title", number=self.view.number),
                                        label=t("cashier.void.reason")), self._void)

    def _void(self, reason: str | None) -> None:
        """The reason is given: show what the void will do (read now: number, unit, payer,
        amount, what other areas reverse — or why it is refused) and void on Y."""
        if reason is None:
            return
        by, rid = self.app.staff, self.receipt_id

        def done(receipt: Receipt) -> None:
            self.changed = True
            self.notify(t("cashier.void.done", number=receipt.number))
            self._load()

        confirm_action(
            self, lambda s: payments.void_preview(s, by=by, receipt_id=rid, reason=reason),
            lambda _: self.call_service(
                lambda s: payments.void_receipt(s, by=by, receipt_id=rid, reason=reason),
                write=True, done=done),
            confirm_label_key="cashier.confirm.void_key")

    def action_refund(self) -> None:
        if self.view is None:
            return
        rid = self.receipt_id
        self.call_service(lambda s: refunds.refundable(s, rid)[0],
                          done=lambda left: self.app.push_screen(
                              RefundForm(rid, self.view.number, left), self._refunded))  # type: ignore[union-attr]

    def _refunded(self, number: str | None) -> None:
        if number:
            self.changed = True
            self._load()


class ReasonForm(_Form):
    """One line of text that must be given: the reason of a void, a sign-off note."""

    def __init__(self, title: str, *, label: str, name: str = "reason") -> None:
        super().__init__()
        self.form_title = title
        self.label = label
        self.field_name = name

    def form_fields(self) -> ComposeResult:
        yield Field(self.label, Input(id="reason-text"), name=self.field_name, required=True)

    def submitted(self, box: Input) -> None:
        self.action_save()

    def save(self) -> None:
        text = " ".join(self.query_one("#reason-text", Input).value.split())
        if len(text) < 2:
            raise ValidationError("cashier.form.reason_required", field=self.field_name)
        self.dismiss(text)


class RefundForm(_Form):
    """A refund against a receipt (supervisor): amount (at most what is left), how it is
    paid back, and why. Saves and prints the refund note."""

    def __init__(self, receipt_id: int, number: str, left_fen: int) -> None:
        super().__init__()
        self.receipt_id = receipt_id
        self.left = left_fen
        self.form_title = t("cashier.refund.title", number=number, left=format_fen(left_fen))

    def form_fields(self) -> ComposeResult:
        yield Field(t("cashier.refund.amount"),
                    Input(format_fen(self.left, symbol=False, grouping=False), id="rf-amount"),
                    name="amount", required=True)
        yield Field(t("cashier.refund.method"),
                    choice([(m.value, t(f"cashier.method.{m.value}")) for m in METHOD_ORDER],
                            id="rf-method"), name="method")
        yield Field(t("cashier.refund.reason"), Input(id="rf-reason"), name="reason",
                    required=True)

    def save(self) -> None:
        amount = parse_yuan(self.query_one("#rf-amount", Input).value, field="amount",
                            allow_zero=False)
        method = PayMethod(choice_value(self.query_one("#rf-method", Select)))
        reason = self.query_one("#rf-reason", Input).value
        by, rid, request = self.app.staff, self.receipt_id, self.request_id

        settings = dict(self.app.settings.extra)
        from deskapp.printing import documents

        def make(s: Any) -> tuple[str, Any]:
            doc = refunds.refund(s, by=by, receipt_id=rid, amount_fen=amount, reason=reason,
                             request_id=request, method=method)
            s.flush()
            made = documents.produce(s, by=by, kind="refund", ref=doc.id, settings=settings)
            return doc.number, made

        def done(result: tuple[str, Any]) -> None:
            number, made = result
            deliver_in_background(self.app, made,
                                  prefix=t("cashier.refund.saved", number=number))
            self.dismiss(number)

        confirm_action(self, lambda s: refunds.refund_preview(s, by=by, receipt_id=rid,
                                                          amount_fen=amount, reason=reason,
                                                          method=method),
                       lambda _: self.run(make, done),
                       confirm_label_key="cashier.confirm.refund_key")


# --------------------------------------------------------------------------------------
# Charges, bills, meters, reminders
# --------------------------------------------------------------------------------------


class ChargeForm(_Form):
    """Put an item on the unit: a priced service × quantity, or any item with an amount
    typed in (a deposit, a fee agreed with the customer)."""

    def __init__(self, *, unit_id: int, unit_code: str, standards: list[Any]) -> None:
        super().__init__()
        self.unit_id = unit_id
        self.standards = {s.code: s for s in standards}
        self.form_title = t("cashier.charge.title", unit=unit_code)

    def form_fields(self) -> ComposeResult:
        options = [(s.code, f"{s.name}  {format_fen(s.unit_price_fen)}"
                    + (f"/{s.unit_label}" if s.unit_label else ""))
                   for s in self.standards.values()]
        yield Field(t("cashier.charge.item"), choice(options, id="ch-item"), name="fee_code",
                    required=True)
        yield Field(t("cashier.charge.quantity"), Input("1", id="ch-qty"), name="quantity")
        yield Field(t("cashier.charge.amount"), Input(id="ch-amount",
                                                      placeholder=t("cashier.charge.amount_ph")),
                    name="amount")
        yield Field(t("cashier.charge.description"), Input(id="ch-desc"), name="description")

    def save(self) -> None:
        code = choice_value(self.query_one("#ch-item", Select))
        qty = self.query_one("#ch-qty", Input).value
        amount_text = self.query_one("#ch-amount", Input).value
        desc = self.query_one("#ch-desc", Input).value
        by, unit_id = self.app.staff, self.unit_id
        if amount_text.strip():
            amount = parse_yuan(amount_text, field="amount", allow_zero=False)
            std = self.standards[code]
            label = " ".join(desc.split()) or std.name
            self.run(lambda s: fees.add_charge(s, by=by, unit_id=unit_id, fee_code=code,
                                              amount_fen=amount, description=label),
                     done=self.dismiss)
        else:
            self.run(lambda s: fees.charge_item(s, by=by, unit_id=unit_id, fee_code=code,
                                               quantity=qty, description=desc),
                     done=self.dismiss)


class GenerateForm(_Form):
    """Make a month's property-fee and parking bills for every unit or one building.
    Running it again for the same month adds nothing."""

    def __init__(self, buildings: list[tuple[str, str]]) -> None:
        super().__init__()
        self.buildings = buildings
        self.form_title = t("cashier.generate.title")

    def form_fields(self) -> ComposeResult:
        yield Field(t("cashier.generate.period"), Input(clock.today().strftime("%Y-%m"),
                                                        id="gen-period"),
                    name="period", required=True)
        yield Field(t("cashier.generate.building"),
                    choice(self.buildings, id="gen-building", blank=True), name="building")
        yield Static(t("cashier.generate.explain"), classes="form-hint")

    def save(self) -> None:
        period = self.query_one("#gen-period", Input).value
        building = choice_value(self.query_one("#gen-building", Select)) or None
        by = self.app.staff
        self.run(lambda s: fees.generate_bills(s, by=by, period=period, building=building),
                 done=self.dismiss)


class MeterForm(_Form):
    """Enter a water or electricity reading; the consumption is billed at once. A reading
    below the last one is refused unless the meter was changed."""

    def __init__(self, picked: PickedUnit | None = None) -> None:
        super().__init__()
        self.picked = picked
        self.form_title = t("cashier.meter.title")

    def form_fields(self) -> ComposeResult:
        yield Field(t("cashier.field.unit"), UnitField(id="mt-unit"), name="unit", required=True)
        with Horizontal(classes="pair"):
            yield Field(t("cashier.meter.kind"),
                        choice([(k.value, t(f"cashier.meter.{k.value}")) for k in MeterKind],
                                id="mt-kind"), name="kind")
            yield Field(t("cashier.generate.period"),
                        Input(clock.today().strftime("%Y-%m"), id="mt-period"), name="period")
        yield Static("", id="mt-last", classes="form-info")
        yield Field(t("cashier.meter.value"), Input(id="mt-value"), name="value", required=True)
        yield Checkbox(t("cashier.meter.changed"), id="mt-changed")
        with Horizontal(classes="pair"):
            yield Field(t("cashier.meter.old_final"), Input(id="mt-old"), name="old_final")
            yield Field(t("cashier.meter.new_start"), Input("0", id="mt-new"), name="new_start")
        yield Field(t("cashier.meter.note"), Input(id="mt-note"), name="note")

    def on_mount(self) -> None:
        if self.picked is not None:
            self.query_one("#mt-unit", UnitField).set_picked(self.picked)
            self.query_one("#mt-value", Input).focus()

    @on(UnitField.Changed)
    @on(Select.Changed, "#mt-kind")
    def _show_last(self) -> None:
        unit_id = self.query_one("#mt-unit", UnitField).unit_id
        kind = choice_value(self.query_one("#mt-kind", Select))
        if unit_id is None or not kind:
            return

        def load(s: Any) -> str:
            last = fees.last_reading(s, unit_id, MeterKind(kind))
            if last is None:
                return t("cashier.meter.first")
            return t("cashier.meter.last", period=last.period, value=f"{last.value:f}")

        self.call_service(load, done=lambda text: self.query_one("#mt-last", Static).update(text))

    def save(self) -> None:
        unit_id = self.query_one("#mt-unit", UnitField).unit_id
        if unit_id is None:
            raise ValidationError("cashier.form.unit_required", field="unit")
        kind = MeterKind(choice_value(self.query_one("#mt-kind", Select)))
        period = self.query_one("#mt-period", Input).value
        value = self.query_one("#mt-value", Input).value
        changed = self.query_one("#mt-changed", Checkbox).value
        old = self.query_one("#mt-old", Input).value or None
        new = self.query_one("#mt-new", Input).value or None
        note = self.query_one("#mt-note", Input).value
        by = self.app.staff
        self.run(lambda s: fees.record_meter_reading(
            s, by=by, unit_id=unit_id, kind=kind, period=period, value=value,
            meter_changed=changed, old_final=old if changed else None,
            new_start=new if changed else None, note=note), done=self.dismiss)


class ReminderForm(_Form):
    """Record a reminder to pay (催缴): how, the owner's promise date, a note."""

    def __init__(self, *, unit_id: int, unit_code: str, owed: str) -> None:
        super().__init__()
        self.unit_id = unit_id
        self.form_title = t("cashier.reminder.title", unit=unit_code, owed=owed)

    def form_fields(self) -> ComposeResult:
        yield Field(t("cashier.reminder.channel"),
                    choice([(c.value, t(f"cashier.reminder.channel.{c.value}"))
                             for c in ReminderChannel], id="rm-channel"), name="channel")
        yield Field(t("cashier.reminder.promise"),
                    Input(id="rm-promise", placeholder="YYYY-MM-DD"), name="promise_date")
        yield Field(t("cashier.reminder.note"), Input(id="rm-note"), name="note")

    def save(self) -> None:
        channel = ReminderChannel(choice_value(self.query_one("#rm-channel", Select)))
        promise = _day(self.query_one("#rm-promise", Input).value, field="promise_date")
        note = self.query_one("#rm-note", Input).value
        by, unit_id, desk = self.app.staff, self.unit_id, self.app.settings.desk
        self.run(lambda s: arrears.log_reminder(s, by=by, unit_id=unit_id, channel=channel,
                                            promise_date=promise, note=note, desk=desk),
                 done=self.dismiss)


# --------------------------------------------------------------------------------------
# A daily close: figures and the supervisor's sign-off
# --------------------------------------------------------------------------------------


def close_text(row: Any, name: str) -> Text:
    text = Text()
    text.append(t("cashier.close.detail_title", date=row.business_date.isoformat(), name=name)
                + "\n", style="bold")
    pairs = [
        (t("cashier.close.float"), format_fen(row.opening_float_fen)),
        (t("cashier.method.cash"), format_fen(row.cash_fen)),
        (t("cashier.method.wechat"), format_fen(row.wechat_fen)),
        (t("cashier.method.alipay"), format_fen(row.alipay_fen)),
        (t("cashier.method.card"), format_fen(row.card_fen)),
        (t("cashier.method.transfer"), format_fen(row.transfer_fen)),
        (t("cashier.close.refund_cash"), format_fen(row.refund_cash_fen)),
        (t("cashier.close.expected"), format_fen(row.expected_cash_fen)),
        (t("cashier.close.counted"), format_fen(row.counted_cash_fen)),
        (t("cashier.close.difference"), format_fen(row.difference_fen)),
        (t("cashier.close.receipts"), t("cashier.close.receipts_value", valid=row.receipts_valid,
                                        void=row.receipts_void, first=row.first_number or "—",
                                        last=row.last_number or "—")),
        (t("cashier.col.status"), t(f"cashier.close.status.{row.status.value}")),
    ]
    width = max(cell_len(label) for label, _ in pairs) + 2
    for label, value in pairs:
        text.append(fit_cell(label, width))
        text.append(value + "\n")
    if row.note:
        text.append(t("cashier.close.note_line", note=row.note) + "\n")
    if row.signoff_note:
        text.append(t("cashier.close.signoff_line", note=row.signoff_note) + "\n", style="green")
    return text


class CloseDetail(DeskModal[bool]):
    """One day's close. O signs off a difference beyond the threshold (supervisor)."""

    DEFAULT_CSS = """
    CloseDetail { align: center middle; }
    CloseDetail > Vertical { width: 80; height: auto; border: thick $primary;
                             background: $surface; padding: 0 1; }
    CloseDetail #cd-text { height: auto; padding: 1 1; }
    """
    BINDINGS = [
        Binding("escape", "close", t("key.close"), id="key.close"),
        Binding("o", "sign_off", t("cashier.key.sign_off"), id="cashier.key.sign_off"),
    ]

    def __init__(self, close_id: int) -> None:
        super().__init__()
        self.close_id = close_id
        self.status: CloseStatus | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("list.loading"), id="cd-text")
            yield Footer()

    def on_mount(self) -> None:
        self._load()

    def _load(self) -> None:
        cid = self.close_id

        def load(s: Any) -> tuple[Any, str]:
            row = cashier_close.get_close(s, cid)
            from deskapp.db.models import Staff

            member = s.get(Staff, row.staff_id)
            return row, member.name if member else ""

        self.call_service(load, done=self._show)

    def _show(self, result: tuple[Any, str]) -> None:
        row, name = result
        self.status = row.status
        self.query_one("#cd-text", Static).update(close_text(row, name))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sign_off":
            return self.status == CloseStatus.AWAITING_SIGNOFF
        return True

    def action_close(self) -> None:
        self.dismiss(self.changed)

    def action_sign_off(self) -> None:
        self.app.push_screen(ReasonForm(t("cashier.signoff.title"),
                                        label=t("cashier.signoff.note"), name="note"),
                             self._signed)

    def _signed(self, note: str | None) -> None:
        if note is None:
            return
        by, cid = self.app.staff, self.close_id

        def done(_: Any) -> None:
            self.changed = True
            self.notify(t("cashier.signoff.done"))
            self._load()

        self.call_service(lambda s: close.sign_off_close(s, by=by, close_id=cid, note=note),
                          write=True, done=done)


def chargeable_standards(session: Any) -> list[Any]:
    """Items the desk may put on a unit by hand: fixed-price services and deposits."""
    return [s for s in fees.list_standards(session)
            if s.basis == FeeBasis.FIXED and s.kind in (FeeKind.SERVICE, FeeKind.DEPOSIT,
                                                        FeeKind.PARKING)]


def bill_item(bill: Bill) -> PayItem:
    return PayItem(bill.id, bill.description, bill.period or "", bill.amount_fen)  # type: ignore[arg-type]


__all__ = [
    "ChargeForm",
    "CloseDetail",
    "GenerateForm",
    "MeterForm",
    "PayItem",
    "PaymentForm",
    "ReasonForm",
    "ReceiptDetail",
    "RefundForm",
    "ReminderForm",
    "bill_item",
    "chargeable_standards",
    "close_text",
    "receipt_text",
]
