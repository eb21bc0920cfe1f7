"""Front-desk registers (issue 8), taken together: what is open at handover, the month's
figures for the supervisor's report, and the record kinds other screens can open.

The registers themselves live in one module each:
:mod:`~deskapp.services.registers.visitors`, :mod:`~deskapp.services.registers.keys`,
:mod:`~deskapp.services.registers.lending`, :mod:`~deskapp.services.registers.parcels`,
:mod:`~deskapp.services.registers.lost`, :mod:`~deskapp.services.registers.goods`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session, SQLModel, col

from deskapp import clock
from deskapp.db.models import Unit
from deskapp.db.models.registers import (
    GoodsPass,
    GoodsPassStatus,
    KeyItem,
    KeyLoan,
    KeyLoanStatus,
    LendKind,
    Loan,
    LoanStatus,
    LostItem,
    LostStatus,
    Parcel,
    ParcelStatus,
    Visitor,
    VisitorStatus,
)
from deskapp.i18n import t
from deskapp.services.hooks import HandoverContext, OpenItem, RecordRef
from deskapp.services.registers import goods as goods_svc
from deskapp.services.registers import keys as keys_svc
from deskapp.services.registers import lending as lending_svc
from deskapp.services.registers import lost as lost_svc
from deskapp.services.registers import parcels as parcels_svc
from deskapp.services.registers import visitors as visitors_svc
from deskapp.services.registers.common import fmt_time

#: RecordRef kinds of this area → the register (tab) that shows them.
KINDS: dict[str, str] = {
    "visitor": "visitors",
    "key_loan": "keys",
    "loan": "lending",
    "parcel": "parcels",
    "lost_item": "lost",
    "goods_pass": "goods",
}
REGISTERS = ("visitors", "keys", "lending", "parcels", "lost", "goods")


def open_items(session: Session, ctx: HandoverContext) -> list[OpenItem]:
    """Everything still open at the desk: visitors inside, keys and radios out, loans out,
    parcels waiting, lost property held, goods passes issued and not yet used."""
    now = clock.now()
    items: list[OpenItem] = []

    for v, code in session.execute(
        select(Visitor, col(Unit.code)).outerjoin(Unit, col(Unit.id) == Visitor.unit_id)
        .where(col(Visitor.status) == VisitorStatus.INSIDE).order_by(col(Visitor.time_in))
    ).all():
        whom = " ".join(x for x in (code or "", v.host) if x)
        label = t("registers.open.visitor", name=v.name, people=v.people, whom=whom or "-",
                  number=v.number, since=fmt_time(v.time_in))
        if v.card_no:
            label += t("registers.open.card", card=v.card_no)
        items.append(OpenItem("registers.section.visitors", label, RecordRef("visitor", v.id),
                              v.time_in, visitors_svc.is_overdue(v, now)))

    for loan, code, name in session.execute(
        select(KeyLoan, col(KeyItem.code), col(KeyItem.name))
        .join(KeyItem, col(KeyItem.id) == KeyLoan.item_id)
        .where(col(KeyLoan.status) == KeyLoanStatus.OUT).order_by(col(KeyLoan.out_at))
    ).all():
        label = t("registers.open.key", code=code, name=name, holder=loan.holder,
                  since=fmt_time(loan.out_at))
        if loan.due_at:
            label += t("registers.open.due", due=fmt_time(loan.due_at))
        items.append(OpenItem("registers.section.keys", label, RecordRef("key_loan", loan.id),
                              loan.out_at, keys_svc.is_overdue(loan, now)))

    for loan, kind, code in session.execute(
        select(Loan, col(LendKind.name), col(Unit.code))
        .join(LendKind, col(LendKind.id) == Loan.kind_id)
        .outerjoin(Unit, col(Unit.id) == Loan.unit_id)
        .where(col(Loan.status) == LoanStatus.OUT).order_by(col(Loan.out_at))
    ).all():
        label = t("registers.open.loan", kind=kind, qty=loan.qty,
                  borrower=" ".join(x for x in (code or "", loan.borrower) if x),
                  due=fmt_time(loan.due_at))
        items.append(OpenItem("registers.section.lending", label, RecordRef("loan", loan.id),
                              loan.out_at, lending_svc.is_overdue(loan, now)))

    for p, code in session.execute(
        select(Parcel, col(Unit.code)).outerjoin(Unit, col(Unit.id) == Parcel.unit_id)
        .where(col(Parcel.status) == ParcelStatus.WAITING)
        .order_by(col(Unit.code), col(Parcel.received_at))
    ).all():
        label = t("registers.open.parcel", kind=t(f"registers.parcel_kind.{p.kind.value}"),
                  unit=code or "-", recipient=p.recipient,
                  tracking=p.tracking_no[-6:] if p.tracking_no else "-",
                  shelf=p.shelf or "-", since=fmt_time(p.received_at))
        if not p.notified_at:
            label += t("registers.open.not_notified")
        items.append(OpenItem("registers.section.parcels", label, RecordRef("parcel", p.id),
                              p.received_at, parcels_svc.is_overdue(p, now)))

    for item in session.execute(
        select(LostItem).where(col(LostItem.status) == LostStatus.HELD)
        .order_by(col(LostItem.found_at))
    ).scalars():
        label = t("registers.open.lost", item=item.description, place=item.found_place,
                  storage=item.storage or "-", until=item.hold_until.isoformat())
        items.append(OpenItem("registers.section.lost", label, RecordRef("lost_item", item.id),
                              item.found_at, lost_svc.is_due(item, now.date())))

    for g, code in session.execute(
        select(GoodsPass, col(Unit.code)).join(Unit, col(Unit.id) == GoodsPass.unit_id)
        .where(col(GoodsPass.status) == GoodsPassStatus.ISSUED).order_by(col(GoodsPass.issued_at))
    ).all():
        label = t("registers.open.goods", number=g.number, unit=code, applicant=g.applicant,
                  date=g.out_date.isoformat(), items=g.items_text[:40])
        items.append(OpenItem("registers.section.goods", label, RecordRef("goods_pass", g.id),
                              g.issued_at, goods_svc.is_expired(g, now.date())))
    return items


@dataclass(frozen=True)
class RegistersMonth:
    """The month's figures of the registers (site-local month, voided records left out)."""

    year: int
    month: int
    visitors: int = 0  # registrations
    visitor_people: int = 0  # people they brought in
    visitor_cards_not_returned: int = 0
    key_checkouts: int = 0
    key_returns_late: int = 0  # returned after the due time
    key_returns_damaged: int = 0  # returned damaged or incomplete
    loans: int = 0
    loan_items: int = 0
    loans_lost: int = 0
    parcels_received: int = 0
    parcels_handed_over: int = 0  # collected or delivered
    parcels_returned: int = 0  # sent back to the carrier
    lost_registered: int = 0
    lost_claimed: int = 0
    lost_disposed: int = 0
    goods_passes_issued: int = 0
    goods_passes_used: int = 0
    goods_passes_voided: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _count(session: Session, model: Any, *where: Any, value: Any = None) -> int:
    column = func.count() if value is None else func.coalesce(func.sum(value), 0)
    return int(session.execute(select(column).select_from(model).where(*where)).scalar_one())


def monthly_summary(session: Session, *, year: int, month: int) -> RegistersMonth:
    """The month's activity, counted in SQL by site-local month."""
    start, end = clock.month_range(year, month)

    def within(column: Any) -> Any:
        return and_(column >= start, column < end)

    return RegistersMonth(
        year=year, month=month,
        visitors=_count(session, Visitor, within(Visitor.time_in),
                        Visitor.status != VisitorStatus.VOIDED),
        visitor_people=_count(session, Visitor, within(Visitor.time_in),
                              Visitor.status != VisitorStatus.VOIDED, value=Visitor.people),
        visitor_cards_not_returned=_count(session, Visitor, within(Visitor.time_out),
                                          Visitor.card_returned == False),  # noqa: E712
        key_checkouts=_count(session, KeyLoan, within(KeyLoan.out_at),
                             KeyLoan.status != KeyLoanStatus.VOIDED),
        key_returns_late=_count(session, KeyLoan, within(KeyLoan.returned_at),
                                col(KeyLoan.due_at).is_not(None),
                                col(KeyLoan.returned_at) > KeyLoan.due_at),
        key_returns_damaged=_count(session, KeyLoan, within(KeyLoan.returned_at),
                                   col(KeyLoan.condition).in_(("damaged", "incomplete"))),
        loans=_count(session, Loan, within(Loan.out_at), Loan.status != LoanStatus.VOIDED),
        loan_items=_count(session, Loan, within(Loan.out_at), Loan.status != LoanStatus.VOIDED,
                          value=Loan.qty),
        loans_lost=_count(session, Loan, within(Loan.returned_at),
                          Loan.status == LoanStatus.LOST),
        parcels_received=_count(session, Parcel, within(Parcel.received_at),
                                Parcel.status != ParcelStatus.VOIDED),
        parcels_handed_over=_count(session, Parcel, within(Parcel.collected_at),
                                   col(Parcel.status).in_((ParcelStatus.COLLECTED,
                                                      ParcelStatus.DELIVERED))),
        parcels_returned=_count(session, Parcel, within(Parcel.collected_at),
                                Parcel.status == ParcelStatus.RETURNED),
        lost_registered=_count(session, LostItem, within(LostItem.registered_at),
                               LostItem.status != LostStatus.VOIDED),
        lost_claimed=_count(session, LostItem, within(LostItem.claimed_at),
                            LostItem.status == LostStatus.CLAIMED),
        lost_disposed=_count(session, LostItem, within(LostItem.disposed_at),
                             LostItem.status == LostStatus.DISPOSED),
        goods_passes_issued=_count(session, GoodsPass, within(GoodsPass.issued_at),
                                   GoodsPass.status != GoodsPassStatus.VOIDED),
        goods_passes_used=_count(session, GoodsPass, within(GoodsPass.used_at),
                                 GoodsPass.status == GoodsPassStatus.USED),
        goods_passes_voided=_count(session, GoodsPass, within(GoodsPass.voided_at),
                                   GoodsPass.status == GoodsPassStatus.VOIDED),
    )


@dataclass(frozen=True)
class OpenCounts:
    """How much is open now, per register (the screen's tab captions)."""

    visitors: int
    keys: int
    keys_overdue: int
    lending: int
    lending_overdue: int
    parcels: int
    lost: int
    goods: int


def open_counts(session: Session, *, now: datetime | None = None) -> OpenCounts:
    now = now or clock.now()
    return OpenCounts(
        visitors=_count(session, Visitor, Visitor.status == VisitorStatus.INSIDE),
        keys=_count(session, KeyLoan, KeyLoan.status == KeyLoanStatus.OUT),
        keys_overdue=_count(session, KeyLoan, KeyLoan.status == KeyLoanStatus.OUT,
                            col(KeyLoan.due_at) < now),
        lending=_count(session, Loan, Loan.status == LoanStatus.OUT),
        lending_overdue=_count(session, Loan, Loan.status == LoanStatus.OUT, Loan.due_at < now),
        parcels=_count(session, Parcel, Parcel.status == ParcelStatus.WAITING),
        lost=_count(session, LostItem, LostItem.status == LostStatus.HELD),
        goods=_count(session, GoodsPass, GoodsPass.status == GoodsPassStatus.ISSUED),
    )


@dataclass(frozen=True)
class RecordDetail:
    """One register record as the detail view shows it (personal data masked, free text
    through ``mask_text``). ``reveal`` lists what the view shows masked and may be revealed
    (``deskapp.services.reveal``): ``(column, label key, masked value)`` of ``table``."""

    kind: str
    register: str
    title: str
    rows: list[tuple[str, str]]
    history: list[str]
    steps: set[str]  # close | void | notify | dispose | print
    table: str = ""
    reveal: tuple[tuple[str, str, str], ...] = ()


def _staff_names(session: Session, *ids: int | None) -> dict[int, str]:
    from deskapp.services.staff import names

    return names(session, *ids)


def _unit_code(session: Session, unit_id: int | None) -> str:
    if unit_id is None:
        return ""
    unit = session.get(Unit, unit_id)
    return unit.code if unit else ""


def detail(session: Session, *, kind: str, record_id: int) -> RecordDetail:
    """Everything about one record, ready to show: fields, history, possible steps."""
    from deskapp.db.models.registers import GoodsPass as G
    from deskapp.errors import NotFound
    from deskapp.masking import mask_id, mask_phone, mask_text
    from deskapp.services import audit

    def ph(value: str) -> str:
        return mask_phone(value) if value else ""

    def status(obj: Any) -> str:
        return t(f"registers.status.{obj.status.value}")

    models: dict[str, type[SQLModel]] = {
        "visitor": Visitor, "key_loan": KeyLoan, "loan": Loan, "parcel": Parcel,
        "lost_item": LostItem, "goods_pass": G}
    model = models.get(kind)
    obj = session.get(model, record_id) if model is not None else None
    if model is None or obj is None:
        raise NotFound("registers.detail.not_found")
    rows: list[tuple[str, str]] = []
    steps: set[str] = set()
    reveal: list[tuple[str, str, str]] = []

    def personal(column: str, label_key: str) -> None:
        value = getattr(obj, column) or ""
        if value.strip():
            masked = mask_id(value) if column.endswith("id_number") else mask_phone(value)
            reveal.append((column, label_key, masked))

    def free(*columns: tuple[str, str]) -> None:
        for column, label_key in columns:
            value = getattr(obj, column) or ""
            if mask_text(value) != value:
                reveal.append((column, label_key, mask_text(value)))
    names = _staff_names(session, *[getattr(obj, a, None) for a in (
        "in_by_id", "out_by_id", "received_by_id", "handed_by_id", "notified_by_id",
        "registered_by_id", "disposed_by_id", "issued_by_id", "used_by_id", "voided_by_id")])

    def who(attr: str) -> str:
        return names.get(getattr(obj, attr, None) or 0, "")

    if isinstance(obj, Visitor):
        title = f"{obj.number} {obj.name}"
        rows = [("registers.field.visitor_name", obj.name), ("registers.field.phone", ph(obj.phone)),
                ("registers.field.id_number", mask_id(obj.id_number) if obj.id_number else ""),
                ("registers.field.unit", _unit_code(session, obj.unit_id)),
                ("registers.field.host", obj.host), ("registers.field.purpose", obj.purpose),
                ("registers.field.people", str(obj.people)), ("registers.field.plate", obj.plate),
                ("registers.field.card_no", obj.card_no),
                ("registers.col.time_in", f"{fmt_time(obj.time_in)} {who('in_by_id')}"),
                ("registers.col.time_out", f"{fmt_time(obj.time_out)} {who('out_by_id')}"),
                ("registers.field.note", obj.note)]
        personal("phone", "registers.field.phone")
        personal("id_number", "registers.field.id_number")
        if obj.status == VisitorStatus.INSIDE:
            steps.add("print")  # the visitor pass (临时通行证)
        free(("host", "registers.field.host"), ("purpose", "registers.field.purpose"),
             ("note", "registers.field.note"))
        if obj.card_no and obj.card_returned is not None:
            rows.append(("registers.field.card_returned",
                         t("registers.choice.yes" if obj.card_returned else "registers.choice.no")))
        open_ = obj.status == VisitorStatus.INSIDE
    elif isinstance(obj, KeyLoan):
        item = session.get(KeyItem, obj.item_id)
        title = f"{item.code if item else ''} {item.name if item else ''}"
        rows = [("registers.field.holder", obj.holder), ("registers.field.holder_org", obj.holder_org),
                ("registers.field.phone", ph(obj.holder_phone)),
                ("registers.field.purpose", obj.purpose),
                ("registers.col.out_at", f"{fmt_time(obj.out_at)} {who('out_by_id')}"),
                ("registers.col.due_at", fmt_time(obj.due_at)),
                ("registers.col.returned_at", f"{fmt_time(obj.returned_at)} {who('in_by_id')}"),
                ("registers.field.condition",
                 t(f"registers.condition.{obj.condition.value}") if obj.condition else ""),
                ("registers.field.return_note", obj.return_note)]
        personal("holder_phone", "registers.field.phone")
        free(("holder", "registers.field.holder"), ("holder_org", "registers.field.holder_org"),
             ("purpose", "registers.field.purpose"),
             ("return_note", "registers.field.return_note"))
        open_ = obj.status == KeyLoanStatus.OUT
    elif isinstance(obj, Loan):
        lend_kind = session.get(LendKind, obj.kind_id)
        title = f"{lend_kind.name if lend_kind else ''} × {obj.qty}"
        rows = [("registers.field.borrower", obj.borrower),
                ("registers.field.unit", _unit_code(session, obj.unit_id)),
                ("registers.field.phone", ph(obj.phone)),
                ("registers.col.out_at", f"{fmt_time(obj.out_at)} {who('out_by_id')}"),
                ("registers.col.due_at", fmt_time(obj.due_at)),
                ("registers.col.returned_at", f"{fmt_time(obj.returned_at)} {who('in_by_id')}"),
                ("registers.field.note", obj.note)]
        personal("phone", "registers.field.phone")
        free(("borrower", "registers.field.borrower"), ("note", "registers.field.note"))
        open_ = obj.status == LoanStatus.OUT
    elif isinstance(obj, Parcel):
        title = f"{t(f'registers.parcel_kind.{obj.kind.value}')} {obj.tracking_no}"
        rows = [("registers.field.unit", _unit_code(session, obj.unit_id)),
                ("registers.field.recipient", obj.recipient),
                ("registers.field.recipient_phone", ph(obj.recipient_phone)),
                ("registers.field.carrier", obj.carrier), ("registers.field.shelf", obj.shelf),
                ("registers.col.received_at", f"{fmt_time(obj.received_at)} {who('received_by_id')}"),
                ("registers.col.notified",
                 f"{fmt_time(obj.notified_at)} "
                 f"{t(f'registers.notify.{obj.notify_method.value}') if obj.notify_method else ''}"
                 f" ×{obj.notify_count}" if obj.notified_at else ""),
                ("registers.field.collected_by", obj.collected_by),
                ("registers.col.collected_at", f"{fmt_time(obj.collected_at)} {who('handed_by_id')}"),
                ("registers.field.note", obj.note)]
        personal("recipient_phone", "registers.field.recipient_phone")
        free(("recipient", "registers.field.recipient"),
             ("collected_by", "registers.field.collected_by"), ("note", "registers.field.note"))
        open_ = obj.status == ParcelStatus.WAITING
        if open_:
            steps.add("notify")
    elif isinstance(obj, LostItem):
        title = obj.description
        rows = [("registers.field.found_place", obj.found_place),
                ("registers.field.found_at", fmt_time(obj.found_at)),
                ("registers.field.finder", f"{obj.finder} {ph(obj.finder_phone)}".strip()),
                ("registers.field.storage", obj.storage),
                ("registers.col.hold_until", obj.hold_until.isoformat()),
                ("registers.field.claimant", f"{obj.claimant} {ph(obj.claimant_phone)}".strip()),
                ("registers.field.id_number",
                 mask_id(obj.claimant_id_number) if obj.claimant_id_number else ""),
                ("registers.field.disposal", obj.disposal)]
        personal("finder_phone", "registers.field.finder")
        personal("claimant_phone", "registers.field.claimant")
        personal("claimant_id_number", "registers.field.id_number")
        free(("description", "registers.field.item"),
             ("found_place", "registers.field.found_place"), ("finder", "registers.field.finder"),
             ("storage", "registers.field.storage"), ("claimant", "registers.field.claimant"),
             ("disposal", "registers.field.disposal"))
        open_ = obj.status == LostStatus.HELD
        if open_:
            steps.add("dispose")
    else:
        assert isinstance(obj, G)
        title = f"{obj.number}"
        rows = [("registers.field.unit", _unit_code(session, obj.unit_id)),
                ("registers.field.applicant",
                 t("common.with_note", text=obj.applicant,
                   note=t(f'occupant.{obj.applicant_kind.value}'))),
                ("registers.field.applicant_phone", ph(obj.applicant_phone)),
                ("registers.field.consent", obj.consent_note),
                ("registers.field.items", obj.items_text),
                ("registers.field.plate", obj.plate),
                ("registers.field.out_date", obj.out_date.isoformat()),
                ("registers.col.issued_at", f"{fmt_time(obj.issued_at)} {who('issued_by_id')}"),
                ("registers.field.guard", f"{obj.guard} {fmt_time(obj.used_at)}".strip())]
        if obj.warning:
            rows.append(("registers.detail.warning", obj.warning))
        rows.append(("registers.field.note", obj.note))
        personal("applicant_phone", "registers.field.applicant_phone")
        free(("applicant", "registers.field.applicant"),
             ("consent_note", "registers.field.consent"), ("items_text", "registers.field.items"),
             ("guard", "registers.field.guard"), ("note", "registers.field.note"))
        open_ = obj.status == GoodsPassStatus.ISSUED
        steps.add("print")
    rows.append(("registers.col.status", status(obj)))
    if obj.voided_at:
        rows.append(("registers.field.void_reason",
                     f"{obj.void_reason}（{who('voided_by_id')} {fmt_time(obj.voided_at)}）"))
        free(("void_reason", "registers.field.void_reason"))
    if open_:
        steps |= {"close", "void"}
    entries = audit.entries_for(session, entity=kind, entity_id=record_id)
    staff = _staff_names(session, *[e.staff_id for e in entries])
    history = [f"{fmt_time(e.at)}  {staff.get(e.staff_id or 0, '')}  "
               f"{t('registers.action.' + e.action.replace('.', '_'))}" for e in entries]
    return RecordDetail(kind=kind, register=KINDS[kind], title=mask_text(title),
                        rows=[(k, mask_text(v)) for k, v in rows if v.strip()],
                        history=history, steps=steps, table=str(model.__tablename__),
                        reveal=tuple(reveal))


__all__ = [
    "KINDS",
    "REGISTERS",
    "OpenCounts",
    "RecordDetail",
    "RegistersMonth",
    "goods_svc",
    "keys_svc",
    "lending_svc",
    "lost_svc",
    "detail",
    "monthly_summary",
    "open_counts",
    "open_items",
    "parcels_svc",
    "visitors_svc",
]
