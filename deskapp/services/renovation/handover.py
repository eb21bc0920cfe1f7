"""Renovation open items for the shift handover.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models.renovation import (
    PassStatus,
    RenovationFiling,
    RenovationPass,
    RenovationWorker,
)
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import hooks
from deskapp.services.renovation.rules import EXPIRING_DAYS, WORKING_STATES

# --------------------------------------------------------------------------------------
# Handover: passes out past expiry, permits ending within 7 days, permits run out
# --------------------------------------------------------------------------------------


def open_items(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    today = ctx.end.date() if ctx.end else clock.today()
    items: list[hooks.OpenItem] = []
    passes = session.exec(
        select(RenovationPass, RenovationWorker.name, RenovationFiling.unit_code,
               RenovationFiling.id)
        .join(RenovationWorker, RenovationWorker.id == RenovationPass.worker_id)
        .join(RenovationFiling, RenovationFiling.id == RenovationPass.filing_id)
        .where(RenovationPass.status == PassStatus.OUT, RenovationPass.valid_until < today)
        .order_by(RenovationPass.valid_until).limit(200)).all()
    for issued, name, unit_code, filing_id in passes:
        items.append(hooks.OpenItem(
            section="renovation.handover.section",
            label=t("renovation.handover.pass_overdue", number=issued.number, name=name,
                    unit=unit_code, until=issued.valid_until.isoformat()),
            ref=hooks.RecordRef("renovation", filing_id), overdue=True))
    filings = session.exec(
        select(RenovationFiling).where(
            RenovationFiling.status.in_(WORKING_STATES),
            RenovationFiling.permit_end < today + timedelta(days=EXPIRING_DAYS + 1))
        .order_by(RenovationFiling.permit_end).limit(200)).all()
    for filing in filings:
        overdue = filing.permit_end < today
        key = "renovation.handover.overdue" if overdue else "renovation.handover.expiring"
        items.append(hooks.OpenItem(
            section="renovation.handover.section",
            label=t(key, number=filing.number, unit=filing.unit_code, end=filing.permit_end,
                    phone=mask_phone(filing.lead_phone)),
            ref=hooks.RecordRef("renovation", filing.id or 0), overdue=overdue))
    return items
