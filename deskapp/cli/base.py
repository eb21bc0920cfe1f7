"""The Typer applications every CLI module registers its commands on."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

from deskapp.config import Settings, load_settings

if TYPE_CHECKING:
    from deskapp.db.models import Role, Staff

app = typer.Typer(help="deskapp — 物业客服前台系统 / property front desk", no_args_is_help=False,
                  add_completion=False, rich_markup_mode=None)
db_app = typer.Typer(help="Database: upgrade, backup, restore")
staff_app = typer.Typer(help="Staff accounts")
import_app = typer.Typer(help="Import a site's data")
report_app = typer.Typer(help="Reports: text, json, csv, xlsx, pdf")
audit_app = typer.Typer(help="Audit log")
app.add_typer(db_app, name="db")
app.add_typer(staff_app, name="staff")
app.add_typer(import_app, name="import")
app.add_typer(report_app, name="report")
app.add_typer(audit_app, name="audit")


@dataclass
class State:
    db: str | None = None
    lang: str | None = None
    desk: str | None = None
    cache: dict[str, object] = field(default_factory=dict)

    def settings(self) -> Settings:
        return load_settings(db_url=self.db, language=self.lang, desk=self.desk)


state = State()


def open_db(*, upgrade: bool = True):  # type: ignore[no-untyped-def]
    """The configured database, migrated to the current schema."""
    from deskapp import clock
    from deskapp.db import migrate
    from deskapp.db.engine import Database
    from deskapp.i18n import set_language

    settings = state.settings()
    set_language(settings.language)
    clock.set_timezone(settings.timezone)
    db = Database(settings.db_url)
    if upgrade:
        migrate.upgrade(db.engine)
    return db


def fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


AS_HELP = ("Your login; the password is asked with hidden input "
           "(or read from DESKAPP_PASSWORD in scripts)")


def as_option():  # type: ignore[no-untyped-def]
    """The ``--as LOGIN`` option of every command that acts for a staff member."""
    return typer.Option(None, "--as", help=AS_HELP)


PASSWORD_ENV = "DESKAPP_PASSWORD"


def signed_in(db, login: str | None, *roles: Role) -> Staff:  # type: ignore[no-untyped-def]
    """The one door of the command line: the staff member ``--as LOGIN`` proves to be with
    the password (``DESKAPP_PASSWORD`` or a hidden prompt), checked by the login screen's
    own :func:`deskapp.services.staff.sign_in` (five failures lock the login; every
    failure is audited), then held to ``roles`` by ``staff.require_role`` (no roles: any
    active staff member). Fails the command with a clear message otherwise — there is no
    implicit "first supervisor"."""
    from deskapp.db.models import Role
    from deskapp.errors import DeskError
    from deskapp.i18n import t
    from deskapp.services import staff as staff_svc

    if not login or not login.strip():
        fail(t("cli.auth.need_as"), 2)
    assert login is not None
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        try:
            password = typer.prompt(t("cli.auth.password", login=login.strip()),
                                    hide_input=True, default="", show_default=False)
        except (typer.Abort, EOFError):
            password = ""
    if not password:
        fail(t("cli.auth.need_password", env=PASSWORD_ENV), 2)
    with db.write() as session:
        result = staff_svc.sign_in(session, login=login, password=password, channel="cli")
    if result.error is not None:
        fail(str(result.error))
    try:
        return staff_svc.require_role(result.staff, *(roles or tuple(Role)))
    except DeskError as err:
        fail(str(err))
        raise
