"""The monthly complaint analysis: the figures and how each one counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, exists, func, or_, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models.complaints import Complaint, ServiceVisit, VisitKind
from deskapp.errors import ValidationError
from deskapp.reporting.table import percent
from deskapp.services.complaints.deadlines import categories
from deskapp.services.complaints.labels import category_label, department_label

# --------------------------------------------------------------------------------------
# Monthly analysis
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


_pct = percent  # the one per-cent helper (one decimal, HALF_UP)


@dataclass
class ComplaintMonthFigures:
    """The month's complaint figures (SPEC §4.8, §9), all counted in SQL by site-local
    month. Which complaints each figure counts:

    - volume, categories, channels, departments, validity, major, overdue: complaints
      *received* in the month; ``overdue`` = those that missed a deadline (answered or
      archived late, or still open past it now);
    - first response median/p90: those received in the month and classified;
    - close median/p90 and ``closed``: complaints *archived* in the month;
    - return-visit rate: valid complaints *replied to* in the month that had their return
      visit by the month's end;
    - satisfaction: complaint return visits *made* in the month (average score 1–5 and
      the share of satisfied customers).

    Durations are minutes of elapsed time; median is the mean of the middle two values
    for an even count; p90 is the nearest-rank 90th percentile.
    """

    year: int
    month: int
    volume: int = 0
    by_category: list[Count] = field(default_factory=list)
    by_channel: list[Count] = field(default_factory=list)
    by_department: list[Count] = field(default_factory=list)  # complained-about department
    by_responsible: list[Count] = field(default_factory=list)  # responsible department
    valid: int = 0
    invalid: int = 0
    unclassified: int = 0
    major: int = 0
    escalated: int = 0
    overdue: int = 0
    first_response_median: Decimal | None = None
    first_response_p90: Decimal | None = None
    closed: int = 0
    close_median: Decimal | None = None
    close_p90: Decimal | None = None
    replied_valid: int = 0
    return_visited: int = 0
    visits: int = 0
    satisfied: int = 0
    satisfaction_avg: Decimal | None = None
    open_now: int = 0
    previous: ComplaintMonthFigures | None = None

    @property
    def valid_share(self) -> Decimal | None:
        return _pct(self.valid, self.valid + self.invalid)

    @property
    def return_visit_rate(self) -> Decimal | None:
        return _pct(self.return_visited, self.replied_valid)

    @property
    def satisfied_share(self) -> Decimal | None:
        return _pct(self.satisfied, self.visits)

    def as_dict(self) -> dict[str, Any]:
        def num(v: Decimal | None) -> float | None:
            return None if v is None else float(v)

        out: dict[str, Any] = {
            "year": self.year, "month": self.month, "volume": self.volume,
            "by_category": {c.key: c.count for c in self.by_category},
            "by_channel": {c.key: c.count for c in self.by_channel},
            "by_department": {c.key: c.count for c in self.by_department},
            "by_responsible": {c.key: c.count for c in self.by_responsible},
            "valid": self.valid, "invalid": self.invalid, "unclassified": self.unclassified,
            "valid_share_pct": num(self.valid_share), "major": self.major,
            "escalated": self.escalated, "overdue": self.overdue,
            "first_response_median_min": num(self.first_response_median),
            "first_response_p90_min": num(self.first_response_p90),
            "closed": self.closed, "close_median_min": num(self.close_median),
            "close_p90_min": num(self.close_p90), "replied_valid": self.replied_valid,
            "return_visited": self.return_visited,
            "return_visit_rate_pct": num(self.return_visit_rate), "visits": self.visits,
            "satisfied": self.satisfied, "satisfied_share_pct": num(self.satisfied_share),
            "satisfaction_avg": num(self.satisfaction_avg),
        }
        if self.previous is not None:
            out["previous"] = self.previous.as_dict()
        return out


def _median_p90(session: Session, column: Any, where: list[Any]) -> tuple[Decimal | None,
                                                                             Decimal | None]:
    """Median and nearest-rank p90 of ``column`` over ``where``, in one SQL query."""
    ranked = select(
        column.label("v"),
        func.row_number().over(order_by=column).label("rn"),
        func.count().over().label("n"),
    ).where(*where, column.is_not(None)).subquery()
    lo, hi = (ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2
    p90 = (ranked.c.n * 9 + 9) // 10
    row = session.execute(select(
        func.avg(case((or_(ranked.c.rn == lo, ranked.c.rn == hi), ranked.c.v))),
        func.max(case((ranked.c.rn == p90, ranked.c.v))),
    )).one()
    median = None if row[0] is None else Decimal(str(row[0])).quantize(Decimal("0.1"),
                                                                      ROUND_HALF_UP)
    return median, None if row[1] is None else Decimal(int(row[1]))


def _month_figures(session: Session, year: int, month: int, now: datetime,
                   cat_names: Mapping[str, str]) -> ComplaintMonthFigures:
    from deskapp.services.reception.common import channel_label

    start, end = clock.month_range(year, month)
    f = ComplaintMonthFigures(year=year, month=month)
    received = [col(Complaint.received_at) >= start, col(Complaint.received_at) < end]
    missed = or_(func.coalesce(col(Complaint.first_response_at), now)
                 > col(Complaint.first_response_due),
                 func.coalesce(col(Complaint.closed_at), now) > col(Complaint.close_due))
    row = session.execute(select(
        func.count(),
        func.sum(case((col(Complaint.valid) == True, 1), else_=0)),  # noqa: E712
        func.sum(case((col(Complaint.valid) == False, 1), else_=0)),  # noqa: E712
        func.sum(case((col(Complaint.valid).is_(None), 1), else_=0)),
        func.sum(case((col(Complaint.major) == True, 1), else_=0)),  # noqa: E712
        func.sum(case((col(Complaint.escalated_to).is_not(None), 1), else_=0)),
        func.sum(case((missed, 1), else_=0)),
    ).where(*received)).one()
    (f.volume, f.valid, f.invalid, f.unclassified, f.major, f.escalated,
     f.overdue) = (int(v or 0) for v in row)

    def grouped(column: Any, label: Any) -> list[Count]:
        rows = session.execute(select(column, func.count()).where(*received)
                               .group_by(column).order_by(func.count().desc(), column)).all()
        return [Count(str(getattr(k, "value", k) or ""), label(k), int(n)) for k, n in rows]

    f.by_category = grouped(col(Complaint.category_code), lambda k: category_label(k, cat_names))
    f.by_channel = grouped(col(Complaint.channel), channel_label)
    f.by_department = grouped(col(Complaint.target_department), department_label)
    f.by_responsible = grouped(col(Complaint.responsible_department), department_label)
    f.first_response_median, f.first_response_p90 = _median_p90(
        session, col(Complaint.first_response_minutes), received)
    closed = [col(Complaint.closed_at) >= start, col(Complaint.closed_at) < end]
    f.closed = int(session.execute(select(func.count()).where(*closed)
                                   .select_from(Complaint)).scalar_one())
    f.close_median, f.close_p90 = _median_p90(session, col(Complaint.close_minutes), closed)
    visited_by_end = exists().where(col(ServiceVisit.complaint_id) == Complaint.id,
                                    col(ServiceVisit.kind) == VisitKind.COMPLAINT,
                                    col(ServiceVisit.visited_at) < end)
    row = session.execute(select(
        func.count(), func.sum(case((visited_by_end, 1), else_=0)),
    ).where(col(Complaint.valid) == True, col(Complaint.replied_at) >= start,  # noqa: E712
            col(Complaint.replied_at) < end)).one()
    f.replied_valid, f.return_visited = int(row[0] or 0), int(row[1] or 0)
    row = session.execute(select(
        func.count(), func.sum(case((col(ServiceVisit.satisfied) == True, 1),  # noqa: E712
                                    else_=0)),
        func.avg(col(ServiceVisit.score)),
    ).where(col(ServiceVisit.kind) == VisitKind.COMPLAINT, col(ServiceVisit.visited_at) >= start,
            col(ServiceVisit.visited_at) < end)).one()
    f.visits, f.satisfied = int(row[0] or 0), int(row[1] or 0)
    f.satisfaction_avg = (None if row[2] is None else
                          Decimal(str(row[2])).quantize(Decimal("0.01"), ROUND_HALF_UP))
    return f


def monthly_analysis(session: Session, *, year: int, month: int) -> ComplaintMonthFigures:
    """The month's analysis, with the previous month's figures in ``previous``."""
    if not 1 <= month <= 12:
        raise ValidationError("complaints.month.invalid", field="month")
    now = clock.now()
    cat_names = {c.code: c.name for c in categories(session, active_only=False)}
    figures = _month_figures(session, year, month, now, cat_names)
    py, pm = (year - 1, 12) if month == 1 else (year, month - 1)
    figures.previous = _month_figures(session, py, pm, now, cat_names)
    figures.open_now = int(session.execute(
        select(func.count()).select_from(Complaint).where(col(Complaint.closed_at).is_(None))
    ).scalar_one())
    return figures


def monthly_summary(session: Session, *, year: int, month: int) -> ComplaintMonthFigures:
    """For the supervisor's monthly report: the same figures as :func:`monthly_analysis`."""
    return monthly_analysis(session, year=year, month=month)
