"""The reception's record list sources: contacts (来电来访登记).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import select

from deskapp.db.models.reception import (
    Contact,
    ContactKind,
    ContactStatus,
)
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services.listing import FilterSpec, ListColumn, ListQuery, ListRow, SqlListSource
from deskapp.services.reception.common import channel_label, kind_label, staff_names, status_label

__all__ = [
    "CONTACT_SEARCH_COLUMNS",
    "ContactSource",
]


CONTACT_SEARCH_COLUMNS = ("content", "action_taken", "person_name", "unit_code", "phone", "note")


# --------------------------------------------------------------------------------------
# The contact list
# --------------------------------------------------------------------------------------


class ContactSource(SqlListSource):
    """Contacts newest first. Filters: date range, kind, status, staff, building; the
    search box covers content, action, name, room, phone and note (FTS5 trigram for
    three or more characters, LIKE for shorter terms)."""

    model = Contact
    order_by = (Contact.at.desc(), Contact.id.desc())  # type: ignore[attr-defined,union-attr]
    search_columns = CONTACT_SEARCH_COLUMNS
    fts_table = "contact_fts"

    def __init__(self, *, staff: Sequence[tuple[int, str]] = (),
                 buildings: Sequence[tuple[int, str]] = ()) -> None:
        self.columns = [
            ListColumn("at", "reception.col.at", 11, priority=0),
            ListColumn("channel", "reception.col.channel", 8, priority=6,
                       fits=("reception.channel.",)),
            ListColumn("kind", "reception.col.kind", 8, priority=3,
                       fits=("reception.kind.",)),
            ListColumn("unit", "reception.col.unit", 10, priority=0),
            ListColumn("name", "reception.col.name", 8, priority=4),
            ListColumn("phone", "reception.col.phone", 13, priority=7),
            ListColumn("content", "reception.col.content", 36, priority=2,
                       min_width=14),
            ListColumn("status", "reception.col.status", 6, priority=0,
                       fits=("reception.status.",)),
            ListColumn("staff", "reception.col.staff", 8, priority=0),
        ]
        self.filters = [
            FilterSpec("from", "reception.filter.from", "date_from"),
            FilterSpec("to", "reception.filter.to", "date_to"),
            FilterSpec("kind", "reception.filter.kind", "choice",
                       [(k.value, kind_label(k)) for k in ContactKind]),
            FilterSpec("status", "reception.filter.status", "choice",
                       [(s.value, status_label(s)) for s in ContactStatus]),
            FilterSpec("staff", "reception.filter.staff", "choice",
                       [(str(i), name) for i, name in staff]),
            FilterSpec("building", "reception.filter.building", "choice",
                       [(str(i), name) for i, name in buildings]),
        ]
        self.filter_columns = {
            "from": Contact.at, "to": Contact.at, "kind": Contact.kind,  # type: ignore[dict-item]
            "status": Contact.status, "staff": Contact.staff_id,  # type: ignore[dict-item]
            "building": Contact.building_id,  # type: ignore[dict-item]
            "unit": Contact.unit_id, "shift": Contact.shift_id,  # type: ignore[dict-item]
        }
        self._names: dict[int, str] = {}

    def filter_clause(self, key: str, value: object):  # type: ignore[no-untyped-def]
        if key in ("staff", "building", "unit", "shift"):
            try:
                return self.filter_columns[key] == int(str(value))
            except ValueError:
                return None
        return super().filter_clause(key, value)

    def select(self) -> Select[Any]:
        return select(Contact)

    def fetch(self, session: OrmSession, query: ListQuery, offset: int, limit: int, *,
              reverse: bool = False) -> list[ListRow]:
        self._names = staff_names(session)
        return super().fetch(session, query, offset, limit, reverse=reverse)

    def to_row(self, item: Contact) -> ListRow:
        text = item.content
        if item.action_taken:
            text = f"{text} → {item.action_taken}"
        status = status_label(item.status)
        if item.linked_kind:
            status = t("reception.status.linked")
        style = "warning" if item.status == ContactStatus.PENDING else ""
        return ListRow(item.id or 0, (
            item.at.strftime("%m-%d %H:%M"), channel_label(item.channel), kind_label(item.kind),
            item.unit_code, item.person_name, mask_phone(item.phone) if item.phone else "",
            text, status, self._names.get(item.staff_id, ""),
        ), style)
