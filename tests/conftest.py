"""Shared fixtures.

- ``db``: a fresh, fully migrated SQLite database per test (migrated once per session into
  a template file, then copied — migrations are tested on their own in test_migrations).
  Under pytest-xdist the templates (migrated, demo site, full demo) and the audit key are
  made once per run by the first worker that needs them and shared (a file lock).
- ``supervisor`` / ``receptionist`` / ``specialist``: one staff member of each role.
- ``make_app``: the real app on that database, for Pilot tests.
- ``pg_url``: the PostgreSQL URL from DESKAPP_TEST_PG_URL, or the test is skipped.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from deskapp import clock
from deskapp.config import Settings
from deskapp.db import migrate
from deskapp.db.engine import Database
from deskapp.db.models import Role, Staff
from deskapp.i18n import set_language
from deskapp.services import site
from deskapp.services import staff as staff_svc

PASSWORD = "secret123"


# The directories whose tests take seconds each (Pilot round trips, drills), run first: under
# ``-n 2 --dist worksteal`` the long tests start early and the many fast unit tests fill the
# gaps at the end, instead of one worker finishing a 70 s test alone (issue #17).
_SLOW_FIRST = ("tui", "drills")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def slow_first(item: pytest.Item) -> int:
        parts = item.path.parts
        return 0 if len(parts) > 1 and parts[-2] in _SLOW_FIRST else 1

    items.sort(key=slow_first)  # stable: each file keeps its order and stays together


@pytest.fixture(scope="session", autouse=True)
def _audit_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One audit site key for the whole run (template databases are copied between
    tests' homes), never the real configuration folder's."""
    saved = os.environ.get("DESKAPP_AUDIT_KEY")
    shared = _shared_dir(tmp_path_factory)
    if shared is None:
        os.environ["DESKAPP_AUDIT_KEY"] = str(tmp_path_factory.mktemp("auditkey") / "audit.key")
    else:  # one key for every xdist worker: they share the template databases
        os.environ["DESKAPP_AUDIT_KEY"] = str(shared / "audit.key")
        with _locked(shared / "audit.key.lock"):
            from deskapp.services import audit

            audit.ensure_key()
    yield
    if saved is None:
        os.environ.pop("DESKAPP_AUDIT_KEY", None)
    else:
        os.environ["DESKAPP_AUDIT_KEY"] = saved


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Backups, prints and exports a test triggers land in a temporary home."""
    if "DESKAPP_HOME" not in os.environ:
        monkeypatch.setenv("DESKAPP_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("zh")


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """Under pytest-xdist, the run's temporary root that every worker shares (each
    worker's own base is a folder in it); None in a single-process run."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    return tmp_path_factory.getbasetemp().parent


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` between the run's processes (xdist workers)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _template(tmp_path_factory: pytest.TempPathFactory, name: str,
              build: Callable[[Path], None]) -> Path:
    """A template database file built once per run by ``build(path)``: under xdist the
    first worker builds it (the others wait on a file lock and then copy the same file),
    so the slow demo templates are built once, not once per worker (issue #17)."""
    shared = _shared_dir(tmp_path_factory)
    if shared is None:
        path = tmp_path_factory.mktemp(name) / f"{name}.sqlite3"
        build(path)
        return path
    path = shared / f"{name}.sqlite3"
    with _locked(shared / f"{name}.lock"):
        if not path.exists():
            building = shared / f"{name}.building.sqlite3"
            building.unlink(missing_ok=True)
            build(building)
            os.replace(building, path)
    return path


def _build_database(path: Path, fill: Callable[[Database], None] | None = None,
                    source: Path | None = None) -> None:
    if source is not None:
        shutil.copy(source, path)
    database = Database(f"sqlite:///{path}")
    try:
        if source is None:
            migrate.upgrade(database.engine)
        if fill is not None:
            fill(database)
    finally:
        database.dispose()


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory, "template", _build_database)


@pytest.fixture
def db(tmp_path: Path, _template_db: Path) -> Iterator[Database]:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(_template_db, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


_password_hashes: dict[str, str] = {}


@contextlib.contextmanager
def _password_hashed_once() -> Iterator[None]:
    """While the staff fixtures create their people: ``PASSWORD``'s scrypt hash is made once
    per process and shared (a real hash with its own salt that logins check as usual), not
    once per person and test — scrypt takes ~70 ms, and most tests create two or three
    people (issue #17). Staff a test creates itself are hashed as always."""
    real = staff_svc.hash_password

    def hash_once(password: str) -> str:
        if password != PASSWORD:
            return real(password)
        if PASSWORD not in _password_hashes:
            _password_hashes[PASSWORD] = real(PASSWORD)
        return _password_hashes[PASSWORD]

    staff_svc.hash_password = hash_once  # type: ignore[assignment]
    try:
        yield
    finally:
        staff_svc.hash_password = real  # type: ignore[assignment]


def _make_staff(db: Database, login: str, name: str, role: Role) -> Staff:
    with _password_hashed_once(), db.write() as session:
        by = None
        if staff_svc.count_staff(session):
            by = staff_svc.get_by_login(session, "boss") if role != Role.SUPERVISOR or \
                login != "boss" else None
        if staff_svc.count_staff(session) == 0 and role != Role.SUPERVISOR:
            boss = staff_svc.create_staff(session, by=None, login="boss", name="王主管",
                                          role=Role.SUPERVISOR, password=PASSWORD)
            by = boss
        if by is None and staff_svc.count_staff(session):
            by = staff_svc.get_by_login(session, "boss")
        return staff_svc.create_staff(session, by=by, login=login, name=name, role=role,
                                      password=PASSWORD)


@pytest.fixture
def supervisor(db: Database) -> Staff:
    with db.read() as session:
        if staff_svc.count_staff(session):
            return staff_svc.get_by_login(session, "boss")
    with db.write() as session:
        site.set_up_site(session, name="上海滩华府")
    return _make_staff(db, "boss", "王主管", Role.SUPERVISOR)


@pytest.fixture
def receptionist(db: Database, supervisor: Staff) -> Staff:
    return _make_staff(db, "desk1", "张前台", Role.RECEPTIONIST)


@pytest.fixture
def specialist(db: Database, supervisor: Staff) -> Staff:
    return _make_staff(db, "cs1", "李专员", Role.SPECIALIST)


@pytest.fixture
def frozen_now() -> Iterator[datetime]:
    at = datetime(2026, 11, 30, 10, 0, 0)
    with clock.freeze(at):
        yield at


@pytest.fixture
def make_app(db: Database) -> Callable[..., object]:
    from deskapp.tui.app import DeskApp

    def factory(*, login: str | None = None, idle: int = 0, lang: str = "zh") -> DeskApp:
        set_language(lang)
        settings = Settings(db_url=db.url, language=lang, desk="前台1", idle_lock_seconds=idle)
        return DeskApp(settings=settings, db=db, login=login)

    return factory


@pytest.fixture(scope="session")
def pg_url() -> str:
    """DESKAPP_TEST_PG_URL, or skip. Under pytest-xdist each worker gets its own database
    (``<name>_gw0`` …, created on first use) so parallel workers never share a schema."""
    url = os.environ.get("DESKAPP_TEST_PG_URL")
    if not url:
        pytest.skip("DESKAPP_TEST_PG_URL is not set: no PostgreSQL server to test against")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": name}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """A fresh, migrated PostgreSQL database (the public schema is dropped first)."""
    from sqlalchemy import text

    database = Database(pg_url)
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory, _template_db: Path) -> Path:
    from deskapp.services.demo import build_demo

    def fill(database: Database) -> None:
        with database.write() as session:
            build_demo(session, seed=1, activity=False)

    return _template(tmp_path_factory, "demo",
                     lambda path: _build_database(path, fill, source=_template_db))


@pytest.fixture
def demo_db(tmp_path: Path, _demo_template: Path) -> Iterator[Database]:
    """A copy of the demo site (529 units with occupants, demo staff with password
    demo123), without the areas' demo activity."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(_demo_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def make_demo_app(demo_db: Database) -> Callable[..., object]:
    from deskapp.tui.app import DeskApp

    def factory(*, login: str | None = "qiantai1", lang: str = "zh") -> DeskApp:
        set_language(lang)
        settings = Settings(db_url=demo_db.url, language=lang, desk="前台1", idle_lock_seconds=0)
        return DeskApp(settings=settings, db=demo_db, login=login)

    return factory


@pytest.fixture(scope="session")
def _full_demo_template(tmp_path_factory: pytest.TempPathFactory, _template_db: Path) -> Path:
    """The demo site WITH every area's activity (receipts, work orders, complaints,
    handovers, filings, visitors …), built once per session."""
    from deskapp.services.demo import build_demo

    def build(path: Path) -> None:
        def fill(database: Database) -> None:
            calls: list[tuple[str, int, int]] = []
            with database.write() as session:
                summary = build_demo(session, seed=1, progress=lambda *a: calls.append(a))
            # What the build said, for the test of the build itself (tests/unit/test_demo.py
            # reads it instead of building the full demo a second time, issue #17).
            (path.parent / "fulldemo.summary.json").write_text(json.dumps(
                {"units": summary.units, "modules": list(summary.modules),
                 "progress": [list(call) for call in calls], "timings": summary.timings}))

        _build_database(path, fill, source=_template_db)

    return _template(tmp_path_factory, "fulldemo", build)


@pytest.fixture(scope="session")
def full_demo_summary(_full_demo_template: Path) -> dict[str, object]:
    """What ``build_demo`` said when the full demo template was built: ``units``,
    ``modules`` (the demo modules that ran), ``progress`` (its progress calls as lists),
    ``timings``."""
    loaded: dict[str, object] = json.loads(
        (_full_demo_template.parent / "fulldemo.summary.json").read_text())
    return loaded


@pytest.fixture
def full_demo_db(tmp_path: Path, _full_demo_template: Path) -> Iterator[Database]:
    """A copy of the full demo site (see ``_full_demo_template``)."""
    path = tmp_path / "fulldemo.sqlite3"
    shutil.copy(_full_demo_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()
