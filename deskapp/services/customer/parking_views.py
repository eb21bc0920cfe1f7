"""Parking read back (issue #20 part 3): a pass's status and card (bills, history), passes\nending soon and the plate search at the desk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.models import Unit
from deskapp.db.models.cashier import Bill, ParkingLease
from deskapp.db.models.parking import ParkingSpace
from deskapp.errors import ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.money import format_fen
from deskapp.services import audit
from deskapp.services.customer.parking import _lease
from deskapp.services.customer.parking_common import EXPIRING_DAYS, kind_label
from deskapp.services.staff import names


def pass_status(lease: ParkingLease, today: date | None = None) -> str:
    """``ended`` (ended early), ``expired``, ``future``, ``expiring`` (≤ 30 days left)
    or ``active``."""
    today = today or clock.today()
    if lease.ended_at is not None:
        return "ended"
    if lease.end_date is not None and lease.end_date < today:
        return "expired"
    if lease.start_date > today:
        return "future"
    if lease.end_date is not None and lease.end_date <= today + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "active"


@dataclass(frozen=True)
class PassCard:
    lease: ParkingLease
    unit_code: str
    space: ParkingSpace | None
    fee_name: str
    bills: list[Bill]
    history: list[str]

    def lines(self) -> list[str]:
        le = self.lease
        sp = self.space
        where = " ".join(x for x in (sp.zone, sp.floor) if x) if sp else ""
        out = [
            f"{le.plate or '—'}  {le.space_no}  {t('parking.status.' + pass_status(le))}",
            t("parking.card.space", kind=kind_label(sp.kind) if sp else "—", where=where or "—"),
            t("parking.card.unit", unit=self.unit_code, holder=le.holder or "—",
              phone=mask_phone(le.holder_phone) if le.holder_phone else "—"),
            t("parking.card.period", start=le.start_date.isoformat(),
              end=le.end_date.isoformat() if le.end_date else "—"),
            t("parking.card.fee", name=self.fee_name or le.fee_code),
        ]
        if le.ended_at is not None:
            out.append(t("parking.card.ended", reason=le.end_reason))
        if le.note:
            out.append(le.note)
        if self.bills:
            out.append(t("parking.card.bills"))
            out.extend(f"  {b.period}  {format_fen(b.amount_fen):>10}  "
                       f"{t('parking.bill.' + b.status.value)}" for b in self.bills)
        if self.history:
            out.append(t("parking.card.history"))
            out.extend(f"  {h}" for h in self.history)
        return out


def _history_line(action: str, at_text: str, who: str, detail: dict[str, object]) -> str:
    what = t(f"parking.audit.{action.rsplit('.', 1)[-1]}")
    extra = ""
    if "to" in detail and action.endswith(("renew", "end", "issue")):
        extra = f" → {detail['to']}"
    if "changed" in detail and isinstance(detail["changed"], dict):
        extra = " " + "，".join(f"{k}: {v[0] or '—'}→{v[1] or '—'}"
                               for k, v in detail["changed"].items())
    if detail.get("reason"):
        extra += f"（{detail['reason']}）"
    return f"{at_text} {who} {what}{extra}"


def card(session: Session, lease_id: int) -> PassCard:
    from deskapp.db.models.cashier import FeeStandard

    lease = _lease(session, lease_id)
    unit = session.get(Unit, lease.unit_id)
    space = session.get(ParkingSpace, lease.space_id) if lease.space_id else None
    fee = session.exec(select(FeeStandard.name).where(
        FeeStandard.code == lease.fee_code)).first()
    bills = list(session.exec(select(Bill).where(
        Bill.source_kind == "parking_lease", Bill.source_id == lease.id)
        .order_by(col(Bill.period).desc())).all())[:6]
    entries = audit.entries_for(session, entity="parking_lease", entity_id=lease.id)
    who = names(session, *(e.staff_id for e in entries))
    history = []
    for e in entries:
        try:
            detail = json.loads(e.detail) if e.detail else {}
        except ValueError:
            detail = {}
        history.append(_history_line(e.action, e.at.strftime("%Y-%m-%d %H:%M"),
                                     who.get(e.staff_id or 0, ""), detail))
    return PassCard(lease, unit.code if unit else "", space, fee or "", bills, history)


@dataclass(frozen=True)
class PlateHit:
    lease_id: int
    plate: str
    space_no: str
    unit_code: str
    holder: str
    phone_masked: str
    start: date
    end: date | None
    status: str


def find_plate(session: Session, text: str, *, limit: int = 20) -> list[PlateHit]:
    """Passes whose plate contains ``text`` (``京A·12`` and ``a12`` both work), the
    current ones first; the holder's phone masked."""
    import unicodedata

    needle = "".join(c for c in unicodedata.normalize("NFKC", text or "").upper()
                     if c.isalnum())
    if len(needle) < 2:
        raise ValidationError("parking.search.short", field="plate")
    rows = session.exec(select(ParkingLease, Unit.code)
                        .join(Unit, col(Unit.id) == ParkingLease.unit_id)
                        .where(col(ParkingLease.plate).contains(needle))
                        .order_by(col(ParkingLease.start_date).desc()).limit(limit * 3)).all()
    hits = [PlateHit(le.id or 0, le.plate, le.space_no, code, le.holder,
                     mask_phone(le.holder_phone) if le.holder_phone else "", le.start_date,
                     le.end_date, pass_status(le)) for le, code in rows]
    order = {"active": 0, "expiring": 0, "future": 1, "expired": 2, "ended": 3}
    return sorted(hits, key=lambda h: order[h.status])[:limit]


def expiring(session: Session, *, within_days: int = EXPIRING_DAYS,
             today: date | None = None) -> list[tuple[ParkingLease, str]]:
    """Passes ending in the next ``within_days`` days (not ended early), soonest first,
    with their unit's code."""
    today = today or clock.today()
    return [(le, code) for le, code in session.exec(
        select(ParkingLease, Unit.code).join(Unit, col(Unit.id) == ParkingLease.unit_id)
        .where(col(ParkingLease.ended_at).is_(None), col(ParkingLease.end_date) >= today,
               col(ParkingLease.end_date) <= today + timedelta(days=within_days))
        .order_by(col(ParkingLease.end_date), col(ParkingLease.id))).all()]
