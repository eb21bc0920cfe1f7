"""Input clean-up and labels shared by the move-in modules (issue #20 part 2)."""

from __future__ import annotations

from decimal import Decimal

from deskapp.db.models import Role
from deskapp.db.models.movein import (
    KeyKind,
)
from deskapp.errors import ValidationError
from deskapp.i18n import t
from deskapp.validators import phone as any_phone

DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)
MAX_KEYS = 20  # of one kind
MAX_MONTHS = 24  # property fee collected in advance at a move-in


def _phone(value: str | None, *, field: str) -> str:
    text = (value or "").strip()
    return any_phone(text, field=field) if text else ""


def _reading(value: str | Decimal | int | None, *, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace("，", "").replace(",", ""))
    except ArithmeticError:
        raise ValidationError("movein.reading.invalid", field=field,
                              text=str(value).strip()) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
        raise ValidationError("movein.reading.invalid", field=field, text=str(value).strip())
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError("movein.reading.places", field=field)
    return number.quantize(Decimal("0.01"))


def _count(value: str | int | None, *, field: str, most: int) -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        return 0
    if not text.isdigit() or int(text) > most:
        raise ValidationError("movein.count.invalid", field=field, most=most, text=text)
    return int(text)


def key_label(kind: KeyKind | str) -> str:
    return t(f"movein.key.{KeyKind(kind).value}")
