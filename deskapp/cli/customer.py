"""Customer file commands (issue #20): re-import a unit register, the differences listed
before anything changes."""

from __future__ import annotations

from pathlib import Path

import typer

from deskapp.cli.base import as_option, fail, import_app, open_db, signed_in
from deskapp.i18n import t


@import_app.command("units-update")
def units_update(file: Path, apply: bool = typer.Option(False, "--apply",
                                                        help="Make the listed changes"),
                 as_: str = as_option()) -> None:
    """Compare a unit register (XLSX/CSV) with the customer file and list what differs;
    with --apply, make those changes (new units, areas, uses, owners' phones and IDs).
    A different owner is listed, never applied: record the sale in the customer file."""
    from deskapp.db.models import Role
    from deskapp.errors import DeskError
    from deskapp.services.customer import register_update

    db = open_db()
    by = signed_in(db, as_, Role.SUPERVISOR)
    try:
        if apply:
            with db.write() as session:
                changes = register_update.apply(session, by=by, path=file)
        else:
            with db.read() as session:
                changes = register_update.compare(session, by=by, path=file)
    except DeskError as err:
        problems = getattr(err, "problems", [])
        fail("\n".join([str(err)] + ["  " + t("cli.import.row", row=row, message=msg)
                                     for row, msg in problems]))
    for change in changes:
        typer.echo(("  " if change.applied else "! ") + change.text())
    if not changes:
        typer.echo(t("customer.reimport.none"))
    elif apply:
        applied = sum(1 for c in changes if c.applied)
        typer.echo(t("customer.reimport.applied", applied=applied,
                     skipped=len(changes) - applied))
    else:
        typer.echo(t("customer.reimport.dry_run", n=len(changes)))
