"""The one documents service: render → save → audit → (optionally) print.

Every printable paper of the desk is a *kind* in :data:`KINDS` (receipt, work order,
goods pass, certificate, complaint form, handover record, payment notice …). Screens and
the CLI (``deskapp print KIND NUMBER``) call :func:`produce` inside a write transaction and
then :func:`deliver` outside it:

* :func:`produce` builds the document from the database, marks a reprint ``补打`` (any
  earlier print of the same kind and number is in the audit log), saves the PDF under
  ``<documents dir>/<kind>/<YYYY-MM>/<number>.pdf`` (a reprint beside it as
  ``<number>-补打2.pdf``), and audits ``document.print`` with the copy labels and the file
  name — in the caller's transaction.
* :func:`deliver` sends the saved file to the desk's printer through CUPS
  (:mod:`deskapp.printing.printer`); a missing CUPS or printer is a plain message, the PDF
  stays saved.

The documents folder is ``documents_dir`` in settings.toml, else ``DESKAPP_DOCUMENTS_DIR``,
else ``documents`` in the data directory. Builders live in the kind's printing module and
take the session and a record reference; the table below is the whole wiring.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from deskapp import clock
from deskapp.config import data_dir
from deskapp.db.models import AuditEntry, Staff
from deskapp.errors import NotFound, ValidationError
from deskapp.i18n import t
from deskapp.printing.pdf import Document
from deskapp.printing.printer import PrintOutcome, printer_for, send
from deskapp.services import audit

__all__ = ["KINDS", "Built", "DocumentKind", "Produced", "deliver", "documents_dir",
           "produce", "safe_name"]

AUDIT_ACTION = "document.print"


@dataclass(frozen=True)
class Built:
    """What a builder returns: the document and the number it is filed under."""

    number: str
    document: Document


@dataclass(frozen=True)
class DocumentKind:
    """One kind of paper. ``builder`` is ``"module:function"`` (imported when first
    printed, so start-up does not pay for reportlab); the function takes
    ``(session, *, by, ref)`` — ``ref`` a record id (int) or a number/filter (str) — and
    returns a :class:`Built`."""

    name: str
    label_key: str
    builder: str
    batch: bool = False  # ref is a filter (campaign, "arrears"): one PDF of many pages

    def build(self, session: Session, *, by: Staff, ref: int | str) -> Built:
        module, _, func = self.builder.partition(":")
        fn: Callable[..., Built] = getattr(importlib.import_module(module), func)
        return fn(session, by=by, ref=ref)


KINDS: dict[str, DocumentKind] = {k.name: k for k in (
    DocumentKind("receipt", "print.kind.receipt", "deskapp.printing.receipt:build_receipt"),
    DocumentKind("refund", "print.kind.refund", "deskapp.printing.receipt:build_refund"),
    DocumentKind("workorder", "print.kind.workorder",
                 "deskapp.printing.workorder:build_work_order"),
    DocumentKind("goods-pass", "print.kind.goods_pass",
                 "deskapp.printing.goods_pass:build_goods_pass"),
    DocumentKind("certificate", "print.kind.certificate",
                 "deskapp.printing.renovation_certificate:build_certificate"),
    DocumentKind("renovation-form", "print.kind.renovation_form",
                 "deskapp.printing.renovation_forms:build_application"),
    DocumentKind("renovation-agreement", "print.kind.renovation_agreement",
                 "deskapp.printing.renovation_forms:build_agreement"),
    DocumentKind("renovation-workers", "print.kind.renovation_workers",
                 "deskapp.printing.renovation_forms:build_worker_register"),
    DocumentKind("complaint", "print.kind.complaint",
                 "deskapp.printing.complaint_form:build_complaint_form"),
    DocumentKind("handover", "print.kind.handover",
                 "deskapp.printing.handover:build_handover"),
    DocumentKind("visitor-pass", "print.kind.visitor_pass",
                 "deskapp.printing.passes:build_visitor_pass"),
    DocumentKind("worker-passes", "print.kind.worker_passes",
                 "deskapp.printing.passes:build_worker_passes"),
    DocumentKind("statement", "print.kind.statement",
                 "deskapp.printing.notices:build_statement"),
    DocumentKind("survey-forms", "print.kind.survey_forms",
                 "deskapp.printing.questionnaire:build_questionnaires", batch=True),
    DocumentKind("survey-report", "print.kind.survey_report",
                 "deskapp.printing.survey_report:build_survey_report"),
    DocumentKind("monthly-report", "print.kind.monthly_report",
                 "deskapp.printing.monthly_report:build_monthly_report"),
    DocumentKind("arrears-notices", "print.kind.arrears_notices",
                 "deskapp.printing.notices:build_arrears_notices", batch=True),
    DocumentKind("movein", "print.kind.movein", "deskapp.printing.movein:build_movein"),
)}


@dataclass(frozen=True)
class Produced:
    """A saved, audited document ready to send."""

    kind: str
    number: str
    title: str
    path: Path
    page_size: str
    reprint: int  # 0 for the first print, 1 for the first reprint (补打) …
    copies: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return self.path.name


_UNSAFE = re.compile(r"[^\w\-.]+", re.UNICODE)


def safe_name(number: str) -> str:
    """A document number as a file name: letters (Chinese too), digits, ``-`` and ``.``."""
    cleaned = _UNSAFE.sub("-", number.strip()).strip("-.")
    return cleaned or "document"


def documents_dir(settings: Mapping[str, object] | None = None) -> Path:
    """The root of the documents folder (not created here)."""
    configured = (settings or {}).get("documents_dir") or os.environ.get("DESKAPP_DOCUMENTS_DIR")
    return Path(str(configured)).expanduser() if configured else data_dir() / "documents"


def _earlier_prints(session: Session, kind: str, number: str) -> int:
    rows = session.exec(select(AuditEntry.id).where(
        AuditEntry.action == AUDIT_ACTION, AuditEntry.entity == kind,
        AuditEntry.entity_id == number)).all()
    return len(rows)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def produce(session: Session, *, by: Staff, kind: str, ref: int | str,
            settings: Mapping[str, object] | None = None) -> Produced:
    """Build, save and audit one document of ``kind`` for ``ref`` (record id or number)."""
    if by is None or not getattr(by, "active", True):
        raise ValidationError("print.no_staff")
    spec = KINDS.get(kind)
    if spec is None:
        raise NotFound("print.unknown_kind", kind=kind, kinds="、".join(KINDS))
    built = spec.build(session, by=by, ref=ref)
    doc = built.document
    earlier = _earlier_prints(session, kind, built.number)
    if earlier:
        doc.mark = t("print.reprint")
    data = doc.render()
    month = clock.today().strftime("%Y-%m")
    base = safe_name(built.number)
    name = f"{base}.pdf" if not earlier else f"{base}-{t('print.reprint')}{earlier + 1}.pdf"
    path = documents_dir(settings) / kind / month / name
    _write(path, data)
    audit.record(session, by=by, action=AUDIT_ACTION, entity=kind, entity_id=built.number,
                 detail={"file": str(Path(kind) / month / name), "reprint": earlier,
                         "copies": [c for c in doc.copies if c]})
    return Produced(kind=kind, number=built.number, title=doc.title, path=path,
                    page_size=doc.page_size, reprint=earlier,
                    copies=tuple(c for c in doc.copies if c))


def deliver(produced: Produced, *, settings: Mapping[str, object] | None = None,
            printer: str | None = None, copies: int = 1) -> PrintOutcome:
    """Send a produced document to the desk's printer for its kind (or ``printer``)."""
    target = printer if printer is not None else printer_for(settings, produced.kind)
    return send(produced.path, printer=target,
                title=f"{produced.title} {produced.number}", page_size=produced.page_size,
                copies=copies)


def summary(produced: Produced, outcome: PrintOutcome | None) -> str:
    """One line for a toast or the CLI: the file name (never a path cut mid-word) and
    what happened at the printer."""
    saved = t("print.saved_as", name=produced.file_name, kind=t(KINDS[produced.kind].label_key))
    if produced.reprint:
        saved += t("print.reprint_note", n=produced.reprint + 1)
    if outcome is None or not outcome.printer:
        return saved
    return f"{saved}；{outcome.message}"


def resolve(session: Session, model: Any, ref: int | str, *, number_field: str = "number",
            not_found: str) -> Any:
    """A record of ``model`` by id (int or all digits) or by its number (str)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        found = session.get(model, int(ref))
    else:
        column = getattr(model, number_field)
        found = session.exec(select(model).where(column == str(ref).strip().upper())).first()
    if found is None:
        raise NotFound(not_found)
    return found
