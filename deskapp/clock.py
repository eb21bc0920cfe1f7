"""The site's clock. All stored times are naive datetimes in the site's local time zone
(default Asia/Shanghai), so "today" and "this month" are plain ranges in SQL.

Tests freeze time with :func:`freeze`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_tz = ZoneInfo("Asia/Shanghai")
_fixed: Callable[[], datetime] | None = None


def set_timezone(name: str) -> None:
    global _tz
    _tz = ZoneInfo(name)


def timezone() -> ZoneInfo:
    return _tz


def now() -> datetime:
    """Current site-local time, naive, to the second."""
    if _fixed is not None:
        return _fixed()
    return datetime.now(UTC).astimezone(_tz).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()


def to_minute(at: datetime) -> datetime:
    """``at`` cut to the minute: the precision of every time a person types or a form
    proposes (``2026-11-30 10:05``)."""
    return at.replace(second=0, microsecond=0)


def earlier_than(at: datetime, bound: datetime) -> bool:
    """The one comparison behind every "not earlier than" rule: ``at`` is earlier than
    ``bound`` only when it falls in an earlier minute. Stored times carry seconds, typed
    and default times do not, so a step taken in the same minute as the one it follows
    (dispatch in the minute the order was opened) is never refused."""
    return to_minute(at) < to_minute(bound)


def day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day)
    return start, start + timedelta(days=1)


def month_range(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return start, end


def parse_date(text: str) -> date:
    """What a person typed as a day → ``date``: full-width digits and ``2026/11/30`` too
    (``YYYY-MM-DD`` after NFKC and ``/`` → ``-``); ``ValueError`` when it is not one. The
    one date parser: forms, filters and the CLI call it and word their own message."""
    import unicodedata

    return date.fromisoformat(unicodedata.normalize("NFKC", text).strip().replace("/", "-"))


def parse_month(text: str) -> tuple[int, int]:
    """'2026-11' → (2026, 11)."""
    year, _, month = text.strip().partition("-")
    y, m = int(year), int(month)
    if not 1 <= m <= 12:
        raise ValueError(text)
    return y, m


@contextlib.contextmanager
def freeze(at: datetime) -> Iterator[None]:
    """Freeze :func:`now` at a naive local time (tests and demo data)."""
    global _fixed
    previous = _fixed
    _fixed = lambda: at  # noqa: E731
    try:
        yield
    finally:
        _fixed = previous
