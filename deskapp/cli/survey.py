"""``deskapp report survey`` — the satisfaction survey analysis report (满意度调查分析报告)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from deskapp.cli.base import as_option, fail, open_db, report_app, signed_in

FORMATS = ("text", "json", "xlsx", "pdf")


@report_app.command("survey")
def report_survey(
    campaign: str = typer.Option(None, "--campaign",
                                 help="Campaign id, or its month: 2026-06 / 2026-12 "
                                      "(default: the current campaign)"),
    format: str = typer.Option("text", "--format", "-f", help="text | json | xlsx | pdf"),
    output: Path = typer.Option(None, "--output", "-o",
                                help="File to write (xlsx/pdf default: survey-<id>.<format>)"),
    as_: str = as_option(),
) -> None:
    """The analysis report of one survey campaign: rates against the 95% targets,
    statistics per item, section and building, the lowest items and the opinions."""
    from deskapp.errors import DeskError
    from deskapp.i18n import t
    from deskapp.services.survey import campaigns
    from deskapp.services.survey.report import build_report, render_text, to_json, to_xlsx

    fmt = format.lower().strip()
    if fmt not in FORMATS:
        fail(t("survey.cli.bad_format", formats=" | ".join(FORMATS)))
    db = open_db()
    try:
        by = signed_in(db, as_)  # as on the report screen: any staff member
        with db.read() as session:
            try:
                if campaign:
                    found = campaigns.find_campaign(session, campaign)
                else:
                    found = campaigns.current_campaign(session)
                    if found is None:
                        fail(t("survey.cli.no_campaign"))
                report = build_report(session, found.id)  # type: ignore[union-attr, arg-type]
            except DeskError as err:
                fail(str(err))
    finally:
        db.dispose()
    if fmt == "text":
        text = render_text(report)
        if output:
            output.write_text(text, encoding="utf-8")
            typer.echo(t("survey.cli.written", path=str(output)))
        else:
            typer.echo(text, nl=False)
        return
    if fmt == "json":
        text = json.dumps(to_json(report), ensure_ascii=False, indent=2)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
            typer.echo(t("survey.cli.written", path=str(output)))
        else:
            typer.echo(text)
        return
    if fmt == "pdf":  # a paper: saved in the documents folder and audited, like the screen's
        from deskapp.cli.printing import produce_document

        produce_document("survey-report", str(report.campaign.id), as_=as_, by=by,
                         output=output or Path(f"survey-{report.campaign.id}.pdf"))
        return
    data = to_xlsx(report)
    target = output or Path(f"survey-{report.campaign.id}.{fmt}")
    target.write_bytes(data)
    typer.echo(t("survey.cli.written", path=str(target)))
