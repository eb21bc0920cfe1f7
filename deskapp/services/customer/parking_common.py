"""Constants, labels and input clean-up shared by the parking modules (issue #20 part 3)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from deskapp.db.models.parking import SpaceKind
from deskapp.errors import ValidationError
from deskapp.i18n import t
from deskapp.services.customer.common import text as _text
from deskapp.services.staff import Role
from deskapp.validators import phone as valid_phone

DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)  # passes (a supervisor passes every check)
SPACE_ROLES = (Role.SPECIALIST,)  # the site's spaces
EXPIRING_DAYS = 30
MAX_MONTHS = 36  # one issue or renewal covers at most three years
FEE_CODES = {SpaceKind.OWNED: "PK-OWNED", SpaceKind.RENTED: "PK-MONTH"}
OFFICE_FEE_CODE = "PK-OFFICE"  # a rented space leased by an office unit


def kind_label(kind: SpaceKind | str) -> str:
    return t(f"parking.kind.{SpaceKind(kind).value}")


def kind_options() -> list[tuple[str, str]]:
    return [(k.value, f"parking.kind.{k.value}") for k in SpaceKind]


def _reason(text: str | None) -> str:
    reason = _text(text, field="reason", label_key="parking.field.reason", max_len=200)
    if len(reason) < 2:
        raise ValidationError("parking.reason_required", field="reason")
    return reason


def _space_number(text: str | None) -> str:
    number = _text(text, field="number", label_key="parking.field.number", max_len=20,
                   required=True).upper().replace(" ", "")
    return number


def _phone(text: str | None) -> str:
    raw = (text or "").strip()
    return valid_phone(raw, field="holder_phone") if raw else ""


def add_months(start: date, months: int) -> date:
    """The last day of ``months`` months from ``start``: 2026-01-15 + 1 → 2026-02-14,
    2026-01-01 + 1 → 2026-01-31; a day the target month lacks gives its last day
    (2026-01-31 + 1 → 2026-02-28)."""
    year, index = divmod(start.month - 1 + months, 12)
    year += start.year
    last = calendar.monthrange(year, index + 1)[1]
    if start.day > last:
        return date(year, index + 1, last)
    return date(year, index + 1, start.day) - timedelta(days=1)


def _months(value: int | str | None, *, field: str) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_MONTHS:
        raise ValidationError("parking.months_invalid", field=field, max=MAX_MONTHS)
    return int(text)
