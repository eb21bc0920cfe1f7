"""Renovation on the command line:

* ``deskapp report renovation --month YYYY-MM [--format text|json|csv]`` — the month's
  figures (filed, approved, extensions, inspections, deposits collected/refunded/held,
  active/expiring/overdue at the month's end);
* ``deskapp renovation list [--view active|expiring|overdue|deposit|open|all|archive]
  [--format text|csv]`` — a list as the screen shows it (phones masked);
* ``deskapp renovation certificate ZX2026-0001 [--output file.pdf] --as LOGIN`` — the
  registration certificate in its three copies (the print is counted and audited).
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import typer

from deskapp.cli.base import app, as_option, fail, open_db, report_app, signed_in

renovation_app = typer.Typer(help="Renovation filings (装修管理)")
app.add_typer(renovation_app, name="renovation")

_FIELDS = ("filed", "approved", "cancelled", "extensions", "inspections_passed",
           "inspections_failed", "deposits_collected", "deposits_collected_fen",
           "deposits_refunded", "deposits_refunded_fen", "active_at_end", "expiring_at_end",
           "overdue_at_end", "deposits_held_at_end", "deposits_held_at_end_fen")


def _month(month: str | None) -> tuple[int, int]:
    from deskapp import clock
    from deskapp.i18n import t

    if not month:
        today = clock.today()
        return today.year, today.month
    try:
        return clock.parse_month(month)
    except ValueError:
        fail(t("renovation.cli.bad_month", month=month))
        raise


@report_app.command("renovation")
def report_renovation(
    month: str = typer.Option(None, "--month", "-m", help="YYYY-MM (default: this month)"),
    format: str = typer.Option("text", "--format", "-f", help="text | json | csv"),
    output: Path = typer.Option(None, "--output", "-o", help="File to write"),
    as_: str = as_option(),
) -> None:
    """The month's renovation figures (site-local month)."""
    from deskapp.i18n import t
    from deskapp.money import format_fen
    from deskapp.services.renovation import figures as renovation_figures

    fmt = (format or "").lower().strip()
    if fmt not in ("text", "json", "csv"):
        fail(t("renovation.cli.bad_format", formats="text | json | csv"))
    year, mon = _month(month)
    db = open_db()
    try:
        signed_in(db, as_)  # as on the report screen: any staff member
        with db.read() as session:
            figures = renovation_figures.monthly_summary(session, year=year, month=mon)
    finally:
        db.dispose()
    if fmt == "json":
        content = json.dumps(dataclasses.asdict(figures), ensure_ascii=False, indent=2)
    elif fmt == "csv":
        buffer = io.StringIO()
        from deskapp.services.export import csv_writer

        writer = csv_writer(buffer)
        writer.writerow(["key", "label", "value"])
        for name in _FIELDS:
            writer.writerow([name, t(f"renovation.report.{name}"), getattr(figures, name)])
        for kind, n in sorted(figures.by_kind.items()):
            writer.writerow([f"filed.{kind}", t(f"renovation.kind.{kind}"), n])
        content = buffer.getvalue()
    else:
        from deskapp.reporting.text import lines

        rows = [[t(f"renovation.report.{name}"),
                 format_fen(getattr(figures, name)) if name.endswith("_fen")
                 else str(getattr(figures, name))] for name in _FIELDS]
        rows += [["  " + t(f"renovation.kind.{kind}"), str(n)]
                 for kind, n in sorted(figures.by_kind.items())]
        content = (t("renovation.report.title", year=year, month=mon) + "\n"
                   + "".join("  " + line + "\n" for line in lines(rows, right=(1,)).splitlines()))
    if output:
        output.write_text(content, encoding="utf-8")
        typer.echo(t("renovation.cli.written", path=str(output)))
    else:
        typer.echo(content, nl=False)


@renovation_app.command("list")
def list_filings(
    view: str = typer.Option("open", "--view", "-v",
                             help="active | expiring | overdue | deposit | open | all | archive"),
    format: str = typer.Option("text", "--format", "-f", help="text | csv"),
    limit: int = typer.Option(500, "--limit", help="At most this many rows"),
    as_: str = as_option(),
) -> None:
    """A renovation list, as on the screen (phones masked)."""
    from deskapp.i18n import t
    from deskapp.services.listing import ListQuery
    from deskapp.services.renovation.lists import VIEWS, ArchiveSource, FilingSource

    if view not in (*VIEWS, "archive"):
        fail(t("renovation.cli.bad_view", views=" | ".join((*VIEWS, "archive"))))
    source = ArchiveSource() if view == "archive" else FilingSource()
    query = ListQuery(filters={} if view == "archive" else {"view": view})
    db = open_db()
    try:
        signed_in(db, as_)  # owners' names, as on the screen
        with db.read() as session:
            total = source.count(session, query)
            rows = source.fetch(session, query, 0, limit)
    finally:
        db.dispose()
    headers = [t(c.title_key) for c in source.columns]
    if format == "csv":
        buffer = io.StringIO()
        from deskapp.services.export import csv_writer

        writer = csv_writer(buffer)
        writer.writerow(headers)
        writer.writerows(list(r.cells) for r in rows)
        typer.echo(buffer.getvalue(), nl=False)
        return
    from deskapp.reporting.table import Column, ReportTable
    from deskapp.reporting.text import render_table

    table = ReportTable([Column(c.key, c.title_key, "number" if c.align == "right" else "text")
                         for c in source.columns], [[str(v) for v in r.cells] for r in rows])
    for line in render_table(table):
        typer.echo(line)
    typer.echo(t("renovation.cli.count", shown=len(rows), total=total))


@renovation_app.command("certificate")
def certificate(
    number: str = typer.Argument(..., help="Filing number, e.g. ZX2026-0001"),
    output: Path = typer.Option(None, "--output", "-o", help="PDF file (default: NUMBER.pdf)"),
    as_: str = as_option(),
) -> None:
    """Print the registration certificate (装修备案登记证) in its three copies (the same as
    ``deskapp print certificate NUMBER``; saved in the documents folder and audited)."""
    from deskapp.cli.printing import produce_document

    produce_document("certificate", number, as_=as_,
                     output=output or Path(f"{number.strip().upper()}.pdf"))
