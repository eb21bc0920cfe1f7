"""Working days: official holidays, adjusted working days (调休), overrides, campaign dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from deskapp.errors import ValidationError
from deskapp.services import workdays
from deskapp.services.survey import campaigns
from deskapp.services.workdays import WorkCalendar, load_calendar


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_spring_festival_2026(cal):
    # 2026: 春节 Feb 15–23 off; Sat Feb 14 and Sat Feb 28 are working days (调休).
    assert cal.is_workday(date(2026, 2, 14))  # a Saturday
    assert not any(cal.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert cal.is_workday(date(2026, 2, 28))  # a Saturday
    assert cal.holiday_name(date(2026, 2, 17)) == "Spring Festival"
    # Thursday Feb 12 + 3 working days: 13 (Fri), 14 (Sat, 调休), then the holiday, 24.
    assert cal.add_workdays(date(2026, 2, 12), 3) == date(2026, 2, 24)
    assert cal.workdays_between(date(2026, 2, 13), date(2026, 2, 27)) == 5  # 14, 24, 25, 26, 27
    assert cal.add_workdays(date(2026, 2, 24), -2) == date(2026, 2, 13)


def test_national_day_2025(cal):
    # 2025: Oct 1–8 off (国庆 + 中秋); Sun Sep 28 and Sat Oct 11 are working days.
    assert cal.is_workday(date(2025, 9, 28))
    assert not cal.is_workday(date(2025, 10, 8))
    assert cal.is_workday(date(2025, 10, 11))
    # From Fri Sep 26: 28 (Sun, 调休), 29, 30, then 9, 10, 11 (Sat, 调休), 13 …
    assert cal.add_workdays(date(2025, 9, 26), 6) == date(2025, 10, 11)
    assert cal.add_workdays(date(2025, 9, 26), 7) == date(2025, 10, 13)


def test_zero_and_next_workday(cal):
    assert cal.add_workdays(date(2026, 10, 3), 0) == date(2026, 10, 8)
    assert cal.next_workday(date(2026, 6, 15)) == date(2026, 6, 15)


def test_unknown_year_falls_back_to_weekends_and_says_so(cal):
    assert not cal.is_exact(2027)
    assert cal.is_exact(2026)
    assert cal.is_workday(date(2027, 1, 4))  # a Monday: no data, weekday counts
    assert not cal.is_workday(date(2027, 1, 2))  # Saturday


def test_override_file_declares_a_year(tmp_path: Path):
    path = tmp_path / "calendar-override.toml"
    path.write_text(
        'known_years = [2027]\n'
        '[[holiday]]\nname = "元旦"\nstart = 2027-01-01\nend = 2027-01-03\n'
        '[[holiday]]\nname = "春节"\nstart = 2027-02-06\nend = 2027-02-12\n'
        '[[workday]]\nname = "春节调休"\ndate = 2027-02-14\n', encoding="utf-8")
    cal = load_calendar([path])
    assert cal.is_exact(2027)
    assert not cal.is_workday(date(2027, 1, 1))  # a Friday
    assert cal.holiday_name(date(2027, 2, 8)) == "春节"
    assert cal.is_workday(date(2027, 2, 14))  # a Sunday made a working day
    # Fri Feb 5 + 2: Feb 14 (Sun, 调休), Feb 15 (Mon)
    assert cal.add_workdays(date(2027, 2, 5), 2) == date(2027, 2, 15)
    # An override also corrects a known year.
    path.write_text('[[workday]]\ndate = 2026-10-03\n', encoding="utf-8")
    assert load_calendar([path]).is_workday(date(2026, 10, 3))


def test_bad_override_file_is_refused(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text('[[holiday]]\nstart = 2027-02-06\nend = 2027-02-01\n', encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_calendar([path])
    assert err.value.key == "workdays.override.bad_range"
    path.write_text("known_years = [", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_calendar([path])
    assert err.value.key == "workdays.override.bad_file"
    path.write_text('[[workday]]\ndate = "2027-13-01"\n', encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_calendar([path])
    assert err.value.key == "workdays.override.bad_date"


def test_site_override_in_data_folder(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path))
    (tmp_path / "calendar-override.toml").write_text(
        'known_years = [2028]\n[[holiday]]\nstart = 2028-01-03\n', encoding="utf-8")
    try:
        cal = workdays.reload()
        assert cal.is_exact(2028)
        assert not workdays.is_workday(date(2028, 1, 3))
    finally:
        monkeypatch.delenv("DESKAPP_HOME")
        workdays.reload()


def test_campaign_dates_follow_the_plan(cal):
    # June 2026: Mon 15th; 10 working days → Tue 30th (Dragon Boat, Fri 19th, is off);
    # statistics 3 working days later → Fri Jul 3; report by the end of July.
    dates = campaigns.plan_dates(2026, 1, calendar=cal)
    assert dates.distribution == date(2026, 6, 15)
    assert dates.collection_deadline == date(2026, 6, 30)
    assert dates.statistics_due == date(2026, 7, 3)
    assert dates.report_due == date(2026, 7, 31)
    assert dates.exact


def test_december_campaign_reports_in_january_and_flags_unknown_year(cal):
    dates = campaigns.plan_dates(2026, 2, calendar=cal)
    assert dates.distribution == date(2026, 12, 15)
    assert dates.collection_deadline == date(2026, 12, 29)
    # Dec 30, Dec 31, then 2027 (unknown to the library: Jan 1 counts as a Friday).
    assert dates.statistics_due == date(2027, 1, 1)
    assert dates.report_due == date(2027, 1, 31)
    assert not dates.exact


def test_distribution_on_a_day_off_moves_to_the_next_working_day(cal):
    # 2025-06-15 was a Sunday.
    assert campaigns.plan_dates(2025, 1, calendar=cal).distribution == date(2025, 6, 16)
