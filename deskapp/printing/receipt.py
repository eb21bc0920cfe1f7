"""The cashier's printed documents, on :mod:`deskapp.printing.pdf`: the receipt (收据,
three copies: 存根 / 交款人 / 记账) and the refund note (退款单, two copies).

Both take the view dataclasses of :mod:`deskapp.services.cashier.views` (``ReceiptView``,
``RefundView``) — plain data, no database here. Amounts print in figures and in Chinese
capitals (大写). A void receipt prints with the void mark, reason, who and when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskapp.i18n import t
from deskapp.money import format_fen
from deskapp.printing.pdf import Document

if TYPE_CHECKING:
    from sqlmodel import Session

    from deskapp.db.models import Staff
    from deskapp.printing.documents import Built
    from deskapp.services.cashier.views import ReceiptView, RefundView


def _subtitle(site_name: str, company: str) -> str:
    return " ".join(x for x in (company, site_name) if x) or t("cashier.pdf.centre")


def receipt_document(view: ReceiptView) -> Document:
    doc = Document(
        t("cashier.pdf.receipt_title"),
        subtitle=_subtitle(view.site_name, view.company),
        copies=[t("cashier.pdf.copy.stub"), t("cashier.pdf.copy.payer"),
                t("cashier.pdf.copy.books")],
        page_size="A5-landscape",
        number=view.number,
        page_numbers=False,
        author=view.cashier,
    )
    if view.voided:
        doc.heading(t("cashier.pdf.void_mark"))
        doc.paragraph(t("cashier.pdf.void_line", reason=view.void_reason, by=view.voided_by,
                        at=view.voided_at.strftime("%Y-%m-%d %H:%M") if view.voided_at else ""))
    doc.field_rows([
        (t("cashier.pdf.unit"), view.unit_code),
        (t("cashier.pdf.payer"), view.payer_name),
        (t("cashier.pdf.date"), view.issued_at.strftime("%Y-%m-%d %H:%M")),
        (t("cashier.pdf.sign.cashier"), view.cashier),
    ], columns=2)
    doc.field_rows([(t("cashier.pdf.method"), view.tender_text())], columns=1)
    doc.table(
        [t("cashier.pdf.col.item"), t("cashier.pdf.col.period"), t("cashier.pdf.col.amount")],
        [[line.description, line.period, format_fen(line.amount_fen)] for line in view.lines],
        col_widths=[5, 1.4, 1.6],
        align=["left", "center", "right"],
    )
    doc.paragraph(t("cashier.pdf.total", capital=view.capital, amount=format_fen(view.total_fen)))
    if view.refunds:
        doc.paragraph(t("cashier.pdf.refunded", amount=format_fen(view.refunded_fen),
                        numbers="、".join(r.number for r in view.refunds)), size=8)
    doc.signatures([t("cashier.pdf.sign.cashier"), t("cashier.pdf.sign.payer")], date=False)
    doc.stamp_note(t("cashier.pdf.stamp"))
    return doc


def render_receipt(view: ReceiptView) -> bytes:
    return receipt_document(view).render()


def refund_document(view: RefundView) -> Document:
    doc = Document(
        t("cashier.pdf.refund_title"),
        subtitle=_subtitle(view.site_name, view.company),
        copies=[t("cashier.pdf.copy.stub"), t("cashier.pdf.copy.payee")],
        page_size="A5-landscape",
        number=view.number,
        page_numbers=False,
        author=view.issued_by,
    )
    doc.field_rows([
        (t("cashier.pdf.unit"), view.unit_code),
        (t("cashier.pdf.payee"), view.payer_name),
        (t("cashier.pdf.receipt_no"), view.receipt_number),
        (t("cashier.pdf.receipt_total"), format_fen(view.receipt_total_fen)),
        (t("cashier.pdf.date"), view.issued_at.strftime("%Y-%m-%d %H:%M")),
        (t("cashier.pdf.refund_method"), t(f"cashier.method.{view.method.value}")),
        (t("cashier.pdf.reason"), view.reason),
        (t("cashier.pdf.approved_by"), view.approved_by),
        (t("cashier.pdf.sign.handler"), view.issued_by),
    ], columns=2)
    if view.bills:
        doc.table([t("cashier.pdf.col.item"), t("cashier.pdf.col.amount")],
                  [[d, format_fen(a)] for d, a in view.bills], col_widths=[5, 1.6],
                  align=["left", "right"])
    doc.paragraph(t("cashier.pdf.refund_total", capital=view.capital,
                    amount=format_fen(view.amount_fen)))
    doc.signatures([t("cashier.pdf.sign.handler"), t("cashier.pdf.sign.payee")], date=True)
    doc.stamp_note(t("cashier.pdf.refund_note"))
    return doc


def render_refund(view: RefundView) -> bytes:
    return refund_document(view).render()


def build_receipt(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``receipt`` (by id or ``SJ2026-000123``)."""
    from deskapp.db.models.cashier import Receipt
    from deskapp.printing.documents import Built, resolve
    from deskapp.services.cashier import views

    receipt = resolve(session, Receipt, ref, not_found="cashier.receipt.not_found")
    view = views.receipt_view(session, receipt_id=receipt.id)
    return Built(view.number, receipt_document(view))


def build_refund(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``refund`` (by id or number)."""
    from deskapp.db.models.cashier import Refund
    from deskapp.printing.documents import Built, resolve
    from deskapp.services.cashier import views as cashier_views

    doc = resolve(session, Refund, ref, not_found="cashier.refund.not_found")
    view = cashier_views.refund_view(session, refund_id=doc.id)
    return Built(view.number, refund_document(view))


def receipt_pdf(session: Session, *, receipt_id: int) -> bytes:
    """The receipt as a PDF (A5 landscape, three copies 存根/交款人/记账), in Chinese with
    the amount in capitals (大写). A void receipt prints marked void."""
    from deskapp.services.cashier.views import receipt_view

    return render_receipt(receipt_view(session, receipt_id=receipt_id))


def refund_pdf(session: Session, *, refund_id: int) -> bytes:
    """The refund document (退款单) as a PDF, with the payee's signature line."""
    from deskapp.services.cashier.views import refund_view

    return render_refund(refund_view(session, refund_id=refund_id))
