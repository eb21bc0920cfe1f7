"""Operations: ``deskapp db backup``, ``deskapp db backups``, ``deskapp db restore``.

(``deskapp db upgrade`` and ``deskapp audit verify`` are in :mod:`deskapp.cli.core`.)
"""

from __future__ import annotations

from pathlib import Path

import typer

from deskapp.cli.base import as_option, db_app, fail, open_db, signed_in, state


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def _has_staff(url: str) -> bool:
    """Whether the database at ``url`` exists and holds staff accounts (then restoring
    over it needs one of its supervisors; an empty or missing target is set-up, open)."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("staff"):
                return False
            return bool(conn.execute(text("SELECT count(*) FROM staff")).scalar())
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


@db_app.command("backup")
def db_backup(
    directory: Path = typer.Option(None, "--dir", help="Where to keep the copies "
                                   "(default: backup_dir in settings.toml, else <data dir>/backups)"),
    keep: int = typer.Option(None, "--keep", help="Generations to keep (default: backups_kept, 7)"),
    restore_test: bool = typer.Option(False, "--restore-test",
                                      help="PostgreSQL: also restore into a scratch database "
                                      "and compare every table"),
    copy_key: Path = typer.Option(None, "--copy-key",
                                  help="Also copy the audit key file here (a folder or file "
                                  "apart from the backups, e.g. a USB stick)"),
    as_: str = as_option(),
) -> None:
    """Copy the database (safe while desks are working), verify the copy, keep N generations
    (a supervisor: the copy holds every resident's data). The audit key is NOT in the
    backup: it is kept (and must be backed up) separately."""
    from deskapp.db.models import Role
    from deskapp.errors import DeskError
    from deskapp.i18n import t
    from deskapp.services import backup

    settings = state.settings()
    db = open_db()
    try:
        signed_in(db, as_, Role.SUPERVISOR)
        result = backup.take_backup(db, directory=directory or backup.backup_dir(settings),
                                    keep=keep if keep is not None else settings.backups_kept,
                                    restore_test=restore_test)
    except DeskError as err:
        fail(str(err))
        return
    finally:
        db.dispose()
    typer.echo(t("ops.backup.done", file=result.path, size=_size(result.size), rows=result.rows,
                 verified=result.verified))
    for old in result.removed:
        typer.echo(t("ops.backup.removed", file=old.name))
    from deskapp.services import audit

    key = audit.key_path()
    if copy_key is not None and key.is_file():
        target = copy_key / key.name if copy_key.is_dir() else copy_key
        if target.resolve().parent == result.path.resolve().parent:
            fail(t("ops.backup.key_same_place"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(key.read_bytes())
        target.chmod(0o600)
        typer.echo(t("ops.backup.key_copied", path=target))
    else:
        typer.echo(t("ops.backup.key_note", path=key))


@db_app.command("backups")
def db_backups(directory: Path = typer.Option(None, "--dir")) -> None:
    """List the kept backup generations, oldest first."""
    from deskapp.i18n import set_language, t
    from deskapp.services import backup

    settings = state.settings()
    set_language(settings.language)
    where = directory or backup.backup_dir(settings)
    files = backup.list_backups(where)
    if not files:
        typer.echo(t("ops.backup.none", dir=where))
        return
    for path in files:
        manifest = backup.read_manifest(path) or {}
        rows = sum(int(n) for n in dict(manifest.get("tables", {})).values())
        typer.echo(t("ops.backup.list_line", file=path, size=_size(path.stat().st_size),
                     rows=rows, at=manifest.get("created_at", "?")))


@db_app.command("restore")
def db_restore(
    file: Path = typer.Argument(..., help="A file written by `deskapp db backup`"),
    to: str = typer.Option(None, "--to", help="Target database URL or SQLite file "
                           "(default: the configured database)"),
    replace: bool = typer.Option(False, "--replace", help="SQLite: restore over an existing "
                                 "file; it is saved beside it first"),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation"),
    as_: str = as_option(),
) -> None:
    """Restore a backup into a fresh database and verify it (rows, audit chain). Over a
    database that has staff accounts, a supervisor of that database signs in first."""
    from sqlalchemy.engine import make_url

    from deskapp import clock
    from deskapp.errors import DeskError
    from deskapp.i18n import set_language, t
    from deskapp.services import backup

    settings = state.settings()
    set_language(settings.language)
    clock.set_timezone(settings.timezone)
    url = to or settings.db_url
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    shown = make_url(url).render_as_string(hide_password=True)
    if _has_staff(url):
        from deskapp.db.engine import Database
        from deskapp.db.models import Role

        target = Database(url)
        try:
            signed_in(target, as_, Role.SUPERVISOR)
        finally:
            target.dispose()
    if not yes and not typer.confirm(t("ops.restore.confirm", file=file.name, url=shown)):
        fail(t("ops.restore.cancelled"))
    try:
        result = backup.restore(file, url=url, replace=replace)
    except DeskError as err:
        fail(str(err))
        return
    if result.saved_previous is not None:
        typer.echo(t("ops.restore.saved", file=result.saved_previous))
    typer.echo(t("ops.restore.done", url=result.url, rows=result.rows,
                 audit=result.audit_checked))
    if result.upgraded:
        typer.echo(t("ops.restore.upgraded"))
    if not result.audit_ok:
        fail(t("ops.restore.audit_broken", seq=result.audit_broken_at, reason=result.audit_reason),
             code=2)


@db_app.command("grant")
def db_grant(
    role: str = typer.Option(..., "--role", help="The desks' login role to create or update"),
    print_only: bool = typer.Option(False, "--print", help="Only print the SQL"),
    no_password: bool = typer.Option(False, "--no-password",
                                     help="Set no password (peer/certificate authentication)"),
) -> None:
    """PostgreSQL: make (or refresh) the least-privilege login role the desks connect with.
    Run as the owner role that runs the migrations, and again after every `db upgrade`."""
    import getpass
    import os

    from deskapp.db import grants
    from deskapp.i18n import t

    if not grants.valid_role(role):
        fail(t("ops.grant.bad_role", role=role), 2)
    db = open_db()
    try:
        if db.engine.dialect.name != "postgresql":
            fail(t("ops.grant.pg_only"), 2)
        if print_only:
            sql = grants.grant_statements(role, grants.public_tables(db.engine),
                                          database=db.engine.url.database or "")
            typer.echo(";\n".join(sql) + ";")
            return
        password = None
        if not no_password:
            password = os.environ.get("DESKAPP_ROLE_PASSWORD")
            if password is None:
                password = getpass.getpass(t("ops.grant.password", role=role) + "：")
                if password != getpass.getpass(t("cli.password_again") + "："):
                    fail(t("cli.passwords_differ"))
            if not password:
                fail(t("ops.grant.need_password"), 2)
        grants.apply_grants(db.engine, role, password=password)
    finally:
        db.dispose()
    typer.echo(t("ops.grant.done", role=role))
