"""客户满意度调查 (F5) — campaigns, distribution, returned forms, statistics with bar
charts, and the follow-up of opinions. Views switch with 1–5 (or Ctrl+←/→); ``e`` opens
fast entry from anywhere; ``r`` shows the analysis report (PDF/XLSX one key further)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.widgets import ContentSwitcher, Footer, Header, Static, Tab, Tabs

from deskapp import clock
from deskapp.db.models import Role
from deskapp.db.models.survey import (
    CampaignStatus,
    FollowUpScope,
    FollowUpStatus,
    OpinionQuestion,
    ResponseStatus,
    SurveyFollowUp,
    SurveyResponse,
)
from deskapp.errors import ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone, mask_text
from deskapp.services.survey import actions as survey_actions
from deskapp.services.survey import (
    campaigns,
    constants,
    distribution,
    followups,
    forms,
    rates,
    responses,
    stats,
)
from deskapp.services.survey import lists as survey_lists
from deskapp.tui import areas
from deskapp.tui.base import DeskScreen, next_step_hint
from deskapp.tui.screens.survey_entry import SurveyEntryScreen
from deskapp.tui.screens.survey_forms import TextModal
from deskapp.tui.widgets.form import FieldSpec, SpecForm
from deskapp.tui.widgets.printing import print_document
from deskapp.tui.widgets.record_list import RecordList, RecordTable
from deskapp.tui.widgets.reveal import RevealTarget, personal_target, targets, text_target
from deskapp.tui.widgets.survey_grid import progress_line, stats_text

VIEWS = ("campaigns", "units", "responses", "stats", "followups")

# Actions that belong to one view: hidden (and refused) elsewhere.
VIEW_ACTIONS = {
    "new_campaign": "campaigns", "close_campaign": "campaigns", "reopen_campaign": "campaigns",
    "mark_reported": "campaigns",
    "distribute": "units", "distribute_batch": "units", "exclude": "units",
    "exclude_vacant": "units", "include": "units", "cancel_distribution": "units",
}


def _parse_date(text: str, field: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return clock.parse_date(text)
    except ValueError:
        raise ValidationError("survey.entry.bad_date", field=field) from None


def _int(text: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError("survey.form.bad_number", field=field) from None


def _field(name: str, label: str, value: str = "", options: list[tuple[str, str]] | None = None,
           required: bool = False, placeholder: str = "") -> FieldSpec:
    """A survey form row: a text box, or a drop-down of ``(label, value)`` options."""
    if options is not None:
        return FieldSpec(name, label, "select", value, [(v, lab) for lab, v in options],
                         required=required)
    return FieldSpec(name, label, value=value, required=required, placeholder=placeholder)


def _form(title: str, fields: list[FieldSpec], submit: Any, *, hint: str = "") -> SpecForm:
    return SpecForm(title, fields, submit, hint=hint or t("survey.form.hint"), prefix="fm")


class SurveyScreen(DeskScreen):
    AREA = "survey"
    DEFAULT_CSS = """
    SurveyScreen #sv-head { height: auto; padding: 0 1; }
    SurveyScreen #sv-switch { height: 1fr; }
    SurveyScreen #sv-switch > Container { height: 1fr; }
    SurveyScreen #sv-stats-scroll { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("e", "entry", t("survey.key.entry"), id="survey.key.entry"),
        Binding("r", "report", t("survey.key.report"), id="survey.key.report"),
        Binding("p", "print_forms", t("print.key.survey_forms"), id="print.key.survey_forms"),
        Binding("1", "view('campaigns')", t("survey.view.campaigns"), id="survey.view.campaigns",
                show=False),
        Binding("2", "view('units')", t("survey.view.units"), id="survey.view.units", show=False),
        Binding("3", "view('responses')", t("survey.view.responses"), id="survey.view.responses",
                show=False),
        Binding("4", "view('stats')", t("survey.view.stats"), id="survey.view.stats", show=False),
        Binding("5", "view('followups')", t("survey.view.followups"), id="survey.view.followups",
                show=False),
        Binding("ctrl+right", "next_view", t("survey.key.next_view"), id="survey.key.next_view"),
        Binding("ctrl+left", "prev_view", t("survey.key.prev_view"), id="survey.key.prev_view",
                show=False),
        # campaigns
        Binding("n", "new_campaign", t("survey.key.new_campaign"), id="survey.key.new_campaign"),
        Binding("c", "close_campaign", t("survey.key.close"), id="survey.key.close"),
        Binding("o", "reopen_campaign", t("survey.key.reopen"), id="survey.key.reopen"),
        Binding("m", "mark_reported", t("survey.key.reported"), id="survey.key.reported"),
        # distribution
        Binding("d", "distribute", t("survey.key.distribute"), id="survey.key.distribute"),
        Binding("b", "distribute_batch", t("survey.key.batch"), id="survey.key.batch"),
        Binding("x", "exclude", t("survey.key.exclude"), id="survey.key.exclude"),
        Binding("v", "exclude_vacant", t("survey.key.exclude_vacant"),
                id="survey.key.exclude_vacant"),
        Binding("i", "include", t("survey.key.include"), id="survey.key.include"),
        Binding("u", "cancel_distribution", t("survey.key.cancel_distribution"),
                id="survey.key.cancel_distribution"),
    ]

    def __init__(self, campaign_id: int | None = None, view: str = "campaigns") -> None:
        super().__init__()
        self.campaign_id = campaign_id
        self.campaign: Any = None
        self._row_campaign: Any = None  # the campaign list's highlighted row, read
        self.view = view
        self._lists: dict[str, RecordList] = {}
        self._loaded = False
        self._pending: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with Vertical():
            yield Static("", id="sv-head")
            yield Tabs(*[Tab(f"{n} {t('survey.view.' + v)}", id=f"tab-{v}")
                         for n, v in enumerate(VIEWS, start=1)], id="sv-tabs")
            with ContentSwitcher(initial=f"pane-{self.view}", id="sv-switch"):
                for v in VIEWS:
                    if v == "stats":
                        with VerticalScroll(id="pane-stats"):
                            yield Static(t("survey.stats.loading"), id="sv-stats")
                    else:
                        yield Container(id=f"pane-{v}")
        yield Footer()

    def on_mount(self) -> None:
        self._lists["campaigns"] = RecordList(survey_lists.CampaignSource(), self.app.db.read,
                                              id="list-campaigns")
        self.query_one("#pane-campaigns").mount(self._lists["campaigns"])
        self.query_one(Tabs).active = f"tab-{self.view}"
        self._pick_campaign(self.campaign_id)

    # -- campaign --------------------------------------------------------------------------

    def _pick_campaign(self, campaign_id: int | None) -> None:
        def load(session):  # type: ignore[no-untyped-def]
            campaign = (campaigns.get_campaign(session, campaign_id) if campaign_id
                        else campaigns.current_campaign(session))
            if campaign is None:
                return None, None, []
            return (campaign, rates.progress(session, campaign.id),
                    survey_lists.building_choices(session))

        self.call_service(load, done=self._campaign_loaded)

    def _campaign_loaded(self, result) -> None:  # type: ignore[no-untyped-def]
        campaign, figures, buildings = result
        self._loaded = True
        changed = campaign is None or self.campaign is None or campaign.id != self.campaign.id
        self.campaign = campaign
        row = self._lists["campaigns"].current_id if "campaigns" in self._lists else None
        self._row_campaign = None  # its state may have changed: read it again
        if row is not None:
            self._load_row_campaign(row)
        self._show_head(figures)
        if changed:
            self._rebuild_lists(buildings)
        self._lists["campaigns"].refresh_data()
        if self.view == "stats":
            self._load_stats()
        self.refresh_bindings()
        self._focus_view()
        pending, self._pending = self._pending, None
        if pending == "entry":
            self.action_entry()
        elif pending == "report":
            self.action_report()

    def request(self, action: str) -> None:
        """Run ``entry`` / ``report`` now, or once the campaign has loaded."""
        if self._loaded:
            getattr(self, f"action_{action}")()
        else:
            self._pending = action

    def _show_head(self, figures: rates.Progress | None) -> None:
        head = self.query_one("#sv-head", Static)
        c = self.campaign
        if c is None:
            head.update(Text(t("survey.head.none"), style="yellow"))
            return
        text = Text()
        text.append(c.title, style="bold")
        text.append(f"  [{t('survey.status.' + c.status.value)}]  ",
                    style="green" if c.status == CampaignStatus.OPEN else "dim")
        text.append(t("survey.head.dates", distribution=c.distribution_date.isoformat(),
                      deadline=c.collection_deadline.isoformat(),
                      statistics=c.statistics_due.isoformat(), report=c.report_due.isoformat()),
                    style="dim")
        from deskapp.services.workdays import default_calendar

        unknown = sorted({d.year for d in (c.distribution_date, c.collection_deadline,
                                           c.statistics_due)
                          if not default_calendar().is_exact(d.year)})
        if unknown:
            text.append("  ⚠ " + t("survey.head.calendar_unknown",
                                   years="、".join(map(str, unknown))), style="yellow")
        if c.status == CampaignStatus.OPEN and c.collection_deadline < clock.today():
            text.append("  ⚠ " + t("survey.head.deadline_passed"), style="bold red")
        if figures is not None:
            text.append("\n")
            text.append_text(progress_line(t("survey.progress.distribution"), figures.distributed,
                                           figures.valid_units, figures.target))
            text.append("\n")
            text.append_text(progress_line(t("survey.progress.recovery"),
                                           figures.responses_distributed, figures.distributed,
                                           figures.target))
            if figures.undistributed_responses:
                text.append("  ⚠ " + t("survey.head.undistributed",
                                       n=figures.undistributed_responses), style="yellow")
        head.update(text)

    def _rebuild_lists(self, buildings: list[tuple[str, str]]) -> None:
        for v in ("units", "responses", "followups"):
            old = self._lists.pop(v, None)
            if old is not None:
                old.remove()
        if self.campaign is None:
            return
        cid = self.campaign.id
        sources = {
            "units": survey_lists.UnitStateSource(cid, buildings),
            "responses": survey_lists.ResponseSource(cid),
            "followups": survey_lists.FollowUpSource(cid),
        }
        for v, source in sources.items():
            # A fresh id per campaign: the old list's removal completes only after this
            # handler, so reusing its id would clash. Handlers select by class.
            lst = RecordList(source, self.app.db.read, id=f"list-{v}-{cid}",
                             classes=f"list-{v}")
            self._lists[v] = lst
            self.query_one(f"#pane-{v}").mount(lst)

    def reload(self) -> None:
        """After a change: figures and every list."""
        self._pick_campaign(self.campaign.id if self.campaign else None)
        for lst in self._lists.values():
            lst.refresh_data()

    # -- views -----------------------------------------------------------------------------

    def action_view(self, view: str) -> None:
        self.query_one(Tabs).active = f"tab-{view}"

    @on(Tabs.TabActivated, "#sv-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        view = str(event.tab.id).removeprefix("tab-")
        self.view = view
        self.query_one(ContentSwitcher).current = f"pane-{view}"
        if view == "stats":
            self._load_stats()
        self.refresh_bindings()
        self._focus_view()

    def _focus_view(self) -> None:
        lst = self._lists.get(self.view)
        if lst is not None:
            lst.focus_list()
        elif self.view == "stats":
            self.query_one("#pane-stats").focus()

    def action_next_view(self) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

    def action_prev_view(self) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) - 1) % len(VIEWS)])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = VIEW_ACTIONS.get(action)
        if view is not None and view != self.view:
            return False
        if action in survey_actions.ACTIONS:
            campaign = self._acted_on(action)
            if campaign is None and action != "new_campaign":
                # no campaign yet (or the highlighted one still loading): greyed if the
                # role may, hidden if not
                return None if survey_actions.why_not(None, action, self.staff) is None \
                    else False
            return action in survey_actions.allowed_actions(campaign, self.staff)
        if action in ("entry", "report", "print_forms") and self.campaign is None:
            return None  # shown greyed: nothing to enter into yet
        return True

    def why_refused(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """A refused key says why: another view's key names that view's key; a campaign
        key the survey service's rule (the role, the campaign's state); no campaign yet."""
        view = VIEW_ACTIONS.get(action)
        if view is not None and view != self.view:
            return t("common.refused.other_view") + next_step_hint(self, [f"view:{view}"])
        if action in survey_actions.ACTIONS:
            err = survey_actions.why_not(self._acted_on(action), action, self.staff)
            if err is not None:
                return str(err)
        if (action in ("entry", "report", "print_forms") or action in survey_actions.ACTIONS) \
                and self.campaign is None:
            return t("survey.cli.no_campaign")
        return None

    def _acted_on(self, action: str) -> Any:
        """The campaign a key acts on: the highlighted row of the campaign list for the
        campaign keys (close, reopen, report), else the campaign shown."""
        if VIEW_ACTIONS.get(action) != "campaigns" or action == "new_campaign":
            return self.campaign
        row = self._lists["campaigns"].current_id if "campaigns" in self._lists else None
        for campaign in (self._row_campaign, self.campaign):
            if campaign is not None and campaign.id == row:
                return campaign
        return None

    @on(RecordTable.StatusChanged)
    def _campaign_row_moved(self) -> None:
        """A list's cursor moved (or it loaded): when the campaign list's highlighted row
        is another campaign, read its state for the keys."""
        if "campaigns" not in self._lists:
            return
        row = self._lists["campaigns"].current_id
        if row is None or (self._row_campaign is not None and self._row_campaign.id == row):
            return
        self._load_row_campaign(row)

    def _load_row_campaign(self, row: int) -> None:
        def loaded(campaign: Any) -> None:
            self._row_campaign = campaign
            self.refresh_bindings()

        self.call_service(lambda s: campaigns.get_campaign(s, row), done=loaded,
                          group="survey-row", exclusive=True)

    def _load_stats(self) -> None:
        if self.campaign is None:
            self.query_one("#sv-stats", Static).update(t("survey.head.none"))
            return
        cid = self.campaign.id
        self.call_service(lambda s: stats.statistics(s, cid),
                          done=lambda st: self.query_one("#sv-stats", Static).update(
                              stats_text(st)), group="survey-stats", exclusive=True)

    # -- opening records -------------------------------------------------------------------

    @on(RecordList.Opened, "#list-campaigns")
    def _campaign_opened(self, event: RecordList.Opened) -> None:
        self._pick_campaign(event.record_id)
        self.notify(t("survey.campaign.selected"), timeout=2)

    @on(RecordList.Opened, ".list-responses")
    def _response_opened(self, event: RecordList.Opened) -> None:
        open_response(self.app, event.record_id, after=self.reload)

    @on(RecordList.Opened, ".list-followups")
    def _followup_opened(self, event: RecordList.Opened) -> None:
        open_followup(self.app, event.record_id, after=self.reload)

    @on(RecordList.Opened, ".list-units")
    def _unit_opened(self, event: RecordList.Opened) -> None:
        self.action_distribute()

    # -- actions ---------------------------------------------------------------------------

    def _done(self, message_key: str):  # type: ignore[no-untyped-def]
        def after(result: Any) -> None:
            if result is not None:
                self.notify(t(message_key), timeout=3)
                self.reload()
        return after

    def action_entry(self) -> None:
        if self.campaign is None:
            return
        self.app.push_screen(SurveyEntryScreen(self.campaign.id), lambda _: self.reload())

    def action_report(self) -> None:
        if self.campaign is not None:
            show_report(self.app, self.campaign.id)

    def action_print_forms(self) -> None:
        """The campaign's blank questionnaires, one per unit in building and floor order,
        each with the form number that survey entry (E) opens the unit from."""
        if self.campaign is not None:
            print_document(self, "survey-forms", self.campaign.id)

    def action_new_campaign(self) -> None:
        today = clock.today()
        year, half = (today.year, 1) if today.month <= 6 else (today.year, 2)
        by = self.staff

        def submit(v: dict[str, str]):  # type: ignore[no-untyped-def]
            year_value = _int(v["year"], "year")
            on = _parse_date(v["distribution_date"], "distribution_date")
            return lambda s: campaigns.open_campaign(
                s, by=by, year=year_value or 0, half=int(v["half"]), distribution_date=on,
                note=v["note"])

        self.app.push_screen(_form(t("survey.new.title"), [
            _field("year", t("survey.field.year"), str(year), required=True),
            _field("half", t("survey.field.half"), str(half),
                      options=[(t("survey.half.1"), "1"), (t("survey.half.2"), "2")]),
            _field("distribution_date", t("survey.field.distribution_date"),
                      placeholder=t("survey.new.date_hint")),
            _field("note", t("survey.field.note")),
        ], submit, hint=t("survey.new.hint")), self._campaign_created)

    def _campaign_created(self, campaign: Any) -> None:
        if campaign is not None:
            self.notify(t("survey.new.done", title=campaign.title))
            self.campaign = None
            self._pick_campaign(campaign.id)

    def _current_campaign_row(self) -> int | None:
        return self._lists["campaigns"].current_id

    def action_close_campaign(self) -> None:
        cid, by = self._current_campaign_row(), self.staff
        if cid is not None:
            self.call_service(lambda s: campaigns.close_collection(s, by=by, campaign_id=cid),
                              write=True, done=self._done("survey.done.closed"))

    def action_mark_reported(self) -> None:
        cid, by = self._current_campaign_row(), self.staff
        if cid is not None:
            self.call_service(lambda s: campaigns.mark_reported(s, by=by, campaign_id=cid),
                              write=True, done=self._done("survey.done.reported"))

    def action_reopen_campaign(self) -> None:
        cid, by = self._current_campaign_row(), self.staff
        if cid is None:
            return
        self.app.push_screen(_form(t("survey.reopen.title"), [
            _field("reason", t("survey.field.reason"), required=True)],
            lambda v: lambda s: campaigns.reopen_collection(s, by=by, campaign_id=cid,
                                                            reason=v["reason"])),
            self._done("survey.done.reopened"))

    def _unit(self) -> int | None:
        lst = self._lists.get("units")
        return lst.current_id if lst is not None else None

    def action_distribute(self) -> None:
        unit_id, by = self._unit(), self.staff
        if unit_id is None or self.campaign is None:
            return
        cid = self.campaign.id
        self.call_service(lambda s: distribution.distribute(s, by=by, campaign_id=cid,
                                                            unit_ids=[unit_id]),
                          write=True, done=self._distributed)

    def _distributed(self, result: distribution.DistributeResult) -> None:
        self.notify(t("survey.done.distributed", added=result.added, already=result.already,
                      excluded=result.excluded), timeout=4)
        self.reload()
        lst = self._lists.get("units")
        if lst is not None and result.added == 1:
            lst.table.action_cursor_down()  # next unit: "d d d …" down a floor

    def action_distribute_batch(self) -> None:
        if self.campaign is None:
            return
        cid, by = self.campaign.id, self.staff

        def submit(v: dict[str, str]):  # type: ignore[no-untyped-def]
            floor_from, floor_to = _int(v["floor_from"], "floor_from"), _int(v["floor_to"],
                                                                              "floor_to")
            on = _parse_date(v["date"], "date")
            building = v["building"]

            def job(s):  # type: ignore[no-untyped-def]
                ids = distribution.units_of_building(
                    s, building_code=building, entrance=v["entrance"].strip() or None,
                    floor_from=floor_from, floor_to=floor_to)
                return distribution.distribute(s, by=by, campaign_id=cid, unit_ids=ids, on=on)
            return job

        def show(buildings: list[tuple[str, str]]) -> None:
            self.app.push_screen(_form(t("survey.batch.title"), [
                _field("building", t("survey.col.building"),
                          options=[(name, code) for code, name in buildings]),
                _field("entrance", t("survey.field.entrance"),
                          placeholder=t("survey.batch.all")),
                _field("floor_from", t("survey.field.floor_from"),
                          placeholder=t("survey.batch.all")),
                _field("floor_to", t("survey.field.floor_to"),
                          placeholder=t("survey.batch.all")),
                _field("date", t("survey.field.distributed_on"), clock.today().isoformat()),
            ], submit, hint=t("survey.batch.hint")),
                lambda r: self._distributed(r) if r is not None else None)

        self.call_service(survey_lists.building_choices, done=show)

    def action_exclude(self) -> None:
        unit_id, by = self._unit(), self.staff
        if unit_id is None or self.campaign is None:
            return
        cid = self.campaign.id
        self.app.push_screen(_form(t("survey.exclude.title"), [
            _field("reason", t("survey.field.reason"), t("survey.unit.vacant"),
                      required=True)],
            lambda v: lambda s: distribution.exclude_units(s, by=by, campaign_id=cid,
                                                           unit_ids=[unit_id], reason=v["reason"])),
            self._done("survey.done.excluded"))

    def action_exclude_vacant(self) -> None:
        if self.campaign is None:
            return
        cid, by = self.campaign.id, self.staff
        self.call_service(lambda s: distribution.exclude_vacant(s, by=by, campaign_id=cid,
                                                                reason=t("survey.unit.vacant")),
                          write=True,
                          done=lambda n: (self.notify(t("survey.done.excluded_n", n=n)),
                                          self.reload()))

    def action_include(self) -> None:
        unit_id, by = self._unit(), self.staff
        if unit_id is None or self.campaign is None:
            return
        cid = self.campaign.id
        self.call_service(lambda s: distribution.include_unit(s, by=by, campaign_id=cid,
                                                              unit_id=unit_id) or True,
                          write=True, done=self._done("survey.done.included"))

    def action_cancel_distribution(self) -> None:
        unit_id, by = self._unit(), self.staff
        if unit_id is None or self.campaign is None:
            return
        cid = self.campaign.id
        self.app.push_screen(_form(t("survey.cancel.title"), [
            _field("reason", t("survey.field.reason"), required=True)],
            lambda v: lambda s: distribution.cancel_distribution(s, by=by, campaign_id=cid,
                                                                 unit_id=unit_id,
                                                                 reason=v["reason"])),
            self._done("survey.done.cancelled"))


# ------------------------------------------------------------------------------------------
# Records opened from anywhere (lists, handover, palette)
# ------------------------------------------------------------------------------------------


def _staff(app: Any) -> Any:
    return app.staff


def _saved_then(app: Any, after: Any):  # type: ignore[no-untyped-def]
    def done(result: Any) -> None:
        if result is not None:
            app.notify(t("common.saved"), timeout=3)
            if after is not None:
                after()
    return done


def show_report(app: Any, campaign_id: int) -> None:
    from deskapp.services.survey.report import build_report, render_text

    def load(session):  # type: ignore[no-untyped-def]
        return build_report(session, campaign_id)

    def show(report) -> None:  # type: ignore[no-untyped-def]
        app.push_screen(TextModal(t("survey.report.title", title=report.campaign.title),
                                  Text(render_text(report)),
                                  [("p", "pdf", "survey.key.save_pdf"),
                                   ("x", "xlsx", "survey.key.save_xlsx")]),
                        lambda action: _export(app, report, action))

    app.screen.call_service(load, done=show)


def _export(app: Any, report: Any, action: str | None) -> None:
    """The report as PDF through the documents service (saved, audited, printed when the
    desk has a printer), or as Excel into the exports folder — both off the UI thread."""
    if action not in ("pdf", "xlsx"):
        return
    campaign_id = report.campaign.id
    if action == "pdf":
        print_document(app.screen, "survey-report", campaign_id)
        return
    by = app.staff

    def write(session: Any) -> Path:
        from deskapp.services import audit
        from deskapp.services.export import export_dir
        from deskapp.services.survey.report import build_report, to_xlsx

        fresh = build_report(session, campaign_id)
        path = export_dir() / f"survey-{fresh.campaign.year}-{fresh.campaign.half}.xlsx"
        path.write_bytes(to_xlsx(fresh))
        audit.record(session, by=by, action="export", entity="survey_report",
                     entity_id=campaign_id, detail={"file": path.name})
        return path

    app.screen.call_service(write, write=True, done=lambda path: app.notify(
        t("survey.cli.written", path=path.name), timeout=8))


def _response_text(detail: responses.ResponseDetail) -> Text:
    r = detail.response
    text = Text()
    text.append(f"{detail.unit_code}  {r.respondent_name}  ", style="bold")
    text.append(mask_phone(r.respondent_phone) + "  ")
    text.append(t("survey.detail.filled", date=r.filled_on.isoformat(), by=detail.entered_by,
                  at=r.entered_at.strftime("%Y-%m-%d %H:%M")) + "\n", style="dim")
    text.append(t(f"survey.response.status.{r.status.value}"),
                style="green" if r.status == ResponseStatus.VALID else "red")
    if r.void_reason:
        text.append("  " + mask_text(r.void_reason), style="red")
    if not detail.distributed:
        text.append("  " + t("survey.flag.not_distributed"), style="yellow")
    text.append("\n\n")
    section = None
    for item, score in detail.answers:
        if item.section != section:
            section = item.section
            text.append("\n" + forms.section_title(item) + "：", style="bold")
        text.append(f" {forms.item_title(item)} ")
        text.append(f"[{score if score is not None else ' '}]",
                    style="bold green" if score and score >= 4 else
                    ("bold red" if score else "dim"))
    text.append("\n\n")
    for question, value in ((OpinionQuestion.IMPROVE, r.improve),
                            (OpinionQuestion.ADD, r.add_services),
                            (OpinionQuestion.OTHER, r.other)):
        text.append(t(f"survey.question.{question.value}") + "\n", style="bold")
        text.append((mask_text(value) or t("survey.report.none")) + "\n",
                    style="" if value else "dim")
    if detail.followups:
        text.append("\n" + t("survey.detail.followups") + "\n", style="bold")
        for f in detail.followups:
            text.append(f"#{f.id} {t('survey.followup.status.' + f.status.value)} · "
                        f"{f.department} · {mask_text(f.opinion)}\n")
    return text


def _response_targets(detail: responses.ResponseDetail) -> list[RevealTarget]:
    r = detail.response
    table = SurveyResponse.__tablename__
    return targets(
        personal_target(table, r.id, "respondent_phone", r.respondent_phone),
        *[text_target(table, r.id, q.value if q != OpinionQuestion.ADD else "add_services",
                      value, t(f"survey.question.short.{q.value}"))
          for q, value in ((OpinionQuestion.IMPROVE, r.improve),
                           (OpinionQuestion.ADD, r.add_services),
                           (OpinionQuestion.OTHER, r.other))],
        text_target(table, r.id, "void_reason", r.void_reason, t("survey.field.reason")),
        *[text_target(SurveyFollowUp.__tablename__, f.id, "opinion", f.opinion,
                      f"#{f.id} {t('survey.col.opinion')}") for f in detail.followups])


def _followup_targets(item: Any) -> list[RevealTarget]:
    table = SurveyFollowUp.__tablename__
    return targets(*[text_target(table, item.id, col, getattr(item, col), t(key)) for col, key in (
        ("opinion", "survey.col.opinion"), ("answer", "survey.followup.answer"),
        ("reply", "survey.followup.reply"), ("withdraw_reason", "survey.field.reason"))])


@areas.record_opener("survey_response")
def open_response(app: Any, response_id: int, after: Any = None) -> None:
    def show(detail: responses.ResponseDetail) -> None:
        actions = [("f", "followup", "survey.key.followup")]
        if app.staff is not None and app.staff.role == Role.SUPERVISOR:
            actions.append(("v", "void", "survey.key.void"))
        app.push_screen(TextModal(t("survey.detail.title", unit=detail.unit_code,
                                    title=detail.campaign_title),
                                  _response_text(detail), actions,
                                  _response_targets(detail)),
                        lambda action: _response_action(app, detail, action, after))

    app.screen.call_service(lambda s: responses.response_detail(s, response_id), done=show)


def _response_action(app: Any, detail: responses.ResponseDetail, action: str | None,
                     after: Any) -> None:
    by, rid = _staff(app), detail.response.id
    done = _saved_then(app, after)
    if action == "void":
        app.push_screen(_form(t("survey.void.title"), [
            _field("reason", t("survey.field.reason"), required=True)],
            lambda v: lambda s: responses.void_response(s, by=by, response_id=rid,
                                                        reason=v["reason"])), done)
    elif action == "followup":
        r = detail.response
        questions = [(t(f"survey.question.short.{q.value}"), q.value)
                     for q, value in ((OpinionQuestion.IMPROVE, r.improve),
                                      (OpinionQuestion.ADD, r.add_services),
                                      (OpinionQuestion.OTHER, r.other)) if value] \
            or [(t(f"survey.question.short.{q.value}"), q.value) for q in OpinionQuestion]

        def submit(v: dict[str, str]):  # type: ignore[no-untyped-def]
            return lambda s: followups.create_followup(
                s, by=by, response_id=rid, question=v["question"], department=v["department"],
                scope=v["scope"], opinion=v["opinion"] or None)

        app.push_screen(_form(t("survey.followup.new_title", unit=detail.unit_code), [
            _field("question", t("survey.col.question"), options=questions),
            _field("opinion", t("survey.col.opinion"),
                      placeholder=t("survey.followup.opinion_hint")),
            _field("department", t("survey.col.department"),
                      options=[(d, d) for d in constants.DEPARTMENTS]),
            _field("scope", t("survey.col.scope"),
                      options=[(t(f"survey.scope.{s.value}"), s.value) for s in FollowUpScope]),
        ], submit), done)


@areas.record_opener("survey_followup")
def open_followup(app: Any, followup_id: int, after: Any = None) -> None:
    def load(session):  # type: ignore[no-untyped-def]
        item = followups.get_followup(session, followup_id)
        from deskapp.services.units import get_unit

        return item, get_unit(session, item.unit_id).code

    def show(result) -> None:  # type: ignore[no-untyped-def]
        item, code = result
        text = Text()
        text.append(f"{code}  ", style="bold")
        text.append(t(f"survey.followup.status.{item.status.value}") + " · "
                    + t(f"survey.scope.{item.scope.value}") + " · " + item.department + "\n\n")
        text.append(t(f"survey.question.{item.question.value}") + "\n", style="bold")
        text.append(mask_text(item.opinion) + "\n\n")
        text.append(t("survey.followup.answer") + "\n", style="bold")
        text.append((mask_text(item.answer) or t("survey.followup.no_answer")) + "\n\n",
                    style="" if item.answer else "yellow")
        text.append(t("survey.followup.reply") + "\n", style="bold")
        if item.reply:
            text.append(f"[{t('survey.channel.' + item.reply_channel)}] "
                        f"{mask_text(item.reply)}\n")
        else:
            text.append(t("survey.report.none") + "\n", style="dim")
        if item.withdraw_reason:
            text.append("\n" + t("survey.followup.withdrawn",
                                  reason=mask_text(item.withdraw_reason)),
                        style="red")
        actions: list[tuple[str, str, str]] = []
        role = app.staff.role if app.staff is not None else None
        manager = role in (Role.SPECIALIST, Role.SUPERVISOR)
        if item.status == FollowUpStatus.OPEN and manager:
            actions += [("a", "answer", "survey.key.answer"),
                        ("s", "scope", "survey.key.scope")]
        if item.status == FollowUpStatus.ANSWERED:
            actions.append(("p", "reply", "survey.key.reply"))
        if item.status in (FollowUpStatus.OPEN, FollowUpStatus.ANSWERED) and manager:
            actions.append(("w", "withdraw", "survey.key.withdraw"))
        app.push_screen(TextModal(t("survey.followup.title", id=item.id), text, actions,
                                  _followup_targets(item)),
                        lambda action: _followup_action(app, item, action, after))

    app.screen.call_service(load, done=show)


def _followup_action(app: Any, item: Any, action: str | None, after: Any) -> None:
    by, fid = _staff(app), item.id
    done = _saved_then(app, after)
    if action == "answer":
        app.push_screen(_form(t("survey.followup.answer_title"), [
            _field("answer", t("survey.followup.answer"), required=True)],
            lambda v: lambda s: followups.record_answer(s, by=by, followup_id=fid,
                                                        answer=v["answer"]),
            hint=t("survey.followup.answer_hint")), done)
    elif action == "reply":
        app.push_screen(_form(t("survey.followup.reply_title"), [
            _field("reply", t("survey.followup.reply"), required=True),
            _field("channel", t("survey.field.channel"),
                      options=[(t(f"survey.channel.{c}"), c) for c in constants.REPLY_CHANNELS]),
        ], lambda v: lambda s: followups.record_reply(s, by=by, followup_id=fid, reply=v["reply"],
                                                      channel=v["channel"]),
            hint=t("survey.followup.reply_hint")), done)
    elif action == "scope":
        app.push_screen(_form(t("survey.followup.scope_title"), [
            _field("scope", t("survey.col.scope"), item.scope.value,
                      options=[(t(f"survey.scope.{s.value}"), s.value) for s in FollowUpScope]),
            _field("department", t("survey.col.department"), item.department),
        ], lambda v: lambda s: followups.set_scope(s, by=by, followup_id=fid, scope=v["scope"],
                                                   department=v["department"])), done)
    elif action == "withdraw":
        app.push_screen(_form(t("survey.followup.withdraw_title"), [
            _field("reason", t("survey.field.reason"), required=True)],
            lambda v: lambda s: followups.withdraw_followup(s, by=by, followup_id=fid,
                                                            reason=v["reason"])), done)


@areas.record_opener("survey_campaign")
def open_campaign_record(app: Any, campaign_id: int) -> None:
    app.action_area("survey")
    screen = app.screen
    if isinstance(screen, SurveyScreen):
        screen._pick_campaign(campaign_id)


@areas.palette_command("survey.palette.entry")
def _palette_entry(app: Any) -> None:
    app.action_area("survey")
    screen = app.screen
    if isinstance(screen, SurveyScreen):
        screen.request("entry")


@areas.palette_command("survey.palette.report")
def _palette_report(app: Any) -> None:
    app.action_area("survey")
    screen = app.screen
    if isinstance(screen, SurveyScreen):
        screen.request("report")
