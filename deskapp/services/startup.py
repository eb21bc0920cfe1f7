"""What the app needs to know before it can draw its first screen: the site's name and
whether anyone can log in yet.

Start-up (issue #17): these are read with two plain SQL queries on the engine, so the login
form is drawn before the ORM models (50-odd tables), the services and pypinyin are imported;
those load in a worker once the form is on the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class StartFacts:
    site_name: str
    has_staff: bool


def start_facts(engine: Engine) -> StartFacts:
    """The first site profile's name ("" before set-up) and whether any staff account exists
    (the same answers as ``site.get_site`` and ``staff.count_staff``)."""
    with engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM site_profile ORDER BY id LIMIT 1")).scalar()
        has_staff = conn.execute(text("SELECT 1 FROM staff LIMIT 1")).first() is not None
    return StartFacts(site_name=name or "", has_staff=has_staff)


def warm_up() -> None:
    """Import what the first business action needs (models, every area's services — they
    register their hooks —, pypinyin's dictionary). Run in a worker after the first paint;
    whatever needs them later finds them loaded."""
    import deskapp.db.models  # noqa: F401
    from deskapp.services import hooks

    hooks.load_area_services()


def change_mark(session: Any) -> tuple[int, int]:
    """A cheap mark that moves whenever business data is written: every business action
    takes at least one gap-free number in the same transaction (the audit log's own, at the
    least), so the counters' sum only grows. A screen that remembers the mark it loaded
    with can skip reloading on resume when it is unchanged (issue #17). Same SQL on SQLite
    and PostgreSQL."""
    row = session.execute(text("SELECT coalesce(sum(value), 0), count(*) FROM counter")).one()
    return int(row[0]), int(row[1])
