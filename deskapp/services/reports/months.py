"""Months for the monthly report: parsing and checking a month, its label, the previous and
next month, and the one per-cent helper.
"""

from __future__ import annotations

from deskapp import clock
from deskapp.errors import ValidationError
from deskapp.reporting.table import percent as _percent

__all__ = [
    "month_label",
    "parse_month",
    "percent",
]


EARLIEST_YEAR = 2000


# --------------------------------------------------------------------------------------
# Months
# --------------------------------------------------------------------------------------


def parse_month(text: str, *, field: str = "month") -> tuple[int, int]:
    """``2026-11`` (also ``2026-1``, ``2026/11``, full-width digits) → ``(2026, 11)``;
    anything else is a :class:`ValidationError` at ``field``."""
    import unicodedata

    value = unicodedata.normalize("NFKC", text or "").strip().replace("/", "-")
    year_text, sep, month_text = value.partition("-")
    if not sep or not year_text.isdigit() or not month_text.isdigit() or len(year_text) != 4:
        raise ValidationError("reports.month.invalid", field=field, value=text)
    year, month = int(year_text), int(month_text)
    check_month(year, month, field=field)
    return year, month


def check_month(year: int, month: int, *, field: str = "month") -> None:
    """A real month, not before :data:`EARLIEST_YEAR` and not after the current one."""
    if not 1 <= month <= 12 or year < EARLIEST_YEAR:
        raise ValidationError("reports.month.invalid", field=field, value=f"{year}-{month}")
    today = clock.today()
    if (year, month) > (today.year, today.month):
        raise ValidationError("reports.month.future", field=field,
                              month=month_label(year, month))


def month_label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


percent = _percent
"""``part`` of ``whole`` in per cent, one decimal, half up; ``None`` when ``whole`` is 0
(the one per-cent helper, :func:`deskapp.reporting.table.percent`)."""
