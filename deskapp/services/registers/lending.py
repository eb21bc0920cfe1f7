"""便捷服务 — convenience lending: umbrellas, wheelchair, chargers, sewing kit, tools,
luggage cart, trolley, tie and shawl, first-aid kit.

Kinds and quantities are data (:func:`save_kind`, supervisor). Lending takes stock off
``on_hand`` with one guarded UPDATE (``… WHERE on_hand >= qty``) and a CHECK constraint
backs it up, so the quantity on hand is never negative, even with two desks at once. A
return puts it back; an item reported lost is written off the stock instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, select, update
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Role, Staff, Unit
from deskapp.db.models.registers import LendKind, Loan, LoanStatus
from deskapp.errors import InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import audit
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.registers.common import (
    desk,
    due_time,
    fmt_time,
    get,
    phone,
    quantity,
    text,
    unit_or_none,
    void,
)
from deskapp.services.staff import require_role

OPEN = (LoanStatus.OUT,)

#: (name, quantity, default loan hours) — the plan's list (亮点服务 / 便捷服务).
DEFAULT_KINDS: tuple[tuple[str, int, int], ...] = (
    ("雨伞", 30, 24),
    ("轮椅", 2, 8),
    ("手机充电器", 10, 4),
    ("针线包", 5, 24),
    ("工具箱", 3, 24),
    ("行李车", 4, 4),
    ("小推车", 4, 4),
    ("领带", 5, 24),
    ("披肩", 5, 24),
    ("急救箱", 2, 4),
)


def kinds(session: Session, *, active_only: bool = True) -> list[LendKind]:
    query = select(LendKind).order_by(col(LendKind.sort), col(LendKind.id))
    if active_only:
        query = query.where(col(LendKind.active) == True)  # noqa: E712
    return list(session.execute(query).scalars().all())


def get_kind(session: Session, kind_id: int) -> LendKind:
    kind = session.get(LendKind, kind_id)
    if kind is None:
        raise NotFound("registers.lend.kind_not_found")
    return kind


def save_kind(session: Session, *, by: Staff, name: str, total: int | str,
              default_hours: int | str = 24, kind_id: int | None = None,
              active: bool = True) -> LendKind:
    """Add a kind or change one (supervisor). Changing ``total`` moves ``on_hand`` by the
    same amount: 30 umbrellas with 4 out, new total 25 → 21 on hand. A total below what is
    out now is refused."""
    require_role(by, Role.SUPERVISOR)
    name = text(name, field="name", label_key="registers.field.kind_name", max_len=30,
                required=True)
    try:
        new_total = int(str(total).strip())
    except ValueError:
        raise ValidationError("registers.qty.invalid", field="total") from None
    if new_total < 0:
        raise ValidationError("registers.lend.total_negative", field="total")
    hours = quantity(default_hours, field="default_hours", max_value=24 * 90)
    clash = session.execute(select(LendKind).where(col(LendKind.name) == name)).scalars().first()
    if clash is not None and clash.id != kind_id:
        raise ValidationError("registers.lend.kind_exists", field="name", name=name)
    if kind_id is None:
        sort = int(session.execute(select(func.coalesce(func.max(LendKind.sort), 0))).scalar_one())
        kind = LendKind(name=name, total=new_total, on_hand=new_total, default_hours=hours,
                        active=active, sort=sort + 1)
        before: dict[str, object] = {}
    else:
        kind = get(session, LendKind, kind_id, missing="registers.lend.kind_not_found")
        out = kind.total - kind.on_hand
        if new_total < out:
            raise ValidationError("registers.lend.total_below_out", field="total", out=out)
        before = {"name": kind.name, "total": kind.total, "on_hand": kind.on_hand}
        kind.on_hand += new_total - kind.total
        kind.name, kind.total, kind.default_hours, kind.active = name, new_total, hours, active
    session.add(kind)
    session.flush()
    audit.record(session, by=by, action="lend_kind.save", entity="lend_kind", entity_id=kind.id,
                 detail={"before": before, "name": name, "total": new_total,
                         "on_hand": kind.on_hand, "hours": hours, "active": active})
    return kind


def load_default_kinds(session: Session, *, by: Staff) -> int:
    """Add the plan's kinds that are not there yet (supervisor); returns how many."""
    require_role(by, Role.SUPERVISOR)
    existing = {k.name for k in kinds(session, active_only=False)}
    added = 0
    for name, qty, hours in DEFAULT_KINDS:
        if name not in existing:
            save_kind(session, by=by, name=name, total=qty, default_hours=hours)
            added += 1
    return added


def lend(session: Session, *, by: Staff, kind_id: int, qty: int | str = 1,
         borrower: str, unit_id: int | None = None, phone_no: str = "", due: str = "",
         note: str = "", now: datetime | None = None) -> Loan:
    """Lend ``qty`` of a kind to a unit or a person. A person without a unit leaves a
    phone. Refused when fewer than ``qty`` are on hand."""
    desk(by)
    kind = session.get(LendKind, kind_id) if kind_id is not None else None
    if kind is None or not kind.active:
        raise ValidationError("registers.lend.kind_required", field="kind")
    qty_n = quantity(qty, field="qty", max_value=999)
    borrower = text(borrower, field="borrower", label_key="registers.field.borrower",
                    required=True)
    unit = unit_or_none(session, unit_id)
    phone_no = phone(phone_no, field="phone", required=unit is None)
    note = text(note, field="note", label_key="registers.field.note", max_len=200)
    now = now or clock.now()
    due_at = due_time(due, field="due", now=now, default_hours=kind.default_hours)
    assert due_at is not None
    # An UPDATE's result is a CursorResult (the stubs say Result, without rowcount).
    taken = cast(CursorResult[Any], session.execute(
        update(LendKind).where(col(LendKind.id) == kind.id, col(LendKind.on_hand) >= qty_n)
        .values(on_hand=LendKind.on_hand - qty_n)
    )).rowcount
    if not taken:
        session.refresh(kind)
        raise ValidationError("registers.lend.not_enough", field="qty", name=kind.name,
                              n=kind.on_hand)
    session.refresh(kind)
    assert kind.id is not None and by.id is not None
    loan = Loan(kind_id=kind.id, qty=qty_n, unit_id=unit.id if unit else None,
                borrower=borrower, phone=phone_no, out_at=now, due_at=due_at,
                status=LoanStatus.OUT, note=note, out_by_id=by.id)
    session.add(loan)
    session.flush()
    audit.record(session, by=by, action="loan.out", entity="loan", entity_id=loan.id,
                 detail={"kind": kind.name, "qty": qty_n, "borrower": borrower,
                         "unit": unit.code if unit else "",
                         "phone": mask_phone(phone_no) if phone_no else "",
                         "on_hand": kind.on_hand, "due": due_at.isoformat()})
    return loan


def return_loan(session: Session, *, by: Staff, loan_id: int, lost: bool = False,
                note: str = "") -> Loan:
    """Take a loan back (stock returns to the shelf), or record it lost (written off the
    stock; a note saying what happened is required)."""
    desk(by)
    loan: Loan = get(session, Loan, loan_id, missing="registers.lend.loan_not_found")
    if loan.status != LoanStatus.OUT:
        raise InvalidTransition("registers.lend.not_out",
                                status=t(f"registers.status.{loan.status.value}"))
    note = text(note, field="return_note", label_key="registers.field.return_note",
                max_len=200)
    if lost and not note:
        raise ValidationError("registers.lend.lost_note", field="return_note")
    kind: LendKind = get(session, LendKind, loan.kind_id, missing="registers.lend.kind_not_found")
    if lost:
        kind.total -= loan.qty
    else:
        kind.on_hand += loan.qty
    session.add(kind)
    loan.status = LoanStatus.LOST if lost else LoanStatus.RETURNED
    loan.returned_at = clock.now()
    loan.in_by_id = by.id
    if note:
        loan.note = (loan.note + "；" + note).strip("；")[:200]
    session.add(loan)
    session.flush()
    audit.record(session, by=by, action="loan.lost" if lost else "loan.return", entity="loan",
                 entity_id=loan.id, detail={"kind": kind.name, "qty": loan.qty,
                                            "on_hand": kind.on_hand, "total": kind.total,
                                            "note": note})
    return loan


def void_loan(session: Session, *, by: Staff, loan_id: int, reason: str) -> Loan:
    """A loan entered by mistake: voided, and its quantity goes back on the shelf."""
    loan: Loan = get(session, Loan, loan_id, missing="registers.lend.loan_not_found")
    void(session, loan, by=by, reason=reason, entity="loan", open_states=OPEN,
         void_state=LoanStatus.VOIDED)
    kind: LendKind = get(session, LendKind, loan.kind_id, missing="registers.lend.kind_not_found")
    kind.on_hand += loan.qty
    session.add(kind)
    session.flush()
    return loan


def is_overdue(loan: Loan, now: datetime | None = None) -> bool:
    return loan.status == LoanStatus.OUT and loan.due_at < (now or clock.now())


class LoanSource(SqlListSource):
    columns = [
        ListColumn("kind", "registers.col.kind", 10),
        ListColumn("qty", "registers.col.qty", 4, "right"),
        ListColumn("status", "registers.col.status", 6, fits=("registers.status.",)),
        ListColumn("borrower", "registers.col.borrower", 8),
        ListColumn("unit", "registers.col.unit", 9),
        ListColumn("phone", "registers.col.phone", 11),
        ListColumn("out", "registers.col.out_at", 11),
        ListColumn("due", "registers.col.due_at", 11),
        ListColumn("back", "registers.col.returned_at", 11),
    ]
    model = Loan
    order_by = (col(Loan.out_at).desc(), col(Loan.id).desc())
    search_columns = ("borrower", "note", "phone")

    def __init__(self, kind_choices: list[tuple[str, str]] | None = None) -> None:
        self.filters = [
            FilterSpec("status", "registers.col.status", "choice",
                       [(s.value, t(f"registers.status.{s.value}")) for s in LoanStatus]),
            FilterSpec("overdue", "registers.filter.overdue", "choice",
                       [("1", t("registers.filter.overdue_only"))]),
        ]
        if kind_choices:
            self.filters.append(FilterSpec("kind", "registers.col.kind", "choice", kind_choices))
        self.filter_columns = {"status": col(Loan.status)}

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "overdue":
            return and_(col(Loan.status) == LoanStatus.OUT, col(Loan.due_at) < clock.now())
        if key == "kind":
            return Loan.kind_id == int(str(value))
        return super().filter_clause(key, value)

    def select(self) -> AnySelect:
        return (select(Loan, col(LendKind.name), col(Unit.code))
                .join(LendKind, col(LendKind.id) == Loan.kind_id)
                .outerjoin(Unit, col(Unit.id) == Loan.unit_id))

    def to_row(self, item: Any) -> ListRow:
        loan: Loan = item[0]
        style = "muted" if loan.status == LoanStatus.VOIDED else (
            "overdue" if is_overdue(loan) else "warning" if loan.status == LoanStatus.LOST
            else "")
        return ListRow(loan.id or 0, (
            item[1], str(loan.qty), t(f"registers.status.{loan.status.value}"), loan.borrower,
            item[2] or "", mask_phone(loan.phone) if loan.phone else "", fmt_time(loan.out_at),
            fmt_time(loan.due_at), fmt_time(loan.returned_at),
        ), style)


class LendKindSource(SqlListSource):
    columns = [
        ListColumn("name", "registers.col.kind", 14),
        ListColumn("on_hand", "registers.col.on_hand", 6, "right"),
        ListColumn("out", "registers.col.lent_out", 6, "right"),
        ListColumn("total", "registers.col.total", 6, "right"),
        ListColumn("hours", "registers.col.default_hours", 8, "right"),
        ListColumn("active", "registers.col.active", 4),
    ]
    filters: list[FilterSpec] = []
    model = LendKind
    order_by = (col(LendKind.sort).asc(), col(LendKind.id).asc())
    search_columns = ("name",)

    def to_row(self, kind: LendKind) -> ListRow:
        style = "muted" if not kind.active else ("warning" if kind.on_hand == 0 else "")
        return ListRow(kind.id or 0, (
            kind.name, str(kind.on_hand), str(kind.total - kind.on_hand), str(kind.total),
            str(kind.default_hours),
            t("common.yes") if kind.active else t("common.no"),
        ), style)
