"""Reception on the command line:

- ``deskapp report reception --month YYYY-MM [--format text|json]`` — the month's reception
  figures (contacts by kind and channel, repairs and their timeliness, return visits,
  handovers), the reception part of the monthly report;
- ``deskapp report handovers --date YYYY-MM-DD [--desk 前台1] [--format text|json]`` — the
  handover log of a day, every record with its figures, notes and open items;
- ``deskapp workorder print WX20261130-001 [-o file.pdf]`` — the printable work order.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

from deskapp.cli.base import app, as_option, fail, open_db, report_app, signed_in
from deskapp.masking import mask_text

workorder_app = typer.Typer(help="Maintenance work orders (维修工作单)")
app.add_typer(workorder_app, name="workorder")

FORMATS = ("text", "json")


def _format(value: str) -> str:
    from deskapp.i18n import t

    fmt = (value or "").lower().strip()
    if fmt not in FORMATS:
        fail(t("reception.cli.bad_format", formats=" | ".join(FORMATS)))
    return fmt


@report_app.command("reception")
def report_reception(
    month: str = typer.Option(None, "--month", "-m", help="YYYY-MM (default: this month)"),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
    as_: str = as_option(),
) -> None:
    """Contacts by kind and channel, work orders opened/completed/on time/overdue,
    return visits and satisfaction, handovers written and confirmed."""
    from deskapp import clock
    from deskapp.i18n import t
    from deskapp.services.reception import figures as reception_figures

    fmt = _format(format)
    if month:
        try:
            year, mon = clock.parse_month(month)
        except ValueError:
            fail(t("reception.cli.bad_month", month=month))
    else:
        year, mon = clock.today().year, clock.today().month
    db = open_db()
    try:
        signed_in(db, as_)  # as on the report screen: any staff member
        with db.read() as session:
            figures = reception_figures.monthly_summary(session, year=year, month=mon)
    finally:
        db.dispose()
    if fmt == "json":
        data = asdict(figures)
        data["on_time_rate"] = figures.on_time_rate
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(render_month(figures))


def render_month(figures) -> str:  # type: ignore[no-untyped-def]
    from deskapp.i18n import t
    from deskapp.reporting.table import format_percent, share
    from deskapp.services.reception import common

    lines = [t("reception.cli.month_title", year=figures.year, month=figures.month)]
    lines.append(t("reception.cli.contacts", n=figures.contacts, pending=figures.contacts_pending))
    for kind, n in sorted(figures.contacts_by_kind.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {common.kind_label(kind)}\t{n}")
    lines.append(t("reception.cli.channels"))
    for channel, n in sorted(figures.contacts_by_channel.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {common.channel_label(channel)}\t{n}")
    rate = figures.on_time_rate
    lines.append(t("reception.cli.workorders", created=figures.workorders_created,
                   completed=figures.workorders_completed,
                   on_time=figures.workorders_completed_on_time,
                   rate=format_percent(share(rate, 0)),
                   overdue=figures.workorders_overdue_open,
                   cancelled=figures.workorders_cancelled))
    satisfaction = "—" if figures.satisfaction_avg is None else f"{figures.satisfaction_avg:.2f}"
    lines.append(t("reception.cli.visits", n=figures.workorders_visited, avg=satisfaction))
    lines.append(t("reception.cli.handovers", n=figures.handovers,
                   confirmed=figures.handovers_confirmed))
    return "\n".join(lines)


@report_app.command("handovers")
def report_handovers(
    day: str = typer.Option(None, "--date", "-d", help="YYYY-MM-DD (default: today)"),
    desk: str = typer.Option(None, "--desk", help="Only this desk"),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
    as_: str = as_option(),
) -> None:
    """The handover log of a day (交接记录): who handed over to whom, the figures, the
    notes and every item left open."""
    from deskapp import clock
    from deskapp.i18n import t
    from deskapp.services.reception import shifts

    fmt = _format(format)
    try:
        when = clock.parse_date(day) if day else clock.today()
    except ValueError:
        fail(t("reception.cli.bad_date", date=day))
    db = open_db()
    try:
        signed_in(db, as_)
        with db.read() as session:
            views = shifts.handovers_on(session, when, desk=desk)
    finally:
        db.dispose()
    if fmt == "json":
        typer.echo(json.dumps([{
            "id": v.handover.id, "desk": v.handover.desk, "writer": v.writer,
            "confirmer": v.confirmer, "status": v.handover.status.value,
            "notes": mask_text(v.handover.notes), "summary": asdict(v.summary),
        } for v in views], ensure_ascii=False, indent=2, default=str))
        return
    if not views:
        typer.echo(t("reception.cli.no_handovers", date=when.isoformat()))
        return
    for view in views:
        typer.echo(render_handover(view))


def render_handover(view) -> str:  # type: ignore[no-untyped-def]
    from deskapp.i18n import t
    from deskapp.services.reception import common as reception_common

    h, s = view.handover, view.summary
    kinds = "，".join(f"{reception_common.kind_label(k)} {n}" for k, n in s.contacts_by_kind.items())
    lines = [
        t("reception.cli.handover_title", desk=h.desk, start=s.start[:16], end=s.end[:16],
          writer=view.writer, confirmer=view.confirmer or "—",
          status=t(f"reception.ho.status.{h.status.value}")),
        "  " + t("reception.ho.contacts_line", n=s.contacts, kinds=kinds or "—",
                 pending=s.contacts_pending),
        "  " + t("reception.ho.workorders_line", opened=s.workorders_opened,
                 completed=s.workorders_completed),
    ]
    if h.notes:
        lines.append("  " + t("reception.handover.notes") + "：" + mask_text(h.notes))
    for section, items in s.sections():
        lines.append(f"  {t(section)}（{len(items)}）")
        lines.extend(f"    {'⚠ ' if i.overdue and not i.label.startswith('⚠') else ''}{i.label}"
                     for i in items)
    return "\n".join(lines) + "\n"


@workorder_app.command("print")
def workorder_print(
    number: str = typer.Argument(..., help="The work order number, e.g. WX20261130-001"),
    output: Path = typer.Option(None, "--output", "-o", help="PDF file (default: NUMBER.pdf)"),
    as_: str = as_option(),
) -> None:
    """Write the printable work order (two copies: engineering and the desk) as PDF — the
    same as ``deskapp print workorder NUMBER``; saved in the documents folder and audited."""
    from deskapp.cli.printing import produce_document

    produce_document("workorder", number, as_=as_,
                     output=output or Path(f"{number.strip().upper()}.pdf"))
