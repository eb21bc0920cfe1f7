"""Reception figures for the monthly report: contacts and work orders of the month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models.reception import (
    Contact,
    ContactChannel,
    ContactKind,
    ContactStatus,
    Handover,
    HandoverStatus,
    WorkOrder,
    WorkOrderStatus,
)

__all__ = [
    "ReceptionMonthSummary",
    "monthly_summary",
]


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
