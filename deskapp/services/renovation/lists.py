"""The renovation lists for the record list: filings by view (active, expiring within 7
days, expired and still open, deposits held, all) and the archive index (by building,
floor low to high). Sources are built per request; ``today`` is read when a query runs,
so a list left open overnight moves with the date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Building, Unit
from deskapp.db.models.renovation import RenovationFiling, RenovationStatus, TaxStatus, WorkKind
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.money import format_fen
from deskapp.services.listing import (
    FilterSpec,
    ListColumn,
    ListQuery,
    ListRow,
    SqlListSource,
)
from deskapp.services.renovation.rules import ACTIVE_STATES, EXPIRING_DAYS, WORKING_STATES

F = RenovationFiling
VIEWS = ("active", "expiring", "overdue", "deposit", "open", "all")
FTS_TABLE = "renovation_filing_fts"
SEARCH_COLUMNS = ("number", "unit_code", "owner_name", "applicant_name", "contractor_name",
                  "lead_name", "work_items")
_ROW_COLUMNS = tuple(col(c) for c in (
    F.id, F.number, F.status, F.unit_code, F.owner_name, F.work_kind, F.permit_start,
    F.permit_end, F.lead_name, F.lead_phone, F.deposit_fen, F.deposit_paid_at,
    F.deposit_refunded_at))
_OPEN_STATES = tuple(s for s in RenovationStatus
                     if s not in (RenovationStatus.CLOSED, RenovationStatus.CANCELLED))


def view_clause(view: str) -> ColumnElement[bool]:
    """The WHERE clause of one view, as of today."""
    today = clock.today()
    if view == "active":
        return col(F.status).in_(ACTIVE_STATES)
    if view == "expiring":
        return (col(F.status).in_(WORKING_STATES) & (col(F.permit_end) >= today)
                & (col(F.permit_end) <= today + timedelta(days=EXPIRING_DAYS)))
    if view == "overdue":
        return col(F.status).in_(WORKING_STATES) & (col(F.permit_end) < today)
    if view == "deposit":
        return col(F.deposit_paid_at).is_not(None) & col(F.deposit_refunded_at).is_(None)
    if view == "open":
        return col(F.status).in_(_OPEN_STATES)
    return true()


def period_text(filing: Any) -> str:
    return f"{filing.permit_start:%Y-%m-%d}~{filing.permit_end:%Y-%m-%d}"


def row_style(status: RenovationStatus, permit_end: Any, today: date | None = None) -> str:
    if status in (RenovationStatus.CLOSED, RenovationStatus.CANCELLED):
        return "muted"
    if status in WORKING_STATES:
        today = today or clock.today()
        if permit_end < today:
            return "overdue"
        if permit_end <= today + timedelta(days=EXPIRING_DAYS):
            return "warning"
    return ""


class FilingSource(SqlListSource):
    """Filings, newest first; the expiring and overdue views list the nearest end first."""

    model = RenovationFiling
    search_columns = SEARCH_COLUMNS
    fts_table = FTS_TABLE

    def __init__(self) -> None:
        self.columns = [
            ListColumn("number", "renovation.col.number", 12, priority=0),
            ListColumn("unit", "renovation.col.unit", 12, priority=0),
            ListColumn("owner", "renovation.col.owner", 10, priority=3),
            ListColumn("kind", "renovation.col.kind", 14, priority=4, min_width=12),
            ListColumn("period", "renovation.col.period", 21, priority=2),
            ListColumn("status", "renovation.col.status", 12, priority=0,
                       fits=("renovation.status.",)),
            ListColumn("lead", "renovation.col.lead", 10, priority=6),
            ListColumn("phone", "renovation.col.lead_phone", 13, priority=7),
            ListColumn("deposit", "renovation.col.deposit", 11, "right", priority=5),
        ]
        self.filters = [
            FilterSpec("view", "renovation.filter.view", "choice",
                       [(v, t(f"renovation.view.{v}")) for v in VIEWS]),
            FilterSpec("status", "renovation.filter.status", "choice",
                       [(s.value, t(f"renovation.status.{s.value}")) for s in RenovationStatus]),
            FilterSpec("kind", "renovation.filter.kind", "choice",
                       [(k.value, t(f"renovation.kind.{k.value}")) for k in WorkKind]),
            FilterSpec("from", "renovation.filter.from", "date_from"),
            FilterSpec("to", "renovation.filter.to", "date_to"),
        ]
        self.filter_columns = {"status": col(F.status), "kind": col(F.work_kind),
                               "from": col(F.filed_on), "to": col(F.filed_on)}
        self.order_by = (col(F.id).desc(),)

    def select(self) -> Select[*tuple[Any, ...]]:
        """Only the columns a row shows (a filing has ~70): a page reads 10× faster."""
        return select(*_ROW_COLUMNS)

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        if key == "view":
            return view_clause(str(value))
        if key == "unit_id":
            return col(F.unit_id) == int(str(value))
        return super().filter_clause(key, value)

    @staticmethod
    def ordering(query: ListQuery, *, reverse: bool = False) -> tuple[Any, ...]:
        """Newest first; for a deadline list (expiring, overdue) the reading order runs
        from the nearest end instead."""
        if query.filters.get("view") in ("expiring", "overdue"):
            if reverse:
                return (col(F.permit_end).desc(), col(F.id).desc())
            return (col(F.permit_end).asc(), col(F.id).asc())
        return (col(F.id).asc(),) if reverse else (col(F.id).desc(),)

    def fetch(self, session: Session, query: ListQuery, offset: int, limit: int, *,
              reverse: bool = False) -> list[ListRow]:
        if limit <= 0:
            return []
        stmt = (self.select().where(*(self.where(session, query) or [true()]))
                .order_by(*self.ordering(query, reverse=reverse))
                .offset(max(offset, 0)).limit(limit))
        today = clock.today()
        return [self.row(item, today) for item in session.execute(stmt).all()]

    def to_row(self, f: Any) -> ListRow:
        return self.row(f, clock.today())

    def row(self, f: Any, today: date) -> ListRow:
        deposit = ""
        if f.deposit_paid_at is not None:
            deposit = format_fen(f.deposit_fen)
            if f.deposit_refunded_at is not None:
                deposit = t("renovation.col.refunded")
        return ListRow(f.id or 0, (
            f.number, f.unit_code, f.owner_name, t(f"renovation.kind.{f.work_kind.value}"),
            period_text(f), t(f"renovation.status.{f.status.value}"), f.lead_name,
            mask_phone(f.lead_phone), deposit), row_style(f.status, f.permit_end, today))


class ArchiveSource(SqlListSource):
    """The archive index (装修目录): by building, floor low to high, then unit and filing;
    with period, customer, lead's phone, status and tax status."""

    model = RenovationFiling
    search_columns = SEARCH_COLUMNS
    fts_table = FTS_TABLE

    def __init__(self, buildings: list[tuple[str, str]] | None = None) -> None:
        """``buildings``: ``(id, name)`` choices for the building filter."""
        self.columns = [
            ListColumn("building", "renovation.col.building", 10),
            ListColumn("floor", "renovation.col.floor", 4, "right"),
            ListColumn("unit", "renovation.col.unit", 12),
            ListColumn("period", "renovation.col.period", 21),
            ListColumn("owner", "renovation.col.customer", 10),
            ListColumn("phone", "renovation.col.lead_phone", 13),
            ListColumn("status", "renovation.col.status", 12, fits=("renovation.status.",)),
            ListColumn("tax", "renovation.col.tax", 8, fits=("renovation.tax.",)),
            ListColumn("number", "renovation.col.number", 12),
        ]
        self.filters = [
            FilterSpec("building", "renovation.filter.building", "choice", buildings or []),
            FilterSpec("status", "renovation.filter.status", "choice",
                       [(s.value, t(f"renovation.status.{s.value}")) for s in RenovationStatus]),
            FilterSpec("tax", "renovation.filter.tax", "choice",
                       [(s.value, t(f"renovation.tax.{s.value}")) for s in TaxStatus]),
        ]
        self.filter_columns = {"status": col(F.status), "tax": col(F.tax_status)}
        # The archive is read top to bottom; "newest first" is the first folder.
        self.order_by = (col(Building.sort).asc(), col(Building.code).asc(), col(Unit.floor).asc(),
                         col(Unit.code).asc(), col(F.id).asc())

    def select(self) -> Select[*tuple[Any, ...]]:
        return (select(*_ROW_COLUMNS, col(F.tax_status), col(Building.name).label("building"),
                       col(Unit.floor).label("floor"))
                .join(Unit, col(Unit.id) == col(F.unit_id))
                .join(Building, col(Building.id) == col(Unit.building_id)))

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        if key == "building":
            return col(Building.id) == int(str(value))
        return super().filter_clause(key, value)

    def to_row(self, f: Any) -> ListRow:
        return ListRow(f.id or 0, (
            f.building, str(f.floor), f.unit_code, period_text(f), f.owner_name,
            mask_phone(f.lead_phone), t(f"renovation.status.{f.status.value}"),
            t(f"renovation.tax.{f.tax_status.value}"), f.number),
            row_style(f.status, f.permit_end))


def building_choices(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(select(col(Building.id), col(Building.name))
                           .order_by(col(Building.sort), col(Building.code))).all()
    return [(str(i), name) for i, name in rows]
