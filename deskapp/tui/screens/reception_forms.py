"""Reception forms: the quick contact entry, the work-order form and the work-order steps
(dispatch, completion, return visit, cancel)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from deskapp import clock
from deskapp.db.models.reception import (
    Contact,
    ContactChannel,
    ContactKind,
    ContactStatus,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderUrgency,
)
from deskapp.errors import DeskError, ValidationError
from deskapp.i18n import t
from deskapp.money import parse_yuan
from deskapp.services.reception import common, contacts
from deskapp.services.reception import workorders as wo
from deskapp.services.reception.common import parse_time
from deskapp.services.reception.contacts import ContactCreate, ContactUpdate
from deskapp.services.reception.workorders import WorkOrderCreate
from deskapp.tui.widgets.form import DeskForm, Field, PhoneInput
from deskapp.tui.widgets.reception_choice import KeyChoice
from deskapp.tui.widgets.unit_picker import PickedUnit, UnitField


def kind_options() -> list[tuple[str, str]]:
    return [(k.value, common.kind_label(k)) for k in ContactKind]


def channel_options() -> list[tuple[str, str]]:
    return [(c.value, common.channel_label(c)) for c in ContactChannel]


def status_options() -> list[tuple[str, str]]:
    return [(s.value, common.status_label(s)) for s in ContactStatus]


def now_text() -> str:
    return clock.now().strftime("%Y-%m-%d %H:%M")


class _Form(DeskForm):
    hint_key = "reception.form.hint"

    def time_value(self, selector: str, field: str) -> Any:
        return parse_time(self.value(selector), field=field)

    def fail(self, err: DeskError) -> None:
        self.show_error(err)


# --------------------------------------------------------------------------------------
# The quick contact entry
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedContact:
    id: int
    kind: ContactKind
    created: bool


class ContactForm(_Form):
    """New contact (or edit ``contact``). Kind and channel are one keystroke each, the
    unit picker fills name and phone, Ctrl+S saves."""

    def __init__(self, contact: Contact | None = None, picked: PickedUnit | None = None) -> None:
        super().__init__()
        self.contact = contact
        self._picked = picked
        self.form_title = t("reception.form.edit_contact" if contact else "reception.form.new_contact")

    def form_fields(self) -> ComposeResult:
        c = self.contact
        yield Field(t("reception.field.kind"), KeyChoice(
            kind_options(), value=(c.kind.value if c else None), id="cf-kind"),
            name="kind", required=True)
        yield Field(t("reception.field.channel"), KeyChoice(
            channel_options(), value=(c.channel.value if c else ContactChannel.PHONE.value),
            id="cf-channel"), name="channel", required=True)
        yield Field(t("reception.field.unit"), UnitField(id="cf-unit"), name="unit")
        yield Field(t("reception.field.person_name"),
                    Input(value=c.person_name if c else "", id="cf-name"), name="person_name")
        yield Field(t("reception.field.phone"), PhoneInput(
                    value=c.phone if c else "", table="contact", record_id=c.id if c else None,
                    id="cf-phone"),
                    name="phone")
        yield Field(t("reception.field.content"),
                    Input(value=c.content if c else "", id="cf-content"),
                    name="content", required=True)
        yield Field(t("reception.field.action_taken"),
                    Input(value=c.action_taken if c else "", id="cf-action"), name="action_taken")
        yield Field(t("reception.field.status"), KeyChoice(
            status_options(), value=(c.status.value if c else ContactStatus.DONE.value),
            advance=True, id="cf-status"), name="status")
        yield Field(t("reception.field.at"), Input(
            value=c.at.strftime("%Y-%m-%d %H:%M") if c else now_text(), id="cf-at"), name="at")
        if c is not None:
            yield Field(t("reception.field.note"), Input(value=c.note, id="cf-note"), name="note")

    def hint(self) -> str:
        return t("reception.form.contact_hint")

    def on_mount(self) -> None:
        if self.contact is not None and self.contact.unit_id is not None:
            self.show_unit("#cf-unit", self.contact.unit_id)
        elif self._picked is not None:
            self.query_one("#cf-unit", UnitField).set_picked(self._picked)
        self.query_one("#cf-kind", KeyChoice).focus()

    @on(KeyChoice.Changed, "#cf-kind")
    def _kind_changed(self, event: KeyChoice.Changed) -> None:
        # a complaint or repair is followed up elsewhere: it starts as pending
        if self.contact is None and event.value in (ContactKind.COMPLAINT.value,
                                                    ContactKind.REPAIR.value):
            self.query_one("#cf-status", KeyChoice).value = ContactStatus.PENDING.value

    @on(UnitField.Changed, "#cf-unit")
    def _unit_changed(self, event: UnitField.Changed) -> None:
        if event.picked is None:
            return
        # a new contact takes the picked household's name and phone; an edit keeps what
        # was typed and only fills empty boxes
        self.fill_person(event.picked, name="#cf-name", phone="#cf-phone",
                         replace=self.contact is None)
        if self.contact is None:
            self.query_one("#cf-content", Input).focus()

    def action_save(self) -> None:
        self.clear_errors()
        kind = self.query_one("#cf-kind", KeyChoice).value
        if kind is None:
            self.show_field_error("kind", t("reception.form.choose_kind"))
            return
        try:
            at = self.time_value("#cf-at", "at")
        except ValidationError as err:
            self.show_error(err)
            return
        unit_id = self.query_one("#cf-unit", UnitField).unit_id
        by = self.app.staff
        desk = self.app.settings.desk
        channel = ContactChannel(self.query_one("#cf-channel", KeyChoice).value)
        status = ContactStatus(self.query_one("#cf-status", KeyChoice).value)
        name, phone = self.value("#cf-name"), self.value("#cf-phone")
        content, action = self.value("#cf-content"), self.value("#cf-action")
        if self.contact is None:
            data = ContactCreate(channel=channel, kind=ContactKind(kind), content=content,
                                 unit_id=unit_id, person_name=name, phone=phone,
                                 action_taken=action, status=status, at=at)
            self.call_service(
                lambda s: contacts.log_contact(s, by=by, data=data, desk=desk),
                write=True, done=lambda c: self.dismiss(SavedContact(c.id, c.kind, True)),
                request_id=self.request_id)
            return
        contact_id = self.contact.id
        note = self.value("#cf-note")
        update = ContactUpdate(channel=channel, kind=ContactKind(kind), content=content,
                               unit_id=unit_id or 0, person_name=name, phone=phone,
                               action_taken=action, status=status, note=note, at=at)
        self.call_service(
            lambda s: contacts.update_contact(s, by=by, contact_id=contact_id, data=update),
            write=True, done=lambda c: self.dismiss(SavedContact(c.id, c.kind, False)))


# --------------------------------------------------------------------------------------
# Work orders
# --------------------------------------------------------------------------------------


class WorkOrderForm(_Form):
    """A new work order, from ``contact`` (a repair request) or from scratch."""

    def __init__(self, contact: Contact | None = None) -> None:
        super().__init__()
        self.contact = contact
        self.form_title = t("reception.form.new_workorder")
        if contact is not None:
            self.form_title += t("reception.form.from_contact", at=contact.at.strftime("%H:%M"),
                            who=contact.unit_code or contact.person_name)

    def form_fields(self) -> ComposeResult:
        c = self.contact
        yield Field(t("reception.wo.field.category"), KeyChoice(
            [(x.value, wo.category_label(x)) for x in WorkOrderCategory], id="wf-category"),
            name="category", required=True)
        yield Field(t("reception.wo.field.urgency"), KeyChoice(
            [(x.value, wo.urgency_label(x)) for x in WorkOrderUrgency],
            value=WorkOrderUrgency.NORMAL.value, id="wf-urgency"), name="urgency", required=True)
        yield Field(t("reception.field.unit"), UnitField(id="wf-unit"), name="unit")
        yield Field(t("reception.wo.field.location"), Input(
            placeholder=t("reception.form.location_hint"), id="wf-location"), name="location")
        yield Field(t("reception.wo.field.description"),
                    Input(value=c.content if c else "", id="wf-description"),
                    name="description", required=True)
        yield Field(t("reception.wo.field.requester"),
                    Input(value=c.person_name if c else "", id="wf-name"), name="requester_name")
        yield Field(t("reception.field.phone"), PhoneInput(
                    value=c.phone if c else "", table="contact", record_id=c.id if c else None,
                    id="wf-phone"),
                    name="requester_phone")

    def on_mount(self) -> None:
        if self.contact is not None and self.contact.unit_id is not None:
            self.show_unit("#wf-unit", self.contact.unit_id)
        self.query_one("#wf-category", KeyChoice).focus()

    @on(UnitField.Changed, "#wf-unit")
    def _unit_changed(self, event: UnitField.Changed) -> None:
        self.fill_person(event.picked, name="#wf-name", phone="#wf-phone")

    def action_save(self) -> None:
        self.clear_errors()
        category = self.query_one("#wf-category", KeyChoice).value
        if category is None:
            self.show_field_error("category", t("reception.form.choose_category"))
            return
        urgency = self.query_one("#wf-urgency", KeyChoice).value or WorkOrderUrgency.NORMAL.value
        data = WorkOrderCreate(
            category=WorkOrderCategory(category), urgency=WorkOrderUrgency(urgency),
            description=self.value("#wf-description"),
            unit_id=self.query_one("#wf-unit", UnitField).unit_id,
            location=self.value("#wf-location"), requester_name=self.value("#wf-name"),
            requester_phone=self.value("#wf-phone"))
        by = self.app.staff
        contact_id = self.contact.id if self.contact else None
        limits = wo.limits_from_settings(self.app.settings)
        self.call_service(
            lambda s: wo.create_work_order(s, by=by, contact_id=contact_id, data=data,
                                           limits=limits),
            write=True, done=self.dismiss, request_id=self.request_id)


class StepForm(_Form):
    """One step of a work order: ``dispatch``, ``complete``, ``visit`` or ``cancel``."""

    STEPS = ("dispatch", "complete", "visit", "cancel")

    def __init__(self, order: WorkOrder, step: str) -> None:
        super().__init__()
        if step not in self.STEPS:
            raise ValueError(step)
        self.order = order
        self.step = step
        self.form_title = t(f"reception.form.step.{step}", number=order.number)

    def form_fields(self) -> ComposeResult:
        if self.step == "dispatch":
            yield Field(t("reception.wo.field.assignee"), Input(id="sf-assignee"),
                        name="assignee", required=True)
            yield Field(t("reception.wo.field.dispatched_at"),
                        Input(value=now_text(), id="sf-at"), name="dispatched_at")
        elif self.step == "complete":
            yield Field(t("reception.wo.field.completed_at"),
                        Input(value=now_text(), id="sf-at"), name="completed_at")
            yield Field(t("reception.wo.field.result"), Input(id="sf-result"), name="result",
                        required=True)
            yield Field(t("reception.wo.field.materials"), Input(id="sf-materials"),
                        name="materials")
            yield Field(t("reception.wo.field.charge"), Input(value="0", id="sf-charge"),
                        name="charge")
        elif self.step == "visit":
            yield Field(t("reception.wo.field.satisfaction"), KeyChoice(
                [(str(n), f"{t(f'reception.wo.satisfaction.{n}')}") for n in (5, 4, 3, 2, 1)],
                keys="54321", id="sf-satisfaction"), name="satisfaction", required=True)
            yield Field(t("reception.wo.field.comment"), Input(id="sf-comment"),
                        name="visit_comment")
            yield Field(t("reception.wo.field.visited_at"),
                        Input(value=now_text(), id="sf-at"), name="visited_at")
        else:
            yield Field(t("reception.wo.field.reason"), Input(id="sf-reason"), name="reason",
                        required=True)

    def on_mount(self) -> None:
        self.query(Field).first().widget.focus()

    def action_save(self) -> None:
        self.clear_errors()
        by, oid = self.app.staff, self.order.id
        assert oid is not None
        try:
            call = self._call(by, oid)
        except ValidationError as err:
            self.show_error(err)
            return
        self.call_service(call, write=True, done=self.dismiss, request_id=self.request_id)

    def _call(self, by: Any, oid: int) -> Any:
        if self.step == "dispatch":
            at = self.time_value("#sf-at", "dispatched_at")
            assignee = self.value("#sf-assignee")
            return lambda s: wo.dispatch_work_order(s, by=by, work_order_id=oid,
                                                    assignee=assignee, at=at)
        if self.step == "complete":
            at = self.time_value("#sf-at", "completed_at")
            charge = parse_yuan(self.value("#sf-charge") or "0", field="charge")
            result, materials = self.value("#sf-result"), self.value("#sf-materials")
            code = wo.charge_fee_code_from_settings(self.app.settings)
            return lambda s: wo.complete_work_order(s, by=by, work_order_id=oid, result=result,
                                                    at=at, materials=materials,
                                                    charge_fen=charge, charge_fee_code=code)
        if self.step == "visit":
            at = self.time_value("#sf-at", "visited_at")
            chosen = self.query_one("#sf-satisfaction", KeyChoice).value
            if chosen is None:
                raise ValidationError("reception.workorder.satisfaction", field="satisfaction")
            comment = self.value("#sf-comment")
            return lambda s: wo.record_return_visit(s, by=by, work_order_id=oid,
                                                    satisfaction=int(chosen), comment=comment,
                                                    at=at)
        reason = self.value("#sf-reason")
        return lambda s: wo.cancel_work_order(s, by=by, work_order_id=oid, reason=reason)
