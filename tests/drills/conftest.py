"""Fixtures of the reliability drills.

- ``pg_template``: one migrated PostgreSQL database per test session, on the server of
  ``DESKAPP_TEST_PG_URL`` (skipped with the reason when it is not set). Each drill gets its
  own database cloned from it (``fresh_pg``), so drills never touch the shared ``test``
  database that ``pg_db`` resets, and several runs on one server do not collide.
- ``any_db``: the test runs twice, on SQLite and on PostgreSQL.
- ``people``: a supervisor, three receptionists (desks) and a specialist on that database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from deskapp.db import migrate
from deskapp.db.engine import Database
from tests.drills.drillsite import People, make_people

SKIP_PG = "DESKAPP_TEST_PG_URL is not set: no PostgreSQL server to drill against"


def _admin(url: str):  # type: ignore[no-untyped-def]
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _create_database(url: str, name: str, template: str | None = None) -> None:
    admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"'
                                                          if template else "")))
    admin.dispose()


def drop_database(url: str, name: str) -> None:
    admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> str:
    url = os.environ.get("DESKAPP_TEST_PG_URL")
    if not url:
        pytest.skip(SKIP_PG)
    return url


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    name = f"deskapp_drill_tpl_{os.getpid()}"
    _create_database(pg_server, name)
    database = Database(make_url(pg_server).set(database=name).render_as_string(
        hide_password=False))
    migrate.upgrade(database.engine)
    database.dispose()
    yield name
    drop_database(pg_server, name)


@pytest.fixture
def fresh_pg(pg_server: str, pg_template: str) -> Iterator[Callable[..., Database]]:
    """Factory of fresh PostgreSQL databases, migrated (or ``empty=True``: no tables at
    all), dropped after the test."""
    made: list[tuple[str, Database]] = []

    def make(*, empty: bool = False) -> Database:
        name = f"deskapp_drill_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        _create_database(pg_server, name, template=None if empty else pg_template)
        database = Database(make_url(pg_server).set(database=name).render_as_string(
            hide_password=False))
        made.append((name, database))
        return database

    yield make
    for name, database in made:
        database.dispose()
        drop_database(pg_server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    if request.param == "sqlite":
        return request.getfixturevalue("db")
    return request.getfixturevalue("fresh_pg")()


@pytest.fixture
def people(any_db: Database) -> People:
    return make_people(any_db)
