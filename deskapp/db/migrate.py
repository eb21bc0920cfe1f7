"""Schema upgrades through Alembic, with a backup copy taken first.

Each area has its own branch of migrations off the foundation revision, so the database is
upgraded to ``heads`` (every branch's head).
"""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from deskapp import clock

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Start-up (issue #17): importing Alembic and loading every migration script costs ~200 ms.
# When the database's version rows already name the scripts' heads — read from the scripts'
# ``revision``/``down_revision`` lines below, and from ``alembic_version`` with one query —
# nothing of Alembic is imported.
_ASSIGN = re.compile(r"^(revision|down_revision|depends_on)\s*(?::[^=]*)?=\s*(.+)$",
                     re.MULTILINE)


def script_heads_fast() -> set[str] | None:
    """The heads of the migration scripts without importing Alembic, or None when a script
    does not spell its revisions as plain literals (then Alembic is asked)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_ASSIGN.findall(path.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"].strip())
            down = ast.literal_eval(found["down_revision"].strip())
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        try:  # a dependency is an ancestor too: Alembic stores no row for it once passed
            depends = ast.literal_eval(found.get("depends_on", "None").strip())
        except (ValueError, SyntaxError):
            return None
        for earlier in (down, depends):
            if isinstance(earlier, str):
                parents.add(earlier)
            elif isinstance(earlier, (tuple, list)):
                parents.update(earlier)
            elif earlier is not None:
                return None
    return revisions - parents if revisions else None


def version_rows(engine: Engine) -> set[str] | None:
    """The revisions in ``alembic_version``, or None when there is no such table yet."""
    from sqlalchemy import exc, text

    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except exc.DBAPIError:
        return None


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def head_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    # What ``alembic_version`` holds at the heads: a head that another revision depends on
    # (``depends_on``, e.g. cards_001 on customer_001) is passed, and has no row of its own.
    scripts = ScriptDirectory.from_config(alembic_config())
    needed: set[str] = set()
    for script in scripts.walk_revisions():
        depends = script.dependencies or ()
        needed.update((depends,) if isinstance(depends, str) else depends)
    return set(scripts.get_heads()) - needed


def current_revisions(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def needs_upgrade(engine: Engine) -> bool:
    fast = script_heads_fast()
    if fast is not None and version_rows(engine) == fast:
        return False
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
    fast = script_heads_fast()
    if fast is not None and version_rows(engine) == fast:
        return None  # already current: Alembic is not even imported
    from alembic import command

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
