"""The customer file's figures for the monthly report: incidents by kind and response
time, people moved in and out, and sales."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Occupant
from deskapp.db.models.customer import OwnershipTransfer
from deskapp.services.customer.cards import CardsMonth
from deskapp.services.customer.cards import monthly_summary as cards_month
from deskapp.services.customer.incidents import IncidentMonth
from deskapp.services.customer.incidents import monthly_summary as incident_month


@dataclass(frozen=True)
class CustomerMonth:
    incidents: IncidentMonth
    moved_in: int
    moved_out: int
    transfers: int
    cards: CardsMonth


def monthly_summary(session: Session, *, year: int, month: int) -> CustomerMonth:
    start, end = clock.month_range(year, month)
    first, after = start.date(), end.date()

    def count(stmt: Any) -> int:
        return int(session.execute(stmt).scalar_one())

    return CustomerMonth(
        incidents=incident_month(session, year=year, month=month),
        moved_in=count(select(func.count(col(Occupant.id))).where(
            col(Occupant.moved_in) >= first, col(Occupant.moved_in) < after)),
        moved_out=count(select(func.count(col(Occupant.id))).where(
            col(Occupant.moved_out) >= first, col(Occupant.moved_out) < after)),
        transfers=count(select(func.count(col(OwnershipTransfer.id))).where(
            col(OwnershipTransfer.transfer_date) >= first,
            col(OwnershipTransfer.transfer_date) < after)),
        cards=cards_month(session, year=year, month=month),
    )
