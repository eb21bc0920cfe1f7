"""来访登记 — visitors: registered in with a gap-free temporary pass number (and perhaps an
access card lent for the visit), signed out with the card back. A card cannot be lent
twice while its visitor is inside."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Staff, Unit
from deskapp.db.models.registers import Visitor, VisitorStatus
from deskapp.errors import InvalidTransition, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_id, mask_phone
from deskapp.services import audit, numbering
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.registers.common import (
    OVERDUE_VISIT_HOURS,
    desk,
    fmt_time,
    get,
    id_number,
    phone,
    plate,
    quantity,
    text,
    unit_or_none,
    void,
)

OPEN = (VisitorStatus.INSIDE,)
VISITOR_PASS_PREFIX = "FK"  # 访客; renovation workers' passes are SG… (施工)


def pass_number(session: Session) -> str:
    """The next visitor pass number of this year: ``FK2026-000123`` (访客, gap-free). Passes
    issued before the series had its own prefix keep their ``LS2026-…`` numbers; the
    counter carries on, so a new number never repeats an old one's digits."""
    year = clock.today().year
    return f"{VISITOR_PASS_PREFIX}{year}-{numbering.next_value(session, f'visitor-pass-{year}'):06d}"


def card_out(session: Session, card_no: str) -> Visitor | None:
    return session.execute(
        select(Visitor)
        .where(col(Visitor.card_no) == card_no, col(Visitor.status) == VisitorStatus.INSIDE)
    ).scalars().first()


def register_visitor(session: Session, *, by: Staff, name: str, phone_no: str = "",
                     id_no: str = "", unit_id: int | None = None, host: str = "",
                     purpose: str = "", people: int | str = 1, plate_no: str = "",
                     card_no: str = "", note: str = "") -> Visitor:
    """Register a visitor in. Name and a phone are required; the ID number is optional
    but validated; a card number already out with a visitor inside is refused."""
    desk(by)
    name = text(name, field="name", label_key="registers.field.visitor_name", required=True)
    phone_no = phone(phone_no, field="phone", required=True)
    id_no_clean = id_number(id_no, field="id_number")
    unit = unit_or_none(session, unit_id)
    host = text(host, field="host", label_key="registers.field.host")
    purpose = text(purpose, field="purpose", label_key="registers.field.purpose", max_len=100)
    people_n = quantity(people, field="people", max_value=999)
    plate_no = plate(plate_no)
    card = text(card_no, field="card_no", label_key="registers.field.card_no", max_len=20).upper()
    note = text(note, field="note", label_key="registers.field.note", max_len=200)
    if unit is None and not host:
        raise ValidationError("registers.visitor.whom", field="host")
    if card:
        holder = card_out(session, card)
        if holder is not None:
            raise ValidationError("registers.visitor.card_out", field="card_no", card=card,
                                  name=holder.name, number=holder.number)
    assert by.id is not None
    visitor = Visitor(
        number=pass_number(session), name=name, phone=phone_no, phone_tail=phone_no[-4:],
        id_number=id_no_clean, unit_id=unit.id if unit else None, host=host, purpose=purpose,
        people=people_n, plate=plate_no, card_no=card, status=VisitorStatus.INSIDE,
        time_in=clock.now(), in_by_id=by.id, note=note,
    )
    session.add(visitor)
    session.flush()
    audit.record(session, by=by, action="visitor.in", entity="visitor", entity_id=visitor.id,
                 detail={"number": visitor.number, "name": name, "phone": mask_phone(phone_no),
                         "id": mask_id(id_no_clean) if id_no_clean else "",
                         "unit": unit.code if unit else "", "card": card})
    return visitor


def sign_out_visitor(session: Session, *, by: Staff, visitor_id: int,
                     card_returned: bool | None = None, note: str = "") -> Visitor:
    """Time out. When a card was lent, whether it came back must be said."""
    desk(by)
    visitor: Visitor = get(session, Visitor, visitor_id, missing="registers.visitor.not_found")
    if visitor.status != VisitorStatus.INSIDE:
        raise InvalidTransition("registers.visitor.not_inside", name=visitor.name,
                                status=t(f"registers.status.{visitor.status.value}"))
    if visitor.card_no and card_returned is None:
        raise ValidationError("registers.visitor.card_returned_required", field="card_returned",
                              card=visitor.card_no)
    note = text(note, field="note", label_key="registers.field.note", max_len=200)
    visitor.status = VisitorStatus.LEFT
    visitor.time_out = clock.now()
    visitor.out_by_id = by.id
    visitor.card_returned = card_returned if visitor.card_no else None
    if note:
        visitor.note = (visitor.note + "；" + note).strip("；")[:200]
    session.add(visitor)
    session.flush()
    audit.record(session, by=by, action="visitor.out", entity="visitor", entity_id=visitor.id,
                 detail={"number": visitor.number, "card": visitor.card_no,
                         "card_returned": visitor.card_returned})
    return visitor


def void_visitor(session: Session, *, by: Staff, visitor_id: int, reason: str) -> Visitor:
    visitor: Visitor = get(session, Visitor, visitor_id, missing="registers.visitor.not_found")
    return void(session, visitor, by=by, reason=reason, entity="visitor", open_states=OPEN,
                void_state=VisitorStatus.VOIDED, label=visitor.number)


def inside(session: Session) -> list[Visitor]:
    return list(session.execute(
        select(Visitor).where(col(Visitor.status) == VisitorStatus.INSIDE)
        .order_by(col(Visitor.time_in))
    ).scalars().all())


def is_overdue(visitor: Visitor, now: Any = None) -> bool:
    now = now or clock.now()
    return visitor.status == VisitorStatus.INSIDE and \
        now - visitor.time_in > timedelta(hours=OVERDUE_VISIT_HOURS)


class VisitorSource(SqlListSource):
    """Visitors, newest first; ``status`` filter (default on screen: inside)."""

    columns = [
        ListColumn("number", "registers.col.pass_no", 13, priority=0),
        ListColumn("status", "registers.col.status", 6, priority=0),
        ListColumn("time_in", "registers.col.time_in", 11, priority=0),
        ListColumn("time_out", "registers.col.time_out", 11),
        ListColumn("name", "registers.col.visitor", 8, priority=0),
        ListColumn("phone", "registers.col.phone", 11),
        ListColumn("unit", "registers.col.unit", 9, priority=0),
        ListColumn("host", "registers.col.host", 8),
        ListColumn("people", "registers.col.people", 4, "right"),
        ListColumn("card", "registers.col.card", 5),
    ]
    model = Visitor
    order_by = (col(Visitor.time_in).desc(), col(Visitor.id).desc())
    search_columns = ("name", "host", "purpose", "plate", "number", "card_no", "phone_tail")
    fts_table = "reg_visitor_fts"

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("status", "registers.col.status", "choice",
                       [(s.value, t(f"registers.status.{s.value}")) for s in VisitorStatus]),
            FilterSpec("from", "registers.filter.from", "date_from"),
            FilterSpec("to", "registers.filter.to", "date_to"),
        ]
        self.filter_columns = {"status": col(Visitor.status), "from": col(Visitor.time_in),
                               "to": col(Visitor.time_in), "unit_id": col(Visitor.unit_id)}

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "unit_id":
            return Visitor.unit_id == int(str(value))
        return super().filter_clause(key, value)

    def select(self) -> AnySelect:
        return select(Visitor, col(Unit.code)).outerjoin(Unit, col(Unit.id) == Visitor.unit_id)

    def to_row(self, item: Any) -> ListRow:
        v: Visitor = item[0]
        style = ""
        if v.status == VisitorStatus.VOIDED:
            style = "muted"
        elif is_overdue(v):
            style = "overdue"
        card = v.card_no
        if v.card_no and v.card_returned is False:
            card += "✗"
        return ListRow(v.id or 0, (
            v.number, t(f"registers.status.{v.status.value}"), fmt_time(v.time_in),
            fmt_time(v.time_out), v.name, mask_phone(v.phone) if v.phone else "",
            item[1] or "", v.host, str(v.people), card,
        ), style)
