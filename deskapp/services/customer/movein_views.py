"""入伙 / 交付 read back (issue #20 part 2): a move-in's detail for its screen and sheet,
the shift handover's open move-ins and defects, the receipt-void dependents, the month's
figures and the list source. The commands are in :mod:`deskapp.services.customer.movein`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Staff, Unit
from deskapp.db.models.movein import (
    MoveIn,
    MoveInCheck,
    MoveInItemKind,
    MoveInKey,
    MoveInStatus,
)
from deskapp.db.models.reception import WorkOrder
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.money import format_fen
from deskapp.services import audit
from deskapp.services.customer.movein import _checks, get, missing
from deskapp.services.customer.movein_common import key_label
from deskapp.services.hooks import (
    DocumentAction,
    DocumentDependent,
    HandoverContext,
    OpenItem,
    RecordRef,
)
from deskapp.services.listing import FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.staff import names

# --------------------------------------------------------------------------------------
# Reading it back
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveInDetail:
    movein: MoveIn
    unit_code: str
    checks: list[MoveInCheck]
    keys: list[MoveInKey]
    orders: dict[int, WorkOrder]
    staff: dict[int, str]
    gaps: list[str]

    @property
    def inspections(self) -> list[MoveInCheck]:
        return [c for c in self.checks if c.kind == MoveInItemKind.INSPECT]

    @property
    def documents(self) -> list[MoveInCheck]:
        return [c for c in self.checks if c.kind == MoveInItemKind.DOCUMENT]

    def key_text(self) -> str:
        return "、".join(f"{key_label(k.kind)}×{k.count}" for k in self.keys if k.count) or "—"

    def meter_text(self) -> str:
        m = self.movein
        parts = [f"{t('movein.field.' + name)} {value:f}" for name, value in
                 (("water", m.water_reading), ("power", m.power_reading),
                  ("gas", m.gas_reading)) if value is not None]
        return "，".join(parts) or "—"

    def defect_lines(self) -> list[str]:
        from deskapp.services.reception.workorders import status_label

        out = []
        for c in self.inspections:
            if not c.defect:
                continue
            order = self.orders.get(c.work_order_id or 0)
            state = f"{order.number} {status_label(order.status)}" if order else "—"
            out.append(t("movein.line.defect", item=c.name, defect=c.defect, order=state))
        return out

    def lines(self) -> list[str]:
        m = self.movein
        out = [f"{m.number}  {self.unit_code}  {t('movein.status.' + m.status.value)}",
               t("movein.line.owner", name=m.owner_name,
                 phone=mask_phone(m.owner_phone) if m.owner_phone else "",
                 date=m.moved_in_on.isoformat())]
        inspected = [c for c in self.inspections if c.done]
        out.append(t("movein.line.inspection", done=len(inspected),
                     total=len(self.inspections),
                     defects=sum(1 for c in self.inspections if c.defect)))
        out.extend(self.defect_lines())
        out.append(t("movein.line.keys", keys=self.key_text()))
        out.append(t("movein.line.meters", meters=self.meter_text()))
        signed = [c.name for c in self.documents if c.done]
        out.append(t("movein.line.documents", done=len(signed), total=len(self.documents),
                     items="、".join(signed) or "—"))
        out.append(t("movein.line.fees", amount=format_fen(m.fees_fen), receipt=m.receipt_no)
                   if m.receipt_id else t("movein.line.no_fees"))
        out.append(t("movein.line.by", name=self.staff.get(m.created_by, ""),
                     at=m.created_at.strftime("%Y-%m-%d %H:%M")))
        if m.completed_at:
            out.append(t("movein.line.completed", name=self.staff.get(m.completed_by or 0, ""),
                         at=m.completed_at.strftime("%Y-%m-%d %H:%M")))
        if m.amended_at:
            out.append(t("movein.line.amended", name=self.staff.get(m.amended_by or 0, ""),
                         at=m.amended_at.strftime("%Y-%m-%d %H:%M"), reason=m.amend_reason))
        if m.note:
            out.append(m.note)
        if m.status == MoveInStatus.OPEN and self.gaps:
            out.append(t("movein.line.missing", items="；".join(self.gaps)))
        return out


def detail(session: Session, movein_id: int) -> MoveInDetail:
    mv = get(session, movein_id)
    unit = session.get(Unit, mv.unit_id)
    checks = _checks(session, movein_id)
    keys = list(session.execute(select(MoveInKey).where(col(MoveInKey.movein_id) == movein_id)
                                .order_by(col(MoveInKey.id))).scalars())
    order_ids = [c.work_order_id for c in checks if c.work_order_id]
    orders = {o.id or 0: o for o in session.execute(select(WorkOrder).where(
        col(WorkOrder.id).in_(order_ids))).scalars()} if order_ids else {}
    staff = names(session, mv.created_by, mv.completed_by, mv.amended_by)
    return MoveInDetail(mv, unit.code if unit else "", checks, keys, orders, staff,
                        missing(session, mv))


def open_items(session: Session, ctx: HandoverContext) -> list[OpenItem]:
    """Move-ins still being handled, and defects of a move-in still under repair."""
    from deskapp.services.reception.workorders import OPEN_STATES

    items = []
    for mv, code in session.execute(
        select(MoveIn, col(Unit.code)).join(Unit, col(Unit.id) == MoveIn.unit_id)
        .where(col(MoveIn.status) == MoveInStatus.OPEN).order_by(col(MoveIn.created_at))
    ).all():
        items.append(OpenItem("movein.section", t(
            "movein.open.started", number=mv.number, unit=code,
            since=mv.created_at.strftime("%m-%d %H:%M")),
            RecordRef("movein", mv.id or 0), mv.created_at, False))
    for check, mv, order in session.execute(
        select(MoveInCheck, MoveIn, WorkOrder)
        .join(MoveIn, col(MoveIn.id) == MoveInCheck.movein_id)
        .join(WorkOrder, col(WorkOrder.id) == MoveInCheck.work_order_id)
        .where(col(WorkOrder.status).in_(OPEN_STATES)).order_by(col(WorkOrder.created_at))
    ).all():
        items.append(OpenItem("movein.section", t(
            "movein.open.defect", number=mv.number, unit=order.unit_code, item=check.name,
            order=order.number), RecordRef("movein", mv.id or 0), order.created_at, False))
    return items


def receipt_dependents(session: Session, action: DocumentAction) -> list[DocumentDependent]:
    """Voiding the receipt of a move-in's first fees clears it from the move-in (the fees
    can then be collected again); a refund leaves the move-in as it is."""
    if action.kind != "receipt" or action.action != "void":
        return []
    found = list(session.execute(select(MoveIn).where(
        col(MoveIn.receipt_id) == action.id)).scalars())

    def reverse_for(mv: MoveIn) -> Any:
        def reverse(s: Session, by: Staff) -> None:
            mv.receipt_id, mv.receipt_no, mv.fees_fen = None, "", 0
            s.add(mv)
            audit.record(s, by=by, action="movein.fees.voided", entity="movein",
                         entity_id=mv.id, detail={"receipt": action.id})
        return reverse

    return [DocumentDependent(t("movein.receipt_dependent", number=mv.number),
                              reverse=reverse_for(mv)) for mv in found]


# --------------------------------------------------------------------------------------
# Month figures and the record list
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveInMonth:
    completed: int
    open_now: int
    defects: int


def monthly_summary(session: Session, *, year: int, month: int) -> MoveInMonth:
    """Move-ins handed over in the month (by move-in date), those still open now, and
    the defects found in the month's inspections."""
    start, end = clock.month_range(year, month)
    first, after = start.date(), end.date()
    completed = session.execute(select(func.count(col(MoveIn.id))).where(
        col(MoveIn.status) == MoveInStatus.COMPLETED, col(MoveIn.moved_in_on) >= first,
        col(MoveIn.moved_in_on) < after)).scalar_one()
    open_now = session.execute(select(func.count(col(MoveIn.id))).where(
        col(MoveIn.status) == MoveInStatus.OPEN)).scalar_one()
    defects = session.execute(select(func.count(col(MoveInCheck.id)))
                              .join(MoveIn, col(MoveIn.id) == MoveInCheck.movein_id).where(
        col(MoveInCheck.defect) != "", col(MoveIn.moved_in_on) >= first,
        col(MoveIn.moved_in_on) < after)).scalar_one()
    return MoveInMonth(int(completed), int(open_now), int(defects))


class MoveInSource(SqlListSource):
    """The move-ins, newest first; open ones stand out."""

    columns = [
        ListColumn("number", "movein.col.number", 13, priority=0),
        ListColumn("status", "movein.col.status", 6, priority=0, fits=("movein.status.",)),
        ListColumn("unit", "movein.col.unit", 10, priority=0),
        ListColumn("date", "movein.col.date", 10, priority=1),
        ListColumn("owner", "movein.col.owner", 8, priority=2),
        ListColumn("phone", "movein.col.phone", 11, priority=4),
        ListColumn("defects", "movein.col.defects", 4, priority=3),
    ]
    model = MoveIn
    order_by = (col(MoveIn.created_at).desc(), col(MoveIn.id).desc())
    search_like_columns = (col(MoveIn.number), col(MoveIn.owner_name),
                           col(Unit.code))

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("status", "movein.col.status", "choice",
                       [(s.value, t(f"movein.status.{s.value}")) for s in MoveInStatus]),
        ]
        self.filter_columns = {"status": col(MoveIn.status)}

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "unit":  # the fixed filter of one unit's move-ins
            return col(MoveIn.unit_id) == int(str(value))
        return super().filter_clause(key, value)

    def select(self) -> Select[Any]:
        defects = (select(func.count(col(MoveInCheck.id))).where(
            col(MoveInCheck.movein_id) == MoveIn.id, col(MoveInCheck.defect) != "")
            .correlate(MoveIn).scalar_subquery())
        return select(MoveIn, col(Unit.code), defects).join(Unit, col(Unit.id) == MoveIn.unit_id)

    def to_row(self, item: Any) -> ListRow:
        mv: MoveIn = item[0]
        return ListRow(mv.id or 0, (
            mv.number, t(f"movein.status.{mv.status.value}"), item[1],
            mv.moved_in_on.isoformat(), mv.owner_name,
            mask_phone(mv.owner_phone) if mv.owner_phone else "", str(item[2] or 0),
        ), "warning" if mv.status == MoveInStatus.OPEN else "")
