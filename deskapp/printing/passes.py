"""Passes handed over the counter: the visitor's temporary pass (临时通行证) and the
renovation workers' passes (施工人员出入证) of a filing, one card-sized pass per worker with
an active pass. Both are shown at the gate, so names print as given and numbers masked."""

from __future__ import annotations

from sqlmodel import Session, col, select

from deskapp.db.models import Staff, Unit
from deskapp.db.models.registers import Visitor
from deskapp.db.models.renovation import (
    PassStatus,
    RenovationFiling,
    RenovationPass,
    RenovationWorker,
)
from deskapp.errors import Conflict
from deskapp.i18n import t
from deskapp.masking import mask_id
from deskapp.printing.documents import Built, resolve
from deskapp.printing.pdf import Document
from deskapp.services import site


def _site_name(session: Session) -> str:
    profile = site.get_site(session)
    return profile.name if profile else ""


def build_visitor_pass(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``visitor-pass`` (by visit id or pass number)."""
    visit = resolve(session, Visitor, ref, not_found="registers.visitor.not_found")
    unit = session.get(Unit, visit.unit_id) if visit.unit_id else None
    doc = Document(t("print.visitor_pass.title"), subtitle=_site_name(session),
                   copies=[t("print.copy.visitor")],
                   page_size="A5-landscape", number=visit.number, page_numbers=False)
    doc.field_rows([
        (t("print.visitor_pass.name"), visit.name),
        (t("print.visitor_pass.people"), str(visit.people)),
        (t("print.visitor_pass.unit"), unit.code if unit else (visit.host or "—")),
        (t("print.visitor_pass.purpose"), visit.purpose or "—"),
        (t("print.visitor_pass.time_in"), f"{visit.time_in:%Y-%m-%d %H:%M}"),
        (t("print.visitor_pass.plate"), visit.plate or "—"),
    ], columns=2)
    doc.paragraph(t("print.visitor_pass.rule"), size=9)
    doc.signatures([t("print.visitor_pass.sign.desk"), t("print.visitor_pass.sign.host")],
                   date=False)
    return Built(visit.number, doc)


def build_worker_passes(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``worker-passes``: every pass of a filing (by
    filing id or ``ZX…`` number) that is out and valid, one per page, A5."""
    filing = resolve(session, RenovationFiling, ref, not_found="renovation.not_found")
    rows = session.exec(
        select(RenovationPass, RenovationWorker)
        .join(RenovationWorker, col(RenovationWorker.id) == RenovationPass.worker_id)
        .where(RenovationPass.filing_id == filing.id, RenovationPass.status == PassStatus.OUT)
        .order_by(RenovationPass.number)).all()
    if not rows:
        raise Conflict("print.worker_passes.none", number=filing.number)
    doc = Document(t("print.worker_pass.title"), subtitle=_site_name(session),
                   copies=[t("print.copy.worker")],
                   page_size="A5", number=filing.number, page_numbers=False)
    for index, (pass_, worker) in enumerate(rows):
        if index:
            doc.page_break()
        doc.heading(t("print.worker_pass.pass_no", number=pass_.number))
        doc.field_rows([
            (t("print.worker_pass.name"), worker.name),
            (t("print.worker_pass.id_number"), mask_id(worker.id_number)),
            (t("print.worker_pass.unit"), filing.unit_code),
            (t("print.worker_pass.company"), filing.contractor_name or "—"),
            (t("print.worker_pass.valid_until"), f"{pass_.valid_until:%Y-%m-%d}"),
            (t("print.worker_pass.hours"), t("print.worker_pass.hours_text")),
        ], columns=1)
        doc.paragraph(t("print.worker_pass.rule"), size=9)
        doc.stamp_note(t("print.worker_pass.stamp"))
    return Built(filing.number, doc)
