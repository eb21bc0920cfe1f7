"""Renovation forms: the filing form (装修备案表) with its live document checklist, and
one small form for each step (review, deposit, extension, inspection, refund …)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.widgets import Checkbox, Input, Select

from deskapp import clock
from deskapp.db.models.renovation import WorkKind
from deskapp.i18n import t
from deskapp.services import units
from deskapp.services.renovation import filings, queries, rules
from deskapp.tui.widgets.form import (
    Field,
    FieldSpec,
    ItemLines,
    PhoneInput,
    SpecForm,
    SpecKind,
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

_REQUIRED = {"owner_name", "owner_id_number", "owner_phone", "contractor_name", "lead_name",
             "lead_id_number", "lead_phone", "work_items", "permit_start", "permit_end"}
_APPLICANT = ("applicant_name", "applicant_id_number", "applicant_phone")


def _filing_specs(today: date) -> list[FieldSpec]:
    """The filing form as field specs, in the order of the paper form."""

    def text(name: str, value: str = "", kind: SpecKind = "text",
             placeholder: str = "") -> FieldSpec:
        return FieldSpec(name, f"renovation.field.{name}", kind, value,
                         required=name in _REQUIRED, placeholder=placeholder)

    def check(name: str, value: bool) -> FieldSpec:
        return FieldSpec(name, f"renovation.field.{name}", "check", value)

    return [
        FieldSpec("owner_part", "renovation.form.owner_part", "section"),
        FieldSpec("unit", "renovation.field.unit", "unit", required=True),
        text("owner_name"),
        text("owner_id_number", placeholder="renovation.form.id_hint"),
        text("owner_phone"),
        check("applicant_is_owner", True),
        *(text(name) for name in _APPLICANT),
        text("filed_on", today.isoformat(), "date"),
        FieldSpec("contractor_part", "renovation.form.contractor_part", "section"),
        FieldSpec("work_kind", "renovation.field.work_kind", "select", WorkKind.GENERAL.value,
                  [(k.value, f"renovation.kind.{k.value}") for k in WorkKind], required=True),
        text("contractor_name"),
        text("contractor_credit_code"),
        check("contractor_has_licence", True),
        check("contractor_has_qualification", True),
        text("lead_name"),
        text("lead_id_number"),
        text("lead_phone"),
        text("work_items"),
        check("hot_work", False),
        check("breaks_waterproofing", False),
        check("changes_lines", False),
        FieldSpec("period_part", "renovation.form.period_part", "section"),
        text("permit_start", today.isoformat(), "date"),
        text("permit_end", rules.latest_end(today).isoformat(), "date"),
        text("note"),
    ]


def _checklist(items: list[str]) -> ItemLines:
    return ItemLines(t("form.list_head", title=t("renovation.form.checklist")), items)


def _documents(values: dict[str, Any]) -> Callable[[Session], list[str]]:
    """The documents the answers so far call for (worked out, not read)."""
    docs = rules.required_documents(
        work_kind=WorkKind(values["work_kind"] or WorkKind.GENERAL.value),
        applicant_is_owner=values["applicant_is_owner"],
        contractor_has_licence=values["contractor_has_licence"],
        contractor_has_qualification=values["contractor_has_qualification"],
        hot_work=values["hot_work"], breaks_waterproofing=values["breaks_waterproofing"],
        changes_lines=values["changes_lines"])
    items = [t(f"renovation.doc.{d}") for d in docs] + [t("renovation.form.worker_items")]
    return lambda _s: items


class FilingForm(SpecForm):
    """New filing, or (``filing_id``) correcting a draft: a :class:`SpecForm` (ids
    ``rf-<name>``) with the live list of documents to collect; a picked unit fills the
    owner from the customer file (the phone masked). Dismisses with the filing id."""

    DEFAULT_CSS = """
    FilingForm VerticalScroll { max-height: 40; }
    """

    def __init__(self, filing_id: int | None = None) -> None:
        self.filing_id = filing_id
        super().__init__(t("renovation.form.title_edit" if filing_id else
                           "renovation.form.title_new"),
                         _filing_specs(clock.today()), self._call, prefix="rf",
                         hint=t("renovation.form.filing_hint"), preview=_documents,
                         preview_title=_checklist)

    def _call(self, values: dict[str, Any]) -> Callable[[Session], int]:
        values = dict(values)
        values["work_kind"] = values["work_kind"] or WorkKind.GENERAL.value
        data = rules.FilingInput(unit_id=values.pop("unit"), **values)
        by, filing_id = self.app.staff, self.filing_id
        if filing_id is None:
            return lambda s: filings.create_filing(s, by=by, data=data).id or 0
        return lambda s: filings.update_filing(s, by=by, filing_id=filing_id, data=data).id or 0

    def on_mount(self) -> None:
        self._toggle_applicant()
        if self.filing_id is not None:
            self.call_service(lambda s: _load_for_edit(s, self.filing_id or 0), done=self._fill)

    def _fill(self, loaded: tuple[Any, PickedUnit | None]) -> None:
        filing, picked = loaded
        if picked is not None:
            self.query_one("#rf-unit", UnitField).set_picked(picked)
        for spec in self.specs:
            if spec.kind in ("section", "unit"):
                continue
            value = getattr(filing, spec.name)
            widget = self.query_one(f"#rf-{spec.name}")
            if isinstance(widget, Checkbox):
                widget.value = bool(value)
            elif isinstance(widget, Select):
                widget.value = value.value
            else:
                widget.value = value.isoformat() if isinstance(value, date) else \
                    str(value or "")  # type: ignore[attr-defined]
        self.query_one("#rf-owner_name", Input).focus()
        self.call_after_refresh(self._remember_opened)  # the draft as loaded is not a change

    @on(UnitField.Changed, "#rf-unit")
    def _unit_picked(self, event: UnitField.Changed) -> None:
        if event.picked is None:
            return
        unit_id = event.picked.hit.unit_id
        self.call_service(lambda s: queries.prefill_owner(s, unit_id), done=self._prefill)

    def _prefill(self, owner: Any) -> None:
        if owner is None:
            return
        name = self.query_one("#rf-owner_name", Input)
        if not name.value:
            name.value = owner.name
        if not self.query_one("#rf-owner_phone", Input).value and owner.phone:
            self.query_one("#rf-owner_phone", PhoneInput).prefill(owner.phone,
                                                                  record_id=owner.id)
        self.query_one("#rf-owner_id_number", Input).focus()

    @on(Checkbox.Changed, "#rf-applicant_is_owner")
    def _toggle_applicant(self) -> None:
        owner_applies = self.query_one("#rf-applicant_is_owner", Checkbox).value
        for name in _APPLICANT:
            self.query_one(f"#field-{name}", Field).display = not owner_applies

    @on(Input.Changed, "#rf-permit_start")
    def _start_changed(self, event: Input.Changed) -> None:
        try:
            start = clock.parse_date(event.value)
        except ValueError:
            return
        end = self.query_one("#rf-permit_end", Input)
        end.placeholder = t("renovation.form.latest", date=rules.latest_end(start).isoformat())

    def submitted(self, box: Input) -> None:
        """Enter always goes on (Ctrl+S saves the filing)."""
        self.focus_next()


def _load_for_edit(session: Session, filing_id: int) -> tuple[Any, PickedUnit | None]:
    filing = queries.get_filing(session, filing_id)
    hits = [h for h in units.search_units(session, filing.unit_code, limit=20)
            if h.unit_id == filing.unit_id]
    return filing, PickedUnit(hits[0]) if hits else None
