"""录入调查表 — fast entry of returned forms, one after another, at the speed of reading:
the form number printed on the questionnaire (``MY20262-00127``; a room code or name typed
there opens the unit picker instead), unit (the unit picker), one digit per item in the rating grid, the three open questions,
name and phone (pre-filled from the customer file), date; Enter on the date (or Ctrl+S)
saves and the form is ready for the next one. The live recovery rate is on top."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Label, Static

from deskapp import clock
from deskapp.errors import Conflict, DeskError, ValidationError
from deskapp.i18n import t
from deskapp.services.survey import campaigns, distribution, forms, rates, responses
from deskapp.tui.base import DeskScreen
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.tui.widgets.form import (
    FORM_BINDINGS,
    FieldSpec,
    FormBehaviour,
    PhoneInput,
    spec_fields,
    spec_value,
)
from deskapp.tui.widgets.survey_grid import GridItem, RatingGrid, progress_line
from deskapp.tui.widgets.unit_picker import UnitField, load_picked

TEXT_FIELDS = ("improve", "add_services", "other", "name", "phone", "filled_on")
PREFIX = "se"


def entry_specs() -> list[FieldSpec]:
    """The fields of one returned questionnaire, in the order they are typed."""
    return [
        FieldSpec("formno", "survey.field.form_no", placeholder="survey.field.form_no_hint"),
        FieldSpec("unit", "survey.field.unit", "unit", required=True),
        FieldSpec("unit_state", "", "info"),
        FieldSpec("ratings", "survey.field.ratings", "ratings", required=True),
        FieldSpec("improve", "survey.question.short.improve",
                  placeholder="survey.question.improve"),
        FieldSpec("add_services", "survey.question.short.add", placeholder="survey.question.add"),
        FieldSpec("other", "survey.question.short.other", placeholder="survey.question.other"),
        FieldSpec("name", "survey.field.name", required=True),
        FieldSpec("phone", "survey.field.phone", required=True),
        FieldSpec("filled_on", "survey.field.filled_on", "date", clock.today().isoformat(),
                  required=True),
    ]


class SurveyEntryScreen(FormBehaviour, DeskScreen):
    """The fast entry, built from :func:`entry_specs` and behaving as every form does
    (:class:`FormBehaviour`): after a save it is cleared for the next questionnaire."""

    AREA = "survey"
    DEFAULT_CSS = """
    SurveyEntryScreen #se-progress { height: auto; padding: 0 1; }
    SurveyEntryScreen Field > .field-label { width: 16; padding: 0 1 0 0; }
    SurveyEntryScreen Field > .field-error { max-width: 50; padding: 0 0 0 1; }
    SurveyEntryScreen Field { margin-bottom: 1; }
    SurveyEntryScreen #field-unit_state { margin-bottom: 0; }
    SurveyEntryScreen #field-unit, SurveyEntryScreen #field-formno { margin-bottom: 0; }
    SurveyEntryScreen UnitField { height: 1; border: none; padding: 0 1; background: $boost; }
    SurveyEntryScreen UnitField:focus { background: $accent 30%; border: none; }
    """
    BINDINGS = [
        *FORM_BINDINGS,
        Binding("ctrl+n", "clear_form", t("survey.key.clear_form"), id="survey.key.clear_form"),
    ]

    def __init__(self, campaign_id: int) -> None:
        super().__init__()
        self.campaign_id = campaign_id
        self.state: distribution.UnitSurveyState | None = None
        self.saved = 0

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with VerticalScroll(can_focus=False):
            yield Label("", id="se-title", classes="title")
            yield Static("", id="se-progress")
            yield from spec_fields(entry_specs(), PREFIX)
            yield Static(t("survey.entry.hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.call_service(self._load, done=self._loaded)
        self.query_one("#se-formno", Input).focus()

    def _field(self, name: str) -> Widget:
        return self.query_one(f"#{PREFIX}-{name}")

    def _load(self, session):  # type: ignore[no-untyped-def]
        campaign = campaigns.get_campaign(session, self.campaign_id)
        items = forms.form_items(session, campaign.form_id)
        grid = [GridItem(i.id, i.section_no, forms.section_title(i), forms.item_title(i))  # type: ignore[arg-type]
                for i in items]
        return campaign, grid, rates.progress(session, self.campaign_id)

    def _loaded(self, result) -> None:  # type: ignore[no-untyped-def]
        campaign, grid, figures = result
        self.query_one("#se-title", Label).update(t("survey.entry.title", title=campaign.title))
        self.query_one("#se-ratings", RatingGrid).set_items(grid)
        self._show_progress(figures)
        self.call_after_refresh(self._remember_opened)  # the loaded grid is not a change

    def _show_progress(self, p: rates.Progress) -> None:
        text = Text()
        text.append_text(progress_line(t("survey.progress.distribution"), p.distributed,
                                       p.valid_units, p.target))
        text.append("\n")
        text.append_text(progress_line(t("survey.progress.recovery"), p.responses_distributed,
                                       p.distributed, p.target))
        text.append("   " + t("survey.entry.saved_here", n=self.saved), style="dim")
        self.query_one("#se-progress", Static).update(text)

    # -- flow ----------------------------------------------------------------------------

    @on(UnitField.Changed, "#se-unit")
    def _unit_changed(self, event: UnitField.Changed) -> None:
        self.clear_errors()
        if event.picked is None:
            self.state = None
            self.query_one("#se-unit_state", Static).update("")
            return
        unit_id = event.picked.hit.unit_id
        self.call_service(lambda s: distribution.unit_state(s, campaign_id=self.campaign_id,
                                                            unit_id=unit_id),
                          done=self._unit_loaded)

    def _unit_loaded(self, state: distribution.UnitSurveyState) -> None:
        self.state = state
        line = Text()
        if state.excluded_reason is not None:
            line.append("⚠ " + t("survey.entry.unit_excluded", reason=state.excluded_reason),
                        style="bold yellow")
        elif state.distributed_on is None:
            line.append("⚠ " + t("survey.entry.unit_not_distributed"), style="bold yellow")
        else:
            line.append(t("survey.entry.unit_distributed", date=state.distributed_on.isoformat()),
                        style="green")
        if state.response_id is not None:
            line.append("  ⚠ " + t("survey.entry.unit_has_response"), style="bold red")
        self.query_one("#se-unit_state", Static).update(line)
        name, phone = self.query_one("#se-name", Input), self.query_one("#se-phone", Input)
        if not name.value.strip():
            name.value = state.owner_name
        if not phone.value.strip() and state.owner_phone:
            self.query_one("#se-phone", PhoneInput).prefill(state.owner_phone,
                                                            record_id=state.owner_id)
        self.query_one("#se-ratings", RatingGrid).focus()

    @on(RatingGrid.Completed, "#se-ratings")
    def _grid_done(self) -> None:
        self.query_one("#se-improve", Input).focus()

    def enter_moves_on(self, widget: Widget | None) -> bool:
        """Enter on the grid moves on to the open questions."""
        return isinstance(widget, RatingGrid) or super().enter_moves_on(widget)

    def submitted(self, box: Input) -> None:
        """Enter on the form number opens its unit; on the date it saves."""
        if box.id == "se-formno":
            self._form_number(box.value)
        elif box.id == "se-filled_on":
            self.action_save()
        else:
            self.focus_next()

    def _form_number(self, text: str) -> None:
        """The number printed on the questionnaire opens its unit (Enter on an empty box
        goes on to the unit field)."""
        self.clear_errors()
        unit = self.query_one("#se-unit", UnitField)
        if not text.strip():
            unit.focus()
            return
        if not distribution.is_form_number(text):  # a room, a name, pinyin: the unit picker
            self.query_one("#se-formno", Input).value = ""
            unit.focus()
            unit.action_pick(text.strip())
            return
        campaign_id = self.campaign_id

        def find(session):  # type: ignore[no-untyped-def]
            unit_id = distribution.unit_of_form_number(session, campaign_id=campaign_id, text=text)
            return load_picked(session, unit_id)

        self.call_service(find, done=lambda picked: self.query_one(
            "#se-unit", UnitField).set_picked(picked))

    # -- save ----------------------------------------------------------------------------

    def _values(self) -> dict[str, str]:
        return {name: str(spec_value(self._field(name))) for name in TEXT_FIELDS}

    def action_save(self, replace: bool = False) -> None:
        self.clear_errors()
        unit = self.query_one("#se-unit", UnitField)
        grid = self.query_one("#se-ratings", RatingGrid)
        values = self._values()
        if unit.unit_id is None:
            self.show_field_error("unit", t("survey.response.unit_required"))
            return
        try:
            filled_on = date.fromisoformat(values["filled_on"].strip())
        except ValueError:
            self.show_field_error("filled_on", t("survey.entry.bad_date"))
            return
        by, campaign_id, unit_id, ratings = self.staff, self.campaign_id, unit.unit_id, grid.ratings

        def save(session):  # type: ignore[no-untyped-def]
            response = responses.record_response(
                session, by=by, campaign_id=campaign_id, unit_id=unit_id, ratings=ratings,
                name=values["name"], phone=values["phone"], filled_on=filled_on,
                improve=values["improve"], add_services=values["add_services"],
                other=values["other"], replace=replace)
            return response.id, rates.progress(session, campaign_id)

        self.call_service(save, write=True, done=self._saved, failed=self._failed,
                          request_id=self.request_id)

    def _failed(self, err: DeskError) -> None:
        if isinstance(err, Conflict) and err.key == "survey.response.exists":
            self.app.push_screen(ConfirmDialog(t("confirm.title"), message=str(err) + "\n"
                                               + t("survey.entry.ask_replace")),
                                 lambda yes: self.action_save(replace=True) if yes else None)
            return
        if isinstance(err, ValidationError) and err.field == "ratings":
            grid = self.query_one("#se-ratings", RatingGrid)
            grid.message = str(err)
            grid.refresh()
        self.show_error(err)

    def _saved(self, result) -> None:  # type: ignore[no-untyped-def]
        _, figures = result
        self.saved += 1
        code = self.query_one("#se-unit", UnitField).value
        self.notify(t("survey.entry.saved", unit=code), timeout=3)
        self._show_progress(figures)
        self.action_clear_form()

    def action_clear_form(self) -> None:
        self.clear_errors()
        self.state = None
        unit = self.query_one("#se-unit", UnitField)
        unit.set_picked(None)
        self.query_one("#se-ratings", RatingGrid).clear()
        for name in TEXT_FIELDS:
            if name != "filled_on":  # forms of one batch usually share the date
                self.query_one(f"#se-{name}", Input).value = ""
        self.query_one("#se-unit_state", Static).update("")
        self.query_one("#se-formno", Input).value = ""
        self.query_one("#se-formno", Input).focus()
        self.query_one(VerticalScroll).scroll_home(animate=False)  # the title and rates too
        self.call_after_refresh(self._remember_opened)  # a fresh form: nothing typed

    def discard_form(self) -> None:
        self.dismiss(None)

    def staff_changed(self) -> None:
        """Another person logged in or unlocked the desk: nobody saves a questionnaire
        someone else typed in — the form starts again empty (the forms of a batch share
        their date, which stays)."""
        super().staff_changed()
        if self.dirty:
            self.action_clear_form()
