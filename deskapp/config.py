"""Settings: database URL, language, desk name, site time zone, idle lock.

Resolution order for each value: explicit argument (CLI flag) → environment variable →
settings file (``settings.toml`` in the user's config directory) → default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "deskapp"


def data_dir() -> Path:
    path = Path(os.environ.get("DESKAPP_HOME") or user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_file() -> Path:
    home = os.environ.get("DESKAPP_HOME")
    base = Path(home) if home else Path(user_config_dir(APP_NAME, appauthor=False))
    return base / "settings.toml"


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'deskapp.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    db_url: str = field(default_factory=default_db_url)
    language: str = "zh"
    desk: str = "前台1"
    timezone: str = "Asia/Shanghai"
    idle_lock_seconds: int = 300
    backups_kept: int = 7
    # Per-area tunables live here as plain values so a site can override them in
    # settings.toml without code: {"workorder.limit_hours.urgent": 4, ...}
    extra: dict[str, object] = field(default_factory=dict)

    def get(self, key: str, default: object = None) -> object:
        return self.extra.get(key, default)


def _file_values(path: Path) -> dict[str, Any]:
    """settings.toml as read (TOML values are whatever the file holds: ``Any``, as
    :func:`tomllib.load` types them)."""
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_settings(
    *,
    db_url: str | None = None,
    language: str | None = None,
    desk: str | None = None,
    settings_path: Path | None = None,
) -> Settings:
    values = _file_values(settings_path or config_file())
    extra = {k: v for k, v in values.items() if k not in Settings.__dataclass_fields__}
    extra.update(values.get("extra", {}) if isinstance(values.get("extra"), dict) else {})
    base = Settings(extra=extra)
    chosen: dict[str, object] = {}
    for name, env, arg in (
        ("db_url", "DESKAPP_DB", db_url),
        ("language", "DESKAPP_LANG", language),
        ("desk", "DESKAPP_DESK", desk),
        ("timezone", "DESKAPP_TZ", None),
        ("idle_lock_seconds", "DESKAPP_IDLE_LOCK", None),
    ):
        value = arg or os.environ.get(env) or values.get(name)
        if value is not None:
            chosen[name] = int(value) if name == "idle_lock_seconds" else str(value)
    url = chosen.get("db_url")
    if isinstance(url, str) and "://" not in url:
        # A plain file path (``--db /srv/desk.sqlite3``) is a SQLite database file.
        chosen["db_url"] = f"sqlite:///{Path(url).expanduser().resolve()}"
    settings = replace(base, **chosen)  # type: ignore[arg-type]
    lang = settings.language.lower()
    return replace(settings, language="en" if lang.startswith("en") else "zh")
