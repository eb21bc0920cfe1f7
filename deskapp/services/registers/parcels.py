"""派送报纸、信件、包裹 — parcels and mail received at the desk for a unit, the
recipient notified, then collected at the desk or delivered to the door.

The search box finds a parcel by the tail of its tracking number (``5678``, the digits
the courier's text message shows): the number is stored reversed as well, so any tail is an
index range scan, never a scan of years of parcels.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Staff, Unit
from deskapp.db.models.registers import NotifyMethod, Parcel, ParcelKind, ParcelStatus
from deskapp.errors import InvalidTransition, ValidationError
from deskapp.i18n import t
from deskapp.services import audit
from deskapp.services.listing import (
    AnySelect,
    FilterSpec,
    ListColumn,
    ListQuery,
    ListRow,
    SqlListSource,
)
from deskapp.services.registers.common import (
    PARCEL_OVERDUE_DAYS,
    desk,
    fmt_time,
    get,
    phone,
    text,
    unit_or_none,
    void,
)
from deskapp.services.textsearch import split_terms

OPEN = (ParcelStatus.WAITING,)
CARRIERS = ("顺丰", "京东", "中通", "圆通", "韵达", "申通", "极兔", "邮政EMS", "德邦", "菜鸟")
_TRACKING = re.compile(r"^[A-Z0-9]{4,40}$")
TAIL_MIN = 4


def tracking(value: str, *, field: str = "tracking_no") -> str:
    """A tracking number: NFKC, upper case, spaces and dashes dropped; 4–40 letters and
    digits."""
    raw = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value or "")).upper()
    if raw and not _TRACKING.match(raw):
        raise ValidationError("registers.parcel.tracking_invalid", field=field)
    return raw


def waiting_with_tracking(session: Session, tracking_no: str) -> Parcel | None:
    return session.execute(select(Parcel).where(
        col(Parcel.tracking_no) == tracking_no, col(Parcel.status) == ParcelStatus.WAITING)
    ).scalars().first()


def receive(session: Session, *, by: Staff, recipient: str, unit_id: int | None = None,
            kind: ParcelKind = ParcelKind.PARCEL, carrier: str = "", tracking_no: str = "",
            recipient_phone: str = "", shelf: str = "", note: str = "") -> Parcel:
    """Log a parcel, letter or newspaper received for a unit (or a named person with a
    phone). A parcel needs its tracking number; the same number cannot wait twice."""
    desk(by)
    kind = ParcelKind(kind)
    recipient = text(recipient, field="recipient", label_key="registers.field.recipient",
                     required=True)
    unit = unit_or_none(session, unit_id)
    recipient_phone = phone(recipient_phone, field="recipient_phone", required=unit is None)
    carrier = text(carrier, field="carrier", label_key="registers.field.carrier", max_len=30)
    number = tracking(tracking_no)
    if kind == ParcelKind.PARCEL and not number:
        raise ValidationError("registers.parcel.tracking_required", field="tracking_no")
    shelf = text(shelf, field="shelf", label_key="registers.field.shelf", max_len=20).upper()
    note = text(note, field="note", label_key="registers.field.note", max_len=200)
    if number:
        already = waiting_with_tracking(session, number)
        if already is not None:
            raise ValidationError("registers.parcel.duplicate", field="tracking_no",
                                  number=number, shelf=already.shelf or "-")
    assert by.id is not None
    parcel = Parcel(kind=kind, carrier=carrier, tracking_no=number, tracking_rev=number[::-1],
                    unit_id=unit.id if unit else None, recipient=recipient,
                    recipient_phone=recipient_phone, shelf=shelf, received_at=clock.now(),
                    received_by_id=by.id, status=ParcelStatus.WAITING, note=note)
    session.add(parcel)
    session.flush()
    audit.record(session, by=by, action="parcel.receive", entity="parcel", entity_id=parcel.id,
                 detail={"kind": kind.value, "carrier": carrier, "tracking": number,
                         "unit": unit.code if unit else "", "recipient": recipient,
                         "shelf": shelf})
    return parcel


def notify(session: Session, *, by: Staff, parcel_id: int,
           method: NotifyMethod = NotifyMethod.PHONE) -> Parcel:
    """Record that the recipient was told (again, if already told once)."""
    desk(by)
    parcel: Parcel = get(session, Parcel, parcel_id, missing="registers.parcel.not_found")
    if parcel.status != ParcelStatus.WAITING:
        raise InvalidTransition("registers.parcel.not_waiting",
                                status=t(f"registers.status.{parcel.status.value}"))
    method = NotifyMethod(method)
    parcel.notified_at = clock.now()
    parcel.notify_method = method
    parcel.notify_count += 1
    parcel.notified_by_id = by.id
    session.add(parcel)
    session.flush()
    audit.record(session, by=by, action="parcel.notify", entity="parcel", entity_id=parcel.id,
                 detail={"method": method.value, "count": parcel.notify_count})
    return parcel


def hand_over(session: Session, *, by: Staff, parcel_id: int, collected_by: str,
              delivered: bool = False, returned: bool = False, note: str = "") -> Parcel:
    """The parcel leaves the desk: collected by someone (name required), delivered to the
    unit by staff (``delivered``), or sent back to the carrier (``returned``)."""
    desk(by)
    parcel: Parcel = get(session, Parcel, parcel_id, missing="registers.parcel.not_found")
    if parcel.status != ParcelStatus.WAITING:
        raise InvalidTransition("registers.parcel.not_waiting",
                                status=t(f"registers.status.{parcel.status.value}"))
    collected_by = text(collected_by, field="collected_by",
                        label_key="registers.field.collected_by", required=True)
    note = text(note, field="note", label_key="registers.field.note", max_len=200)
    parcel.status = (ParcelStatus.RETURNED if returned else
                     ParcelStatus.DELIVERED if delivered else ParcelStatus.COLLECTED)
    parcel.collected_at = clock.now()
    parcel.collected_by = collected_by
    parcel.handed_by_id = by.id
    if note:
        parcel.note = (parcel.note + "；" + note).strip("；")[:200]
    session.add(parcel)
    session.flush()
    audit.record(session, by=by, action=f"parcel.{parcel.status.value}", entity="parcel",
                 entity_id=parcel.id, detail={"by": collected_by, "note": note})
    return parcel


def void_parcel(session: Session, *, by: Staff, parcel_id: int, reason: str) -> Parcel:
    parcel: Parcel = get(session, Parcel, parcel_id, missing="registers.parcel.not_found")
    return void(session, parcel, by=by, reason=reason, entity="parcel", open_states=OPEN,
                void_state=ParcelStatus.VOIDED, label=parcel.tracking_no)


def is_overdue(parcel: Parcel, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return parcel.status == ParcelStatus.WAITING and \
        now - parcel.received_at > timedelta(days=PARCEL_OVERDUE_DAYS)


def tail_condition(tail: str) -> Any:
    """Parcels whose tracking number ends with ``tail``: a range on the reversed number
    (``rev >= 'liat' AND rev < 'liau'``), which the index answers directly."""
    rev = tail.upper()[::-1]
    upper = rev[:-1] + chr(ord(rev[-1]) + 1)
    return and_(col(Parcel.tracking_rev) >= rev, col(Parcel.tracking_rev) < upper)


def find_by_tail(session: Session, tail: str, *, waiting_only: bool = True,
                 limit: int = 20) -> list[Parcel]:
    clean = tracking(tail, field="search")
    if len(clean) < TAIL_MIN:
        raise ValidationError("registers.parcel.tail_short", field="search", n=TAIL_MIN)
    query = select(Parcel).where(tail_condition(clean))
    if waiting_only:
        query = query.where(col(Parcel.status) == ParcelStatus.WAITING)
    return list(session.execute(query.order_by(col(Parcel.received_at).desc()).limit(limit))
                .scalars().all())


def waiting_by_unit(session: Session) -> list[tuple[str, int]]:
    """(unit code, parcels waiting) for units with something waiting, by unit code."""
    rows = session.execute(
        select(col(Unit.code), func.count()).select_from(Parcel)
        .join(Unit, col(Unit.id) == Parcel.unit_id)
        .where(col(Parcel.status) == ParcelStatus.WAITING).group_by(col(Unit.code))
        .order_by(col(Unit.code))
    ).all()
    return [(code, int(n)) for code, n in rows]


class ParcelSource(SqlListSource):
    """Parcels, newest first (the waiting list sorts by unit on request). A search term of
    four or more letters and digits matches the tracking number's tail (index range);
    other terms go through the text search."""

    columns = [
        ListColumn("received", "registers.col.received_at", 11),
        ListColumn("status", "registers.col.status", 6, fits=("registers.status.",)),
        ListColumn("kind", "registers.col.parcel_kind", 4, fits=("registers.parcel_kind.",)),
        ListColumn("unit", "registers.col.unit", 9),
        ListColumn("recipient", "registers.col.recipient", 8),
        ListColumn("carrier", "registers.col.carrier", 6),
        ListColumn("tracking", "registers.col.tracking", 16),
        ListColumn("shelf", "registers.col.shelf", 5),
        ListColumn("notified", "registers.col.notified", 7),
        ListColumn("out", "registers.col.collected_at", 11),
    ]
    model = Parcel
    order_by: Sequence[ColumnElement[Any]] = (col(Parcel.received_at).desc(),
                                              col(Parcel.id).desc())
    search_columns = ("recipient", "tracking_no", "carrier", "shelf")
    fts_table = "reg_parcel_fts"

    def __init__(self, *, by_unit: bool = False) -> None:
        self.filters = [
            FilterSpec("status", "registers.col.status", "choice",
                       [(s.value, t(f"registers.status.{s.value}")) for s in ParcelStatus]),
            FilterSpec("kind", "registers.col.parcel_kind", "choice",
                       [(k.value, t(f"registers.parcel_kind.{k.value}")) for k in ParcelKind]),
            FilterSpec("from", "registers.filter.from", "date_from"),
        ]
        self.filter_columns = {"status": col(Parcel.status), "kind": col(Parcel.kind),
                               "from": col(Parcel.received_at)}
        if by_unit:
            self.order_by = (col(Unit.code).asc(), col(Parcel.received_at).desc(),
                             col(Parcel.id).desc())

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "unit_id":
            return Parcel.unit_id == int(str(value))
        return super().filter_clause(key, value)

    def where(self, session: Any, query: ListQuery) -> list[Any]:
        from dataclasses import replace

        terms = split_terms(query.search)
        tails = [term for term in terms if _TRACKING.match(term.upper()) and
                 any(c.isdigit() for c in term)]
        rest = " ".join(term for term in terms if term not in tails)
        clauses = super().where(session, replace(query, search=rest))
        clauses.extend(tail_condition(term) for term in tails)
        return clauses

    def select(self) -> AnySelect:
        return select(Parcel, col(Unit.code)).outerjoin(Unit, col(Unit.id) == Parcel.unit_id)

    def to_row(self, item: Any) -> ListRow:
        p: Parcel = item[0]
        style = "muted" if p.status == ParcelStatus.VOIDED else (
            "overdue" if is_overdue(p) else "")
        notified = ""
        if p.notified_at and p.notify_method:
            notified = t(f"registers.notify.{p.notify_method.value}")
            if p.notify_count > 1:
                notified += f"×{p.notify_count}"
        return ListRow(p.id or 0, (
            fmt_time(p.received_at), t(f"registers.status.{p.status.value}"),
            t(f"registers.parcel_kind.{p.kind.value}"), item[1] or "", p.recipient, p.carrier,
            p.tracking_no, p.shelf, notified, fmt_time(p.collected_at),
        ), style)
