"""The reception log (前台接待): every contact at the desk is one :class:`Contact`.

Public API (other areas code against these names):

- :class:`ContactCreate` and :func:`log_contact` — log a contact (the cashier logs arrears
  reminders with ``kind=fee_reminder``);
- :func:`link_contact` — record that a contact became another record (a complaint, a work
  order): sets ``linked_kind``/``linked_id`` and the status "handed over";
- :func:`update_contact` — edit with history (every change is in the audit log with its
  old and new value);
- :class:`~deskapp.services.reception.lists.ContactSource` — the contact list for the record
  list;
- :func:`~deskapp.services.reception.figures.monthly_summary` — the month's figures for the
  supervisor's monthly report.

Work orders live in :mod:`deskapp.services.reception.workorders`, shifts and the handover
in :mod:`deskapp.services.reception.shifts`, the shared input helpers and labels in
:mod:`deskapp.services.reception.common`, the pending contacts for the handover in
:mod:`deskapp.services.reception.handover`.

Rules: content is required; a phone is validated when given; a contact needs a unit or a
person's name (an outside caller has no unit); the time may not lie in the future. A
complaint is never logged as "done" at the desk: it goes to the complaint workflow, so a
complaint logged as done is stored as pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Role, Staff, Unit
from deskapp.db.models.reception import (
    Contact,
    ContactChannel,
    ContactKind,
    ContactStatus,
    Shift,
    ShiftMember,
)
from deskapp.errors import Conflict, NotFound, ValidationError
from deskapp.masking import mask_phone
from deskapp.services import audit, hooks
from deskapp.services.reception.common import (
    DESK_ROLES,
    _enum,
    check_time,
    clean_phone,
    clean_text,
    staff_names,
)
from deskapp.services.reception.shifts import current_shift, open_shift
from deskapp.services.staff import require_role

__all__ = [
    "ContactCreate",
    "ContactUpdate",
    "contact_history",
    "get_contact",
    "link_contact",
    "log_contact",
    "update_contact",
]


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
