"""钥匙、对讲机 — the catalogue of key sets and two-way radios, and their check-outs.

An item is out at most once at a time (checked here and by a partial unique index); a
return records the condition. Outstanding and overdue lists come from the same source.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Staff, Unit
from deskapp.db.models.registers import (
    KeyCategory,
    KeyItem,
    KeyKind,
    KeyLoan,
    KeyLoanStatus,
    ReturnCondition,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
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
    text,
    unit_or_none,
    void,
)

OPEN = (KeyLoanStatus.OUT,)


def _code(value: str) -> str:
    code = unicodedata.normalize("NFKC", value or "").strip().upper().replace(" ", "")
    if not code:
        raise ValidationError("registers.key.code_required", field="code")
    if len(code) > 30:
        raise ValidationError("registers.key.code_too_long", field="code")
    return code


def add_item(session: Session, *, by: Staff, code: str, name: str, category: KeyCategory,
             unit_id: int | None = None, location: str = "", note: str = "") -> KeyItem:
    """Add a key set or radio to the catalogue."""
    desk(by)
    code = _code(code)
    category = KeyCategory(category)
    name = text(name, field="name", label_key="registers.field.key_name", max_len=60,
                required=True)
    location = text(location, field="location", label_key="registers.field.location",
                    max_len=40)
    note = text(note, field="note", label_key="registers.field.note", max_len=200)
    unit = unit_or_none(session, unit_id)
    if category == KeyCategory.UNIT and unit is None:
        raise ValidationError("registers.key.unit_required", field="unit")
    if session.execute(select(col(KeyItem.id)).where(col(KeyItem.code) == code)).first():
        raise ValidationError("registers.key.code_taken", field="code", code=code)
    item = KeyItem(code=code, name=name, category=category,
                   kind=KeyKind.RADIO if category == KeyCategory.RADIO else KeyKind.KEY,
                   unit_id=unit.id if unit else None, location=location, note=note,
                   active=True, created_at=clock.now())
    session.add(item)
    session.flush()
    audit.record(session, by=by, action="key_item.create", entity="key_item", entity_id=item.id,
                 detail={"code": code, "name": name, "category": category.value})
    return item


def set_item_active(session: Session, *, by: Staff, item_id: int, active: bool) -> KeyItem:
    """Retire an item (lost, handed back to the owner) or bring it back; an item that is
    out cannot be retired."""
    desk(by)
    item: KeyItem = get(session, KeyItem, item_id, missing="registers.key.not_found")
    if not active and current_loan(session, item.id) is not None:
        raise Conflict("registers.key.retire_out", code=item.code)
    item.active = active
    session.add(item)
    audit.record(session, by=by, action="key_item.activate" if active else "key_item.retire",
                 entity="key_item", entity_id=item.id, detail={"code": item.code})
    return item


def items(session: Session, *, active_only: bool = True) -> list[KeyItem]:
    query = select(KeyItem).order_by(KeyItem.category, KeyItem.code)
    if active_only:
        query = query.where(col(KeyItem.active) == True)  # noqa: E712
    return list(session.execute(query).scalars().all())


def find_item(session: Session, code: str) -> KeyItem:
    item = session.execute(
        select(KeyItem).where(col(KeyItem.code) == _code(code))).scalars().first()
    if item is None:
        raise ValidationError("registers.key.unknown_code", field="code", code=code.strip())
    return item


def current_loan(session: Session, item_id: int | None) -> KeyLoan | None:
    return session.execute(select(KeyLoan).where(
        col(KeyLoan.item_id) == item_id, col(KeyLoan.status) == KeyLoanStatus.OUT)
    ).scalars().first()


def check_out(session: Session, *, by: Staff, code: str, holder: str, holder_org: str = "",
              holder_phone: str = "", purpose: str = "", due: str = "",
              now: datetime | None = None) -> KeyLoan:
    """Check an item out to someone. Refused when the item is already out or retired."""
    desk(by)
    item = find_item(session, code)
    if not item.active:
        raise ValidationError("registers.key.retired", field="code", code=item.code)
    holder = text(holder, field="holder", label_key="registers.field.holder", required=True)
    holder_org = text(holder_org, field="holder_org", label_key="registers.field.holder_org")
    holder_phone = phone(holder_phone, field="holder_phone")
    purpose = text(purpose, field="purpose", label_key="registers.field.purpose", max_len=100)
    now = now or clock.now()
    due_at = due_time(due, field="due", now=now)
    out = current_loan(session, item.id)
    if out is not None:
        raise ValidationError("registers.key.already_out", field="code", code=item.code,
                              holder=out.holder, since=fmt_time(out.out_at))
    from deskapp.services.customer.trust_keys import check_collector  # 钥匙托管 (issue #20)

    check_collector(session, item, holder, holder_phone)
    assert item.id is not None and by.id is not None
    loan = KeyLoan(item_id=item.id, holder=holder, holder_org=holder_org,
                   holder_phone=holder_phone, purpose=purpose, out_at=now, due_at=due_at,
                   status=KeyLoanStatus.OUT, out_by_id=by.id)
    session.add(loan)
    session.flush()
    audit.record(session, by=by, action="key.out", entity="key_loan", entity_id=loan.id,
                 detail={"code": item.code, "holder": holder,
                         "phone": mask_phone(holder_phone) if holder_phone else "",
                         "due": due_at.isoformat() if due_at else ""})
    return loan


def return_item(session: Session, *, by: Staff, loan_id: int,
                condition: ReturnCondition = ReturnCondition.GOOD, note: str = "") -> KeyLoan:
    """Take an item back; anything but "good" needs a note of what is wrong."""
    desk(by)
    loan: KeyLoan = get(session, KeyLoan, loan_id, missing="registers.key.loan_not_found")
    if loan.status != KeyLoanStatus.OUT:
        raise InvalidTransition("registers.key.not_out",
                                status=t(f"registers.status.{loan.status.value}"))
    condition = ReturnCondition(condition)
    note = text(note, field="return_note", label_key="registers.field.return_note",
                max_len=200)
    if condition != ReturnCondition.GOOD and not note:
        raise ValidationError("registers.key.condition_note", field="return_note")
    loan.status = KeyLoanStatus.RETURNED
    loan.returned_at = clock.now()
    loan.condition = condition
    loan.return_note = note
    loan.in_by_id = by.id
    session.add(loan)
    session.flush()
    audit.record(session, by=by, action="key.return", entity="key_loan", entity_id=loan.id,
                 detail={"condition": condition.value, "note": note})
    return loan


def return_by_code(session: Session, *, by: Staff, code: str,
                   condition: ReturnCondition = ReturnCondition.GOOD, note: str = "") -> KeyLoan:
    """Return by the tag's code (what is in the receptionist's hand)."""
    item = find_item(session, code)
    loan = current_loan(session, item.id)
    if loan is None or loan.id is None:
        raise InvalidTransition("registers.key.code_not_out", code=item.code)
    return return_item(session, by=by, loan_id=loan.id, condition=condition, note=note)


def void_loan(session: Session, *, by: Staff, loan_id: int, reason: str) -> KeyLoan:
    loan: KeyLoan = get(session, KeyLoan, loan_id, missing="registers.key.loan_not_found")
    return void(session, loan, by=by, reason=reason, entity="key_loan", open_states=OPEN,
                void_state=KeyLoanStatus.VOIDED)


def is_overdue(loan: KeyLoan, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return loan.status == KeyLoanStatus.OUT and loan.due_at is not None and loan.due_at < now


def get_item(session: Session, item_id: int) -> KeyItem:
    item = session.get(KeyItem, item_id)
    if item is None:
        raise NotFound("registers.key.not_found")
    return item


class KeyLoanSource(SqlListSource):
    """Check-outs, newest first; filters status and overdue."""

    columns = [
        ListColumn("code", "registers.col.key_code", 10),
        ListColumn("status", "registers.col.status", 6, fits=("registers.status.",)),
        ListColumn("name", "registers.col.key_name", 12),
        ListColumn("holder", "registers.col.holder", 8),
        ListColumn("org", "registers.col.holder_org", 10),
        ListColumn("out", "registers.col.out_at", 11),
        ListColumn("due", "registers.col.due_at", 11),
        ListColumn("back", "registers.col.returned_at", 11),
        ListColumn("condition", "registers.col.condition", 4),
    ]
    model = KeyLoan
    order_by = (col(KeyLoan.out_at).desc(), col(KeyLoan.id).desc())
    search_columns = ("holder", "holder_org", "purpose")

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("status", "registers.col.status", "choice",
                       [(s.value, t(f"registers.status.{s.value}")) for s in KeyLoanStatus]),
            FilterSpec("overdue", "registers.filter.overdue", "choice",
                       [("1", t("registers.filter.overdue_only"))]),
            FilterSpec("from", "registers.filter.from", "date_from"),
        ]
        self.filter_columns = {"status": col(KeyLoan.status), "from": col(KeyLoan.out_at)}

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "overdue":
            return and_(col(KeyLoan.status) == KeyLoanStatus.OUT, col(KeyLoan.due_at) < clock.now())
        return super().filter_clause(key, value)

    def where(self, session: Any, query: Any) -> list[Any]:
        # Search also covers the item's code and name (joined, so LIKE).
        search = query.search
        if not search.strip():
            return super().where(session, query)
        from dataclasses import replace

        from deskapp.services.listing import term_condition
        from deskapp.services.textsearch import split_terms

        clauses = super().where(session, replace(query, search=""))
        dialect = session.get_bind().dialect.name
        for term in split_terms(search):
            clauses.append(term_condition([KeyItem.code, KeyItem.name, KeyLoan.holder,
                                           KeyLoan.holder_org, KeyLoan.purpose], term,
                                          dialect=dialect))
        return clauses

    def select(self) -> AnySelect:
        return select(KeyLoan, col(KeyItem.code), col(KeyItem.name)).join(
            KeyItem, col(KeyItem.id) == KeyLoan.item_id)

    def to_row(self, item: Any) -> ListRow:
        loan: KeyLoan = item[0]
        style = "muted" if loan.status == KeyLoanStatus.VOIDED else (
            "overdue" if is_overdue(loan) else "")
        return ListRow(loan.id or 0, (
            item[1], t(f"registers.status.{loan.status.value}"), item[2], loan.holder,
            loan.holder_org, fmt_time(loan.out_at), fmt_time(loan.due_at),
            fmt_time(loan.returned_at),
            t(f"registers.condition.{loan.condition.value}") if loan.condition else "",
        ), style)


class KeyItemSource(SqlListSource):
    """The catalogue, for the management list."""

    columns = [
        ListColumn("code", "registers.col.key_code", 12),
        ListColumn("name", "registers.col.key_name", 20),
        ListColumn("category", "registers.col.category", 8),
        ListColumn("unit", "registers.col.unit", 11),
        ListColumn("location", "registers.col.location", 10),
        ListColumn("active", "registers.col.active", 4),
    ]
    model = KeyItem
    order_by = (col(KeyItem.code).asc(), col(KeyItem.id).asc())
    search_columns = ("code", "name", "location")

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("category", "registers.col.category", "choice",
                       [(c.value, t(f"registers.category.{c.value}")) for c in KeyCategory]),
        ]
        self.filter_columns = {"category": col(KeyItem.category)}

    def select(self) -> AnySelect:
        return select(KeyItem, col(Unit.code)).outerjoin(Unit, col(Unit.id) == KeyItem.unit_id)

    def to_row(self, item: Any) -> ListRow:
        key: KeyItem = item[0]
        return ListRow(key.id or 0, (
            key.code, key.name, t(f"registers.category.{key.category.value}"), item[1] or "",
            key.location, t("common.yes") if key.active else t("common.no"),
        ), "" if key.active else "muted")
