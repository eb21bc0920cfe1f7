"""Schema upgrades through Alembic, with a backup copy taken first.

Each area has its own branch of migrations off the foundation revision, so the database is
upgraded to ``heads`` (every branch's head).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from deskapp import clock

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def needs_upgrade(engine: Engine) -> bool:
    return current_revisions(engine) != head_revisions()


def sqlite_path(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    db = engine.url.database
    if not db or db == ":memory:":
        return None
    return Path(db)


def backup_sqlite(src: Path, dest: Path) -> Path:
    """Consistent copy via SQLite's online backup API (safe while others write)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(src) as source, sqlite3.connect(dest) as target:
        source.backup(target)
    dest.chmod(0o600)
    return dest


def upgrade(engine: Engine, *, backup: bool = True) -> Path | None:
    """Upgrade to every head. Returns the path of the pre-upgrade backup, if one was made."""
    current = current_revisions(engine)
    if current == head_revisions():
        return None
    copy: Path | None = None
    path = sqlite_path(engine)
    if backup and current and path is not None and path.exists():
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        copy = backup_sqlite(path, path.with_name(f"{path.name}.pre-upgrade-{stamp}.bak"))
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
    return copy
