"""The Typer applications every CLI module registers its commands on."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer

from deskapp.config import Settings, load_settings

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


def actor(session, login: str | None):  # type: ignore[no-untyped-def]
    """The staff member a CLI action is done as (``--as LOGIN``); default: the first active
    supervisor."""
    from sqlmodel import select

    from deskapp.db.models import Role, Staff
    from deskapp.services.staff import get_by_login

    if login:
        return get_by_login(session, login)
    staff = session.exec(
        select(Staff).where(Staff.role == Role.SUPERVISOR, Staff.active == True)  # noqa: E712
        .order_by(Staff.id)
    ).first()
    if staff is None:
        from deskapp.i18n import t

        fail(t("cli.no_supervisor"))
    return staff
