"""Parking commands (issue #20 part 3): the plate search, the passes ending soon, and a
pass issued from the command line — each as a staff member (``--as LOGIN`` + password)."""

from __future__ import annotations

from datetime import date

import typer

from deskapp.cli.base import app, as_option, fail, open_db, signed_in

parking_app = typer.Typer(help="Parking: plate search, expiring passes, new passes (停车)")
app.add_typer(parking_app, name="parking")


@parking_app.command("plate")
def plate(text: str, as_: str = as_option()) -> None:
    """Find the passes of a plate (part of it is enough); the holder's phone masked."""
    from deskapp.errors import DeskError
    from deskapp.i18n import t
    from deskapp.reporting.text import lines
    from deskapp.services.customer import parking_views

    db = open_db()
    signed_in(db, as_)
    try:
        with db.read() as session:
            hits = parking_views.find_plate(session, text)
    except DeskError as err:
        fail(str(err))
    if not hits:
        typer.echo(t("parking.cli.none"))
        return
    typer.echo(lines([[h.plate, h.space_no, h.unit_code, t(f"parking.status.{h.status}"),
                       h.end.isoformat() if h.end else "—", h.holder, h.phone_masked]
                      for h in hits]), nl=False)


@parking_app.command("expiring")
def expiring_cmd(days: int = typer.Option(30, help="Ending within this many days"),
                 as_: str = as_option()) -> None:
    """The passes ending in the next DAYS days (not ended early), soonest first."""
    from deskapp.i18n import t
    from deskapp.reporting.text import lines
    from deskapp.services.customer import parking_views

    if not 0 <= days <= 366:
        fail(t("parking.cli.days"))
    db = open_db()
    signed_in(db, as_)
    with db.read() as session:
        rows = parking_views.expiring(session, within_days=days)
    if not rows:
        typer.echo(t("parking.cli.none"))
        return
    typer.echo(lines([[le.plate, le.space_no, code,
                       le.end_date.isoformat() if le.end_date else ""]
                      for le, code in rows]), nl=False)


@parking_app.command("issue")
def issue(space: str = typer.Option(..., help="Space number, e.g. B1-001"),
          unit: str = typer.Option(..., help="The unit that pays, e.g. 3-1-1201"),
          plate_no: str = typer.Option(..., "--plate", help="Plate, e.g. 豫C12345"),
          start: str = typer.Option("", help="First day (YYYY-MM-DD, default today)"),
          months: int = typer.Option(12, help="Months (or --until)"),
          until: str = typer.Option("", help="Last day (YYYY-MM-DD)"),
          holder: str = typer.Option("", help="Holder's name"),
          phone: str = typer.Option("", help="Holder's phone"),
          as_: str = as_option()) -> None:
    """Issue a monthly pass (the cashier bills it every month it covers)."""
    from deskapp.db.models import Role
    from deskapp.errors import DeskError
    from deskapp.i18n import t
    from deskapp.services import units
    from deskapp.services.customer import parking

    db = open_db()
    by = signed_in(db, as_, Role.RECEPTIONIST, Role.SPECIALIST)
    try:
        with db.write() as session:
            found = units.find_unit_by_code(session, unit)
            if found is None:
                fail(t("unit.not_found"))
            lease = parking.issue_pass(
                session, by=by, space=space, unit_id=found.id if found else None,
                plate=plate_no, start_date=start or None,
                end_date=until or None, months=None if until else months, holder=holder,
                holder_phone=phone)
            end = lease.end_date or date.max
            typer.echo(t("parking.saved.issue", plate=lease.plate)
                       + f"  {lease.space_no}  {lease.start_date} ~ {end}")
    except DeskError as err:
        fail(str(err))
