"""投诉处理 (F3): the complaint list, one complaint with its timeline and the next step one
key away, return visits and opinions, and the month's analysis with export.

Keys (also in the footer): ``n`` register a complaint, Enter opens the highlighted one,
``o`` overdue only, ``y`` mine only, ``w`` record a visit, Ctrl+→/← switch tabs; on the
analysis tab ``[``/``]`` change the month and ``x`` exports it to Excel. In a complaint:
``c`` classify, ``i`` investigate, ``p`` responsible party, ``s`` solution, ``r`` reply,
``v`` return visit, ``a`` archive, ``t`` take over, ``g`` reassign, ``e`` escalate,
``b`` follow-up note, ``m`` correct the registration, ``k`` reveal the full phone (or a
number typed into the text; on a visit record it is ``v``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import (
    Footer,
    Header,
    Label,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from deskapp import clock
from deskapp.config import data_dir
from deskapp.db.models.complaints import (
    Complaint,
    EscalationTarget,
    OpinionHandling,
    ServiceVisit,
    VisitKind,
    VisitOpinion,
)
from deskapp.i18n import t
from deskapp.masking import mask_phone, mask_text
from deskapp.services.complaints import deadlines, intake, labels, queries, report, workflow
from deskapp.services.complaints import figures as complaints_figures
from deskapp.services.complaints import overdue as complaints_overdue
from deskapp.services.complaints import visits as vs
from deskapp.services.reception.common import channel_label
from deskapp.tui import areas
from deskapp.tui.base import DeskModal, DeskScreen, app_call, next_step_hint
from deskapp.tui.screens.complaints_forms import (
    ComplaintForm,
    FormChoices,
    StepField,
    StepForm,
    VisitForm,
    form_choices,
    method_options,
    score_options,
)
from deskapp.tui.widgets.printing import print_document
from deskapp.tui.widgets.record_list import RecordList, fit_cell
from deskapp.tui.widgets.reveal import (
    RevealMixin,
    RevealTarget,
    personal_target,
    targets,
    text_target,
)

log = logging.getLogger("deskapp")


def _settings(app: Any) -> dict[str, object]:
    return dict(app.settings.extra)


def _refresh(app: Any) -> None:
    screen = app.screen
    if isinstance(screen, ComplaintsScreen):
        screen.reload()


def open_register_form(app: Any, *, contact_id: int | None = None) -> None:
    """The register form, prefilled from a reception contact when ``contact_id`` is given;
    on save the complaint is created (and the contact linked) in one transaction."""
    settings = _settings(app)

    def load(s: Any) -> tuple[FormChoices, intake.ComplaintCreate | None]:
        prefill = intake.intake_from_contact(s, contact_id) if contact_id is not None else None
        return form_choices(s, settings), prefill

    def show(result: tuple[FormChoices, intake.ComplaintCreate | None]) -> None:
        choices, prefill = result
        app.push_screen(ComplaintForm(choices, prefill=prefill, contact_id=contact_id),
                        lambda c: _registered(app, c))

    app_call(app, load, done=show)


def _registered(app: Any, complaint: Complaint | None) -> None:
    if complaint is None:
        return
    app.notify(t("complaints.saved.registered", number=complaint.number))
    _refresh(app)


@areas.palette_command("complaints.palette.new")
def palette_new_complaint(app: Any) -> None:
    open_register_form(app)


@areas.palette_command("complaints.palette.new_visit")
def palette_new_visit(app: Any) -> None:
    settings = _settings(app)
    app_call(app, lambda s: form_choices(s, settings).departments,
             done=lambda depts: app.push_screen(VisitForm(depts),
                                                lambda v: _visit_saved(app, v)))


def _visit_saved(app: Any, visit: ServiceVisit | None) -> None:
    if visit is not None:
        app.notify(t("complaints.saved.visit"))
        _refresh(app)


@areas.record_opener("complaint")
def open_complaint(app: Any, complaint_id: int) -> None:
    app.push_screen(ComplaintDetail(complaint_id), lambda changed: changed and _refresh(app))


@areas.record_opener("complaint_intake")
def open_intake(app: Any, contact_id: int) -> None:
    open_register_form(app, contact_id=contact_id)


@areas.record_opener("service_visit")
def open_visit(app: Any, visit_id: int) -> None:
    app.push_screen(VisitDetail(visit_id), lambda changed: changed and _refresh(app))


# --------------------------------------------------------------------------------------
# One complaint: details, timeline, the next step
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Loaded:
    complaint: Complaint
    timeline: list[queries.TimelineEntry]
    names: dict[int, str]
    category: str
    choices: FormChoices


#: action → the step (cs.next_step) it performs; None: any open complaint
_STEP_ACTIONS = {
    "classify": "classify", "investigate": "investigate", "responsible": "responsible",
    "solution": "solution", "reply": "reply", "visit": "visit", "archive": "archive",
}


#: free-text columns of a complaint shown (or noted in the timeline) → their label key
_COMPLAINT_TEXT = (
    ("place", "complaints.field.place"), ("target_person", "complaints.field.target_person"),
    ("content", "complaints.field.content"), ("request", "complaints.field.request"),
    ("responsible_person", "complaints.field.person"),
)


class ComplaintDetail(RevealMixin, DeskModal[bool]):
    DEFAULT_CSS = """
    ComplaintDetail { align: center middle; }
    ComplaintDetail > Vertical { width: 130; height: 92%; border: thick $primary;
                                 background: $surface; padding: 0 1; }
    ComplaintDetail #cd-head { height: auto; padding: 0 0 1 0; }
    ComplaintDetail #cd-body { height: 1fr; }
    ComplaintDetail #cd-next { height: auto; color: $warning; text-style: bold; }
    """
    BINDINGS = [
        Binding("escape", "close", t("key.close"), id="key.close"),
        Binding("c", "classify", t("complaints.key.classify"), id="complaints.key.classify"),
        Binding("i", "investigate", t("complaints.key.investigate"),
                id="complaints.key.investigate"),
        Binding("p", "responsible", t("complaints.key.responsible"),
                id="complaints.key.responsible"),
        Binding("s", "solution", t("complaints.key.solution"), id="complaints.key.solution"),
        Binding("r", "reply", t("complaints.key.reply"), id="complaints.key.reply"),
        Binding("v", "visit", t("complaints.key.visit"), id="complaints.key.visit"),
        Binding("a", "archive", t("complaints.key.archive"), id="complaints.key.archive"),
        Binding("t", "take_over", t("complaints.key.take_over"), id="complaints.key.take_over"),
        Binding("g", "reassign", t("complaints.key.reassign"), id="complaints.key.reassign"),
        Binding("e", "escalate", t("complaints.key.escalate"), id="complaints.key.escalate"),
        Binding("b", "note", t("complaints.key.note"), id="complaints.key.note"),
        Binding("m", "amend", t("complaints.key.amend"), id="complaints.key.amend"),
        Binding("f", "print_form", t("print.key.form"), id="print.key.form"),
    ]

    def action_print_form(self) -> None:
        """客户投诉受理登记表 with the whole timeline (the documents service)."""
        print_document(self, "complaint", self.complaint_id)

    def __init__(self, complaint_id: int) -> None:
        super().__init__()
        self.complaint_id = complaint_id
        self.loaded: _Loaded | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("list.loading"), id="cd-head")
            yield Static("", id="cd-next")
            with VerticalScroll(id="cd-body"):
                yield Static("", id="cd-timeline")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        cid = self.complaint_id
        settings = _settings(self.app)

        def load(s: Any) -> _Loaded:
            from deskapp.services.reception.common import staff_names

            c = queries.get_complaint(s, cid)
            names = staff_names(s)
            cats = {k.code: k.name for k in deadlines.categories(s, active_only=False)}
            return _Loaded(c, queries.timeline(s, cid), names, labels.category_label(c.category_code,
                                                                             cats),
                           form_choices(s, settings))

        self.call_service(load, done=self._show)

    def _show(self, loaded: _Loaded) -> None:
        self.loaded = loaded
        c = loaded.complaint
        now = clock.now()
        head = Text()
        head.append(f"{c.number}  ", style="bold")
        head.append(labels.state_label(c.state), style="bold cyan")
        if complaints_overdue.is_overdue(c, now):
            head.append(f"  {t('complaints.flag.overdue')}", style="bold red")
        if c.major:
            head.append(f"  {t('complaints.flag.major')}", style="bold magenta")
        if c.escalated_to is not None:
            head.append(f"  {t('complaints.detail.escalated', to=labels.escalation_label(c.escalated_to))}",
                        style="yellow")
        head.append("\n")
        rows = [
            ("complaints.field.received_at", c.received_at.strftime("%Y-%m-%d %H:%M")),
            ("complaints.field.channel", channel_label(c.channel)),
            ("complaints.field.category", loaded.category),
            ("complaints.field.unit", " ".join(x for x in (c.unit_code, c.floor and
                                                            t("complaints.detail.floor",
                                                              floor=c.floor)) if x)),
            ("complaints.field.complainant_name", c.complainant_name),
            ("complaints.field.complainant_phone",
             mask_phone(c.complainant_phone) if c.complainant_phone else ""),
            ("complaints.field.place", mask_text(c.place)),
            ("complaints.field.target_person", mask_text(c.target_person)),
            ("complaints.field.target_department",
             labels.department_label(c.target_department) if c.target_department else ""),
            ("complaints.field.content", mask_text(c.content)),
            ("complaints.field.request", mask_text(c.request)),
            ("complaints.detail.received_by", loaded.names.get(c.received_by_id, "")),
            ("complaints.field.owner", loaded.names.get(c.owner_id, "")),
            ("complaints.detail.due", t("complaints.detail.due_text",
                                        first=c.first_response_due.strftime("%m-%d %H:%M"),
                                        close=c.close_due.strftime("%m-%d %H:%M"))),
        ]
        if c.responsible_department:
            rows.append(("complaints.field.department",
                         labels.department_label(c.responsible_department)
                         + (f" / {mask_text(c.responsible_person)}"
                            if c.responsible_person else "")))
        for key, value in rows:
            if value:
                head.append(f"{t(key)}：", style="dim")
                head.append(f"{value}\n")
        five = [t("complaints.five.heard"), t("complaints.five.asked"),
                t("complaints.five.recorded")]
        if c.responsible_department:
            five.append(t("complaints.five.followed"))
        if c.visited_at is not None:
            five.append(t("complaints.five.closed"))
        head.append(f"{t('complaints.field.five_clears')}：", style="dim")
        head.append("✓ " + " ✓ ".join(five))
        self.query_one("#cd-head", Static).update(head)
        step = queries.next_step(c)
        self.query_one("#cd-next", Static).update(
            "" if step == "none" else t("complaints.detail.next", step=queries.next_step_label(c)))
        line = Text()
        line.append(t("complaints.detail.timeline") + "\n", style="bold underline")
        for e in loaded.timeline:
            line.append(f"{e.at:%Y-%m-%d %H:%M}  ", style="dim")
            line.append(fit_cell(e.who, 8) + " ", style="cyan")
            line.append(mask_text(e.text), style="bold")
            if e.note:
                line.append(f"  {mask_text(e.note)}")
            line.append("\n")
        self.query_one("#cd-timeline", Static).update(line)
        self.refresh_bindings()

    # -- which keys apply now ------------------------------------------------------------

    def reveal_targets(self) -> list[RevealTarget]:
        if self.loaded is None:
            return []
        c = self.loaded.complaint
        table = Complaint.__tablename__
        # the step texts (investigation, solution, reply …) are the timeline's notes
        steps = (("investigation", "complaints.field.findings"),
                 ("solution", "complaints.field.solution"), ("reply", "complaints.field.reply"),
                 ("summary", "complaints.field.summary"),
                 ("invalid_reason", "complaints.field.reason"))
        return targets(
            personal_target(table, c.id, "complainant_phone", c.complainant_phone,
                            t("complaints.field.complainant_phone")),
            *[text_target(table, c.id, col, getattr(c, col), t(key))
              for col, key in (*_COMPLAINT_TEXT, *steps)])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return self.reveal_allowed()
        if action in ("close",) or self.loaded is None:
            return True if action == "close" else None
        if action in workflow.ACTIONS:
            return action in workflow.allowed_actions(self.loaded.complaint, self.app.staff)
        return True

    def why_refused(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """A refused key says why (the service's own rule) and which key comes next."""
        if self.loaded is None or self.app.staff is None or action not in (
                *_STEP_ACTIONS, "take_over", "reassign", "escalate", "note", "amend"):
            return None
        c = self.loaded.complaint
        err = workflow.why_not(c, action, by=self.app.staff,
                               owner_name=self.loaded.names.get(c.owner_id or 0, ""))
        message = str(err) if err is not None else t("common.refused.now")
        step = queries.next_step(c)
        return message + next_step_hint(self, [a for a in (step, "take_over") if a != action])

    # -- actions -------------------------------------------------------------------------

    def _step(self, title_key: str, fields: list[StepField],
              submit: Callable[[Any, dict[str, str]], Any], **confirm: Any) -> None:
        if self.loaded is None:
            return
        title = t(title_key, number=self.loaded.complaint.number)

        def after(result: Any) -> None:
            if result:
                self.changed = True
                self.notify(t("common.saved"))
                self.reload()

        self.app.push_screen(StepForm(title, fields, submit, **confirm), after)

    def _by(self) -> Any:
        return self.app.staff

    def action_classify(self) -> None:
        assert self.loaded is not None
        by, cid, settings = self._by(), self.complaint_id, _settings(self.app)
        c = self.loaded.complaint
        self._step("complaints.step.classify", [
            StepField("valid", "complaints.field.valid", "select",
                      [("valid", t("complaints.form.valid")),
                       ("invalid", t("complaints.form.invalid"))], "valid", True),
            StepField("category", "complaints.field.category", "select",
                      self.loaded.choices.categories, c.category_code, True),
            StepField("reason", "complaints.field.reason"),
            StepField("note", "complaints.field.note"),
        ], lambda s, v: workflow.classify(s, by=by, complaint_id=cid, valid=v["valid"] == "valid",
                                          category_code=v["category"] or None, reason=v["reason"],
                                          note=v["note"], settings=settings))

    def action_investigate(self) -> None:
        by, cid = self._by(), self.complaint_id
        self._step("complaints.step.investigate",
                   [StepField("findings", "complaints.field.findings", "text", required=True)],
                   lambda s, v: workflow.investigate(s, by=by, complaint_id=cid,
                                                     findings=v["findings"]))

    def action_responsible(self) -> None:
        assert self.loaded is not None
        by, cid = self._by(), self.complaint_id
        c = self.loaded.complaint
        self._step("complaints.step.responsible", [
            StepField("department", "complaints.field.department", "select",
                      self.loaded.choices.departments,
                      c.responsible_department or c.target_department, True),
            StepField("person", "complaints.field.person", value=c.responsible_person),
            StepField("note", "complaints.field.note"),
        ], lambda s, v: workflow.fix_responsible(s, by=by, complaint_id=cid,
                                                 department=v["department"], person=v["person"],
                                                 note=v["note"]))

    def action_solution(self) -> None:
        by, cid = self._by(), self.complaint_id
        self._step("complaints.step.solution",
                   [StepField("solution", "complaints.field.solution", "text", required=True)],
                   lambda s, v: workflow.record_solution(s, by=by, complaint_id=cid,
                                                         solution=v["solution"]))

    def action_reply(self) -> None:
        assert self.loaded is not None
        by, cid = self._by(), self.complaint_id
        c = self.loaded.complaint
        value = c.solution if c.valid else c.invalid_reason
        self._step("complaints.step.reply", [
            StepField("method", "complaints.field.method", "select", method_options(),
                      "phone", True),
            StepField("reply", "complaints.field.reply", "text", value=value, required=True),
        ], lambda s, v: workflow.reply(s, by=by, complaint_id=cid, method=v["method"],
                                       text=v["reply"]))

    def action_visit(self) -> None:
        by, cid = self._by(), self.complaint_id
        self._step("complaints.step.visit", [
            StepField("satisfied", "complaints.field.satisfied", "select",
                      [("yes", t("complaints.visit.satisfied")),
                       ("no", t("complaints.visit.unsatisfied"))], "yes", True),
            StepField("score", "complaints.field.score", "select", score_options(), "",
                      True),
            StepField("method", "complaints.field.method", "select", method_options(),
                      "phone", True),
            StepField("note", "complaints.field.note"),
        ], lambda s, v: workflow.record_return_visit(
            s, by=by, complaint_id=cid, satisfied=v["satisfied"] == "yes",
            score=int(v["score"]) if v["score"] else 0, method=v["method"], note=v["note"]))

    def action_archive(self) -> None:
        by, cid = self._by(), self.complaint_id
        self._step("complaints.step.archive",
                   [StepField("summary", "complaints.field.summary", "text")],
                   lambda s, v: workflow.archive(s, by=by, complaint_id=cid, summary=v["summary"]),
                   confirm=lambda s, v: workflow.archive_preview(s, by=by, complaint_id=cid,
                                                                 summary=v["summary"]),
                   confirm_label_key="complaints.confirm.archive_key")

    def action_take_over(self) -> None:
        by, cid = self._by(), self.complaint_id
        self._step("complaints.step.take_over", [StepField("note", "complaints.field.note")],
                   lambda s, v: workflow.take_over(s, by=by, complaint_id=cid, note=v["note"]))

    def action_reassign(self) -> None:
        assert self.loaded is not None
        by, cid = self._by(), self.complaint_id
        self._step("complaints.step.reassign", [
            StepField("owner", "complaints.field.owner", "select",
                      self.loaded.choices.handlers, required=True),
            StepField("note", "complaints.field.note"),
        ], lambda s, v: workflow.reassign(s, by=by, complaint_id=cid,
                                          owner_id=int(v["owner"] or 0), note=v["note"]))

    def action_escalate(self) -> None:
        by, cid = self._by(), self.complaint_id
        self._step("complaints.step.escalate", [
            StepField("escalate_to", "complaints.field.escalate_to", "select",
                      [(e.value, labels.escalation_label(e)) for e in EscalationTarget],
                      EscalationTarget.SUPERVISOR.value, True),
            StepField("reason", "complaints.field.reason", "text", required=True),
        ], lambda s, v: workflow.escalate(s, by=by, complaint_id=cid, to=v["escalate_to"],
                                          reason=v["reason"]))

    def action_note(self) -> None:
        by, cid = self._by(), self.complaint_id
        self._step("complaints.step.note",
                   [StepField("note", "complaints.field.note", "text", required=True)],
                   lambda s, v: workflow.add_note(s, by=by, complaint_id=cid, note=v["note"]))

    def action_amend(self) -> None:
        assert self.loaded is not None
        by, cid = self._by(), self.complaint_id
        c = self.loaded.complaint
        keys = ("complainant_name", "complainant_phone", "place", "floor", "target_person",
                "content", "request")
        fields = [StepField(k, f"complaints.field.{k}",
                            "text" if k == "content" else "input", value=getattr(c, k))
                  for k in keys]
        fields.append(StepField("reason", "complaints.field.reason", required=True))
        original = {k: getattr(c, k) for k in keys}

        def submit(s: Any, v: dict[str, str]) -> Any:
            changes = {k: v[k] for k in keys if v[k].strip() != (original[k] or "").strip()}
            return workflow.amend(s, by=by, complaint_id=cid, changes=changes, reason=v["reason"])

        self._step("complaints.step.amend", fields, submit)

    def action_close(self) -> None:
        self.dismiss(self.changed)


# --------------------------------------------------------------------------------------
# One visit and its opinions
# --------------------------------------------------------------------------------------


class VisitDetail(RevealMixin, DeskModal[bool]):
    DEFAULT_CSS = """
    VisitDetail { align: center middle; }
    VisitDetail > Vertical { width: 120; height: 80%; border: thick $primary;
                             background: $surface; padding: 0 1; }
    VisitDetail #vd-head { height: auto; }
    VisitDetail OptionList { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "close", t("key.close"), id="key.close"),
        Binding("c", "to_complaint", t("complaints.key.to_complaint"),
                id="complaints.key.to_complaint"),
        Binding("f", "rectified", t("complaints.key.rectified"), id="complaints.key.rectified"),
        Binding("o", "open_complaint", t("complaints.key.open_complaint"),
                id="complaints.key.open_complaint"),
    ]

    def __init__(self, visit_id: int) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.visit: ServiceVisit | None = None
        self.opinions: list[VisitOpinion] = []
        self.choices: FormChoices | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("list.loading"), id="vd-head")
            yield OptionList(id="vd-opinions")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        vid, settings = self.visit_id, _settings(self.app)

        def load(s: Any) -> tuple[ServiceVisit, list[VisitOpinion], FormChoices, dict]:
            from deskapp.errors import NotFound
            from deskapp.services.reception.common import staff_names

            v = s.get(ServiceVisit, vid)
            if v is None:
                raise NotFound("complaints.opinion.not_found")
            return v, vs.opinions_of(s, vid), form_choices(s, settings), staff_names(s)

        self.call_service(load, done=self._show)

    def _show(self, result: tuple[ServiceVisit, list[VisitOpinion], FormChoices, dict]) -> None:
        v, self.opinions, self.choices, names = result
        self.visit = v
        head = Text()
        head.append(f"{t('complaints.visit.kind.' + v.kind.value)}  ", style="bold")
        head.append(f"{v.visited_at:%Y-%m-%d %H:%M}  {names.get(v.visited_by_id, '')}\n")
        head.append(f"{v.unit_code} {mask_text(v.person_name)} "
                    f"{mask_phone(v.phone) if v.phone else ''}\n")
        ratings = [f"{vs.topic_label(tp)} {getattr(v, tp.value)}" for tp in vs.TOPICS
                   if getattr(v, tp.value)]
        if v.kind == VisitKind.COMPLAINT and v.score:
            ratings.append(f"{t('complaints.field.score')} {v.score}")
        if ratings:
            head.append("  ".join(ratings) + "\n")
        if v.note:
            head.append(mask_text(v.note) + "\n", style="dim")
        self.query_one("#vd-head", Static).update(head)
        options = self.query_one("#vd-opinions", OptionList)
        options.clear_options()
        for o in self.opinions:
            text = Text()
            text.append(f"[{vs.topic_label(o.topic)}] ", style="bold")
            text.append(mask_text(o.text))
            text.append(f"  → {t('complaints.opinion.handling.' + o.handling.value)}",
                        style="cyan")
            if o.handling == OpinionHandling.ANSWERED:
                text.append(f"：{mask_text(o.answer)}", style="dim")
            elif o.handling == OpinionHandling.DEPARTMENT:
                text.append(f"：{labels.department_label(o.department)}", style="dim")
                text.append(f"  {t('complaints.visit.result', result=mask_text(o.result))}"
                            if o.result_at
                            else f"  {t('complaints.visit.waiting')}",
                            style="green" if o.result_at else "yellow")
            elif o.complaint_id is None:
                text.append(f"  {t('complaints.visit.not_yet_complaint')}", style="yellow")
            options.add_option(Option(text, id=str(o.id)))
        if self.opinions:
            options.highlighted = 0
        options.focus()
        self.refresh_bindings()

    def _current(self) -> VisitOpinion | None:
        options = self.query_one("#vd-opinions", OptionList)
        if options.highlighted is None or not self.opinions:
            return None
        return self.opinions[options.highlighted]

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    def reveal_targets(self) -> list[RevealTarget]:
        v = self.visit
        if v is None:
            return []
        table, opinion = ServiceVisit.__tablename__, VisitOpinion.__tablename__
        found = [personal_target(table, v.id, "phone", v.phone, t("ops.field.phone")),
                 text_target(table, v.id, "note", v.note, t("complaints.field.note"))]
        for n, o in enumerate(self.opinions, 1):
            for col in ("text", "answer", "result"):
                found.append(text_target(opinion, o.id, col, getattr(o, col),
                                         f"{n}. {vs.topic_label(o.topic)}"))
        return targets(*found)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return self.reveal_allowed()
        o = self._current() if self.is_mounted and self.opinions else None
        if action == "to_complaint":
            return o is not None and o.handling == OpinionHandling.COMPLAINT \
                and o.complaint_id is None
        if action == "rectified":
            return o is not None and o.handling == OpinionHandling.DEPARTMENT \
                and o.result_at is None
        if action == "open_complaint":
            return o is not None and o.complaint_id is not None
        return True

    def _after(self, result: Any) -> None:
        if result:
            self.changed = True
            self.notify(t("common.saved"))
            self.reload()

    def action_to_complaint(self) -> None:
        o = self._current()
        if o is None or self.choices is None:
            return
        by, oid, settings = self.app.staff, o.id, _settings(self.app)
        me = str(by.id) if by and any(v == str(by.id) for v, _ in self.choices.handlers) else ""
        self.app.push_screen(StepForm(t("complaints.step.to_complaint"), [
            StepField("category", "complaints.field.category", "select",
                      self.choices.categories, required=True),
            StepField("owner", "complaints.field.owner", "select", self.choices.handlers,
                      me, True),
        ], lambda s, v: vs.opinion_to_complaint(s, by=by, opinion_id=oid,
                                                category_code=v["category"],
                                                owner_id=int(v["owner"]) if v["owner"] else None,
                                                settings=settings)), self._after)

    def action_rectified(self) -> None:
        o = self._current()
        if o is None:
            return
        by, oid = self.app.staff, o.id
        self.app.push_screen(StepForm(t("complaints.step.rectified"), [
            StepField("result", "complaints.field.result", "text", required=True),
        ], lambda s, v: vs.record_rectification(s, by=by, opinion_id=oid, result=v["result"])),
            self._after)

    def action_open_complaint(self) -> None:
        o = self._current()
        if o is not None and o.complaint_id is not None:
            open_complaint(self.app, o.complaint_id)

    def action_close(self) -> None:
        self.dismiss(self.changed)


# --------------------------------------------------------------------------------------
# The month's analysis
# --------------------------------------------------------------------------------------


def analysis_table(f: complaints_figures.ComplaintMonthFigures) -> Table:
    """The analysis as the report writers lay it out (the one table model)."""
    from deskapp.reporting.text import rich_table

    model = report.table(f)
    table = rich_table(model.tables[0])
    table.title = model.title
    table.header_style = "bold"
    return table


class AnalysisView(VerticalScroll):
    DEFAULT_CSS = """
    AnalysisView { height: 1fr; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(t("list.loading"), id="an-table")
        yield Static(t("complaints.analysis.hint"), id="an-hint", classes="hint")

    def show(self, figures: complaints_figures.ComplaintMonthFigures) -> None:
        self.query_one("#an-table", Static).update(analysis_table(figures))


# --------------------------------------------------------------------------------------
# The screen
# --------------------------------------------------------------------------------------

TABS = ("list", "visits", "analysis")


class ComplaintsScreen(DeskScreen):
    AREA = "complaints"
    DEFAULT_CSS = """
    ComplaintsScreen TabbedContent { height: 1fr; }
    ComplaintsScreen TabPane { padding: 0; }
    ComplaintsScreen #cp-banner { height: auto; padding: 0 1; color: $warning; }
    ComplaintsScreen .hint { color: $text-muted; padding: 1 0; }
    """
    BINDINGS = [
        Binding("n", "new", t("complaints.key.new"), id="complaints.key.new"),
        Binding("w", "new_visit", t("complaints.key.new_visit"), id="complaints.key.new_visit"),
        Binding("o", "overdue", t("complaints.key.overdue"), id="complaints.key.overdue"),
        Binding("y", "mine", t("complaints.key.mine"), id="complaints.key.mine"),
        Binding("ctrl+right", "next_tab", t("complaints.key.next_tab"),
                id="complaints.key.next_tab"),
        Binding("ctrl+left", "prev_tab", t("complaints.key.prev_tab"),
                id="complaints.key.prev_tab", show=False),
        Binding("left_square_bracket", "month(-1)", t("complaints.key.prev_month"),
                id="complaints.key.prev_month"),
        Binding("right_square_bracket", "month(1)", t("complaints.key.next_month"),
                id="complaints.key.next_month"),
        Binding("x", "export", t("complaints.key.export"), id="complaints.key.export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        today = clock.today()
        self.year, self.month = today.year, today.month
        self.list: RecordList | None = None
        self.visits: RecordList | None = None
        self.figures: complaints_figures.ComplaintMonthFigures | None = None
        self._mine = False
        self._overdue = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield Static("", id="cp-banner")
        with TabbedContent(id="cp-tabs"):
            with TabPane(t("complaints.tab.list"), id="tab-list"):
                yield Label(t("list.loading"), id="cp-list-wait")
            with TabPane(t("complaints.tab.visits"), id="tab-visits"):
                yield Label(t("list.loading"), id="cp-visits-wait")
            with TabPane(t("complaints.tab.analysis"), id="tab-analysis"):
                yield AnalysisView(id="cp-analysis")
        yield Footer()

    def on_mount(self) -> None:
        settings = _settings(self.app)

        def load(s: Any) -> tuple[queries.ComplaintSource, vs.VisitSource, tuple[int, int]]:
            complaints_overdue.escalate_overdue(s)  # anything that became overdue reaches the supervisor
            from deskapp.services.reception.common import staff_names

            overdue = complaints_overdue.attention_counts(s)
            return (queries.list_source(s, settings=settings),
                    vs.VisitSource(staff_names=staff_names(s)), overdue)

        self.call_service(load, write=True, done=self._mount_lists)

    def _mount_lists(self, result: tuple[queries.ComplaintSource, vs.VisitSource,
                                         tuple[int, int]]) -> None:
        source, visit_source, overdue = result
        self.list = RecordList(source, self.app.db.read, filters={"state": "open"},
                               id="cp-list")
        self.visits = RecordList(visit_source, self.app.db.read, id="cp-visits")
        self.query_one("#cp-list-wait").remove()
        self.query_one("#cp-visits-wait").remove()
        self.query_one("#tab-list", TabPane).mount(self.list)
        self.query_one("#tab-visits", TabPane).mount(self.visits)
        self._banner(overdue)
        self.list.focus()

    def _banner(self, counts: tuple[int, int]) -> None:
        overdue, escalated = counts
        parts = []
        if overdue:
            parts.append(t("complaints.banner.overdue", n=overdue))
        if escalated:
            parts.append(t("complaints.banner.escalated", n=escalated))
        self.query_one("#cp-banner", Static).update("  ·  ".join(parts))

    def reload(self) -> None:
        for lst in (self.list, self.visits):
            if lst is not None:
                lst.refresh_data()
        self.call_service(complaints_overdue.attention_counts, done=self._banner)
        if self._tab() == "analysis":
            self._load_analysis()

    def _tab(self) -> str:
        active = self.query_one("#cp-tabs", TabbedContent).active or "tab-list"
        return active.removeprefix("tab-")

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        if self._tab() == "analysis":
            self._load_analysis()
        elif self._tab() == "visits" and self.visits is not None:
            self.visits.focus()
        elif self.list is not None:
            self.list.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("month", "export"):
            return self.is_mounted and self._tab() == "analysis"
        if action in ("overdue", "mine"):
            return self.is_mounted and self._tab() == "list"
        return True

    @on(RecordList.Opened, "#cp-list")
    def _open(self, event: RecordList.Opened) -> None:
        open_complaint(self.app, event.record_id)

    @on(RecordList.Opened, "#cp-visits")
    def _open_visit(self, event: RecordList.Opened) -> None:
        open_visit(self.app, event.record_id)

    def action_new(self) -> None:
        open_register_form(self.app)

    def action_new_visit(self) -> None:
        palette_new_visit(self.app)

    def action_overdue(self) -> None:
        if self.list is None:
            return
        self._overdue = not self._overdue
        self.list.set_filter("flag", "overdue" if self._overdue else None)
        if self._overdue:
            self.list.set_filter("state", None)

    def staff_changed(self) -> None:
        """Another person unlocked the desk: "mine" now means theirs."""
        if self._mine and self.list is not None and self.app.staff is not None:
            self.list.set_filter("owner", str(self.app.staff.id))
        super().staff_changed()

    def action_mine(self) -> None:
        if self.list is None or self.app.staff is None:
            return
        self._mine = not self._mine
        self.list.set_filter("owner", str(self.app.staff.id) if self._mine else None)

    def action_next_tab(self) -> None:
        tabs = self.query_one("#cp-tabs", TabbedContent)
        tabs.active = f"tab-{TABS[(TABS.index(self._tab()) + 1) % len(TABS)]}"

    def action_prev_tab(self) -> None:
        tabs = self.query_one("#cp-tabs", TabbedContent)
        tabs.active = f"tab-{TABS[(TABS.index(self._tab()) - 1) % len(TABS)]}"

    def action_month(self, delta: int) -> None:
        index = self.year * 12 + self.month - 1 + delta
        self.year, self.month = divmod(index, 12)
        self.month += 1
        self._load_analysis()

    def _load_analysis(self) -> None:
        year, month = self.year, self.month
        self.call_service(lambda s: complaints_figures.monthly_analysis(s, year=year, month=month),
                          done=self._show_analysis, group="analysis", exclusive=True)

    def _show_analysis(self, figures: complaints_figures.ComplaintMonthFigures) -> None:
        self.figures = figures
        self.query_one("#cp-analysis", AnalysisView).show(figures)

    def action_export(self) -> None:
        figures = self.figures
        if figures is None:
            return
        path = data_dir() / "exports" / f"complaints-{figures.year}-{figures.month:02d}.xlsx"

        app = self.app

        def write() -> None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                from deskapp.reporting import xlsx

                content = xlsx.render(report.table(figures))
                path.write_bytes(content)
            except OSError as err:
                app.call_from_thread(app.notify, t("complaints.export_failed", error=str(err)),
                                     severity="error")
                return
            app.call_from_thread(app.notify, t("complaints.exported", path=str(path)))

        self.run_worker(write, thread=True, group="export", exit_on_error=False)


__all__ = ["ComplaintDetail", "ComplaintsScreen", "VisitDetail", "open_register_form"]
