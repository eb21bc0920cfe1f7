"""Complaint categories and their deadlines (hours to first response and to close)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskapp.db.models import Role, Staff
from deskapp.db.models.complaints import ComplaintCategory
from deskapp.errors import Conflict, ValidationError
from deskapp.services import audit
from deskapp.services.complaints.labels import _text, add_hours
from deskapp.services.staff import require_role

log = logging.getLogger("deskapp.complaints")


# --------------------------------------------------------------------------------------
# Categories and deadlines
# --------------------------------------------------------------------------------------


def categories(session: Session, *, active_only: bool = True) -> list[ComplaintCategory]:
    query = select(ComplaintCategory)
    if active_only:
        query = query.where(col(ComplaintCategory.active) == True)  # noqa: E712
    return list(session.execute(query.order_by(col(ComplaintCategory.sort),
                                               col(ComplaintCategory.id))).scalars().all())


def _category(session: Session, code: str, *, field: str = "category") -> ComplaintCategory:
    found = session.execute(
        select(ComplaintCategory).where(col(ComplaintCategory.code) == (code or "").strip())
    ).scalars().first()
    if found is None or not found.active:
        raise ValidationError("complaints.category.unknown", field=field)
    return found


def _hours(settings: Mapping[str, object] | None, key: str, default: int) -> float:
    value = (settings or {}).get(key)
    if value is None:
        return float(default)
    try:
        hours = float(str(value))
    except ValueError:
        log.warning("settings %s=%r is not a number of hours; using %s", key, value, default)
        return float(default)
    return hours if hours > 0 else float(default)


def deadlines_for(session: Session, *, category_code: str, received_at: datetime,
                  settings: Mapping[str, object] | None = None) -> tuple[datetime, datetime]:
    """(first response due, close due) for a complaint of ``category_code`` received at
    ``received_at``."""
    cat = _category(session, category_code)
    first = _hours(settings, f"complaints.first_response_hours.{cat.code}",
                   cat.first_response_hours)
    close = _hours(settings, f"complaints.close_hours.{cat.code}", cat.close_hours)
    return add_hours(received_at, first), add_hours(received_at, max(close, first))


def add_category(session: Session, *, by: Staff, code: str, name: str,
                 first_response_hours: int, close_hours: int) -> ComplaintCategory:
    """A site's own category (the list is extendable). Supervisor only."""
    require_role(by, Role.SUPERVISOR)
    code = (code or "").strip().lower()
    if not code or not code.isascii() or not code.replace("_", "").isalnum():
        raise ValidationError("complaints.category.code_invalid", field="code")
    name = _text(name, field="category_name", max_len=40, required=True, multiline=False)
    if first_response_hours <= 0 or close_hours < first_response_hours:
        raise ValidationError("complaints.category.hours_invalid", field="close_hours")
    if session.execute(select(col(ComplaintCategory.id))
                       .where(col(ComplaintCategory.code) == code)).first() is not None:
        raise Conflict("complaints.category.exists", code=code)
    sort = session.execute(
        select(func.coalesce(func.max(col(ComplaintCategory.sort)), 0))).scalar_one()
    cat = ComplaintCategory(code=code, name=name, first_response_hours=first_response_hours,
                            close_hours=close_hours, active=True, sort=int(sort) + 1)
    session.add(cat)
    session.flush()
    audit.record(session, by=by, action="complaint.category.add", entity="complaint_category",
                 entity_id=cat.id, detail={"code": code, "name": name,
                                           "first_response_hours": first_response_hours,
                                           "close_hours": close_hours})
    return cat


def set_category_hours(session: Session, *, by: Staff, code: str, first_response_hours: int,
                       close_hours: int) -> ComplaintCategory:
    """Change a category's deadlines (applies to complaints registered from now on)."""
    require_role(by, Role.SUPERVISOR)
    cat = _category(session, code, field="code")
    if first_response_hours <= 0 or close_hours < first_response_hours:
        raise ValidationError("complaints.category.hours_invalid", field="close_hours")
    old = (cat.first_response_hours, cat.close_hours)
    cat.first_response_hours, cat.close_hours = first_response_hours, close_hours
    session.add(cat)
    audit.record(session, by=by, action="complaint.category.hours", entity="complaint_category",
                 entity_id=cat.id, detail={"code": cat.code, "old": list(old),
                                           "new": [first_response_hours, close_hours]})
    return cat
