"""Cashier commands.

* ``deskapp report cashier --date 2026-11-30 | --month 2026-11 [--format text|json|csv|xlsx]
  [--output FILE]`` — the day's takings by cashier and method, closes and the number check,
  with every receipt; or the month's figures with one row per day.
* ``deskapp cashier standards [--file FILE] --as LOGIN`` — load the fee standards
  (``data/fee-standards.toml`` by default); a changed price needs a new effective date.
* ``deskapp cashier bills --period 2026-12 [--building 3] --as LOGIN`` — make a month's
  property-fee and parking bills (running it again adds nothing).
"""

from __future__ import annotations

from pathlib import Path

import typer

from deskapp.cli.base import app, as_option, fail, open_db, report_app, signed_in
from deskapp.i18n import t

cashier_app = typer.Typer(help="Cashier: fee standards and bills")
app.add_typer(cashier_app, name="cashier")


@report_app.command("cashier")
def report_cashier(
    day: str = typer.Option(None, "--date", help="A day, YYYY-MM-DD"),
    month: str = typer.Option(None, "--month", help="A month, YYYY-MM"),
    fmt: str = typer.Option("text", "--format", help="text | json | csv | xlsx"),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file (xlsx: required)"),
    as_: str = as_option(),
) -> None:
    """The cashier's day (--date) or month (--month) report."""
    from deskapp import clock
    from deskapp.errors import DeskError
    from deskapp.services.cashier import report as cr

    if (day is None) == (month is None):
        fail(t("cashier.cli.date_or_month"), 2)
    if fmt not in cr.FORMATS:
        fail(t("cli.bad_format", formats=", ".join(cr.FORMATS)), 2)
    if fmt == "xlsx" and output is None:
        fail(t("cli.xlsx_needs_output"), 2)
    db = open_db()
    signed_in(db, as_)  # as on the cashier screen: any staff member
    try:
        with db.read() as session:
            if day is not None:
                try:
                    wanted = clock.parse_date(day)
                except ValueError:
                    fail(t("cli.bad_date", value=day), 2)
                report = cr.day_report_data(session, day=wanted)
            else:
                try:
                    year, mon = clock.parse_month(month)
                except ValueError:
                    fail(t("cli.bad_month", value=month), 2)
                report = cr.month_report_data(session, year=year, month=mon)
    except DeskError as err:
        fail(str(err))
    finally:
        db.dispose()
    if fmt == "xlsx":
        from deskapp.reporting import xlsx

        output.write_bytes(xlsx.render(report.table()))
        typer.echo(str(output))
        return
    if fmt == "json":
        import json

        text = json.dumps({"title": report.title, **report.data}, ensure_ascii=False, indent=2,
                          default=str) + "\n"
    elif fmt == "csv":
        from deskapp.reporting import csv

        table = report.table()
        text = csv.render(table, tables=table.tables[1:])
    else:
        from deskapp.reporting import text as text_writer

        text = text_writer.render(report.table())
    if output is not None:
        output.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        typer.echo(str(output))
    else:
        typer.echo(text, nl=False)


@cashier_app.command("standards")
def load_standards(
    file: Path = typer.Option(None, "--file", help="fee-standards.toml (default: shipped)"),
    as_: str = as_option(),
) -> None:
    """Load the fee standards; prices already loaded keep their dates (a supervisor)."""
    from deskapp.db.models import Role
    from deskapp.errors import DeskError
    from deskapp.services.cashier import fees

    db = open_db()
    by = signed_in(db, as_, Role.SUPERVISOR)
    try:
        with db.write() as session:
            specs = fees.read_standards_file(file)
            result = fees.load_standards(session, by=by, specs=specs)
    except DeskError as err:
        fail(str(err))
    typer.echo(t("cashier.cli.standards_loaded", added=result.added,
                 unchanged=result.unchanged))


@cashier_app.command("bills")
def make_bills(
    period: str = typer.Option(..., "--period", help="YYYY-MM"),
    building: str = typer.Option(None, "--building", help="Only this building's code"),
    as_: str = as_option(),
) -> None:
    """Make a month's property-fee and parking bills (idempotent)."""
    from deskapp.errors import DeskError
    from deskapp.money import format_fen
    from deskapp.services.cashier import fees as cashier_fees

    db = open_db()
    by = signed_in(db, as_)  # the service holds the role rule
    try:
        with db.write() as session:
            result = cashier_fees.generate_bills(session, by=by, period=period,
                                            building=building)
    except DeskError as err:
        fail(str(err))
    typer.echo(t("cashier.cli.bills_made", period=result.period, created=result.created,
                 total=format_fen(result.total_fen), existing=result.existing,
                 without=result.without_standard))
