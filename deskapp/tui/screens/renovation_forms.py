"""Renovation forms: the filing form (装修备案表) with its live document checklist, and
one small form for each step (review, deposit, extension, inspection, refund …)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static

from deskapp import clock
from deskapp.db.models.renovation import WorkKind
from deskapp.errors import DeskError, ValidationError
from deskapp.i18n import t
from deskapp.services import renovation as reno
from deskapp.services import units
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.confirm import confirm_action
from deskapp.tui.widgets.form import REVEAL_PHONE, Field, FormMixin, PhoneInput, input_value
from deskapp.tui.widgets.unit_picker import PickedUnit, UnitField

SpecKind = Literal["text", "date", "select", "check", "info"]


@dataclass
class Spec:
    """One field of an :class:`ActionForm`: ``name`` is the service's field name."""

    name: str
    label: str
    kind: SpecKind = "text"
    value: str | bool = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    required: bool = False


def _widget(spec: Spec) -> Any:
    wid = f"af-{spec.name}"
    if spec.kind == "check":
        return Checkbox("", value=bool(spec.value), id=wid)
    if spec.kind == "select":
        return Select(spec.options, value=str(spec.value) if spec.value else spec.options[0][1],
                      allow_blank=False, id=wid, compact=True)
    if spec.kind == "info":
        return Static(str(spec.value), id=wid)
    placeholder = "YYYY-MM-DD" if spec.kind == "date" else ""
    return Input(value=str(spec.value), placeholder=placeholder, id=wid, compact=True)


def _read(widget: Any) -> str | bool:
    if isinstance(widget, Checkbox):
        return bool(widget.value)
    if isinstance(widget, Select):
        return "" if widget.value is Select.NULL else str(widget.value)
    if isinstance(widget, Input):
        return widget.value
    return ""


class ActionForm(FormMixin, DeskModal[bool]):
    """A small form for one business step. ``submit(values)`` returns the service call
    (run in one write transaction); a refusal shows at the field it names, or — for a
    refusal with a list (:class:`deskapp.services.renovation.Blocked`) — as that list.
    ``preview(values)`` (optional) returns a read call whose lines are shown live."""

    DEFAULT_CSS = """
    ActionForm { align: center middle; }
    ActionForm > Vertical { width: 96; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    ActionForm .title { text-style: bold; padding: 0 0 1 0; }
    ActionForm #af-hint { color: $text-muted; }
    ActionForm #af-message { color: $error; height: auto; padding: 0 1; }
    ActionForm #af-preview { height: auto; padding: 0 1; }
    ActionForm Field > .field-label { padding: 0 1 0 0; width: 16; }
    ActionForm Field > .field-error { padding: 0 0 0 1; max-width: 70; }
    ActionForm Checkbox, ActionForm Checkbox:focus { width: auto; height: 1; border: none; padding: 0; }
    ActionForm Checkbox:focus { background: $accent 30%; }
    ActionForm #af-hint, ActionForm #af-message, ActionForm #af-preview { margin-top: 1; }
    """
    BINDINGS = [Binding("ctrl+s", "save", t("key.save"), id="key.save"),
                Binding("escape", "cancel", t("key.cancel"), id="key.cancel")]

    def __init__(self, title: str, specs: list[Spec],
                 submit: Callable[[dict[str, Any]], Callable[[Session], Any]], *,
                 hint: str = "",
                 preview: Callable[[dict[str, Any]], Callable[[Session], list[str]]] | None
                 = None,
                 confirm: Callable[[dict[str, Any]], Callable[[Session], Any]] | None = None,
                 confirm_label_key: str = "confirm.key.yes") -> None:
        super().__init__()
        self.confirm = confirm  # values → the step's *_preview: asked in the ConfirmDialog
        self.confirm_label_key = confirm_label_key
        self.form_title = title
        self.specs = specs
        self.submit = submit
        self.preview = preview
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.form_title, classes="title")
            for spec in self.specs:
                yield Field(spec.label, _widget(spec), name=spec.name, required=spec.required)
            if self.preview is not None:
                yield Static("", id="af-preview")
            yield Static("", id="af-message")
            yield Static(self.hint or t("renovation.form.hint"), id="af-hint")
            yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        focusable = [w for w in self.query("Input, Select, Checkbox") if w.focusable]
        if focusable:
            focusable[0].focus()
        self._preview()

    def values(self) -> dict[str, Any]:
        return {spec.name: _read(self.query_one(f"#af-{spec.name}")) for spec in self.specs}

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    @on(Checkbox.Changed)
    @on(Select.Changed)
    @on(Input.Changed)
    def _changed(self) -> None:
        self._preview()

    def _preview(self) -> None:
        if self.preview is None:
            return
        fn = self.preview(self.values())

        def show(lines: list[str]) -> None:
            text = Text()
            if lines:
                text.append(t("renovation.refund.missing_title", n=len(lines)) + "\n",
                            style="bold red")
                for line in lines:
                    text.append(f"  ✗ {line}\n", style="red")
            else:
                text.append(t("renovation.refund.all_met"), style="bold green")
            self.query_one("#af-preview", Static).update(text)

        self.call_service(fn, done=show, group="af-preview", exclusive=True)

    def action_save(self) -> None:
        self.clear_errors()
        self.query_one("#af-message", Static).update("")
        values = self.values()
        try:
            fn = self.submit(values)
            ask = self.confirm(values) if self.confirm is not None else None
        except DeskError as err:
            self._failed(err)
            return

        def run(_: Any = None) -> None:
            self.call_service(fn, write=True, done=lambda _: self.dismiss(True),
                              failed=self._failed, request_id=self.request_id)

        if ask is None:
            run()
        else:
            confirm_action(self, ask, run, failed=self._failed,
                           confirm_label_key=self.confirm_label_key)

    def _failed(self, err: DeskError) -> None:
        if isinstance(err, ValidationError) and err.field:
            self.show_field_error(err.field, str(err))
            return
        missing = getattr(err, "missing", None)
        text = Text(str(err) if not missing else t("renovation.refused") + "\n", style="bold")
        for item in missing or []:
            text.append(f"  ✗ {item.text}\n", style="")
        self.query_one("#af-message", Static).update(text)

    def action_cancel(self) -> None:
        self.dismiss(False)


# --------------------------------------------------------------------------------------
# The filing form
# --------------------------------------------------------------------------------------

_TEXT = ("owner_name", "owner_id_number", "owner_phone", "applicant_name",
         "applicant_id_number", "applicant_phone", "contractor_name", "contractor_credit_code",
         "lead_name", "lead_id_number", "lead_phone", "work_items", "permit_start",
         "permit_end", "filed_on", "note")
_CHECKS = ("applicant_is_owner", "contractor_has_licence", "contractor_has_qualification",
           "hot_work", "breaks_waterproofing", "changes_lines")
_REQUIRED = {"owner_name", "owner_id_number", "owner_phone", "contractor_name", "lead_name",
             "lead_id_number", "lead_phone", "work_items", "permit_start", "permit_end"}


class FilingForm(FormMixin, DeskModal[int | None]):
    """New filing, or (``filing_id``) correcting a draft. Dismisses with the filing id."""

    DEFAULT_CSS = """
    FilingForm { align: center middle; }
    FilingForm > Vertical { width: 120; height: 96%; border: thick $primary; background: $surface; padding: 0 1; }
    FilingForm .title { text-style: bold; }
    FilingForm .section { color: $accent; text-style: bold; padding: 0 0 0 2; }
    FilingForm VerticalScroll { height: 1fr; }
    FilingForm #rf-checklist { height: auto; padding: 0 2; border-top: solid $primary-darken-2; }
    FilingForm #rf-hint { color: $text-muted; }
    FilingForm Field > .field-label { padding: 0 1 0 0; width: 16; }
    FilingForm Field > .field-error { padding: 0 0 0 1; max-width: 70; }
    FilingForm Checkbox, FilingForm Checkbox:focus { width: auto; height: 1; border: none; padding: 0; }
    FilingForm Checkbox:focus { background: $accent 30%; }
    FilingForm Input, FilingForm Select, FilingForm UnitField { margin: 0 0 0 0; }
    FilingForm UnitField { height: 1; border: none; padding: 0 1; background: $boost; }
    FilingForm UnitField:focus { background: $accent 30%; border: none; }
    """
    BINDINGS = [Binding("ctrl+s", "save", t("key.save"), id="key.save"),
                Binding("escape", "cancel", t("key.cancel"), id="key.cancel"), REVEAL_PHONE]

    def __init__(self, filing_id: int | None = None) -> None:
        super().__init__()
        self.filing_id = filing_id

    def compose(self) -> ComposeResult:
        today = clock.today()

        def text(name: str, value: str = "", placeholder: str = "") -> Field:
            box = PhoneInput if name.endswith("phone") else Input
            return Field(t(f"renovation.field.{name}"),
                         box(value=value, placeholder=placeholder, id=f"rf-{name}",
                             compact=True),
                         name=name, required=name in _REQUIRED)

        def check(name: str, value: bool) -> Field:
            return Field(t(f"renovation.field.{name}"), Checkbox("", value=value, id=f"rf-{name}"),
                         name=name)

        with Vertical():
            yield Label(t("renovation.form.title_edit" if self.filing_id else
                          "renovation.form.title_new"), classes="title")
            with VerticalScroll():
                yield Label(t("renovation.form.owner_part"), classes="section")
                yield Field(t("renovation.field.unit"), UnitField(id="rf-unit"), name="unit",
                            required=True)
                yield text("owner_name")
                yield text("owner_id_number", placeholder=t("renovation.form.id_hint"))
                yield text("owner_phone")
                yield check("applicant_is_owner", True)
                yield text("applicant_name")
                yield text("applicant_id_number")
                yield text("applicant_phone")
                yield text("filed_on", today.isoformat(), "YYYY-MM-DD")
                yield Label(t("renovation.form.contractor_part"), classes="section")
                yield Field(t("renovation.field.work_kind"),
                            Select([(t(f"renovation.kind.{k.value}"), k.value) for k in WorkKind],
                                   value=WorkKind.GENERAL.value, allow_blank=False,
                                   id="rf-work_kind", compact=True),
                            name="work_kind", required=True)
                yield text("contractor_name")
                yield text("contractor_credit_code")
                yield check("contractor_has_licence", True)
                yield check("contractor_has_qualification", True)
                yield text("lead_name")
                yield text("lead_id_number")
                yield text("lead_phone")
                yield text("work_items")
                yield check("hot_work", False)
                yield check("breaks_waterproofing", False)
                yield check("changes_lines", False)
                yield Label(t("renovation.form.period_part"), classes="section")
                yield text("permit_start", today.isoformat(), "YYYY-MM-DD")
                yield text("permit_end", reno.latest_end(today).isoformat(), "YYYY-MM-DD")
                yield text("note")
            yield Static("", id="rf-checklist")
            yield Static(t("renovation.form.filing_hint"), id="rf-hint")
            yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._toggle_applicant()
        self._checklist()
        if self.filing_id is not None:
            self.call_service(lambda s: _load_for_edit(s, self.filing_id or 0), done=self._fill)
        else:
            self.query_one("#rf-unit", UnitField).focus()

    def _fill(self, loaded: tuple[Any, PickedUnit | None]) -> None:
        filing, picked = loaded
        if picked is not None:
            self.query_one("#rf-unit", UnitField).set_picked(picked)
        for name in _TEXT:
            value = getattr(filing, name)
            self.query_one(f"#rf-{name}", Input).value = (
                value.isoformat() if isinstance(value, date) else str(value or ""))
        for name in _CHECKS:
            self.query_one(f"#rf-{name}", Checkbox).value = bool(getattr(filing, name))
        self.query_one("#rf-work_kind", Select).value = filing.work_kind.value
        self.query_one("#rf-owner_name", Input).focus()

    @on(UnitField.Changed, "#rf-unit")
    def _unit_picked(self, event: UnitField.Changed) -> None:
        if event.picked is None:
            return
        unit_id = event.picked.hit.unit_id
        self.call_service(lambda s: reno.prefill_owner(s, unit_id), done=self._prefill)

    def _prefill(self, owner: Any) -> None:
        if owner is None:
            return
        name = self.query_one("#rf-owner_name", Input)
        phone = self.query_one("#rf-owner_phone", Input)
        if not name.value:
            name.value = owner.name
        if not phone.value and owner.phone:
            self.query_one("#rf-owner_phone", PhoneInput).prefill(owner.phone,
                                                                  record_id=owner.id)
        self.query_one("#rf-owner_id_number", Input).focus()

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _answers_changed(self) -> None:
        self._toggle_applicant()
        self._checklist()

    @on(Input.Changed, "#rf-permit_start")
    def _start_changed(self, event: Input.Changed) -> None:
        try:
            start = date.fromisoformat(event.value.strip())
        except ValueError:
            return
        end = self.query_one("#rf-permit_end", Input)
        end.placeholder = t("renovation.form.latest", date=reno.latest_end(start).isoformat())

    def _toggle_applicant(self) -> None:
        owner_applies = self.query_one("#rf-applicant_is_owner", Checkbox).value
        for name in ("applicant_name", "applicant_id_number", "applicant_phone"):
            self.query_one(f"#field-{name}", Field).display = not owner_applies

    def _answers(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: input_value(self.query_one(f"#rf-{name}", Input))
                                  for name in _TEXT}
        values.update({name: self.query_one(f"#rf-{name}", Checkbox).value for name in _CHECKS})
        kind = self.query_one("#rf-work_kind", Select).value
        values["work_kind"] = str(kind) if kind is not Select.NULL else WorkKind.GENERAL.value
        return values

    def _checklist(self) -> None:
        a = self._answers()
        docs = reno.required_documents(
            work_kind=WorkKind(a["work_kind"]), applicant_is_owner=a["applicant_is_owner"],
            contractor_has_licence=a["contractor_has_licence"],
            contractor_has_qualification=a["contractor_has_qualification"],
            hot_work=a["hot_work"], breaks_waterproofing=a["breaks_waterproofing"],
            changes_lines=a["changes_lines"])
        text = Text(t("renovation.form.checklist") + "：", style="bold")
        items = [t(f"renovation.doc.{d}") for d in docs] + [t("renovation.form.worker_items")]
        text.append("、".join(items))
        self.query_one("#rf-checklist", Static).update(text)

    def action_save(self) -> None:
        self.clear_errors()
        a = self._answers()
        data = reno.FilingInput(unit_id=self.query_one("#rf-unit", UnitField).unit_id, **a)
        by = self.app.staff
        filing_id = self.filing_id
        if filing_id is None:
            def job(s: Session) -> int:
                return reno.create_filing(s, by=by, data=data).id or 0
        else:
            def job(s: Session) -> int:
                return reno.update_filing(s, by=by, filing_id=filing_id, data=data).id or 0
        self.call_service(job, write=True, done=self.dismiss, request_id=self.request_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _load_for_edit(session: Session, filing_id: int) -> tuple[Any, PickedUnit | None]:
    filing = reno.get_filing(session, filing_id)
    hits = [h for h in units.search_units(session, filing.unit_code, limit=20)
            if h.unit_id == filing.unit_id]
    return filing, PickedUnit(hits[0]) if hits else None
