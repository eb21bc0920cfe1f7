"""The move-in sheet (入伙交付确认单): two copies — the owner's and the desk's — with the
owner and date, the inspection line by line (defects and their work orders), the keys,
the first meter readings, the documents signed, the fees and the signature lines."""

from __future__ import annotations

from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.movein import MoveIn
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.money import format_fen
from deskapp.printing.documents import Built, resolve
from deskapp.printing.pdf import Document
from deskapp.services import site
from deskapp.services.customer import movein_views


def movein_document(session: Session, movein_id: int) -> Document:
    d = movein_views.detail(session, movein_id)
    m = d.movein
    profile = site.get_site(session)
    doc = Document(
        t("movein.print.title"),
        subtitle=profile.name if profile else "",
        copies=[t("movein.print.copy_owner"), t("movein.print.copy_desk")],
        number=m.number,
        footer=t("movein.print.footer", at=clock.now().strftime("%Y-%m-%d %H:%M")),
        page_numbers=False,
    )
    doc.field_rows([
        (t("movein.col.unit"), d.unit_code),
        (t("movein.field.moved_in_on"), m.moved_in_on.isoformat()),
        (t("movein.field.owner_name"), m.owner_name),
        (t("movein.field.owner_phone"), mask_phone(m.owner_phone) if m.owner_phone else ""),
        (t("movein.col.status"), t(f"movein.status.{m.status.value}")),
        (t("movein.key.keys"), d.key_text()),
    ], columns=2)
    doc.heading(t("movein.print.inspection"))
    orders = d.orders
    doc.table([t("movein.print.item"), t("movein.print.result"), t("movein.print.order")], [
        (c.name, c.defect or (t("movein.print.ok") if c.done else t("movein.print.not_checked")),
         orders[c.work_order_id].number if c.work_order_id in orders else "")
        for c in d.inspections], [3, 5, 2])
    doc.field_rows([
        (t("movein.print.meters"), d.meter_text()),
        (t("movein.print.fees"), t("movein.print.fees_paid", amount=format_fen(m.fees_fen),
                                   receipt=m.receipt_no) if m.receipt_id
         else t("movein.print.fees_none")),
    ], columns=1)
    doc.heading(t("movein.print.documents"))
    doc.table([t("movein.print.item"), t("movein.print.result")], [
        (c.name, t("movein.print.signed") if c.done else t("movein.print.unsigned"))
        for c in d.documents], [4, 1])
    if m.note:
        doc.paragraph(m.note)
    doc.signatures([t("movein.print.sign_owner"), t("movein.print.sign_desk")])
    return doc


def build_movein(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``movein`` (by id or ``RH202612-0001``)."""
    found = resolve(session, MoveIn, ref, not_found="movein.not_found")
    assert found.id is not None
    return Built(found.number, movein_document(session, found.id))
