"""The monthly report laid out once (:func:`sections`): sections of figures and bar charts,
each with a stable key, read by every output (screen, text, JSON, XLSX, PDF).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from deskapp.i18n import t
from deskapp.money import format_fen
from deskapp.reporting.table import format_percent, share
from deskapp.services.hooks import RecordRef
from deskapp.services.reports.monthly import MonthlyReport
from deskapp.services.reports.months import percent

__all__ = [
    "Chart",
    "Figure",
    "Section",
    "sections",
]


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
    from deskapp.services.reception.common import channel_label, kind_label

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
    from deskapp.services.complaints.labels import format_minutes

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
        bool(i.total or c.moved_in or c.moved_out or c.transfers or c.cards.issued
             or c.cards.replaced or c.cards.cancelled),
        figures=[
            _count("incidents", i.total),
            _count("incidents_open", i.open_now),
            minutes("incidents_avg_response", i.avg_response_minutes),
            minutes("incidents_max_response", i.max_response_minutes),
            _count("incidents_within_15", i.within_15),
            _count("moved_in", c.moved_in),
            _count("moved_out", c.moved_out),
            _count("transfers", c.transfers),
            _count("cards_issued", c.cards.issued),
            _count("cards_replaced", c.cards.replaced),
            _count("cards_cancelled", c.cards.cancelled),
            _count("cards_active", c.cards.active),
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
