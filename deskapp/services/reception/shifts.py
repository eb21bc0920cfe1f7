"""Desk shifts and the shift handover (交接班 / 交接记录).

- A shift belongs to a desk (``Settings.desk``, e.g. "前台1"). The first receptionist or
  specialist to log in at a desk opens it (:func:`open_shift`, run by the login hook);
  anyone else who logs in at that desk while it is open *joins* it (the desk is normally
  staffed by two people), so there is at most one open shift per desk. Logging a contact
  at a desk with no open shift opens one too (whoever logs contacts there is on duty), and
  confirming a handover opens (or joins) the desk's next shift for the confirmer: the
  incoming receptionist who logged in before the handover was written keeps working in a
  shift of their own. Supervisors neither open nor join shifts.
- :func:`write_handover` closes the shift and stores a snapshot built from the data:
  contacts of the shift by kind, work orders opened and completed in it, and every item
  still open — pending contacts, open/overdue work orders and those awaiting a return visit,
  plus whatever other areas report through ``hooks.open_items_provider`` (visitors inside,
  keys out, parcels waiting, complaints, the cash summary) — with the writer's notes. Until
  it is confirmed the writer may write it again (the snapshot is rebuilt, the shift's end
  stays); the next login at the desk opens the next shift.
- :func:`confirm_handover`: the incoming staff member (never the writer) confirms it with
  their own login; it is read-only from then on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.db.models.reception import (
    Contact,
    ContactKind,
    ContactStatus,
    Handover,
    HandoverStatus,
    Shift,
    ShiftMember,
    WorkOrder,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from deskapp.i18n import t
from deskapp.services import audit, hooks
from deskapp.services.listing import FilterSpec, ListColumn, ListQuery, ListRow, SqlListSource
from deskapp.services.reception.common import DESK_ROLES, clean_text, staff_names
from deskapp.services.staff import check_password, require_role

__all__ = [
    "HandoverItem",
    "HandoverSource",
    "HandoverSummary",
    "HandoverView",
    "build_summary",
    "confirm_handover",
    "current_shift",
    "get_handover",
    "handovers_on",
    "mark_handover_read",
    "may_write_handover",
    "require_handover_writer",
    "shift_contact_count",
    "shift_contacts",
    "open_shift",
    "pending_handover",
    "shift_of",
    "write_handover",
]


# --------------------------------------------------------------------------------------
# Shifts
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


def shift_of(session: Session, shift_id: int) -> Shift:
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise NotFound("reception.shift.not_found")
    return shift


def open_shift_at_login(session: Session, staff: Staff, desk: str) -> None:
    if staff.role == Role.SUPERVISOR or not desk:
        return
    open_shift(session, by=staff, desk=desk)


def may_write_handover(session: Session, *, by: Staff, shift_id: int) -> bool:
    """Who may write a shift's handover: a desk role who was on the shift (opened or
    joined it). A supervisor, who never joins shifts, does not write the desk's handover
    — they read, confirm and mark the log (已阅)."""
    if by.role not in DESK_ROLES or by.id is None:
        return False
    return session.get(ShiftMember, (shift_id, by.id)) is not None


def require_handover_writer(session: Session, *, by: Staff, shift_id: int) -> Shift:
    """The shift, when ``by`` may write its handover (:func:`may_write_handover`)."""
    require_role(by, *DESK_ROLES)
    shift = shift_of(session, shift_id)
    if not may_write_handover(session, by=by, shift_id=shift_id):
        raise PermissionDenied("reception.handover.not_member")
    return shift


def shift_contacts(shift: Shift, end: datetime | None = None) -> ColumnElement[bool]:
    """The shift's own contacts: tied to the shift and dated within it (to the minute).
    A contact dated on an earlier day that was attached to the shift (a fee reminder
    recorded late) is not counted in the shift's figures — the same rule for the handover
    and the desk's shift line."""
    clause = (Contact.shift_id == shift.id) & (  # type: ignore[operator]
        Contact.at >= clock.to_minute(shift.opened_at))
    if end is not None:
        clause = clause & (Contact.at <= end)  # type: ignore[operator]
    return clause


def shift_contact_count(session: Session, shift: Shift) -> int:
    """How many contacts the desk's shift line shows (:func:`shift_contacts`)."""
    return int(session.exec(select(func.count()).select_from(Contact).where(  # type: ignore[call-overload]
        shift_contacts(shift, shift.closed_at))).one())


def contact_count(session: Session, shift_id: int) -> int:
    """How many contacts were logged in the shift."""
    return int(session.exec(select(func.count()).select_from(Contact)
                            .where(Contact.shift_id == shift_id)).one())


def members(session: Session, shift_id: int) -> list[Staff]:
    return list(session.exec(
        select(Staff).join(ShiftMember, ShiftMember.staff_id == Staff.id)
        .where(ShiftMember.shift_id == shift_id).order_by(ShiftMember.joined_at)
    ).all())


# --------------------------------------------------------------------------------------
# The summary
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverItem:
    section: str  # catalogue key of the section heading
    label: str
    kind: str = ""  # RecordRef.kind
    id: int = 0
    since: str = ""  # ISO time
    overdue: bool = False

    @property
    def ref(self) -> hooks.RecordRef | None:
        return hooks.RecordRef(self.kind, self.id) if self.kind else None


@dataclass(frozen=True)
class HandoverSummary:
    start: str
    end: str
    desk: str
    staff: list[str] = field(default_factory=list)  # names of the shift's members
    contacts: int = 0
    contacts_by_kind: dict[str, int] = field(default_factory=dict)
    contacts_pending: int = 0  # of this shift's contacts
    workorders_opened: int = 0
    workorders_completed: int = 0
    items: list[HandoverItem] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> HandoverSummary:
        raw: dict[str, Any] = json.loads(text or "{}")
        items = [HandoverItem(**item) for item in raw.pop("items", [])]
        return cls(items=items, **raw)

    def sections(self) -> list[tuple[str, list[HandoverItem]]]:
        """Items grouped by section, in first-seen order."""
        grouped: dict[str, list[HandoverItem]] = {}
        for item in self.items:
            grouped.setdefault(item.section, []).append(item)
        return list(grouped.items())


def build_summary(session: Session, *, shift: Shift, end: datetime,
                  staff_id: int | None = None) -> HandoverSummary:
    """What the handover says, from the data (contacts of the shift, work orders of the
    period, and every area's open items)."""
    start = shift.opened_at
    own = shift_contacts(shift, end)
    by_kind = {ContactKind(k).value: int(n) for k, n in session.exec(  # type: ignore[call-overload]
        select(Contact.kind, func.count()).where(own).group_by(Contact.kind)).all()}
    pending = session.exec(select(func.count()).select_from(Contact).where(  # type: ignore[call-overload]
        own, Contact.status == ContactStatus.PENDING)).one()
    opened = session.exec(select(func.count()).select_from(WorkOrder).where(  # type: ignore[call-overload]
        WorkOrder.created_at >= start, WorkOrder.created_at <= end)).one()
    completed = session.exec(select(func.count()).select_from(WorkOrder).where(  # type: ignore[call-overload]
        WorkOrder.completed_at >= start, WorkOrder.completed_at <= end)).one()  # type: ignore[operator]
    ctx = hooks.HandoverContext(start=start, end=end, staff_id=staff_id, desk=shift.desk,
                                extra={"shift_id": shift.id})
    items = [
        HandoverItem(section=i.section, label=i.label, kind=i.ref.kind if i.ref else "",
                     id=i.ref.id if i.ref else 0,
                     since=i.since.isoformat(sep=" ") if i.since else "", overdue=i.overdue)
        for i in hooks.open_items(session, ctx)
    ]
    assert shift.id is not None
    return HandoverSummary(
        start=start.isoformat(sep=" "), end=end.isoformat(sep=" "), desk=shift.desk,
        staff=[s.name for s in members(session, shift.id)],
        contacts=sum(by_kind.values()), contacts_by_kind=by_kind, contacts_pending=int(pending),
        workorders_opened=int(opened), workorders_completed=int(completed), items=items,
    )


# --------------------------------------------------------------------------------------
# Writing and confirming
# --------------------------------------------------------------------------------------


def write_handover(session: Session, *, by: Staff, shift_id: int, notes: str) -> Handover:
    """Write (or, until confirmed, rewrite) the handover of a shift; closes the shift."""
    shift = require_handover_writer(session, by=by, shift_id=shift_id)
    text = clean_text(notes, field="notes", label_key="reception.handover.notes", max_len=2000)
    existing = session.exec(select(Handover).where(Handover.shift_id == shift.id)).first()
    if existing is not None and existing.status == HandoverStatus.CONFIRMED:
        raise Conflict("reception.handover.confirmed")
    now = clock.now()
    end = shift.closed_at or now
    summary = build_summary(session, shift=shift, end=end, staff_id=by.id)
    assert by.id is not None and shift.id is not None
    if shift.closed_at is None:
        shift.closed_at, shift.closed_by = now, by.id
        session.add(shift)
    if existing is None:
        handover = Handover(shift_id=shift.id, desk=shift.desk, period_start=shift.opened_at,
                            period_end=end, written_by=by.id, notes=text,
                            summary=summary.to_json())
        action = "handover.write"
    else:
        handover = existing
        handover.written_by, handover.notes, handover.summary = by.id, text, summary.to_json()
        action = "handover.rewrite"
    session.add(handover)
    session.flush()
    audit.record(session, by=by, action=action, entity="handover", entity_id=handover.id,
                 detail={"shift": shift.id, "desk": shift.desk, "contacts": summary.contacts,
                         "open_items": len(summary.items)})
    return handover


def confirm_handover(session: Session, *, by: Staff, handover_id: int,
                     password: str | None = None) -> Handover:
    """The incoming staff member signs the handover off with their own login (their
    password is checked when given); it is read-only afterwards."""
    require_role(by, *DESK_ROLES)
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise NotFound("reception.handover.not_found")
    if handover.status != HandoverStatus.WRITTEN:
        raise InvalidTransition("reception.handover.confirmed")
    if handover.written_by == by.id:
        raise Conflict("reception.handover.same_staff")
    if password is not None:
        stored = session.get(Staff, by.id)
        if stored is None or not check_password(password, stored.password_hash):
            raise PermissionDenied("auth.bad_login")
    handover.status = HandoverStatus.CONFIRMED
    handover.confirmed_at, handover.confirmed_by = clock.now(), by.id
    session.add(handover)
    session.flush()
    audit.record(session, by=by, action="handover.confirm", entity="handover",
                 entity_id=handover.id, detail={"shift": handover.shift_id})
    if by.role != Role.SUPERVISOR:
        open_shift(session, by=by, desk=handover.desk)  # the confirmer takes the desk over
    return handover


def mark_handover_read(session: Session, *, by: Staff, handover_id: int) -> Handover:
    """已阅: a supervisor notes in the handover log that they have read this handover
    (who and when; a later reading replaces the mark, every reading is in the audit log).
    The handover itself — figures, notes, confirmation — is not touched."""
    require_role(by, Role.SUPERVISOR)
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise NotFound("reception.handover.not_found")
    handover.reviewed_at, handover.reviewed_by = clock.now(), by.id
    session.add(handover)
    session.flush()
    audit.record(session, by=by, action="handover.review", entity="handover",
                 entity_id=handover.id, detail={"shift": handover.shift_id})
    return handover


def pending_handover(session: Session, *, desk: str) -> Handover | None:
    """The desk's latest handover still waiting for confirmation."""
    return session.exec(
        select(Handover).where(Handover.desk == desk, Handover.status == HandoverStatus.WRITTEN)
        .order_by(Handover.period_end.desc())  # type: ignore[attr-defined]
    ).first()


@dataclass(frozen=True)
class HandoverView:
    handover: Handover
    summary: HandoverSummary
    writer: str
    confirmer: str
    reviewer: str = ""  # the supervisor who marked it 已阅


def get_handover(session: Session, handover_id: int) -> HandoverView:
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise NotFound("reception.handover.not_found")
    names = staff_names(session)
    return HandoverView(handover, HandoverSummary.from_json(handover.summary),
                        names.get(handover.written_by, ""),
                        names.get(handover.confirmed_by or 0, ""),
                        names.get(handover.reviewed_by or 0, ""))


def handovers_on(session: Session, day: date, *, desk: str | None = None) -> list[HandoverView]:
    """Every handover written on ``day`` (by the end of its shift), oldest first."""
    start, end = clock.day_range(day)
    query = select(Handover.id).where(Handover.period_end >= start, Handover.period_end < end)
    if desk:
        query = query.where(Handover.desk == desk)
    ids = session.exec(query.order_by(Handover.period_end)).all()  # type: ignore[arg-type]
    return [get_handover(session, hid) for hid in ids if hid is not None]


def preview_handover(session: Session, *, by: Staff, shift_id: int) -> HandoverSummary:
    """What the handover would say if written now (nothing is stored); only for those who
    may write it."""
    shift = require_handover_writer(session, by=by, shift_id=shift_id)
    return build_summary(session, shift=shift, end=shift.closed_at or clock.now(),
                         staff_id=by.id)


# --------------------------------------------------------------------------------------
# The supervisor's handover log
# --------------------------------------------------------------------------------------


class HandoverSource(SqlListSource):
    """Handovers newest first, by date (end of shift), staff (writer or confirmer), desk
    and status."""

    model = Handover
    order_by = (Handover.period_end.desc(), Handover.id.desc())  # type: ignore[attr-defined,union-attr]
    search_columns = ("notes", "desk")
    fts_table = None

    def __init__(self, *, staff: Sequence[tuple[int, str]] = ()) -> None:
        self.columns = [
            ListColumn("start", "reception.ho.col.start", 11),
            ListColumn("end", "reception.ho.col.end", 11),
            ListColumn("desk", "reception.ho.col.desk", 8),
            ListColumn("writer", "reception.ho.col.writer", 8),
            ListColumn("confirmer", "reception.ho.col.confirmer", 8),
            ListColumn("status", "reception.ho.col.status", 10),
            ListColumn("contacts", "reception.ho.col.contacts", 6, "right"),
            ListColumn("items", "reception.ho.col.items", 6, "right"),
            ListColumn("notes", "reception.ho.col.notes", 30),
            ListColumn("reviewed", "reception.ho.col.reviewed", 16),
        ]
        self.filters = [
            FilterSpec("from", "reception.filter.from", "date_from"),
            FilterSpec("to", "reception.filter.to", "date_to"),
            FilterSpec("staff", "reception.filter.staff", "choice",
                       [(str(i), name) for i, name in staff]),
            FilterSpec("status", "reception.filter.status", "choice",
                       [(s.value, t(f"reception.ho.status.{s.value}")) for s in HandoverStatus]),
        ]
        self.filter_columns = {"from": Handover.period_end, "to": Handover.period_end,  # type: ignore[dict-item]
                               "status": Handover.status}  # type: ignore[dict-item]
        self._names: dict[int, str] = {}

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        if key == "staff":
            try:
                sid = int(str(value))
            except ValueError:
                return None
            return or_(Handover.written_by == sid, Handover.confirmed_by == sid)  # type: ignore[arg-type]
        if key == "desk":
            return Handover.desk == str(value)  # type: ignore[return-value]
        return super().filter_clause(key, value)

    def select(self) -> Select[Any]:
        return select(Handover)

    def fetch(self, session: OrmSession, query: ListQuery, offset: int, limit: int, *,
              reverse: bool = False) -> list[ListRow]:
        self._names = staff_names(session)
        return super().fetch(session, query, offset, limit, reverse=reverse)

    def to_row(self, item: Handover) -> ListRow:
        summary = HandoverSummary.from_json(item.summary)
        style = "warning" if item.status == HandoverStatus.WRITTEN else ""
        return ListRow(item.id or 0, (
            item.period_start.strftime("%m-%d %H:%M"), item.period_end.strftime("%m-%d %H:%M"),
            item.desk, self._names.get(item.written_by, ""),
            self._names.get(item.confirmed_by or 0, ""),
            t(f"reception.ho.status.{item.status.value}"), str(summary.contacts),
            str(len(summary.items)), item.notes,
            t("reception.ho.reviewed", who=self._names.get(item.reviewed_by, ""),
              at=item.reviewed_at.strftime("%m-%d %H:%M"))
            if item.reviewed_by and item.reviewed_at else "",
        ), style)
