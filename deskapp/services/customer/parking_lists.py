"""停车 — what the desk reads about parking: the pass list and the space list (record
lists), expiring passes in the handover, and the month's parking figures for the monthly
report (registered in :mod:`deskapp.services.customer.wiring`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Unit
from deskapp.db.models.cashier import Bill, BillStatus, FeeKind, ParkingLease
from deskapp.db.models.parking import ParkingSpace, SpaceKind
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services.customer.month import MonthFigure, MonthSection
from deskapp.services.customer.parking_common import EXPIRING_DAYS, kind_label
from deskapp.services.customer.parking_views import expiring, pass_status
from deskapp.services.hooks import HandoverContext, OpenItem, RecordRef
from deskapp.services.listing import (
    AnySelect,
    FilterSpec,
    ListColumn,
    ListRow,
    SqlListSource,
)

STATUSES = ("active", "expiring", "future", "expired", "ended")
RED_DAYS = 7  # a pass ending within a week is red in the handover


def _status_clause(value: object, today: date) -> Any:
    soon = today + timedelta(days=EXPIRING_DAYS)
    not_ended = col(ParkingLease.ended_at).is_(None)
    running = or_(col(ParkingLease.end_date).is_(None), col(ParkingLease.end_date) >= today)
    if value == "ended":
        return col(ParkingLease.ended_at).is_not(None)
    if value == "expired":
        return and_(not_ended, col(ParkingLease.end_date) < today)
    if value == "future":
        return and_(not_ended, col(ParkingLease.start_date) > today)
    if value == "expiring":
        return and_(not_ended, col(ParkingLease.start_date) <= today,
                    col(ParkingLease.end_date) >= today, col(ParkingLease.end_date) <= soon)
    if value == "current":  # active or expiring: the passes a gate lets in today
        return and_(not_ended, col(ParkingLease.start_date) <= today, running)
    if value == "active":
        return and_(not_ended, col(ParkingLease.start_date) <= today,
                    or_(col(ParkingLease.end_date).is_(None), col(ParkingLease.end_date) > soon))
    return None


class PassSource(SqlListSource):
    """Monthly passes, newest first; search by plate, space, unit or holder; the holder's
    phone masked; expiring ones yellow, expired and ended ones dim."""

    columns = [
        ListColumn("plate", "parking.col.plate", 9, priority=0),
        ListColumn("space", "parking.col.space", 8, priority=0),
        ListColumn("unit", "parking.col.unit", 10, priority=1),
        ListColumn("status", "parking.col.status", 8, priority=0, fits=("parking.status.",)),
        ListColumn("end", "parking.col.end", 10, priority=1),
        ListColumn("holder", "parking.col.holder", 8, priority=3),
        ListColumn("phone", "parking.col.phone", 13, priority=4),
        ListColumn("start", "parking.col.start", 10, priority=5),
    ]
    model = ParkingLease
    order_by = (col(ParkingLease.start_date).desc(), col(ParkingLease.id).desc())
    search_like_columns: Sequence[Any] = (
        col(ParkingLease.plate), col(ParkingLease.space_no), col(Unit.code),
        col(ParkingLease.holder))

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("status", "parking.col.status", "choice",
                       [("current", t("parking.status.current"))]
                       + [(s, t(f"parking.status.{s}")) for s in STATUSES]),
        ]

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "status":
            return _status_clause(value, clock.today())
        if key == "unit":
            return col(ParkingLease.unit_id) == int(str(value))
        return super().filter_clause(key, value)

    def select(self) -> AnySelect:
        return select(ParkingLease, col(Unit.code)).join(
            Unit, col(Unit.id) == ParkingLease.unit_id)

    def to_row(self, item: Any) -> ListRow:
        le: ParkingLease = item[0]
        status = pass_status(le)
        style = {"expiring": "warning", "expired": "muted", "ended": "muted"}.get(status, "")
        return ListRow(le.id or 0, (
            le.plate or "—", le.space_no, item[1], t(f"parking.status.{status}"),
            le.end_date.isoformat() if le.end_date else "—", le.holder,
            mask_phone(le.holder_phone) if le.holder_phone else "",
            le.start_date.isoformat(),
        ), style)


class SpaceSource(SqlListSource):
    """The site's spaces by number, with today's pass (its plate) if any."""

    columns = [
        ListColumn("number", "parking.col.space", 8, priority=0),
        ListColumn("kind", "parking.col.kind", 8, priority=0, fits=("parking.kind.",)),
        ListColumn("zone", "parking.col.zone", 8, priority=2),
        ListColumn("owner", "parking.col.owner", 10, priority=1),
        ListColumn("plate", "parking.col.plate", 9, priority=0),
        ListColumn("end", "parking.col.end", 10, priority=3),
    ]
    model = ParkingSpace
    order_by = (col(ParkingSpace.number).asc(), col(ParkingSpace.id).asc())
    search_like_columns: Sequence[Any] = (col(ParkingSpace.number),
                                                         col(ParkingSpace.zone))

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("kind", "parking.col.kind", "choice",
                       [(k.value, kind_label(k)) for k in SpaceKind]),
            FilterSpec("free", "parking.filter.free", "choice",
                       [("free", t("parking.filter.free_yes")),
                        ("taken", t("parking.filter.taken"))]),
        ]
        self.filter_columns: Mapping[str, Any] = {
            "kind": col(ParkingSpace.kind)}

    def _today_pass(self) -> Any:
        today = clock.today()
        return aliased(ParkingLease, select(ParkingLease).where(
            col(ParkingLease.start_date) <= today,
            or_(col(ParkingLease.end_date).is_(None), col(ParkingLease.end_date) >= today))
            .subquery(), name="today_pass")

    def select(self) -> AnySelect:
        lease = self._today_pass()
        owner = aliased(Unit, name="owner")
        return (select(ParkingSpace, col(owner.code), col(lease.plate), col(lease.end_date))
                .outerjoin(owner, col(owner.id) == col(ParkingSpace.owner_unit_id))
                .outerjoin(lease, col(lease.space_id) == col(ParkingSpace.id)))

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "free":
            today = clock.today()
            busy = select(col(ParkingLease.space_id)).where(
                col(ParkingLease.space_id).is_not(None), col(ParkingLease.start_date) <= today,
                or_(col(ParkingLease.end_date).is_(None), col(ParkingLease.end_date) >= today))
            taken = col(ParkingSpace.id).in_(busy)
            return taken if value == "taken" else and_(
                ~taken, col(ParkingSpace.kind) != SpaceKind.VISITOR,
                col(ParkingSpace.active).is_(True))
        return super().filter_clause(key, value)

    def to_row(self, item: Any) -> ListRow:
        sp: ParkingSpace = item[0]
        return ListRow(sp.id or 0, (
            sp.number, kind_label(sp.kind), " ".join(x for x in (sp.zone, sp.floor) if x),
            item[1] or "", item[2] or "", item[3].isoformat() if item[3] else "",
        ), "" if sp.active else "muted")


def expiring_items(session: Session, ctx: HandoverContext) -> list[OpenItem]:
    """Passes ending within 30 days (red within a week) — to remind the holder to renew."""
    today = clock.today()
    return [OpenItem("parking.section.expiring", t(
        "parking.open.expiring", plate=le.plate or "—", space=le.space_no, unit=code,
        end=le.end_date.isoformat() if le.end_date else ""),
        RecordRef("parking_pass", le.id or 0), None,
        bool(le.end_date and le.end_date <= today + timedelta(days=RED_DAYS)))
        for le, code in expiring(session, today=today)]


def month_section(session: Session, *, year: int, month: int) -> MonthSection:
    """Parking in the month: spaces leased on its last day (today while it runs), passes
    issued, renewed and ended, passes ending in the month, and the parking bills of the
    month (billed, paid so far)."""
    from deskapp.db.models import AuditEntry

    start, end = clock.month_range(year, month)
    first, after = start.date(), end.date()
    on = min(after - timedelta(days=1), clock.today())

    def count(stmt: Any) -> int:
        return int(session.execute(stmt).scalar_one() or 0)

    leased = count(select(func.count(func.distinct(col(ParkingLease.space_no)))).where(
        col(ParkingLease.start_date) <= on,
        or_(col(ParkingLease.end_date).is_(None), col(ParkingLease.end_date) >= on)))
    spaces = count(select(func.count(col(ParkingSpace.id))).where(
        col(ParkingSpace.active).is_(True), col(ParkingSpace.kind) != SpaceKind.VISITOR))

    def actions(name: str) -> int:
        return count(select(func.count(col(AuditEntry.id))).where(
            col(AuditEntry.action) == name, col(AuditEntry.at) >= start, col(AuditEntry.at) < end))

    ending = count(select(func.count(col(ParkingLease.id))).where(
        col(ParkingLease.end_date) >= first, col(ParkingLease.end_date) < after))
    period = f"{year:04d}-{month:02d}"
    billed = count(select(func.sum(col(Bill.amount_fen))).where(
        col(Bill.kind) == FeeKind.PARKING, col(Bill.period) == period,
        col(Bill.status) != BillStatus.CANCELLED))
    paid = count(select(func.sum(col(Bill.amount_fen))).where(
        col(Bill.kind) == FeeKind.PARKING, col(Bill.period) == period,
        col(Bill.status) == BillStatus.PAID))

    def fig(key: str, value: int, money: bool = False) -> MonthFigure:
        return MonthFigure(f"parking_{key}", t(f"parking.f.{key}"), value, money)

    return MonthSection("parking", t("parking.s.title"), [
        fig("spaces", spaces), fig("leased", leased),
        fig("issued", actions("parking.pass.issue")),
        fig("renewed", actions("parking.pass.renew")),
        fig("ended", actions("parking.pass.end")), fig("ending", ending),
        fig("billed", billed, True), fig("paid", paid, True)])
