"""The renovation registration certificate (装修备案登记证), in its three copies: the
owner's original, a copy stamped "办理出入证专用" for pass issuance, and a copy posted on
the unit's door. Built with the one PDF mechanism (:class:`deskapp.printing.pdf.Document`)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.renovation import (
    PassStatus,
    RenovationExtension,
    RenovationFiling,
    RenovationPass,
    RenovationWorker,
)
from deskapp.i18n import t
from deskapp.masking import mask_id, mask_phone
from deskapp.printing.documents import Built
from deskapp.printing.pdf import Document
from deskapp.services import site

COPIES = ("renovation.cert.copy.original", "renovation.cert.copy.pass",
          "renovation.cert.copy.door")


def certificate_document(session: Session, filing: RenovationFiling) -> Document:
    """The certificate of ``filing`` as it stands (period with every extension)."""
    profile = site.get_site(session)
    doc = Document(
        t("renovation.cert.title"),
        subtitle=profile.name if profile else "",
        copies=[t(key) for key in COPIES],
        number=filing.number,
        footer=clock.now().strftime("%Y-%m-%d %H:%M"),
        page_numbers=False,
    )
    doc.field_rows([
        (t("renovation.field.unit"), filing.unit_code),
        (t("renovation.field.owner_name"), filing.owner_name),
        (t("renovation.field.applicant_name"), filing.applicant_name),
        (t("renovation.field.owner_phone"), mask_phone(filing.owner_phone)),
        (t("renovation.field.contractor_name"), filing.contractor_name),
        (t("renovation.field.contractor_credit_code"), filing.contractor_credit_code or "—"),
        (t("renovation.field.lead_name"), filing.lead_name),
        (t("renovation.field.lead_phone"), filing.lead_phone),
        (t("renovation.field.work_kind"), t(f"renovation.kind.{filing.work_kind.value}")),
        (t("renovation.field.hot_work"), t("common.yes") if filing.hot_work else t("common.no")),
    ], columns=2)
    doc.field_rows([(t("renovation.field.work_items"), filing.work_items)], columns=1)
    exts = session.exec(select(RenovationExtension).where(
        col(RenovationExtension.filing_id) == filing.id)
        .order_by(col(RenovationExtension.seq))).all()
    period = t("renovation.cert.period_value", start=filing.permit_start.isoformat(),
               end=filing.original_end.isoformat())
    for ext in exts:
        period += "；" + t("renovation.cert.extended", date=ext.new_end.isoformat())
    doc.field_rows([(t("renovation.cert.period"), period)], columns=1)
    rows = session.exec(
        select(RenovationWorker, RenovationPass.number)
        .outerjoin(RenovationPass, (col(RenovationPass.worker_id) == RenovationWorker.id)
                   & (RenovationPass.status == PassStatus.OUT))
        .where(col(RenovationWorker.filing_id) == filing.id,
               col(RenovationWorker.removed_at).is_(None))
        .order_by(col(RenovationWorker.id))).all()
    doc.heading(t("renovation.cert.workers"))
    doc.table([t("renovation.cert.col.name"), t("renovation.cert.col.id"),
               t("renovation.cert.col.pass")],
              [[w.name, mask_id(w.id_number), number or ""] for w, number in rows],
              col_widths=[2, 3, 2])
    doc.paragraph(t("renovation.cert.note"))
    doc.signatures([t("renovation.cert.sign.officer"), t("renovation.cert.sign.desk"),
                    t("renovation.cert.seal")])
    return doc


def build_certificate(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``certificate`` (by filing id or ``ZX2026-0001``):
    the renovation rules decide whether it may be printed and count the copy handed over."""
    from deskapp.printing.documents import Built, resolve
    from deskapp.services.renovation import filings

    filing = resolve(session, RenovationFiling, ref, not_found="renovation.not_found")
    filing = filings.record_certificate_print(session, by=by, filing_id=filing.id)
    return Built(filing.number, certificate_document(session, filing))


def certificate_pdf(session: Session, *, by: Staff, filing_id: int) -> bytes:
    """The registration certificate in its three copies, as PDF bytes (counts the print
    through the renovation service's rules)."""
    from deskapp.services.renovation.filings import record_certificate_print

    filing = record_certificate_print(session, by=by, filing_id=filing_id)
    return certificate_document(session, filing).render()
