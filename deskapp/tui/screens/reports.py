"""月报 — the supervisor's monthly report screen (F8).

One scrollable page for the chosen month: every section of
:func:`deskapp.services.reports.layout.sections` with its figures and terminal bar charts.
Every figure and bar that has records behind it is a line the cursor can stop on
(↑/↓ or Tab); Enter opens them — a single record through its area's opener, several as
the area's own record list restricted to exactly those records (where Enter opens one,
and Ctrl+E exports them). ``[`` / ``]`` step through months, ``M`` types one; ``X`` and
``P`` save the report as Excel or PDF.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Static

from deskapp import clock
from deskapp.errors import DeskError, PermissionDenied
from deskapp.i18n import t
from deskapp.reporting.text import BAR_WIDTH, bar, pad
from deskapp.services.reports import drills, monthly, months
from deskapp.services.reports import layout as reports_layout
from deskapp.services.reports.layout import Chart, Figure, Section
from deskapp.services.reports.monthly import MonthlyReport
from deskapp.services.reports.render import header_lines
from deskapp.tui import areas
from deskapp.tui.base import DeskModal, DeskScreen
from deskapp.tui.widgets.form import Field, FormMixin
from deskapp.tui.widgets.record_list import RecordList

__all__ = ["DrillScreen", "FigureLine", "MonthPrompt", "ReportsScreen"]

LABEL_WIDTH = 26


class FigureLine(Static, can_focus=True):
    """One figure, bar or listed record; focusable when something opens from it."""

    DEFAULT_CSS = """
    FigureLine { height: auto; padding: 0 2; }
    FigureLine:focus { background: $block-cursor-background; color: $block-cursor-foreground; }
    FigureLine.-plain { color: $text; }
    """

    def __init__(self, content: Text | str, figure: Figure, *, openable: bool) -> None:
        super().__init__(content, classes="" if openable else "-plain")
        self.figure = figure
        self.can_focus = openable


class _Body(VerticalScroll, can_focus=False, inherit_bindings=False):
    """The page; the cursor lives on its lines (the screen's ↑/↓, PgUp/PgDn), not on the
    scroll container, whose own arrow-key scrolling would swallow those keys."""


class ReportsScreen(DeskScreen):
    AREA = "reports"
    DEFAULT_CSS = """
    ReportsScreen #rp-head { height: auto; padding: 0 1; background: $panel; }
    ReportsScreen #rp-body { height: 1fr; }
    ReportsScreen .rp-section { text-style: bold; color: $accent; padding: 1 1 0 1; }
    ReportsScreen .rp-chart { color: $text-muted; padding: 0 2; margin-top: 1; }
    ReportsScreen .rp-note { color: $text-muted; text-style: italic; padding: 0 2; }
    ReportsScreen #rp-hint { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", t("reports.key.down"), id="reports.key.down", show=False),
        Binding("up", "move(-1)", t("reports.key.up"), id="reports.key.up", show=False),
        Binding("pagedown", "move(10)", t("reports.key.down"), id="reports.key.page_down",
                show=False),
        Binding("pageup", "move(-10)", t("reports.key.up"), id="reports.key.page_up",
                show=False),
        Binding("home", "move(-10000)", t("reports.key.up"), id="reports.key.first", show=False),
        Binding("end", "move(10000)", t("reports.key.down"), id="reports.key.last", show=False),
        Binding("left_square_bracket", "month(-1)", t("reports.key.prev"), id="reports.key.prev",
                key_display="["),
        Binding("right_square_bracket", "month(1)", t("reports.key.next"), id="reports.key.next",
                key_display="]"),
        Binding("m", "pick_month", t("reports.key.month"), id="reports.key.month"),
        Binding("enter", "open", t("reports.key.open"), id="reports.key.open"),
        Binding("x", "save('xlsx')", t("reports.key.xlsx"), id="reports.key.xlsx"),
        Binding("p", "save('pdf')", t("reports.key.pdf"), id="reports.key.pdf"),
        Binding("f5", "refresh", t("reports.key.refresh"), id="reports.key.refresh"),
    ]

    def __init__(self, year: int | None = None, month: int | None = None) -> None:
        super().__init__()
        today = clock.today()
        if year is None or month is None:
            # on the first days of a month the supervisor reports the month before
            year, month = months.previous_month(today.year, today.month) if today.day <= 10 \
                else (today.year, today.month)
        self.year, self.month = year, month
        self.report: MonthlyReport | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with Vertical():
            yield Static("", id="rp-head")
            yield _Body(id="rp-body")
            yield Static(t("reports.screen.hint"), id="rp-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    # -- loading -------------------------------------------------------------------------

    def load(self) -> None:
        label = months.month_label(self.year, self.month)
        self.query_one("#rp-head", Static).update(t("reports.screen.loading", month=label))
        by, year, month = self.staff, self.year, self.month
        self.call_service(lambda s: monthly.monthly_report(s, by=by, year=year, month=month),
                          done=self._show, failed=self._failed, group="reports",
                          exclusive=True)

    def _failed(self, err: DeskError) -> None:
        body = self.query_one("#rp-body", _Body)
        body.remove_children()
        text = t("reports.screen.denied") if isinstance(err, PermissionDenied) else str(err)
        self.query_one("#rp-head", Static).update(Text(text, style="bold"))
        if not isinstance(err, PermissionDenied):
            self.app.notify(str(err), severity="error", title=t("error.title"), timeout=6)

    def _show(self, report: MonthlyReport) -> None:
        if (report.year, report.month) != (self.year, self.month):
            return  # an older request finished after a newer one started
        self.report = report
        head = header_lines(report)
        self.query_one("#rp-head", Static).update(Text("\n".join(head)))
        body = self.query_one("#rp-body", _Body)
        body.remove_children()
        layout = reports_layout.sections(report)
        widgets: list[Static] = []
        if reports_layout.is_empty(layout):
            widgets.append(Static(t("reports.empty", month=report.label), classes="rp-note"))
        for section in layout:
            widgets += self._section_widgets(section)
        body.mount_all(widgets)
        body.scroll_home(animate=False)
        self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        lines = self._lines()
        if lines:
            lines[0].focus(scroll_visible=False)

    def _section_widgets(self, section: Section) -> list[Static]:
        out: list[Static] = [Static(section.title, classes="rp-section")]
        if not section.has_data:
            out.append(Static(t("reports.no_data"), classes="rp-note"))
            return out
        for f in section.figures:
            out.append(self._figure_line(f))
        for chart in section.charts:
            out.append(Static(chart.title, classes="rp-chart"))
            out += self._chart_lines(chart)
        for item in section.items:
            text = Text(f"· {item.label}\n", style="bold")
            text.append("  " + item.text.replace("\n", "\n  "))
            out.append(FigureLine(text, item, openable=item.ref is not None))
        if section.note:
            out.append(Static(section.note, classes="rp-note"))
        return out

    def _figure_line(self, f: Figure) -> FigureLine:
        openable = bool(f.drill) and f.value not in (0, None)
        text = Text(pad(f.label, LABEL_WIDTH))
        text.append(f.text, style="bold")
        if openable:
            text.append("  ›", style="dim")
        return FigureLine(text, f, openable=openable)

    def _chart_lines(self, chart: Chart) -> list[Static]:
        if not chart.bars:
            return [Static("  " + t("reports.chart.empty"), classes="rp-note")]
        biggest = max(int(b.value or 0) for b in chart.bars)
        width = max(cell_len(b.label) for b in chart.bars) + 2
        lines: list[Static] = []
        for item in chart.bars:
            share = int(item.value or 0) / biggest if biggest > 0 else None
            text = Text("  " + pad(item.label, width))
            text.append(pad(bar(share, BAR_WIDTH, fill=False), BAR_WIDTH + 1), style="green")
            text.append(" " + item.text)
            lines.append(FigureLine(text, item, openable=bool(item.drill) and bool(item.value)))
        return lines

    # -- keys ----------------------------------------------------------------------------

    def _lines(self) -> list[FigureLine]:
        return [w for w in self.query(FigureLine) if w.can_focus]

    def action_move(self, step: int) -> None:
        lines = self._lines()
        if not lines:
            self.query_one("#rp-body", _Body).scroll_relative(y=step, animate=False)
            return
        focused = self.focused
        index = lines.index(focused) if focused in lines else -1
        target = lines[max(0, min(len(lines) - 1, index + step))]
        target.focus(scroll_visible=False)
        self.query_one("#rp-body", _Body).scroll_to_widget(target, animate=False, top=False)

    def action_month(self, step: int) -> None:
        year, month = (months.next_month(self.year, self.month) if step > 0
                       else months.previous_month(self.year, self.month))
        today = clock.today()
        if (year, month) > (today.year, today.month):
            self.app.notify(t("reports.month.future", month=months.month_label(year, month)),
                            severity="warning", timeout=4)
            return
        self.year, self.month = year, month
        self.load()

    def action_pick_month(self) -> None:
        def chosen(value: tuple[int, int] | None) -> None:
            if value:
                self.year, self.month = value
                self.load()

        self.app.push_screen(MonthPrompt(months.month_label(self.year, self.month)), chosen)

    def action_refresh(self) -> None:
        self.load()

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, FigureLine):
            self.open_figure(focused.figure)

    def open_figure(self, figure: Figure) -> None:
        if figure.ref is not None:
            if not areas.open_record(self.app, figure.ref.kind, figure.ref.id):
                self.app.notify(t("reports.screen.cannot_open"), severity="warning")
            return
        if not figure.drill or not figure.value:
            self.app.notify(t("reports.screen.no_records"), timeout=3)
            return
        by, year, month, key = self.staff, self.year, self.month, figure.drill
        label = months.month_label(year, month)
        title = t("reports.drill.title", month=label, figure=figure.label)
        file_title = f"{figure.label}-{label}"
        self.call_service(lambda s: drills.drill(s, by=by, year=year, month=month, key=key),
                          done=lambda d: self.app.push_screen(DrillScreen(d, title,
                                                                          file_title)))

    def action_save(self, fmt: str) -> None:
        report = self.report
        if report is None:
            return
        if fmt == "pdf":  # a paper: through the documents service (saved, audited, printed)
            from deskapp.tui.widgets.printing import print_document

            print_document(self, "monthly-report", f"{report.year}-{report.month:02d}")
            return
        from deskapp.printing.monthly_report import render
        from deskapp.services.export import export_dir

        def work(_session: Any) -> str:
            data = render(report, fmt)
            assert isinstance(data, bytes)
            path = export_dir() / f"{t('reports.xlsx.sheet')}-{report.label}.{fmt}"
            path.write_bytes(data)
            return str(path)

        self.call_service(work, done=lambda path: self.app.notify(
            t("reports.screen.written", path=path), timeout=12))


class DrillScreen(DeskScreen):
    """The records behind one figure, in the area's own record list."""

    DEFAULT_CSS = """
    DrillScreen #drill-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", t("reports.key.close"), id="reports.key.close"),
    ]

    def __init__(self, drill: drills.DrillList, title: str, file_title: str = "") -> None:
        super().__init__()
        self.drill = drill
        self.title_text = title
        self.file_title = file_title or title

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield Static(self.title_text, id="drill-title")
        record_list = RecordList(self.drill.source, self.app.db.read, id="drill-list")
        record_list.export_title = self.file_title
        yield record_list
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RecordList).focus_list()

    @on(RecordList.Opened)
    def _opened(self, event: RecordList.Opened) -> None:
        if not self.drill.kind or not areas.open_record(self.app, self.drill.kind,
                                                        event.record_id):
            self.app.notify(t("reports.screen.cannot_open"), severity="warning", timeout=4)

    def action_close(self) -> None:
        self.dismiss()


class MonthPrompt(FormMixin, DeskModal[tuple[int, int] | None]):
    """Type a month: ``2026-10``; a wrong one is refused at the field."""

    DEFAULT_CSS = """
    MonthPrompt { align: center middle; }
    MonthPrompt > Vertical {
        width: 60; height: auto; padding: 1 2; border: round $primary; background: $surface;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", t("reports.key.cancel"), id="reports.key.cancel"),
    ]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("reports.month_prompt.title"))
            yield Field(t("reports.screen.month"), Input(value=self.current, id="rp-month"),
                        name="month", required=True)

    def on_mount(self) -> None:
        self.query_one("#rp-month", Input).focus()

    @on(Input.Submitted, "#rp-month")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.clear_errors()
        try:
            value = months.parse_month(event.value)
        except DeskError as err:
            self.show_error(err)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
