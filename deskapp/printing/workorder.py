"""The printed maintenance work order (维修工作单) handed to engineering: two copies — one
for the engineer, one kept by the desk — with the repair details, the dispatch, completion
and return-visit lines to fill in or already filled, and signature lines."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.i18n import t
from deskapp.money import format_fen
from deskapp.printing.documents import Built, resolve
from deskapp.printing.pdf import Document, Unmasked
from deskapp.services import site
from deskapp.services.reception import workorders as wo
from deskapp.services.reception.common import staff_names


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def work_order_document(session: Session, work_order_id: int) -> Document:
    order = wo.get_work_order(session, work_order_id)
    names = staff_names(session)
    profile = site.get_site(session)
    doc = Document(
        t("reception.print.title"),
        subtitle=profile.name if profile else "",
        copies=[t("reception.print.copy_engineer"), t("reception.print.copy_desk")],
        page_size="A5-landscape",
        number=order.number,
        footer=t("reception.print.footer", at=clock.now().strftime("%Y-%m-%d %H:%M")),
        page_numbers=False,
    )
    doc.field_rows([
        (t("reception.wo.field.created"), _when(order.created_at)),
        (t("reception.wo.field.due"), _when(order.due_at)),
        (t("reception.field.unit"), order.unit_code or "—"),
        (t("reception.wo.field.location"), order.location or "—"),
        (t("reception.wo.field.requester"), order.requester_name),
        # Both copies are internal (the engineer calls the owner to arrange the visit): the
        # phone prints in full, and the documents service audits who printed it.
        (t("reception.field.phone"), Unmasked(order.requester_phone or "")),
        (t("reception.wo.field.category"), wo.category_label(order.category)),
        (t("reception.wo.field.urgency"), t("reception.print.urgency", urgency=wo.urgency_label(
            order.urgency), hours=order.limit_hours)),
    ], columns=2)
    doc.field_rows([(t("reception.wo.field.description"), order.description)], columns=1)
    doc.field_rows([
        (t("reception.wo.field.assignee"), order.assignee),
        (t("reception.wo.field.dispatched_at"), _when(order.dispatched_at)),
        (t("reception.wo.field.completed_at"), _when(order.completed_at)),
        (t("reception.wo.field.materials"), order.materials),
        (t("reception.wo.field.result"), order.result),
        (t("reception.wo.field.charge"), format_fen(order.charge_fen) if order.charge_fen else ""),
    ], columns=2)
    satisfaction = (t(f"reception.wo.satisfaction.{order.satisfaction}")
                    if order.satisfaction else t("reception.print.satisfaction_blank"))
    doc.field_rows([
        (t("reception.wo.field.visited_at"), _when(order.visited_at)),
        (t("reception.print.visited_by"), names.get(order.visited_by or 0, "")),
        (t("reception.wo.field.satisfaction"), satisfaction),
        (t("reception.wo.field.comment"), order.visit_comment),
    ], columns=2)
    doc.signatures([t("reception.print.sign_desk"), t("reception.print.sign_engineer"),
                    t("reception.print.sign_customer")])
    doc.stamp_note(t("reception.print.issued_by", name=names.get(order.created_by, "")))
    return doc


def work_order_pdf(session: Session, work_order_id: int) -> bytes:
    return work_order_document(session, work_order_id).render()


def build_work_order(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``workorder`` (by id or ``WX20261130-001``)."""
    from deskapp.db.models.reception import WorkOrder

    order = resolve(session, WorkOrder, ref, not_found="reception.workorder.not_found")
    assert order.id is not None
    return Built(order.number, work_order_document(session, order.id))
