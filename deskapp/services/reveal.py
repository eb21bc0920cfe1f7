"""The "reveal" of a full ID number or phone (查看完整信息).

Lists, reports, exports and the audit log show personal data masked
(``110101********1234``, ``138****5678``). When a desk really needs the full value — to
call an owner back, to check an ID against a card — :func:`reveal` returns it, once, after
the staff member has given a reason, and writes an audit entry saying who looked at which
field of which record and why (never the value itself).

Revealable are the personal-data columns of every table, found by name: ``phone``,
``phone2``, ``id_number`` and any ``<something>_phone`` / ``<something>_id_number`` —
so a new area's ``visitor_phone`` is revealable without registering anything. A screen
opens :class:`deskapp.tui.widgets.reveal.RevealModal` with the table name, the record id
and the column.
"""

from __future__ import annotations

import re

from sqlalchemy import Table, select
from sqlmodel import Session, SQLModel

from deskapp.db.models import Role, Staff
from deskapp.errors import NotFound, ValidationError
from deskapp.services import audit
from deskapp.services.staff import require_role

__all__ = [
    "ACTION",
    "REASON_MAX",
    "REASON_MIN",
    "clean_reason",
    "is_revealable",
    "reveal",
    "revealable_columns",
]

ACTION = "personal.reveal"
REASON_MIN = 2
REASON_MAX = 200
_PERSONAL = re.compile(r"^(?:[a-z0-9_]+_)?(?:phone2?|id_number)$")
_NOT_PERSONAL = frozenset({"phone_tail", "service_phone"})  # a tail; the company's own line


def _table(name: str) -> Table | None:
    import deskapp.db.models  # noqa: F401  (registers every table)

    return SQLModel.metadata.tables.get(name)


def revealable_columns(table: str) -> list[str]:
    """The personal-data columns of ``table`` (empty for an unknown table)."""
    found = _table(table)
    if found is None:
        return []
    return [c.name for c in found.columns
            if _PERSONAL.match(c.name) and c.name not in _NOT_PERSONAL]


def is_revealable(table: str, column: str) -> bool:
    return column in revealable_columns(table)


def clean_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if len(text) < REASON_MIN:
        raise ValidationError("ops.reveal.reason_required", field="reason", n=REASON_MIN)
    if len(text) > REASON_MAX:
        raise ValidationError("ops.reveal.reason_long", field="reason", n=REASON_MAX)
    return text


def reveal(session: Session, *, by: Staff, table: str, record_id: int, column: str,
           reason: str) -> str:
    """The full value of ``table.column`` for the record ``record_id``, audited with the
    reason. Refused (nothing written): no reason, an unknown table or a column that is not
    personal data, a record that does not exist, an empty value."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    text = clean_reason(reason)
    found = _table(table)
    if found is None or not is_revealable(table, column) or "id" not in found.c:
        raise ValidationError("ops.reveal.not_personal", field="column", column=column)
    value = session.execute(
        select(found.c[column]).where(found.c["id"] == record_id)
    ).first()
    if value is None:
        raise NotFound("ops.reveal.no_record")
    full = str(value[0] or "").strip()
    if not full:
        raise NotFound("ops.reveal.empty")
    audit.record(session, by=by, action=ACTION, entity=table, entity_id=record_id,
                 detail={"field": column, "reason": text})
    return full
