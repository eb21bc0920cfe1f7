"""Reception open items for the shift handover: pending contacts.
"""

from __future__ import annotations

from sqlmodel import Session, select

from deskapp.db.models.reception import (
    Contact,
    ContactStatus,
)
from deskapp.i18n import t
from deskapp.services import hooks
from deskapp.services.reception.common import kind_label

# --------------------------------------------------------------------------------------
# Handover: pending contacts stay open
# --------------------------------------------------------------------------------------

OPEN_ITEMS_LIMIT = 100


def pending_contacts(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    rows = session.exec(
        select(Contact).where(Contact.status == ContactStatus.PENDING)
        .order_by(Contact.at.desc()).limit(OPEN_ITEMS_LIMIT)  # type: ignore[attr-defined]
    ).all()
    items = []
    for c in rows:
        who = " ".join(x for x in (c.unit_code, c.person_name) if x)
        label = t("reception.handover.contact_item", at=c.at.strftime("%m-%d %H:%M"),
                  kind=kind_label(c.kind), who=who, content=c.content[:40])
        items.append(hooks.OpenItem("reception.section.contacts", label,
                                    hooks.RecordRef("contact", c.id or 0), c.at))
    return items
