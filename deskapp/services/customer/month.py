"""The customer file's figures for the monthly report: incidents by kind and response
time, people moved in and out, and sales."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Occupant
from deskapp.db.models.customer import OwnershipTransfer
from deskapp.services.customer.incidents import IncidentMonth, kind_label
from deskapp.services.customer.incidents import monthly_summary as incident_month


@dataclass(frozen=True)
class CustomerMonth:
    incidents: IncidentMonth
    moved_in: int
    moved_out: int
    transfers: int


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
    )


def report_sections(r: Any) -> list[Any]:
    """The monthly report's section (``reports.Section``) from ``r.customer``."""
    from deskapp.i18n import t
    from deskapp.services.reports.reports import Chart, Figure, Section, _bars, _count

    c: CustomerMonth | None = getattr(r, "customer", None)
    if c is None:
        return []
    i = c.incidents

    def minutes(key: str, value: int | None) -> Figure:
        return Figure(key, t(f"reports.f.{key}"), value,
                      "—" if value is None else t("customer.minutes", n=value))

    return [Section(
        "incidents", t("reports.s.incidents"),
        bool(i.total or c.moved_in or c.moved_out or c.transfers),
        figures=[
            _count("incidents", i.total),
            _count("incidents_open", i.open_now),
            minutes("incidents_avg_response", i.avg_response_minutes),
            minutes("incidents_max_response", i.max_response_minutes),
            _count("incidents_within_15", i.within_15),
            _count("moved_in", c.moved_in),
            _count("moved_out", c.moved_out),
            _count("transfers", c.transfers),
        ],
        charts=[Chart("incidents_by_kind", t("reports.c.incidents_by_kind"), _bars(
            [(k, kind_label(k), n) for k, n in i.by_kind.items()], None))])]
