"""The customer file's figures for the monthly report: incidents by kind and response
time, people moved in and out, sales and move-ins (入伙)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Occupant
from deskapp.db.models.customer import OwnershipTransfer
from deskapp.services.customer.incidents import IncidentMonth
from deskapp.services.customer.incidents import monthly_summary as incident_month
from deskapp.services.customer.movein import MoveInMonth
from deskapp.services.customer.movein import monthly_summary as movein_month


@dataclass(frozen=True)
class CustomerMonth:
    incidents: IncidentMonth
    moved_in: int
    moved_out: int
    transfers: int
    moveins: MoveInMonth | None = None  # 入伙 handled in the month


def monthly_summary(session: Session, *, year: int, month: int) -> CustomerMonth:
    start, end = clock.month_range(year, month)
    first, after = start.date(), end.date()

    def count(stmt: Any) -> int:
        return int(session.execute(stmt).scalar_one())

    return CustomerMonth(
        incidents=incident_month(session, year=year, month=month),
        moved_in=count(select(func.count(Occupant.id)).where(
            Occupant.moved_in >= first, Occupant.moved_in < after)),
        moved_out=count(select(func.count(Occupant.id)).where(
            Occupant.moved_out >= first, Occupant.moved_out < after)),
        transfers=count(select(func.count(OwnershipTransfer.id)).where(
            OwnershipTransfer.transfer_date >= first, OwnershipTransfer.transfer_date < after)),
        moveins=movein_month(session, year=year, month=month),
    )
