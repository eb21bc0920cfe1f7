"""Core commands: run, demo, init, db upgrade, staff, import units, audit verify."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from deskapp.cli.base import (
    app,
    as_option,
    audit_app,
    db_app,
    fail,
    import_app,
    open_db,
    signed_in,
    staff_app,
    state,
)
from deskapp.config import data_dir
from deskapp.i18n import set_language, t


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    db: str = typer.Option(None, "--db", help="Database URL (or DESKAPP_DB)"),
    lang: str = typer.Option(None, "--lang", help="zh (default) or en"),
    desk: str = typer.Option(None, "--desk", help="This desk's name (or DESKAPP_DESK)"),
) -> None:
    state.db, state.lang, state.desk = db, lang, desk
    set_language(state.settings().language)  # also for messages before the database opens
    if ctx.invoked_subcommand is None:
        run_app()


def run_app(login: str | None = None) -> None:
    from deskapp.cli import open_app

    open_app(db=state.db, lang=state.lang, desk=state.desk, login=login)


@app.command()
def run(login: str = typer.Option(None, "--login", help="Skip the login screen: asks this "
                                  "login's password (or DESKAPP_PASSWORD)")) -> None:
    """Open the app (the same as plain `deskapp`)."""
    if login:
        db = open_db()
        try:
            login = signed_in(db, login).login
        finally:
            db.dispose()
    run_app(login)


@app.command()
def demo(
    path: Path = typer.Option(None, "--path", help="Demo database file"),
    keep: bool = typer.Option(False, "--keep", help="Reuse an existing demo database"),
    no_run: bool = typer.Option(False, "--no-run", help="Only build the database"),
    seed: int = typer.Option(1, "--seed"),
    no_activity: bool = typer.Option(False, "--no-activity",
                                     help="Site, units and staff only: no demo history"),
    force: bool = typer.Option(False, "--force",
                               help="Overwrite a database that is not a demo database "
                                    "(a backup copy is taken first)"),
) -> None:
    """Build a fresh demo database (529 households, demo staff) and open the app on it.
    Only a demo database (or an empty one) is overwritten; any other database only with
    --force, and then after a verified backup."""
    if path is not None and state.db is not None:
        fail(t("cli.demo.path_and_db"))
    if state.db is None:
        state.db = f"sqlite:///{path or data_dir() / 'demo.sqlite3'}"
    url = state.db
    if url.startswith("sqlite:///") and not keep:
        _clear_for_demo(url, force=force)
    db = open_db()
    from deskapp.services import site
    from deskapp.services.demo import build_demo

    with db.read() as session:
        exists = site.get_site(session) is not None
    if not exists:
        summary = _build_with_progress(db, build_demo, seed=seed, activity=not no_activity)
        typer.echo(t("cli.demo.built", url=url, units=summary.units,
                     occupants=summary.occupants,
                     modules=", ".join(summary.modules) or t("cli.none")))
    else:
        typer.echo(t("cli.demo.kept", url=url))
    typer.echo(t("cli.demo.logins"))
    db.dispose()
    if not no_run:
        run_app()


def _clear_for_demo(url: str, *, force: bool) -> None:
    """Remove the SQLite file at ``url`` (and its -wal/-shm) for a fresh demo: at once when
    it is a demo or empty database; another database only with ``force`` and after a
    verified backup through the backup service."""
    from deskapp.services.demo import database_kind

    file = Path(url.removeprefix("sqlite:///"))
    if database_kind(url) == "other":
        if not force:
            fail(t("cli.demo.not_demo", path=file))
        from deskapp.db.engine import Database
        from deskapp.errors import DeskError
        from deskapp.services.backup import backup_dir, take_backup

        settings = state.settings()
        db = Database(url)
        try:
            copy = take_backup(db, directory=backup_dir(settings),
                               keep=max(settings.backups_kept, 1))
        except DeskError as err:
            fail(t("cli.demo.backup_failed", error=str(err)))
        finally:
            db.dispose()
        typer.echo(t("cli.demo.backed_up", path=file, copy=copy.path))
    for suffix in ("", "-wal", "-shm"):
        Path(str(file) + suffix).unlink(missing_ok=True)


def _build_with_progress(db, build_demo, **options):  # type: ignore[no-untyped-def]
    """Build the demo in one transaction with a progress bar naming the part being built
    (issue #17); on a terminal-less run (tests, CI logs) rich prints nothing extra."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from deskapp.i18n import has

    def label(area: str) -> str:
        key = f"cli.demo.part.{area}"
        return t(key) if has(key) else area

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task(t("cli.demo.building", part=label("site")), total=1)

        def progress(area: str, done: int, total: int) -> None:
            bar.update(task, description=t("cli.demo.building", part=label(area)),
                       completed=done, total=total)

        from deskapp.services import audit

        with db.write() as session:
            audit.ensure_key(session)
            summary = build_demo(session, progress=progress, **options)
            audit.reset_anchor(session)  # a new database where an old one may have been
        bar.update(task, completed=bar.tasks[0].total)
    return summary


@app.command()
def init(
    site_name: str = typer.Option(None, "--site", help="Site name (prompted when omitted)"),
    login: str = typer.Option(None, "--login", help="Supervisor login (prompted)"),
    name: str = typer.Option(None, "--name", help="Supervisor's name (prompted)"),
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
            fail(t("cli.init.has_staff"))
    site_name = site_name or typer.prompt(t("cli.init.site"))
    login = login or typer.prompt(t("cli.init.login"))
    name = name or typer.prompt(t("cli.init.name"))
    if password is None:
        password = getpass.getpass(t("cli.password") + "：")
        if password != getpass.getpass(t("cli.password_again") + "："):
            fail(t("cli.passwords_differ"))
    try:
        from deskapp.services import audit

        with db.write() as session:
            audit.ensure_key(session)
            site.set_up_site(session, name=site_name)
            boss = staff.create_staff(session, by=None, login=login, name=name,
                                      role=staff.Role.SUPERVISOR, password=password)
            items = []
            for file in ("site.toml", "fees.toml", "facilities.toml", "phonebook.toml"):
                res = ref_dir() / file
                if res.is_file():
                    items.extend(read_reference_file(res))
            load_reference(session, items, by=boss)
            audit.reset_anchor(session)
    except DeskError as err:
        fail(str(err))
    typer.echo(t("cli.init.done", site=site_name, login=login))
    typer.echo(t("cli.audit.key_note", path=audit.key_path()))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the schema (a backup copy is taken first on SQLite)."""
    from deskapp.db import migrate

    db = open_db(upgrade=False)
    copy = migrate.upgrade(db.engine)
    heads = ", ".join(sorted(migrate.current_revisions(db.engine)))
    typer.echo(t("cli.db.schema", heads=heads)
               + (t("cli.db.backup_copy", path=copy) if copy else ""))


@staff_app.command("list")
def staff_list(as_: str = as_option()) -> None:
    """List staff accounts (a supervisor)."""
    from deskapp.services import staff

    db = open_db()
    signed_in(db, as_, staff.Role.SUPERVISOR)
    from deskapp.reporting.text import lines

    with db.read() as session:
        rows = [[s.login, s.name, t("role." + s.role.value),
                 t("cli.staff.active") if s.active else t("cli.staff.disabled")]
                for s in staff.list_staff(session)]
    typer.echo(lines(rows), nl=False)  # rich: Chinese names take two cells each


@staff_app.command("add")
def staff_add(
    login: str,
    name: str,
    role: str = typer.Option("receptionist", help="receptionist | specialist | supervisor"),
    password: str = typer.Option(None, "--password", help="The new account's password "
                                 "(prompted when omitted)"),
    as_: str = as_option(),
) -> None:
    """Add a staff account (done as a supervisor)."""
    from deskapp.errors import DeskError
    from deskapp.services import staff

    db = open_db()
    by = signed_in(db, as_, staff.Role.SUPERVISOR)
    password = password or getpass.getpass(t("cli.new_password") + "：")
    try:
        with db.write() as session:
            staff.create_staff(session, by=by, login=login, name=name,
                               role=staff.Role(role), password=password)
    except (DeskError, ValueError) as err:
        fail(str(err))
    typer.echo(t("cli.staff.added", login=login))


@staff_app.command("passwd")
def staff_passwd(login: str, password: str = typer.Option(None, "--password",
                                                         help="The new password (prompted)"),
                 as_: str = as_option()) -> None:
    """Reset a staff member's password (a supervisor)."""
    from deskapp.errors import DeskError
    from deskapp.services import staff

    db = open_db()
    by = signed_in(db, as_, staff.Role.SUPERVISOR)
    password = password or getpass.getpass(t("cli.new_password") + "：")
    try:
        with db.write() as session:
            target = staff.get_by_login(session, login)
            staff.reset_password(session, by=by, staff_id=target.id, new=password)
    except DeskError as err:
        fail(str(err))
    typer.echo(t("cli.staff.reset", login=login))


@staff_app.command("disable")
def staff_disable(login: str, as_: str = as_option(),
                  enable: bool = typer.Option(False, "--enable")) -> None:
    """Disable (or --enable) a staff account (a supervisor)."""
    from deskapp.errors import DeskError
    from deskapp.services import staff

    db = open_db()
    by = signed_in(db, as_, staff.Role.SUPERVISOR)
    try:
        with db.write() as session:
            target = staff.get_by_login(session, login)
            staff.set_active(session, by=by, staff_id=target.id, active=enable)
    except DeskError as err:
        fail(str(err))
    typer.echo(t("cli.staff.enabled" if enable else "cli.staff.now_disabled", login=login))


@staff_app.command("unlock")
def staff_unlock(login: str, as_: str = as_option()) -> None:
    """Lift the lock left by five failed logins (a supervisor)."""
    from deskapp.errors import DeskError
    from deskapp.services import staff

    db = open_db()
    by = signed_in(db, as_, staff.Role.SUPERVISOR)
    try:
        with db.write() as session:
            lifted = staff.unlock_login(session, by=by, login=login)
    except DeskError as err:
        fail(str(err))
    typer.echo(t("cli.staff.unlocked" if lifted else "cli.staff.not_locked", login=login))


@import_app.command("units")
def import_units(file: Path, as_: str = as_option()) -> None:
    """Load the site's unit register from XLSX or CSV (UTF-8, UTF-8 BOM or GB18030).
    A file with any bad row is rejected whole, with every problem listed by row."""
    from deskapp.db.models import Role
    from deskapp.errors import DeskError
    from deskapp.services.unit_import import import_units as do_import

    db = open_db()
    by = signed_in(db, as_, Role.SUPERVISOR)
    try:
        with db.write() as session:
            result = do_import(session, by=by, path=file)
    except DeskError as err:
        problems = getattr(err, "problems", [])
        lines = [str(err)] + ["  " + t("cli.import.row", row=row, message=msg)
                              for row, msg in problems]
        fail("\n".join(lines))
    typer.echo(str(result))


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit log; name the first broken entry."""
    from deskapp.services import audit, backup

    db = open_db()
    with db.read() as session:
        anchors = audit.site_anchors(session,
                                     backup_directory=backup.backup_dir(state.settings()))
        result = audit.verify(session, anchors=anchors, check_triggers=True)
        last_seq, _ = audit.head(session)
    if result.ok:
        typer.echo(t("cli.audit.intact", n=result.checked))
        typer.echo(t("cli.audit.anchors", n=len(anchors), seq=last_seq))
    elif result.reason == "trigger":
        fail(t("cli.audit.trigger", n=result.checked))
    else:
        fail(t("cli.audit.broken", seq=result.first_broken_seq,
               reason=t(f"cli.audit.reason.{result.reason}", source=result.source),
               n=result.checked))
