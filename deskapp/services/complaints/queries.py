"""Reading complaints: one complaint, its timeline, the handlers, the next step, and
the complaint list source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.complaints import Complaint, ComplaintEvent, ComplaintState, EventKind
from deskapp.errors import NotFound
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services.complaints.deadlines import categories
from deskapp.services.complaints.labels import (
    DEFAULT_DEPARTMENTS,
    FTS_TABLE,
    HANDLER_ROLES,
    SEARCH_COLUMNS,
    category_label,
    department_label,
    departments,
    escalation_label,
    state_label,
)
from deskapp.services.complaints.overdue import is_overdue, overdue_clause
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.system_lines import localize

# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def get_complaint(session: Session, complaint_id: int) -> Complaint:
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


def _names(session: Session) -> dict[int, str]:
    from deskapp.services.staff import names

    return names(session)


def timeline(session: Session, complaint_id: int) -> list[TimelineEntry]:
    """Every step of a complaint, oldest first, ready to show."""
    names = _names(session)
    events = session.execute(
        select(ComplaintEvent).where(col(ComplaintEvent.complaint_id) == complaint_id)
        .order_by(col(ComplaintEvent.id))).scalars().all()
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


def handlers(session: Session) -> list[Staff]:
    """Active staff who may own a complaint (specialists and supervisors)."""
    return list(session.execute(
        select(Staff).where(col(Staff.active) == True,  # noqa: E712
                            col(Staff.role).in_(HANDLER_ROLES))
        .order_by(col(Staff.role), col(Staff.id))).scalars().all())


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
    order_by = (col(Complaint.received_at).desc(), col(Complaint.id).desc())
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
        self.filter_columns = {"category": col(Complaint.category_code),
                               "department": col(Complaint.responsible_department),
                               "from": col(Complaint.received_at), "to": col(Complaint.received_at)}

    def select(self) -> AnySelect:
        return select(Complaint)

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "state":
            if value == "open":
                return col(Complaint.closed_at).is_(None)
            return col(Complaint.state) == ComplaintState(str(value))
        if key == "owner":
            return col(Complaint.owner_id) == int(str(value))
        if key == "unit_id":  # a fixed filter: one unit's complaints
            return col(Complaint.unit_id) == int(str(value))
        if key == "flag":
            now = clock.now()
            if value == "overdue":
                return overdue_clause(now)
            if value == "escalated":
                return and_(col(Complaint.closed_at).is_(None),
                            col(Complaint.escalated_to).is_not(None))
            if value == "major":
                return col(Complaint.major) == True  # noqa: E712
            if value == "awaiting_visit":
                return and_(col(Complaint.state) == ComplaintState.REPLIED,
                            col(Complaint.valid) == True)  # noqa: E712
            if value == "reopened":
                return col(Complaint.reopened) > 0
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
        assert c.id is not None
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


def list_source(session: Session, *,
                settings: Mapping[str, object] | None = None) -> ComplaintSource:
    """A :class:`ComplaintSource` with this site's categories, handlers and departments."""
    cats = {c.code: c.name for c in categories(session, active_only=False)}
    return ComplaintSource(category_names=cats,
                           handler_list=[(s.id, s.name) for s in handlers(session)
                                         if s.id is not None],
                           department_list=departments(settings))
