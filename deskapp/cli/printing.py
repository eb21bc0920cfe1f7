"""``deskapp print KIND REF``: any document of the desk through the one documents service —
rendered, saved under the documents folder, audited (a repeat is marked 补打) and sent to
the desk's printer when one is configured.

    deskapp print receipt SJ2026-000123
    deskapp print workorder WX20261130-001 --printer front-a4
    deskapp print statement 3-1-1201 --no-send
    deskapp print arrears-notices all          # every unit in arrears, one page each
    deskapp print arrears-notices 90d          # only those more than 90 days overdue
    deskapp print kinds                        # what can be printed
"""

from __future__ import annotations

import shutil
from pathlib import Path

import typer

from deskapp.cli.base import app, as_option, fail, open_db, signed_in, state


def produce_document(kind: str, ref: str, *, as_: str | None, output: Path | None = None,
                     send: bool = False, printer: str | None = None, copies: int = 1,
                     by: object = None) -> None:
    """The CLI's one way to print: the documents service saves and audits the document
    (as ``--as``), a copy goes to ``output`` when given, and it is sent to the printer
    when ``send``. Prints one line saying what happened; exit code 3 when the printer
    refused (the PDF is saved)."""
    from deskapp.errors import DeskError
    from deskapp.i18n import t
    from deskapp.printing import documents

    settings = state.settings()
    db = open_db()
    try:
        if by is None:  # papers carry residents' names: a signed-in staff member
            by = signed_in(db, as_)
        with db.write() as session:
            try:
                made = documents.produce(session, by=by, kind=kind, ref=ref.strip(),
                                         settings=settings.extra)
            except DeskError as err:
                fail(str(err))
                return
    finally:
        db.dispose()
    path = made.path
    if output is not None:
        shutil.copyfile(made.path, output)
        path = output
    outcome = documents.deliver(made, settings=settings.extra, printer=printer,
                                copies=copies) if send else None
    typer.echo(t("print.cli.done", summary=documents.summary(made, outcome), path=path))
    if outcome is not None and outcome.printer and not outcome.sent:
        raise typer.Exit(3)


@app.command("print")
def print_document(
    kind: str = typer.Argument(..., help="Document kind (`deskapp print kinds` lists them)"),
    ref: str = typer.Argument("", help="Its number (SJ2026-000123, WX…, 3-1-1201) or filter"),
    printer: str = typer.Option(None, "--printer", "-p",
                                help="Printer (default: the desk's printer setting)"),
    no_send: bool = typer.Option(False, "--no-send", help="Save and audit only, do not print"),
    copies: int = typer.Option(1, "--copies", "-n", min=1, max=20, help="Sets to print"),
    output: Path = typer.Option(None, "--output", "-o", help="Also copy the PDF to this file"),
    as_: str = as_option(),
) -> None:
    """Print a document: saved as PDF in the documents folder, audited, sent to the printer."""
    from deskapp.i18n import t
    from deskapp.printing import documents

    if kind == "kinds":
        from deskapp.reporting.text import lines

        typer.echo(lines([[name, t(spec.label_key)] for name, spec in documents.KINDS.items()]),
                   nl=False)
        return
    if not ref.strip():
        fail(t("print.cli.need_ref", kind=kind))
    produce_document(kind, ref, as_=as_, output=output, send=not no_send, printer=printer,
                     copies=copies)
