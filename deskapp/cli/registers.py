"""Front-desk registers from the command line:

* ``deskapp report registers --month 2026-11 [-f text|json]`` — the month's figures;
* ``deskapp registers open`` — everything open now (what the handover lists);
* ``deskapp registers goods-pass FX2026-00012 -o pass.pdf`` — print a goods release pass;
* ``deskapp registers load-kinds`` — add the plan's lending items (雨伞, 轮椅 …).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import typer

from deskapp.cli.base import app, as_option, fail, open_db, report_app, signed_in

registers_app = typer.Typer(help="Front-desk registers: visitors, keys, lending, parcels, "
                                 "lost and found, goods passes")
app.add_typer(registers_app, name="registers")


@report_app.command("registers")
def report_registers(
    month: str = typer.Option(None, "--month", "-m", help="YYYY-MM (default: this month)"),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
    as_: str = as_option(),
) -> None:
    """The registers' figures for one month (site-local)."""
    from deskapp import clock
    from deskapp.i18n import t
    from deskapp.services.registers import registers as reg

    db = open_db()
    try:
        if month:
            try:
                year, mon = clock.parse_month(month)
            except ValueError:
                fail(t("registers.cli.bad_month"))
                return
        else:
            year, mon = clock.today().year, clock.today().month
        if format not in ("text", "json"):
            fail(t("registers.cli.bad_format"))
        signed_in(db, as_)  # as on the report screen: any staff member
        with db.read() as session:
            figures = reg.monthly_summary(session, year=year, month=mon)
    finally:
        db.dispose()
    data = figures.as_dict()
    if format == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(t("registers.report.title", year=year, month=mon))
    for key, value in data.items():
        if key in ("year", "month"):
            continue
        typer.echo(f"  {t(f'registers.report.{key}')}：{value}")


@registers_app.command("open")
def registers_open(as_: str = as_option()) -> None:
    """Everything open at the desk now, by register (visitors inside, keys out …)."""
    from deskapp import clock
    from deskapp.i18n import t
    from deskapp.services.hooks import HandoverContext
    from deskapp.services.registers import registers as reg

    db = open_db()
    try:
        signed_in(db, as_)  # names of visitors and borrowers
        with db.read() as session:
            now = clock.now()
            items = reg.open_items(session, HandoverContext(start=now - timedelta(hours=8),
                                                            end=now))
    finally:
        db.dispose()
    if not items:
        typer.echo(t("registers.cli.open_none"))
        return
    section = ""
    for item in items:
        if item.section != section:
            section = item.section
            typer.echo(t(section))
        typer.echo(f"  {'!' if item.overdue else ' '} {item.label}")


@registers_app.command("goods-pass")
def goods_pass(
    number: str = typer.Argument(..., help="The pass number, e.g. FX2026-00012"),
    output: Path = typer.Option(None, "--output", "-o", help="PDF file (default: <number>.pdf)"),
    as_: str = as_option(),
) -> None:
    """Print a goods release pass (PDF, Chinese; desk stub and guard's copy) — the same as
    ``deskapp print goods-pass NUMBER``; saved in the documents folder and audited."""
    from deskapp.cli.printing import produce_document

    produce_document("goods-pass", number, as_=as_,
                     output=output or Path(f"{number.strip().upper()}.pdf"))


@registers_app.command("load-kinds")
def load_kinds(as_: str = as_option()) -> None:
    """Add the plan's lending items with starting quantities (only those missing)."""
    from deskapp.errors import DeskError
    from deskapp.i18n import t
    from deskapp.services.registers import lending

    db = open_db()
    try:
        by = signed_in(db, as_)  # the service holds the role rule (a supervisor)
        with db.write() as session:
            try:
                n = lending.load_default_kinds(session, by=by)
            except DeskError as err:
                fail(str(err))
                return
    finally:
        db.dispose()
    typer.echo(t("registers.kinds.loaded", n=n))
