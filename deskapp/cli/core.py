"""Core commands: run, demo, init, db upgrade, staff, import units, audit verify."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from deskapp.cli.base import (
    actor,
    app,
    audit_app,
    db_app,
    fail,
    import_app,
    open_db,
    staff_app,
    state,
)
from deskapp.config import data_dir


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    db: str = typer.Option(None, "--db", help="Database URL (or DESKAPP_DB)"),
    lang: str = typer.Option(None, "--lang", help="zh (default) or en"),
    desk: str = typer.Option(None, "--desk", help="This desk's name (or DESKAPP_DESK)"),
) -> None:
    state.db, state.lang, state.desk = db, lang, desk
    if ctx.invoked_subcommand is None:
        run_app()


def run_app(login: str | None = None) -> None:
    from deskapp.tui.app import create_app

    create_app(state.settings(), login=login).run()


@app.command()
def run(login: str = typer.Option(None, "--login", help="Skip the login screen (demo only)")) -> None:
    """Open the app (the same as plain `deskapp`)."""
    run_app(login)


@app.command()
def demo(
    path: Path = typer.Option(None, "--path", help="Demo database file"),
    keep: bool = typer.Option(False, "--keep", help="Reuse an existing demo database"),
    no_run: bool = typer.Option(False, "--no-run", help="Only build the database"),
    seed: int = typer.Option(1, "--seed"),
    no_activity: bool = typer.Option(False, "--no-activity",
                                     help="Site, units and staff only: no demo history"),
) -> None:
    """Build a fresh demo database (529 households, demo staff) and open the app on it."""
    target = path or data_dir() / "demo.sqlite3"
    if state.db is None:
        state.db = f"sqlite:///{target}"
    url = state.db
    if url.startswith("sqlite:///") and not keep:
        file = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(file) + suffix).unlink(missing_ok=True)
    db = open_db()
    from deskapp.services import site
    from deskapp.services.demo import build_demo

    with db.read() as session:
        exists = site.get_site(session) is not None
    if not exists:
        with db.write() as session:
            summary = build_demo(session, seed=seed, activity=not no_activity)
        typer.echo(f"demo database: {url}\n{summary.units} units, {summary.occupants} "
                   f"occupants; demo activity: {', '.join(summary.modules) or 'none'}")
    else:
        typer.echo(f"demo database (kept): {url}")
    typer.echo("logins: zhuguan / zhuanyuan / qiantai1 / qiantai2, password demo123")
    db.dispose()
    if not no_run:
        run_app()


@app.command()
def init(
    site_name: str = typer.Option(..., "--site", prompt="项目名称 / site name"),
    login: str = typer.Option(..., "--login", prompt="主管账号 / supervisor login"),
    name: str = typer.Option(..., "--name", prompt="姓名 / name"),
    password: str = typer.Option(None, "--password", help="Prompted when omitted"),
) -> None:
    """Set up a real site on an empty database: site name and the first supervisor."""
    from deskapp.errors import DeskError
    from deskapp.services import site, staff
    from deskapp.services.site import data_dir as ref_dir
    from deskapp.services.site import load_reference, read_reference_file

    db = open_db()
    with db.read() as session:
        if staff.count_staff(session):
            fail("this database already has staff accounts")
    if password is None:
        password = getpass.getpass("密码 / password: ")
        if password != getpass.getpass("确认 / again: "):
            fail("passwords differ")
    try:
        with db.write() as session:
            site.set_up_site(session, name=site_name)
            boss = staff.create_staff(session, by=None, login=login, name=name,
                                      role=staff.Role.SUPERVISOR, password=password)
            items = []
            for file in ("site.toml", "fees.toml", "facilities.toml", "phonebook.toml"):
                res = ref_dir() / file
                if res.is_file():
                    items.extend(read_reference_file(res))
            load_reference(session, items, by=boss)
    except DeskError as err:
        fail(str(err))
    typer.echo(f"site “{site_name}” ready; supervisor {login} created")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the schema (a backup copy is taken first on SQLite)."""
    from deskapp.db import migrate

    db = open_db(upgrade=False)
    copy = migrate.upgrade(db.engine)
    heads = ", ".join(sorted(migrate.current_revisions(db.engine)))
    typer.echo(f"schema at {heads}" + (f"; backup {copy}" if copy else ""))


@staff_app.command("list")
def staff_list() -> None:
    """List staff accounts."""
    from deskapp.i18n import t
    from deskapp.services import staff

    db = open_db()
    with db.read() as session:
        for s in staff.list_staff(session):
            typer.echo(f"{s.login:<14} {s.name:<8} {t('role.' + s.role.value):<8} "
                       f"{'active' if s.active else 'disabled'}")


@staff_app.command("add")
def staff_add(
    login: str,
    name: str,
    role: str = typer.Option("receptionist", help="receptionist | specialist | supervisor"),
    password: str = typer.Option(None, "--password"),
    as_: str = typer.Option(None, "--as", help="Acting supervisor's login"),
) -> None:
    """Add a staff account (done as a supervisor)."""
    from deskapp.errors import DeskError
    from deskapp.services import staff

    password = password or getpass.getpass("密码 / password: ")
    db = open_db()
    try:
        with db.write() as session:
            staff.create_staff(session, by=actor(session, as_), login=login, name=name,
                               role=staff.Role(role), password=password)
    except (DeskError, ValueError) as err:
        fail(str(err))
    typer.echo(f"added {login}")


@staff_app.command("passwd")
def staff_passwd(login: str, password: str = typer.Option(None, "--password"),
                 as_: str = typer.Option(None, "--as")) -> None:
    """Reset a staff member's password."""
    from deskapp.errors import DeskError
    from deskapp.services import staff

    password = password or getpass.getpass("新密码 / new password: ")
    db = open_db()
    try:
        with db.write() as session:
            target = staff.get_by_login(session, login)
            staff.reset_password(session, by=actor(session, as_), staff_id=target.id, new=password)
    except DeskError as err:
        fail(str(err))
    typer.echo(f"password reset for {login}")


@staff_app.command("disable")
def staff_disable(login: str, as_: str = typer.Option(None, "--as"),
                  enable: bool = typer.Option(False, "--enable")) -> None:
    """Disable (or --enable) a staff account."""
    from deskapp.errors import DeskError
    from deskapp.services import staff

    db = open_db()
    try:
        with db.write() as session:
            target = staff.get_by_login(session, login)
            staff.set_active(session, by=actor(session, as_), staff_id=target.id, active=enable)
    except DeskError as err:
        fail(str(err))
    typer.echo(f"{login} {'enabled' if enable else 'disabled'}")


@import_app.command("units")
def import_units(file: Path, as_: str = typer.Option(None, "--as")) -> None:
    """Load the site's unit register from XLSX or CSV (UTF-8, UTF-8 BOM or GB18030).
    A file with any bad row is rejected whole, with every problem listed by row."""
    from deskapp.errors import DeskError
    from deskapp.services.unit_import import import_units as do_import

    db = open_db()
    try:
        with db.write() as session:
            result = do_import(session, by=actor(session, as_), path=file)
    except DeskError as err:
        problems = getattr(err, "problems", [])
        lines = [str(err)] + [f"  第{row}行 / row {row}: {msg}" for row, msg in problems]
        fail("\n".join(lines))
    typer.echo(str(result))


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit log; name the first broken entry."""
    from deskapp.services import audit

    db = open_db()
    with db.read() as session:
        result = audit.verify(session)
    if result.ok:
        typer.echo(f"audit log intact: {result.checked} entries")
    else:
        fail(f"audit log broken at entry #{result.first_broken_seq} ({result.reason}); "
             f"{result.checked} entries before it are intact")
