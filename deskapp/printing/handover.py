"""The shift handover record (交接班记录) as the desk files it: the shift's figures, the
open items by section, the writer's notes and both signatures. Built from the stored
snapshot of the handover (what was handed over, not what is open now)."""

from __future__ import annotations

from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.reception import Handover
from deskapp.i18n import t
from deskapp.printing.documents import Built, resolve
from deskapp.printing.pdf import Document
from deskapp.services import site
from deskapp.services.reception import shifts


def handover_number(handover: Handover) -> str:
    """The record's filing number: ``JB`` + the shift's end date + the record id."""
    return f"JB{handover.period_end:%Y%m%d}-{handover.id}"


def handover_document(session: Session, handover_id: int) -> tuple[str, Document]:
    view = shifts.get_handover(session, handover_id)
    h, summary = view.handover, view.summary
    profile = site.get_site(session)
    number = handover_number(h)
    doc = Document(t("print.handover.title"), subtitle=profile.name if profile else "",
                   copies=[t("print.copy.file")],
                   number=number,
                   footer=t("print.printed_at", at=clock.now().strftime("%Y-%m-%d %H:%M")))
    doc.field_rows([
        (t("print.handover.desk"), h.desk),
        (t("print.handover.period"),
         f"{h.period_start:%Y-%m-%d %H:%M} — {h.period_end:%Y-%m-%d %H:%M}"),
        (t("print.handover.staff"), "、".join(summary.staff) or "—"),
        (t("print.handover.writer"), view.writer),
        (t("print.handover.contacts"), str(summary.contacts)),
        (t("print.handover.pending"), str(summary.contacts_pending)),
        (t("print.handover.wo_opened"), str(summary.workorders_opened)),
        (t("print.handover.wo_completed"), str(summary.workorders_completed)),
    ], columns=2)
    doc.field_rows([(t("print.handover.notes"), h.notes or "—")], columns=1)
    doc.heading(t("print.handover.open_items"))
    rows: list[list[str]] = []
    for section, items in summary.sections():
        for item in items:
            rows.append([t(section), item.label, t("print.handover.overdue") if item.overdue
                         else "", (item.since or "")[:16].replace("T", " ")])
    doc.table([t("print.handover.col.section"), t("print.handover.col.item"),
               t("print.handover.col.flag"), t("print.handover.col.since")], rows,
              col_widths=[1.4, 4.4, 0.8, 1.6], align=["left", "left", "center", "left"])
    confirmed = (t("print.handover.confirmed", name=view.confirmer,
                   at=f"{h.confirmed_at:%Y-%m-%d %H:%M}") if h.confirmed_at
                 else t("print.handover.unconfirmed"))
    doc.paragraph(confirmed)
    doc.signatures([t("print.handover.sign.handing"), t("print.handover.sign.taking")])
    return number, doc


def build_handover(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``handover`` (by record id or ``JB…-id``)."""
    if isinstance(ref, str) and "-" in ref:
        ref = ref.rsplit("-", 1)[1]
    handover = resolve(session, Handover, ref, not_found="reception.handover.not_found")
    number, doc = handover_document(session, handover.id)
    return Built(number, doc)
