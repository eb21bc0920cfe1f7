"""物品放行通知单 — goods release passes.

A pass lets goods out of a unit past the guard: unit, applicant (owner, or tenant with the
owner's consent recorded), items and quantities, vehicle plate, the day. The number is
gap-free per year (``FX2026-00012``). The pass prints in Chinese for the guard
(:mod:`deskapp.printing.goods_pass`) and stays open until the guard has let the goods out
(marked used) or it is voided. A unit with a warning flag (arrears, from the cashier) must
be acknowledged before a pass is issued.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind, Staff, Unit
from deskapp.db.models.registers import GoodsPass, GoodsPassItem, GoodsPassStatus
from deskapp.errors import InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import audit, hooks, numbering
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.registers.common import (
    day,
    desk,
    fmt_time,
    get,
    phone,
    plate,
    text,
    void,
)

OPEN = (GoodsPassStatus.ISSUED,)
MAX_DAYS_AHEAD = 30
MAX_ITEMS = 30
MEASURES = "件箱台个张套包袋把只辆组床块桶卷扇盆"
_ITEM = re.compile(
    rf"^(?P<name>.+?)\s*[x×X*＊]?\s*(?P<qty>\d{{1,4}})\s*(?P<measure>[{MEASURES}])?$"
)


@dataclass(frozen=True)
class PassItem:
    name: str
    qty: int
    measure: str = "件"

    def label(self) -> str:
        return f"{self.name}×{self.qty}{self.measure}"


def parse_items(value: str | list[PassItem]) -> list[PassItem]:
    """Items as the desk types them, one per line or separated by ``，、；``:
    ``沙发 1``, ``纸箱×5箱``, ``电视机1台``. Every item needs its quantity."""
    if isinstance(value, list):
        items = value
    else:
        raw = unicodedata.normalize("NFKC", value or "")
        parts = [p.strip() for p in re.split(r"[\n,;，、；]+", raw) if p.strip()]
        items = []
        for part in parts:
            m = _ITEM.match(part)
            if m is None:
                raise ValidationError("registers.goods.item_qty", field="items", item=part)
            items.append(PassItem(m["name"].strip(), int(m["qty"]), m["measure"] or "件"))
    if not items:
        raise ValidationError("registers.goods.items_required", field="items")
    if len(items) > MAX_ITEMS:
        raise ValidationError("registers.goods.too_many_items", field="items", n=MAX_ITEMS)
    for item in items:
        if item.qty < 1:
            raise ValidationError("registers.goods.item_qty", field="items", item=item.name)
        if len(item.name) > 40:
            raise ValidationError("registers.goods.item_name_long", field="items", item=item.name)
    return items


def pass_number(session: Session) -> str:
    year = clock.today().year
    return f"FX{year}-{numbering.next_value(session, f'goods-pass-{year}'):05d}"


def unit_warnings(session: Session, unit_id: int) -> list[str]:
    """Warning texts of the unit (arrears …) from every area's flag provider."""
    return [f.text for f in hooks.unit_flags(session, [unit_id]).get(unit_id, [])
            if f.level == "warning"]


def _on_file(session: Session, unit_id: int, name: str, kind: OccupantKind) -> bool:
    return session.execute(select(col(Occupant.id)).where(
        col(Occupant.unit_id) == unit_id, col(Occupant.active) == True,  # noqa: E712
        col(Occupant.kind) == kind, col(Occupant.name) == name)).first() is not None


def issue(session: Session, *, by: Staff, unit_id: int | None, applicant: str,
          applicant_kind: OccupantKind = OccupantKind.OWNER, applicant_phone: str = "",
          consent_note: str = "", items: str | list[PassItem] = "", plate_no: str = "",
          out_date: str | date | None = None, note: str = "",
          acknowledge_warnings: bool = False) -> GoodsPass:
    """Issue a pass. A tenant — or an applicant not on the unit's customer file — needs
    the owner's consent recorded (``consent_note``: how and when the owner agreed). A unit
    with warnings (arrears) is refused until ``acknowledge_warnings``."""
    desk(by)
    if unit_id is None:
        raise ValidationError("registers.goods.unit_required", field="unit")
    unit = session.get(Unit, unit_id)
    if unit is None or unit.id is None:
        raise NotFound("unit.not_found")
    applicant = text(applicant, field="applicant", label_key="registers.field.applicant",
                     required=True)
    kind = OccupantKind(applicant_kind)
    applicant_phone = phone(applicant_phone, field="applicant_phone", required=True)
    consent_note = text(consent_note, field="consent", label_key="registers.field.consent",
                        max_len=100)
    if not consent_note:
        if kind == OccupantKind.TENANT:
            raise ValidationError("registers.goods.consent_required", field="consent")
        if not _on_file(session, unit.id, applicant, kind):
            raise ValidationError("registers.goods.not_on_file", field="consent",
                                  name=applicant, unit=unit.code)
    parsed = parse_items(items)
    plate_no = plate(plate_no)
    today = clock.today()
    when = day(out_date, field="out_date", default=today)
    if when < today:
        raise ValidationError("registers.goods.date_past", field="out_date")
    if when > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError("registers.goods.date_far", field="out_date", n=MAX_DAYS_AHEAD)
    note = text(note, field="note", label_key="registers.field.note", max_len=200)
    warnings = unit_warnings(session, unit.id)
    if warnings and not acknowledge_warnings:
        raise ValidationError("registers.goods.warning_ack", field="unit",
                              warning="；".join(warnings))
    summary = "、".join(i.label() for i in parsed)
    assert by.id is not None
    goods = GoodsPass(number=pass_number(session), unit_id=unit.id, applicant=applicant,
                      applicant_phone=applicant_phone, applicant_kind=kind,
                      consent_note=consent_note, plate=plate_no,
                      items_text=summary if len(summary) <= 300 else summary[:299] + "…",
                      out_date=when, warning="；".join(warnings)[:200],
                      status=GoodsPassStatus.ISSUED, issued_at=clock.now(), issued_by_id=by.id,
                      note=note)
    session.add(goods)
    session.flush()
    assert goods.id is not None
    for n, item in enumerate(parsed):
        session.add(GoodsPassItem(pass_id=goods.id, name=item.name, qty=item.qty,
                                  measure=item.measure, sort=n))
    session.flush()
    audit.record(session, by=by, action="goods_pass.issue", entity="goods_pass",
                 entity_id=goods.id,
                 detail={"number": goods.number, "unit": unit.code, "applicant": applicant,
                         "kind": kind.value, "phone": mask_phone(applicant_phone),
                         "consent": consent_note, "items": summary, "plate": plate_no,
                         "date": when.isoformat(), "warning": goods.warning})
    return goods


def mark_used(session: Session, *, by: Staff, pass_id: int, guard: str = "") -> GoodsPass:
    """The guard let the goods out: the pass is used and closed."""
    desk(by)
    goods: GoodsPass = get(session, GoodsPass, pass_id, missing="registers.goods.not_found")
    if goods.status != GoodsPassStatus.ISSUED:
        raise InvalidTransition("registers.goods.not_issued", number=goods.number,
                                status=t(f"registers.status.{goods.status.value}"))
    goods.guard = text(guard, field="guard", label_key="registers.field.guard")
    goods.status = GoodsPassStatus.USED
    goods.used_at = clock.now()
    goods.used_by_id = by.id
    session.add(goods)
    session.flush()
    audit.record(session, by=by, action="goods_pass.used", entity="goods_pass",
                 entity_id=goods.id, detail={"number": goods.number, "guard": goods.guard})
    return goods


def void_pass(session: Session, *, by: Staff, pass_id: int, reason: str) -> GoodsPass:
    goods: GoodsPass = get(session, GoodsPass, pass_id, missing="registers.goods.not_found")
    return void(session, goods, by=by, reason=reason, entity="goods_pass", open_states=OPEN,
                void_state=GoodsPassStatus.VOIDED, label=goods.number)


def pass_items(session: Session, pass_id: int) -> list[GoodsPassItem]:
    return list(session.execute(select(GoodsPassItem).where(col(GoodsPassItem.pass_id) == pass_id)
                                .order_by(col(GoodsPassItem.sort))).scalars().all())


def find_by_number(session: Session, number: str) -> GoodsPass:
    goods = session.execute(select(GoodsPass).where(
        col(GoodsPass.number) == number.strip().upper())).scalars().first()
    if goods is None:
        raise NotFound("registers.goods.not_found")
    return goods


def is_expired(goods: GoodsPass, today: date | None = None) -> bool:
    return goods.status == GoodsPassStatus.ISSUED and goods.out_date < (today or clock.today())


class GoodsPassSource(SqlListSource):
    columns = [
        ListColumn("number", "registers.col.pass_no", 12),
        ListColumn("status", "registers.col.status", 6, fits=("registers.status.",)),
        ListColumn("issued", "registers.col.issued_at", 11),
        ListColumn("unit", "registers.col.unit", 9),
        ListColumn("applicant", "registers.col.applicant", 8),
        ListColumn("kind", "registers.col.applicant_kind", 4, fits=("occupant.",)),
        ListColumn("date", "registers.col.out_date", 10),
        ListColumn("items", "registers.col.items", 22),
    ]
    model = GoodsPass
    order_by = (col(GoodsPass.issued_at).desc(), col(GoodsPass.id).desc())
    search_columns = ("number", "applicant", "items_text", "plate")

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("status", "registers.col.status", "choice",
                       [(s.value, t(f"registers.status.{s.value}")) for s in GoodsPassStatus]),
            FilterSpec("from", "registers.filter.from", "date_from"),
        ]
        self.filter_columns = {"status": col(GoodsPass.status), "from": col(GoodsPass.issued_at)}

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "unit_id":
            return GoodsPass.unit_id == int(str(value))
        return super().filter_clause(key, value)

    def select(self) -> AnySelect:
        return select(GoodsPass, col(Unit.code)).join(Unit, col(Unit.id) == GoodsPass.unit_id)

    def to_row(self, item: Any) -> ListRow:
        g: GoodsPass = item[0]
        style = "muted" if g.status == GoodsPassStatus.VOIDED else (
            "overdue" if is_expired(g) else "warning" if g.warning and
            g.status == GoodsPassStatus.ISSUED else "")
        return ListRow(g.id or 0, (
            g.number, t(f"registers.status.{g.status.value}"), fmt_time(g.issued_at), item[1],
            g.applicant, t(f"occupant.{g.applicant_kind.value}"), g.out_date.isoformat(),
            g.items_text,
        ), style)
