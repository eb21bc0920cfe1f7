"""``deskapp report monthly --month YYYY-MM --format text|json|xlsx|pdf`` — the
supervisor's monthly report (月报) for the centre manager."""

from __future__ import annotations

from pathlib import Path

import typer

from deskapp.cli.base import as_option, fail, open_db, report_app, signed_in


@report_app.command("monthly")
def report_monthly(
    month: str = typer.Option(None, "--month", "-m",
                              help="YYYY-MM (default: the previous month)"),
    format: str = typer.Option("text", "--format", "-f", help="text | json | xlsx | pdf"),
    output: Path = typer.Option(None, "--output", "-o",
                                help="File to write (xlsx/pdf default: 月报-YYYY-MM.xlsx/.pdf)"),
    as_login: str = as_option(),
) -> None:
    """Contacts by kind and channel, repairs and their timeliness, complaints,
    renovations, fees and arrears by age, the survey, registers, handover notes — every
    figure from its area's own monthly service. PDF and XLSX carry the charts."""
    from deskapp import clock
    from deskapp.db.models import Role
    from deskapp.errors import DeskError
    from deskapp.i18n import t
    from deskapp.printing.monthly_report import FORMATS, render
    from deskapp.services.reports import monthly, months

    fmt = (format or "").lower().strip()
    if fmt not in FORMATS:
        fail(t("reports.cli.bad_format", formats=" | ".join(FORMATS)))
    db = open_db()
    try:
        by = signed_in(db, as_login, Role.SUPERVISOR)  # as on the report screen
        with db.read() as session:
            try:
                if month:
                    year, mon = months.parse_month(month)
                else:
                    today = clock.today()
                    year, mon = months.previous_month(today.year, today.month)
                report = monthly.monthly_report(session, by=by, year=year, month=mon)
            except DeskError as err:
                fail(str(err))
    finally:
        db.dispose()
    content = render(report, fmt)
    if isinstance(content, bytes):
        target = output or Path(f"{t('reports.xlsx.sheet')}-{report.label}.{fmt}")
        target.write_bytes(content)
        typer.echo(t("reports.cli.written", path=str(target)))
        return
    if output:
        output.write_text(content, encoding="utf-8")
        typer.echo(t("reports.cli.written", path=str(output)))
    else:
        typer.echo(content, nl=not content.endswith("\n"))
