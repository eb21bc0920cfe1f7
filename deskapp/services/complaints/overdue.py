"""Overdue complaints and their automatic escalation to the supervisor (at every login
and whenever the complaint list opens)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.complaints import Complaint, EscalationTarget, EventKind
from deskapp.i18n import t
from deskapp.services.complaints.intake import _event

log = logging.getLogger("deskapp.complaints")


# --------------------------------------------------------------------------------------
# Overdue and escalation
# --------------------------------------------------------------------------------------


def overdue_clause(now: datetime) -> Any:
    """SQL: open and past a deadline (not classified by the first-response time, or not
    archived by the close time)."""
    return and_(
        col(Complaint.closed_at).is_(None),
        or_(and_(col(Complaint.first_response_at).is_(None),
                 col(Complaint.first_response_due) < now),
            col(Complaint.close_due) < now),
    )


def attention_counts(session: Session, now: datetime | None = None) -> tuple[int, int]:
    """(overdue now, escalated and still open) — the banner of the complaint screen."""
    now = now or clock.now()
    row = session.execute(select(
        func.sum(case((overdue_clause(now), 1), else_=0)),
        func.sum(case((col(Complaint.escalated_to).is_not(None), 1), else_=0)),
    ).where(col(Complaint.closed_at).is_(None))).one()
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
        select(Complaint).where(overdue_clause(now), col(Complaint.overdue_at).is_(None))
        .order_by(col(Complaint.id)).limit(limit)).scalars().all())
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
