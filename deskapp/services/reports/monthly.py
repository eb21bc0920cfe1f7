"""The supervisor's monthly report (月报) — SPEC §9.

One service gathers the month: :func:`monthly_report` calls each area's own monthly
figures (``reception.monthly_summary``, ``complaints.monthly_analysis``,
``renovation.monthly_summary``, ``cashier_close.monthly_summary`` with
``cashier_arrears.arrears_totals``, ``survey.monthly_summary``, ``registers.monthly_summary``,
``ops.monthly_summary``) and never counts again what an area already counts. The only
query of its own lists the month's handovers that carry notes, for review.

:func:`~deskapp.services.reports.layout.sections` lays the report out once — sections of figures and bar charts, each with
a stable key — and every output reads that layout: the screen, text, JSON, XLSX and PDF
(:mod:`deskapp.services.reports.render`, :mod:`deskapp.printing.monthly_report`). A
section of a month in which nothing was recorded says so (``has_data`` false) instead of
showing zeros as if they had been measured.

Each figure may name a *drill* (:func:`~deskapp.services.reports.drills.drill`): the area's own record list, restricted to
exactly the records the figure counts, so the screen can open the records behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.masking import mask_text
from deskapp.services.reports.months import check_month, month_label
from deskapp.services.staff import require_role

__all__ = [
    "HANDOVER_NOTES_LIMIT",
    "HandoverNote",
    "MonthlyReport",
    "monthly_report",
]


HANDOVER_NOTES_LIMIT = 200
"""At most this many handover notes are listed (a month has ~90 shifts)."""


# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverNote:
    """One handover of the month with the writer's notes (personal data masked)."""

    id: int
    period_start: datetime
    period_end: datetime
    desk: str
    writer: str
    confirmer: str
    confirmed: bool
    notes: str


@dataclass(frozen=True)
class MonthlyReport:
    """Every area's figures of one site-local month, as the areas compute them."""

    year: int
    month: int
    site_name: str
    made_at: datetime
    as_of: date  # the month's last day, or today while the month runs
    partial: bool  # the month is not over yet
    reception: Any  # reception.ReceptionMonthSummary
    complaints: Any  # complaints.ComplaintMonthFigures
    renovation: Any  # renovation.RenovationMonth
    cashier: Any  # cashier_close.CashierMonthSummary
    arrears: Any  # cashier_arrears.ArrearsTotals on ``as_of``
    survey: Any  # survey.SurveyMonthSummary
    registers: Any  # registers.RegistersMonth
    ops: Any  # ops.OpsMonthSummary
    handover_notes: list[HandoverNote] = field(default_factory=list)
    handover_notes_total: int = 0
    customer: Any = None  # customer.month.CustomerMonth (issue #20)

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)


def monthly_report(session: Session, *, by: Staff, year: int, month: int) -> MonthlyReport:
    """The month's report (supervisor only). Each area's figures come from that area's
    own monthly service; arrears are aged on the month's last day (today while the
    month is still running)."""
    from deskapp.services import ops
    from deskapp.services.cashier import close as cashier_close
    from deskapp.services.cashier.arrears import arrears_totals
    from deskapp.services.complaints import figures as complaints_figures
    from deskapp.services.customer.month import monthly_summary as customer_month
    from deskapp.services.reception import figures
    from deskapp.services.registers import registers
    from deskapp.services.renovation import figures as renovation_figures
    from deskapp.services.site import get_site
    from deskapp.services.survey import figures as survey_figures

    require_role(by, Role.SUPERVISOR)
    check_month(year, month)
    start, end = clock.month_range(year, month)
    last_day = (end - timedelta(days=1)).date()
    today = clock.today()
    as_of = min(last_day, today)
    profile = get_site(session)
    notes, notes_total = _handover_notes(session, start, end)
    # One arrears computation per report (issue #17): the cashier's summary ages arrears on
    # the month's last day too, so for a finished month it is handed these same totals.
    arrears = arrears_totals(session, as_of=as_of)
    return MonthlyReport(
        year=year, month=month, site_name=profile.name if profile else "",
        made_at=clock.now(), as_of=as_of, partial=last_day >= today,
        reception=figures.monthly_summary(session, year=year, month=month),
        complaints=complaints_figures.monthly_analysis(session, year=year, month=month),
        renovation=renovation_figures.monthly_summary(session, year=year, month=month),
        cashier=cashier_close.monthly_summary(
            session, year=year, month=month, arrears=arrears if as_of == last_day else None),
        arrears=arrears,
        survey=survey_figures.monthly_summary(session, year=year, month=month),
        registers=registers.monthly_summary(session, year=year, month=month),
        ops=ops.monthly_summary(session, year=year, month=month),
        handover_notes=notes, handover_notes_total=notes_total,
        customer=customer_month(session, year=year, month=month),
    )


def _handover_notes(session: Session, start: datetime,
                    end: datetime) -> tuple[list[HandoverNote], int]:
    from deskapp.db.models.reception import Handover, HandoverStatus
    from deskapp.services.reception.common import staff_names

    where = and_(Handover.period_end >= start, Handover.period_end < end,  # type: ignore[operator]
                 func.trim(Handover.notes) != "")
    total = int(session.execute(select(func.count()).select_from(Handover).where(where))
                .scalar_one())
    rows = session.execute(select(Handover).where(where).order_by(
        Handover.period_end, Handover.id).limit(HANDOVER_NOTES_LIMIT)).scalars().all()
    names = staff_names(session) if rows else {}
    return [HandoverNote(
        id=h.id or 0, period_start=h.period_start, period_end=h.period_end, desk=h.desk,
        writer=names.get(h.written_by, ""), confirmer=names.get(h.confirmed_by or 0, ""),
        confirmed=h.status == HandoverStatus.CONFIRMED, notes=mask_text(h.notes.strip()),
    ) for h in rows], total
