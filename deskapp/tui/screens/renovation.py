"""装修管理 (F4): the filings (active, ending within 7 days, expired and still open,
deposits held, all), the archive index, and one filing from draft to refund.

Keys on the list: ``n`` new filing (also "新建装修备案" in the command palette), ``1``–``6``
the views, ``ctrl+r`` the archive index, Enter opens a filing, ``/`` searches. On a filing
the footer shows only the steps its state allows (see :class:`FilingScreen`).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskapp import clock
from deskapp.db.models.renovation import PassStatus, TaxStatus
from deskapp.i18n import t
from deskapp.masking import mask_id, mask_phone, mask_text
from deskapp.money import format_fen, parse_yuan
from deskapp.services import units
from deskapp.services.renovation import actions, deposit, filings, queries, rules, workers
from deskapp.services.renovation.lists import VIEWS, ArchiveSource, FilingSource, building_choices
from deskapp.tui import areas
from deskapp.tui.base import DeskModal, DeskScreen, next_step_hint
from deskapp.tui.screens.renovation_forms import ActionForm, FilingForm, spec
from deskapp.tui.widgets.form import FieldSpec
from deskapp.tui.widgets.printing import choose_and_print, print_document
from deskapp.tui.widgets.record_list import RecordList, fit_cell
from deskapp.tui.widgets.reveal import (
    RevealMixin,
    RevealTarget,
    personal_target,
    targets,
    text_target,
)

# --------------------------------------------------------------------------------------
# Openers and palette
# --------------------------------------------------------------------------------------


def _open_filing(app: Any, filing_id: int) -> None:
    app.push_screen(FilingScreen(filing_id), lambda _: _refresh(app))


def _refresh(app: Any) -> None:
    for screen in app.screen_stack:
        if isinstance(screen, RenovationScreen):
            screen.reload()


@areas.record_opener("renovation")
def open_renovation(app: Any, filing_id: int) -> None:
    app.action_area("renovation")
    app.call_later(lambda: _open_filing(app, filing_id))


@areas.palette_command("renovation.palette.new")
def palette_new_filing(app: Any) -> None:
    app.action_area("renovation")
    app.call_later(lambda: isinstance(app.screen, RenovationScreen) and app.screen.action_new())


@areas.palette_command("renovation.palette.archive")
def palette_archive(app: Any) -> None:
    app.action_area("renovation")
    app.call_later(lambda: isinstance(app.screen, RenovationScreen)
                   and app.screen.action_archive())


# --------------------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------------------


class RenovationScreen(DeskScreen):
    AREA = "renovation"
    DEFAULT_CSS = """
    RenovationScreen #rn-summary { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("n", "new", t("renovation.key.new"), id="renovation.key.new"),
        Binding("1", "view('active')", t("renovation.view.active"), id="renovation.view.active"),
        Binding("2", "view('expiring')", t("renovation.view.expiring"),
                id="renovation.view.expiring"),
        Binding("3", "view('overdue')", t("renovation.view.overdue"), id="renovation.view.overdue"),
        Binding("4", "view('deposit')", t("renovation.view.deposit"), id="renovation.view.deposit"),
        Binding("5", "view('open')", t("renovation.view.open"), id="renovation.view.open"),
        Binding("6", "view('all')", t("renovation.view.all"), id="renovation.view.all"),
        Binding("ctrl+r", "archive", t("renovation.key.archive"), id="renovation.key.archive"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with Vertical():
            yield Static("", id="rn-summary")
            yield RecordList(FilingSource(), self.app.db.read, filters={"view": "open"},
                             id="rn-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RecordList).focus()
        self._summary()

    def reload(self) -> None:
        self.query_one(RecordList).refresh_data()
        self._summary()

    def on_screen_resume(self) -> None:
        self._summary()  # deposits held change in F6 too (a deposit receipt voided)

    def _summary(self) -> None:
        def load(s: Session) -> tuple[int, int, int, int]:
            held, fen = queries.deposit_held_total(s)
            counts = queries.view_counts(s)
            return held, fen, counts["expiring"], counts["overdue"]

        def show(r: tuple[int, int, int, int]) -> None:
            held, fen, expiring, overdue = r
            self.query_one("#rn-summary", Static).update(t(
                "renovation.summary", held=held, amount=format_fen(fen), expiring=expiring,
                overdue=overdue))

        self.call_service(load, done=show, group="rn-summary", exclusive=True)

    def action_view(self, view: str) -> None:
        if view in VIEWS:
            self.query_one(RecordList).set_filter("view", view)
            self.query_one(RecordList).focus()

    def action_new(self) -> None:
        self.app.push_screen(FilingForm(), self._created)

    def _created(self, filing_id: int | None) -> None:
        if filing_id:
            self.notify(t("renovation.saved"))
            self.reload()
            _open_filing(self.app, filing_id)

    def action_archive(self) -> None:
        self.call_service(building_choices, done=lambda b: self.app.push_screen(
            ArchiveScreen(b)))

    @on(RecordList.Opened, "#rn-list")
    def _opened(self, event: RecordList.Opened) -> None:
        _open_filing(self.app, event.record_id)


class ArchiveScreen(DeskScreen):
    """装修资料目录: the archive index, by building, floor low to high."""

    BINDINGS = [Binding("escape", "back", t("key.close"), id="key.close")]

    def __init__(self, buildings: list[tuple[str, str]]) -> None:
        super().__init__()
        self.buildings = buildings

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield Label(t("renovation.archive.title"), classes="title")
        yield RecordList(ArchiveSource([(i, name) for i, name in self.buildings]),
                         self.app.db.read, id="rn-archive")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RecordList).focus()

    @on(RecordList.Opened, "#rn-archive")
    def _opened(self, event: RecordList.Opened) -> None:
        self.app.push_screen(FilingScreen(event.record_id))

    def action_back(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------------------
# One filing
# --------------------------------------------------------------------------------------

def _k(key: str, action: str, label: str, *, show: bool = True) -> Binding:
    return Binding(key, action, t(label), id=label, show=show)


class FilingScreen(RevealMixin, DeskScreen):
    """One filing: everything on it, and the steps its state allows, one key each."""

    DEFAULT_CSS = """
    FilingScreen #rf-body { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", t("key.close"), id="key.close"),
        _k("e", "edit", "renovation.key.edit"),
        _k("d", "documents", "renovation.key.documents"),
        _k("w", "workers", "renovation.key.workers"),
        _k("o", "confirm_owner", "renovation.key.confirm_owner"),
        _k("s", "submit", "renovation.key.submit"),
        _k("v", "review", "renovation.key.review"),
        _k("g", "agreement", "renovation.key.agreement"),
        _k("m", "deposit", "renovation.key.deposit"),
        _k("a", "approve", "renovation.key.approve"),
        _k("p", "print", "renovation.key.print"),
        _k("f", "papers", "print.key.papers"),
        _k("b", "start", "renovation.key.start"),
        _k("x", "extend", "renovation.key.extend"),
        _k("c", "completion", "renovation.key.completion"),
        _k("i", "inspect", "renovation.key.inspect"),
        _k("h", "downstairs", "renovation.key.downstairs"),
        _k("l", "lived_in", "renovation.key.lived_in"),
        _k("u", "refund", "renovation.key.refund"),
        _k("z", "close", "renovation.key.close"),
        _k("t", "tax", "renovation.key.tax"),
        _k("delete", "cancel", "renovation.key.cancel"),
    ]

    def __init__(self, filing_id: int) -> None:
        super().__init__()
        self.filing_id = filing_id
        self.detail: queries.FilingDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with VerticalScroll(id="rf-body"):
            yield Static(t("list.loading"), id="rf-text")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        self.call_service(lambda s: queries.filing_detail(s, self.filing_id), done=self._show)

    def _show(self, detail: queries.FilingDetail) -> None:
        self.detail = detail
        self.query_one("#rf-text", Static).update(render_detail(detail))
        self.refresh_bindings()

    def reveal_targets(self) -> list[RevealTarget]:
        return filing_targets(self.detail) if self.detail is not None else []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return self.reveal_allowed()
        if action not in actions.ACTIONS:
            return True
        if self.detail is None:
            return False
        return action in actions.allowed_actions(self.detail.filing, self.app.staff)

    def why_refused(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """A refused step key says why (the service's own rule) and names the step due."""
        if action not in actions.ACTIONS or self.detail is None:
            return None
        err = actions.why_not(self.detail.filing, action, self.app.staff)
        return (str(err) if err is not None else t("common.refused.now")) + \
            next_step_hint(self, actions.WORKFLOW)

    # -- helpers --------------------------------------------------------------------------

    @property
    def by(self) -> Any:
        return self.app.staff

    def _after(self, changed: bool | None) -> None:
        if changed:
            self.notify(t("common.saved"))
            self.load()

    def _form(self, title: str, specs: list[FieldSpec], submit: Any, **kw: Any) -> None:
        self.app.push_screen(ActionForm(title, specs, submit, **kw), self._after)

    def _step(self, fn: Any) -> None:
        """A one-key step (no input): run it, show the result or the refusal."""
        self.call_service(fn, write=True, done=lambda _: self._after(True))

    # -- actions --------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        self.app.push_screen(FilingForm(self.filing_id), lambda fid: self._after(bool(fid)))

    def action_documents(self) -> None:
        assert self.detail is not None
        d = self.detail
        specs = [spec(code, t(f"renovation.doc.{code}"), "check", code in d.received)
                 for code in d.required]
        by, fid, before = self.by, self.filing_id, set(d.received)

        def submit(values: dict[str, Any]) -> Any:
            def job(s: Session) -> None:
                for code, ticked in values.items():
                    if bool(ticked) != (code in before):
                        filings.mark_document(s, by=by, filing_id=fid, code=code,
                                           received=bool(ticked))
            return job

        self._form(t("renovation.form.documents"), specs, submit,
                   hint=t("renovation.form.documents_hint"))

    def action_workers(self) -> None:
        self.app.push_screen(WorkersModal(self.filing_id), lambda _: self.load())

    def action_confirm_owner(self) -> None:
        by, fid = self.by, self.filing_id
        self._form(t("renovation.key.confirm_owner"),
                   [spec("owner_confirm_note", t("renovation.field.owner_confirm_note"),
                         required=True)],
                   lambda v: lambda s: filings.confirm_with_owner(
                       s, by=by, filing_id=fid, note=v["owner_confirm_note"]),
                   hint=t("renovation.form.confirm_hint"))

    def action_submit(self) -> None:
        by, fid = self.by, self.filing_id
        self._step(lambda s: filings.submit(s, by=by, filing_id=fid))

    def action_review(self) -> None:
        by, fid = self.by, self.filing_id
        self._form(t("renovation.key.review"), [
            spec("review_officer", t("renovation.field.review_officer"), required=True),
            spec("accepted", t("renovation.field.accepted"), "select", "yes",
                 [(t("renovation.review.accept"), "yes"), (t("renovation.review.return"), "no")]),
            spec("review_note", t("renovation.field.review_note")),
        ], lambda v: lambda s: filings.review(s, by=by, filing_id=fid, officer=v["review_officer"],
                                            accepted=v["accepted"] == "yes",
                                            note=v["review_note"]))

    def action_agreement(self) -> None:
        by, fid = self.by, self.filing_id
        self._step(lambda s: filings.sign_agreement(s, by=by, filing_id=fid))

    def action_deposit(self) -> None:
        by, fid = self.by, self.filing_id

        def load(s: Session) -> tuple[str, int, str]:
            filing = queries.get_filing(s, fid)
            return deposit.deposit_standard(s, units.get_unit(s, filing.unit_id))

        self.call_service(load, done=lambda std: self._deposit_form(by, fid, std))

    def _deposit_form(self, by: Any, fid: int, std: tuple[str, int, str]) -> None:
        from deskapp.db.models.cashier import PayMethod
        from deskapp.services.cashier import payments

        code, amount, name = std
        request_id = f"renovation-{fid}-{uuid.uuid4().hex[:12]}"
        methods = [(t(f"renovation.method.{m.value}"), m.value) for m in PayMethod]
        assert self.detail is not None

        def submit(v: dict[str, Any]) -> Any:
            method = PayMethod(v["method"])
            tendered = None
            if method == PayMethod.CASH and v["tendered"].strip():
                tendered = parse_yuan(v["tendered"], field="tendered")
            tenders = [payments.Tender(method, amount, tendered if tendered is not None
                                      else (amount if method == PayMethod.CASH else None))]
            return lambda s: deposit.collect_deposit(s, by=by, filing_id=fid, request_id=request_id,
                                                  tenders=tenders, payer_name=v["payer"])

        self._form(t("renovation.key.deposit"), [
            spec("standard", t("renovation.field.standard"), "info",
                 f"{name}（{code}）  {format_fen(amount)}"),
            spec("method", t("renovation.field.method"), "select", "cash", methods),
            spec("tendered", t("renovation.field.tendered"), "text",
                 format_fen(amount, symbol=False, grouping=False)),
            spec("payer", t("renovation.field.payer"), "text", self.detail.filing.owner_name),
        ], submit, hint=t("renovation.form.deposit_hint"))

    def action_approve(self) -> None:
        by, fid = self.by, self.filing_id
        self.call_service(lambda s: filings.approve(s, by=by, filing_id=fid), write=True,
                          done=lambda _: self._after(True), failed=self._refused)

    def _refused(self, err: Any) -> None:
        missing = getattr(err, "missing", None)
        if missing:
            self.app.push_screen(RefusalModal(str(t("renovation.refused")),
                                              [m.text for m in missing]))
        else:
            self.show_error(err)

    def action_print(self) -> None:
        print_document(self, "certificate", self.filing_id, then=lambda _made: self.load())

    def action_papers(self) -> None:
        """The filing's other papers: filing form, agreement (three copies), workers'
        register and the workers' passes."""
        if self.detail is None:
            return
        fid = self.filing_id
        choose_and_print(self, t("print.menu.filing", number=self.detail.filing.number), [
            ("renovation-form", fid, t("print.kind.renovation_form")),
            ("renovation-agreement", fid, t("print.kind.renovation_agreement")),
            ("renovation-workers", fid, t("print.kind.renovation_workers")),
            ("worker-passes", fid, t("print.kind.worker_passes")),
        ])

    def action_start(self) -> None:
        by, fid = self.by, self.filing_id
        self._step(lambda s: filings.start_work(s, by=by, filing_id=fid))

    def action_extend(self) -> None:
        assert self.detail is not None
        by, fid = self.by, self.filing_id
        latest = rules.latest_end(self.detail.filing.permit_end)
        self._form(t("renovation.key.extend"), [
            spec("current", t("renovation.field.current_end"), "info",
                 t("renovation.form.extend_info", end=self.detail.filing.permit_end.isoformat(),
                   latest=latest.isoformat())),
            spec("new_end", t("renovation.field.new_end"), "date", latest.isoformat(),
                 required=True),
            spec("reason", t("renovation.field.reason")),
        ], lambda v: lambda s: filings.extend(s, by=by, filing_id=fid, new_end=v["new_end"],
                                           reason=v["reason"]),
            hint=t("renovation.form.extend_hint"))

    def action_completion(self) -> None:
        by, fid = self.by, self.filing_id
        self._step(lambda s: filings.apply_completion(s, by=by, filing_id=fid))

    def action_inspect(self) -> None:
        by, fid = self.by, self.filing_id
        self._form(t("renovation.key.inspect"), [
            spec("inspector", t("renovation.field.inspector"), required=True),
            spec("passed", t("renovation.field.passed"), "select", "yes",
                 [(t("renovation.inspect.pass"), "yes"), (t("renovation.inspect.fail"), "no")]),
            spec("inspection_notes", t("renovation.field.inspection_notes")),
        ], lambda v: lambda s: filings.inspect(s, by=by, filing_id=fid, passed=v["passed"] == "yes",
                                            inspector=v["inspector"],
                                            notes=v["inspection_notes"]))

    def action_downstairs(self) -> None:
        by, fid = self.by, self.filing_id
        self._form(t("renovation.key.downstairs"),
                   [spec("downstairs_name", t("renovation.field.downstairs_name"), required=True)],
                   lambda v: lambda s: filings.record_downstairs_signoff(
                       s, by=by, filing_id=fid, name=v["downstairs_name"]))

    def action_lived_in(self) -> None:
        by, fid = self.by, self.filing_id
        self._form(t("renovation.key.lived_in"),
                   [spec("lived_in_since", t("renovation.field.lived_in_since"), "date",
                         clock.today().isoformat(), required=True)],
                   lambda v: lambda s: filings.record_lived_in(s, by=by, filing_id=fid,
                                                            since=v["lived_in_since"]))

    def action_refund(self) -> None:
        assert self.detail is not None
        by, fid = self.by, self.filing_id
        request_id = f"renovation-refund-{fid}-{uuid.uuid4().hex[:12]}"
        f = self.detail.filing

        def flags(v: dict[str, Any]) -> dict[str, bool]:
            return {k: bool(v[k]) for k in ("receipt_presented", "certificate_presented",
                                            "owner_signed")}

        def preview(v: dict[str, Any]) -> Any:
            return lambda s: [b.text for b in deposit.refund_blockers(
                s, queries.get_filing(s, fid), **flags(v))]

        self._form(t("renovation.key.refund"), [
            spec("amount", t("renovation.field.deposit"), "info",
                 t("renovation.form.refund_info", amount=format_fen(f.deposit_fen),
                   receipt=f.deposit_receipt_no)),
            spec("receipt_presented", t("renovation.field.receipt_presented"), "check"),
            spec("certificate_presented", t("renovation.field.certificate_presented"), "check"),
            spec("owner_signed", t("renovation.field.owner_signed"), "check"),
        ], lambda v: lambda s: deposit.refund_deposit(s, by=by, filing_id=fid,
                                                   request_id=request_id, **flags(v)),
            preview=preview, hint=t("renovation.form.refund_hint"),
            confirm=lambda v: lambda s: deposit.refund_preview(s, by=by, filing_id=fid,
                                                            **flags(v)),
            confirm_label_key="renovation.confirm.refund_key")

    def action_close(self) -> None:
        by, fid = self.by, self.filing_id
        self._step(lambda s: filings.close(s, by=by, filing_id=fid))

    def action_cancel(self) -> None:
        by, fid = self.by, self.filing_id
        self._form(t("renovation.key.cancel"),
                   [spec("cancel_reason", t("renovation.field.cancel_reason"), required=True)],
                   lambda v: lambda s: filings.cancel(s, by=by, filing_id=fid,
                                                   reason=v["cancel_reason"]),
                   confirm=lambda v: lambda s: filings.cancel_preview(
                       s, by=by, filing_id=fid, reason=v["cancel_reason"]),
                   confirm_label_key="renovation.confirm.cancel_key")

    def action_tax(self) -> None:
        assert self.detail is not None
        by, fid = self.by, self.filing_id
        self._form(t("renovation.key.tax"), [
            spec("tax_status", t("renovation.field.tax_status"), "select",
                 self.detail.filing.tax_status.value,
                 [(t(f"renovation.tax.{x.value}"), x.value) for x in TaxStatus])],
            lambda v: lambda s: filings.set_tax_status(s, by=by, filing_id=fid,
                                                    status=v["tax_status"]))


class RefusalModal(DeskModal[None]):
    """What is missing, one line each."""

    DEFAULT_CSS = """
    RefusalModal { align: center middle; }
    RefusalModal > Vertical { width: 90; height: auto; border: thick $error; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("escape,enter", "close", t("key.close"), id="key.close")]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        text = Text(self.title_text + "\n", style="bold")
        for line in self.lines:
            text.append(f"  ✗ {line}\n", style="red")
        with Vertical():
            yield Static(text)
            yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------------------
# Workers and passes
# --------------------------------------------------------------------------------------


class WorkersModal(RevealMixin, DeskModal[None]):
    """The roster (施工人员登记表) and the passes: add, documents, issue, return, remove."""

    DEFAULT_CSS = """
    WorkersModal { align: center middle; }
    WorkersModal > Vertical { width: 110; height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    WorkersModal OptionList { height: 1fr; }
    WorkersModal .title { text-style: bold; }
    """
    BINDINGS = [
        Binding("escape", "close", t("key.close"), id="key.close"),
        _k("n", "add", "renovation.key.add_worker"),
        _k("p", "issue", "renovation.key.issue_pass"),
        _k("r", "return_pass", "renovation.key.return_pass"),
        _k("c", "id_copy", "renovation.key.id_copy"),
        _k("f", "photo", "renovation.key.photo"),
        _k("x", "remove", "renovation.key.remove_worker"),
    ]

    def __init__(self, filing_id: int) -> None:
        super().__init__()
        self.filing_id = filing_id
        self.rows: list[tuple[Any, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("renovation.workers.title"), classes="title")
            yield OptionList(id="rw-list")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    def load(self) -> None:
        self.call_service(lambda s: queries.filing_detail(s, self.filing_id), done=self._show)

    def _show(self, d: queries.FilingDetail) -> None:
        current = {p.worker_id: p for p in d.passes if p.status == PassStatus.OUT}
        self.rows = [(w, current.get(w.id)) for w in d.workers if w.removed_at is None]
        options = self.query_one(OptionList)
        keep = options.highlighted or 0
        options.clear_options()
        if not self.rows:
            options.add_option(Option(t("renovation.workers.none"), disabled=True))
            return
        for worker, issued in self.rows:
            options.add_option(Option(worker_line(worker, issued, d.marks)))
        options.highlighted = min(keep, len(self.rows) - 1)
        self.refresh_bindings()

    def _current(self) -> tuple[Any, Any] | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.rows:
            return None
        return self.rows[index]

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    def reveal_targets(self) -> list[RevealTarget]:
        row = self._current() if self.is_mounted else None
        return worker_targets(row[0]) if row is not None else []

    def _done(self, _: Any = None) -> None:
        self.notify(t("common.saved"))
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_add(self) -> None:
        by, fid = self.app.staff, self.filing_id
        self.app.push_screen(ActionForm(t("renovation.key.add_worker"), [
            spec("worker_name", t("renovation.field.worker_name"), required=True),
            spec("worker_id_number", t("renovation.field.worker_id_number"), required=True),
            spec("worker_phone", t("renovation.field.worker_phone")),
            spec("id_copy", t("renovation.field.worker_id_copy"), "check", True),
            spec("photo", t("renovation.field.worker_photo"), "check", True),
        ], lambda v: lambda s: workers.add_worker(
            s, by=by, filing_id=fid, name=v["worker_name"], id_number=v["worker_id_number"],
            phone=v["worker_phone"], id_copy_received=v["id_copy"], photo_received=v["photo"])),
            lambda ok: ok and self._done())

    def _with_worker(self, fn: Any) -> None:
        row = self._current()
        if row is None:
            return
        self.call_service(lambda s: fn(s, *row), write=True, done=self._done)

    def action_issue(self) -> None:
        by = self.app.staff
        self._with_worker(lambda s, w, p: workers.issue_pass(s, by=by, worker_id=w.id))

    def action_return_pass(self) -> None:
        by = self.app.staff
        row = self._current()
        if row is None or row[1] is None:
            self.notify(t("renovation.workers.no_pass"), severity="warning")
            return
        self._with_worker(lambda s, w, p: workers.return_pass(s, by=by, pass_id=p.id))

    def action_id_copy(self) -> None:
        by = self.app.staff
        self._with_worker(lambda s, w, p: workers.set_worker_documents(
            s, by=by, worker_id=w.id, id_copy_received=not w.id_copy_received,
            photo_received=w.photo_received))

    def action_photo(self) -> None:
        by = self.app.staff
        self._with_worker(lambda s, w, p: workers.set_worker_documents(
            s, by=by, worker_id=w.id, id_copy_received=w.id_copy_received,
            photo_received=not w.photo_received))

    def action_remove(self) -> None:
        by = self.app.staff
        self._with_worker(lambda s, w, p: workers.remove_worker(s, by=by, worker_id=w.id))


def worker_targets(worker: Any) -> list[RevealTarget]:
    table = "renovation_worker"
    return targets(
        personal_target(table, worker.id, "id_number", worker.id_number,
                        f"{worker.name} {t('renovation.field.worker_id_number')}"),
        personal_target(table, worker.id, "phone", worker.phone,
                        f"{worker.name} {t('renovation.field.worker_phone')}"))


def filing_targets(d: queries.FilingDetail) -> list[RevealTarget]:
    """What the filing shows masked: owner, applicant and lead numbers, the active
    workers', and free text holding a number."""
    f = d.filing
    table = "renovation_filing"
    people = ["owner"] + ([] if f.applicant_is_owner else ["applicant"]) + ["lead"]
    found: list[RevealTarget | None] = []
    for who in people:
        for part in ("id_number", "phone"):
            column = f"{who}_{part}"
            found.append(personal_target(table, f.id, column, getattr(f, column),
                                         t(f"renovation.field.{column}")))
    for worker in d.workers:
        if worker.removed_at is None:
            found.extend(worker_targets(worker))
    for column in ("work_items", "note", "owner_confirm_note", "review_officer",
                   "review_note", "downstairs_name", "cancel_reason"):
        found.append(text_target(table, f.id, column, getattr(f, column),
                                 t(f"renovation.field.{column}")
                                 if column != "downstairs_name"
                                 else t("renovation.detail.downstairs")))
    for ext in d.extensions:
        found.append(text_target("renovation_extension", ext.id, "reason", ext.reason,
                                 f"{t('renovation.detail.extension')} {ext.seq}"))
    for insp in d.inspections:
        found.append(text_target("renovation_inspection", insp.id, "notes", insp.notes,
                                 t("renovation.detail.inspection")))
    return targets(*found)


def worker_line(worker: Any, issued: Any, marks: dict[int, list[date]]) -> Text:
    text = Text()
    text.append(fit_cell(worker.name, 8), style="bold")
    text.append(f"  {mask_id(worker.id_number)}")
    if worker.phone:
        text.append(f"  {mask_phone(worker.phone)}", style="dim")
    ok, missing = "green", "red"
    text.append("  " + t("renovation.workers.id_copy"),
                style=ok if worker.id_copy_received else missing)
    text.append(("✓" if worker.id_copy_received else "✗"),
                style=ok if worker.id_copy_received else missing)
    text.append("  " + t("renovation.workers.photo"),
                style=ok if worker.photo_received else missing)
    text.append(("✓" if worker.photo_received else "✗"),
                style=ok if worker.photo_received else missing)
    if issued is not None:
        text.append("  " + t("renovation.workers.pass_out", number=issued.number,
                             until=issued.valid_until.isoformat()), style="bold yellow")
        for day in marks.get(issued.id, []):
            text.append("  " + t("renovation.cert.extended", date=day.isoformat()), style="dim")
    return text


# --------------------------------------------------------------------------------------
# The detail text
# --------------------------------------------------------------------------------------


def render_detail(d: queries.FilingDetail) -> Text:
    f = d.filing
    names = d.staff_names
    yes, no = t("common.yes"), t("common.no")

    def who(staff_id: int | None, at: Any) -> str:
        if at is None:
            return ""
        return f"{at:%Y-%m-%d %H:%M} {names.get(staff_id or 0, '')}"

    text = Text()
    text.append(f"{f.number}  ", style="bold")
    text.append(t(f"renovation.status.{f.status.value}"), style="bold reverse")
    text.append(f"   {f.unit_code}  {d.building} {t('renovation.detail.floor', floor=d.floor)}\n")

    def line(label_key: str, value: str, style: str = "") -> None:
        text.append(f"  {t(label_key)}：", style="dim")
        text.append(value + "\n", style=style)

    text.append(t("renovation.form.owner_part") + "\n", style="bold cyan")
    line("renovation.field.owner_name", f"{f.owner_name}  {mask_id(f.owner_id_number)}  "
         f"{mask_phone(f.owner_phone)}")
    if f.applicant_is_owner:
        line("renovation.field.applicant_name", f"{f.applicant_name}（{t('renovation.detail.owner_self')}）")
    else:
        confirmed = (t("renovation.detail.confirmed", note=mask_text(f.owner_confirm_note),
                       who=who(f.owner_confirmed_by, f.owner_confirmed_at))
                     if f.owner_confirmed_at else t("renovation.detail.not_confirmed"))
        line("renovation.field.applicant_name",
             f"{f.applicant_name}  {mask_id(f.applicant_id_number)}  "
             f"{mask_phone(f.applicant_phone)}  {confirmed}")
    line("renovation.field.filed_on", f.filed_on.isoformat())
    text.append(t("renovation.form.contractor_part") + "\n", style="bold cyan")
    line("renovation.field.contractor_name",
         f"{f.contractor_name}  {f.contractor_credit_code or t('renovation.detail.no_code')}")
    line("renovation.field.lead_name",
         f"{f.lead_name}  {mask_id(f.lead_id_number)}  {mask_phone(f.lead_phone)}")
    line("renovation.field.work_kind", t(f"renovation.kind.{f.work_kind.value}") + "  " + "  ".join(
        f"{t('renovation.field.' + flag)}:{yes if getattr(f, flag) else no}"
        for flag in ("hot_work", "breaks_waterproofing", "changes_lines")))
    line("renovation.field.work_items", mask_text(f.work_items))
    if f.note:
        line("renovation.field.note", mask_text(f.note))

    text.append(t("renovation.form.period_part") + "\n", style="bold cyan")
    today = clock.today()
    style = ""
    if f.status in rules.WORKING_STATES:
        if f.permit_end < today:
            style = "bold red"
        elif (f.permit_end - today).days <= rules.EXPIRING_DAYS:
            style = "bold yellow"
    line("renovation.cert.period", t("renovation.cert.period_value", start=f.permit_start,
                                     end=f.permit_end), style)
    for ext in d.extensions:
        line("renovation.detail.extension",
             t("renovation.detail.extension_line", seq=ext.seq, old=ext.old_end, new=ext.new_end,
               who=who(ext.by, ext.at), reason=mask_text(ext.reason)))

    text.append(t("renovation.detail.checklist") + "\n", style="bold cyan")
    for code in d.required:
        doc = d.received.get(code)
        mark, st = ("✓", "green") if doc else ("✗", "red")
        text.append(f"  {mark} ", style=st)
        text.append(t(f"renovation.doc.{code}"))
        if doc:
            text.append(f"  {who(doc.received_by, doc.received_at)}", style="dim")
        text.append("\n")
    active = [w for w in d.workers if w.removed_at is None]
    out = {p.worker_id: p for p in d.passes if p.status == PassStatus.OUT}
    text.append(t("renovation.detail.workers", n=len(active), out=len(out)) + "\n",
                style="bold cyan")
    for worker in active:
        text.append("  ")
        text.append_text(worker_line(worker, out.get(worker.id), d.marks))
        text.append("\n")
    returned = [p for p in d.passes if p.status == PassStatus.RETURNED]
    if returned:
        line("renovation.detail.returned", "、".join(p.number for p in returned))
    if d.missing:
        text.append(t("renovation.detail.missing", n=len(d.missing)) + "\n", style="bold red")
        for item in d.missing:
            text.append(f"  ✗ {item.text}\n", style="red")

    text.append(t("renovation.detail.progress") + "\n", style="bold cyan")
    for key, staff_id, at, extra in (
        ("renovation.detail.created", f.created_by, f.created_at, ""),
        ("renovation.detail.submitted", f.submitted_by, f.submitted_at, ""),
        ("renovation.detail.reviewed", f.reviewed_by, f.reviewed_at,
         mask_text(f"{f.review_officer} {f.review_note}")),
        ("renovation.detail.agreement", f.agreement_signed_by, f.agreement_signed_at, ""),
        ("renovation.detail.approved", f.approved_by, f.approved_at, ""),
        ("renovation.detail.started", None, f.started_at, ""),
        ("renovation.detail.completion", None, f.completion_applied_at, ""),
        ("renovation.detail.downstairs", f.downstairs_signed_by, f.downstairs_signed_at,
         mask_text(f.downstairs_name)),
        ("renovation.detail.closed", f.closed_by, f.closed_at, ""),
        ("renovation.detail.cancelled", f.cancelled_by, f.cancelled_at,
         mask_text(f.cancel_reason)),
    ):
        if at is not None:
            line(key, f"{who(staff_id, at)}  {extra}".rstrip())
    if f.certificate_prints:
        line("renovation.detail.printed",
             t("renovation.detail.printed_value", n=f.certificate_prints,
               at=f"{f.certificate_printed_at:%Y-%m-%d %H:%M}"))
    for insp in d.inspections:
        result = t("renovation.inspect.pass") if insp.passed else t("renovation.inspect.fail")
        line("renovation.detail.inspection", f"{who(insp.by, insp.at)}  {insp.inspector}  "
             f"{result}  {mask_text(insp.notes)}", "green" if insp.passed else "red")
    if f.lived_in_since:
        line("renovation.field.lived_in_since", f.lived_in_since.isoformat())
    line("renovation.field.tax_status", t(f"renovation.tax.{f.tax_status.value}"))

    text.append(t("renovation.field.deposit") + "\n", style="bold cyan")
    if f.deposit_paid_at is None:
        line("renovation.field.deposit", t("renovation.detail.deposit_none"))
    else:
        line("renovation.field.deposit", t("renovation.detail.deposit_paid",
                                           amount=format_fen(f.deposit_fen),
                                           receipt=f.deposit_receipt_no,
                                           at=f"{f.deposit_paid_at:%Y-%m-%d %H:%M}"))
    if f.deposit_refunded_at is not None:
        line("renovation.detail.refunded", who(f.deposit_refunded_by, f.deposit_refunded_at)
             + "  " + format_fen(f.deposit_refunded_fen))
    return text
