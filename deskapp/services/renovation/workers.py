"""Renovation commands on workers and their temporary passes (施工出入证).
"""

from __future__ import annotations

from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.renovation import (
    PassStatus,
    RenovationPass,
    RenovationStatus,
    RenovationWorker,
)
from deskapp.errors import Conflict, NotFound, ValidationError
from deskapp.services import numbering
from deskapp.services.renovation.queries import _locked, active_workers
from deskapp.services.renovation.rules import (
    ACTIVE_STATES,
    DESK,
    WORKER_PASS_PREFIX,
    WORKING_STATES,
    _audit,
    _require_state,
    _text,
)
from deskapp.services.staff import require_role
from deskapp.validators import phone as any_phone
from deskapp.validators import resident_id

__all__ = [
    "add_worker",
    "issue_pass",
    "remove_worker",
    "return_pass",
]


# --------------------------------------------------------------------------------------
# Workers and passes
# --------------------------------------------------------------------------------------


def add_worker(session: Session, *, by: Staff, filing_id: int, name: str, id_number: str,
               phone: str = "", id_copy_received: bool = False,
               photo_received: bool = False) -> RenovationWorker:
    """Put a worker on the roster (ID number validated; one roster entry per ID)."""
    require_role(by, *DESK)
    filing = _locked(session, filing_id)
    _require_state(filing, "add_worker", RenovationStatus.DRAFT, RenovationStatus.SUBMITTED,
                   RenovationStatus.REVIEWED, *ACTIVE_STATES)
    clean_name = _text(name, "worker_name")
    clean_id = resident_id(id_number, field="worker_id_number")
    clean_phone = any_phone(phone, field="worker_phone") if phone.strip() else ""
    if any(w.id_number == clean_id for w in active_workers(session, filing_id)):
        raise ValidationError("renovation.worker.duplicate", field="worker_id_number")
    worker = RenovationWorker(filing_id=filing_id, name=clean_name, id_number=clean_id,
                              phone=clean_phone, id_copy_received=id_copy_received,
                              photo_received=photo_received, added_at=clock.now(),
                              added_by=by.id)
    session.add(worker)
    session.flush()
    _audit(session, by, "worker.add", filing, worker=worker.id, name=clean_name)
    return worker


def set_worker_documents(session: Session, *, by: Staff, worker_id: int,
                         id_copy_received: bool, photo_received: bool) -> RenovationWorker:
    require_role(by, *DESK)
    worker = session.get(RenovationWorker, worker_id)
    if worker is None or worker.removed_at is not None:
        raise NotFound("renovation.worker.not_found")
    filing = _locked(session, worker.filing_id)
    _require_state(filing, "documents", RenovationStatus.DRAFT, RenovationStatus.SUBMITTED,
                   RenovationStatus.REVIEWED, *ACTIVE_STATES, RenovationStatus.INSPECTED)
    worker.id_copy_received = id_copy_received
    worker.photo_received = photo_received
    session.add(worker)
    _audit(session, by, "worker.documents", filing, worker=worker.id,
           id_copy=id_copy_received, photo=photo_received)
    return worker


def remove_worker(session: Session, *, by: Staff, worker_id: int) -> RenovationWorker:
    """A worker leaves the roster (kept for the record); refused while their pass is out."""
    require_role(by, *DESK)
    worker = session.get(RenovationWorker, worker_id)
    if worker is None or worker.removed_at is not None:
        raise NotFound("renovation.worker.not_found")
    filing = _locked(session, worker.filing_id)
    _require_state(filing, "remove_worker", RenovationStatus.DRAFT, RenovationStatus.SUBMITTED,
                   RenovationStatus.REVIEWED, *ACTIVE_STATES)
    out = session.exec(select(RenovationPass).where(RenovationPass.worker_id == worker.id,
                                                    RenovationPass.status == PassStatus.OUT)).first()
    if out is not None:
        raise Conflict("renovation.worker.pass_out", number=out.number)
    worker.removed_at = clock.now()
    worker.removed_by = by.id
    session.add(worker)
    _audit(session, by, "worker.remove", filing, worker=worker.id)
    return worker


def issue_pass(session: Session, *, by: Staff, worker_id: int) -> RenovationPass:
    """A temporary pass for a worker on an approved permit, valid until the permit end."""
    require_role(by, *DESK)
    worker = session.get(RenovationWorker, worker_id)
    if worker is None or worker.removed_at is not None:
        raise NotFound("renovation.worker.not_found")
    filing = _locked(session, worker.filing_id)
    _require_state(filing, "issue_pass", *WORKING_STATES)
    today = clock.today()
    if filing.permit_end < today:
        raise Conflict("renovation.pass.permit_expired", end=filing.permit_end.isoformat())
    if not (worker.id_copy_received and worker.photo_received):
        raise Conflict("renovation.pass.documents_missing", name=worker.name)
    out = session.exec(select(RenovationPass).where(RenovationPass.worker_id == worker.id,
                                                    RenovationPass.status == PassStatus.OUT)).first()
    if out is not None:
        raise Conflict("renovation.pass.already_out", name=worker.name, number=out.number)
    n = numbering.next_value(session, "renovation-pass")
    issued = RenovationPass(number=f"{WORKER_PASS_PREFIX}{n:06d}", filing_id=filing.id,
                            worker_id=worker.id, issued_at=clock.now(), issued_by=by.id,
                            valid_until=filing.permit_end)
    session.add(issued)
    session.flush()
    _audit(session, by, "pass.issue", filing, pass_number=issued.number, worker=worker.name,
           valid_until=issued.valid_until)
    return issued


def return_pass(session: Session, *, by: Staff, pass_id: int) -> RenovationPass:
    require_role(by, *DESK)
    issued = session.get(RenovationPass, pass_id)
    if issued is None:
        raise NotFound("renovation.pass.not_found")
    if issued.status != PassStatus.OUT:
        raise Conflict("renovation.pass.not_out", number=issued.number)
    filing = _locked(session, issued.filing_id)
    issued.status = PassStatus.RETURNED
    issued.returned_at = clock.now()
    issued.returned_by = by.id
    session.add(issued)
    _audit(session, by, "pass.return", filing, pass_number=issued.number)
    return issued
