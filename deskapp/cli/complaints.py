"""``deskapp report complaints --month YYYY-MM`` — the month's complaint analysis
(投诉月度分析) as text, JSON, CSV or an Excel workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from deskapp.cli.base import as_option, fail, open_db, report_app, signed_in


@report_app.command("complaints")
def report_complaints(
    month: str = typer.Option(None, "--month", "-m",
                              help="YYYY-MM (default: the current month)"),
    format: str = typer.Option("text", "--format", "-f", help="text | json | csv | xlsx"),
    output: Path = typer.Option(None, "--output", "-o",
                                help="File to write (xlsx default: complaints-YYYY-MM.xlsx)"),
    as_: str = as_option(),
) -> None:
    """Volume, categories, channels, departments, valid share, median and 90th-percentile
    times to first response and to close, overdue, return-visit rate and satisfaction,
    against the previous month."""
    from deskapp import clock
    from deskapp.errors import DeskError
    from deskapp.i18n import t
    from deskapp.services.complaints import figures as complaints_figures
    from deskapp.services.complaints.report import FORMATS

    fmt = (format or "").lower().strip()
    if fmt not in FORMATS:
        fail(t("complaints.cli.bad_format", formats=" | ".join(FORMATS)))
    db = open_db()
    try:
        signed_in(db, as_)  # as on the report screen: any staff member
        if month:
            try:
                year, mon = clock.parse_month(month)
            except ValueError:
                fail(t("complaints.cli.bad_month", month=month))
        else:
            today = clock.today()
            year, mon = today.year, today.month
        with db.read() as session:
            try:
                figures = complaints_figures.monthly_analysis(session, year=year, month=mon)
            except DeskError as err:
                fail(str(err))
    finally:
        db.dispose()
    content = _render(figures, fmt)
    if isinstance(content, bytes):
        target = output or Path(f"complaints-{year}-{mon:02d}.xlsx")
        target.write_bytes(content)
        typer.echo(t("complaints.cli.written", path=str(target)))
        return
    if output:
        output.write_text(content if content.endswith("\n") else content + "\n",
                          encoding="utf-8")
        typer.echo(t("complaints.cli.written", path=str(output)))
    else:
        typer.echo(content, nl=not content.endswith("\n"))


def _render(figures: Any, fmt: str) -> str | bytes:
    """The analysis through the report writers (JSON: the figures as data)."""
    from deskapp.services.complaints.report import table

    if fmt == "json":
        return json.dumps(figures.as_dict(), ensure_ascii=False, indent=2)
    report = table(figures)
    if fmt == "xlsx":
        from deskapp.reporting import xlsx

        return xlsx.render(report)
    if fmt == "csv":
        from deskapp.reporting import csv

        return csv.render(report)
    from deskapp.reporting import text

    return text.render(report)
