"""The view data of a receipt and of a refund, for their printouts
(:mod:`deskapp.printing.receipt`) and the screens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from deskapp.db.models.cashier import (
    Bill,
    FeeKind,
    PayMethod,
    ReceiptLine,
    ReceiptTender,
    Refund,
    RefundLine,
)
from deskapp.i18n import t
from deskapp.money import chinese_capital, format_fen
from deskapp.services.cashier.payments import _staff_name, get_receipt
from deskapp.services.cashier.refunds import get_refund

__all__ = [
    "ReceiptView",
    "refund_view",
    "receipt_view",
]


# --------------------------------------------------------------------------------------
# What a receipt shows (screen preview and PDF)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewLine:
    description: str
    period: str
    kind: FeeKind
    amount_fen: int


@dataclass(frozen=True)
class ViewTender:
    method: PayMethod
    amount_fen: int
    tendered_fen: int | None
    change_fen: int


@dataclass(frozen=True)
class ViewRefund:
    id: int
    number: str
    amount_fen: int
    method: PayMethod
    reason: str
    issued_at: datetime
    issued_by: str
    approved_by: str


@dataclass(frozen=True)
class ReceiptView:
    id: int
    number: str
    site_name: str
    company: str
    unit_code: str
    payer_name: str
    issued_at: datetime
    business_date: date
    cashier: str
    desk: str
    total_fen: int
    change_fen: int
    lines: list[ViewLine]
    tenders: list[ViewTender]
    voided: bool = False
    void_reason: str = ""
    voided_at: datetime | None = None
    voided_by: str = ""
    refunds: list[ViewRefund] = field(default_factory=list)

    @property
    def capital(self) -> str:
        return chinese_capital(self.total_fen)

    @property
    def refunded_fen(self) -> int:
        return sum(r.amount_fen for r in self.refunds)

    def tender_text(self) -> str:
        parts = []
        for x in self.tenders:
            text = f"{t('cashier.method.' + x.method.value)} {format_fen(x.amount_fen)}"
            if x.tendered_fen is not None:
                text += t("cashier.view.tendered", tendered=format_fen(x.tendered_fen),
                          change=format_fen(x.change_fen))
            parts.append(text)
        return "；".join(parts)


def _site(session: Session) -> tuple[str, str]:
    from deskapp.services.site import get_site

    site = get_site(session)
    return (site.name, site.company) if site else ("", "")


def receipt_view(session: Session, *, receipt_id: int) -> ReceiptView:
    receipt = get_receipt(session, receipt_id)
    lines = session.exec(select(ReceiptLine).where(ReceiptLine.receipt_id == receipt.id)
                         .order_by(ReceiptLine.id)).all()
    tenders = session.exec(select(ReceiptTender).where(ReceiptTender.receipt_id == receipt.id)
                           .order_by(ReceiptTender.id)).all()
    refunds = session.exec(select(Refund).where(Refund.receipt_id == receipt.id)
                           .order_by(Refund.id)).all()
    site_name, company = _site(session)
    return ReceiptView(
        id=receipt.id, number=receipt.number, site_name=site_name, company=company,  # type: ignore[arg-type]
        unit_code=receipt.unit_code, payer_name=receipt.payer_name,
        issued_at=receipt.issued_at, business_date=receipt.business_date,
        cashier=_staff_name(session, receipt.issued_by), desk=receipt.desk,
        total_fen=receipt.total_fen, change_fen=receipt.change_fen,
        lines=[ViewLine(x.description, x.period or "", x.kind, x.amount_fen) for x in lines],
        tenders=[ViewTender(x.method, x.amount_fen, x.tendered_fen, x.change_fen)
                 for x in tenders],
        voided=receipt.voided, void_reason=receipt.void_reason, voided_at=receipt.voided_at,
        voided_by=_staff_name(session, receipt.voided_by),
        refunds=[ViewRefund(r.id, r.number, r.amount_fen, r.method, r.reason, r.issued_at,  # type: ignore[arg-type]
                            _staff_name(session, r.issued_by),
                            _staff_name(session, r.approved_by)) for r in refunds])


@dataclass(frozen=True)
class RefundView:
    number: str
    site_name: str
    company: str
    receipt_number: str
    receipt_total_fen: int
    unit_code: str
    payer_name: str
    amount_fen: int
    method: PayMethod
    reason: str
    issued_at: datetime
    issued_by: str
    approved_by: str
    bills: list[tuple[str, int]]

    @property
    def capital(self) -> str:
        return chinese_capital(self.amount_fen)


def refund_view(session: Session, *, refund_id: int) -> RefundView:
    doc = get_refund(session, refund_id)
    receipt = get_receipt(session, doc.receipt_id)
    bills = session.exec(select(Bill.description, RefundLine.amount_fen)
                         .join(Bill, Bill.id == RefundLine.bill_id)
                         .where(RefundLine.refund_id == doc.id).order_by(RefundLine.id)).all()
    site_name, company = _site(session)
    return RefundView(number=doc.number, site_name=site_name, company=company,
                      receipt_number=receipt.number, receipt_total_fen=receipt.total_fen,
                      unit_code=doc.unit_code, payer_name=receipt.payer_name,
                      amount_fen=doc.amount_fen, method=doc.method, reason=doc.reason,
                      issued_at=doc.issued_at, issued_by=_staff_name(session, doc.issued_by),
                      approved_by=_staff_name(session, doc.approved_by),
                      bills=[(d, int(a)) for d, a in bills])
