"""突发事件 — the quick incident log: lift entrapment, leaks, power and water cuts, fire
alarms, injuries. The plan says an incident is reported to the manager at once, so the log
asks who was told and when; actions are added with their times (the first one gives the
response time) and the incident is closed with what was done. Open incidents stay red in
the handover until closed; the monthly report counts them by kind and response time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Staff, Unit
from deskapp.db.models.customer import Incident, IncidentAction, IncidentKind, IncidentStatus
from deskapp.errors import InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import audit
from deskapp.services.customer.common import moment
from deskapp.services.hooks import HandoverContext, OpenItem, RecordRef
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.numbering import next_value
from deskapp.services.staff import Role, require_role
from deskapp.validators import optional_text
from deskapp.validators import phone as any_phone

DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)


def kind_label(kind: IncidentKind | str) -> str:
    return t(f"customer.incident.kind.{IncidentKind(kind).value}")


def kind_options() -> list[tuple[str, str]]:
    return [(k.value, f"customer.incident.kind.{k.value}") for k in IncidentKind]


def _text(value: str | None, *, field: str, label_key: str, max_len: int,
          required: bool = False) -> str:
    label = t(label_key)
    try:
        cleaned = optional_text(value or "", label, max_len, multiline=max_len > 100) or ""
    except ValidationError as err:
        raise ValidationError(err.key, field=field, **err.params) from None
    if required and not cleaned:
        raise ValidationError("validate.text.required", field=field, label=label)
    return cleaned


def _get(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("customer.incident.not_found")
    return incident


def log(session: Session, *, by: Staff, kind: IncidentKind | str, reporter: str, told: str,
        occurred_at: str | datetime | None = None, told_at: str | datetime | None = None,
        place: str = "", unit_id: int | None = None, reporter_phone: str = "",
        summary: str = "") -> Incident:
    """Log an incident. Needs a kind, where (a place or a unit), who reported it and who
    was told (the manager); times default to now and are never in the future."""
    require_role(by, *DESK_ROLES)
    try:
        kind = IncidentKind(kind)
    except ValueError:
        raise ValidationError("customer.incident.kind_required", field="kind") from None
    now = clock.to_minute(clock.now())
    at = moment(occurred_at, field="occurred_at", default=now)
    place = _text(place, field="place", label_key="customer.field.place", max_len=100)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        raise NotFound("unit.not_found")
    if not place and unit is None:
        raise ValidationError("customer.incident.place_required", field="place")
    reporter = _text(reporter, field="reporter", label_key="customer.field.reporter",
                     max_len=50, required=True)
    reporter_phone = (reporter_phone or "").strip()
    if reporter_phone:
        reporter_phone = any_phone(reporter_phone, field="reporter_phone")
    told = _text(told, field="told", label_key="customer.field.told", max_len=50,
                 required=True)
    told_when = moment(told_at, field="told_at", default=now)
    if told_when < at:
        raise ValidationError("customer.incident.told_before", field="told_at")
    summary = _text(summary, field="summary", label_key="customer.field.summary", max_len=500)
    number = f"SJ{at:%Y%m}-{next_value(session, f'incident:{at:%Y%m}'):04d}"
    incident = Incident(number=number, kind=kind, occurred_at=at, place=place,
                        unit_id=unit.id if unit else None, reporter=reporter,
                        reporter_phone=reporter_phone, told=told, told_at=told_when,
                        summary=summary, created_by=by.id or 0, created_at=clock.now())
    session.add(incident)
    session.flush()
    audit.record(session, by=by, action="incident.create", entity="cust_incident",
                 entity_id=incident.id,
                 detail={"number": number, "kind": kind.value, "at": at.isoformat(),
                         "unit": unit.code if unit else "", "place": place,
                         "reporter": reporter,
                         "phone": mask_phone(reporter_phone) if reporter_phone else "",
                         "told": told})
    return incident


def add_action(session: Session, *, by: Staff, incident_id: int, text: str,
               at: str | datetime | None = None) -> IncidentAction:
    """Add what was done and when (not before the incident happened)."""
    require_role(by, *DESK_ROLES)
    incident = _get(session, incident_id)
    if incident.status != IncidentStatus.OPEN:
        raise InvalidTransition("customer.incident.closed_already", number=incident.number)
    text = _text(text, field="text", label_key="customer.field.action", max_len=300,
                 required=True)
    when = moment(at, field="at", default=clock.to_minute(clock.now()))
    if when < incident.occurred_at:
        raise ValidationError("customer.incident.action_before", field="at",
                              at=incident.occurred_at.strftime("%m-%d %H:%M"))
    action = IncidentAction(incident_id=incident.id or 0, at=when, text=text,
                            created_by=by.id or 0)
    session.add(action)
    if incident.first_action_at is None or when < incident.first_action_at:
        incident.first_action_at = when
        session.add(incident)
    session.flush()
    audit.record(session, by=by, action="incident.action", entity="cust_incident",
                 entity_id=incident.id, detail={"at": when.isoformat(), "text": text})
    return action


def close(session: Session, *, by: Staff, incident_id: int, closure: str,
          at: str | datetime | None = None) -> Incident:
    """Close with what was done; needs at least one action first."""
    require_role(by, *DESK_ROLES)
    incident = _get(session, incident_id)
    if incident.status != IncidentStatus.OPEN:
        raise InvalidTransition("customer.incident.closed_already", number=incident.number)
    closure = _text(closure, field="closure", label_key="customer.field.closure",
                    max_len=500, required=True)
    if incident.first_action_at is None:
        raise InvalidTransition("customer.incident.no_action", number=incident.number)
    when = moment(at, field="closed_at", default=clock.to_minute(clock.now()))
    if when < incident.first_action_at:
        raise ValidationError("customer.incident.close_before", field="closed_at")
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = when
    incident.closure = closure
    incident.closed_by = by.id
    session.add(incident)
    session.flush()
    audit.record(session, by=by, action="incident.close", entity="cust_incident",
                 entity_id=incident.id, detail={"at": when.isoformat(), "closure": closure})
    return incident


@dataclass(frozen=True)
class IncidentDetail:
    incident: Incident
    unit_code: str
    actions: list[IncidentAction]

    def lines(self) -> list[str]:
        i = self.incident
        out = [
            f"{i.number}  {kind_label(i.kind)}  "
            f"{t('customer.incident.status.' + i.status.value)}",
            t("customer.incident.line.when", at=i.occurred_at.strftime("%Y-%m-%d %H:%M"),
              where=" ".join(x for x in (self.unit_code, i.place) if x)),
            t("customer.incident.line.reporter", name=i.reporter,
              phone=mask_phone(i.reporter_phone) if i.reporter_phone else ""),
            t("customer.incident.line.told", name=i.told, at=i.told_at.strftime("%H:%M")),
        ]
        if i.summary:
            out.append(i.summary)
        for a in self.actions:
            out.append(f"  {a.at:%m-%d %H:%M}  {a.text}")
        if i.closed_at:
            out.append(t("customer.incident.line.closed",
                         at=i.closed_at.strftime("%m-%d %H:%M"), text=i.closure))
        return out


def detail(session: Session, incident_id: int) -> IncidentDetail:
    incident = _get(session, incident_id)
    unit = session.get(Unit, incident.unit_id) if incident.unit_id else None
    actions = list(session.execute(select(IncidentAction).where(
        col(IncidentAction.incident_id) == incident.id).order_by(col(IncidentAction.at),
                                                            col(IncidentAction.id))).scalars())
    return IncidentDetail(incident, unit.code if unit else "", actions)


def response_minutes(incident: Incident) -> int | None:
    if incident.first_action_at is None:
        return None
    return max(0, int((incident.first_action_at - incident.occurred_at).total_seconds() // 60))


def open_incidents_items(session: Session, ctx: HandoverContext) -> list[OpenItem]:
    """Every open incident, red (overdue) until it is closed."""
    items = []
    for inc, code in session.execute(
        select(Incident, col(Unit.code)).outerjoin(Unit, col(Unit.id) == Incident.unit_id)
        .where(col(Incident.status) == IncidentStatus.OPEN).order_by(col(Incident.occurred_at))
    ).all():
        where = " ".join(x for x in (code or "", inc.place) if x)
        items.append(OpenItem("customer.section.incidents", t(
            "customer.open.incident", number=inc.number, kind=kind_label(inc.kind),
            where=where, since=inc.occurred_at.strftime("%m-%d %H:%M")),
            RecordRef("incident", inc.id or 0), inc.occurred_at, True))
    return items


@dataclass(frozen=True)
class IncidentMonth:
    year: int
    month: int
    total: int
    open_now: int
    by_kind: dict[str, int] = field(default_factory=dict)
    responded: int = 0
    avg_response_minutes: int | None = None
    max_response_minutes: int | None = None
    within_15: int = 0


def monthly_summary(session: Session, *, year: int, month: int) -> IncidentMonth:
    """Incidents that happened in the month: count by kind, response times (minutes from
    the incident to the first action), and how many are still open."""
    start, end = clock.month_range(year, month)
    rows = list(session.execute(select(Incident).where(
        col(Incident.occurred_at) >= start, col(Incident.occurred_at) < end)).scalars())
    by_kind: dict[str, int] = {}
    for inc in rows:
        by_kind[inc.kind.value] = by_kind.get(inc.kind.value, 0) + 1
    minutes = [m for m in (response_minutes(i) for i in rows) if m is not None]
    return IncidentMonth(
        year=year, month=month, total=len(rows),
        open_now=sum(1 for i in rows if i.status == IncidentStatus.OPEN), by_kind=by_kind,
        responded=len(minutes),
        avg_response_minutes=round(sum(minutes) / len(minutes)) if minutes else None,
        max_response_minutes=max(minutes) if minutes else None,
        within_15=sum(1 for m in minutes if m <= 15))


class IncidentSource(SqlListSource):
    """The incident log, newest first; open ones red."""

    columns = [
        ListColumn("number", "customer.col.number", 13, priority=0),
        ListColumn("status", "customer.col.status", 6, priority=0,
                   fits=("customer.incident.status.",)),
        ListColumn("kind", "customer.col.incident_kind", 8, priority=1,
                   fits=("customer.incident.kind.",)),
        ListColumn("at", "customer.col.occurred_at", 11, priority=0),
        ListColumn("where", "customer.col.where", 16, min_width=8, priority=3),
        ListColumn("reporter", "customer.col.reporter", 8, priority=4),
        ListColumn("response", "customer.col.response", 8, priority=2),
    ]
    model = Incident
    order_by = (col(Incident.occurred_at).desc(), col(Incident.id).desc())
    search_like_columns = (col(Incident.number), col(Incident.place), col(Incident.reporter),
                           col(Incident.summary), col(Unit.code))

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("status", "customer.col.status", "choice",
                       [(s.value, t(f"customer.incident.status.{s.value}"))
                        for s in IncidentStatus]),
            FilterSpec("kind", "customer.col.incident_kind", "choice",
                       [(k.value, kind_label(k)) for k in IncidentKind]),
            FilterSpec("from", "customer.filter.from", "date_from"),
        ]
        self.filter_columns = {"status": col(Incident.status), "kind": col(Incident.kind),
                               "from": col(Incident.occurred_at)}

    def select(self) -> AnySelect:
        return select(Incident, col(Unit.code)).outerjoin(Unit, col(Unit.id) == Incident.unit_id)

    def to_row(self, item: Any) -> ListRow:
        inc: Incident = item[0]
        minutes = response_minutes(inc)
        return ListRow(inc.id or 0, (
            inc.number, t(f"customer.incident.status.{inc.status.value}"), kind_label(inc.kind),
            inc.occurred_at.strftime("%m-%d %H:%M"),
            " ".join(x for x in (item[1] or "", inc.place) if x), inc.reporter,
            t("customer.minutes", n=minutes) if minutes is not None else "—",
        ), "overdue" if inc.status == IncidentStatus.OPEN else "")

