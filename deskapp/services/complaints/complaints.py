"""Complaint handling (投诉处理, SPEC §4): registration, the workflow, deadlines and
escalation, the complaint list and the monthly analysis.

Workflow — one accountable owner (谁受理、谁处理、谁跟进、谁回复) at every moment, every step
kept on the timeline (:class:`ComplaintEvent`) with who, when and a note::

    registered ─classify─▶ valid ─investigate─▶ investigated ─fix responsible─▶ assigned
        │                                                                          │
        └──────▶ invalid ─reply (reason)─▶ replied ─archive─▶ archived     solution │
                                                                                   ▼
    archived ◀─archive─ visited ◀─return visit (satisfied)─ replied ◀─reply─ solution
                                        │ not satisfied
                                        └──────────────▶ assigned (back to handling)

A valid complaint cannot be archived without its return visit, so the return-visit rate
is 100 % by construction. Receptionists register; specialists handle the complaints they
own (or take one over first); supervisors reassign, escalate and may act on any complaint.

Deadlines: each category has a time to first response and a time to close, in hours
(``complaint_category``; a site may override them in settings.toml as
``complaints.first_response_hours.<code>`` / ``complaints.close_hours.<code>``). They run
from the time the complaint was received and are counted as elapsed time in the site's
time zone (a DST change is honoured). The first response is the classification (判定).
Deadlines are fixed on the complaint when it is registered (and again if the category
changes at classification), so a later settings change does not move old deadlines.

Overdue complaints are escalated to the supervisor automatically
(:func:`escalate_overdue`, run at every login and whenever the complaint list opens); a
major complaint is escalated at once when registered.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from deskapp import clock, validators
from deskapp.db.models import Role, Staff, Unit
from deskapp.db.models.complaints import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintState,
    ContactChannel,
    EscalationTarget,
    EventKind,
    ReplyMethod,
    ServiceVisit,
    VisitKind,
)
from deskapp.errors import (
    Conflict,
    DeskError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from deskapp.i18n import has, language, t
from deskapp.masking import mask_phone
from deskapp.reporting.table import percent
from deskapp.services import audit, hooks
from deskapp.services.listing import FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.numbering import next_value
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import require_role
from deskapp.services.system_lines import localize

log = logging.getLogger("deskapp.complaints")

__all__ = [
    "DEFAULT_DEPARTMENTS",
    "FTS_TABLE",
    "SEARCH_COLUMNS",
    "ComplaintCreate",
    "ComplaintMonthFigures",
    "ComplaintSource",
    "Count",
    "add_hours",
    "add_note",
    "amend",
    "archive",
    "categories",
    "category_label",
    "classify",
    "create_complaint",
    "deadlines_for",
    "department_label",
    "departments",
    "elapsed_minutes",
    "escalate",
    "escalate_overdue",
    "fix_responsible",
    "format_minutes",
    "get_complaint",
    "handlers",
    "investigate",
    "monthly_analysis",
    "monthly_summary",
    "next_step",
    "overdue_clause",
    "reassign",
    "record_return_visit",
    "record_solution",
    "reply",
    "state_label",
    "take_over",
    "timeline",
]

FTS_TABLE = "complaint_fts"
SEARCH_COLUMNS = ("number", "unit_code", "complainant_name", "phone_tail", "place",
                  "target_person", "target_department", "content", "request")
HANDLER_ROLES = (Role.SPECIALIST, Role.SUPERVISOR)
DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST, Role.SUPERVISOR)
#: departments of the service centre (codes; labels in the catalogue). A site adds its own
#: with ``complaints.departments = ["…", …]`` in settings.toml.
DEFAULT_DEPARTMENTS = ("customer_service", "engineering", "security", "environment",
                       "finance", "centre", "external")
FUTURE_GRACE = timedelta(minutes=5)
MAX_BACKDATE = timedelta(days=31)
OPEN_ITEMS_LIMIT = 200
TEXT_LIMITS = {"place": 100, "complainant_name": 50, "floor": 20, "target_person": 50,
               "target_department": 40, "content": 2000, "request": 1000}


# --------------------------------------------------------------------------------------
# Small helpers: text, labels, time
# --------------------------------------------------------------------------------------


def _text(value: str | None, *, field: str, max_len: int, required: bool = False,
          multiline: bool = True) -> str:
    """Trim and check free text; the error names the form ``field`` and its label."""
    label = t(f"complaints.field.{field}")
    try:
        if required:
            return validators.required_text(value or "", label, max_len, multiline=multiline)
        return validators.optional_text(value or "", label, max_len, multiline=multiline) or ""
    except ValidationError as err:
        raise ValidationError(err.key, field=field, **err.params) from None


def state_label(state: ComplaintState | str) -> str:
    return t(f"complaints.state.{ComplaintState(state).value}")


def category_label(code: str, names: Mapping[str, str] | None = None) -> str:
    """A category's name in the current language: the catalogue has the default ones,
    a site's own categories show their stored name."""
    if has(f"complaints.category.{code}"):
        return t(f"complaints.category.{code}")
    return (names or {}).get(code, code)


def department_label(code: str) -> str:
    if not code:
        return t("complaints.dept.none")
    return t(f"complaints.dept.{code}") if has(f"complaints.dept.{code}") else code


def departments(settings: Mapping[str, object] | None = None) -> list[str]:
    """Department codes/names offered on the forms: the defaults plus the site's own."""
    extra = (settings or {}).get("complaints.departments") or []
    found = list(DEFAULT_DEPARTMENTS)
    if isinstance(extra, (list, tuple)):
        found += [str(d).strip() for d in extra if str(d).strip() and str(d) not in found]
    return found


def escalation_label(target: EscalationTarget | str | None) -> str:
    if not target:
        return ""
    return t(f"complaints.escalated.{EscalationTarget(target).value}")


def add_hours(start: datetime, hours: float | int) -> datetime:
    """``start`` (naive site-local) plus ``hours`` of elapsed time, as naive site-local
    time. Counted through UTC, so a daylight-saving change in the site's zone is
    honoured."""
    tz = clock.timezone()
    aware = start.replace(tzinfo=tz)
    later = aware.astimezone(UTC) + timedelta(hours=hours)
    return later.astimezone(tz).replace(tzinfo=None)


def elapsed_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes of real time between two naive site-local times (never negative)."""
    tz = clock.timezone()
    delta = end.replace(tzinfo=tz).astimezone(UTC) - start.replace(tzinfo=tz).astimezone(UTC)
    return max(0, int(delta.total_seconds() // 60))


def format_minutes(minutes: float | Decimal | int | None) -> str:
    """``1530`` → ``1天1小时30分`` (zh) / ``1d 1h 30m`` (en); ``None`` → ``—``."""
    if minutes is None:
        return "—"
    total = int(Decimal(str(minutes)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(t("complaints.duration.days", n=days))
    if hours:
        parts.append(t("complaints.duration.hours", n=hours))
    if mins or not parts:
        parts.append(t("complaints.duration.minutes", n=mins))
    return ("" if language() == "zh" else " ").join(parts)


# --------------------------------------------------------------------------------------
# Categories and deadlines
# --------------------------------------------------------------------------------------


def categories(session: OrmSession, *, active_only: bool = True) -> list[ComplaintCategory]:
    query = select(ComplaintCategory)
    if active_only:
        query = query.where(ComplaintCategory.active == True)  # noqa: E712
    return list(session.execute(query.order_by(ComplaintCategory.sort,
                                               ComplaintCategory.id)).scalars().all())


def _category(session: OrmSession, code: str, *, field: str = "category") -> ComplaintCategory:
    found = session.execute(
        select(ComplaintCategory).where(ComplaintCategory.code == (code or "").strip())
    ).scalars().first()
    if found is None or not found.active:
        raise ValidationError("complaints.category.unknown", field=field)
    return found


def _hours(settings: Mapping[str, object] | None, key: str, default: int) -> float:
    value = (settings or {}).get(key)
    if value is None:
        return float(default)
    try:
        hours = float(str(value))
    except ValueError:
        log.warning("settings %s=%r is not a number of hours; using %s", key, value, default)
        return float(default)
    return hours if hours > 0 else float(default)


def deadlines_for(session: OrmSession, *, category_code: str, received_at: datetime,
                  settings: Mapping[str, object] | None = None) -> tuple[datetime, datetime]:
    """(first response due, close due) for a complaint of ``category_code`` received at
    ``received_at``."""
    cat = _category(session, category_code)
    first = _hours(settings, f"complaints.first_response_hours.{cat.code}",
                   cat.first_response_hours)
    close = _hours(settings, f"complaints.close_hours.{cat.code}", cat.close_hours)
    return add_hours(received_at, first), add_hours(received_at, max(close, first))


def add_category(session: Session, *, by: Staff, code: str, name: str,
                 first_response_hours: int, close_hours: int) -> ComplaintCategory:
    """A site's own category (the list is extendable). Supervisor only."""
    require_role(by, Role.SUPERVISOR)
    code = (code or "").strip().lower()
    if not code or not code.isascii() or not code.replace("_", "").isalnum():
        raise ValidationError("complaints.category.code_invalid", field="code")
    name = _text(name, field="category_name", max_len=40, required=True, multiline=False)
    if first_response_hours <= 0 or close_hours < first_response_hours:
        raise ValidationError("complaints.category.hours_invalid", field="close_hours")
    if session.execute(select(ComplaintCategory.id)
                       .where(ComplaintCategory.code == code)).first() is not None:
        raise Conflict("complaints.category.exists", code=code)
    sort = session.execute(select(func.coalesce(func.max(ComplaintCategory.sort), 0))).scalar_one()
    cat = ComplaintCategory(code=code, name=name, first_response_hours=first_response_hours,
                            close_hours=close_hours, active=True, sort=int(sort) + 1)
    session.add(cat)
    session.flush()
    audit.record(session, by=by, action="complaint.category.add", entity="complaint_category",
                 entity_id=cat.id, detail={"code": code, "name": name,
                                           "first_response_hours": first_response_hours,
                                           "close_hours": close_hours})
    return cat


def set_category_hours(session: Session, *, by: Staff, code: str, first_response_hours: int,
                       close_hours: int) -> ComplaintCategory:
    """Change a category's deadlines (applies to complaints registered from now on)."""
    require_role(by, Role.SUPERVISOR)
    cat = _category(session, code, field="code")
    if first_response_hours <= 0 or close_hours < first_response_hours:
        raise ValidationError("complaints.category.hours_invalid", field="close_hours")
    old = (cat.first_response_hours, cat.close_hours)
    cat.first_response_hours, cat.close_hours = first_response_hours, close_hours
    session.add(cat)
    audit.record(session, by=by, action="complaint.category.hours", entity="complaint_category",
                 entity_id=cat.id, detail={"code": cat.code, "old": list(old),
                                           "new": [first_response_hours, close_hours]})
    return cat


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


def _staff(session: OrmSession, staff_id: int | None, *, field: str) -> Staff:
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


def intake_from_contact(session: OrmSession, contact_id: int) -> ComplaintCreate:
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


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def get_complaint(session: OrmSession, complaint_id: int) -> Complaint:
    c = session.get(Complaint, complaint_id)
    if c is None:
        raise NotFound("complaints.not_found")
    return c


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    kind: EventKind
    text: str  # translated one-liner
    note: str


def _names(session: OrmSession) -> dict[int, str]:
    from deskapp.services.staff import names

    return names(session)  # type: ignore[arg-type]


def timeline(session: OrmSession, complaint_id: int) -> list[TimelineEntry]:
    """Every step of a complaint, oldest first, ready to show."""
    names = _names(session)
    events = session.execute(
        select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint_id)
        .order_by(ComplaintEvent.id)).scalars().all()
    out = []
    for e in events:
        params: dict[str, object] = {
            "to": state_label(e.to_state) if e.to_state else "",
            "target": names.get(e.target_staff_id or 0, ""),
            "level": escalation_label(e.escalated_to),
        }
        out.append(TimelineEntry(e.at, names.get(e.staff_id or 0, t("complaints.system")),
                                 e.kind, t(f"complaints.event.{e.kind.value}", **params),
                                 localize(e.note)))  # a system line in today's language
    return out


def handlers(session: OrmSession) -> list[Staff]:
    """Active staff who may own a complaint (specialists and supervisors)."""
    return list(session.execute(
        select(Staff).where(Staff.active == True, Staff.role.in_(HANDLER_ROLES))  # noqa: E712
        .order_by(Staff.role, Staff.id)).scalars().all())


_NEXT: dict[ComplaintState, str] = {
    ComplaintState.REGISTERED: "classify",
    ComplaintState.VALID: "investigate",
    ComplaintState.INVALID: "reply",
    ComplaintState.INVESTIGATED: "responsible",
    ComplaintState.ASSIGNED: "solution",
    ComplaintState.SOLUTION: "reply",
    ComplaintState.VISITED: "archive",
    ComplaintState.ARCHIVED: "none",
}


def next_step(c: Complaint) -> str:
    """The action the complaint waits for: classify / investigate / responsible / solution /
    reply / visit / archive / none."""
    if c.state == ComplaintState.REPLIED:
        return "visit" if c.valid else "archive"
    return _NEXT[c.state]


def next_step_label(c: Complaint) -> str:
    return t(f"complaints.action.{next_step(c)}")


# --------------------------------------------------------------------------------------
# The workflow
# --------------------------------------------------------------------------------------


def _load_open(session: Session, complaint_id: int) -> Complaint:
    c = get_complaint(session, complaint_id)
    if c.state == ComplaintState.ARCHIVED:
        raise InvalidTransition("complaints.archived")
    return c


def _require_owner(session: Session, by: Staff, c: Complaint) -> None:
    """Specialists act only on complaints they own; supervisors on any."""
    require_role(by, Role.SPECIALIST)
    if by.role != Role.SUPERVISOR and c.owner_id != by.id:
        owner = session.get(Staff, c.owner_id)
        raise PermissionDenied("complaints.not_owner", owner=owner.name if owner else "?")


def _expect(c: Complaint, action: str, *states: ComplaintState) -> None:
    if c.state not in states:
        raise InvalidTransition("complaints.transition.refused",
                                action=t(f"complaints.action.{action}"),
                                state=state_label(c.state), next=next_step_label(c))


#: the states each workflow step runs in
_STEP_STATES: dict[str, tuple[ComplaintState, ...]] = {
    "classify": (ComplaintState.REGISTERED,),
    "investigate": (ComplaintState.VALID,),
    "responsible": (ComplaintState.INVESTIGATED, ComplaintState.ASSIGNED),
    "solution": (ComplaintState.ASSIGNED,),
    "reply": (ComplaintState.SOLUTION, ComplaintState.INVALID),
    "visit": (ComplaintState.REPLIED,),
}


def _check_step(c: Complaint, action: str) -> None:
    """Whether the workflow step ``action`` may run in the complaint's state; raises the
    error naming what must come first (each step function and :func:`why_not` use it)."""
    if c.state == ComplaintState.ARCHIVED:
        raise InvalidTransition("complaints.archived")
    if action == "reply" and c.state in (ComplaintState.VALID, ComplaintState.INVESTIGATED,
                                         ComplaintState.ASSIGNED):
        raise InvalidTransition("complaints.reply.no_responsible"
                                if c.state != ComplaintState.ASSIGNED
                                else "complaints.reply.no_solution")
    if action == "visit" and c.state == ComplaintState.REPLIED and not c.valid:
        raise InvalidTransition("complaints.visit.invalid_complaint")
    if action == "archive":
        if c.state == ComplaintState.REPLIED and c.valid:
            raise InvalidTransition("complaints.archive.no_visit")
        if not (c.state == ComplaintState.VISITED
                or (c.state == ComplaintState.REPLIED and c.valid is False)):
            _expect(c, "archive")
        return
    _expect(c, action, *_STEP_STATES[action])


def why_not(c: Complaint, action: str, *, by: Staff, owner_name: str = "") -> DeskError | None:
    """Why ``by`` may not take ``action`` (a workflow step, ``take_over``, ``reassign``,
    ``escalate``, ``note``, ``amend``) on ``c`` now: the error the service would refuse it
    with (its message names what to do first), or ``None`` when nothing stands in the
    way that is known before the form is filled in. Screens show it when a refused key is
    pressed."""
    try:
        if c.state == ComplaintState.ARCHIVED:
            raise InvalidTransition("complaints.archived")
        if action == "take_over":
            require_role(by, Role.SPECIALIST)
            if c.owner_id == by.id:
                raise Conflict("complaints.already_owner")
            return None
        if action == "reassign":
            require_role(by, Role.SUPERVISOR)
            return None
        if action in ("note", "amend"):
            require_role(by, *DESK_ROLES)
            return None
        require_role(by, Role.SPECIALIST)
        if by.role != Role.SUPERVISOR and c.owner_id != by.id:
            raise PermissionDenied("complaints.not_owner", owner=owner_name or "?")
        if action == "escalate":
            if c.escalated_to == EscalationTarget.DIRECTOR:
                raise Conflict("complaints.escalate.already",
                               level=escalation_label(c.escalated_to))
            return None
        if action in _STEP_STATES or action == "archive":
            _check_step(c, action)
    except DeskError as err:
        return err
    return None


def classify(session: Session, *, by: Staff, complaint_id: int, valid: bool,
             category_code: str | None = None, reason: str = "", note: str = "",
             settings: Mapping[str, object] | None = None) -> Complaint:
    """判定: confirm or change the category and judge valid or invalid (an invalid one
    needs its reason). This is the complaint's first response."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "classify")
    if category_code and category_code != c.category_code:
        cat = _category(session, category_code)
        c.category_code = cat.code
        c.first_response_due, c.close_due = deadlines_for(
            session, category_code=cat.code, received_at=c.received_at, settings=settings)
    note = _text(note, field="note", max_len=2000)
    if not valid:
        c.invalid_reason = _text(reason, field="reason", max_len=500, required=True)
    now = clock.now()
    c.valid = bool(valid)
    c.first_response_at = now
    c.first_response_minutes = elapsed_minutes(c.received_at, now)
    _event(session, c, by=by, kind=EventKind.CLASSIFIED,
           to_state=ComplaintState.VALID if valid else ComplaintState.INVALID,
           note=note if valid else c.invalid_reason, at=now,
           detail={"valid": bool(valid), "category": c.category_code})
    return c


def investigate(session: Session, *, by: Staff, complaint_id: int, findings: str) -> Complaint:
    """调查分析: record the cause found."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "investigate")
    c.investigation = _text(findings, field="findings", max_len=2000, required=True)
    _event(session, c, by=by, kind=EventKind.INVESTIGATED,
           to_state=ComplaintState.INVESTIGATED, note=c.investigation)
    return c


def fix_responsible(session: Session, *, by: Staff, complaint_id: int, department: str,
                    person: str = "", note: str = "") -> Complaint:
    """确定处理责任人: the department (and person) who carries it out. May be changed
    again until the solution is recorded."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "responsible")
    dept = _text(department, field="department", max_len=40, required=True, multiline=False)
    c.responsible_department = dept
    c.responsible_person = _text(person, field="person", max_len=50, multiline=False)
    label = department_label(dept) + (f" / {c.responsible_person}" if c.responsible_person
                                      else "")
    note = _text(note, field="note", max_len=2000)
    _event(session, c, by=by, kind=EventKind.RESPONSIBLE, to_state=ComplaintState.ASSIGNED,
           note=f"{label}" + (f"；{note}" if note else ""),
           detail={"department": dept, "person": c.responsible_person})
    return c


def record_solution(session: Session, *, by: Staff, complaint_id: int,
                    solution: str) -> Complaint:
    """处理方案 from the responsible party."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "solution")
    c.solution = _text(solution, field="solution", max_len=2000, required=True)
    _event(session, c, by=by, kind=EventKind.SOLUTION, to_state=ComplaintState.SOLUTION,
           note=c.solution)
    return c


def reply(session: Session, *, by: Staff, complaint_id: int, method: ReplyMethod | str,
          text: str) -> Complaint:
    """回复客户 by phone, email or visit: the solution (valid) or the reason (invalid)."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "reply")
    try:
        c.reply_method = ReplyMethod(method)
    except ValueError:
        raise ValidationError("complaints.reply.method_invalid", field="method") from None
    c.reply = _text(text, field="reply", max_len=2000, required=True)
    c.replied_at = clock.now()
    _event(session, c, by=by, kind=EventKind.REPLIED, to_state=ComplaintState.REPLIED,
           note=f"{t('complaints.method.' + c.reply_method.value)}：{c.reply}",
           detail={"method": c.reply_method.value})
    return c


def record_return_visit(session: Session, *, by: Staff, complaint_id: int, satisfied: bool,
                        score: int, method: ReplyMethod | str = ReplyMethod.PHONE,
                        note: str = "") -> ServiceVisit:
    """回访: ask whether the customer is satisfied with the result. Satisfied → ready to
    archive; not satisfied → back to handling (the responsible party and solution are
    worked out again). Recorded as a return visit (回访情况记录表) too."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "visit")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError("complaints.visit.score_invalid", field="score")
    if satisfied and score <= 2:
        raise ValidationError("complaints.visit.score_contradicts", field="score")
    if not satisfied and score >= 4:
        raise ValidationError("complaints.visit.score_contradicts", field="score")
    try:
        how = ReplyMethod(method)
    except ValueError:
        raise ValidationError("complaints.reply.method_invalid", field="method") from None
    note = _text(note, field="note", max_len=2000, required=not satisfied)
    now = clock.now()
    visit = ServiceVisit(kind=VisitKind.COMPLAINT, visited_at=now, visited_by_id=by.id,
                         method=how, complaint_id=c.id, unit_id=c.unit_id,
                         unit_code=c.unit_code, person_name=c.complainant_name,
                         phone=c.complainant_phone, satisfied=bool(satisfied), score=score,
                         note=note, created_at=now)
    session.add(visit)
    c.satisfaction, c.satisfied = score, bool(satisfied)
    label = t("complaints.visit.satisfied" if satisfied else "complaints.visit.unsatisfied")
    text = f"{label}（{t('complaints.score.' + str(score))}）" + (f"：{note}" if note else "")
    if satisfied:
        c.visited_at = now
        _event(session, c, by=by, kind=EventKind.RETURN_VISIT, to_state=ComplaintState.VISITED,
               note=text, at=now, detail={"satisfied": True, "score": score})
    else:
        c.reopened += 1
        _event(session, c, by=by, kind=EventKind.RETURN_VISIT, note=text, at=now,
               detail={"satisfied": False, "score": score})
        _event(session, c, by=by, kind=EventKind.REOPENED, to_state=ComplaintState.ASSIGNED,
               note=note, at=now)
    session.flush()
    return visit


def _archive_checks(session: Session, by: Staff, complaint_id: int, summary: str
                    ) -> tuple[Complaint, str]:
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    _check_step(c, "archive")
    return c, _text(summary, field="summary", max_len=2000)


def archive_preview(session: Session, *, by: Staff, complaint_id: int, summary: str = ""
                    ) -> ActionPreview:
    """What archiving will do, for the confirmation (refused as :func:`archive` would)."""
    c, summary = _archive_checks(session, by, complaint_id, summary)
    return ActionPreview(t("complaints.confirm.archive_title", number=c.number), [
        (t("complaints.confirm.number"), c.number),
        (t("complaints.confirm.unit"), c.unit_code or "—"),
        (t("complaints.confirm.complainant"), c.complainant_name),
        (t("complaints.confirm.category"), category_label(c.category_code)),
        (t("complaints.confirm.state"), state_label(c.state)),
        (t("complaints.confirm.summary"), summary or "—"),
        (t("complaints.confirm.effect"), t("complaints.confirm.archive_effect")),
    ])


def archive(session: Session, *, by: Staff, complaint_id: int, summary: str = "") -> Complaint:
    """归档 with the summary and evaluation (总结评价). A valid complaint needs its
    satisfied return visit first; an invalid one needs its reply."""
    c, summary = _archive_checks(session, by, complaint_id, summary)
    c.summary = summary
    now = clock.now()
    c.closed_at = now
    c.close_minutes = elapsed_minutes(c.received_at, now)
    _event(session, c, by=by, kind=EventKind.ARCHIVED, to_state=ComplaintState.ARCHIVED,
           note=c.summary, at=now)
    return c


def take_over(session: Session, *, by: Staff, complaint_id: int, note: str = "") -> Complaint:
    """A specialist takes a complaint over and becomes its one accountable owner."""
    require_role(by, Role.SPECIALIST)
    c = _load_open(session, complaint_id)
    if c.owner_id == by.id:
        raise Conflict("complaints.already_owner")
    previous = session.get(Staff, c.owner_id)
    c.owner_id = by.id
    _event(session, c, by=by, kind=EventKind.TAKEN_OVER, target_staff_id=by.id,
           note=_text(note, field="note", max_len=2000),
           detail={"from": previous.name if previous else ""})
    return c


def reassign(session: Session, *, by: Staff, complaint_id: int, owner_id: int,
             note: str = "") -> Complaint:
    """The supervisor hands a complaint to another handler."""
    require_role(by, Role.SUPERVISOR)
    c = _load_open(session, complaint_id)
    owner = _staff(session, owner_id, field="owner")
    if owner.id == c.owner_id:
        raise Conflict("complaints.reassign.same")
    c.owner_id = owner.id
    _event(session, c, by=by, kind=EventKind.REASSIGNED, target_staff_id=owner.id,
           note=_text(note, field="note", max_len=2000))
    return c


_LEVEL = {None: 0, EscalationTarget.SUPERVISOR: 1, EscalationTarget.DIRECTOR: 2}


def escalate(session: Session, *, by: Staff, complaint_id: int, to: EscalationTarget | str,
             reason: str) -> Complaint:
    """上报: to the supervisor (by the owner or a supervisor) or to the service-centre
    director (by a supervisor; a specialist only for a major complaint)."""
    c = _load_open(session, complaint_id)
    _require_owner(session, by, c)
    try:
        target = EscalationTarget(to)
    except ValueError:
        raise ValidationError("complaints.escalate.target_invalid", field="escalate_to") from None
    if (target == EscalationTarget.DIRECTOR and by.role != Role.SUPERVISOR and not c.major):
        raise PermissionDenied("complaints.escalate.director_needs_major")
    if _LEVEL[target] <= _LEVEL[c.escalated_to]:
        raise Conflict("complaints.escalate.already", level=escalation_label(c.escalated_to))
    reason = _text(reason, field="reason", max_len=2000, required=True)
    now = clock.now()
    c.escalated_to, c.escalated_at = target, now
    _event(session, c, by=by, kind=EventKind.ESCALATED, escalated_to=target, note=reason,
           at=now, detail={"to": target.value})
    return c


def add_note(session: Session, *, by: Staff, complaint_id: int, note: str) -> Complaint:
    """跟进记录: anyone at the desk may add a follow-up note (a call-back, a promise of a
    time); the state does not change."""
    require_role(by, *DESK_ROLES)
    c = _load_open(session, complaint_id)
    _event(session, c, by=by, kind=EventKind.NOTE,
           note=_text(note, field="note", max_len=2000, required=True))
    return c


AMENDABLE = ("place", "floor", "complainant_name", "complainant_phone", "target_person",
             "target_department", "content", "request")


def amend(session: Session, *, by: Staff, complaint_id: int, changes: Mapping[str, str],
          reason: str) -> Complaint:
    """Correct the registration (a misheard phone, a name) with a reason; old and new
    values stay on the timeline. The owner, the receiver (before classification) or a
    supervisor may amend; never once archived."""
    require_role(by, *DESK_ROLES)
    c = _load_open(session, complaint_id)
    receiver_may = c.received_by_id == by.id and c.state == ComplaintState.REGISTERED
    if not receiver_may:
        _require_owner(session, by, c)
    reason = _text(reason, field="reason", max_len=500, required=True)
    parts = []
    for key, raw in changes.items():
        if key not in AMENDABLE:
            raise ValidationError("complaints.amend.field_invalid", field=key)
        if key == "complainant_phone":
            value = validators.phone(raw, field=key) if (raw or "").strip() else ""
        else:
            value = _text(raw, field=key, max_len=TEXT_LIMITS[key],
                          required=key in ("complainant_name", "content"),
                          multiline=key in ("content", "request"))
        old = getattr(c, key)
        if value == old:
            continue
        setattr(c, key, value)
        if key == "complainant_phone":
            c.phone_tail = value[-4:] if value else ""
            old, value = mask_phone(old) if old else "", mask_phone(value) if value else ""
        parts.append(f"{t('complaints.field.' + key)}：{old or '—'} → {value or '—'}")
    if not parts:
        raise ValidationError("complaints.amend.nothing", field="reason")
    _event(session, c, by=by, kind=EventKind.AMENDED,
           note="；".join(parts) + f"（{t('complaints.field.reason')}：{reason}）")
    return c


#: every action :func:`allowed_actions` answers for (the screen's keys use these names)
ACTIONS = ("classify", "investigate", "responsible", "solution", "reply", "visit", "archive",
           "take_over", "reassign", "escalate", "note", "amend")


def allowed_actions(c: Complaint, staff: Staff | None) -> frozenset[str]:
    """What ``staff`` may do to ``c`` now — the same rules the workflow functions above
    enforce, for screens to show only the keys that will work."""
    if staff is None or not staff.active or c.state == ComplaintState.ARCHIVED:
        return frozenset()
    supervisor = staff.role == Role.SUPERVISOR
    handler = staff.role in HANDLER_ROLES
    owns = handler and (supervisor or c.owner_id == staff.id)
    allowed = {"note"}
    if owns:
        allowed.add(next_step(c))
        if c.state == ComplaintState.ASSIGNED:
            allowed.add("responsible")  # the responsible party may be corrected
        level = _LEVEL[c.escalated_to]
        if level < 1 or (level < 2 and (supervisor or c.major)):
            allowed.add("escalate")
    if handler and c.owner_id != staff.id:
        allowed.add("take_over")
    if supervisor:
        allowed.add("reassign")
    if owns or (c.received_by_id == staff.id and c.state == ComplaintState.REGISTERED):
        allowed.add("amend")
    return frozenset(allowed & set(ACTIONS))


# --------------------------------------------------------------------------------------
# Overdue and escalation
# --------------------------------------------------------------------------------------


def overdue_clause(now: datetime) -> Any:
    """SQL: open and past a deadline (not classified by the first-response time, or not
    archived by the close time)."""
    return and_(
        Complaint.closed_at.is_(None),
        or_(and_(Complaint.first_response_at.is_(None), Complaint.first_response_due < now),
            Complaint.close_due < now),
    )


def attention_counts(session: OrmSession, now: datetime | None = None) -> tuple[int, int]:
    """(overdue now, escalated and still open) — the banner of the complaint screen."""
    now = now or clock.now()
    row = session.execute(select(
        func.sum(case((overdue_clause(now), 1), else_=0)),
        func.sum(case((Complaint.escalated_to.is_not(None), 1), else_=0)),
    ).where(Complaint.closed_at.is_(None))).one()
    return int(row[0] or 0), int(row[1] or 0)


def is_overdue(c: Complaint, now: datetime | None = None) -> bool:
    now = now or clock.now()
    if c.closed_at is not None:
        return False
    return (c.first_response_at is None and c.first_response_due < now) or c.close_due < now


def escalate_overdue(session: Session, *, now: datetime | None = None,
                     limit: int = 500) -> list[Complaint]:
    """Flag newly overdue complaints and escalate each to the supervisor (unless it is
    already escalated), recorded on its timeline as done by the system. Idempotent."""
    now = now or clock.now()
    found = list(session.execute(
        select(Complaint).where(overdue_clause(now), Complaint.overdue_at.is_(None))
        .order_by(Complaint.id).limit(limit)).scalars().all())
    for c in found:
        c.overdue_at = now
        which = ("first_response" if c.first_response_at is None and c.first_response_due < now
                 else "close")
        due = c.first_response_due if which == "first_response" else c.close_due
        note = t(f"complaints.overdue.{which}", due=due.strftime("%Y-%m-%d %H:%M"))
        if c.escalated_to is None:
            c.escalated_to, c.escalated_at = EscalationTarget.SUPERVISOR, now
            _event(session, c, by=None, kind=EventKind.OVERDUE, note=note, at=now,
                   escalated_to=EscalationTarget.SUPERVISOR, detail={"which": which})
        else:
            _event(session, c, by=None, kind=EventKind.OVERDUE, note=note, at=now,
                   detail={"which": which})
    return found


def _overdue_at_login(session: Session, staff: Staff, desk: str) -> None:
    """Every login sweeps for newly overdue complaints, so they reach the supervisor
    without anyone having to remember. A failure here never blocks the login."""
    try:
        with session.begin_nested():
            escalate_overdue(session)
    except Exception:  # noqa: BLE001 — logged; the login must go on
        log.exception("escalating overdue complaints failed")


# --------------------------------------------------------------------------------------
# Handover
# --------------------------------------------------------------------------------------


def open_complaints(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    """Every complaint not yet archived, overdue ones first, with its next step and owner."""
    now = min(clock.now(), ctx.end) if ctx.end else clock.now()
    names = _names(session)
    overdue = case((overdue_clause(now), 0), else_=1)
    rows = session.execute(
        select(Complaint).where(Complaint.closed_at.is_(None))
        .order_by(overdue, Complaint.close_due, Complaint.id).limit(OPEN_ITEMS_LIMIT)
    ).scalars().all()
    items = []
    for c in rows:
        who = c.unit_code or c.complainant_name
        label = t("complaints.handover.item", number=c.number, who=who,
                  step=next_step_label(c), owner=names.get(c.owner_id, ""),
                  due=c.close_due.strftime("%m-%d %H:%M"))
        if c.escalated_to is not None:
            label += f" [{escalation_label(c.escalated_to)}]"
        items.append(hooks.OpenItem(section="complaints.handover.section", label=label,
                                    ref=hooks.RecordRef("complaint", c.id),
                                    since=c.received_at, overdue=is_overdue(c, now)))
    return items


# --------------------------------------------------------------------------------------
# The complaint list
# --------------------------------------------------------------------------------------

FLAG_CHOICES = ("overdue", "escalated", "major", "awaiting_visit", "reopened")


class ComplaintSource(SqlListSource):
    """The complaint list: newest first; filters by state, category, department, owner,
    flags (overdue, escalated, major, awaiting return visit), date; Chinese text search
    (FTS5 trigram) over number, unit, name, phone tail, place, people, content, request.

    Built with the category names and handlers read beforehand (on a worker thread).
    """

    model = Complaint
    order_by = (Complaint.received_at.desc(), Complaint.id.desc())
    search_columns = SEARCH_COLUMNS
    fts_table = FTS_TABLE

    def __init__(self, *, category_names: Mapping[str, str] | None = None,
                 handler_list: Sequence[tuple[int, str]] = (),
                 department_list: Sequence[str] = DEFAULT_DEPARTMENTS) -> None:
        self.category_names = dict(category_names or {})
        self.owner_names = dict(handler_list)
        self.columns = [
            ListColumn("number", "complaints.col.number", 12, priority=0),
            ListColumn("received", "complaints.col.received", 11, priority=6),
            ListColumn("state", "complaints.col.state", 12, priority=0,
                       fits=("complaints.state.",)),
            ListColumn("category", "complaints.col.category", 12, priority=5),
            ListColumn("unit", "complaints.col.unit", 10, priority=0),
            ListColumn("name", "complaints.col.name", 8, priority=4),
            ListColumn("phone", "complaints.col.phone", 13, priority=8),
            ListColumn("content", "complaints.col.content", 28, priority=3,
                       min_width=14),
            ListColumn("owner", "complaints.col.owner", 8, priority=0),
            ListColumn("due", "complaints.col.due", 11, priority=2),
            ListColumn("flags", "complaints.col.flags", 10, priority=1),
        ]
        self.filters = [
            FilterSpec("state", "complaints.filter.state", "choice",
                       [("open", t("complaints.filter.open"))]
                       + [(s.value, state_label(s)) for s in ComplaintState]),
            FilterSpec("category", "complaints.filter.category", "choice",
                       [(code, category_label(code, self.category_names))
                        for code in self.category_names]),
            FilterSpec("department", "complaints.filter.department", "choice",
                       [(d, department_label(d)) for d in department_list]),
            FilterSpec("owner", "complaints.filter.owner", "choice",
                       [(str(i), n) for i, n in handler_list]),
            FilterSpec("flag", "complaints.filter.flag", "choice",
                       [(f, t(f"complaints.flag.{f}")) for f in FLAG_CHOICES]),
            FilterSpec("from", "complaints.filter.from", "date_from"),
            FilterSpec("to", "complaints.filter.to", "date_to"),
        ]
        self.filter_columns = {"category": Complaint.category_code,
                               "department": Complaint.responsible_department,
                               "from": Complaint.received_at, "to": Complaint.received_at}

    def select(self) -> Select[Any]:
        return select(Complaint)

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "state":
            if value == "open":
                return Complaint.closed_at.is_(None)
            return Complaint.state == ComplaintState(str(value))
        if key == "owner":
            return Complaint.owner_id == int(str(value))
        if key == "unit_id":  # a fixed filter: one unit's complaints
            return Complaint.unit_id == int(str(value))
        if key == "flag":
            now = clock.now()
            if value == "overdue":
                return overdue_clause(now)
            if value == "escalated":
                return and_(Complaint.closed_at.is_(None), Complaint.escalated_to.is_not(None))
            if value == "major":
                return Complaint.major == True  # noqa: E712
            if value == "awaiting_visit":
                return and_(Complaint.state == ComplaintState.REPLIED,
                            Complaint.valid == True)  # noqa: E712
            if value == "reopened":
                return Complaint.reopened > 0
            return None
        return super().filter_clause(key, value)

    def to_row(self, c: Complaint) -> ListRow:
        now = clock.now()
        overdue = is_overdue(c, now)
        flags = []
        if overdue:
            flags.append(t("complaints.flag.short.overdue"))
        if c.major:
            flags.append(t("complaints.flag.short.major"))
        if c.escalated_to is not None and c.closed_at is None:
            flags.append(t("complaints.flag.short.escalated"))
        due = c.first_response_due if c.first_response_at is None else c.close_due
        style = ("overdue" if overdue else "warning" if c.escalated_to and c.closed_at is None
                 else "muted" if c.state == ComplaintState.ARCHIVED else "")
        return ListRow(c.id, (
            c.number,
            c.received_at.strftime("%m-%d %H:%M"),
            state_label(c.state),
            category_label(c.category_code, self.category_names),
            c.unit_code,
            c.complainant_name,
            mask_phone(c.complainant_phone) if c.complainant_phone else "",
            c.content,
            self.owner_names.get(c.owner_id, ""),
            "" if c.closed_at else due.strftime("%m-%d %H:%M"),
            " ".join(flags),
        ), style)


def list_source(session: OrmSession, *,
                settings: Mapping[str, object] | None = None) -> ComplaintSource:
    """A :class:`ComplaintSource` with this site's categories, handlers and departments."""
    cats = {c.code: c.name for c in categories(session, active_only=False)}
    return ComplaintSource(category_names=cats,
                           handler_list=[(s.id, s.name) for s in handlers(session)],
                           department_list=departments(settings))


# --------------------------------------------------------------------------------------
# Monthly analysis
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


_pct = percent  # the one per-cent helper (one decimal, HALF_UP)


@dataclass
class ComplaintMonthFigures:
    """The month's complaint figures (SPEC §4.8, §9), all counted in SQL by site-local
    month. Which complaints each figure counts:

    - volume, categories, channels, departments, validity, major, overdue: complaints
      *received* in the month; ``overdue`` = those that missed a deadline (answered or
      archived late, or still open past it now);
    - first response median/p90: those received in the month and classified;
    - close median/p90 and ``closed``: complaints *archived* in the month;
    - return-visit rate: valid complaints *replied to* in the month that had their return
      visit by the month's end;
    - satisfaction: complaint return visits *made* in the month (average score 1–5 and
      the share of satisfied customers).

    Durations are minutes of elapsed time; median is the mean of the middle two values
    for an even count; p90 is the nearest-rank 90th percentile.
    """

    year: int
    month: int
    volume: int = 0
    by_category: list[Count] = field(default_factory=list)
    by_channel: list[Count] = field(default_factory=list)
    by_department: list[Count] = field(default_factory=list)  # complained-about department
    by_responsible: list[Count] = field(default_factory=list)  # responsible department
    valid: int = 0
    invalid: int = 0
    unclassified: int = 0
    major: int = 0
    escalated: int = 0
    overdue: int = 0
    first_response_median: Decimal | None = None
    first_response_p90: Decimal | None = None
    closed: int = 0
    close_median: Decimal | None = None
    close_p90: Decimal | None = None
    replied_valid: int = 0
    return_visited: int = 0
    visits: int = 0
    satisfied: int = 0
    satisfaction_avg: Decimal | None = None
    open_now: int = 0
    previous: ComplaintMonthFigures | None = None

    @property
    def valid_share(self) -> Decimal | None:
        return _pct(self.valid, self.valid + self.invalid)

    @property
    def return_visit_rate(self) -> Decimal | None:
        return _pct(self.return_visited, self.replied_valid)

    @property
    def satisfied_share(self) -> Decimal | None:
        return _pct(self.satisfied, self.visits)

    def as_dict(self) -> dict[str, Any]:
        def num(v: Decimal | None) -> float | None:
            return None if v is None else float(v)

        out: dict[str, Any] = {
            "year": self.year, "month": self.month, "volume": self.volume,
            "by_category": {c.key: c.count for c in self.by_category},
            "by_channel": {c.key: c.count for c in self.by_channel},
            "by_department": {c.key: c.count for c in self.by_department},
            "by_responsible": {c.key: c.count for c in self.by_responsible},
            "valid": self.valid, "invalid": self.invalid, "unclassified": self.unclassified,
            "valid_share_pct": num(self.valid_share), "major": self.major,
            "escalated": self.escalated, "overdue": self.overdue,
            "first_response_median_min": num(self.first_response_median),
            "first_response_p90_min": num(self.first_response_p90),
            "closed": self.closed, "close_median_min": num(self.close_median),
            "close_p90_min": num(self.close_p90), "replied_valid": self.replied_valid,
            "return_visited": self.return_visited,
            "return_visit_rate_pct": num(self.return_visit_rate), "visits": self.visits,
            "satisfied": self.satisfied, "satisfied_share_pct": num(self.satisfied_share),
            "satisfaction_avg": num(self.satisfaction_avg),
        }
        if self.previous is not None:
            out["previous"] = self.previous.as_dict()
        return out


def _median_p90(session: OrmSession, column: Any, where: list[Any]) -> tuple[Decimal | None,
                                                                             Decimal | None]:
    """Median and nearest-rank p90 of ``column`` over ``where``, in one SQL query."""
    ranked = select(
        column.label("v"),
        func.row_number().over(order_by=column).label("rn"),
        func.count().over().label("n"),
    ).where(*where, column.is_not(None)).subquery()
    lo, hi = (ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2
    p90 = (ranked.c.n * 9 + 9) // 10
    row = session.execute(select(
        func.avg(case((or_(ranked.c.rn == lo, ranked.c.rn == hi), ranked.c.v))),
        func.max(case((ranked.c.rn == p90, ranked.c.v))),
    )).one()
    median = None if row[0] is None else Decimal(str(row[0])).quantize(Decimal("0.1"),
                                                                      ROUND_HALF_UP)
    return median, None if row[1] is None else Decimal(int(row[1]))


def _month_figures(session: OrmSession, year: int, month: int, now: datetime,
                   cat_names: Mapping[str, str]) -> ComplaintMonthFigures:
    from deskapp.services.reception.common import channel_label

    start, end = clock.month_range(year, month)
    f = ComplaintMonthFigures(year=year, month=month)
    received = [Complaint.received_at >= start, Complaint.received_at < end]
    missed = or_(func.coalesce(Complaint.first_response_at, now) > Complaint.first_response_due,
                 func.coalesce(Complaint.closed_at, now) > Complaint.close_due)
    row = session.execute(select(
        func.count(),
        func.sum(case((Complaint.valid == True, 1), else_=0)),  # noqa: E712
        func.sum(case((Complaint.valid == False, 1), else_=0)),  # noqa: E712
        func.sum(case((Complaint.valid.is_(None), 1), else_=0)),
        func.sum(case((Complaint.major == True, 1), else_=0)),  # noqa: E712
        func.sum(case((Complaint.escalated_to.is_not(None), 1), else_=0)),
        func.sum(case((missed, 1), else_=0)),
    ).where(*received)).one()
    (f.volume, f.valid, f.invalid, f.unclassified, f.major, f.escalated,
     f.overdue) = (int(v or 0) for v in row)

    def grouped(column: Any, label: Any) -> list[Count]:
        rows = session.execute(select(column, func.count()).where(*received)
                               .group_by(column).order_by(func.count().desc(), column)).all()
        return [Count(str(getattr(k, "value", k) or ""), label(k), int(n)) for k, n in rows]

    f.by_category = grouped(Complaint.category_code, lambda k: category_label(k, cat_names))
    f.by_channel = grouped(Complaint.channel, channel_label)
    f.by_department = grouped(Complaint.target_department, department_label)
    f.by_responsible = grouped(Complaint.responsible_department, department_label)
    f.first_response_median, f.first_response_p90 = _median_p90(
        session, Complaint.first_response_minutes, received)
    closed = [Complaint.closed_at >= start, Complaint.closed_at < end]
    f.closed = int(session.execute(select(func.count()).where(*closed)
                                   .select_from(Complaint)).scalar_one())
    f.close_median, f.close_p90 = _median_p90(session, Complaint.close_minutes, closed)
    visited_by_end = exists().where(ServiceVisit.complaint_id == Complaint.id,
                                    ServiceVisit.kind == VisitKind.COMPLAINT,
                                    ServiceVisit.visited_at < end)
    row = session.execute(select(
        func.count(), func.sum(case((visited_by_end, 1), else_=0)),
    ).where(Complaint.valid == True, Complaint.replied_at >= start,  # noqa: E712
            Complaint.replied_at < end)).one()
    f.replied_valid, f.return_visited = int(row[0] or 0), int(row[1] or 0)
    row = session.execute(select(
        func.count(), func.sum(case((ServiceVisit.satisfied == True, 1), else_=0)),  # noqa: E712
        func.avg(ServiceVisit.score),
    ).where(ServiceVisit.kind == VisitKind.COMPLAINT, ServiceVisit.visited_at >= start,
            ServiceVisit.visited_at < end)).one()
    f.visits, f.satisfied = int(row[0] or 0), int(row[1] or 0)
    f.satisfaction_avg = (None if row[2] is None else
                          Decimal(str(row[2])).quantize(Decimal("0.01"), ROUND_HALF_UP))
    return f


def monthly_analysis(session: OrmSession, *, year: int, month: int) -> ComplaintMonthFigures:
    """The month's analysis, with the previous month's figures in ``previous``."""
    if not 1 <= month <= 12:
        raise ValidationError("complaints.month.invalid", field="month")
    now = clock.now()
    cat_names = {c.code: c.name for c in categories(session, active_only=False)}
    figures = _month_figures(session, year, month, now, cat_names)
    py, pm = (year - 1, 12) if month == 1 else (year, month - 1)
    figures.previous = _month_figures(session, py, pm, now, cat_names)
    figures.open_now = int(session.execute(
        select(func.count()).select_from(Complaint).where(Complaint.closed_at.is_(None))
    ).scalar_one())
    return figures


def monthly_summary(session: OrmSession, *, year: int, month: int) -> ComplaintMonthFigures:
    """For the supervisor's monthly report: the same figures as :func:`monthly_analysis`."""
    return monthly_analysis(session, year=year, month=month)
