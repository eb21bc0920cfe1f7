"""Renovation read side: one filing, its workers, passes, documents, extensions, inspections,
the checklist still missing, the view counts and the detail view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Building, Occupant, OccupantKind, Staff, Unit
from deskapp.db.models.renovation import (
    PassStatus,
    RenovationDocument,
    RenovationExtension,
    RenovationFiling,
    RenovationInspection,
    RenovationPass,
    RenovationPassMark,
    RenovationWorker,
)
from deskapp.errors import NotFound
from deskapp.i18n import t
from deskapp.services.renovation.rules import (
    EXPIRING_DAYS,
    WORKING_STATES,
    MissingItem,
    filing_documents,
)

__all__ = [
    "deposit_held_total",
    "get_filing",
    "missing_items",
    "outstanding_passes",
    "view_counts",
]


def missing_items(session: Session, filing: RenovationFiling) -> list[MissingItem]:
    """Everything of the document set not yet collected, in checklist order."""
    received = set(session.exec(select(RenovationDocument.code).where(
        RenovationDocument.filing_id == filing.id)).all())
    missing = [MissingItem(code, t(f"renovation.doc.{code}"))
               for code in filing_documents(filing) if code not in received]
    workers = active_workers(session, filing.id or 0)
    if not workers:
        missing.append(MissingItem("workers", t("renovation.missing.workers")))
    for worker in workers:
        if not worker.id_copy_received:
            missing.append(MissingItem("worker_id", t("renovation.missing.worker_id",
                                                      name=worker.name)))
        if not worker.photo_received:
            missing.append(MissingItem("worker_photo", t("renovation.missing.worker_photo",
                                                         name=worker.name)))
    if not filing.applicant_is_owner and filing.owner_confirmed_at is None:
        missing.append(MissingItem("owner_confirmed", t("renovation.missing.owner_confirmed")))
    return missing


# --------------------------------------------------------------------------------------
# Look-ups
# --------------------------------------------------------------------------------------


def get_filing(session: Session, filing_id: int) -> RenovationFiling:
    filing = session.get(RenovationFiling, filing_id)
    if filing is None:
        raise NotFound("renovation.not_found")
    return filing


def _locked(session: Session, filing_id: int) -> RenovationFiling:
    """The filing, re-read inside the write transaction (FOR UPDATE on PostgreSQL)."""
    filing = session.exec(select(RenovationFiling).where(RenovationFiling.id == filing_id)
                          .with_for_update()).first()
    if filing is None:
        raise NotFound("renovation.not_found")
    return filing


def active_workers(session: Session, filing_id: int) -> list[RenovationWorker]:
    return list(session.exec(select(RenovationWorker).where(
        RenovationWorker.filing_id == filing_id,
        RenovationWorker.removed_at.is_(None)).order_by(RenovationWorker.id)).all())


def outstanding_passes(session: Session, filing_id: int) -> list[RenovationPass]:
    return list(session.exec(select(RenovationPass).where(
        RenovationPass.filing_id == filing_id, RenovationPass.status == PassStatus.OUT)
        .order_by(RenovationPass.id)).all())


def received_documents(session: Session, filing_id: int) -> dict[str, RenovationDocument]:
    rows = session.exec(select(RenovationDocument).where(
        RenovationDocument.filing_id == filing_id)).all()
    return {row.code: row for row in rows}


def pass_marks(session: Session, pass_ids: Sequence[int]) -> dict[int, list[date]]:
    """For each pass, the dates it was marked "延期至 …" with, oldest first."""
    if not pass_ids:
        return {}
    rows = session.exec(
        select(RenovationPassMark.pass_id, RenovationExtension.new_end)
        .join(RenovationExtension, RenovationExtension.id == RenovationPassMark.extension_id)
        .where(RenovationPassMark.pass_id.in_(list(pass_ids)))
        .order_by(RenovationExtension.seq)).all()
    marks: dict[int, list[date]] = {}
    for pass_id, new_end in rows:
        marks.setdefault(pass_id, []).append(new_end)
    return marks


def extensions(session: Session, filing_id: int) -> list[RenovationExtension]:
    return list(session.exec(select(RenovationExtension).where(
        RenovationExtension.filing_id == filing_id).order_by(RenovationExtension.seq)).all())


def inspections(session: Session, filing_id: int) -> list[RenovationInspection]:
    return list(session.exec(select(RenovationInspection).where(
        RenovationInspection.filing_id == filing_id).order_by(RenovationInspection.id)).all())


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


def deposit_held_total(session: Session) -> tuple[int, int]:
    """``(filings, fen)`` of deposits collected and not yet refunded."""
    count, total = session.exec(select(func.count(), func.coalesce(func.sum(
        RenovationFiling.deposit_fen), 0)).where(
        RenovationFiling.deposit_paid_at.is_not(None),
        RenovationFiling.deposit_refunded_at.is_(None))).one()
    return int(count), int(total)


def view_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    """How many permits end within 7 days and how many have run out while still open."""
    today = today or clock.today()
    F = RenovationFiling
    working = F.status.in_(WORKING_STATES)
    expiring, overdue = session.exec(select(
        func.coalesce(func.sum(case((and_(working, F.permit_end >= today, F.permit_end <=
                                          today + timedelta(days=EXPIRING_DAYS)), 1),
                                    else_=0)), 0),
        func.coalesce(func.sum(case((and_(working, F.permit_end < today), 1), else_=0)), 0),
    ).where(working)).one()
    return {"expiring": int(expiring), "overdue": int(overdue)}


# --------------------------------------------------------------------------------------
# Detail for the screen
# --------------------------------------------------------------------------------------


@dataclass
class FilingDetail:
    filing: RenovationFiling
    building: str
    floor: int
    required: list[str]
    received: dict[str, RenovationDocument]
    missing: list[MissingItem]
    workers: list[RenovationWorker]
    passes: list[RenovationPass]
    marks: dict[int, list[date]]
    extensions: list[RenovationExtension]
    inspections: list[RenovationInspection]
    staff_names: dict[int, str]


def filing_detail(session: Session, filing_id: int) -> FilingDetail:
    filing = get_filing(session, filing_id)
    unit = session.get(Unit, filing.unit_id)
    building = session.get(Building, unit.building_id) if unit else None
    passes = list(session.exec(select(RenovationPass).where(
        RenovationPass.filing_id == filing_id).order_by(RenovationPass.id)).all())
    workers = list(session.exec(select(RenovationWorker).where(
        RenovationWorker.filing_id == filing_id).order_by(RenovationWorker.id)).all())
    names = {s.id: s.name for s in session.exec(select(Staff)).all() if s.id is not None}
    return FilingDetail(
        filing=filing, building=building.name if building else "",
        floor=unit.floor if unit else 0, required=filing_documents(filing),
        received=received_documents(session, filing_id), missing=missing_items(session, filing),
        workers=workers, passes=passes, marks=pass_marks(session, [p.id for p in passes if p.id]),
        extensions=extensions(session, filing_id), inspections=inspections(session, filing_id),
        staff_names=names)


def prefill_owner(session: Session, unit_id: int) -> Occupant | None:
    """The unit's owner from the customer file, to fill the form."""
    return session.exec(select(Occupant).where(
        Occupant.unit_id == unit_id, Occupant.active == True,  # noqa: E712
        Occupant.kind == OccupantKind.OWNER).order_by(Occupant.id)).first()
