"""The renovation papers the plan names besides the certificate (装修管理程序, 业务办理涉及
表格): the filing form (装修备案表) the owner and the contractor sign, the management
service agreement (装修管理服务协议书) in three copies — contractor, owner, service centre —
and the workers' register (施工人员登记表) filed with them. Personal numbers print masked:
the desk reads them out through the audited reveal when needed."""

from __future__ import annotations

from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.renovation import RenovationFiling
from deskapp.i18n import t
from deskapp.masking import mask_id, mask_phone
from deskapp.money import format_fen
from deskapp.printing.documents import Built, resolve
from deskapp.printing.pdf import Document
from deskapp.services import site
from deskapp.services.renovation import queries, rules


def _yes(value: bool) -> str:
    return t("print.reno.yes") if value else t("print.reno.no")


def _site_name(session: Session) -> str:
    profile = site.get_site(session)
    return profile.name if profile else ""


def _filing(session: Session, ref: int | str) -> RenovationFiling:
    return resolve(session, RenovationFiling, ref, not_found="renovation.not_found")


def _period(filing: RenovationFiling) -> str:
    return f"{filing.permit_start:%Y-%m-%d} — {filing.permit_end:%Y-%m-%d}"


def build_application(session: Session, *, by: Staff, ref: int | str) -> Built:
    """``renovation-form``: the filing form (装修备案表) with its document checklist."""
    filing = _filing(session, ref)
    doc = Document(t("print.reno.form.title"), subtitle=_site_name(session),
                   copies=[t("print.copy.file")],
                   number=filing.number,
                   footer=t("print.printed_at", at=clock.now().strftime("%Y-%m-%d %H:%M")))
    doc.heading(t("print.reno.form.owner_part"))
    doc.field_rows([
        (t("renovation.field.unit"), filing.unit_code),
        (t("renovation.field.filed_on"), f"{filing.filed_on:%Y-%m-%d}"),
        (t("renovation.field.owner_name"), filing.owner_name),
        (t("renovation.field.owner_phone"), mask_phone(filing.owner_phone)),
        (t("renovation.field.owner_id_number"), mask_id(filing.owner_id_number)),
        (t("renovation.field.applicant_name"),
         filing.applicant_name if not filing.applicant_is_owner else t("print.reno.owner_self")),
        (t("renovation.field.work_kind"), t(f"renovation.kind.{filing.work_kind.value}")),
        (t("print.reno.period"), _period(filing)),
    ], columns=2)
    doc.field_rows([(t("renovation.field.work_items"), filing.work_items)], columns=1)
    doc.field_rows([
        (t("renovation.field.hot_work"), _yes(filing.hot_work)),
        (t("renovation.field.breaks_waterproofing"), _yes(filing.breaks_waterproofing)),
        (t("renovation.field.changes_lines"), _yes(filing.changes_lines)),
        (t("print.reno.deposit"), format_fen(filing.deposit_fen) if filing.deposit_fen else "—"),
    ], columns=2)
    doc.heading(t("print.reno.form.contractor_part"))
    doc.field_rows([
        (t("renovation.field.contractor_name"), filing.contractor_name),
        (t("renovation.field.contractor_credit_code"), filing.contractor_credit_code or "—"),
        (t("renovation.field.lead_name"), filing.lead_name),
        (t("renovation.field.lead_phone"), mask_phone(filing.lead_phone)),
        (t("renovation.field.contractor_has_licence"), _yes(filing.contractor_has_licence)),
        (t("renovation.field.contractor_has_qualification"),
         _yes(filing.contractor_has_qualification)),
    ], columns=2)
    assert filing.id is not None
    received = queries.received_documents(session, filing.id)
    doc.heading(t("print.reno.form.checklist"))
    doc.table([t("print.reno.col.doc"), t("print.reno.col.received")],
              [[t(f"renovation.doc.{code}"),
                f"{received[code].received_at:%Y-%m-%d}" if code in received else "□"]
               for code in rules.filing_documents(filing)],
              col_widths=[5, 1.4], align=["left", "center"])
    doc.heading(t("print.reno.form.review_part"))
    doc.field_rows([
        (t("renovation.field.review_officer"), filing.review_officer or ""),
        (t("renovation.field.review_note"), filing.review_note or ""),
    ], columns=1)
    doc.signatures([t("print.reno.sign.owner"), t("print.reno.sign.contractor"),
                    t("print.reno.sign.centre")])
    return Built(filing.number, doc)


def build_agreement(session: Session, *, by: Staff, ref: int | str) -> Built:
    """``renovation-agreement``: 装修管理服务协议书, one copy each for the contractor, the
    owner and the service centre (一式三份)."""
    filing = _filing(session, ref)
    name = _site_name(session)
    doc = Document(t("print.reno.agreement.title"), subtitle=name, number=filing.number,
                   copies=[t("print.reno.agreement.copy.contractor"),
                           t("print.reno.agreement.copy.owner"),
                           t("print.reno.agreement.copy.centre")])
    doc.field_rows([
        (t("print.reno.agreement.party_a"), name),
        (t("print.reno.agreement.party_b"), f"{filing.owner_name}（{filing.unit_code}）"),
        (t("print.reno.agreement.party_c"), filing.contractor_name),
        (t("print.reno.period"), _period(filing)),
        (t("renovation.field.lead_name"), filing.lead_name),
        (t("print.reno.deposit"), format_fen(filing.deposit_fen) if filing.deposit_fen else "—"),
    ], columns=2)
    for n in range(1, 9):
        doc.paragraph(t(f"print.reno.agreement.clause{n}"))
    doc.signatures([t("print.reno.agreement.sign_a"), t("print.reno.agreement.sign_b"),
                    t("print.reno.agreement.sign_c")])
    return Built(filing.number, doc)


def build_worker_register(session: Session, *, by: Staff, ref: int | str) -> Built:
    """``renovation-workers``: 施工人员登记表 — every worker ever on the roster (those who
    left marked with the date), their pass numbers and documents received."""
    from sqlmodel import select

    from deskapp.db.models.renovation import RenovationPass, RenovationWorker

    filing = _filing(session, ref)
    workers = session.exec(select(RenovationWorker).where(
        col(RenovationWorker.filing_id) == filing.id).order_by(col(RenovationWorker.id))).all()
    passes: dict[int, list[str]] = {}
    for p in session.exec(select(RenovationPass).where(
            col(RenovationPass.filing_id) == filing.id).order_by(col(RenovationPass.id))).all():
        passes.setdefault(p.worker_id, []).append(p.number)
    doc = Document(t("print.reno.workers.title"), subtitle=_site_name(session),
                   copies=[t("print.copy.file")],
                   number=filing.number)
    doc.field_rows([
        (t("renovation.field.unit"), filing.unit_code),
        (t("renovation.field.contractor_name"), filing.contractor_name),
        (t("renovation.field.lead_name"), filing.lead_name),
        (t("print.reno.period"), _period(filing)),
    ], columns=2)
    doc.table([t("print.reno.col.no"), t("renovation.field.worker_name"),
               t("renovation.field.worker_id_number"), t("renovation.field.worker_phone"),
               t("print.reno.col.papers"), t("print.reno.col.passes"), t("print.reno.col.left")],
              [[str(i), w.name, mask_id(w.id_number), mask_phone(w.phone),
                "、".join(x for x, ok in ((t("print.reno.id_copy"), w.id_copy_received),
                                          (t("print.reno.photo"), w.photo_received)) if ok)
                or "—",
                "、".join(passes.get(w.id or 0, [])) or "—",
                f"{w.removed_at:%Y-%m-%d}" if w.removed_at else ""]
               for i, w in enumerate(workers, 1)],
              col_widths=[0.5, 1.2, 2.0, 1.5, 1.4, 1.6, 1.1],
              align=["center", "left", "left", "left", "left", "left", "center"])
    doc.signatures([t("print.reno.sign.contractor"), t("print.reno.sign.centre")])
    return Built(filing.number, doc)
