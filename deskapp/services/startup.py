"""What the app needs to know before it can draw its first screen: the site's name and
whether anyone can log in yet.

Start-up (issue #17): these are read with two plain SQL queries on the engine, so the login
form is drawn before the ORM models (50-odd tables), the services and pypinyin are imported;
those load in a worker once the form is on the screen.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from deskapp.db.engine import Database


@dataclass(frozen=True)
class StartFacts:
    site_name: str
    has_staff: bool


def start_facts(engine: Engine) -> StartFacts:
    """The first site profile's name ("" before set-up) and whether any staff account exists
    (the same answers as ``site.get_site`` and ``staff.count_staff``)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM site_profile ORDER BY id LIMIT 1")).scalar()
        has_staff = conn.execute(text("SELECT 1 FROM staff LIMIT 1")).first() is not None
    return StartFacts(site_name=name or "", has_staff=has_staff)


def sqlite_file(url: str) -> Path | None:
    """The file of a plain SQLite URL (``sqlite:///relative`` or ``sqlite:////absolute``,
    no query options), else None (PostgreSQL, in-memory, anything unusual: those go
    through SQLAlchemy)."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url[len(prefix):]
            if not rest or rest == ":memory:" or "?" in rest or rest.startswith("file:"):
                return None
            return Path(rest)
    return None


def _read_sqlite(path: Path, *queries: str) -> list[list[tuple[Any, ...]] | None] | None:
    """The rows of each query (None for a query whose table is not there) on an existing
    SQLite file, opened read-only with the standard library, once: every new connection
    parses the whole schema first (start-up, issue #17: before SQLAlchemy is imported).
    None when there is no such file."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)
    except sqlite3.Error:
        return None
    results: list[list[tuple[Any, ...]] | None] = []
    try:
        for sql in queries:
            try:
                results.append(conn.execute(sql).fetchall())
            except sqlite3.Error:
                results.append(None)
    finally:
        conn.close()
    return results


def sqlite_launch(url: str) -> tuple[bool, StartFacts | None]:
    """What the launch reads before the first screen, on a plain SQLite file with one
    read-only connection and no SQLAlchemy: whether its ``alembic_version`` rows name the
    migration scripts' heads (False means "ask ``migrate.upgrade``", which may still find
    nothing to do), and :func:`start_facts` (None when the tables are not there yet). For
    any other database: ``(False, None)``."""
    from deskapp.db.migrate import script_heads_fast

    path = sqlite_file(url)
    results = _read_sqlite(path, "SELECT version_num FROM alembic_version",
                           "SELECT name FROM site_profile ORDER BY id LIMIT 1",
                           "SELECT 1 FROM staff LIMIT 1") if path is not None else None
    if results is None:
        return False, None
    versions, name, staff = results
    heads = script_heads_fast()
    current = versions is not None and heads is not None and {r[0] for r in versions} == heads
    facts = None if name is None or staff is None else StartFacts(
        site_name=(name[0][0] if name else "") or "", has_staff=bool(staff))
    return current, facts


def schema_current(url: str) -> bool:
    """The schema half of :func:`sqlite_launch`."""
    return sqlite_launch(url)[0]


def start_facts_of(db: Database) -> StartFacts:
    """:func:`start_facts` for the app's database: on a SQLite file with the standard
    library (SQLAlchemy is then imported after the login form is drawn), otherwise
    through the engine."""
    return sqlite_launch(db.url)[1] or start_facts(db.engine)


_warm_lock = threading.Lock()
_warmed = False


def warm_up() -> None:
    """Import what the first business action needs — SQLAlchemy, SQLModel, the models,
    every area's services (they register their hooks); pypinyin only when a name is first
    written — in this one place, in this order, by one thread at a time.

    The app runs it in a worker after the first paint, and every service call's worker
    (``tui.base.run_job``) runs it first: a call that comes early waits here for the
    warm-up instead of importing the same packages in a second thread. Two threads
    importing SQLAlchemy at once see each other's half-made modules ("cannot import name
    'AdaptedConnection' from partially initialized module 'sqlalchemy.engine'", seen at
    launch when the login screen's first worker raced the warm-up). Once done, a call
    costs one flag check."""
    global _warmed
    if _warmed:
        return
    with _warm_lock:
        if _warmed:
            return
        import sqlalchemy.orm  # noqa: F401 — SQLAlchemy first: sqlmodel and the models use it
        import sqlmodel  # noqa: F401

        import deskapp.db.models  # noqa: F401
        from deskapp.services import hooks

        hooks.load_area_services()
        _warmed = True


def change_mark(session: Any) -> tuple[int, int]:
    """A cheap mark that moves whenever business data is written: every business action
    takes at least one gap-free number in the same transaction (the audit log's own, at the
    least), so the counters' sum only grows. A screen that remembers the mark it loaded
    with can skip reloading on resume when it is unchanged (issue #17). Same SQL on SQLite
    and PostgreSQL."""
    from sqlalchemy import text

    row = session.execute(text("SELECT coalesce(sum(value), 0), count(*) FROM counter")).one()
    return int(row[0]), int(row[1])
