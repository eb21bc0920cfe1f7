"""Reception record views: a contact, a work order (with its steps), the handover (write,
read, confirm)."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from deskapp.db.models.reception import (
    Contact,
    HandoverStatus,
    WorkOrder,
    WorkOrderStatus,
)
from deskapp.errors import DeskError
from deskapp.i18n import t
from deskapp.masking import mask_phone, mask_text
from deskapp.money import format_fen
from deskapp.services import staff as staff_svc
from deskapp.services.reception import actions as ra
from deskapp.services.reception import common, contacts, shifts
from deskapp.services.reception import workorders as wo
from deskapp.services.reception.shifts import HandoverSummary, HandoverView
from deskapp.tui import areas
from deskapp.tui.base import DeskModal, next_step_hint
from deskapp.tui.screens.reception_forms import ContactForm, SavedContact, StepForm, WorkOrderForm
from deskapp.tui.widgets.form import DeskForm, Field, FieldSpec, FormMixin, spec_fields
from deskapp.tui.widgets.printing import print_document
from deskapp.tui.widgets.reveal import (
    RevealMixin,
    RevealTarget,
    personal_target,
    targets,
    text_target,
)

_MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 110; height: 90%; border: thick $primary; background: $surface;
                    padding: 0 1; }}
{name} VerticalScroll {{ height: 1fr; }}
"""


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _line(text: Text, label: str, value: object, style: str = "") -> None:
    text.append(label + t("form.label_sep"), style="dim")
    text.append(f"{value}\n", style=style)


# --------------------------------------------------------------------------------------
# A contact
# --------------------------------------------------------------------------------------


class ContactDetail(RevealMixin, DeskModal[bool]):
    DEFAULT_CSS = _MODAL_CSS.format(name="ContactDetail")
    BINDINGS = [
        Binding("escape", "close", t("key.close"), id="key.close"),
        Binding("e", "edit", t("reception.key.edit"), id="reception.key.edit"),
        Binding("w", "workorder", t("reception.key.workorder"), id="reception.key.workorder"),
        Binding("o", "open_linked", t("reception.key.open_linked"), id="reception.key.open_linked"),
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.contact: Contact | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("reception.detail.contact"), classes="title")
            with VerticalScroll():
                yield Static("", id="cd-body")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        cid = self.contact_id

        def load(s: Any) -> tuple[Contact, list[Any], dict[int, str]]:
            return (contacts.get_contact(s, cid), contacts.contact_history(s, cid),
                    common.staff_names(s))

        self.call_service(load, done=self._show)

    def _show(self, result: tuple[Contact, list[Any], dict[int, str]]) -> None:
        contact, history, names = result
        self.contact = contact
        text = Text()
        _line(text, t("reception.field.at"), _when(contact.at))
        _line(text, t("reception.field.channel"), common.channel_label(contact.channel))
        _line(text, t("reception.field.kind"), common.kind_label(contact.kind), "bold")
        _line(text, t("reception.field.unit"), contact.unit_code or "—")
        _line(text, t("reception.field.person_name"), contact.person_name or "—")
        _line(text, t("reception.field.phone"), mask_phone(contact.phone) if contact.phone else "—")
        _line(text, t("reception.field.content"), mask_text(contact.content))
        _line(text, t("reception.field.action_taken"), mask_text(contact.action_taken) or "—")
        _line(text, t("reception.field.status"), common.status_label(contact.status),
              "bold yellow" if contact.status.value == "pending" else "")
        _line(text, t("reception.field.staff"), names.get(contact.staff_id, ""))
        if contact.note:
            _line(text, t("reception.field.note"), mask_text(contact.note))
        if contact.linked_kind:
            _line(text, t("reception.field.linked"),
                  t("reception.detail.linked", kind=contact.linked_kind, id=contact.linked_id))
        text.append("\n" + t("reception.detail.history") + "\n", style="bold")
        for at, who, action, detail in history:
            text.append(f"{_when(at)}  {who}  {t('reception.audit.' + action)}\n")
            if action == "contact.update":
                text.append(_describe_change(detail), style="dim")
        self.query_one("#cd-body", Static).update(text)
        self.refresh_bindings()

    def reveal_targets(self) -> list[RevealTarget]:
        c = self.contact
        if c is None:
            return []
        table = Contact.__tablename__
        return targets(
            personal_target(table, c.id, "phone", c.phone, t("reception.field.phone")),
            *[text_target(table, c.id, col, getattr(c, col), t(f"reception.field.{col}"))
              for col in ("content", "action_taken", "note")])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return self.reveal_allowed()
        if self.contact is None:
            return action == "close"
        if action in ra.CONTACT_ACTIONS:
            return action in ra.contact_actions(self.contact, self.app.staff)
        return True

    def why_refused(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """A refused key says why (the service's rule)."""
        if self.contact is None or action not in ra.CONTACT_ACTIONS:
            return None
        err = ra.why_not_contact(self.contact, action, self.app.staff)
        return str(err) if err is not None else t("common.refused.now")

    def action_close(self) -> None:
        self.dismiss(self.changed)

    def action_edit(self) -> None:
        if self.contact is not None:
            self.app.push_screen(ContactForm(self.contact), self._edited)

    def _edited(self, saved: SavedContact | None) -> None:
        if saved is not None:
            self.changed = True
            self.notify(t("common.saved"))
            self.reload()

    def action_workorder(self) -> None:
        if self.contact is not None and not self.contact.linked_kind:
            self.app.push_screen(WorkOrderForm(self.contact), self._ordered)

    def _ordered(self, order: WorkOrder | None) -> None:
        if order is not None:
            self.changed = True
            self.notify(t("reception.saved.workorder", number=order.number))
            self.reload()

    def action_open_linked(self) -> None:
        c = self.contact
        if c is not None and c.linked_kind and c.linked_id is not None:
            if not areas.open_record(self.app, c.linked_kind, c.linked_id):
                self.notify(t("reception.cannot_open", kind=c.linked_kind), severity="warning")


def _describe_change(detail: str) -> str:
    try:
        data = json.loads(detail)
    except ValueError:
        return ""
    before, after = data.get("before", {}), data.get("after", {})
    parts = []
    for key, new in after.items():
        label = t(f"reception.field.{key}") if key != "unit_id" else t("reception.field.unit")
        if key in ("unit_code", "building_id"):
            continue
        parts.append(f"    {label}{t('form.label_sep')}{before.get(key, '')} → {new}\n")
    return "".join(parts)


# --------------------------------------------------------------------------------------
# A work order
# --------------------------------------------------------------------------------------

class WorkOrderDetail(RevealMixin, DeskModal[bool]):
    DEFAULT_CSS = _MODAL_CSS.format(name="WorkOrderDetail")
    BINDINGS = [
        Binding("escape", "close", t("key.close"), id="key.close"),
        Binding("d", "step('dispatch')", t("reception.key.dispatch"), id="reception.key.dispatch"),
        Binding("f", "step('complete')", t("reception.key.complete"), id="reception.key.complete"),
        Binding("v", "step('visit')", t("reception.key.visit"), id="reception.key.visit"),
        Binding("x", "close_order", t("reception.key.close_order"), id="reception.key.close_order"),
        Binding("z", "step('cancel')", t("reception.key.cancel_order"),
                id="reception.key.cancel_order"),
        Binding("p", "print", t("reception.key.print"), id="reception.key.print"),
        Binding("o", "open_contact", t("reception.key.open_contact"),
                id="reception.key.open_contact"),
    ]

    def __init__(self, work_order_id: int) -> None:
        super().__init__()
        self.work_order_id = work_order_id
        self.order: WorkOrder | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("reception.detail.workorder"), classes="title", id="wd-title")
            with VerticalScroll():
                yield Static("", id="wd-body")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        oid = self.work_order_id

        def load(s: Any) -> tuple[WorkOrder, list[Any], dict[int, str], str]:
            order = wo.get_work_order(s, oid)
            bill = wo.work_order_bill(s, order) if order.charge_fen else None
            billed = t(f"reception.wo.bill.{bill.status.value}") if bill is not None else ""
            return order, wo.work_order_timeline(s, order), common.staff_names(s), billed

        self.call_service(load, done=self._show)

    def _show(self, result: tuple[WorkOrder, list[Any], dict[int, str], str]) -> None:
        order, timeline, names, billed = result
        self.order = order
        overdue = wo.is_overdue(order)
        self.query_one("#wd-title", Label).update(
            t("reception.detail.workorder_title", number=order.number))
        text = Text()
        status = wo.status_label(order.status)
        if overdue:
            status = t("reception.wo.overdue_status", status=status)
        _line(text, t("reception.wo.field.status"), status, "bold red" if overdue else "bold")
        _line(text, t("reception.field.unit"), order.unit_code or "—")
        if order.location:
            _line(text, t("reception.wo.field.location"), mask_text(order.location))
        _line(text, t("reception.wo.field.requester"),
              f"{order.requester_name} {mask_phone(order.requester_phone) if order.requester_phone else ''}")
        _line(text, t("reception.wo.field.category"), wo.category_label(order.category))
        _line(text, t("reception.wo.field.urgency"),
              t("reception.print.urgency", urgency=wo.urgency_label(order.urgency),
                hours=order.limit_hours))
        _line(text, t("reception.wo.field.due"), _when(order.due_at), "bold red" if overdue else "")
        _line(text, t("reception.wo.field.description"), mask_text(order.description))
        if order.assignee:
            _line(text, t("reception.wo.field.assignee"), mask_text(order.assignee))
        if order.result:
            _line(text, t("reception.wo.field.result"), mask_text(order.result))
        if order.materials:
            _line(text, t("reception.wo.field.materials"), mask_text(order.materials))
        if order.charge_fen:
            _line(text, t("reception.wo.field.charge"),
                  f"{format_fen(order.charge_fen)}  {billed}".rstrip())
        if order.satisfaction:
            _line(text, t("reception.wo.field.satisfaction"),
                  f"{order.satisfaction} {t(f'reception.wo.satisfaction.{order.satisfaction}')}")
        if order.visit_comment:
            _line(text, t("reception.wo.field.comment"), mask_text(order.visit_comment))
        if order.cancel_reason:
            _line(text, t("reception.wo.field.reason"), mask_text(order.cancel_reason))
        text.append("\n" + t("reception.detail.timeline") + "\n", style="bold")
        for label, when, who in timeline:
            text.append(f"{_when(when)}  {label}  {who}\n")
        if order.status == WorkOrderStatus.COMPLETED:
            text.append("\n" + t("reception.detail.needs_visit") + "\n", style="yellow")
        self.query_one("#wd-body", Static).update(text)
        self.refresh_bindings()

    def reveal_targets(self) -> list[RevealTarget]:
        o = self.order
        if o is None:
            return []
        table = WorkOrder.__tablename__
        return targets(
            personal_target(table, o.id, "requester_phone", o.requester_phone,
                            f"{t('reception.wo.field.requester')} {t('ops.field.phone')}"),
            *[text_target(table, o.id, col, getattr(o, col), t(f"reception.wo.field.{key}"))
              for col, key in (("location", "location"), ("description", "description"),
                               ("assignee", "assignee"), ("result", "result"),
                               ("materials", "materials"), ("visit_comment", "comment"),
                               ("cancel_reason", "reason"))])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return self.reveal_allowed()
        order = self.order
        if order is None:
            return action == "close"
        if action in ("step", "close_order"):
            step = "close" if action == "close_order" else str(parameters[0])
            return step in ra.work_order_actions(order, self.app.staff)
        if action == "open_contact":
            return order.contact_id is not None
        return True

    def why_refused(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """A step key the order's state refuses says why and which key is due."""
        if self.order is None or action not in ("step", "close_order"):
            return None
        step = "close" if action == "close_order" else str(parameters[0])
        err = ra.why_not_work_order(self.order, step, self.app.staff)
        return (str(err) if err is not None else t("common.refused.now")) + next_step_hint(
            self, ["step:dispatch", "step:complete", "step:visit", "close_order"])

    def action_close(self) -> None:
        self.dismiss(self.changed)

    def action_step(self, step: str) -> None:
        if self.order is not None:
            self.app.push_screen(StepForm(self.order, step), self._stepped)

    def _stepped(self, order: WorkOrder | None) -> None:
        if order is not None:
            self.changed = True
            self.notify(t("common.saved"))
            self.reload()

    def action_close_order(self) -> None:
        by, oid = self.app.staff, self.work_order_id
        self.call_service(lambda s: wo.close_work_order(s, by=by, work_order_id=oid),
                          write=True, done=self._stepped)

    def action_open_contact(self) -> None:
        if self.order is not None and self.order.contact_id is not None:
            self.app.push_screen(ContactDetail(self.order.contact_id))

    def action_print(self) -> None:
        if self.order is None:
            return
        print_document(self, "workorder", self.work_order_id)


# --------------------------------------------------------------------------------------
# The handover
# --------------------------------------------------------------------------------------


def summary_text(summary: HandoverSummary, *, notes: str = "") -> Text:
    text = Text()
    _line(text, t("reception.ho.period"), f"{summary.start[:16]} — {summary.end[:16]}")
    _line(text, t("reception.field.desk"), summary.desk)
    _line(text, t("reception.ho.staff"), t("form.list_sep").join(summary.staff) or "—")
    kinds = t("form.list_sep").join(f"{common.kind_label(k)} {n}" for k, n in
                     sorted(summary.contacts_by_kind.items(), key=lambda kv: -kv[1]))
    _line(text, t("reception.ho.contacts"),
          t("reception.ho.contacts_line", n=summary.contacts, kinds=kinds or "—",
            pending=summary.contacts_pending))
    _line(text, t("reception.ho.workorders"),
          t("reception.ho.workorders_line", opened=summary.workorders_opened,
            completed=summary.workorders_completed))
    if notes:
        _line(text, t("reception.handover.notes"), mask_text(notes), "bold")
    return text


COLLAPSE_AT = 5  # a section with more open items shows its count; Enter opens its list
PREVIEW_ROWS = 3  # rows of a long section shown in the writer's preview


def section_heading(section: str, items: list[Any]) -> str:
    """"快递待取（80，超时 3）": the section, how many, and how many are overdue."""
    late = sum(1 for i in items if i.overdue)
    count = t("reception.ho.count_late", n=len(items), late=late) if late else str(len(items))
    return t("common.with_note", text=t(section), note=count)


def item_text(item: Any) -> Text:
    """One open item; overdue ones marked 超时 in the style the area lists use for an
    overdue row (bold, error colour)."""
    if not item.overdue:
        return Text(item.label)
    text = Text(t("reception.ho.overdue_tag") + " ", style="bold red")
    text.append(item.label, style="bold red")
    return text


class HandoverWrite(DeskForm):
    """Write the handover of the desk's shift: the summary from the data, plus notes — the
    one form (Ctrl+S saves, Esc with typed notes asks first; Enter in the notes is a new
    line). Dismisses with the handover's id, ``None`` when cancelled."""

    DEFAULT_CSS = """
    HandoverWrite > Vertical { height: 90%; }
    HandoverWrite #hw-notes { height: auto; min-height: 5; max-height: 8; }  /* 3 to 6 lines */
    HandoverWrite #hw-summary { height: 1fr; }
    HandoverWrite #hw-preview { height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("reception.key.write_handover"), id="reception.key.write_handover",
                priority=True),
    ]
    hint_key = "reception.ho.write_hint"

    def __init__(self, shift_id: int, notes: str = "") -> None:
        super().__init__()
        self.form_title = t("reception.ho.write_title")
        self.shift_id = shift_id
        self.notes = notes

    def form_fields(self) -> ComposeResult:
        # the notes first: visible while typing, the generated summary below them
        yield from spec_fields([FieldSpec("notes", "reception.handover.notes", kind="notes",
                                          value=self.notes)], "hw")

    def form_below(self) -> ComposeResult:
        with VerticalScroll(can_focus=False, id="hw-summary"):
            yield Static(t("list.loading"), id="hw-preview")

    def on_mount(self) -> None:
        by, sid = self.app.staff, self.shift_id
        self.call_service(lambda s: shifts.preview_handover(s, by=by, shift_id=sid),
                          done=self._preview)
        self.query_one("#hw-notes", TextArea).focus()

    def _preview(self, summary: HandoverSummary) -> None:
        text = summary_text(summary)
        for section, items in summary.sections():
            text.append(f"\n{section_heading(section, items)}\n", style="bold")
            shown = items if len(items) <= COLLAPSE_AT else items[:PREVIEW_ROWS]
            for item in shown:
                text.append_text(Text("  ") + item_text(item))
                text.append("\n")
            if len(shown) < len(items):
                text.append("  " + t("reception.ho.more", n=len(items) - len(shown)) + "\n",
                            style="dim")
        if not summary.items:
            text.append("\n" + t("reception.ho.nothing_open") + "\n", style="green")
        self.query_one("#hw-preview", Static).update(text)

    def action_save(self) -> None:
        self.clear_errors()
        by, sid = self.app.staff, self.shift_id
        notes = self.value("#hw-notes")
        self.call_service(lambda s: shifts.write_handover(s, by=by, shift_id=sid, notes=notes).id,
                          write=True, done=self.dismiss, request_id=self.request_id)


class HandoverViewer(DeskModal[bool]):
    """A handover as written: figures, notes and every open item, grouped by section with
    counts (a long section — parcels waiting — is one line until Enter opens its list);
    Enter on an item opens its record. C lets the incoming staff member confirm it, once
    the handover has been read to its end (or marked 已阅 with R). Opened with
    ``confirming=True`` (C on the desk at the next login) it closes after confirming."""

    DEFAULT_CSS = _MODAL_CSS.format(name="HandoverViewer") + """
    HandoverViewer #hv-head { height: auto; max-height: 50%; }
    HandoverViewer OptionList { height: 1fr; min-height: 6; }
    HandoverViewer #hv-hint { height: auto; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", t("key.close"), id="key.close"),
        Binding("p", "print_record", t("print.key.print"), id="print.key.print"),
        Binding("c", "confirm", t("reception.key.confirm_handover"),
                id="reception.key.confirm_handover"),
        Binding("r", "mark_read", t("reception.key.read_handover"),
                id="reception.key.read_handover"),
    ]

    def action_print_record(self) -> None:
        """交接班记录 as filed (the documents service)."""
        print_document(self, "handover", self.handover_id)

    def __init__(self, handover_id: int, *, confirming: bool = False) -> None:
        super().__init__()
        self.handover_id = handover_id
        self.confirming = confirming
        self.view: HandoverView | None = None
        self._items: list[Any] = []
        self._open_sections: set[str] = set()
        self.read = False  # read to the end (or 已阅 pressed): confirming is possible
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("reception.ho.view_title"), classes="title", id="hv-title")
            yield Static("", id="hv-head")
            yield OptionList(id="hv-items")
            yield Static("", id="hv-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        hid = self.handover_id
        self.call_service(lambda s: shifts.get_handover(s, hid), done=self._show)

    def _show(self, view: HandoverView) -> None:
        self.view = view
        h = view.handover
        text = summary_text(view.summary, notes=h.notes)
        status = t(f"reception.ho.status.{h.status.value}")
        _line(text, t("reception.ho.col.writer"), f"{view.writer}  {_when(h.period_end)}")
        if h.status == HandoverStatus.CONFIRMED:
            _line(text, t("reception.ho.col.confirmer"), f"{view.confirmer}  {_when(h.confirmed_at)}")
        _line(text, t("reception.ho.col.status"), status,
              "bold yellow" if h.status == HandoverStatus.WRITTEN else "bold green")
        if h.reviewed_by:
            _line(text, t("reception.ho.reviewed_line"), f"{view.reviewer}  {_when(h.reviewed_at)}")
        self.query_one("#hv-head", Static).update(text)
        self._fill()

    def _fill(self) -> None:
        assert self.view is not None
        options = self.query_one(OptionList)
        keep = options.highlighted
        options.clear_options()
        self._items = []
        for section, items in self.view.summary.sections():
            heading = section_heading(section, items)
            if len(items) <= COLLAPSE_AT:
                options.add_option(Option(Text(heading, style="bold"), disabled=True))
            else:
                shown = section in self._open_sections
                key = "reception.ho.section_open" if shown else "reception.ho.section_closed"
                options.add_option(Option(Text(t(key, heading=heading), style="bold"),
                                          id=f"s:{section}"))
                if not shown:
                    continue
            for item in items:
                self._items.append(item)
                options.add_option(Option(Text("  ") + item_text(item),
                                          id=str(len(self._items) - 1)))
        if not self.view.summary.items:
            options.add_option(Option(t("reception.ho.nothing_open"), disabled=True))
        if keep is not None and options.option_count:
            options.highlighted = min(keep, options.option_count - 1)
        self.refresh_bindings()
        self.call_after_refresh(self._check_read)

    def _check_read(self) -> None:
        """Read when the whole list is in view, or the cursor has reached its end."""
        options = self.query_one(OptionList)
        if options.max_scroll_y <= 0 or (
                options.highlighted is not None
                and options.highlighted >= options.option_count - 1):
            self.read = True
        self._show_hint()

    def _show_hint(self) -> None:
        waiting = (self.view is not None
                   and self.view.handover.status == HandoverStatus.WRITTEN)
        hint = ""
        if waiting:
            hint = t("reception.ho.read_hint_done" if self.read else "reception.ho.read_hint")
        self.query_one("#hv-hint", Static).update(hint)

    @on(OptionList.OptionHighlighted)
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        if not self.read:
            self._check_read()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ra.HANDOVER_ACTIONS:
            return self.view is not None and action in ra.handover_actions(
                self.view.handover, self.app.staff)
        return True

    def why_refused(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """A refused confirm / 已阅 key says why (the service's rule)."""
        if self.view is None or action not in ra.HANDOVER_ACTIONS:
            return None
        err = ra.why_not_handover(self.view.handover, action, self.app.staff)
        return str(err) if err is not None else t("common.refused.now")

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id.startswith("s:"):  # a long section's heading: show / hide its list
            self._open_sections ^= {option_id[2:]}
            self._fill()
            return
        if not option_id.isdigit() or int(option_id) >= len(self._items):
            return
        item = self._items[int(option_id)]
        if item.ref is None or not areas.open_record(self.app, item.kind, item.id):
            self.notify(t("reception.cannot_open", kind=item.kind or "—"), severity="warning")

    def action_mark_read(self) -> None:
        """已阅: the reader says they have read the handover; a supervisor's reading is
        marked on the handover log (who, when)."""
        self.read = True
        self._show_hint()
        if self.app.is_supervisor():
            by, hid = self.app.staff, self.handover_id

            def marked(_: Any) -> None:
                self.changed = True
                self.notify(t("reception.ho.marked_read"))
                self.reload()

            self.call_service(lambda s: shifts.mark_handover_read(s, by=by, handover_id=hid),
                              write=True, done=marked)

    def action_confirm(self) -> None:
        if self.view is None:
            return
        if not self.read:
            self.notify(t("reception.ho.read_first"), severity="warning")
            self.query_one(OptionList).focus()
            return
        self.app.push_screen(HandoverConfirm(self.view), self._confirmed)

    def _confirmed(self, ok: bool | None) -> None:
        if ok:
            self.changed = True
            self.notify(t("reception.ho.confirmed"))
            if self.confirming:
                self.dismiss(True)
                return
            self.reload()

    def action_close(self) -> None:
        self.dismiss(self.changed)


class HandoverConfirm(FormMixin, DeskModal[bool]):
    """The incoming staff member signs the handover off with their login and password."""

    DEFAULT_CSS = """
    HandoverConfirm { align: center middle; }
    HandoverConfirm > Vertical { width: 72; height: auto; border: thick $primary;
                                 background: $surface; padding: 1 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", t("reception.key.confirm_handover"),
                id="reception.key.confirm_handover", priority=True),
        Binding("escape", "cancel", t("key.cancel"), id="key.cancel"),
    ]

    def __init__(self, view: HandoverView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        me = self.app.staff
        login = me.login if me is not None and me.id != self.view.handover.written_by else ""
        with Vertical():
            yield Label(t("reception.ho.confirm_title", writer=self.view.writer), classes="title")
            yield Field(t("login.login"), Input(value=login, id="hc-login"), name="login")
            yield Field(t("login.password"), Input(password=True, id="hc-password"),
                        name="password")
            yield Static("", id="hc-message", classes="error")
            yield Static(t("reception.ho.confirm_hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        target = "#hc-password" if self.query_one("#hc-login", Input).value else "#hc-login"
        self.query_one(target, Input).focus()

    @on(Input.Submitted, "#hc-login")
    def _next(self) -> None:
        self.query_one("#hc-password", Input).focus()

    @on(Input.Submitted, "#hc-password")
    def _submit(self) -> None:
        self.action_save()

    def show_error(self, err: DeskError) -> None:
        self.query_one("#hc-message", Static).update(str(err))

    def action_save(self) -> None:
        self.clear_errors()
        self.query_one("#hc-message", Static).update("")
        login = self.query_one("#hc-login", Input).value
        password = self.query_one("#hc-password", Input).value
        hid = self.view.handover.id
        assert hid is not None

        def confirm(s: Any) -> DeskError | bool:
            # The login screen's check: a wrong password here counts towards the lock and
            # is audited, so the failure is returned (committed), not raised.
            signed = staff_svc.sign_in(s, login=login, password=password, channel="handover")
            if signed.error is not None:
                return signed.error
            assert signed.staff is not None
            shifts.confirm_handover(s, by=signed.staff, handover_id=hid, password=password)
            return True

        def done(result: DeskError | bool) -> None:
            if isinstance(result, DeskError):
                self.show_error(result)
            else:
                self.dismiss(result)

        self.call_service(confirm, write=True, done=done)

    def action_cancel(self) -> None:
        self.dismiss(False)
