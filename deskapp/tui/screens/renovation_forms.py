"""Renovation forms: the filing form (装修备案表) with its live document checklist, and
one small form for each step (review, deposit, extension, inspection, refund …)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static

from deskapp import clock
from deskapp.db.models.renovation import WorkKind
from deskapp.i18n import t
from deskapp.services import units
from deskapp.services.renovation import renovation as reno
from deskapp.tui.base import DeskModal
from deskapp.tui.widgets.form import (
    REVEAL_PHONE,
    Field,
    FieldSpec,
    FormMixin,
    PhoneInput,
    SpecForm,
    SpecKind,
    input_value,
)
from deskapp.tui.widgets.unit_picker import PickedUnit, UnitField


def spec(name: str, label: str, kind: SpecKind = "text", value: str | bool = "",
         options: list[tuple[str, str]] | None = None, required: bool = False) -> FieldSpec:
    """A renovation step's field; ``options`` are ``(label, value)`` pairs (a drop-down)."""
    return FieldSpec(name, label, kind, value, [(v, lab) for lab, v in options or []],
                     required=required)


def _missing(lines: list[str]) -> Text:
    text = Text()
    if lines:
        text.append(t("renovation.refund.missing_title", n=len(lines)) + "\n", style="bold red")
        for line in lines:
            text.append(f"  ✗ {line}\n", style="red")
    else:
        text.append(t("renovation.refund.all_met"), style="bold green")
    return text


class ActionForm(SpecForm):
    """The form of one renovation step (review, deposit, extension, inspection, refund …):
    a :class:`SpecForm` with ids ``af-<name>`` that closes with ``True`` once saved;
    ``preview`` lists what is still missing, live."""

    def __init__(self, title: str, specs: list[FieldSpec],
                 submit: Callable[[dict[str, Any]], Callable[[Session], Any]], *,
                 hint: str = "",
                 preview: Callable[[dict[str, Any]], Callable[[Session], list[str]]] | None
                 = None,
                 confirm: Callable[[dict[str, Any]], Callable[[Session], Any]] | None = None,
                 confirm_label_key: str = "confirm.key.yes") -> None:
        super().__init__(title, specs, submit, hint=hint or t("renovation.form.hint"),
                         prefix="af", preview=preview, preview_title=_missing,
                         result=lambda _: True, cancel_result=False, confirm=confirm,
                         confirm_label_key=confirm_label_key)


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
