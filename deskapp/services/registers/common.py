"""What the six front-desk registers share: input clean-up with field-level errors, due
times typed the way the desk says them, voiding, and role checks.

No Textual here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Role, Staff, Unit
from deskapp.errors import InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.services import audit
from deskapp.services.staff import require_role
from deskapp.validators import optional_text, resident_id
from deskapp.validators import phone as any_phone

DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)
"""Who keeps the registers: every desk role (a supervisor passes every check)."""

OVERDUE_VISIT_HOURS = 12
"""A visitor still "inside" after this long is shown as overdue (forgot to sign out?)."""

PARCEL_OVERDUE_DAYS = 3
"""A parcel waiting longer than this is shown as overdue."""

DEFAULT_LOST_HOLD_DAYS = 90
"""Lost property is held this long before it may be disposed of (settings key
``registers.lost_hold_days``)."""


def desk(by: Staff | None) -> Staff:
    return require_role(by, *DESK_ROLES)


def text(value: str | None, *, field: str, label_key: str, max_len: int = 50,
         required: bool = False, multiline: bool = False) -> str:
    """Trimmed text; a clear message at ``field`` when missing, too long or holding
    control characters."""
    label = t(label_key)
    try:
        cleaned = optional_text(value or "", label, max_len, multiline=multiline)
    except ValidationError as err:
        raise ValidationError(err.key, field=field, **err.params) from None
    if required and not cleaned:
        raise ValidationError("validate.text.required", field=field, label=label)
    return cleaned or ""


def phone(value: str | None, *, field: str, required: bool = False) -> str:
    """A mobile or landline number, normalised; empty allowed unless ``required``."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError("validate.phone.empty", field=field)
        return ""
    return any_phone(value, field=field)


def id_number(value: str | None, *, field: str) -> str | None:
    value = (value or "").strip()
    return resident_id(value, field=field) if value else None


_PLATE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$|^[A-Z0-9]{5,8}$|^[\u4e00-\u9fff][A-Z][A-Z0-9]{4}[挂学警领]$")


def plate(value: str | None, *, field: str = "plate") -> str:
    """A vehicle plate, normalised: ``豫c 12345`` → ``豫C12345``. Accepts ordinary and new
    energy plates (豫C12345, 豫CD12345), trailer/coach plates (…挂, …学) and plain
    alphanumeric ones; empty allowed."""
    raw = re.sub(r"[\s·\-]", "", unicodedata.normalize("NFKC", value or "")).upper()
    if not raw:
        return ""
    if not _PLATE.match(raw):
        raise ValidationError("registers.plate.invalid", field=field)
    return raw


def quantity(value: object, *, field: str, max_value: int = 9999) -> int:
    """A whole number ≥ 1 typed by the user (full-width digits accepted)."""
    raw = unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""
    if not raw:
        raise ValidationError("registers.qty.empty", field=field)
    if not raw.isascii() or not raw.lstrip("-").isdigit():
        raise ValidationError("registers.qty.invalid", field=field)
    number = int(raw)
    if number < 1:
        raise ValidationError("registers.qty.positive", field=field)
    if number > max_value:
        raise ValidationError("registers.qty.too_large", field=field, max=max_value)
    return number


_HOURS = re.compile(r"^(\d{1,3})\s*(?:h|小时|时)$")
_DAYS = re.compile(r"^(\d{1,3})\s*(?:d|天|日)$")
_CLOCK = re.compile(r"^(\d{1,2})[:：](\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2})[:：](\d{2}))?$")
_FULL = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2})[:：](\d{2}))?$")


def due_time(value: str | None, *, field: str, now: datetime | None = None,
             default_hours: int | None = None, end_of_day: time = time(18, 0)) -> datetime | None:
    """When something is due back, as the desk types it.

    ``""`` → ``now + default_hours`` (or ``None`` without a default); ``2h`` / ``2小时`` →
    in two hours; ``3d`` / ``3天`` → in three days at the same time; ``17:30`` → today (or
    tomorrow when that time has passed); ``12-05`` / ``12-05 17:30`` → that day this year
    (next year if already past), 18:00 without a time; ``2026-12-05 17:30``. A time in the
    past is refused.
    """
    now = now or clock.now()
    raw = unicodedata.normalize("NFKC", value or "").strip().lower()
    if not raw:
        return now + timedelta(hours=default_hours) if default_hours else None
    result: datetime | None = None
    try:
        if m := _HOURS.match(raw):
            result = now + timedelta(hours=int(m[1]))
        elif m := _DAYS.match(raw):
            result = now + timedelta(days=int(m[1]))
        elif m := _CLOCK.match(raw):
            result = datetime.combine(now.date(), time(int(m[1]), int(m[2])))
            if result <= now:
                result += timedelta(days=1)
        elif m := _MONTH_DAY.match(raw):
            at = time(int(m[3]), int(m[4])) if m[3] else end_of_day
            result = datetime.combine(date(now.year, int(m[1]), int(m[2])), at)
            if result <= now:
                result = result.replace(year=now.year + 1)
        elif m := _FULL.match(raw):
            at = time(int(m[4]), int(m[5])) if m[4] else end_of_day
            result = datetime.combine(date(int(m[1]), int(m[2]), int(m[3])), at)
    except ValueError:
        result = None
    if result is None:
        raise ValidationError("registers.due.invalid", field=field)
    if clock.earlier_than(result, now):
        raise ValidationError("registers.due.past", field=field)
    return result


def day(value: str | date | None, *, field: str, default: date | None = None) -> date:
    """A date typed as ``YYYY-MM-DD`` or ``MM-DD`` (this year); empty → ``default``."""
    if isinstance(value, date):
        return value
    raw = unicodedata.normalize("NFKC", value or "").strip()
    if not raw:
        if default is None:
            raise ValidationError("registers.date.invalid", field=field)
        return default
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})-(\d{1,2})", raw):
            return date(clock.today().year, int(m[1]), int(m[2]))
    except ValueError:
        pass
    raise ValidationError("registers.date.invalid", field=field)


def unit_or_none(session: Session, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    return unit


def get(session: Session, model: type[Any], record_id: int, *, missing: str) -> Any:
    """The record, locked for update on PostgreSQL (SQLite's write transaction already
    holds the write lock)."""
    # FOR UPDATE only where it means something: on SQLite it would only force a SELECT
    # past the identity map (issue #17)
    lock = session.get_bind().dialect.name == "postgresql"
    obj = session.get(model, record_id, with_for_update=lock or None)
    if obj is None:
        raise NotFound(missing)
    return obj


def void(session: Session, obj: Any, *, by: Staff, reason: str, entity: str,
         open_states: tuple[Any, ...], void_state: Any, label: str = "") -> Any:
    """Void an open record entered by mistake: it leaves the open lists but stays in the
    history with who, when and why. A closed record cannot be voided."""
    desk(by)
    reason = text(reason, field="reason", label_key="registers.field.void_reason",
                  max_len=200, required=True)
    if obj.status not in open_states:
        raise InvalidTransition("registers.void.not_open",
                                status=t(f"registers.status.{obj.status.value}"))
    previous = obj.status
    obj.status = void_state
    obj.voided_at = clock.now()
    obj.voided_by_id = by.id
    obj.void_reason = reason
    session.add(obj)
    session.flush()
    audit.record(session, by=by, action=f"{entity}.void", entity=entity, entity_id=obj.id,
                 detail={"reason": reason, "was": previous.value, "label": label})
    return obj


def fmt_time(at: datetime | None) -> str:
    return at.strftime("%m-%d %H:%M") if at else ""
