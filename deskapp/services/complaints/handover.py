"""The complaints' handover items: complaints still open."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models.complaints import Complaint
from deskapp.i18n import t
from deskapp.services import hooks
from deskapp.services.complaints.labels import OPEN_ITEMS_LIMIT, escalation_label
from deskapp.services.complaints.overdue import is_overdue, overdue_clause
from deskapp.services.complaints.queries import _names, next_step_label

# --------------------------------------------------------------------------------------
# Handover
# --------------------------------------------------------------------------------------


def open_complaints(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    """Every complaint not yet archived, overdue ones first, with its next step and owner."""
    now = min(clock.now(), ctx.end) if ctx.end else clock.now()
    names = _names(session)
    overdue = case((overdue_clause(now), 0), else_=1)
    rows = session.execute(
        select(Complaint).where(col(Complaint.closed_at).is_(None))
        .order_by(overdue, col(Complaint.close_due), col(Complaint.id)).limit(OPEN_ITEMS_LIMIT)
    ).scalars().all()
    items = []
    for c in rows:
        who = c.unit_code or c.complainant_name
        label = t("complaints.handover.item", number=c.number, who=who,
                  step=next_step_label(c), owner=names.get(c.owner_id, ""),
                  due=c.close_due.strftime("%m-%d %H:%M"))
        if c.escalated_to is not None:
            label += f" [{escalation_label(c.escalated_to)}]"
        items.append(hooks.OpenItem(section="complaints.handover.section", label=label,
                                    ref=hooks.RecordRef("complaint", c.id),
                                    since=c.received_at, overdue=is_overdue(c, now)))
    return items
