"""Input clean-up shared by the customer-file services (dates typed at the desk)."""

from __future__ import annotations

from datetime import date, datetime

from deskapp import clock
from deskapp.errors import ValidationError
from deskapp.i18n import t
from deskapp.validators import optional_text


def day(value: str | date | None, *, field: str, default: date | None = None,
        allow_future: bool = False) -> date:
    """``YYYY-MM-DD`` (or a date); empty gives ``default``; never after today unless
    ``allow_future``."""
    if isinstance(value, date):
        parsed = value
    else:
        text = (value or "").strip()
        if not text:
            if default is None:
                raise ValidationError("customer.date_required", field=field)
            parsed = default
        else:
            try:
                parsed = clock.parse_date(text)
            except ValueError:
                raise ValidationError("customer.date_invalid", field=field, text=text) from None
    if not allow_future and parsed > clock.today():
        raise ValidationError("customer.date_future", field=field, date=parsed.isoformat())
    return parsed


def moment(value: str | datetime | None, *, field: str, default: datetime | None = None
           ) -> datetime:
    """``YYYY-MM-DD HH:MM`` or ``HH:MM`` (today); empty gives ``default``; never in the
    future."""
    now = clock.now()
    if isinstance(value, datetime):
        parsed = value
    else:
        text = (value or "").strip().replace("：", ":")
        if not text:
            if default is None:
                raise ValidationError("customer.time_required", field=field)
            parsed = default
        else:
            try:
                if len(text) <= 5:
                    hh, mm = text.split(":")
                    parsed = now.replace(hour=int(hh), minute=int(mm), second=0, microsecond=0)
                else:
                    parsed = datetime.fromisoformat(text.replace("T", " "))
            except ValueError:
                raise ValidationError("customer.time_invalid", field=field, text=text) from None
    parsed = parsed.replace(second=0, microsecond=0)
    if parsed > now:
        raise ValidationError("customer.time_future", field=field,
                              time=parsed.strftime("%Y-%m-%d %H:%M"))
    return parsed


def text(value: str | None, *, field: str, label_key: str, max_len: int,
         required: bool = False) -> str:
    """Free text typed at the desk, cleaned; its error lands on ``field`` and names the
    field's label (``label_key``); ``required`` refuses an empty one."""
    label = t(label_key)
    try:
        cleaned = optional_text(value or "", label, max_len) or ""
    except ValidationError as err:
        raise ValidationError(err.key, field=field, **err.params) from None
    if required and not cleaned:
        raise ValidationError("validate.text.required", field=field, label=label)
    return cleaned
