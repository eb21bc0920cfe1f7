"""Start-up (issue #17): the login form is drawn before the ORM, the services, pypinyin and
Alembic are imported, and an up-to-date database skips the Alembic head check."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from deskapp.db import migrate
from deskapp.db.engine import Database
from deskapp.services.startup import start_facts

HEAVY = ("deskapp.db.models", "deskapp.services.units", "pypinyin", "alembic", "sqlmodel")


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={**os.environ, **(env or {})},
                         cwd=Path(__file__).parents[2])
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_app_and_login_screen_import_nothing_heavy() -> None:
    loaded = _modules_after("import deskapp.cli, deskapp.tui.app, deskapp.tui.screens.login")
    assert not [m for m in HEAVY if m in loaded]


def test_opening_a_current_database_does_not_import_alembic_or_the_orm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    db = Database(url)
    migrate.upgrade(db.engine, backup=False)
    db.dispose()
    loaded = _modules_after(
        "from deskapp.config import Settings\n"
        "from deskapp.tui.app import create_app\n"
        f"app = create_app(Settings(db_url={url!r}))\n"
        "from deskapp.services.startup import start_facts\n"
        "start_facts(app.db.engine)\n")
    assert not [m for m in HEAVY if m in loaded]


def test_fast_head_check_agrees_with_alembic() -> None:
    assert migrate.script_heads_fast() == migrate.head_revisions()


def test_upgrade_still_runs_on_a_database_behind(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    assert migrate.version_rows(db.engine) is None  # empty file: no version table yet
    migrate.upgrade(db.engine, backup=False)
    assert migrate.version_rows(db.engine) == migrate.head_revisions()
    assert not migrate.needs_upgrade(db.engine)
    with db.engine.begin() as conn:  # one branch set back: the fast check must not skip it
        from sqlalchemy import text

        conn.execute(text("UPDATE alembic_version SET version_num = 'ops_001' "
                          "WHERE version_num = 'ops_002_h17'"))
        conn.execute(text("DROP TABLE contact_fts_chars"))
    assert migrate.needs_upgrade(db.engine)
    migrate.upgrade(db.engine, backup=False)
    assert migrate.version_rows(db.engine) == migrate.head_revisions()
    with db.engine.connect() as conn:  # ops_002_h17 made the one-character index again
        assert conn.execute(text("SELECT count(*) FROM contact_fts_chars")).scalar() == 0
    db.dispose()


def test_start_facts_match_the_services(db: Database, supervisor: object) -> None:
    from deskapp.services import site, staff

    facts = start_facts(db.engine)
    with db.read() as session:
        profile = site.get_site(session)
        assert facts.site_name == (profile.name if profile else "")
        assert facts.has_staff == (staff.count_staff(session) > 0)
    assert facts.has_staff


def test_start_facts_on_an_empty_database(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    migrate.upgrade(db.engine, backup=False)
    facts = start_facts(db.engine)
    assert facts.site_name == "" and not facts.has_staff
    db.dispose()


LAUNCH_HEAVY = HEAVY + ("sqlalchemy", "typer", "click", "openpyxl", "reportlab")


def test_plain_launch_path_imports_neither_sqlalchemy_nor_typer(tmp_path: Path) -> None:
    """What ``deskapp --db URL`` runs until the login form is drawn, on a current SQLite
    file: the command line without Typer, the schema check and the start facts with the
    standard library (SQLAlchemy and the rest load after the first paint)."""
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    db = Database(url)
    migrate.upgrade(db.engine, backup=False)
    db.dispose()
    loaded = _modules_after(
        "import deskapp.cli\n"
        f"assert deskapp.cli.plain_launch(['--db', {url!r}, '--lang=en']) is not None\n"
        "from deskapp.config import Settings\n"
        "from deskapp.tui.app import create_app\n"
        "import deskapp.tui.screens.login\n"
        f"app = create_app(Settings(db_url={url!r}))\n"
        "from deskapp.services.startup import start_facts_of\n"
        "facts = start_facts_of(app.db)\n"
        "assert facts.site_name == '' and not facts.has_staff\n")
    assert not [m for m in LAUNCH_HEAVY if m in loaded]


def test_plain_launch_takes_only_the_global_options() -> None:
    from deskapp.cli import plain_launch

    assert plain_launch([]) == {}
    assert plain_launch(["--db", "sqlite:///x", "--lang=en", "--desk", "A", "--lang", "zh"]) \
        == {"db": "sqlite:///x", "lang": "zh", "desk": "A"}
    for args in (["run"], ["--help"], ["--db"], ["--lang", "en", "demo"], ["--login", "x"]):
        assert plain_launch(args) is None


def test_sqlite_start_facts_match_the_engine(tmp_path: Path) -> None:
    from deskapp.services.startup import schema_current, start_facts_of

    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    assert not schema_current(url)  # no file yet: upgrade decides
    db = Database(url)
    migrate.upgrade(db.engine, backup=False)
    assert schema_current(url)
    from deskapp.services import site

    with db.write() as session:
        site.set_up_site(session, name="华府")
    assert start_facts_of(Database(url)) == start_facts(db.engine)
    assert start_facts_of(db).site_name == "华府"
    with db.engine.begin() as conn:
        from sqlalchemy import text

        conn.execute(text("UPDATE alembic_version SET version_num = 'ops_001' "
                          "WHERE version_num = 'ops_002_h17'"))
    assert not schema_current(url)  # a branch behind: Alembic is asked
    db.dispose()
    assert not schema_current("sqlite://") and not schema_current(
        "postgresql+psycopg://postgres@127.0.0.1/x")


DRAWN_HEAVY = ("sqlalchemy", "sqlmodel", "deskapp.db.models", "deskapp.services.staff",
               "pypinyin", "alembic")


def test_login_form_is_drawn_before_the_orm_is_imported(db: Database, receptionist: object
                                                         ) -> None:
    """The real start (``create_app`` on a SQLite file with staff) up to the login form on
    the screen, with the warm-up worker held back: nothing on the way (the start facts,
    the login screen's first showing) imports SQLAlchemy, the ORM or the services. The
    login screen once read a change mark through the ORM when first shown, in a worker
    that raced the warm-up's imports."""
    loaded = _modules_after(
        "import asyncio\n"
        "from deskapp.config import Settings\n"
        "from deskapp.tui.app import DeskApp, create_app\n"
        "DeskApp._warm_up = lambda self: None\n"
        f"app = create_app(Settings(db_url={db.url!r}, idle_lock_seconds=0))\n"
        "async def main():\n"
        "    async with app.run_test() as pilot:\n"
        "        for _ in range(500):\n"
        "            if app.screen.query('#login-submit'):\n"
        "                break\n"
        "            await pilot.pause(0.01)\n"
        "        await pilot.pause(0.2)\n"
        "        assert app.screen.query('#login-submit'), 'no login form'\n"
        "        await app.workers.wait_for_complete()\n"
        "asyncio.run(main())\n")
    assert not [m for m in DRAWN_HEAVY if m in loaded]


def test_warm_up_from_many_threads_at_once(db: Database) -> None:
    """The warm-up and early service calls import SQLAlchemy, the models and the services
    in one place, one thread at a time: threads that start together all get a working
    session (two threads importing SQLAlchemy at once once failed with "cannot import name
    … from partially initialized module")."""
    loaded = _modules_after(
        "import threading\n"
        "from deskapp.db.engine import Database\n"
        "from deskapp.services import startup\n"
        f"db = Database({db.url!r})\n"
        "gate = threading.Barrier(4)\n"
        "errors = []\n"
        "def work():\n"
        "    gate.wait()\n"
        "    try:\n"
        "        startup.warm_up()\n"
        "        with db.read() as session:\n"
        "            startup.change_mark(session)\n"
        "    except Exception as err:\n"
        "        errors.append(repr(err))\n"
        "threads = [threading.Thread(target=work) for _ in range(4)]\n"
        "for th in threads: th.start()\n"
        "for th in threads: th.join()\n"
        "assert not errors, errors\n"
        "assert startup._warmed\n")
    assert "deskapp.db.models" in loaded and "deskapp.services.staff" in loaded


async def test_garbage_collection_is_back_on_once_the_login_is_drawn(db, make_app,
                                                                      receptionist) -> None:
    """``deskapp`` starts with the cyclic collector off (``cli.open_app``); the app turns
    it back on once its first screen is drawn."""
    from tests.helpers import settle

    app = make_app()
    gc.disable()
    try:
        async with app.run_test() as pilot:
            await settle(pilot)
            assert app.screen.query("#login-submit")
            assert gc.isenabled()
    finally:
        gc.enable()
