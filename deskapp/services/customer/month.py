"""The customer file's figures for the monthly report: incidents by kind and response
time, people moved in and out, sales and move-ins (入伙) — and one section per part
registered with :func:`month_section_provider` in :mod:`deskapp.services.customer.wiring`
(parking …)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
from deskapp.services.customer.movein_views import MoveInMonth
from deskapp.services.customer.movein_views import monthly_summary as movein_month


@dataclass(frozen=True)
class MonthFigure:
    """One figure of a part's section: a stable ``key`` (JSON, XLSX), its translated
    ``label``, a count or (``money``) fen."""

    key: str
    label: str
    value: int
    money: bool = False


@dataclass(frozen=True)
class MonthSection:
    key: str
    title: str  # translated
    figures: list[MonthFigure]

    @property
    def has_data(self) -> bool:
        return any(f.value for f in self.figures)


MonthProvider = Callable[..., MonthSection]  # (session, *, year, month) -> MonthSection
_providers: list[tuple[int, str, MonthProvider]] = []


def month_section_provider(fn: MonthProvider, *, order: int = 100) -> MonthProvider:
    """Register a part's monthly section (in ``wiring.register()``); sections follow
    ``order``. Registering the same function again replaces it."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _providers[:] = [p for p in _providers if p[1] != name]
    _providers.append((order, name, fn))
    return fn


@dataclass(frozen=True)
class CustomerMonth:
    incidents: IncidentMonth
    moved_in: int
    moved_out: int
    transfers: int
    cards: CardsMonth
    moveins: MoveInMonth  # 入伙 handled in the month
    sections: list[MonthSection] = field(default_factory=list)


def monthly_summary(session: Session, *, year: int, month: int) -> CustomerMonth:
    from deskapp.services.hooks import load_area_services

    load_area_services()  # the parts' providers are registered by the area's wiring
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
        moveins=movein_month(session, year=year, month=month),
        sections=[fn(session, year=year, month=month) for _o, _n, fn in sorted(
            _providers, key=lambda p: p[:2])],
    )
