"""The one working-day calculator of the app (工作日).

A working day is a weekday that is not an official Chinese public holiday, or a weekend
day that the State Council made a working day (调休上班). The maintained
``chinesecalendar`` package (import name ``chinese_calendar``) knows every year it was
released for; each December the State Council announces the next year, and until the
package is updated a site can declare that year in an override file:

* ``data/calendar-override.toml`` — shipped with the app (package ``deskapp.sitedata``);
* ``calendar-override.toml`` in the site's data folder (``DESKAPP_HOME``) — the site's own.

Format (both files; later entries win, an override also corrects the library)::

    known_years = [2027]          # years now fully described: no "approximate" warning

    [[holiday]]                   # 放假 (inclusive range; one day: start only)
    name = "春节"
    start = 2027-02-06
    end = 2027-02-12

    [[workday]]                   # 调休上班 on a weekend day
    name = "春节调休"
    date = 2027-02-14

For a year neither source knows, weekends are the only days off and
:meth:`WorkCalendar.is_exact` is false, so screens can warn that a deadline is approximate.

No Textual, no database.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import chinese_calendar

from deskapp.errors import ValidationError

OVERRIDE_FILE = "calendar-override.toml"


@dataclass
class WorkCalendar:
    """Working days from the library plus overrides.

    ``holidays`` / ``workdays``: dates the overrides declare off / working;
    ``known_years``: years the overrides describe completely.
    """

    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)
    known_years: set[int] = field(default_factory=set)
    use_library: bool = True

    # -- single days ---------------------------------------------------------------------

    def _library_knows(self, year: int) -> bool:
        if not self.use_library:
            return False
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            return False
        return True

    def is_exact(self, year: int) -> bool:
        """True when the year's holidays are known (library or override)."""
        return year in self.known_years or self._library_knows(year)

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if self.use_library:
            try:
                return bool(chinese_calendar.is_workday(day))
            except NotImplementedError:
                pass
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str:
        """The holiday's name ("" for a working day or a plain weekend)."""
        if day in self.holidays:
            return self.holidays[day]
        if self.use_library and day not in self.workdays:
            try:
                on_holiday, name = chinese_calendar.get_holiday_detail(day)
            except NotImplementedError:
                return ""
            if on_holiday and name:
                return str(name)
        return ""

    # -- arithmetic ----------------------------------------------------------------------

    def add_workdays(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted);
        ``n == 0`` gives ``start`` itself, or the next working day when it is a day off.
        Negative ``n`` counts backwards."""
        if n == 0:
            day = start
            while not self.is_workday(day):
                day += timedelta(days=1)
            return day
        step = 1 if n > 0 else -1
        remaining = abs(n)
        day = start
        while remaining:
            day += timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count

    def next_workday(self, day: date) -> date:
        """``day`` itself when it is a working day, else the next one."""
        return self.add_workdays(day, 0)

    # -- loading -------------------------------------------------------------------------

    def merge_file(self, path: Path | Any) -> None:
        """Read one override file (a ``Path`` or an importlib ``Traversable``)."""
        with path.open("rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise ValidationError("workdays.override.bad_file", file=str(path),
                                      error=str(exc)) from exc
        self.merge(data, source=str(path))

    def merge(self, data: dict[str, Any], *, source: str = "") -> None:
        for year in data.get("known_years", []):
            self.known_years.add(int(year))
        for entry in data.get("holiday", []):
            start = _as_date(entry.get("start") or entry.get("date"), source)
            end = _as_date(entry.get("end") or start, source)
            if end < start:
                raise ValidationError("workdays.override.bad_range", file=source,
                                      start=start.isoformat(), end=end.isoformat())
            name = str(entry.get("name", ""))
            day = start
            while day <= end:
                self.holidays[day] = name
                self.workdays.pop(day, None)
                day += timedelta(days=1)
        for entry in data.get("workday", []):
            day = _as_date(entry.get("date"), source)
            self.workdays[day] = str(entry.get("name", ""))
            self.holidays.pop(day, None)


def _as_date(value: object, source: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError("workdays.override.bad_date", file=source,
                              value=str(value)) from exc


def override_paths() -> list[Path | Any]:
    """The override files that exist: shipped first, then the site's own."""
    from deskapp.config import data_dir as site_dir
    from deskapp.services.site import data_dir as shipped_dir

    paths: list[Path | Any] = []
    shipped = shipped_dir().joinpath(OVERRIDE_FILE)
    if shipped.is_file():
        paths.append(shipped)
    own = site_dir() / OVERRIDE_FILE
    if own.is_file():
        paths.append(own)
    return paths


def load_calendar(paths: Iterable[Path | Any] | None = None) -> WorkCalendar:
    calendar = WorkCalendar()
    for path in override_paths() if paths is None else paths:
        calendar.merge_file(path)
    return calendar


@cache
def default_calendar() -> WorkCalendar:
    """The app's calendar (library + override files), read once per process."""
    return load_calendar()


def reload() -> WorkCalendar:
    default_calendar.cache_clear()
    return default_calendar()


def is_workday(day: date) -> bool:
    return default_calendar().is_workday(day)


def add_workdays(start: date, n: int) -> date:
    return default_calendar().add_workdays(start, n)


def workdays_between(start: date, end: date) -> int:
    return default_calendar().workdays_between(start, end)
