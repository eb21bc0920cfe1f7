"""Renovation figures for the monthly report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models.renovation import (
    RenovationExtension,
    RenovationFiling,
    RenovationInspection,
    WorkKind,
)
from deskapp.services.renovation.rules import EXPIRING_DAYS

__all__ = [
    "RenovationMonth",
    "monthly_summary",
]


@dataclass(frozen=True)
class RenovationMonth:
    """A month's renovation figures (site-local month), for the supervisor's report."""

    year: int
    month: int
    filed: int = 0  # filings registered in the month
    approved: int = 0  # permits issued
    cancelled: int = 0
    extensions: int = 0
    inspections_passed: int = 0
    inspections_failed: int = 0
    deposits_collected: int = 0
    deposits_collected_fen: int = 0
    deposits_refunded: int = 0
    deposits_refunded_fen: int = 0
    active_at_end: int = 0  # under permit at the end of the month
    expiring_at_end: int = 0  # … whose permit ends within 7 days after it
    overdue_at_end: int = 0  # … whose permit had already ended
    deposits_held_at_end: int = 0
    deposits_held_at_end_fen: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # filed, per kind of work


def monthly_summary(session: Session, *, year: int, month: int) -> RenovationMonth:
    """The month's figures, all computed in SQL over site-local timestamps."""
    start, end = clock.month_range(year, month)
    last_day = (end - timedelta(days=1)).date()
    F = RenovationFiling

    def within(column: Any) -> Any:
        return and_(column >= start, column < end)

    def counted(cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    def summed(cond: Any, value: Any) -> Any:
        return func.coalesce(func.sum(case((cond, value), else_=0)), 0)

    # Under permit at the month's end: approved before it, not yet applied for
    # completion (or applied later), not cancelled before it.
    active = and_(F.approved_at.is_not(None), F.approved_at < end,
                  or_(F.completion_applied_at.is_(None), F.completion_applied_at >= end),
                  or_(F.cancelled_at.is_(None), F.cancelled_at >= end),
                  or_(F.closed_at.is_(None), F.closed_at >= end))
    held = and_(F.deposit_paid_at.is_not(None), F.deposit_paid_at < end,
                or_(F.deposit_refunded_at.is_(None), F.deposit_refunded_at >= end))
    row = session.exec(select(
        counted(within(F.created_at)),
        counted(within(F.approved_at)),
        counted(within(F.cancelled_at)),
        counted(within(F.deposit_paid_at)),
        summed(within(F.deposit_paid_at), F.deposit_fen),
        counted(within(F.deposit_refunded_at)),
        summed(within(F.deposit_refunded_at), F.deposit_refunded_fen),
        counted(active),
        counted(and_(active, F.permit_end >= last_day,
                     F.permit_end < last_day + timedelta(days=EXPIRING_DAYS + 1))),
        counted(and_(active, F.permit_end < last_day)),
        counted(held),
        summed(held, F.deposit_fen),
    )).one()
    ext = session.exec(select(func.count()).select_from(RenovationExtension).where(
        within(RenovationExtension.at))).one()
    insp = session.exec(select(
        counted(RenovationInspection.passed == True),  # noqa: E712
        counted(RenovationInspection.passed == False),  # noqa: E712
    ).where(within(RenovationInspection.at))).one()
    kinds = session.exec(select(F.work_kind, func.count()).where(within(F.created_at))
                         .group_by(F.work_kind)).all()
    values = [int(v) for v in row]
    return RenovationMonth(
        year=year, month=month, filed=values[0], approved=values[1], cancelled=values[2],
        deposits_collected=values[3], deposits_collected_fen=values[4],
        deposits_refunded=values[5], deposits_refunded_fen=values[6],
        active_at_end=values[7], expiring_at_end=values[8], overdue_at_end=values[9],
        deposits_held_at_end=values[10], deposits_held_at_end_fen=values[11],
        extensions=int(ext), inspections_passed=int(insp[0]), inspections_failed=int(insp[1]),
        by_kind={WorkKind(k).value: int(n) for k, n in kinds})
