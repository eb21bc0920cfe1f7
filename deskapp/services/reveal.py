"""The "reveal" of a full ID number or phone (查看完整信息).

Lists, reports, exports and the audit log show personal data masked
(``110101********1234``, ``138****5678``). When a desk really needs the full value — to
call an owner back, to check an ID against a card — :func:`reveal` returns it, once, after
the staff member has given a reason, and writes an audit entry saying who looked at which
field of which record and why (never the value itself).

Revealable are the personal-data columns of every table, found by name: ``phone``,
``phone2``, ``id_number`` and any ``<something>_phone`` / ``<something>_id_number`` —
so a new area's ``visitor_phone`` is revealable without registering anything.

Free text is revealable too — a contact's content, a work order's description, notes —
but only where it matters: a text column of a business table is revealable for a record
when its stored value holds an ID number or a mobile (what :func:`deskapp.masking.mask_text`
masks on screen). The staff and audit tables and any column named like a password, hash,
token, secret or salt never are.

A screen opens :class:`deskapp.tui.widgets.reveal.RevealModal` with the table name, the
record id and the column (detail screens through ``RevealMixin``).
"""

from __future__ import annotations

import re

from sqlalchemy import Enum, String, Table, select
from sqlmodel import Session, SQLModel
from sqlmodel.sql.sqltypes import AutoString

from deskapp.db.models import Role, Staff
from deskapp.errors import NotFound, ValidationError
from deskapp.masking import mask_text
from deskapp.services import audit
from deskapp.services.staff import require_role

__all__ = [
    "ACTION",
    "REASON_MAX",
    "REASON_MIN",
    "clean_reason",
    "is_free_text",
    "is_revealable",
    "reveal",
    "revealable_columns",
]

ACTION = "personal.reveal"
REASON_MIN = 2
REASON_MAX = 200
_PERSONAL = re.compile(r"^(?:[a-z0-9_]+_)?(?:phone2?|id_number)$")
_NOT_PERSONAL = frozenset({"phone_tail", "service_phone"})  # a tail; the company's own line
_NEVER_TABLES = frozenset({"staff", "audit_entry"})
_SECRET = re.compile(r"password|passwd|hash|token|secret|salt", re.IGNORECASE)


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


def is_free_text(table: str, column: str) -> bool:
    """A text column that may be revealed for a record whose value holds an ID number or
    a mobile (see the module text)."""
    found = _table(table)
    if found is None or table in _NEVER_TABLES or column not in found.c or "id" not in found.c:
        return False
    if column in _NOT_PERSONAL or column == "id" or _SECRET.search(column):
        return False
    kind = found.c[column].type
    return isinstance(kind, (String, AutoString)) and not isinstance(kind, Enum)


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
    personal data (a free-text column whose value holds no ID number or mobile is not), a
    record that does not exist, an empty value."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    text = clean_reason(reason)
    found = _table(table)
    personal = is_revealable(table, column) and table not in _NEVER_TABLES
    if found is None or "id" not in found.c or not (personal or is_free_text(table, column)):
        raise ValidationError("ops.reveal.not_personal", field="column", column=column)
    value = session.execute(
        select(found.c[column]).where(found.c["id"] == record_id)
    ).first()
    if value is None:
        raise NotFound("ops.reveal.no_record")
    full = str(value[0] or "").strip()
    if not personal and mask_text(full) == full:
        raise ValidationError("ops.reveal.not_personal", field="column", column=column)
    if not full:
        raise NotFound("ops.reveal.empty")
    audit.record(session, by=by, action=ACTION, entity=table, entity_id=record_id,
                 detail={"field": column, "reason": text})
    return full
