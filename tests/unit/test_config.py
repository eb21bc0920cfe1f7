"""Settings resolution and the site clock."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from deskapp import clock
from deskapp.config import load_settings


def test_defaults_and_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path))
    for var in ("DESKAPP_DB", "DESKAPP_LANG", "DESKAPP_DESK", "DESKAPP_TZ", "DESKAPP_IDLE_LOCK"):
        monkeypatch.delenv(var, raising=False)
    s = load_settings()
    assert s.language == "zh" and s.timezone == "Asia/Shanghai" and s.idle_lock_seconds == 300
    assert s.db_url.startswith("sqlite:///") and str(tmp_path) in s.db_url
    (tmp_path / "settings.toml").write_text(
        'language = "en"\nidle_lock_seconds = 60\n"workorder.limit_hours.urgent" = 2\n',
        encoding="utf-8")
    s = load_settings()
    assert s.language == "en" and s.idle_lock_seconds == 60
    assert s.get("workorder.limit_hours.urgent") == 2
    monkeypatch.setenv("DESKAPP_LANG", "zh-CN")
    assert load_settings().language == "zh"
    assert load_settings(language="en", db_url="sqlite://").db_url == "sqlite://"


def test_clock_month_and_day_ranges() -> None:
    assert clock.month_range(2026, 12) == (datetime(2026, 12, 1), datetime(2027, 1, 1))
    assert clock.parse_month("2026-02") == (2026, 2)
    with pytest.raises(ValueError):
        clock.parse_month("2026-13")
    with clock.freeze(datetime(2026, 11, 30, 23, 59, 59)):
        assert clock.today().isoformat() == "2026-11-30"
        start, end = clock.day_range(clock.today())
        assert start <= clock.now() < end


def test_a_plain_path_is_a_sqlite_file(tmp_path, monkeypatch) -> None:
    """``--db desk.sqlite3`` (no URL scheme) opens that SQLite file instead of failing with a
    raw SQLAlchemy error; a URL is kept as it is."""
    from deskapp.config import load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    missing = tmp_path / "none.toml"
    plain = load_settings(db_url="desk.sqlite3", settings_path=missing)
    assert plain.db_url == f"sqlite:///{tmp_path.resolve() / 'desk.sqlite3'}"
    url = "postgresql+psycopg://desk@db/site"
    assert load_settings(db_url=url, settings_path=missing).db_url == url
