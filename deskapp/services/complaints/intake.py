"""Registering a complaint (from the desk or from a contact record)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from deskapp import clock, validators
from deskapp.db.models import Staff, Unit
from deskapp.db.models.complaints import (
    Complaint,
    ComplaintEvent,
    ComplaintState,
    ContactChannel,
    EscalationTarget,
    EventKind,
)
from deskapp.errors import Conflict, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import audit, hooks
from deskapp.services.complaints.deadlines import _category, deadlines_for
from deskapp.services.complaints.labels import (
    DESK_ROLES,
    FUTURE_GRACE,
    HANDLER_ROLES,
    MAX_BACKDATE,
    _text,
)
from deskapp.services.numbering import next_value
from deskapp.services.staff import require_role

# --------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------


@dataclass
class ComplaintCreate:
    """What the register form (客户投诉受理登记表) collects. Field names are the form's
    field names, so a ValidationError lands next to the right input."""

    complainant_name: str
    content: str
    channel: ContactChannel | str
    category_code: str
    complainant_phone: str = ""
    unit_id: int | None = None
    floor: str = ""
    place: str = ""
    target_person: str = ""
    target_department: str = ""
    request: str = ""
    received_at: datetime | None = None  # default: now
    major: bool = False
    escalate_to: EscalationTarget | str = EscalationTarget.SUPERVISOR  # when major
    owner_id: int | None = None  # the handler; default: the registering specialist
    heard: bool = False  # 听清楚
    asked: bool = False  # 问清楚
    recorded: bool = False  # 记清楚


def _staff(session: Session, staff_id: int | None, *, field: str) -> Staff:
    member = session.get(Staff, staff_id) if staff_id else None
    if member is None or not member.active or member.role not in HANDLER_ROLES:
        raise ValidationError("complaints.owner.invalid", field=field)
    return member


def _event(session: Session, c: Complaint, *, by: Staff | None, kind: EventKind,
           to_state: ComplaintState | None = None, note: str = "",
           target_staff_id: int | None = None,
           escalated_to: EscalationTarget | None = None, at: datetime | None = None,
           detail: dict[str, object] | None = None) -> ComplaintEvent:
    """Append one step to the timeline (and the audit log), moving the state if asked."""
    now = at or clock.now()
    from_state = c.state
    if to_state is not None:
        c.state = to_state
    c.updated_at = now
    session.add(c)
    assert c.id is not None
    event = ComplaintEvent(complaint_id=c.id, at=now, staff_id=by.id if by else None, kind=kind,
                           from_state=from_state, to_state=to_state, note=note,
                           target_staff_id=target_staff_id, escalated_to=escalated_to)
    session.add(event)
    session.flush()
    payload: dict[str, object] = {"number": c.number, "state": c.state.value}
    if note:
        payload["note"] = note[:200]
    payload.update(detail or {})
    audit.record(session, by=by, action=f"complaint.{kind.value}", entity="complaint",
                 entity_id=c.id, detail=payload)
    return event


def create_complaint(session: Session, *, by: Staff, data: ComplaintCreate,
                     contact_id: int | None = None,
                     settings: Mapping[str, object] | None = None) -> Complaint:
    """Register a complaint (受理登记) and number it gap-free (``TS2026-0001``).

    From a reception contact (``contact_id``) the contact is linked to the new complaint in
    the same transaction. A major complaint is escalated at once to ``data.escalate_to``.
    """
    require_role(by, *DESK_ROLES)
    now = clock.now()
    name = _text(data.complainant_name, field="complainant_name", max_len=50, required=True,
                 multiline=False)
    content = _text(data.content, field="content", max_len=2000, required=True)
    try:
        channel = ContactChannel(data.channel)
    except ValueError:
        raise ValidationError("complaints.channel.invalid", field="channel") from None
    phone_text = (data.complainant_phone or "").strip()
    if phone_text:
        phone = validators.phone(phone_text, field="complainant_phone")
    elif channel in (ContactChannel.LETTER, ContactChannel.EMAIL) or data.unit_id is not None:
        phone = ""  # reached through the unit's customer file, or by letter/email
    else:
        raise ValidationError("complaints.phone.required", field="complainant_phone")
    received = (data.received_at or now).replace(microsecond=0)
    if received > now + FUTURE_GRACE:
        raise ValidationError("complaints.time.future", field="received_at")
    if clock.earlier_than(received, now - MAX_BACKDATE):
        raise ValidationError("complaints.time.too_old", field="received_at",
                              days=MAX_BACKDATE.days)
    cat = _category(session, data.category_code)
    if not (data.heard and data.asked and data.recorded):
        raise ValidationError("complaints.five_clears.required", field="five_clears")
    unit: Unit | None = None
    if data.unit_id is not None:
        unit = session.get(Unit, data.unit_id)
        if unit is None:
            raise ValidationError("unit.not_found", field="unit")
    floor = _text(data.floor, field="floor", max_len=20, multiline=False)
    if not floor and unit is not None:
        floor = str(unit.floor)
    if data.owner_id is not None:
        owner = _staff(session, data.owner_id, field="owner")
    elif by.role in HANDLER_ROLES:
        owner = by
    else:
        raise ValidationError("complaints.owner.required", field="owner")
    try:
        escalate_to = EscalationTarget(data.escalate_to)
    except ValueError:
        raise ValidationError("complaints.escalate.target_invalid", field="escalate_to") from None
    first_due, close_due = deadlines_for(session, category_code=cat.code, received_at=received,
                                         settings=settings)
    assert by.id is not None and owner.id is not None
    number = f"TS{now.year}-{next_value(session, f'complaint-{now.year}'):04d}"
    c = Complaint(
        number=number, received_at=received, registered_at=now,
        place=_text(data.place, field="place", max_len=100, multiline=False),
        unit_id=unit.id if unit else None, unit_code=unit.code if unit else "", floor=floor,
        complainant_name=name, complainant_phone=phone, phone_tail=phone[-4:] if phone else "",
        target_person=_text(data.target_person, field="target_person", max_len=50,
                            multiline=False),
        target_department=_text(data.target_department, field="target_department", max_len=40,
                                multiline=False),
        content=content, request=_text(data.request, field="request", max_len=1000),
        channel=channel, category_code=cat.code, major=bool(data.major),
        heard=True, asked=True, recorded=True, received_by_id=by.id, owner_id=owner.id,
        state=ComplaintState.REGISTERED, first_response_due=first_due, close_due=close_due,
        contact_id=contact_id, updated_at=now,
    )
    session.add(c)
    session.flush()
    assert c.id is not None
    _event(session, c, by=by, kind=EventKind.REGISTERED, to_state=ComplaintState.REGISTERED,
           target_staff_id=owner.id, at=now,
           detail={"unit": c.unit_code, "name": name, "phone": mask_phone(phone),
                   "category": cat.code, "channel": channel.value, "major": c.major})
    if c.major:
        c.escalated_to, c.escalated_at = escalate_to, now
        _event(session, c, by=by, kind=EventKind.ESCALATED, escalated_to=escalate_to,
               note=t("complaints.escalate.major_note"), at=now,
               detail={"to": escalate_to.value})
    if contact_id is not None:
        from deskapp.services.reception import contacts as reception_contacts

        reception_contacts.link_contact(session, by=by, contact_id=contact_id,
                               ref=hooks.RecordRef("complaint", c.id))
    return c


def intake_from_contact(session: Session, contact_id: int) -> ComplaintCreate:
    """A register form prefilled from a reception contact (unit, person, phone, content,
    channel); the desk completes category and the five clears."""
    from deskapp.services.reception import contacts

    contact = contacts.get_contact(session, contact_id)
    if contact.linked_kind:
        raise Conflict("complaints.contact.already_linked")
    return ComplaintCreate(complainant_name=contact.person_name, content=contact.content,
                           channel=contact.channel, category_code="",
                           complainant_phone=contact.phone, unit_id=contact.unit_id,
                           received_at=contact.at)
