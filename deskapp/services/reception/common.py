"""Input helpers and labels shared by the reception services (contacts, work orders, shifts):
text, phone and time checks, staff names, the contact labels.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session as OrmSession

from deskapp import clock, validators
from deskapp.db.models import Role
from deskapp.db.models.reception import (
    ContactChannel,
    ContactKind,
    ContactStatus,
)
from deskapp.errors import ValidationError
from deskapp.i18n import t

__all__ = [
    "clean_text",
    "parse_time",
    "staff_names",
]


#: How far in the future a typed time may lie (clock drift between desks).
FUTURE_GRACE = timedelta(minutes=5)


DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)


# --------------------------------------------------------------------------------------
# Input helpers shared by the reception services
# --------------------------------------------------------------------------------------


def clean_text(value: str | None, *, field: str, label_key: str, max_len: int,
               required: bool = False, multiline: bool = True) -> str:
    """Trim and check free text with :mod:`deskapp.validators`; the error names ``field``
    (the form field) and the translated label."""
    try:
        if required:
            return validators.required_text(value or "", t(label_key), max_len,
                                            multiline=multiline)
        return validators.optional_text(value or "", t(label_key), max_len,
                                        multiline=multiline) or ""
    except ValidationError as err:
        raise ValidationError(err.key, field=field, **err.params) from None


def clean_phone(value: str | None, *, field: str = "phone") -> str:
    text = (value or "").strip()
    return validators.phone(text, field=field) if text else ""


def check_time(at: datetime | None, *, field: str, not_before: datetime | None = None,
               before_key: str = "reception.time.before") -> datetime:
    """``at`` (default now), never in the future and never before ``not_before`` — compared
    to the minute (:func:`deskapp.clock.earlier_than`). A time in the same minute as
    ``not_before`` but before its seconds is stored as ``not_before``, so the record's
    steps never run backwards."""
    now = clock.now()
    value = (at or now).replace(microsecond=0)
    if value > now + FUTURE_GRACE:
        raise ValidationError("reception.time.future", field=field)
    if not_before is not None:
        if clock.earlier_than(value, not_before):
            raise ValidationError(before_key, field=field,
                                  at=not_before.strftime("%Y-%m-%d %H:%M"))
        value = max(value, not_before.replace(microsecond=0))
    return value


_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M")


def parse_time(text: str, *, field: str) -> datetime | None:
    """A time typed in a form: ``2026-11-30 09:30``, or ``09:30`` for today; empty → None
    (meaning now). Full-width digits are accepted."""
    import unicodedata

    value = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not value:
        return None
    if len(value) <= 5 and ":" in value:
        value = f"{clock.today().isoformat()} {value.zfill(5)}"
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValidationError("reception.time.invalid", field=field)


def _enum(enum: type[Any], value: object, field: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise ValidationError("reception.choice.invalid", field=field) from None


def staff_names(session: OrmSession) -> dict[int, str]:
    from deskapp.services.staff import names

    return names(session)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------


def kind_label(kind: ContactKind | str) -> str:
    return t(f"reception.kind.{ContactKind(kind).value}")


def channel_label(channel: ContactChannel | str) -> str:
    return t(f"reception.channel.{ContactChannel(channel).value}")


def status_label(status: ContactStatus | str) -> str:
    return t(f"reception.status.{ContactStatus(status).value}")
