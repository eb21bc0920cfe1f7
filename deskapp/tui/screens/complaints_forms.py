"""Complaint forms: the register form (客户投诉受理登记表) with the five clears, the one-step
forms of the workflow, and the visit record (回访情况记录表)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Label, Static, TextArea

from deskapp import clock
from deskapp.db.models.complaints import (
    ContactChannel,
    EscalationTarget,
    OpinionHandling,
    ReplyMethod,
    VisitKind,
    VisitTopic,
)
from deskapp.errors import DeskError
from deskapp.i18n import t
from deskapp.services.complaints import deadlines, intake, labels, queries
from deskapp.services.complaints import visits as vs
from deskapp.services.reception.common import channel_label, parse_time
from deskapp.tui.widgets.confirm import confirm_action
from deskapp.tui.widgets.form import DeskForm, Field, PhoneInput, choice
from deskapp.tui.widgets.unit_picker import UnitField


class _Form(DeskForm):
    DEFAULT_CSS = """
    _Form > Vertical { width: 120; }
    _Form VerticalScroll { max-height: 38; }
    _Form .pair > Field > .field-error { max-width: 24; }
    _Form TextArea { height: 4; }
    _Form .five { height: auto; padding: 0 0 0 15; }
    _Form .five > Checkbox { width: auto; margin-right: 1; }
    _Form .five > .later { color: $text-muted; padding: 1 1; width: auto; }
    """
    hint_key = "complaints.form.hint"

    def text(self, selector: str) -> str:
        return self.value(selector)


# --------------------------------------------------------------------------------------
# Register form
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormChoices:
    """What the register form offers, read on a worker before it opens."""

    categories: list[tuple[str, str]]
    handlers: list[tuple[str, str]]
    departments: list[tuple[str, str]]


def form_choices(session: Any, settings: dict[str, object] | None = None) -> FormChoices:
    cats = deadlines.categories(session)
    return FormChoices(
        categories=[(c.code, labels.category_label(c.code, {c.code: c.name})) for c in cats],
        handlers=[(str(s.id), t("common.with_note", text=s.name, note=t('role.' + s.role.value)))
                  for s in queries.handlers(session)],
        departments=[(d, labels.department_label(d)) for d in labels.departments(settings)],
    )


class ComplaintForm(_Form):
    """客户投诉受理登记表. ``prefill`` comes from a reception contact (``contact_id``)."""

    def __init__(self, choices: FormChoices, *, prefill: intake.ComplaintCreate | None = None,
                 contact_id: int | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.prefill = prefill
        self.contact_id = contact_id
        self.form_title = t("complaints.form.new")
        if contact_id is not None:
            self.form_title += t("complaints.form.from_contact")

    def form_fields(self) -> ComposeResult:
        p = self.prefill
        me = self.app.staff
        owner = str(me.id) if me and any(v == str(me.id) for v, _ in self.choices.handlers) \
            else None
        with Horizontal(classes="pair"):
            yield Field(t("complaints.field.received_at"), Input(
                value=(p.received_at if p and p.received_at else clock.now())
                .strftime("%Y-%m-%d %H:%M"), id="cf-received"), name="received_at",
                required=True)
            yield Field(t("complaints.field.channel"), choice(
                [(c.value, channel_label(c)) for c in ContactChannel],
                value=str(getattr(p.channel, "value", p.channel)) if p else None,
                id="cf-channel"), name="channel", required=True)
        yield Field(t("complaints.field.unit"), UnitField(id="cf-unit"), name="unit")
        with Horizontal(classes="pair"):
            yield Field(t("complaints.field.complainant_name"),
                        Input(value=p.complainant_name if p else "", id="cf-name"),
                        name="complainant_name", required=True)
            yield Field(t("complaints.field.complainant_phone"),
                        PhoneInput(value=p.complainant_phone if p else "", id="cf-phone"),
                        name="complainant_phone")
        with Horizontal(classes="pair"):
            yield Field(t("complaints.field.floor"), Input(id="cf-floor"), name="floor")
            yield Field(t("complaints.field.place"), Input(id="cf-place"), name="place")
        yield Field(t("complaints.field.content"),
                    TextArea(p.content if p else "", id="cf-content", soft_wrap=True),
                    name="content", required=True)
        yield Field(t("complaints.field.request"), Input(id="cf-request"), name="request")
        with Horizontal(classes="pair"):
            yield Field(t("complaints.field.target_person"), Input(id="cf-target-person"),
                        name="target_person")
            yield Field(t("complaints.field.target_department"), choice(
                self.choices.departments, id="cf-target-dept", blank=True),
                name="target_department")
        with Horizontal(classes="pair"):
            yield Field(t("complaints.field.category"), choice(
                self.choices.categories, id="cf-category", blank=True), name="category",
                required=True)
            yield Field(t("complaints.field.owner"), choice(
                self.choices.handlers, value=owner, id="cf-owner", blank=owner is None),
                name="owner", required=True)
        with Horizontal(classes="pair"):
            yield Field(t("complaints.field.major"), Checkbox(t("complaints.form.major"),
                                                              id="cf-major"), name="major")
            yield Field(t("complaints.field.escalate_to"), choice(
                [(e.value, labels.escalation_label(e)) for e in EscalationTarget],
                id="cf-escalate"), name="escalate_to")
        yield Label(t("complaints.field.five_clears") + " *", classes="field-label")
        with Horizontal(classes="five", id="field-five_clears"):
            yield Checkbox(t("complaints.five.heard"), id="cf-heard")
            yield Checkbox(t("complaints.five.asked"), id="cf-asked")
            yield Checkbox(t("complaints.five.recorded"), id="cf-recorded")
            yield Static(t("complaints.five.later"), classes="later")

    def hint(self) -> str:
        return t("complaints.form.register_hint")

    def on_mount(self) -> None:
        if self.prefill is not None and self.prefill.unit_id is not None:
            unit_id = self.prefill.unit_id
            self.show_unit("#cf-unit", unit_id)
        focus = "#cf-category" if self.prefill else "#cf-unit"
        self.query_one(focus).focus()

    @on(UnitField.Changed, "#cf-unit")
    def _unit_changed(self, event: UnitField.Changed) -> None:
        if event.picked is None:
            return
        hit = event.picked.hit
        self.fill_person(event.picked, name="#cf-name", phone="#cf-phone")
        floor = self.query_one("#cf-floor", Input)
        if not floor.value:
            floor.value = str(hit.floor)

    def show_field_error(self, field: str, message: str) -> None:
        if field == "five_clears":
            self.query_one("#cf-heard", Checkbox).focus()
            self.notify(message, severity="error")
            self.query_one("#form-title", Label).update(
                f"{self.form_title}  —  {message}")
            return
        super().show_field_error(field, message)

    def action_save(self) -> None:
        self.clear_errors()
        try:
            received = parse_time(self.text("#cf-received"), field="received_at")
        except DeskError as err:
            self.show_error(err)
            return
        owner = self.text("#cf-owner")
        data = intake.ComplaintCreate(
            complainant_name=self.text("#cf-name"), content=self.text("#cf-content"),
            channel=self.text("#cf-channel"), category_code=self.text("#cf-category"),
            complainant_phone=self.text("#cf-phone"),
            unit_id=self.query_one("#cf-unit", UnitField).unit_id,
            floor=self.text("#cf-floor"), place=self.text("#cf-place"),
            target_person=self.text("#cf-target-person"),
            target_department=self.text("#cf-target-dept"), request=self.text("#cf-request"),
            received_at=received, major=self.query_one("#cf-major", Checkbox).value,
            escalate_to=self.text("#cf-escalate") or EscalationTarget.SUPERVISOR,
            owner_id=int(owner) if owner else None,
            heard=self.query_one("#cf-heard", Checkbox).value,
            asked=self.query_one("#cf-asked", Checkbox).value,
            recorded=self.query_one("#cf-recorded", Checkbox).value)
        by, contact_id = self.app.staff, self.contact_id
        settings = dict(self.app.settings.extra)
        self.call_service(
            lambda s: intake.create_complaint(s, by=by, data=data, contact_id=contact_id,
                                              settings=settings),
            write=True, done=self.dismiss, request_id=self.request_id)


# --------------------------------------------------------------------------------------
# One step
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepField:
    name: str  # the service's field name (errors land here)
    label_key: str
    kind: str = "input"  # input | text | select
    options: Sequence[tuple[str, str]] = ()
    value: str = ""
    required: bool = False


class StepForm(_Form):
    """A small form for one workflow step; ``submit(session, values)`` runs the service in
    one write transaction; the form closes with its result."""

    def __init__(self, title: str, fields: Sequence[StepField],
                 submit: Callable[[Any, dict[str, str]], Any], *,
                 confirm: Callable[[Any, dict[str, str]], Any] | None = None,
                 confirm_label_key: str = "confirm.key.yes") -> None:
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.submit = submit
        self.confirm = confirm  # (session, values) → the step's *_preview, confirmed first
        self.confirm_label_key = confirm_label_key

    def form_fields(self) -> ComposeResult:
        for f in self.fields:
            if f.kind == "select":
                widget: Any = choice(f.options, value=f.value or None, id=f"sf-{f.name}",
                                      blank=not f.value)
            elif f.kind == "text":
                widget = TextArea(f.value, id=f"sf-{f.name}", soft_wrap=True)
            else:
                widget = Input(value=f.value, id=f"sf-{f.name}")
            yield Field(t(f.label_key), widget, name=f.name, required=f.required)

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#sf-{self.fields[0].name}").focus()

    def values(self) -> dict[str, str]:
        return {f.name: self.text(f"#sf-{f.name}") for f in self.fields}

    def action_save(self) -> None:
        self.clear_errors()
        values, submit, confirm = self.values(), self.submit, self.confirm

        def run(_: Any = None) -> None:
            self.call_service(lambda s: submit(s, values), write=True,
                              done=lambda result: self.dismiss(result if result is not None
                                                               else True),
                              request_id=self.request_id)

        if confirm is None:
            run()
        else:
            confirm_action(self, lambda s: confirm(s, values), run,
                           confirm_label_key=self.confirm_label_key)


def method_options() -> list[tuple[str, str]]:
    return [(m.value, t(f"complaints.method.{m.value}")) for m in ReplyMethod]


def score_options() -> list[tuple[str, str]]:
    return [(str(n), f"{n} {t(f'complaints.score.{n}')}") for n in (5, 4, 3, 2, 1)]


# --------------------------------------------------------------------------------------
# Visit record (回访情况记录表)
# --------------------------------------------------------------------------------------

OPINION_ROWS = 3


class VisitForm(_Form):
    """A scheduled visit or walk-around: unit, person, topic ratings, up to three opinions
    and what happens to each."""

    def __init__(self, departments: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.departments = list(departments)
        self.form_title = t("complaints.visit.form.title")

    def form_fields(self) -> ComposeResult:
        with Horizontal(classes="pair"):
            yield Field(t("complaints.field.kind"), choice(
                [(k.value, t(f"complaints.visit.kind.{k.value}"))
                 for k in (VisitKind.SCHEDULED, VisitKind.WALKAROUND)], id="vf-kind"),
                name="kind", required=True)
            yield Field(t("complaints.field.method"), choice(
                method_options(), value=ReplyMethod.VISIT.value, id="vf-method"), name="method")
        yield Field(t("complaints.field.unit"), UnitField(id="vf-unit"), name="unit")
        with Horizontal(classes="pair"):
            yield Field(t("complaints.field.person_name"), Input(id="vf-name"),
                        name="person_name", required=True)
            yield Field(t("complaints.field.phone"), PhoneInput(id="vf-phone"), name="phone")
        scores = score_options()
        topics = list(VisitTopic)
        for i in range(0, len(topics), 2):
            with Horizontal(classes="pair"):
                for topic in topics[i:i + 2]:
                    yield Field(vs.topic_label(topic), choice(
                        scores, id=f"vf-rating-{topic.value}", blank=True),
                        name=f"rating_{topic.value}")
        handling = [(h.value, t(f"complaints.opinion.handling.{h.value}"))
                    for h in OpinionHandling]
        for n in range(OPINION_ROWS):
            yield Label(t("complaints.visit.form.opinion", n=n + 1), classes="field-label")
            with Horizontal(classes="pair"):
                yield Field(t("complaints.field.topic"), choice(
                    [(tp.value, vs.topic_label(tp)) for tp in VisitTopic], id=f"vf-topic-{n}",
                    blank=True), name=f"opinion_{n}")
                yield Field(t("complaints.field.handling"), choice(
                    handling, id=f"vf-handling-{n}", blank=True), name=f"handling_{n}")
            yield Field(t("complaints.field.opinion"), Input(id=f"vf-text-{n}"),
                        name=f"text_{n}")
            with Horizontal(classes="pair"):
                yield Field(t("complaints.field.answer"), Input(id=f"vf-answer-{n}"),
                            name=f"answer_{n}")
                yield Field(t("complaints.field.department"), choice(
                    self.departments, id=f"vf-dept-{n}", blank=True), name=f"department_{n}")
        yield Field(t("complaints.field.note"), Input(id="vf-note"), name="note")

    def on_mount(self) -> None:
        self.query_one("#vf-unit").focus()

    @on(UnitField.Changed, "#vf-unit")
    def _unit_changed(self, event: UnitField.Changed) -> None:
        if event.picked is None:
            return
        self.fill_person(event.picked, name="#vf-name", phone="#vf-phone")

    def action_save(self) -> None:
        self.clear_errors()
        opinions, rows = [], []
        for n in range(OPINION_ROWS):
            topic, handling = self.text(f"#vf-topic-{n}"), self.text(f"#vf-handling-{n}")
            text = self.text(f"#vf-text-{n}")
            if not (topic or handling or text.strip()):
                continue
            if not topic:
                self.show_field_error(f"opinion_{n}", t("complaints.visit.topic_invalid"))
                return
            if not handling:
                self.show_field_error(f"handling_{n}",
                                      t("complaints.opinion.handling_invalid"))
                return
            opinions.append(vs.OpinionCreate(topic=topic, text=text, handling=handling,
                                             answer=self.text(f"#vf-answer-{n}"),
                                             department=self.text(f"#vf-dept-{n}")))
            rows.append(n)
        data = vs.VisitCreate(
            kind=self.text("#vf-kind"), person_name=self.text("#vf-name"),
            unit_id=self.query_one("#vf-unit", UnitField).unit_id, phone=self.text("#vf-phone"),
            method=self.text("#vf-method") or ReplyMethod.VISIT,
            ratings={tp.value: (int(v) if (v := self.text(f"#vf-rating-{tp.value}")) else None)
                     for tp in VisitTopic},
            note=self.text("#vf-note"), opinions=opinions)
        by = self.app.staff
        def failed(err: DeskError) -> None:
            # the service numbers opinions 0, 1, … as given; map back to the form's rows
            field = getattr(err, "field", None) or ""
            base, _, index = field.rpartition("_")
            if base in ("opinion", "handling", "text", "answer", "department") and \
                    index.isdigit() and int(index) < len(rows):
                self.show_field_error(f"{base}_{rows[int(index)]}", str(err))
                return
            self.show_error(err)

        self.call_service(lambda s: vs.record_visit(s, by=by, data=data), write=True,
                          done=self.dismiss, failed=failed, request_id=self.request_id)
