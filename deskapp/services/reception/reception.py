"""The reception log (前台接待): every contact at the desk is one :class:`Contact`.

Public API (other areas code against these names):

- :class:`ContactCreate` and :func:`log_contact` — log a contact (the cashier logs arrears
  reminders with ``kind=fee_reminder``);
- :func:`link_contact` — record that a contact became another record (a complaint, a work
  order): sets ``linked_kind``/``linked_id`` and the status "handed over";
- :func:`update_contact` — edit with history (every change is in the audit log with its
  old and new value);
- :class:`ContactSource` — the contact list for the record list;
- :func:`monthly_summary` — the month's figures for the supervisor's monthly report.

Work orders live in :mod:`deskapp.services.reception.workorders`, shifts and the handover
in :mod:`deskapp.services.reception.shifts`.

Rules: content is required; a phone is validated when given; a contact needs a unit or a
person's name (an outside caller has no unit); the time may not lie in the future. A
complaint is never logged as "done" at the desk: it goes to the complaint workflow, so a
complaint logged as done is stored as pending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from deskapp import clock, validators
from deskapp.db.models import Role, Staff, Unit
from deskapp.db.models.reception import (
    Contact,
    ContactChannel,
    ContactKind,
    ContactStatus,
    Handover,
    HandoverStatus,
    Shift,
    ShiftMember,
    WorkOrder,
    WorkOrderStatus,
)
from deskapp.errors import Conflict, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import audit, hooks
from deskapp.services.listing import FilterSpec, ListColumn, ListQuery, ListRow, SqlListSource
from deskapp.services.staff import require_role

__all__ = [
    "CONTACT_SEARCH_COLUMNS",
    "ContactCreate",
    "ContactSource",
    "ContactUpdate",
    "ReceptionMonthSummary",
    "clean_text",
    "contact_history",
    "current_shift",
    "get_contact",
    "link_contact",
    "log_contact",
    "monthly_summary",
    "open_shift",
    "parse_time",
    "staff_names",
    "update_contact",
]

#: How far in the future a typed time may lie (clock drift between desks).
FUTURE_GRACE = timedelta(minutes=5)
CONTACT_SEARCH_COLUMNS = ("content", "action_taken", "person_name", "unit_code", "phone", "note")
DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)


# --------------------------------------------------------------------------------------
# Input helpers shared by the reception services
# --------------------------------------------------------------------------------------


def clean_text(value: str | None, *, field: str, label_key: str, max_len: int,
               required: bool = False, multiline: bool = True) -> str:
    """Trim and check free text with :mod:`deskapp.validators`; the error names ``field``
    (the form field) and the translated label."""
    try:
        if required:
            return validators.required_text(value or "", t(label_key), max_len,
                                            multiline=multiline)
        return validators.optional_text(value or "", t(label_key), max_len,
                                        multiline=multiline) or ""
    except ValidationError as err:
        raise ValidationError(err.key, field=field, **err.params) from None


def clean_phone(value: str | None, *, field: str = "phone") -> str:
    text = (value or "").strip()
    return validators.phone(text, field=field) if text else ""


def check_time(at: datetime | None, *, field: str, not_before: datetime | None = None,
               before_key: str = "reception.time.before") -> datetime:
    """``at`` (default now), never in the future and never before ``not_before`` — compared
    to the minute (:func:`deskapp.clock.earlier_than`). A time in the same minute as
    ``not_before`` but before its seconds is stored as ``not_before``, so the record's
    steps never run backwards."""
    now = clock.now()
    value = (at or now).replace(microsecond=0)
    if value > now + FUTURE_GRACE:
        raise ValidationError("reception.time.future", field=field)
    if not_before is not None:
        if clock.earlier_than(value, not_before):
            raise ValidationError(before_key, field=field,
                                  at=not_before.strftime("%Y-%m-%d %H:%M"))
        value = max(value, not_before.replace(microsecond=0))
    return value


_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M")


def parse_time(text: str, *, field: str) -> datetime | None:
    """A time typed in a form: ``2026-11-30 09:30``, or ``09:30`` for today; empty → None
    (meaning now). Full-width digits are accepted."""
    import unicodedata

    value = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not value:
        return None
    if len(value) <= 5 and ":" in value:
        value = f"{clock.today().isoformat()} {value.zfill(5)}"
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValidationError("reception.time.invalid", field=field)


def _enum(enum: type[Any], value: object, field: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise ValidationError("reception.choice.invalid", field=field) from None


def staff_names(session: OrmSession) -> dict[int, str]:
    from deskapp.services.staff import names

    return names(session)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Shifts (the handover is in reception_shifts)
# --------------------------------------------------------------------------------------


def current_shift(session: Session, *, desk: str) -> Shift | None:
    """The desk's open shift, if any."""
    return session.exec(
        select(Shift).where(Shift.desk == desk, Shift.closed_at.is_(None))  # type: ignore[union-attr]
        .order_by(Shift.opened_at.desc())  # type: ignore[attr-defined]
    ).first()


def _join(session: Session, shift: Shift, staff: Staff) -> bool:
    if session.get(ShiftMember, (shift.id, staff.id)) is not None:
        return False
    assert shift.id is not None and staff.id is not None
    session.add(ShiftMember(shift_id=shift.id, staff_id=staff.id, joined_at=clock.now()))
    session.flush()
    return True


def open_shift(session: Session, *, by: Staff, desk: str) -> Shift:
    """Open the desk's shift, or join the one already open there (one open shift per
    desk)."""
    require_role(by, *DESK_ROLES)
    desk = clean_text(desk, field="desk", label_key="reception.field.desk", max_len=40,
                      required=True, multiline=False)
    shift = current_shift(session, desk=desk)
    if shift is not None:
        if _join(session, shift, by):
            audit.record(session, by=by, action="shift.join", entity="shift",
                         entity_id=shift.id, detail={"desk": desk})
        return shift
    assert by.id is not None
    shift = Shift(desk=desk, opened_at=clock.now(), opened_by=by.id)
    session.add(shift)
    session.flush()
    _join(session, shift, by)
    audit.record(session, by=by, action="shift.open", entity="shift", entity_id=shift.id,
                 detail={"desk": desk})
    return shift


# --------------------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------------------


@dataclass
class ContactCreate:
    channel: ContactChannel
    kind: ContactKind
    content: str
    unit_id: int | None = None
    person_name: str = ""
    phone: str = ""
    action_taken: str = ""
    status: ContactStatus = ContactStatus.DONE
    at: datetime | None = None


@dataclass
class ContactUpdate:
    """Fields to change; ``None`` leaves a field as it is. ``unit_id=0`` clears the unit."""

    channel: ContactChannel | None = None
    kind: ContactKind | None = None
    content: str | None = None
    unit_id: int | None = None
    person_name: str | None = None
    phone: str | None = None
    action_taken: str | None = None
    status: ContactStatus | None = None
    note: str | None = None
    at: datetime | None = None


def _unit(session: Session, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ValidationError("reception.unit.not_found", field="unit")
    return unit


def _shift_for(session: Session, by: Staff, desk: str | None) -> int | None:
    """The shift a contact belongs to. At a desk: the desk's open shift — opened (or
    joined) for ``by`` when needed, since whoever logs contacts at a desk is on duty there.
    Without a desk: the open shift ``by`` is a member of, if any."""
    if desk:
        if by.role == Role.SUPERVISOR:
            shift = current_shift(session, desk=desk)
        else:
            shift = open_shift(session, by=by, desk=desk)
        return shift.id if shift else None
    query = (select(Shift.id).where(Shift.closed_at.is_(None))  # type: ignore[union-attr]
             .join(ShiftMember, ShiftMember.shift_id == Shift.id)
             .where(ShiftMember.staff_id == by.id))
    return session.exec(query.order_by(Shift.opened_at.desc()).limit(1)).first()  # type: ignore[call-overload,attr-defined]


def log_contact(session: Session, *, by: Staff, data: ContactCreate,
                desk: str | None = None) -> Contact:
    """Log one contact. ``desk`` (optional) ties it to that desk's open shift; without
    it the contact joins the open shift ``by`` is a member of, if any."""
    require_role(by, *DESK_ROLES)
    channel = _enum(ContactChannel, data.channel, "channel")
    kind = _enum(ContactKind, data.kind, "kind")
    status = _enum(ContactStatus, data.status, "status")
    at = check_time(data.at, field="at")
    content = clean_text(data.content, field="content", label_key="reception.field.content",
                         max_len=2000, required=True)
    action = clean_text(data.action_taken, field="action_taken",
                        label_key="reception.field.action_taken", max_len=2000)
    name = clean_text(data.person_name, field="person_name",
                      label_key="reception.field.person_name", max_len=50, multiline=False)
    phone = clean_phone(data.phone)
    unit = _unit(session, data.unit_id)
    if unit is None and not name:
        raise ValidationError("reception.contact.who_required", field="unit")
    if kind == ContactKind.COMPLAINT and status == ContactStatus.DONE:
        status = ContactStatus.PENDING  # complaints always enter the complaint workflow
    assert by.id is not None
    contact = Contact(
        at=at, channel=channel, kind=kind, status=status,
        unit_id=unit.id if unit else None, unit_code=unit.code if unit else "",
        building_id=unit.building_id if unit else None,
        person_name=name, phone=phone, content=content, action_taken=action,
        staff_id=by.id, shift_id=_shift_for(session, by, desk), created_at=clock.now(),
    )
    session.add(contact)
    session.flush()
    audit.record(session, by=by, action="contact.create", entity="contact", entity_id=contact.id,
                 detail={"kind": kind.value, "channel": channel.value, "status": status.value,
                         "unit": contact.unit_code, "name": name, "phone": mask_phone(phone)
                         if phone else ""})
    return contact


def get_contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound("reception.contact.not_found")
    return contact


def update_contact(session: Session, *, by: Staff, contact_id: int,
                   data: ContactUpdate) -> Contact:
    """Change a contact; the audit log keeps each changed field's old and new value.
    A contact that became another record keeps its kind."""
    require_role(by, *DESK_ROLES)
    contact = get_contact(session, contact_id)
    new: dict[str, Any] = {}
    if data.channel is not None:
        new["channel"] = _enum(ContactChannel, data.channel, "channel")
    if data.kind is not None:
        kind = _enum(ContactKind, data.kind, "kind")
        if contact.linked_kind and kind != contact.kind:
            raise Conflict("reception.contact.linked_kind")
        new["kind"] = kind
    if data.status is not None:
        status = _enum(ContactStatus, data.status, "status")
        kind = new.get("kind", contact.kind)
        if kind == ContactKind.COMPLAINT and status == ContactStatus.DONE \
                and not contact.linked_kind:
            raise ValidationError("reception.contact.complaint_not_done", field="status")
        new["status"] = status
    if data.at is not None:
        new["at"] = check_time(data.at, field="at")
    if data.content is not None:
        new["content"] = clean_text(data.content, field="content",
                                    label_key="reception.field.content", max_len=2000,
                                    required=True)
    if data.action_taken is not None:
        new["action_taken"] = clean_text(data.action_taken, field="action_taken",
                                         label_key="reception.field.action_taken", max_len=2000)
    if data.note is not None:
        new["note"] = clean_text(data.note, field="note", label_key="reception.field.note",
                                 max_len=500)
    if data.person_name is not None:
        new["person_name"] = clean_text(data.person_name, field="person_name",
                                        label_key="reception.field.person_name", max_len=50,
                                        multiline=False)
    if data.phone is not None:
        new["phone"] = clean_phone(data.phone)
    if data.unit_id is not None:
        unit = _unit(session, data.unit_id or None)
        new["unit_id"] = unit.id if unit else None
        new["unit_code"] = unit.code if unit else ""
        new["building_id"] = unit.building_id if unit else None
    if not new.get("unit_id", contact.unit_id) and not new.get("person_name",
                                                              contact.person_name):
        raise ValidationError("reception.contact.who_required", field="unit")
    changes = {k: v for k, v in new.items() if getattr(contact, k) != v}
    if not changes:
        return contact
    before = {k: _plain(getattr(contact, k), k) for k in changes}
    for key, value in changes.items():
        setattr(contact, key, value)
    contact.updated_at = clock.now()
    contact.updated_by = by.id
    session.add(contact)
    session.flush()
    audit.record(session, by=by, action="contact.update", entity="contact", entity_id=contact.id,
                 detail={"before": before,
                         "after": {k: _plain(v, k) for k, v in changes.items()}})
    return contact


def _plain(value: object, key: str) -> object:
    if key == "phone" and value:
        return mask_phone(str(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return getattr(value, "value", value)


def link_contact(session: Session, *, by: Staff, contact_id: int,
                 ref: hooks.RecordRef) -> Contact:
    """Record that this contact became ``ref`` (a complaint, a work order): the contact
    is then "handed over". Linking again to the same record does nothing; a contact can
    become only one record."""
    require_role(by, *DESK_ROLES)
    contact = get_contact(session, contact_id)
    if contact.linked_kind:
        if contact.linked_kind == ref.kind and contact.linked_id == ref.id:
            return contact
        raise Conflict("reception.contact.already_linked", kind=contact.linked_kind,
                       id=contact.linked_id)
    contact.linked_kind = ref.kind
    contact.linked_id = ref.id
    contact.status = ContactStatus.HANDED_OVER
    contact.updated_at = clock.now()
    contact.updated_by = by.id
    session.add(contact)
    session.flush()
    audit.record(session, by=by, action="contact.link", entity="contact", entity_id=contact.id,
                 detail={"kind": ref.kind, "id": ref.id})
    return contact


def contact_history(session: Session, contact_id: int) -> list[tuple[datetime, str, str, str]]:
    """(when, who, action, detail) of every audited change of a contact, oldest first."""
    names = staff_names(session)
    return [(e.at, names.get(e.staff_id or 0, ""), e.action, e.detail)
            for e in audit.entries_for(session, entity="contact", entity_id=contact_id)]


# --------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------


def kind_label(kind: ContactKind | str) -> str:
    return t(f"reception.kind.{ContactKind(kind).value}")


def channel_label(channel: ContactChannel | str) -> str:
    return t(f"reception.channel.{ContactChannel(channel).value}")


def status_label(status: ContactStatus | str) -> str:
    return t(f"reception.status.{ContactStatus(status).value}")


# --------------------------------------------------------------------------------------
# The contact list
# --------------------------------------------------------------------------------------


class ContactSource(SqlListSource):
    """Contacts newest first. Filters: date range, kind, status, staff, building; the
    search box covers content, action, name, room, phone and note (FTS5 trigram for
    three or more characters, LIKE for shorter terms)."""

    model = Contact
    order_by = (Contact.at.desc(), Contact.id.desc())  # type: ignore[attr-defined,union-attr]
    search_columns = CONTACT_SEARCH_COLUMNS
    fts_table = "contact_fts"

    def __init__(self, *, staff: Sequence[tuple[int, str]] = (),
                 buildings: Sequence[tuple[int, str]] = ()) -> None:
        self.columns = [
            ListColumn("at", "reception.col.at", 11, priority=0),
            ListColumn("channel", "reception.col.channel", 8, priority=6,
                       fits=("reception.channel.",)),
            ListColumn("kind", "reception.col.kind", 8, priority=3,
                       fits=("reception.kind.",)),
            ListColumn("unit", "reception.col.unit", 10, priority=0),
            ListColumn("name", "reception.col.name", 8, priority=4),
            ListColumn("phone", "reception.col.phone", 13, priority=7),
            ListColumn("content", "reception.col.content", 36, priority=2,
                       min_width=14),
            ListColumn("status", "reception.col.status", 6, priority=0,
                       fits=("reception.status.",)),
            ListColumn("staff", "reception.col.staff", 8, priority=0),
        ]
        self.filters = [
            FilterSpec("from", "reception.filter.from", "date_from"),
            FilterSpec("to", "reception.filter.to", "date_to"),
            FilterSpec("kind", "reception.filter.kind", "choice",
                       [(k.value, kind_label(k)) for k in ContactKind]),
            FilterSpec("status", "reception.filter.status", "choice",
                       [(s.value, status_label(s)) for s in ContactStatus]),
            FilterSpec("staff", "reception.filter.staff", "choice",
                       [(str(i), name) for i, name in staff]),
            FilterSpec("building", "reception.filter.building", "choice",
                       [(str(i), name) for i, name in buildings]),
        ]
        self.filter_columns = {
            "from": Contact.at, "to": Contact.at, "kind": Contact.kind,  # type: ignore[dict-item]
            "status": Contact.status, "staff": Contact.staff_id,  # type: ignore[dict-item]
            "building": Contact.building_id,  # type: ignore[dict-item]
            "unit": Contact.unit_id, "shift": Contact.shift_id,  # type: ignore[dict-item]
        }
        self._names: dict[int, str] = {}

    def filter_clause(self, key: str, value: object):  # type: ignore[no-untyped-def]
        if key in ("staff", "building", "unit", "shift"):
            try:
                return self.filter_columns[key] == int(str(value))
            except ValueError:
                return None
        return super().filter_clause(key, value)

    def select(self) -> Select[Any]:
        return select(Contact)

    def fetch(self, session: OrmSession, query: ListQuery, offset: int, limit: int, *,
              reverse: bool = False) -> list[ListRow]:
        self._names = staff_names(session)
        return super().fetch(session, query, offset, limit, reverse=reverse)

    def to_row(self, item: Contact) -> ListRow:
        text = item.content
        if item.action_taken:
            text = f"{text} → {item.action_taken}"
        status = status_label(item.status)
        if item.linked_kind:
            status = t("reception.status.linked")
        style = "warning" if item.status == ContactStatus.PENDING else ""
        return ListRow(item.id or 0, (
            item.at.strftime("%m-%d %H:%M"), channel_label(item.channel), kind_label(item.kind),
            item.unit_code, item.person_name, mask_phone(item.phone) if item.phone else "",
            text, status, self._names.get(item.staff_id, ""),
        ), style)


# --------------------------------------------------------------------------------------
# Handover: pending contacts stay open
# --------------------------------------------------------------------------------------

OPEN_ITEMS_LIMIT = 100


def pending_contacts(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    rows = session.exec(
        select(Contact).where(Contact.status == ContactStatus.PENDING)
        .order_by(Contact.at.desc()).limit(OPEN_ITEMS_LIMIT)  # type: ignore[attr-defined]
    ).all()
    items = []
    for c in rows:
        who = " ".join(x for x in (c.unit_code, c.person_name) if x)
        label = t("reception.handover.contact_item", at=c.at.strftime("%m-%d %H:%M"),
                  kind=kind_label(c.kind), who=who, content=c.content[:40])
        items.append(hooks.OpenItem("reception.section.contacts", label,
                                    hooks.RecordRef("contact", c.id or 0), c.at))
    return items


# --------------------------------------------------------------------------------------
# Monthly summary
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceptionMonthSummary:
    """The month's reception figures (site-local calendar month)."""

    year: int
    month: int
    contacts: int = 0
    contacts_by_kind: dict[str, int] = field(default_factory=dict)
    contacts_by_channel: dict[str, int] = field(default_factory=dict)
    contacts_pending: int = 0  # of the month's contacts, still pending now
    workorders_created: int = 0
    workorders_completed: int = 0  # completed in the month
    workorders_completed_on_time: int = 0
    workorders_overdue_open: int = 0  # opened in the month, not completed, past due
    workorders_visited: int = 0  # return visits made in the month
    satisfaction_avg: float | None = None  # of those visits, 1–5
    workorders_cancelled: int = 0
    handovers: int = 0
    handovers_confirmed: int = 0

    @property
    def on_time_rate(self) -> float | None:
        if not self.workorders_completed:
            return None
        return self.workorders_completed_on_time / self.workorders_completed


def monthly_summary(session: Session, *, year: int, month: int) -> ReceptionMonthSummary:
    """Figures of one month, counted in SQL by site-local month."""
    start, end = clock.month_range(year, month)
    in_month = (Contact.at >= start) & (Contact.at < end)  # type: ignore[operator]
    by_kind = dict(session.exec(  # type: ignore[call-overload]
        select(Contact.kind, func.count()).where(in_month).group_by(Contact.kind)).all())
    by_channel = dict(session.exec(  # type: ignore[call-overload]
        select(Contact.channel, func.count()).where(in_month).group_by(Contact.channel)).all())
    pending = session.exec(select(func.count()).select_from(Contact).where(  # type: ignore[call-overload]
        in_month, Contact.status == ContactStatus.PENDING)).one()
    now = clock.now()
    created_in = (WorkOrder.created_at >= start) & (WorkOrder.created_at < end)  # type: ignore[operator]
    open_states = (WorkOrderStatus.CREATED, WorkOrderStatus.DISPATCHED)
    created, cancelled, overdue = session.exec(select(  # type: ignore[call-overload]
        func.count(),
        func.coalesce(func.sum(case((WorkOrder.status == WorkOrderStatus.CANCELLED, 1),
                                    else_=0)), 0),
        func.coalesce(func.sum(case((WorkOrder.status.in_(open_states)  # type: ignore[attr-defined]
                                     & (WorkOrder.due_at < now), 1), else_=0)), 0),
    ).where(created_in)).one()
    completed_in = (WorkOrder.completed_at >= start) & (WorkOrder.completed_at < end)  # type: ignore[operator]
    completed, on_time = session.exec(select(  # type: ignore[call-overload]
        func.count(),
        func.coalesce(func.sum(case((WorkOrder.completed_at <= WorkOrder.due_at, 1),  # type: ignore[operator]
                                    else_=0)), 0),
    ).where(completed_in)).one()
    visited_in = (WorkOrder.visited_at >= start) & (WorkOrder.visited_at < end)  # type: ignore[operator]
    visited, avg = session.exec(select(  # type: ignore[call-overload]
        func.count(), func.avg(WorkOrder.satisfaction)).where(visited_in)).one()
    handover_in = (Handover.period_end >= start) & (Handover.period_end < end)  # type: ignore[operator]
    handovers, confirmed = session.exec(select(  # type: ignore[call-overload]
        func.count(),
        func.coalesce(func.sum(case((Handover.status == HandoverStatus.CONFIRMED, 1),
                                    else_=0)), 0),
    ).where(handover_in)).one()
    return ReceptionMonthSummary(
        year=year, month=month, contacts=sum(by_kind.values()),
        contacts_by_kind={ContactKind(k).value: int(n) for k, n in by_kind.items()},
        contacts_by_channel={ContactChannel(k).value: int(n) for k, n in by_channel.items()},
        contacts_pending=int(pending), workorders_created=int(created),
        workorders_completed=int(completed), workorders_completed_on_time=int(on_time),
        workorders_overdue_open=int(overdue), workorders_visited=int(visited),
        satisfaction_avg=round(float(avg), 2) if avg is not None else None,
        workorders_cancelled=int(cancelled), handovers=int(handovers),
        handovers_confirmed=int(confirmed),
    )
