"""The export key of every record list (Ctrl+E): choose Excel or CSV, then the list's
source and current query (filters and search) are written off the UI thread by
:func:`deskapp.services.export.write_export`, and the path is shown.

:class:`~deskapp.tui.widgets.record_list.RecordList` binds the key and calls
:func:`start_export`; the title of the file is the list's ``export_title`` when a
screen sets one, else the area's name and the list's id."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from deskapp.i18n import t
from deskapp.tui.base import translate_bindings

__all__ = ["ExportChoice", "export_title", "start_export"]


class ExportChoice(ModalScreen[str | None]):
    """X → xlsx, C → csv, Escape → nothing."""

    DEFAULT_CSS = """
    ExportChoice { align: center middle; }
    ExportChoice > Vertical {
        width: 52; height: auto; padding: 1 2; border: round $primary; background: $surface;
    }
    ExportChoice .export-title { text-style: bold; margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "choose('xlsx')", "reports.export.xlsx", id="reports.export.xlsx"),
        Binding("c", "choose('csv')", "reports.export.csv", id="reports.export.csv"),
        Binding("escape", "choose('')", "reports.key.cancel", id="reports.key.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("reports.export.title"), classes="export-title")
            yield Static(t("reports.export.choose"))

    def on_mount(self) -> None:
        translate_bindings(self)

    def action_choose(self, fmt: str) -> None:
        self.dismiss(fmt or None)


def export_title(record_list: Any) -> str:
    title = getattr(record_list, "export_title", "") or ""
    if title:
        return str(title)
    area = getattr(record_list.screen, "AREA", "") if record_list.is_attached else ""
    parts = [t(f"area.{area}") if area else t("reports.export.sheet")]
    if record_list.id:
        parts.append(str(record_list.id))
    return "-".join(parts)


def start_export(record_list: Any) -> None:
    """Ask for the format, then export what ``record_list`` shows."""
    app = record_list.app

    def chosen(fmt: str | None) -> None:
        if fmt:
            run_export(record_list, fmt)

    app.push_screen(ExportChoice(), chosen)


def run_export(record_list: Any, fmt: str, *, directory: Path | None = None) -> None:
    """Export in a thread worker (the list's own database lock, as its pages use)."""
    from deskapp.services.export import write_export
    from deskapp.tui.widgets.record_list import _lock_for

    app = record_list.app
    source = record_list.source
    query = record_list.list_query
    factory = record_list._session_factory
    title = export_title(record_list)
    app.notify(t("reports.export.running"), timeout=3)

    def job() -> None:
        try:
            with _lock_for(factory), factory() as session:
                path, count = write_export(session, source=source, query=query, fmt=fmt,
                                           title=title, directory=directory)
        except Exception as err:  # noqa: BLE001 — shown to the user, never a traceback
            app.call_from_thread(app.notify, t("reports.export.failed", error=str(err)),
                                 severity="error", timeout=10)
            return
        app.call_from_thread(app.notify, t("reports.export.done", count=f"{count:,}",
                                           path=str(path)), timeout=12)

    record_list.run_worker(job, thread=True, group="record-list-export", exit_on_error=False)
