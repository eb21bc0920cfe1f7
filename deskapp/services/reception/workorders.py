"""Maintenance work orders (维修工作单), sent to engineering (工程部).

States move forward only, each step recording who and when::

    created 已开单 → dispatched 已派工 → completed 已完工 → visited 已回访 → closed 已关闭

and ``created``/``dispatched`` may be cancelled (作废) with a reason. A work order cannot
be closed without its return visit (回访). Numbers are ``WX20261130-001``: gap-free per day
(``numbering.next_value(session, "workorder:20261130")`` in the creating transaction).

Each urgency has a time limit (hours from opening to completion): :data:`DEFAULT_LIMIT_HOURS`,
overridden per site in ``settings.toml`` (``"workorder.limit_hours.urgent" = 2``) and passed
in by the caller (:func:`limits_from_settings`). The due time is fixed when the order is
opened; an order is overdue while not completed after it (computed from ``clock.now()``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, true
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Staff, Unit
from deskapp.db.models.reception import (
    Contact,
    ContactStatus,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderStatus,
    WorkOrderUrgency,
)
from deskapp.errors import Conflict, DeskError, InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import audit, hooks
from deskapp.services.listing import FilterSpec, ListColumn, ListQuery, ListRow, SqlListSource
from deskapp.services.numbering import next_value
from deskapp.services.reception.common import (
    DESK_ROLES,
    check_time,
    clean_phone,
    clean_text,
    staff_names,
)
from deskapp.services.staff import require_role

__all__ = [
    "DEFAULT_LIMIT_HOURS",
    "OPEN_STATES",
    "WorkOrderCreate",
    "WorkOrderSource",
    "cancel_work_order",
    "close_work_order",
    "complete_work_order",
    "charge_fee_code_from_settings",
    "work_order_bill",
    "create_work_order",
    "dispatch_work_order",
    "get_by_number",
    "get_work_order",
    "is_overdue",
    "limits_from_settings",
    "record_return_visit",
]

DEFAULT_LIMIT_HOURS: dict[WorkOrderUrgency, int] = {
    WorkOrderUrgency.URGENT: 4,
    WorkOrderUrgency.NORMAL: 24,
    WorkOrderUrgency.SCHEDULED: 72,
}
OPEN_STATES = (WorkOrderStatus.CREATED, WorkOrderStatus.DISPATCHED)
#: Categories that happen inside a home: the unit is required, a location is not enough.
IN_HOME = (WorkOrderCategory.PAID_IN_HOME,)


def limits_from_settings(settings: Any) -> dict[WorkOrderUrgency, int]:
    """The time limits with the site's overrides (``Settings.get("workorder.limit_hours.
    urgent")`` …); a missing or bad value keeps the default."""
    limits = dict(DEFAULT_LIMIT_HOURS)
    for urgency in WorkOrderUrgency:
        raw = settings.get(f"workorder.limit_hours.{urgency.value}") if settings else None
        try:
            hours = int(raw) if raw is not None else None  # type: ignore[call-overload]
        except (TypeError, ValueError):
            hours = None
        if hours is not None and hours > 0:
            limits[urgency] = hours
    return limits


@dataclass
class WorkOrderCreate:
    category: WorkOrderCategory
    urgency: WorkOrderUrgency
    description: str
    unit_id: int | None = None
    location: str = ""
    requester_name: str = ""
    requester_phone: str = ""


def get_work_order(session: Session, work_order_id: int) -> WorkOrder:
    order = session.get(WorkOrder, work_order_id)
    if order is None:
        raise NotFound("reception.workorder.not_found")
    return order


def get_by_number(session: Session, number: str) -> WorkOrder:
    order = session.exec(select(WorkOrder).where(WorkOrder.number == number.strip().upper())).first()
    if order is None:
        raise NotFound("reception.workorder.not_found")
    return order


def is_overdue(order: WorkOrder, now: datetime | None = None) -> bool:
    return order.status in OPEN_STATES and (now or clock.now()) > order.due_at


def format_number(day: datetime, n: int) -> str:
    return f"WX{day:%Y%m%d}-{n:03d}"


def create_work_order(session: Session, *, by: Staff, contact_id: int | None,
                      data: WorkOrderCreate,
                      limits: Mapping[WorkOrderUrgency, int] | None = None) -> WorkOrder:
    """Open a work order, from a (repair) contact or directly. The contact, when given,
    supplies unit and requester where the form left them empty, and is linked to the
    order ("handed over")."""
    require_role(by, *DESK_ROLES)
    try:
        category = WorkOrderCategory(data.category)
        urgency = WorkOrderUrgency(data.urgency)
    except ValueError:
        raise ValidationError("reception.choice.invalid", field="category") from None
    contact: Contact | None = None
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise NotFound("reception.contact.not_found")
        if contact.linked_kind:
            raise Conflict("reception.contact.already_linked", kind=contact.linked_kind,
                           id=contact.linked_id)
    unit_id = data.unit_id if data.unit_id is not None else (contact.unit_id if contact else None)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        raise ValidationError("reception.unit.not_found", field="unit")
    description = clean_text(data.description, field="description",
                             label_key="reception.wo.field.description", max_len=2000,
                             required=True)
    location = clean_text(data.location, field="location", label_key="reception.wo.field.location",
                          max_len=100, multiline=False)
    if unit is None and (category in IN_HOME or not location):
        raise ValidationError("reception.workorder.unit_required", field="unit")
    name = clean_text(data.requester_name or (contact.person_name if contact else ""),
                      field="requester_name", label_key="reception.field.person_name",
                      max_len=50, multiline=False)
    phone = clean_phone(data.requester_phone or (contact.phone if contact else ""),
                        field="requester_phone")
    now = clock.now()
    hours = int((limits or DEFAULT_LIMIT_HOURS).get(urgency, DEFAULT_LIMIT_HOURS[urgency]))
    number = format_number(now, next_value(session, f"workorder:{now:%Y%m%d}"))
    assert by.id is not None
    order = WorkOrder(
        number=number, contact_id=contact.id if contact else None,
        unit_id=unit.id if unit else None, unit_code=unit.code if unit else "",
        building_id=unit.building_id if unit else None, location=location,
        category=category, urgency=urgency, description=description, requester_name=name,
        requester_phone=phone, limit_hours=hours, due_at=now + timedelta(hours=hours),
        created_at=now, created_by=by.id,
    )
    session.add(order)
    session.flush()
    audit.record(session, by=by, action="workorder.create", entity="workorder",
                 entity_id=order.id, detail={"number": number, "category": category.value,
                                             "urgency": urgency.value, "unit": order.unit_code,
                                             "contact": order.contact_id})
    if contact is not None:
        contact.linked_kind, contact.linked_id = "workorder", order.id
        contact.status = ContactStatus.HANDED_OVER
        contact.updated_at, contact.updated_by = now, by.id
        session.add(contact)
        audit.record(session, by=by, action="contact.link", entity="contact",
                     entity_id=contact.id, detail={"kind": "workorder", "id": order.id,
                                                   "number": number})
    return order


def _step(session: Session, work_order_id: int, expected: WorkOrderStatus,
          target: WorkOrderStatus) -> WorkOrder:
    order = get_work_order(session, work_order_id)
    err = _step_refusal(order, expected, target)
    if err is not None:
        raise err
    return order


def _step_refusal(order: WorkOrder, expected: tuple[WorkOrderStatus, ...] | WorkOrderStatus,
                  target: WorkOrderStatus) -> DeskError | None:
    allowed = expected if isinstance(expected, tuple) else (expected,)
    if order.status in allowed:
        return None
    if target == WorkOrderStatus.CLOSED and order.status == WorkOrderStatus.COMPLETED:
        return InvalidTransition("reception.workorder.close_needs_visit")
    return InvalidTransition("reception.workorder.bad_step",
                             state=t(f"reception.wo.status.{order.status.value}"),
                             step=t(f"reception.wo.step.{target.value}"))


#: step → (the state it starts from, the state it leads to)
_STEPS: dict[str, tuple[tuple[WorkOrderStatus, ...], WorkOrderStatus]] = {
    "dispatch": ((WorkOrderStatus.CREATED,), WorkOrderStatus.DISPATCHED),
    "complete": ((WorkOrderStatus.DISPATCHED,), WorkOrderStatus.COMPLETED),
    "visit": ((WorkOrderStatus.COMPLETED,), WorkOrderStatus.VISITED),
    "close": ((WorkOrderStatus.VISITED,), WorkOrderStatus.CLOSED),
}


def why_not(order: WorkOrder, step: str) -> DeskError | None:
    """Why the step (dispatch / complete / visit / close / cancel) cannot be taken on the
    order now — the error the step itself would raise — or ``None``."""
    if step == "cancel":
        return _step_refusal(order, tuple(OPEN_STATES), WorkOrderStatus.CANCELLED)
    expected, target = _STEPS[step]
    return _step_refusal(order, expected, target)


def dispatch_work_order(session: Session, *, by: Staff, work_order_id: int, assignee: str,
                        at: datetime | None = None) -> WorkOrder:
    """Send the order to an engineer or team (派工)."""
    require_role(by, *DESK_ROLES)
    order = _step(session, work_order_id, WorkOrderStatus.CREATED, WorkOrderStatus.DISPATCHED)
    who = clean_text(assignee, field="assignee", label_key="reception.wo.field.assignee",
                     max_len=50, required=True, multiline=False)
    when = check_time(at, field="dispatched_at", not_before=order.created_at,
                      before_key="reception.workorder.dispatch_before_create")
    order.status, order.assignee = WorkOrderStatus.DISPATCHED, who
    order.dispatched_at, order.dispatched_by = when, by.id
    session.add(order)
    audit.record(session, by=by, action="workorder.dispatch", entity="workorder",
                 entity_id=order.id, detail={"assignee": who, "at": when.isoformat(sep=" ")})
    return order


#: The fee standard a paid in-home repair is billed under (户内维修人工费); a site names
#: another with ``workorder.charge_fee_code`` in settings.toml.
CHARGE_FEE_CODE = "SV-REPAIR"
CHARGE_FEE_SETTING = "workorder.charge_fee_code"


def charge_fee_code_from_settings(settings: Any) -> str:
    raw = settings.get(CHARGE_FEE_SETTING) if settings is not None else None
    return str(raw).strip() if isinstance(raw, str) and raw.strip() else CHARGE_FEE_CODE


def complete_work_order(session: Session, *, by: Staff, work_order_id: int, result: str,
                        at: datetime | None = None, materials: str = "",
                        charge_fen: int = 0, charge_fee_code: str = CHARGE_FEE_CODE
                        ) -> WorkOrder:
    """Record the repair as done (完工): when, result, materials, and the charge of a paid
    in-home repair (integer fen). The charge is billed to the unit through the cashier in
    the same transaction (fee standard ``charge_fee_code``, the bill pointing back at the
    order), so the owner pays it at the cashier window like any other bill."""
    require_role(by, *DESK_ROLES)
    order = _step(session, work_order_id, WorkOrderStatus.DISPATCHED, WorkOrderStatus.COMPLETED)
    assert order.dispatched_at is not None
    when = check_time(at, field="completed_at", not_before=order.dispatched_at,
                      before_key="reception.workorder.complete_before_dispatch")
    text = clean_text(result, field="result", label_key="reception.wo.field.result",
                      max_len=1000, required=True)
    used = clean_text(materials, field="materials", label_key="reception.wo.field.materials",
                      max_len=500)
    if isinstance(charge_fen, bool) or not isinstance(charge_fen, int) or charge_fen < 0:
        raise ValidationError("money.negative", field="charge")
    if charge_fen and order.category != WorkOrderCategory.PAID_IN_HOME:
        raise ValidationError("reception.workorder.charge_not_paid", field="charge")
    order.status = WorkOrderStatus.COMPLETED
    order.completed_at, order.completed_by = when, by.id
    order.result, order.materials, order.charge_fen = text, used, charge_fen
    session.add(order)
    if charge_fen:
        _bill_charge(session, by=by, order=order, fee_code=charge_fee_code)
    audit.record(session, by=by, action="workorder.complete", entity="workorder",
                 entity_id=order.id, detail={"at": when.isoformat(sep=" "), "charge_fen": charge_fen,
                                             "on_time": when <= order.due_at})
    return order


def _bill_charge(session: Session, *, by: Staff, order: WorkOrder, fee_code: str) -> None:
    from deskapp.services.cashier import fees

    assert order.unit_id is not None  # a paid in-home repair is always for a unit
    try:
        fees.add_charge(session, by=by, unit_id=order.unit_id, fee_code=fee_code,
                           amount_fen=order.charge_fen,
                           description=t("reception.workorder.charge_bill", number=order.number),
                           source_kind="workorder", source_id=order.id)
    except NotFound:
        raise Conflict("reception.workorder.charge_no_standard", code=fee_code) from None


def work_order_bill(session: Session, order: WorkOrder) -> Any:
    """The cashier's bill for a paid repair's charge (``None`` when there is none)."""
    from deskapp.db.models.cashier import Bill

    return session.exec(select(Bill).where(Bill.source_kind == "workorder",
                                           Bill.source_id == order.id)).first()


def record_return_visit(session: Session, *, by: Staff, work_order_id: int,
                        satisfaction: int, comment: str = "",
                        at: datetime | None = None) -> WorkOrder:
    """The return visit (回访): when, by whom, satisfaction 1–5, comment."""
    require_role(by, *DESK_ROLES)
    order = _step(session, work_order_id, WorkOrderStatus.COMPLETED, WorkOrderStatus.VISITED)
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) \
            or not 1 <= satisfaction <= 5:
        raise ValidationError("reception.workorder.satisfaction", field="satisfaction")
    assert order.completed_at is not None
    when = check_time(at, field="visited_at", not_before=order.completed_at,
                      before_key="reception.workorder.visit_before_complete")
    note = clean_text(comment, field="visit_comment", label_key="reception.wo.field.comment",
                      max_len=500)
    order.status = WorkOrderStatus.VISITED
    order.visited_at, order.visited_by = when, by.id
    order.satisfaction, order.visit_comment = satisfaction, note
    session.add(order)
    audit.record(session, by=by, action="workorder.visit", entity="workorder",
                 entity_id=order.id, detail={"satisfaction": satisfaction})
    return order


def close_work_order(session: Session, *, by: Staff, work_order_id: int) -> WorkOrder:
    """Close (关闭) — only after the return visit."""
    require_role(by, *DESK_ROLES)
    order = _step(session, work_order_id, WorkOrderStatus.VISITED, WorkOrderStatus.CLOSED)
    order.status = WorkOrderStatus.CLOSED
    order.closed_at, order.closed_by = clock.now(), by.id
    session.add(order)
    audit.record(session, by=by, action="workorder.close", entity="workorder",
                 entity_id=order.id)
    return order


def cancel_work_order(session: Session, *, by: Staff, work_order_id: int,
                      reason: str) -> WorkOrder:
    """Void (作废) an order that was opened by mistake or twice, before completion; the
    order stays on record with who, when and why."""
    require_role(by, *DESK_ROLES)
    order = get_work_order(session, work_order_id)
    err = why_not(order, "cancel")
    if err is not None:
        raise err
    why = clean_text(reason, field="reason", label_key="reception.wo.field.reason",
                     max_len=200, required=True, multiline=False)
    order.status = WorkOrderStatus.CANCELLED
    order.cancelled_at, order.cancelled_by, order.cancel_reason = clock.now(), by.id, why
    session.add(order)
    audit.record(session, by=by, action="workorder.cancel", entity="workorder",
                 entity_id=order.id, detail={"reason": why})
    return order


def work_order_timeline(session: Session, order: WorkOrder) -> list[tuple[str, datetime, str]]:
    """(step label, when, who) of every step taken, in order."""
    names = staff_names(session)
    steps = [
        ("created", order.created_at, order.created_by),
        ("dispatched", order.dispatched_at, order.dispatched_by),
        ("completed", order.completed_at, order.completed_by),
        ("visited", order.visited_at, order.visited_by),
        ("closed", order.closed_at, order.closed_by),
        ("cancelled", order.cancelled_at, order.cancelled_by),
    ]
    return [(t(f"reception.wo.step.{key}"), when, names.get(who or 0, ""))
            for key, when, who in steps if when is not None]


# --------------------------------------------------------------------------------------
# Labels and the list
# --------------------------------------------------------------------------------------


def category_label(value: WorkOrderCategory | str) -> str:
    return t(f"reception.wo.category.{WorkOrderCategory(value).value}")


def urgency_label(value: WorkOrderUrgency | str) -> str:
    return t(f"reception.wo.urgency.{WorkOrderUrgency(value).value}")


def status_label(value: WorkOrderStatus | str) -> str:
    return t(f"reception.wo.status.{WorkOrderStatus(value).value}")


VIEWS = ("open", "overdue", "awaiting_visit", "visited", "closed", "cancelled")


class WorkOrderSource(SqlListSource):
    """Work orders newest first; the ``view`` filter gives the desk's lists: open,
    overdue, awaiting return visit, …"""

    model = WorkOrder
    order_by = (WorkOrder.created_at.desc(), WorkOrder.id.desc())  # type: ignore[attr-defined,union-attr]
    search_columns = ("number", "description", "location", "requester_name", "assignee",
                      "unit_code", "result")
    fts_table = "work_order_fts"

    def __init__(self, *, buildings: Sequence[tuple[int, str]] = ()) -> None:
        self.columns = [
            ListColumn("number", "reception.wo.col.number", 14),
            ListColumn("created", "reception.wo.col.created", 11),
            ListColumn("unit", "reception.wo.col.unit", 12),
            ListColumn("category", "reception.wo.col.category", 10),
            ListColumn("urgency", "reception.wo.col.urgency", 4),
            ListColumn("description", "reception.wo.col.description", 28),
            ListColumn("assignee", "reception.wo.col.assignee", 14),
            ListColumn("due", "reception.wo.col.due", 11),
            ListColumn("status", "reception.wo.col.status", 12),
        ]
        self.filters = [
            FilterSpec("view", "reception.wo.filter.view", "choice",
                       [(v, t(f"reception.wo.view.{v}")) for v in VIEWS]),
            FilterSpec("from", "reception.filter.from", "date_from"),
            FilterSpec("to", "reception.filter.to", "date_to"),
            FilterSpec("category", "reception.wo.filter.category", "choice",
                       [(c.value, category_label(c)) for c in WorkOrderCategory]),
            FilterSpec("building", "reception.filter.building", "choice",
                       [(str(i), name) for i, name in buildings]),
        ]
        self.filter_columns = {
            "from": WorkOrder.created_at, "to": WorkOrder.created_at,  # type: ignore[dict-item]
            "category": WorkOrder.category,  # type: ignore[dict-item]
        }
        self._now = clock.now()

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        now = clock.now()
        if key == "view":
            status = WorkOrder.status
            return {
                "open": status.in_(OPEN_STATES),  # type: ignore[attr-defined]
                "overdue": status.in_(OPEN_STATES) & (WorkOrder.due_at < now),  # type: ignore[attr-defined,operator]
                "awaiting_visit": status == WorkOrderStatus.COMPLETED,
                "visited": status == WorkOrderStatus.VISITED,
                "closed": status == WorkOrderStatus.CLOSED,
                "cancelled": status == WorkOrderStatus.CANCELLED,
            }.get(str(value), true())
        if key in ("building", "unit", "contact"):
            column = {"building": WorkOrder.building_id, "unit": WorkOrder.unit_id,
                      "contact": WorkOrder.contact_id}[key]
            try:
                return column == int(str(value))  # type: ignore[return-value]
            except ValueError:
                return None
        return super().filter_clause(key, value)

    def select(self) -> Select[Any]:
        return select(WorkOrder)

    def fetch(self, session: OrmSession, query: ListQuery, offset: int, limit: int, *,
              reverse: bool = False) -> list[ListRow]:
        self._now = clock.now()
        return super().fetch(session, query, offset, limit, reverse=reverse)

    def to_row(self, item: WorkOrder) -> ListRow:
        overdue = is_overdue(item, self._now)
        status = status_label(item.status)
        if overdue:
            status = t("reception.wo.overdue_status", status=status)
        where = item.unit_code or item.location
        style = "overdue" if overdue else ("muted" if item.status in (
            WorkOrderStatus.CLOSED, WorkOrderStatus.CANCELLED) else "")
        if item.status == WorkOrderStatus.COMPLETED and not overdue:
            style = "warning"
        return ListRow(item.id or 0, (
            item.number, item.created_at.strftime("%m-%d %H:%M"), where,
            category_label(item.category), urgency_label(item.urgency), item.description,
            item.assignee, item.due_at.strftime("%m-%d %H:%M"), status,
        ), style)


# --------------------------------------------------------------------------------------
# Handover: open, overdue and unvisited work orders
# --------------------------------------------------------------------------------------

OPEN_ITEMS_LIMIT = 100


def open_work_orders(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    now = clock.now()
    items: list[hooks.OpenItem] = []
    rows = session.exec(
        select(WorkOrder).where(WorkOrder.status.in_(OPEN_STATES))  # type: ignore[attr-defined]
        .order_by(WorkOrder.due_at).limit(OPEN_ITEMS_LIMIT)
    ).all()
    for wo in rows:
        overdue = is_overdue(wo, now)
        key = "reception.handover.wo_overdue" if overdue else "reception.handover.wo_open"
        label = t(key, number=wo.number, where=wo.unit_code or wo.location,
                  category=category_label(wo.category), status=status_label(wo.status),
                  due=wo.due_at.strftime("%m-%d %H:%M"), text=wo.description[:30])
        items.append(hooks.OpenItem("reception.section.workorders", label,
                                    hooks.RecordRef("workorder", wo.id or 0), wo.created_at,
                                    overdue))
    rows = session.exec(
        select(WorkOrder).where(WorkOrder.status == WorkOrderStatus.COMPLETED)
        .order_by(WorkOrder.completed_at).limit(OPEN_ITEMS_LIMIT)  # type: ignore[arg-type]
    ).all()
    for wo in rows:
        label = t("reception.handover.wo_visit", number=wo.number,
                  where=wo.unit_code or wo.location, category=category_label(wo.category),
                  completed=wo.completed_at.strftime("%m-%d %H:%M") if wo.completed_at else "")
        items.append(hooks.OpenItem("reception.section.visits", label,
                                    hooks.RecordRef("workorder", wo.id or 0), wo.completed_at))
    return items


def phone_masked(order: WorkOrder) -> str:
    return mask_phone(order.requester_phone) if order.requester_phone else ""
