"""The supervisor's monthly report (月报) — SPEC §9.

One service gathers the month: :func:`monthly_report` calls each area's own monthly
figures (``reception.monthly_summary``, ``complaints.monthly_analysis``,
``renovation.monthly_summary``, ``cashier_close.monthly_summary`` with
``cashier_arrears.arrears_totals``, ``survey.monthly_summary``, ``registers.monthly_summary``, ``ops.monthly_summary``) and never counts again what an area already counts. The only
query of its own lists the month's handovers that carry notes, for review.

:func:`sections` lays the report out once — sections of figures and bar charts, each with
a stable key — and every output reads that layout: the screen, text, JSON, XLSX and PDF
(:mod:`deskapp.services.reports.render`, :mod:`deskapp.printing.monthly_report`). A
section of a month in which nothing was recorded says so (``has_data`` false) instead of
showing zeros as if they had been measured.

Each figure may name a *drill* (:func:`drill`): the area's own record list, restricted to
exactly the records the figure counts, so the screen can open the records behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.errors import ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_text
from deskapp.money import format_fen
from deskapp.reporting.table import format_percent, share
from deskapp.reporting.table import percent as _percent
from deskapp.services.hooks import RecordRef
from deskapp.services.listing import ListQuery, ListRow, ListSource
from deskapp.services.staff import require_role

__all__ = [
    "HANDOVER_NOTES_LIMIT",
    "Chart",
    "DrillList",
    "Figure",
    "HandoverNote",
    "MonthlyReport",
    "Section",
    "drill",
    "month_label",
    "monthly_report",
    "parse_month",
    "percent",
    "sections",
]

HANDOVER_NOTES_LIMIT = 200
"""At most this many handover notes are listed (a month has ~90 shifts)."""

EARLIEST_YEAR = 2000


# --------------------------------------------------------------------------------------
# Months
# --------------------------------------------------------------------------------------


def parse_month(text: str, *, field: str = "month") -> tuple[int, int]:
    """``2026-11`` (also ``2026-1``, ``2026/11``, full-width digits) → ``(2026, 11)``;
    anything else is a :class:`ValidationError` at ``field``."""
    import unicodedata

    value = unicodedata.normalize("NFKC", text or "").strip().replace("/", "-")
    year_text, sep, month_text = value.partition("-")
    if not sep or not year_text.isdigit() or not month_text.isdigit() or len(year_text) != 4:
        raise ValidationError("reports.month.invalid", field=field, value=text)
    year, month = int(year_text), int(month_text)
    check_month(year, month, field=field)
    return year, month


def check_month(year: int, month: int, *, field: str = "month") -> None:
    """A real month, not before :data:`EARLIEST_YEAR` and not after the current one."""
    if not 1 <= month <= 12 or year < EARLIEST_YEAR:
        raise ValidationError("reports.month.invalid", field=field, value=f"{year}-{month}")
    today = clock.today()
    if (year, month) > (today.year, today.month):
        raise ValidationError("reports.month.future", field=field,
                              month=month_label(year, month))


def month_label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


percent = _percent
"""``part`` of ``whole`` in per cent, one decimal, half up; ``None`` when ``whole`` is 0
(the one per-cent helper, :func:`deskapp.reporting.table.percent`)."""


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
    from deskapp.services.complaints import complaints
    from deskapp.services.customer.month import monthly_summary as customer_month
    from deskapp.services.reception import reception
    from deskapp.services.registers import registers
    from deskapp.services.renovation import renovation
    from deskapp.services.site import get_site
    from deskapp.services.survey import survey as survey_svc

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
        reception=reception.monthly_summary(session, year=year, month=month),
        complaints=complaints.monthly_analysis(session, year=year, month=month),
        renovation=renovation.monthly_summary(session, year=year, month=month),
        cashier=cashier_close.monthly_summary(
            session, year=year, month=month, arrears=arrears if as_of == last_day else None),
        arrears=arrears,
        survey=survey_svc.monthly_summary(session, year=year, month=month),
        registers=registers.monthly_summary(session, year=year, month=month),
        ops=ops.monthly_summary(session, year=year, month=month),
        handover_notes=notes, handover_notes_total=notes_total,
        customer=customer_month(session, year=year, month=month),
    )


def _handover_notes(session: Session, start: datetime,
                    end: datetime) -> tuple[list[HandoverNote], int]:
    from deskapp.db.models.reception import Handover, HandoverStatus
    from deskapp.services.reception.reception import staff_names

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


# --------------------------------------------------------------------------------------
# The layout every output shares
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure: a stable ``key`` (JSON, XLSX), the translated ``label``, the raw
    ``value`` (counts and fen as ``int``, rates as per-cent ``Decimal``, ``None`` when it
    cannot be computed) and its display ``text``. ``drill`` names the records behind it
    (:func:`drill`); ``ref`` points at a single record instead."""

    key: str
    label: str
    value: int | Decimal | None
    text: str
    drill: str | None = None
    ref: RecordRef | None = None
    money: bool = False


@dataclass(frozen=True)
class Chart:
    """A bar chart: one bar per figure, all of one unit (counts, or fen when ``money``)."""

    key: str
    title: str
    bars: list[Figure]
    money: bool = False

    @property
    def total(self) -> int:
        return sum(int(b.value or 0) for b in self.bars)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    has_data: bool
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    items: list[Figure] = field(default_factory=list)  # a list of single records
    note: str = ""  # e.g. "no survey campaign closed this month"


def _count(key: str, value: int, drill: str | None = None) -> Figure:
    return Figure(key, t(f"reports.f.{key}"), int(value), f"{int(value):,}", drill)


def _money(key: str, fen: int, drill: str | None = None) -> Figure:
    return Figure(key, t(f"reports.f.{key}"), int(fen), format_fen(int(fen)), drill, money=True)


def _rate(key: str, value: Decimal | None, drill: str | None = None) -> Figure:
    return Figure(key, t(f"reports.f.{key}"), value, "—" if value is None else f"{value}%",
                  drill)


def _plain(key: str, value: Decimal | None, text: str) -> Figure:
    return Figure(key, t(f"reports.f.{key}"), value, text)


def _bars(items: Sequence[tuple[str, str, int]], drill_prefix: str | None,
          *, money: bool = False) -> list[Figure]:
    """``(key, label, value)`` → bar figures, biggest first, zero bars left out."""
    out = [Figure(k, label, int(v), format_fen(int(v)) if money else f"{int(v):,}",
                  f"{drill_prefix}:{k}" if drill_prefix else None, money=money)
           for k, label, v in items if v]
    return sorted(out, key=lambda f: -int(f.value or 0))


def _any(*values: object) -> bool:
    return any(bool(v) for v in values)


def _reception_sections(r: MonthlyReport) -> list[Section]:
    from deskapp.services.reception.reception import channel_label, kind_label

    s = r.reception
    contacts = Section(
        "contacts", t("reports.s.contacts"), _any(s.contacts),
        figures=[_count("contacts", s.contacts, "contacts"),
                 _count("contacts_pending", s.contacts_pending, "contacts.pending")],
        charts=[
            Chart("contacts_by_kind", t("reports.c.contacts_by_kind"), _bars(
                [(k, kind_label(k), n) for k, n in s.contacts_by_kind.items()], "contacts.kind")),
            Chart("contacts_by_channel", t("reports.c.contacts_by_channel"), _bars(
                [(k, channel_label(k), n) for k, n in s.contacts_by_channel.items()],
                "contacts.channel")),
        ])
    on_time = percent(s.workorders_completed_on_time, s.workorders_completed)
    satisfaction = (None if s.satisfaction_avg is None else
                    Decimal(str(s.satisfaction_avg)).quantize(Decimal("0.01"), ROUND_HALF_UP))
    repairs = Section(
        "repairs", t("reports.s.repairs"),
        _any(s.workorders_created, s.workorders_completed, s.workorders_visited,
             s.workorders_overdue_open),
        figures=[
            _count("workorders_created", s.workorders_created, "workorders.created"),
            _count("workorders_completed", s.workorders_completed, "workorders.completed"),
            _count("workorders_on_time", s.workorders_completed_on_time, "workorders.on_time"),
            _rate("workorders_on_time_rate", on_time),
            _count("workorders_late", s.workorders_completed - s.workorders_completed_on_time,
                   "workorders.late"),
            _count("workorders_overdue_open", s.workorders_overdue_open, "workorders.overdue"),
            _count("workorders_cancelled", s.workorders_cancelled, "workorders.cancelled"),
            _count("workorders_visited", s.workorders_visited, "workorders.visited"),
            _plain("workorders_satisfaction", satisfaction,
                   "—" if satisfaction is None else f"{satisfaction} / 5"),
        ],
        charts=[Chart("repairs_timeliness", t("reports.c.repairs_timeliness"), [
            Figure(key, t(f"reports.bar.{key}"), n, f"{n:,}", drill_key)
            for key, n, drill_key in (
                ("on_time", s.workorders_completed_on_time, "workorders.on_time"),
                ("late", s.workorders_completed - s.workorders_completed_on_time,
                 "workorders.late"),
                ("overdue_open", s.workorders_overdue_open, "workorders.overdue"))])])
    return [contacts, repairs]


def _complaints_section(r: MonthlyReport) -> Section:
    from deskapp.services.complaints.complaints import format_minutes

    c = r.complaints
    return Section(
        "complaints", t("reports.s.complaints"),
        _any(c.volume, c.closed, c.visits, c.replied_valid),
        figures=[
            _count("complaints_volume", c.volume, "complaints.received"),
            _count("complaints_valid", c.valid, "complaints.valid"),
            _count("complaints_invalid", c.invalid, "complaints.invalid"),
            _count("complaints_unclassified", c.unclassified, "complaints.unclassified"),
            _rate("complaints_valid_share", c.valid_share),
            _count("complaints_major", c.major, "complaints.major"),
            _count("complaints_escalated", c.escalated, "complaints.escalated"),
            _count("complaints_overdue", c.overdue, "complaints.overdue"),
            _count("complaints_closed", c.closed, "complaints.closed"),
            _plain("complaints_close_median_min", c.close_median, format_minutes(c.close_median)),
            _plain("complaints_close_p90_min", c.close_p90, format_minutes(c.close_p90)),
            _count("complaints_replied_valid", c.replied_valid, "complaints.replied_valid"),
            _count("complaints_return_visited", c.return_visited),
            _rate("complaints_return_visit_rate", c.return_visit_rate),
            _count("complaints_visits", c.visits, "complaints.visits"),
            _rate("complaints_satisfied_share", c.satisfied_share),
            _plain("complaints_satisfaction_avg", c.satisfaction_avg,
                   "—" if c.satisfaction_avg is None else f"{c.satisfaction_avg} / 5"),
            _count("complaints_open_now", c.open_now, "complaints.open_now"),
        ],
        charts=[
            Chart("complaints_by_category", t("reports.c.complaints_by_category"),
                  _bars([(x.key, x.label, x.count) for x in c.by_category],
                        "complaints.category")),
            Chart("complaints_by_channel", t("reports.c.complaints_by_channel"),
                  _bars([(x.key, x.label, x.count) for x in c.by_channel],
                        "complaints.channel")),
        ])


def _renovation_section(r: MonthlyReport) -> Section:
    m = r.renovation
    values = [m.filed, m.approved, m.cancelled, m.extensions, m.inspections_passed,
              m.inspections_failed, m.deposits_collected, m.deposits_refunded, m.active_at_end,
              m.deposits_held_at_end]
    return Section(
        "renovation", t("reports.s.renovation"), _any(*values),
        figures=[
            _count("renovation_filed", m.filed, "renovation.filed"),
            _count("renovation_approved", m.approved, "renovation.approved"),
            _count("renovation_cancelled", m.cancelled, "renovation.cancelled"),
            _count("renovation_extensions", m.extensions),
            _count("renovation_inspections_passed", m.inspections_passed),
            _count("renovation_inspections_failed", m.inspections_failed),
            _count("renovation_active", m.active_at_end, "renovation.active"),
            _count("renovation_expiring", m.expiring_at_end, "renovation.expiring"),
            _count("renovation_overdue", m.overdue_at_end, "renovation.overdue"),
            _count("renovation_deposits_collected", m.deposits_collected,
                   "renovation.deposits_collected"),
            _money("renovation_deposits_collected_fen", m.deposits_collected_fen,
                   "renovation.deposits_collected"),
            _count("renovation_deposits_refunded", m.deposits_refunded,
                   "renovation.deposits_refunded"),
            _money("renovation_deposits_refunded_fen", m.deposits_refunded_fen,
                   "renovation.deposits_refunded"),
            _count("renovation_deposits_held", m.deposits_held_at_end, "renovation.held"),
            _money("renovation_deposits_held_fen", m.deposits_held_at_end_fen, "renovation.held"),
        ],
        charts=[Chart("renovation_by_kind", t("reports.c.renovation_by_kind"), _bars(
            [(k, t(f"renovation.kind.{k}"), n) for k, n in m.by_kind.items()],
            "renovation.kind"))])


def _fees_section(r: MonthlyReport) -> Section:
    c, a = r.cashier, r.arrears
    return Section(
        "fees", t("reports.s.fees"),
        _any(c.receipts, c.receipts_void, c.refunds, c.billed, c.closes, c.reminders, a.units),
        figures=[
            _money("fees_collected_fen", c.collected_fen, "receipts.valid"),
            _count("fees_receipts", c.receipts, "receipts.valid"),
            _count("fees_receipts_void", c.receipts_void, "receipts.void"),
            _money("fees_voided_fen", c.voided_fen, "receipts.void"),
            _count("fees_refunds", c.refunds),
            _money("fees_refunded_fen", c.refunded_fen),
            _money("fees_net_fen", c.net_fen),
            _count("fees_billed", c.billed),
            _money("fees_billed_fen", c.billed_fen),
            _count("fees_reminders", c.reminders, "reminders"),
            _count("fees_closes", c.closes, "closes"),
            _count("fees_closes_awaiting", c.closes_awaiting_signoff, "closes.awaiting"),
            _money("fees_cash_difference_fen", c.cash_difference_fen, "closes"),
            _count("fees_arrears_units", a.units, "arrears"),
            _money("fees_arrears_fen", a.total_fen, "arrears"),
        ],
        charts=[
            Chart("fees_by_kind", t("reports.c.fees_by_kind"), _bars(
                [(k, t(f"cashier.kind.{k}"), v) for k, v in c.by_kind.items()],
                "receipts.kind", money=True), money=True),
            Chart("fees_by_method", t("reports.c.fees_by_method"), _bars(
                [(k, t(f"cashier.method.{k}"), v) for k, v in c.by_method.items()],
                "receipts.method", money=True), money=True),
            Chart("arrears_by_age", t("reports.c.arrears_by_age", day=r.as_of.isoformat()), [
                Figure(k, t(f"reports.bar.{k}"), v, format_fen(v), "arrears", money=True)
                for k, v in (("d0_30", a.d0_30_fen), ("d31_90", a.d31_90_fen),
                             ("d91_180", a.d91_180_fen), ("over_180", a.over_180_fen))],
                money=True),
        ])


def _survey_section(r: MonthlyReport) -> Section:
    s = r.survey
    items = [Figure(
        f"campaign_{c.campaign_id}", c.title, None,
        t("reports.survey.campaign_line", distribution=_share(c.distribution_rate),
          recovery=_share(c.recovery_rate), responses=c.responses,
          satisfaction=_share(c.satisfaction_rate), overall=_share(c.overall_item_rate)),
        ref=RecordRef("survey_campaign", c.campaign_id)) for c in s.campaigns_closed]
    return Section(
        "survey", t("reports.s.survey"),
        _any(s.distributed, s.responses, s.replaced, s.voided, s.followups_created,
             s.followups_answered, s.followups_replied, s.followups_open, s.campaigns_closed),
        figures=[
            _count("survey_distributed", s.distributed),
            _count("survey_responses", s.responses),
            _count("survey_followups_created", s.followups_created),
            _count("survey_followups_replied", s.followups_replied),
            _count("survey_followups_open", s.followups_open),
            _count("survey_campaigns_closed", len(s.campaigns_closed)),
        ],
        items=items,
        note="" if items else t("reports.survey.none_closed"))


def _share(value: float | None) -> str:
    """A 0–1 share from the survey service, shown in per cent (one decimal, half up)."""
    return format_percent(share(value))


def _registers_section(r: MonthlyReport) -> Section:
    g = r.registers
    values = [getattr(g, name) for name in g.__dataclass_fields__ if name not in ("year", "month")]
    return Section(
        "registers", t("reports.s.registers"), _any(*values),
        figures=[
            _count("registers_visitors", g.visitors, "visitors"),
            _count("registers_visitor_people", g.visitor_people, "visitors"),
            _count("registers_key_checkouts", g.key_checkouts, "keys"),
            _count("registers_key_returns_late", g.key_returns_late),
            _count("registers_loans", g.loans, "loans"),
            _count("registers_parcels_received", g.parcels_received, "parcels"),
            _count("registers_parcels_handed_over", g.parcels_handed_over),
            _count("registers_lost_registered", g.lost_registered, "lost"),
            _count("registers_lost_claimed", g.lost_claimed),
            _count("registers_goods_passes", g.goods_passes_issued, "goods"),
        ])


def _handover_section(r: MonthlyReport) -> Section:
    s = r.reception
    items = [Figure(
        f"handover_{n.id}",
        t("reports.handover.label", start=n.period_start.strftime("%m-%d %H:%M"),
          end=n.period_end.strftime("%H:%M" if n.period_end.date() == n.period_start.date()
                                    else "%m-%d %H:%M"), desk=n.desk, writer=n.writer,
          status=t("reports.handover.confirmed") if n.confirmed
          else t("reports.handover.unconfirmed")),
        None, n.notes, ref=RecordRef("handover", n.id)) for n in r.handover_notes]
    note = ""
    if r.handover_notes_total > len(items):
        note = t("reports.handover.more", shown=len(items), total=r.handover_notes_total)
    return Section(
        "handovers", t("reports.s.handovers"), _any(s.handovers, r.handover_notes_total),
        figures=[
            _count("handovers", s.handovers, "handovers"),
            _count("handovers_confirmed", s.handovers_confirmed, "handovers.confirmed"),
            _count("handovers_unconfirmed", s.handovers - s.handovers_confirmed,
                   "handovers.unconfirmed"),
            _count("handovers_with_notes", r.handover_notes_total, "handovers.notes"),
        ],
        items=items, note=note)


def _ops_section(r: MonthlyReport) -> Section:
    o = r.ops
    return Section(
        "ops", t("reports.s.ops"), _any(o.reveals, o.backups, o.backup_failures, o.restores),
        figures=[
            _count("ops_reveals", o.reveals),
            _count("ops_backups", o.backups),
            _count("ops_backup_failures", o.backup_failures),
            _count("ops_restores", o.restores),
        ],
        charts=[Chart("ops_reveals_by_staff", t("reports.c.ops_reveals_by_staff"), _bars(
            [(name, name, n) for name, n in o.reveals_by_staff.items()], None))])


SECTION_BUILDERS: tuple[Callable[[MonthlyReport], list[Section]], ...] = (
    _reception_sections,
    lambda r: [_complaints_section(r)],
    lambda r: [_renovation_section(r)],
    lambda r: [_fees_section(r)],
    lambda r: [_survey_section(r)],
    lambda r: [_registers_section(r)],
    lambda r: _customer_sections(r),
    lambda r: [_handover_section(r)],
    lambda r: [_ops_section(r)],
)


def _customer_sections(r: MonthlyReport) -> list[Section]:
    """Incidents, moves and sales (the customer file, issue #20)."""
    from deskapp.services.customer.incidents import kind_label

    c = r.customer
    if c is None:
        return []
    i = c.incidents

    def minutes(key: str, value: int | None) -> Figure:
        return Figure(key, t(f"reports.f.{key}"), value,
                      "—" if value is None else t("customer.minutes", n=value))

    return [Section(
        "incidents", t("reports.s.incidents"),
        bool(i.total or c.moved_in or c.moved_out or c.transfers
             or (c.moveins and (c.moveins.completed or c.moveins.open_now))),
        figures=[
            _count("incidents", i.total),
            _count("incidents_open", i.open_now),
            minutes("incidents_avg_response", i.avg_response_minutes),
            minutes("incidents_max_response", i.max_response_minutes),
            _count("incidents_within_15", i.within_15),
            _count("moved_in", c.moved_in),
            _count("moved_out", c.moved_out),
            _count("transfers", c.transfers),
            *([_count("moveins", c.moveins.completed), _count("moveins_open", c.moveins.open_now),
               _count("movein_defects", c.moveins.defects)] if c.moveins else []),
        ],
        charts=[Chart("incidents_by_kind", t("reports.c.incidents_by_kind"), _bars(
            [(k, kind_label(k), n) for k, n in i.by_kind.items()], None))])]


def sections(report: MonthlyReport) -> list[Section]:
    """The report laid out: contacts, repairs, complaints, renovation, fees, survey,
    registers, handovers, operations — translated in the current language."""
    out: list[Section] = []
    for build in SECTION_BUILDERS:
        out.extend(build(report))
    return out


def is_empty(layout: Sequence[Section]) -> bool:
    """Nothing at all was recorded in the month."""
    return not any(s.has_data for s in layout)


# --------------------------------------------------------------------------------------
# Drills: the records behind a figure, as the area's own record list
# --------------------------------------------------------------------------------------


@dataclass
class DrillList:
    """A record list for one figure: the area's source restricted to the figure's
    records. ``kind`` is the :class:`RecordRef` kind its rows open (``""``: none)."""

    key: str
    kind: str
    source: ListSource


def _restrict(source: Any, *clauses: Any) -> Any:
    """Add fixed WHERE clauses to an area's :class:`SqlListSource` (this instance only):
    count and fetch both go through ``where``."""
    base = source.where

    def where(session: Any, query: ListQuery) -> list[ColumnElement[bool]]:
        return [*base(session, query), *clauses]

    source.where = where
    source._plain = lambda: False  # the FTS-only count would ignore the clauses
    return source


def _within(column: Any, start: datetime, end: datetime) -> Any:
    return and_(column >= start, column < end)


class MonthEndArrearsSource:
    """Units in arrears on a given day (the month's end), longest overdue first — the
    cashier's arrears list, aged on ``as_of`` instead of today."""

    def __init__(self, as_of: date) -> None:
        from deskapp.services.cashier.lists import ArrearsSource

        self.as_of = as_of
        inner = ArrearsSource()
        self.columns = inner.columns
        self.filters = [f for f in inner.filters if f.key == "age"]
        self._args = inner._args

    def count(self, session: Any, query: ListQuery) -> int:
        from deskapp.services.cashier.arrears import arrears_count

        return arrears_count(session, as_of=self.as_of, **self._args(query))

    def fetch(self, session: Any, query: ListQuery, offset: int, limit: int, *,
              reverse: bool = False) -> list[ListRow]:
        from deskapp.services.cashier.arrears import arrears

        out = []
        for r in arrears(session, as_of=self.as_of, offset=offset, limit=limit,
                         reverse=reverse, **self._args(query)):
            days = r.days(self.as_of)
            out.append(ListRow(r.unit_id, (
                r.unit_code, r.owner_name, r.phone_masked,
                *(format_fen(v) if v else "" for v in (r.d0_30_fen, r.d31_90_fen,
                                                       r.d91_180_fen, r.over_180_fen)),
                format_fen(r.total_fen), str(days),
                r.last_reminder_at.strftime("%Y-%m-%d") if r.last_reminder_at else "",
                r.promise_date.isoformat() if r.promise_date else ""),
                "overdue" if days > 90 else "warning" if days > 30 else ""))
        return out


def drill(session: Session, *, by: Staff, year: int, month: int, key: str) -> DrillList:
    """The record list behind the figure whose drill is ``key`` (see :class:`Figure`):
    ``name`` or ``name:argument`` (``contacts.kind:repair``)."""
    require_role(by, Role.SUPERVISOR)
    check_month(year, month)
    name, _, arg = key.partition(":")
    builder = _DRILLS.get(name)
    if builder is None:
        raise ValidationError("reports.drill.unknown", what=key)
    start, end = clock.month_range(year, month)
    try:
        kind, source = builder(session, _Span(year, month, start, end), name, arg)
    except (ValueError, KeyError) as err:  # an argument that is no kind, channel, method …
        raise ValidationError("reports.drill.unknown", what=key) from err
    return DrillList(key, kind, source)


def drill_keys() -> list[str]:
    """Every drill name (without arguments)."""
    return sorted(_DRILLS)


@dataclass(frozen=True)
class _Span:
    year: int
    month: int
    start: datetime
    end: datetime

    @property
    def first(self) -> date:
        return self.start.date()

    @property
    def last(self) -> date:
        return (self.end - timedelta(days=1)).date()

    def within(self, column: Any) -> Any:
        return _within(column, self.start, self.end)


_DrillBuilder = Callable[[Session, _Span, str, str], tuple[str, Any]]
_DRILLS: dict[str, _DrillBuilder] = {}


def _drill(*names: str) -> Callable[[_DrillBuilder], _DrillBuilder]:
    def register(fn: _DrillBuilder) -> _DrillBuilder:
        for name in names:
            _DRILLS[name] = fn
        return fn

    return register


@_drill("contacts", "contacts.kind", "contacts.channel", "contacts.pending")
def _contacts(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.reception import Contact, ContactChannel, ContactKind, ContactStatus
    from deskapp.services.reception.reception import ContactSource, staff_names

    clauses = [m.within(Contact.at)]
    if name == "contacts.kind":
        clauses.append(Contact.kind == ContactKind(arg))
    elif name == "contacts.channel":
        clauses.append(Contact.channel == ContactChannel(arg))
    elif name == "contacts.pending":
        clauses.append(Contact.status == ContactStatus.PENDING)
    source = ContactSource(staff=sorted(staff_names(session).items()))
    return "contact", _restrict(source, *clauses)


@_drill("workorders.created", "workorders.completed", "workorders.on_time", "workorders.late",
        "workorders.overdue", "workorders.cancelled", "workorders.visited")
def _workorders(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.reception import WorkOrder, WorkOrderStatus
    from deskapp.services.reception.workorders import OPEN_STATES, WorkOrderSource

    w = WorkOrder
    clauses = {
        "workorders.created": [m.within(w.created_at)],
        "workorders.completed": [m.within(w.completed_at)],
        "workorders.on_time": [m.within(w.completed_at), w.completed_at <= w.due_at],
        "workorders.late": [m.within(w.completed_at), w.completed_at > w.due_at],
        "workorders.overdue": [m.within(w.created_at), w.status.in_(OPEN_STATES),  # type: ignore[attr-defined]
                               w.due_at < clock.now()],
        "workorders.cancelled": [m.within(w.created_at), w.status == WorkOrderStatus.CANCELLED],
        "workorders.visited": [m.within(w.visited_at)],
    }[name]
    return "workorder", _restrict(WorkOrderSource(), *clauses)


@_drill("complaints.received", "complaints.valid", "complaints.invalid",
        "complaints.unclassified", "complaints.major", "complaints.escalated",
        "complaints.overdue", "complaints.closed", "complaints.replied_valid",
        "complaints.category", "complaints.channel", "complaints.open_now")
def _complaints(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.complaints import Complaint as C
    from deskapp.services.complaints.complaints import list_source

    received = m.within(C.received_at)
    now = clock.now()
    clauses = {
        "complaints.received": [received],
        "complaints.valid": [received, C.valid == True],  # noqa: E712
        "complaints.invalid": [received, C.valid == False],  # noqa: E712
        "complaints.unclassified": [received, C.valid.is_(None)],  # type: ignore[union-attr]
        "complaints.major": [received, C.major == True],  # noqa: E712
        "complaints.escalated": [received, C.escalated_to.is_not(None)],  # type: ignore[union-attr]
        "complaints.overdue": [received, or_(
            func.coalesce(C.first_response_at, now) > C.first_response_due,
            func.coalesce(C.closed_at, now) > C.close_due)],
        "complaints.closed": [m.within(C.closed_at)],
        "complaints.replied_valid": [m.within(C.replied_at), C.valid == True],  # noqa: E712
        "complaints.category": [received, C.category_code == arg],
        "complaints.channel": [received, C.channel == arg],
        "complaints.open_now": [C.closed_at.is_(None)],  # type: ignore[union-attr]
    }[name]
    return "complaint", _restrict(list_source(session), *clauses)


@_drill("complaints.visits")
def _complaint_visits(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.complaints import ServiceVisit, VisitKind
    from deskapp.services.complaints.visits import VisitSource
    from deskapp.services.reception.reception import staff_names

    source = VisitSource(staff_names=staff_names(session))
    return "service_visit", _restrict(source, m.within(ServiceVisit.visited_at),
                                      ServiceVisit.kind == VisitKind.COMPLAINT)


@_drill("renovation.filed", "renovation.approved", "renovation.cancelled", "renovation.active",
        "renovation.expiring", "renovation.overdue", "renovation.deposits_collected",
        "renovation.deposits_refunded", "renovation.held", "renovation.kind")
def _renovation(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.renovation import RenovationFiling as F
    from deskapp.db.models.renovation import WorkKind
    from deskapp.services.renovation.lists import FilingSource
    from deskapp.services.renovation.renovation import EXPIRING_DAYS

    end, last = m.end, m.last
    # the same "under permit at the month's end" as renovation.monthly_summary
    active = and_(F.approved_at.is_not(None), F.approved_at < end,  # type: ignore[union-attr,operator]
                  or_(F.completion_applied_at.is_(None), F.completion_applied_at >= end),  # type: ignore[union-attr,operator]
                  or_(F.cancelled_at.is_(None), F.cancelled_at >= end),  # type: ignore[union-attr,operator]
                  or_(F.closed_at.is_(None), F.closed_at >= end))  # type: ignore[union-attr,operator]
    held = and_(F.deposit_paid_at.is_not(None), F.deposit_paid_at < end,  # type: ignore[union-attr,operator]
                or_(F.deposit_refunded_at.is_(None), F.deposit_refunded_at >= end))  # type: ignore[union-attr,operator]
    clauses = {
        "renovation.filed": [m.within(F.created_at)],
        "renovation.approved": [m.within(F.approved_at)],
        "renovation.cancelled": [m.within(F.cancelled_at)],
        "renovation.active": [active],
        "renovation.expiring": [active, F.permit_end >= last,
                                F.permit_end < last + timedelta(days=EXPIRING_DAYS + 1)],
        "renovation.overdue": [active, F.permit_end < last],
        "renovation.deposits_collected": [m.within(F.deposit_paid_at)],
        "renovation.deposits_refunded": [m.within(F.deposit_refunded_at)],
        "renovation.held": [held],
    }.get(name) or [m.within(F.created_at), F.work_kind == WorkKind(arg)]
    return "renovation", _restrict(FilingSource(), *clauses)


@_drill("receipts.valid", "receipts.void", "receipts.method", "receipts.kind")
def _receipts(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.cashier import FeeKind, PayMethod, Receipt, ReceiptLine, ReceiptTender
    from deskapp.services.cashier.lists import ReceiptSource, staff_choices

    days = and_(Receipt.business_date >= m.first, Receipt.business_date <= m.last)
    valid = Receipt.voided == False  # noqa: E712
    if name == "receipts.void":
        clauses = [days, Receipt.voided == True]  # noqa: E712
    elif name == "receipts.method":
        clauses = [days, valid, exists().where(ReceiptTender.receipt_id == Receipt.id,
                                               ReceiptTender.method == PayMethod(arg))]
    elif name == "receipts.kind":
        clauses = [days, valid, exists().where(ReceiptLine.receipt_id == Receipt.id,
                                               ReceiptLine.kind == FeeKind(arg))]
    else:
        clauses = [days, valid]
    return "receipt", _restrict(ReceiptSource(staff_choices(session)), *clauses)


@_drill("closes", "closes.awaiting")
def _closes(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.cashier import CloseStatus, DailyClose
    from deskapp.services.cashier.lists import CloseSource

    clauses = [DailyClose.business_date >= m.first, DailyClose.business_date <= m.last]
    if name == "closes.awaiting":
        clauses.append(DailyClose.status == CloseStatus.AWAITING_SIGNOFF)
    return "daily_close", _restrict(CloseSource(), *clauses)


@_drill("reminders")
def _reminders(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.cashier import ArrearsReminder
    from deskapp.services.cashier.lists import ReminderSource

    return "", _restrict(ReminderSource(), m.within(ArrearsReminder.at))


@_drill("arrears")
def _arrears(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    return "", MonthEndArrearsSource(min(m.last, clock.today()))


@_drill("visitors", "keys", "loans", "parcels", "lost", "goods")
def _registers(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.registers import (
        GoodsPass,
        GoodsPassStatus,
        KeyLoan,
        KeyLoanStatus,
        Loan,
        LoanStatus,
        LostItem,
        LostStatus,
        Parcel,
        ParcelStatus,
        Visitor,
        VisitorStatus,
    )
    from deskapp.services.registers.goods import GoodsPassSource
    from deskapp.services.registers.keys import KeyLoanSource
    from deskapp.services.registers.lending import LoanSource
    from deskapp.services.registers.lost import LostItemSource
    from deskapp.services.registers.parcels import ParcelSource
    from deskapp.services.registers.visitors import VisitorSource

    # the same records as registers.monthly_summary counts (voided ones left out)
    kind, source, clauses = {
        "visitors": ("visitor", VisitorSource, [m.within(Visitor.time_in),
                                                Visitor.status != VisitorStatus.VOIDED]),
        "keys": ("key_loan", KeyLoanSource, [m.within(KeyLoan.out_at),
                                             KeyLoan.status != KeyLoanStatus.VOIDED]),
        "loans": ("loan", LoanSource, [m.within(Loan.out_at), Loan.status != LoanStatus.VOIDED]),
        "parcels": ("parcel", ParcelSource, [m.within(Parcel.received_at),
                                             Parcel.status != ParcelStatus.VOIDED]),
        "lost": ("lost_item", LostItemSource, [m.within(LostItem.registered_at),
                                               LostItem.status != LostStatus.VOIDED]),
        "goods": ("goods_pass", GoodsPassSource, [m.within(GoodsPass.issued_at),
                                                  GoodsPass.status != GoodsPassStatus.VOIDED]),
    }[name]
    return kind, _restrict(source(), *clauses)


@_drill("handovers", "handovers.confirmed", "handovers.unconfirmed", "handovers.notes")
def _handovers(session: Session, m: _Span, name: str, arg: str) -> tuple[str, Any]:
    from deskapp.db.models.reception import Handover, HandoverStatus
    from deskapp.services.reception.reception import staff_names
    from deskapp.services.reception.shifts import HandoverSource

    clauses = [m.within(Handover.period_end)]
    if name == "handovers.confirmed":
        clauses.append(Handover.status == HandoverStatus.CONFIRMED)
    elif name == "handovers.unconfirmed":
        clauses.append(Handover.status != HandoverStatus.CONFIRMED)
    elif name == "handovers.notes":
        clauses.append(func.trim(Handover.notes) != "")
    source = HandoverSource(staff=sorted(staff_names(session).items()))
    return "handover", _restrict(source, *clauses)
