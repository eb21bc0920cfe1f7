"""The survey's fast-entry rating grid and its terminal bar charts.

:class:`RatingGrid` shows the form's items section by section, one line per section.
Typing a digit 1–5 fills the current item and moves on; ``0`` or space leaves it
unanswered and moves on; Backspace goes back one item and clears it; arrows move without
changing anything. A whole form takes about as many keystrokes as it has items. Past the
last item the grid posts :class:`RatingGrid.Completed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from deskapp.i18n import t
from deskapp.reporting.table import format_percent, share
from deskapp.reporting.text import bar, pad
from deskapp.services.survey.report import delta, mean, pct
from deskapp.services.survey.stats import CampaignStats, Tally


@dataclass(frozen=True)
class GridItem:
    item_id: int
    section_no: int
    section: str
    title: str


class RatingGrid(Widget, can_focus=True):
    DEFAULT_CSS = """
    RatingGrid { height: auto; min-height: 3; border: tall $border-blurred; padding: 0 1; width: 1fr; }
    RatingGrid:focus { border: tall $border; }
    """
    BINDINGS = [
        Binding("backspace", "back", t("survey.key.grid_back"), id="survey.key.grid_back"),
        Binding("space", "skip", t("survey.key.grid_skip"), id="survey.key.grid_skip"),
        Binding("left", "move(-1)", t("survey.key.grid_move"), id="survey.key.grid_move",
                show=False),
        Binding("right", "move(1)", t("survey.key.grid_move"), id="survey.key.grid_move",
                show=False),
        Binding("up", "section(-1)", t("survey.key.grid_section"), id="survey.key.grid_section",
                show=False),
        Binding("down", "section(1)", t("survey.key.grid_section"),
                id="survey.key.grid_section", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    class Completed(Message):
        """The cursor moved past the last item."""

        def __init__(self, grid: RatingGrid) -> None:
            super().__init__()
            self.grid = grid

        @property
        def control(self) -> RatingGrid:
            return self.grid

    def __init__(self, items: list[GridItem] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[GridItem] = items or []
        self.values: list[int | None] = [None] * len(self.items)
        self.message = ""

    # -- data ----------------------------------------------------------------------------

    def set_items(self, items: list[GridItem]) -> None:
        self.items = items
        self.values = [None] * len(items)
        self.cursor = 0
        self.refresh(layout=True)

    def clear(self) -> None:
        self.values = [None] * len(self.items)
        self.message = ""
        self.cursor = 0
        self.refresh()

    @property
    def ratings(self) -> dict[int, int | None]:
        return {item.item_id: value for item, value in zip(self.items, self.values, strict=True)}

    @property
    def value(self) -> tuple[int | None, ...]:
        """The digits typed so far, item by item (what tells a changed form)."""
        return tuple(self.values)

    @property
    def answered(self) -> int:
        return sum(v is not None for v in self.values)

    def set_value(self, index: int, value: int | None) -> None:
        self.values[index] = value
        self.refresh()

    # -- keys ----------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        char = event.character or ""
        if len(char) == 1 and char.isdigit():
            event.stop()
            event.prevent_default()
            digit = int(char)
            if 1 <= digit <= 5:
                self._fill(digit)
            elif digit == 0:
                self._fill(None)
            else:
                self.message = t("survey.grid.bad_digit", digit=digit)
                self.refresh()
                self.app.bell()

    def _fill(self, value: int | None) -> None:
        if not self.items:
            return
        self.message = ""
        self.values[self.cursor] = value
        self._advance()

    def _advance(self) -> None:
        if self.cursor + 1 >= len(self.items):
            self.refresh()
            self.post_message(self.Completed(self))
            return
        self.cursor += 1

    def action_skip(self) -> None:
        self._fill(None)

    def action_back(self) -> None:
        if not self.items:
            return
        self.message = ""
        last = len(self.items) - 1
        # At the last item with a value, Backspace clears it first (as in a text box).
        if self.cursor == last and self.values[last] is not None:
            self.values[last] = None
            self.refresh()
            return
        if self.cursor > 0:
            self.cursor -= 1
            self.values[self.cursor] = None
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.items:
            self.cursor = min(max(self.cursor + step, 0), len(self.items) - 1)

    def action_section(self, step: int) -> None:
        if not self.items:
            return
        current = self.items[self.cursor].section_no
        target = current + step
        for index, item in enumerate(self.items):
            if item.section_no == target:
                self.cursor = index
                return

    def watch_cursor(self) -> None:
        self.refresh()

    # -- drawing -------------------------------------------------------------------------

    def _lines(self, sections: list[tuple[int, str, list[int]]], label_w: int, width: int,
               *, compact: bool) -> Text:
        """The sections, one or more lines each; ``compact`` names items by number."""
        text = Text()
        focused = self.has_focus
        for n, (_, section, indexes) in enumerate(sections):
            if n:
                text.append("\n")
            text.append(pad(section, label_w), style="bold")
            used = label_w
            for index in indexes:
                item = self.items[index]
                value = self.values[index]
                current = index == self.cursor
                cell = f"[{value}]" if value is not None else "[ ]"
                title = str(index + 1) if compact else item.title
                piece = cell_len(title) + 1 + cell_len(cell)
                if used > label_w and used + piece > width:
                    text.append("\n" + " " * label_w)
                    used = label_w
                used += piece + (1 if compact else 2)
                text.append(f"{title} ", style="dim" if not current else "")
                style = "reverse bold" if current and focused else \
                    ("bold underline" if current else ("bold green" if value else "dim"))
                text.append(cell, style=style)
                text.append(" " if compact else "  ")
        return text

    def render(self) -> Text:
        if not self.items:
            return Text(t("survey.grid.no_form"), style="dim")
        sections: list[tuple[int, str, list[int]]] = []
        for index, item in enumerate(self.items):
            if not sections or sections[-1][0] != item.section_no:
                sections.append((item.section_no, item.section, []))
            sections[-1][2].append(index)
        label_w = max(cell_len(s) for _, s, _ in sections) + 2
        # an item never breaks inside itself: a line too narrow for the next one goes on
        # below, under the items (80×24: "设备维修及时性 [" / "]" was split)
        width = max(self.content_size.width, label_w + 12)
        text = self._lines(sections, label_w, width, compact=False)
        # Too tall for the terminal (English at 80×24 took 20 lines): items by number, the
        # current item's title stays in full in the status line below.
        if text.plain.count("\n") + 1 > max(6, self.app.size.height // 2):
            text = self._lines(sections, label_w, width, compact=True)
        text.append("\n")
        status = t("survey.grid.status", answered=self.answered, total=len(self.items),
                   n=self.cursor + 1, item=self.items[self.cursor].title)
        text.append(status, style="dim")
        if self.message:
            text.append("  " + self.message, style="bold red")
        return text


def _rate_style(rate: float | None) -> str:
    if rate is None:
        return "dim"
    if rate >= 0.9:
        return "green"
    if rate >= 0.8:
        return "yellow"
    return "red"


def progress_line(label: str, part: int, whole: int, target: float, width: int = 20) -> Text:
    """``发放率 ████████▌   96.3% 490/509 目标95%`` with the target met in green."""
    rate = part / whole if whole else 0.0
    text = Text()
    text.append(pad(label, 12))
    met = whole > 0 and rate >= target
    text.append(bar(rate, width), style="green" if met else "yellow")
    text.append(f" {rate:6.1%} ", style="bold green" if met else "bold yellow")
    text.append(f"{part}/{whole}  ")
    text.append(t("survey.progress.target", target=format_percent(share(target, 0))), style="dim")
    return text


def stats_text(stats: CampaignStats, *, width: int = 24) -> Text:
    """Statistics with bar charts: per section and item, overall, by building."""
    text = Text()
    title_w = max([cell_len(i.title) + 2 for i in stats.items]
                  + [cell_len(s.title) for s in stats.sections] + [10]) + 2
    heads = (t("survey.report.col.n"), t("survey.report.col.mean"), "5", "4", "3", "2", "1",
             t("survey.report.col.rate"))
    widths = (7, 7, 5, 5, 5, 5, 5, 8)
    text.append(t("survey.stats.header", title=stats.title, responses=stats.responses) + "\n",
                style="bold")
    if stats.previous_title:
        text.append(t("survey.stats.previous", title=stats.previous_title) + "\n", style="dim")
    text.append(pad(t("survey.report.col.item"), title_w), style="bold")
    for head, w in zip(heads, widths, strict=True):
        text.append(pad(head, w, "right"), style="bold")
    text.append("  " + pad(t("survey.report.col.bar"), width)
                + pad(t("survey.report.col.delta"), 8, "right") + "\n", style="bold")

    def line(title: str, tally: Tally, change: float | None, strong: bool) -> None:
        text.append(pad(title, title_w), style="bold" if strong else "")
        cells = (str(tally.n), mean(tally.mean), *(str(c) for c in reversed(tally.counts)))
        for cell, w in zip(cells, widths[:-1], strict=True):
            text.append(pad(cell, w, "right"))
        rate = tally.satisfaction_rate
        text.append(pad(pct(rate), widths[-1], "right"), style=_rate_style(rate))
        text.append("  ")
        text.append(bar(rate, width), style=_rate_style(rate))
        style = "dim" if change is None else ("green" if change >= 0 else "red")
        text.append(pad(delta(change), 8, "right") + "\n", style=style)

    def change(now: Tally, before: Tally | None) -> float | None:
        if before is None or before.satisfaction_rate is None or now.satisfaction_rate is None:
            return None
        return now.satisfaction_rate - before.satisfaction_rate

    for section in stats.sections:
        line("■ " + section.title, section.tally, change(section.tally, section.previous), True)
        for item in (i for i in stats.items if i.section_no == section.section_no):
            line("  " + item.title, item.tally, item.delta, False)
    line(t("survey.report.all_items"), stats.overall,
         change(stats.overall, stats.previous_overall), True)
    text.append("\n" + t("survey.report.h.buildings") + "\n", style="bold")
    if not stats.buildings:
        text.append(t("survey.report.none") + "\n", style="dim")
    name_w = max([cell_len(b.name) for b in stats.buildings] + [6]) + 2
    for b in stats.buildings:
        rate = b.tally.satisfaction_rate
        text.append(pad(b.name, name_w) + pad(t("survey.report.forms", n=b.responses), 10)
                    + pad(mean(b.tally.mean), 6, "right") + "  ")
        text.append(pad(pct(rate), 7, "right") + "  ", style=_rate_style(rate))
        text.append(bar(rate, width) + "\n", style=_rate_style(rate))
    lowest = stats.lowest(5)
    if lowest:
        text.append("\n" + t("survey.report.h.lowest") + "\n", style="bold")
        for n, item in enumerate(lowest, start=1):
            text.append(f"{n}. " + t("survey.report.lowest_line", section=item.section,
                                     item=item.title, rate=pct(item.tally.satisfaction_rate),
                                     mean=mean(item.tally.mean)) + "\n")
    return text
