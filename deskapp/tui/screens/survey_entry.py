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
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Static

from deskapp import clock
from deskapp.errors import Conflict, DeskError, ValidationError
from deskapp.i18n import t
from deskapp.services.survey import campaigns, distribution, forms, rates, responses
from deskapp.tui.base import DeskScreen
from deskapp.tui.widgets.confirm import ConfirmDialog
from deskapp.tui.widgets.form import REVEAL_PHONE, Field, FormMixin, PhoneInput, input_value
from deskapp.tui.widgets.survey_grid import GridItem, RatingGrid, progress_line
from deskapp.tui.widgets.unit_picker import UnitField, load_picked

TEXT_FIELDS = ("improve", "add_services", "other", "name", "phone", "filled_on")


class SurveyEntryScreen(FormMixin, DeskScreen):
    AREA = "survey"
    DEFAULT_CSS = """
    SurveyEntryScreen #se-progress { height: auto; padding: 0 1; }
    SurveyEntryScreen #se-unit-state { height: 1; padding: 0 1 0 15; }
    SurveyEntryScreen Field > .field-error { max-width: 50; }
    SurveyEntryScreen #se-texts Field { margin-bottom: 1; }
    SurveyEntryScreen #se-texts Field > .field-label { padding: 0 1 0 0; }
    SurveyEntryScreen #se-texts Field > .field-error { padding: 0 0 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("key.save"), id="key.save"),
        Binding("ctrl+n", "clear_form", t("survey.key.clear_form"), id="survey.key.clear_form"),
        Binding("escape", "close", t("key.close"), id="key.close"),
        REVEAL_PHONE,
    ]

    def __init__(self, campaign_id: int) -> None:
        super().__init__()
        self.campaign_id = campaign_id
        self.state: distribution.UnitSurveyState | None = None
        self.saved = 0

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with VerticalScroll():
            yield Label("", id="se-title", classes="title")
            yield Static("", id="se-progress")
            yield Field(t("survey.field.form_no"),
                        Input(id="se-formno", compact=True,
                              placeholder=t("survey.field.form_no_hint")), name="formno")
            yield Field(t("survey.field.unit"), UnitField(id="se-unit", allow_none=False),
                        name="unit", required=True)
            yield Static("", id="se-unit-state")
            yield Field(t("survey.field.ratings"), RatingGrid(id="se-grid"), name="ratings",
                        required=True)
            with Vertical(id="se-texts"):
                yield Field(t("survey.question.short.improve"), Input(id="se-improve", compact=True,
                                  placeholder=t("survey.question.improve")),
                            name="improve")
                yield Field(t("survey.question.short.add"), Input(id="se-add_services", compact=True,
                                  placeholder=t("survey.question.add")),
                            name="add_services")
                yield Field(t("survey.question.short.other"), Input(id="se-other", compact=True,
                                  placeholder=t("survey.question.other")),
                            name="other")
                yield Field(t("survey.field.name"), Input(id="se-name", compact=True), name="name",
                            required=True)
                yield Field(t("survey.field.phone"), PhoneInput(id="se-phone", compact=True), name="phone",
                            required=True)
                yield Field(t("survey.field.filled_on"),
                            Input(value=clock.today().isoformat(), id="se-filled_on",
                                  placeholder="YYYY-MM-DD", compact=True), name="filled_on", required=True)
            yield Static(t("survey.entry.hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.call_service(self._load, done=self._loaded)
        self.query_one("#se-formno", Input).focus()

    def _load(self, session):  # type: ignore[no-untyped-def]
        campaign = campaigns.get_campaign(session, self.campaign_id)
        items = forms.form_items(session, campaign.form_id)
        grid = [GridItem(i.id, i.section_no, forms.section_title(i), forms.item_title(i))  # type: ignore[arg-type]
                for i in items]
        return campaign, grid, rates.progress(session, self.campaign_id)

    def _loaded(self, result) -> None:  # type: ignore[no-untyped-def]
        campaign, grid, figures = result
        self.query_one("#se-title", Label).update(t("survey.entry.title", title=campaign.title))
        self.query_one("#se-grid", RatingGrid).set_items(grid)
        self._show_progress(figures)

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
            self.query_one("#se-unit-state", Static).update("")
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
        self.query_one("#se-unit-state", Static).update(line)
        name, phone = self.query_one("#se-name", Input), self.query_one("#se-phone", Input)
        if not name.value.strip():
            name.value = state.owner_name
        if not phone.value.strip() and state.owner_phone:
            self.query_one("#se-phone", PhoneInput).prefill(state.owner_phone,
                                                            record_id=state.owner_id)
        self.query_one("#se-grid", RatingGrid).focus()

    @on(RatingGrid.Completed, "#se-grid")
    def _grid_done(self) -> None:
        self.query_one("#se-improve", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "se-formno":
            self._form_number(event.input.value)
            return
        if event.input.id == "se-filled_on":
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

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        # Enter on the grid moves on to the open questions.
        if event.key == "enter" and isinstance(self.focused, RatingGrid):
            event.stop()
            self._grid_done()

    # -- save ----------------------------------------------------------------------------

    def _values(self) -> dict[str, str]:
        return {name: input_value(self.query_one(f"#se-{name}", Input)) for name in TEXT_FIELDS}

    def action_save(self, replace: bool = False) -> None:
        self.clear_errors()
        unit = self.query_one("#se-unit", UnitField)
        grid = self.query_one("#se-grid", RatingGrid)
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
            grid = self.query_one("#se-grid", RatingGrid)
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
        self.query_one("#se-grid", RatingGrid).clear()
        for name in TEXT_FIELDS:
            if name != "filled_on":  # forms of one batch usually share the date
                self.query_one(f"#se-{name}", Input).value = ""
        self.query_one("#se-unit-state", Static).update("")
        self.query_one("#se-formno", Input).value = ""
        self.query_one("#se-formno", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)
