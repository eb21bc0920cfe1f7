"""前台接待 — the home area (F2): today's contact log with the quick entry, the repair work
orders (open / overdue / awaiting return visit) and the shift handover.

Keys on this screen: ``n`` new contact (also Ctrl+N, and "新建接待登记" in the command
palette from any area), ``w`` new work order (from the highlighted repair contact), ``h``
write the handover, ``c`` confirm the handover waiting at this desk, ``1``/``2``/``3`` the
three tabs, Enter opens the highlighted record, ``/`` searches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from deskapp import clock
from deskapp.db.models.reception import Contact, ContactKind, WorkOrder
from deskapp.i18n import t
from deskapp.services import staff as staff_svc
from deskapp.services import units
from deskapp.services.reception import common, contacts, shifts
from deskapp.services.reception.contacts import ContactUpdate
from deskapp.services.reception.lists import ContactSource
from deskapp.services.reception.shifts import HandoverSource
from deskapp.services.reception.workorders import WorkOrderSource
from deskapp.tui import areas
from deskapp.tui.base import DeskScreen, app_call
from deskapp.tui.screens.reception_forms import ContactForm, SavedContact, WorkOrderForm
from deskapp.tui.screens.reception_views import (
    ContactDetail,
    HandoverViewer,
    HandoverWrite,
    WorkOrderDetail,
)
from deskapp.tui.widgets.record_list import RecordList

log = logging.getLogger("deskapp")

#: The kind of record the complaints area opens for a complaint contact.
COMPLAINT_INTAKE = "complaint_intake"


def after_contact_saved(app: Any, saved: SavedContact | None) -> None:
    """What follows a new contact: a complaint opens the complaint form (or stays pending
    with a note while the complaints area is not there); a repair opens the work order."""
    if saved is None:
        return
    app.notify(t("reception.saved.contact"))
    if not saved.created:
        return
    by = app.staff
    if saved.kind == ContactKind.COMPLAINT:
        if not areas.open_record(app, COMPLAINT_INTAKE, saved.id):
            note = t("reception.note.complaint_pending")
            app_call(app, lambda s: contacts.update_contact(
                s, by=by, contact_id=saved.id, data=ContactUpdate(note=note)), write=True,
                done=lambda _: (app.notify(note, severity="warning"), _refresh(app)))
    elif saved.kind == ContactKind.REPAIR:
        app_call(app, lambda s: contacts.get_contact(s, saved.id),
                 done=lambda c: app.push_screen(WorkOrderForm(c),
                                                lambda o: after_work_order(app, o)))


def after_work_order(app: Any, order: WorkOrder | None) -> None:
    if order is not None:
        app.notify(t("reception.saved.workorder", number=order.number))
    _refresh(app)


def _refresh(app: Any) -> None:
    screen = app.screen
    if isinstance(screen, ReceptionScreen):
        screen.reload()


# --------------------------------------------------------------------------------------
# Palette commands and record openers (any area, any screen)
# --------------------------------------------------------------------------------------


@areas.palette_command("reception.palette.new_contact")
def palette_new_contact(app: Any) -> None:
    app.push_screen(ContactForm(), lambda saved: after_contact_saved(app, saved))


@areas.palette_command("reception.palette.new_workorder")
def palette_new_work_order(app: Any) -> None:
    app.push_screen(WorkOrderForm(), lambda order: after_work_order(app, order))


@areas.palette_command("reception.palette.handover")
def palette_handover(app: Any) -> None:
    app.action_area("reception")
    app.call_later(lambda: isinstance(app.screen, ReceptionScreen)
                   and app.screen.action_write_handover())


@areas.record_opener("contact")
def open_contact(app: Any, contact_id: int) -> None:
    app.push_screen(ContactDetail(contact_id), lambda changed: changed and _refresh(app))


@areas.record_opener("workorder")
def open_work_order(app: Any, work_order_id: int) -> None:
    app.push_screen(WorkOrderDetail(work_order_id), lambda changed: changed and _refresh(app))


@areas.record_opener("handover")
def open_handover(app: Any, handover_id: int) -> None:
    app.push_screen(HandoverViewer(handover_id), lambda changed: changed and _refresh(app))


# --------------------------------------------------------------------------------------
# The screen
# --------------------------------------------------------------------------------------

TABS = ("contacts", "workorders", "handover")


class ReceptionScreen(DeskScreen):
    AREA = "reception"
    DEFAULT_CSS = """
    ReceptionScreen TabbedContent { height: 1fr; }
    ReceptionScreen TabPane { padding: 0; }
    ReceptionScreen .reception-box { height: 1fr; }
    ReceptionScreen #shift-info { height: auto; padding: 0 1; border-bottom: solid $primary-darken-2; }
    """
    BINDINGS = [
        Binding("n", "new_contact", t("reception.key.new"), id="reception.key.new"),
        Binding("ctrl+n", "new_contact", t("reception.key.new"), show=False, priority=True,
                id="reception.key.new_any"),
        Binding("w", "new_work_order", t("reception.key.workorder"), id="reception.key.workorder"),
        Binding("h", "write_handover", t("reception.key.handover"), id="reception.key.handover"),
        Binding("c", "confirm_handover", t("reception.key.confirm_handover"),
                id="reception.key.confirm_handover"),
        Binding("1", "tab('contacts')", t("reception.key.tabs"), key_display="1/2/3",
                id="reception.key.tabs"),
        Binding("2", "tab('workorders')", t("reception.tab.workorders"), show=False,
                id="reception.tab.workorders"),
        Binding("3", "tab('handover')", t("reception.tab.handover"), show=False,
                id="reception.tab.handover"),
        Binding("o", "view('open')", t("reception.wo.view.open"), show=False,
                id="reception.wo.view.open"),
        Binding("u", "view('overdue')", t("reception.wo.view.overdue"), show=False,
                id="reception.wo.view.overdue"),
        Binding("v", "view('awaiting_visit')", t("reception.wo.view.awaiting_visit"), show=False,
                id="reception.wo.view.awaiting_visit"),
        Binding("a", "view('')", t("reception.key.all_orders"), show=False,
                id="reception.key.all_orders"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.contacts: RecordList | None = None
        self.workorders: RecordList | None = None
        self.handovers: RecordList | None = None
        self._shift_id: int | None = None
        self._pending_handover: int | None = None
        self._list_makers: dict[str, Callable[[], RecordList]] = {}

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with TabbedContent(initial="contacts"):
            with TabPane(t("reception.tab.contacts_title"), id="contacts"):
                yield Vertical(classes="reception-box", id="contacts-box")
            with TabPane(t("reception.tab.workorders_title"), id="workorders"):
                yield Vertical(classes="reception-box", id="workorders-box")
            with TabPane(t("reception.tab.handover_title"), id="handover"):
                yield Static("", id="shift-info")
                yield Vertical(classes="reception-box", id="handover-box")
        yield Footer()

    def on_mount(self) -> None:

        def choices(s: Any) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
            staff = [(m.id, m.name) for m in staff_svc.list_staff(s) if m.id is not None]
            buildings = [(b.id, b.name) for b in units.list_buildings(s) if b.id is not None]
            return staff, buildings

        self.call_service(choices, done=self._build_lists)
        self._load_shift()

    def _build_lists(self, result: tuple[list[tuple[int, str]], list[tuple[int, str]]]) -> None:
        staff, buildings = result
        read = self.app.db.read
        self._list_makers = {
            "contacts": lambda: RecordList(ContactSource(staff=staff, buildings=buildings),
                                           read, filters={"from": clock.today()},
                                           id="contact-list"),
            "workorders": lambda: RecordList(WorkOrderSource(buildings=buildings), read,
                                             filters={"view": "open"}, id="workorder-list"),
            "handover": lambda: RecordList(HandoverSource(staff=staff), read,
                                           id="handover-list"),
        }
        self._mount_list(self.query_one(TabbedContent).active or "contacts")

    _LIST_ATTRIBUTES = {"contacts": "contacts", "workorders": "workorders",
                        "handover": "handovers"}

    def _mount_list(self, tab: str) -> None:
        """A tab's list is built and loaded when the tab is first shown (issue #17: the
        hidden tabs' lists, with their filters, were about 3.5 MB of the memory after
        login); until then its attribute is None, like every list before the first load."""
        make = self._list_makers.pop(tab, None)
        if make is None:
            return
        records = make()
        setattr(self, self._LIST_ATTRIBUTES[tab], records)
        self.query_one(f"#{tab}-box").mount(records)
        records.call_after_refresh(self._focus_list)  # once it runs: the tab's list has the keys

    def _focus_list(self) -> None:
        current = self._current_list()
        if current is not None:
            current.focus_list()

    def _current_list(self) -> RecordList | None:
        tab = self.query_one(TabbedContent).active
        return {"contacts": self.contacts, "workorders": self.workorders,
                "handover": self.handovers}.get(tab)

    # -- data ----------------------------------------------------------------------------

    def reload(self) -> None:
        for records in (self.contacts, self.workorders, self.handovers):
            if records is not None:
                records.refresh_data()
        self._load_shift()

    # Shown again: DeskScreen.on_screen_resume reloads only when data changed (issue #17).

    def _load_shift(self) -> None:
        desk = self.app.settings.desk

        def load(s: Any) -> tuple[Any, list[str], int, Any]:
            shift = shifts.current_shift(s, desk=desk)
            names = [m.name for m in shifts.members(s, shift.id)] if shift else []
            count = shifts.shift_contact_count(s, shift) if shift is not None else 0
            pending = shifts.pending_handover(s, desk=desk)
            writer = common.staff_names(s).get(pending.written_by, "") if pending else ""
            return shift, names, count, (pending, writer)

        self.call_service(load, done=self._show_shift, group="reception-shift", exclusive=True)

    def _show_shift(self, result: tuple[Any, list[str], int, Any]) -> None:
        shift, names, count, (pending, writer) = result
        self._shift_id = shift.id if shift else None
        self._pending_handover = pending.id if pending else None
        text = Text()
        if shift is None:
            text.append(t("reception.shift.none", desk=self.app.settings.desk), style="dim")
        else:
            text.append(t("reception.shift.current", desk=shift.desk,
                          since=shift.opened_at.strftime("%m-%d %H:%M"),
                          staff="、".join(names), n=count))
            text.append("   " + t("reception.shift.write_hint"), style="dim")
        if pending is not None:
            text.append("\n")
            text.append(t("reception.shift.pending", writer=writer,
                          at=pending.period_end.strftime("%m-%d %H:%M")), style="bold yellow")
        self.query_one("#shift-info", Static).update(text)

    # -- keys ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view":
            return self.query_one(TabbedContent).active == "workorders"
        return True

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.refresh_bindings()
        self.call_after_refresh(self._focus_list)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self._mount_list(self.query_one(TabbedContent).active)
        self.refresh_bindings()

    def action_view(self, view: str) -> None:
        if self.workorders is not None:
            self.workorders.set_filter("view", view or None)

    def action_new_contact(self) -> None:
        self.app.push_screen(ContactForm(), self._contact_saved)

    def _contact_saved(self, saved: SavedContact | None) -> None:
        after_contact_saved(self.app, saved)
        self.reload()

    def action_new_work_order(self) -> None:
        """From the highlighted contact when it is on the contact tab and not yet linked."""
        contact_id = None
        if self.query_one(TabbedContent).active == "contacts" and self.contacts is not None:
            contact_id = self.contacts.current_id
        if contact_id is None:
            self.app.push_screen(WorkOrderForm(), lambda o: after_work_order(self.app, o))
            return

        def load(s: Any) -> Contact:
            return contacts.get_contact(s, contact_id)

        def show(contact: Contact) -> None:
            form = WorkOrderForm(None if contact.linked_kind else contact)
            self.app.push_screen(form, lambda o: after_work_order(self.app, o))

        self.call_service(load, done=show)

    def action_write_handover(self) -> None:
        if self._shift_id is None:
            self.notify(t("reception.shift.none", desk=self.app.settings.desk),
                        severity="warning")
            return
        by, sid = self.app.staff, self._shift_id

        def allowed(may: bool) -> None:
            if not may:
                self.notify(t("reception.handover.not_member"), severity="warning")
                return
            self.app.push_screen(HandoverWrite(sid), self._handover_written)

        self.call_service(lambda s: shifts.may_write_handover(s, by=by, shift_id=sid),
                          done=allowed)

    def _handover_written(self, handover_id: int | None) -> None:
        if handover_id is None:
            return
        self.notify(t("reception.ho.written"))
        self.action_tab("handover")
        self.app.push_screen(HandoverViewer(handover_id), lambda _: self.reload())

    def action_confirm_handover(self) -> None:
        if self._pending_handover is None:
            self.notify(t("reception.ho.none_pending"), severity="warning")
            return
        # the handover is shown first: confirming needs it read to its end (or 已阅)
        self.app.push_screen(HandoverViewer(self._pending_handover, confirming=True),
                             self._handover_confirmed)

    def _handover_confirmed(self, ok: bool | None) -> None:
        if ok:
            self.notify(t("reception.ho.confirmed"))
            self.reload()

    # -- opening records -----------------------------------------------------------------

    @on(RecordList.Opened, "#contact-list")
    def _open_contact(self, event: RecordList.Opened) -> None:
        open_contact(self.app, event.record_id)

    @on(RecordList.Opened, "#workorder-list")
    def _open_work_order(self, event: RecordList.Opened) -> None:
        open_work_order(self.app, event.record_id)

    @on(RecordList.Opened, "#handover-list")
    def _open_handover(self, event: RecordList.Opened) -> None:
        open_handover(self.app, event.record_id)
