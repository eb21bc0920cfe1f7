"""The complaint registration form (客户投诉受理登记表) of one complaint, with its whole
timeline: the paper the plan files with every complaint. Two copies — the service centre's
file and the handling department's. Phones and free text print masked (it leaves the desk
with the department)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.complaints import Complaint
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.printing.documents import Built, resolve
from deskapp.printing.pdf import Document
from deskapp.services import site
from deskapp.services.complaints import labels, queries


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def complaint_form_document(session: Session, complaint: Complaint) -> Document:
    complaint_id = complaint.id
    assert complaint_id is not None
    names = {s.id: s.name for s in session.exec(select(Staff)).all()}
    profile = site.get_site(session)
    doc = Document(
        t("print.complaint.title"),
        subtitle=profile.name if profile else "",
        copies=[t("print.complaint.copy.file"), t("print.complaint.copy.department")],
        number=complaint.number,
        footer=t("print.printed_at", at=clock.now().strftime("%Y-%m-%d %H:%M")),
    )
    doc.field_rows([
        (t("complaints.field.received_at"), _when(complaint.received_at)),
        (t("complaints.field.channel"), t(f"reception.channel.{complaint.channel.value}")),
        (t("complaints.field.complainant_name"), complaint.complainant_name),
        (t("complaints.field.complainant_phone"), mask_phone(complaint.complainant_phone)),
        (t("complaints.field.unit"), complaint.unit_code or "—"),
        (t("complaints.field.place"), complaint.place or "—"),
        (t("complaints.field.target_person"), complaint.target_person or "—"),
        (t("complaints.field.target_department"),
         labels.department_label(complaint.target_department) if complaint.target_department
         else "—"),
        (t("complaints.field.category"), labels.category_label(complaint.category_code)),
        (t("print.complaint.state"), labels.state_label(complaint.state)),
        (t("print.complaint.received_by"), names.get(complaint.received_by_id, "")),
        (t("complaints.field.owner"), names.get(complaint.owner_id, "")),
    ], columns=2)
    doc.field_rows([
        (t("complaints.field.content"), complaint.content),
        (t("complaints.field.request"), complaint.request or "—"),
    ], columns=1)
    doc.field_rows([
        (t("print.complaint.first_response_due"), _when(complaint.first_response_due)),
        (t("print.complaint.close_due"), _when(complaint.close_due)),
    ], columns=2)
    doc.heading(t("print.complaint.handling"))
    doc.field_rows([
        (t("complaints.field.findings"), complaint.investigation or ""),
        (t("complaints.field.department"),
         labels.department_label(complaint.responsible_department)
         if complaint.responsible_department else ""),
        (t("complaints.field.person"), complaint.responsible_person or ""),
        (t("complaints.field.solution"), complaint.solution or ""),
        (t("complaints.field.reply"), complaint.reply or ""),
        (t("complaints.field.summary"), complaint.summary or ""),
    ], columns=1)
    doc.heading(t("print.complaint.timeline"))
    doc.table([t("print.complaint.col.at"), t("print.complaint.col.who"),
               t("print.complaint.col.step"), t("print.complaint.col.note")],
              [[_when(e.at), e.who, e.text, e.note]
               for e in queries.timeline(session, complaint_id)],
              col_widths=[1.6, 1.1, 2.2, 3.5])
    doc.signatures([t("print.complaint.sign.receiver"), t("print.complaint.sign.handler"),
                    t("print.complaint.sign.supervisor")])
    return doc


def build_complaint_form(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``complaint`` (by id or ``TS2026-0001``)."""
    complaint = resolve(session, Complaint, ref, not_found="complaints.not_found")
    return Built(complaint.number, complaint_form_document(session, complaint))
