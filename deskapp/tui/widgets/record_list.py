"""The one record list: every list screen (contacts, work orders, complaints, receipts, …)
shows its records through :class:`RecordList`.

Why not ``DataTable``: it measures and stores every cell of every row — ~16 s and 237 MB
for 100,000 rows. Here the list is a line-API :class:`~textual.scroll_view.ScrollView`
(the pattern of Textualize's ``toolong``): the scroll bar is sized from one ``count()``,
and ``render_line(y)`` draws only what is on screen from a small cache of pages fetched
from the database. Opening a list of a million records costs one count and one page.

Data flow (all database work is off the UI thread):

* a query change (filter bar, search box, :meth:`RecordList.set_filter`) bumps a
  *generation* and starts one thread worker: first page, then count. Results are posted
  back as messages tagged with their generation; anything from an older generation is
  dropped, so a slow count for "王" never overwrites the list for "王小明". (Workers are
  not ``exclusive``: a thread cannot be stopped mid-query anyway, and a cancelled worker
  makes ``workers.wait_for_complete()`` raise in tests. A stale worker instead returns
  as soon as it sees the generation moved on.)
* scrolling asks for the missing pages on screen (plus the cursor's page), each in its own
  thread worker. Pages are ``PAGE_SIZE`` rows, kept in an LRU of ``MAX_PAGES``. A page
  next to a loaded one is read by keyset from that page's edge record
  (:attr:`ListQuery.after`: an index seek, however deep); any other page in the second
  half of the list is read from the other end (``reverse=True``), so the last page of a
  million rows is ``OFFSET 0`` backwards rather than ``OFFSET 999,800``.
* a refresh (:meth:`RecordTable.refresh_data`, after a record was added or changed)
  follows the *record* under the cursor, not its index: the worker looks for its id (then
  its neighbours', when it left the filter) near its old place and posts that page with
  the new index. :meth:`RecordTable.show_newest` (an area opened by its key) goes back to
  the first, newest row.
* database access of one :class:`Database` is serialised (a lock keyed by the session
  factory's owner): an in-memory SQLite on a ``StaticPool`` has one connection, which two
  threads must not share mid-transaction. Workers whose result is no longer wanted skip
  their query when they get the lock.

Text typed in the search box refilters after :data:`DEBOUNCE_SECONDS`; Enter applies it at
once and returns to the list. Escape in the filter bar returns to the list; ``/`` goes to
the search box.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from sqlalchemy.orm import Session
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import HorizontalScroll
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from deskapp.i18n import language, t
from deskapp.services.listing import (
    PAGE_SIZE,
    FilterSpec,
    ListColumn,
    ListQuery,
    ListRow,
    ListSource,
    parse_date,
)

__all__ = ["DEBOUNCE_SECONDS", "MAX_PAGES", "RecordList", "RecordTable", "column_width",
           "fit_cell", "layout_columns"]

SessionFactory = Callable[[], AbstractContextManager[Session]]

MAX_PAGES = 8
"""Pages kept in memory (8 × 200 rows): scrolling back a little never re-queries."""

DEBOUNCE_SECONDS = 0.25
FOLLOW_WINDOW = PAGE_SIZE // 2
"""A refresh looks for the followed record this many rows either side of where it was."""
FOLLOW_NEIGHBOURS = 10
"""Neighbours (each side) remembered, for when the followed record itself is gone."""
ROW_STYLES = ("overdue", "warning", "muted")
_LINE_CACHE = 4 * PAGE_SIZE  # fitted row texts kept (a few screens' worth)
_GAP = 2  # cells between columns
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(factory: SessionFactory) -> threading.Lock:
    """One lock per database (the owner of a bound ``db.read``), shared by its lists."""
    owner = getattr(factory, "__self__", factory)
    with _locks_guard:
        return _locks.setdefault(id(owner), threading.Lock())


def _translated(bindings: BindingsMap) -> BindingsMap:
    """Bindings carry catalogue keys as descriptions; translate them per instance, so
    the language chosen at start-up (after import) is the one shown in the footer."""
    return BindingsMap.from_keys(
        {
            key: [
replace(b, description=t(b.description)) if b.description else b
                for b in group
            ]
            for key, group in bindings.key_to_bindings.items()
        }
    )


_FIT_CAP = 24  # a column widened to fit its labels never grows beyond this


def column_width(column: ListColumn) -> int:
    """The column's full width in the current language: its declared width, widened to
    its title and to the longest label of its ``fits`` families (capped)."""
    width = max(column.width, cell_len(t(column.title_key)))
    if column.fits:
        from deskapp.i18n import messages

        longest = max((cell_len(t(key)) for key in messages()
                       if key.startswith(column.fits)), default=0)
        width = max(width, min(longest, _FIT_CAP))
    return width


def layout_columns(columns: Sequence[ListColumn], available: int) -> list[tuple[int, int]]:
    """Which columns to show in ``available`` cells, and how wide: ``(index, width)`` in
    column order. Everything fits: every column at full width. Otherwise narrowable
    columns shrink towards ``min_width``; if that is not enough the column with the
    highest ``priority`` (rightmost of equals) is dropped, repeatedly, never a key column
    (priority 0); a dropped column that fits in the room left comes back; what room is
    then left goes back to the narrowed columns. When even the key
    columns do not fit, they are all shown and the list scrolls sideways."""
    full = [column_width(c) for c in columns]
    # a narrowed column keeps its title whole ("Content → action" was cut to "Content → acti…")
    least = [max(min(c.min_width, w), min(cell_len(t(c.title_key)), w)) if c.min_width else w
             for c, w in zip(columns, full, strict=True)]
    shown = list(range(len(columns)))

    def total(widths: list[int]) -> int:
        return 1 + sum(widths[i] for i in shown) + _GAP * max(len(shown) - 1, 0)

    if total(full) <= available:
        return [(i, full[i]) for i in shown]
    droppable = sorted((i for i in shown if columns[i].priority > 0),
                       key=lambda i: (columns[i].priority, i))
    dropped: list[int] = []
    while total(least) > available and droppable:
        dropped.append(droppable.pop())
        shown.remove(dropped[-1])
    for i in reversed(dropped[:-1]):  # a lower-priority column may fit in what is left
        shown.append(i)
        shown.sort()
        if total(least) > available:
            shown.remove(i)
    widths = list(least)
    spare = available - total(widths)
    for i in shown:
        if spare <= 0:
            break
        grow = min(full[i] - widths[i], spare)
        widths[i] += grow
        spare -= grow
    return [(i, widths[i]) for i in shown]


def fit_cell(text: str, width: int, align: str = "left") -> str:
    """``text`` padded or cut to exactly ``width`` terminal cells (CJK = 2 cells).

    Line breaks and tabs become spaces; a cut text ends with ``…``.
    """
    if width <= 0:
        return ""
    text = " ".join(text.split()) if any(c in text for c in "\n\r\t") else text
    size = cell_len(text)
    if size > width:
        cut = set_cell_size(text, width - 1).rstrip(" ") if width > 1 else ""
        while cut and cell_len(cut) > width - 1:  # (set_cell_size pads a cut wide char)
            cut = cut[:-1]
        text = cut + "…"
        size = cell_len(text)
    pad = " " * (width - size)
    return pad + text if align == "right" else text + pad


class _PageLoaded(Message, bubble=False):
    def __init__(self, generation: int, page: int, rows: list[ListRow] | None,
                 cursor: int | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.page = page
        self.rows = rows  # None: skipped, no longer wanted
        self.cursor = cursor  # a refresh found the followed record (or its neighbour) here


class _CountLoaded(Message, bubble=False):
    def __init__(self, generation: int, count: int) -> None:
        super().__init__()
        self.generation = generation
        self.count = count


class _LoadFailed(Message, bubble=False):
    def __init__(self, generation: int, error: BaseException) -> None:
        super().__init__()
        self.generation = generation
        self.error = error


class RecordTable(ScrollView, can_focus=True):
    """The scrolling body of a :class:`RecordList`: a header line, then one line per
    record, drawn on demand from cached pages. Owns the cursor and the loading."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "record-list--header",
        "record-list--cursor",
        "record-list--placeholder",
        "record-list--empty",
        "record-list--overdue",
        "record-list--warning",
        "record-list--muted",
    }

    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .record-list--header { text-style: bold; background: $panel; color: $foreground; }
        & > .record-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .record-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .record-list--placeholder { color: $text-disabled; }
        & > .record-list--empty { color: $text-muted; text-style: italic; }
        & > .record-list--overdue { color: $text-error; text-style: bold; }
        & > .record-list--warning { color: $text-warning; }
        & > .record-list--muted { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "list.key.up", show=False, id="record_list.up"),
        Binding("down", "cursor_down", "list.key.down", show=False, id="record_list.down"),
        Binding("pageup", "cursor_page_up", "list.key.page_up", show=False,
                id="record_list.page_up"),
        Binding("pagedown", "cursor_page_down", "list.key.page_down", show=False,
                id="record_list.page_down"),
        Binding("home", "cursor_first", "list.key.first", show=False, id="record_list.first"),
        Binding("end", "cursor_last", "list.key.last", show=False, id="record_list.last"),
        Binding("enter", "open", "list.key.open", id="record_list.open"),
    ]

    class StatusChanged(Message):
        """The count, the cursor position or the loading state changed."""

    def __init__(
        self,
        source: ListSource,
        session_factory: SessionFactory,
        *,
        query: ListQuery | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._bindings = _translated(self._bindings)  # no public API for own bindings
        self.source = source
        self._session_factory = session_factory
        self._lock = _lock_for(session_factory)
        self._query = query or ListQuery()
        self._generation = 0
        self._count: int | None = None
        self._counted = False  # _count belongs to the current generation
        self._pages: OrderedDict[int, list[ListRow]] = OrderedDict()
        self._stale_pages: dict[int, list[ListRow]] = {}
        self._pending: set[int] = set()
        self._wanted: frozenset[int] = frozenset()
        self._cursor = 0
        self._newest = False  # on the newest row by show_newest, not moved since
        self._following: int | None = None  # generation whose refresh places the cursor
        self.error: BaseException | None = None
        self._columns: list[ListColumn] = list(source.columns)
        self._layout: list[tuple[int, int]] = []
        self._layout_for: tuple[int, str] = (-1, "")
        self._width = 0
        self._pass_styles: dict[str, Style] | None = None
        self._lines: dict[int, tuple[ListRow, str]] = {}  # id(row) → (row, fitted text)
        self._relayout(10_000)

    # -- public ------------------------------------------------------------------------

    @property
    def list_query(self) -> ListQuery:
        """The query shown. (Not ``query``: that is Textual's DOM query.)"""
        return self._query

    @property
    def count(self) -> int | None:
        """Records matching the query, ``None`` until counted."""
        return self._count

    @property
    def row_count(self) -> int:
        """Rows the list shows now (the first page's length until the count arrives)."""
        if self._count is not None:
            return self._count
        first = self._pages.get(0)
        return len(first) if first is not None else 0

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def ready(self) -> bool:
        """The current query is counted and the cursor's row is loaded (or the list is
        empty): what tests and benchmarks wait for."""
        if not self._counted:
            return self.error is not None
        return self._count == 0 or self._cursor // PAGE_SIZE in self._pages

    @property
    def current_row(self) -> ListRow | None:
        """The row under the cursor, if its page is loaded."""
        return self._row(self._cursor) if self.row_count else None

    def set_query(self, query: ListQuery) -> None:
        """Show ``query``'s records from the top."""
        self._start(query, keep_position=False)

    def show_newest(self, *, reload: bool = True) -> None:
        """Reload and put the cursor on the newest row (the first, newest first): what a
        list shows when its area is opened or returned to by its key.

        ``reload=False`` (issue #17: the area key, when the screen checks for changes
        itself): a loaded list only moves its cursor to the first row; the next
        :meth:`refresh_data` then reloads on the newest row instead of following the
        record."""
        if reload or not self._counted or self.error is not None:
            self._start(self._query, keep_position=False)
            return
        self._newest = True
        if self._cursor != 0:
            self._cursor = 0
            self.refresh()
        self.scroll_to(0, 0, animate=False)
        self._check_pages()
        self.post_message(self.StatusChanged())

    def refresh_data(self) -> None:
        """Re-count and reload, keeping the cursor on the same *record* (not the same
        index): rows added above or removed move it along. When that record is gone
        (deleted, or no longer matching the filter) the cursor goes to its nearest
        neighbour still listed (the one below first); when none is near, to the newest
        row. Until the fresh rows arrive the old ones stay on screen, so Enter always
        opens the row the user sees highlighted."""
        if self._newest:  # still on the newest row since show_newest: stay there
            self._cursor = 0
            self._start(self._query, keep_position=True)
            return
        self._start(self._query, keep_position=True, anchors=self._anchors())

    def _anchors(self) -> tuple[int, ...]:
        """The id under the cursor, then its neighbours by distance (below first)."""
        if self._row(self._cursor) is None:
            return ()
        ids: list[int] = []
        for distance in range(FOLLOW_NEIGHBOURS + 1):
            for index in ((self._cursor,) if distance == 0 else
                          (self._cursor + distance, self._cursor - distance)):
                row = self._row(index) if 0 <= index < self.row_count else None
                if row is not None:
                    ids.append(row.id)
        return tuple(ids)

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped) and scroll it into view."""
        total = self.row_count
        if total == 0:
            return
        index = max(0, min(index, total - 1))
        self._following = None  # the user moved: a refresh in flight must not move it back
        self._newest = False
        if index != self._cursor:
            old, self._cursor = self._cursor, index
            top = int(self.scroll_offset.y)
            if top <= index < top + self._body_height():
                # The view stays put: redraw the two lines whose highlight changed, not
                # the whole list (issue #17: a Down key redrew ~44 lines).
                self.refresh_line(old + 1)
                self.refresh_line(index + 1)
            else:
                self.refresh()
        self._scroll_to_cursor()
        self.post_message(self.StatusChanged())

    # -- loading -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._update_virtual_size()
        self._start(self._query, keep_position=False)

    def _start(self, query: ListQuery, *, keep_position: bool,
               anchors: tuple[int, ...] = ()) -> None:
        self._generation += 1
        self._query = query
        self.error = None
        self._counted = False
        if keep_position:
            # Keep showing the old rows until the fresh ones arrive (no blank flash).
            self._stale_pages = dict(self._pages) or self._stale_pages
        else:
            self._stale_pages = {}
            self._count = None
            self._cursor = 0
            self._newest = False
            self.scroll_to(0, 0, animate=False)
        self._following = self._generation if anchors else None
        self._pages = OrderedDict()
        self._pending = set()
        first_page = not anchors and self._cursor // PAGE_SIZE == 0
        if first_page:
            self._pending.add(0)
        self._update_virtual_size()
        self.refresh()
        self.post_message(self.StatusChanged())
        follow = (self._cursor, anchors) if anchors else None
        self._load_query(self._generation, query, first_page, follow)

    def _is_current(self, generation: int) -> bool:
        return generation == self._generation

    @work(thread=True, group="record-list-query", exit_on_error=False)
    def _load_query(self, generation: int, query: ListQuery, first_page: bool,
                    follow: tuple[int, tuple[int, ...]] | None = None) -> None:
        """First page (so the screen fills at once) — or, for a refresh that follows a
        record, the page where that record (or its neighbour) is now, with its new
        index — then the count."""
        with self._lock:
            if not self._is_current(generation):
                return
            try:
                with self._session_factory() as session:
                    if follow is not None:
                        self._locate(session, generation, query, *follow)
                    elif first_page:
                        rows = self.source.fetch(session, query, 0, PAGE_SIZE)
                        self.post_message(_PageLoaded(generation, 0, rows))
                    if not self._is_current(generation):
                        return
                    total = self.source.count(session, query)
                    self.post_message(_CountLoaded(generation, total))
            except Exception as exc:  # shown in the status line, never a traceback
                self.post_message(_LoadFailed(generation, exc))

    def _locate(self, session: Session, generation: int, query: ListQuery, old: int,
                anchors: tuple[int, ...]) -> None:
        """Find the first of ``anchors`` (the followed id, then its neighbours) within
        :data:`FOLLOW_WINDOW` rows of its old index; post its page with its new index
        (the newest row when none is found)."""
        start = max(0, old - FOLLOW_WINDOW)
        limit = 2 * FOLLOW_WINDOW + 1
        window = self.source.fetch(session, query, start, limit)
        where = {row.id: start + i for i, row in enumerate(window)}
        cursor = next((where[a] for a in anchors if a in where), 0)
        page = cursor // PAGE_SIZE
        first = page * PAGE_SIZE
        if start <= first and (start + len(window) >= first + PAGE_SIZE or len(window) < limit):
            rows = window[first - start:first - start + PAGE_SIZE]
        else:
            rows = self.source.fetch(session, query, first, PAGE_SIZE)
        self.post_message(_PageLoaded(generation, page, rows, cursor=cursor))

    def _neighbour(self, page: int) -> tuple[int, bool] | None:
        """A keyset hint for ``page`` (issue #17): ``(id, reverse)`` — the last record of
        the loaded page before it (read forwards after it), else the first record of the
        loaded page after it (read backwards before it); ``None`` when neither is loaded."""
        before = self._pages.get(page - 1)
        if before is not None and len(before) == PAGE_SIZE:
            return before[-1].id, False
        after = self._pages.get(page + 1)
        if after:
            return after[0].id, True
        return None

    @work(thread=True, group="record-list-page", exit_on_error=False)
    def _load_page(self, generation: int, query: ListQuery, page: int, total: int,
                   neighbour: tuple[int, bool] | None = None) -> None:
        """One page: by keyset from a loaded neighbour page when there is one (see
        :meth:`_neighbour`), else read from whichever end of the list is nearer."""
        with self._lock:
            if not self._is_current(generation) or page not in self._wanted:
                self.post_message(_PageLoaded(generation, page, None))
                return
            offset = page * PAGE_SIZE
            limit = max(0, min(PAGE_SIZE, total - offset))
            if neighbour is not None:
                reverse = neighbour[1]
                query = replace(query, after=neighbour[0])
            else:
                reverse = offset + limit / 2 > total / 2
            try:
                with self._session_factory() as session:
                    if reverse:
                        rows = self.source.fetch(
                            session, query, total - offset - limit, limit, reverse=True
                        )
                        rows.reverse()
                    else:
                        rows = self.source.fetch(session, query, offset, limit)
            except Exception as exc:
                self.post_message(_LoadFailed(generation, exc))
                self.post_message(_PageLoaded(generation, page, None))
                return
            self.post_message(_PageLoaded(generation, page, rows))

    @on(_PageLoaded)
    def _on_page_loaded(self, message: _PageLoaded) -> None:
        if not self._is_current(message.generation):
            return
        self._pending.discard(message.page)
        if message.rows is None:
            return
        self._pages[message.page] = message.rows
        self._pages.move_to_end(message.page)
        self._stale_pages.pop(message.page, None)
        while len(self._pages) > MAX_PAGES:
            victim = next((p for p in self._pages if p not in self._wanted), None)
            if victim is None:
                break
            del self._pages[victim]
        if message.cursor is not None and self._following == message.generation:
            self._following = None
            self._cursor = message.cursor
            self._update_virtual_size()
            self._scroll_to_cursor()
        if self._count is None:
            self._update_virtual_size()
        self.refresh()
        self.post_message(self.StatusChanged())

    @on(_CountLoaded)
    def _on_count_loaded(self, message: _CountLoaded) -> None:
        if not self._is_current(message.generation):
            return
        self._count = message.count
        self._counted = True
        self._stale_pages = {p: r for p, r in self._stale_pages.items()
                             if p * PAGE_SIZE < message.count}
        self._cursor = max(0, min(self._cursor, message.count - 1))
        self._update_virtual_size()
        self._scroll_to_cursor()  # also requests the pages now on screen
        self.refresh()
        self.post_message(self.StatusChanged())

    @on(_LoadFailed)
    def _on_load_failed(self, message: _LoadFailed) -> None:
        if not self._is_current(message.generation):
            return
        self.error = message.error
        self.log.error("record list: loading failed", repr(message.error))
        self.refresh()
        self.post_message(self.StatusChanged())

    def _check_pages(self) -> None:
        """Request the pages on screen and the cursor's page that are not cached."""
        total = self._count
        if not self._counted or total is None or total == 0:
            self._wanted = frozenset({0})
            return
        top = int(self.scroll_offset.y)
        bottom = min(total - 1, top + self._body_height())
        wanted = {p for p in range(top // PAGE_SIZE, bottom // PAGE_SIZE + 1)}
        wanted.add(min(self._cursor, total - 1) // PAGE_SIZE)
        # Read ahead: the page two screens above/below the cursor is fetched before a
        # cursor key reaches it, so Down/PageDown never wait for the database (issue #17).
        ahead = 2 * self._body_height()
        wanted.add(min(self._cursor + ahead, total - 1) // PAGE_SIZE)
        wanted.add(max(self._cursor - ahead, 0) // PAGE_SIZE)
        self._wanted = frozenset(wanted)
        for page in sorted(wanted):
            if page not in self._pages and page not in self._pending:
                self._pending.add(page)
                self._load_page(self._generation, self._query, page, total,
                                self._neighbour(page))

    # -- geometry ------------------------------------------------------------------------

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _relayout(self, available: int) -> bool:
        """Fit the columns to ``available`` cells (see :func:`layout_columns`); True when
        the layout changed."""
        if (available, language()) == self._layout_for:
            return False
        self._layout_for = (available, language())
        self._layout = layout_columns(self._columns, available)
        self._lines.clear()
        self._width = 1 + sum(w for _, w in self._layout) + _GAP * max(len(self._layout) - 1, 0)
        return True

    @property
    def shown_columns(self) -> list[str]:
        """Keys of the columns shown at the current width."""
        return [self._columns[i].key for i, _ in self._layout]

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._width, self.row_count + 1)

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        body = self._body_height()
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + body:
            self.scroll_to(y=self._cursor - body + 1, animate=False)
        self._check_pages()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._check_pages()

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width > 0:
            self._relayout(width)
            self._update_virtual_size()
            self.refresh()
        self._check_pages()

    # -- rendering -----------------------------------------------------------------------

    def _row(self, index: int) -> ListRow | None:
        page, at = divmod(index, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None:
            rows = self._stale_pages.get(page)
        if rows is None or at >= len(rows):
            return None
        return rows[at]

    def _cells_text(self, cells: tuple[str, ...] | list[str]) -> str:
        parts: list[str] = [" "]
        for n, (i, width) in enumerate(self._layout):
            if n:
                parts.append(" " * _GAP)
            text = cells[i] if i < len(cells) else ""
            parts.append(fit_cell(text, width, self._columns[i].align))
        return "".join(parts)

    def _cells_line(self, cells: tuple[str, ...] | list[str], style: Style) -> Strip:
        return Strip([Segment(self._cells_text(cells), style)], self._width)

    def _row_line(self, row: ListRow, style: Style) -> Strip:
        """A record's line, its text fitted to the columns once (issue #17: a cursor key
        that scrolls redraws every line on screen; the text only changes with the row or
        the column layout)."""
        cached = self._lines.get(id(row))
        if cached is None or cached[0] is not row:
            if len(self._lines) >= _LINE_CACHE:
                self._lines.clear()
            cached = self._lines[id(row)] = (row, self._cells_text(row.cells))
        return Strip([Segment(cached[1], style)], self._width)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles are worked out once per drawing, not once per line (issue #17:
        # ``rich_style`` walks the ancestors; it was a tenth of a Down key's cost).
        self._pass_styles = {}
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = None

    def _style(self, component: str = "") -> Style:
        """The widget's style (``""``) or a component's, memoised for one drawing."""
        memo = self._pass_styles
        if memo is not None and component in memo:
            return memo[component]
        value = (self.get_component_rich_style(component) if component
                 else self.rich_style)
        if memo is not None:
            memo[component] = value
        return value

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self._style()
        style = self._style
        if width > 0 and self._relayout(width):  # (the language changed)
            self.call_later(self._update_virtual_size)
        if y == 0:
            header_style = base + style("record-list--header")
            titles = [t(c.title_key) for c in self._columns]  # indexed like the cells
            line = self._cells_line(titles, header_style)
            return line.crop_extend(scroll_x, scroll_x + width, header_style)
        index = scroll_y + y - 1
        total = self.row_count
        if y == 1 and total == 0 and (self._count is not None or self.error is not None):
            key = "list.error" if self.error is not None else "list.empty"
            line = Strip([Segment(" " + t(key), base + style("record-list--empty"))])
            return line.crop_extend(0, width, base)
        if index >= total:
            return Strip.blank(width, base)
        row = self._row(index)
        line_style = base
        if row is not None and row.style in ROW_STYLES:
            line_style += style(f"record-list--{row.style}")
        if index == self._cursor:
            line_style += style("record-list--cursor")
        if row is None:
            placeholder = base + style("record-list--placeholder")
            if index == self._cursor:
                placeholder += style("record-list--cursor")
            line = Strip([Segment(" …", placeholder)])
            return line.crop_extend(0, width, placeholder)
        line = self._row_line(row, line_style)
        return line.crop_extend(scroll_x, scroll_x + width, line_style)

    # -- keys and mouse ------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_cursor_page_up(self) -> None:
        self.move_cursor(self._cursor - self._body_height())

    def action_cursor_page_down(self) -> None:
        self.move_cursor(self._cursor + self._body_height())

    def action_cursor_first(self) -> None:
        self.move_cursor(0)

    def action_cursor_last(self) -> None:
        self.move_cursor(self.row_count - 1)

    def action_open(self) -> None:
        row = self.current_row
        if row is not None:
            owner = self.parent if isinstance(self.parent, RecordList) else None
            self.post_message(RecordList.Opened(row.id, owner))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if index < self.row_count:
            self.move_cursor(index)
            if event.chain >= 2:
                self.action_open()


class DateValidator(Validator):
    """``YYYY-MM-DD`` (full-width digits accepted) or empty."""

    def validate(self, value: str) -> ValidationResult:
        return self.success() if _parse_day(value) is not False else self.failure(
            t("list.date_invalid")
        )


def _parse_day(value: str) -> date | None | bool:
    """The date typed, ``None`` when empty, ``False`` when invalid."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    if not _DATE.match(text):
        return False
    try:
        return date.fromisoformat(text)
    except ValueError:
        return False


class RecordList(Widget):
    """A filter bar, the record table and a status line, over one :class:`ListSource`.

    ``session_factory`` opens a read session (the app passes ``db.read``); it is called on
    worker threads only. Posts :class:`RecordList.Opened` when a record is chosen.
    """

    DEFAULT_CSS = """
    RecordList {
        height: 1fr;
        layout: vertical;
        & > .record-list--filters {
            dock: top;
            height: auto;
            padding: 0 1;
            scrollbar-size: 0 0;
            & > Select { width: 1fr; min-width: 16; max-width: 24; margin-right: 1; }
            & > .record-list--date { margin-right: 1; }
            & > .record-list--text { width: 1fr; min-width: 12; max-width: 20; margin-right: 1; }
            & > .record-list--search { width: 1fr; min-width: 12; }
        }
        & > .record-list--status {
            dock: bottom; height: 1; width: 1fr; padding: 0 1; color: $text-muted;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "list.key.search", id="record_list.search"),
        Binding("ctrl+e", "export", "reports.export.key", id="record_list.export"),
    ]

    export_title: str = ""
    """Title of an exported file (Ctrl+E); empty: the area's name and the list's id."""

    class Opened(Message):
        """The user chose a record (Enter or double click)."""

        def __init__(self, record_id: int, record_list: RecordList | None = None) -> None:
            super().__init__()
            self.record_id = record_id
            self.record_list = record_list

        @property
        def control(self) -> RecordList | None:
            """The list the record was chosen in (for ``@on(RecordList.Opened, "#id")``)."""
            return self.record_list

    def __init__(
        self,
        source: ListSource,
        session_factory: SessionFactory,
        *,
        filters: dict[str, object] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._bindings = _translated(self._bindings)  # no public API for own bindings
        self.source = source
        self._session_factory = session_factory
        self._specs: dict[str, FilterSpec] = {spec.key: spec for spec in source.filters}
        self._controls: dict[str, Select[str] | Input] = {}
        self._extra: dict[str, object] = {}
        initial = dict(filters or {})
        for key, value in initial.items():  # dates as the filter bar will produce them
            spec = self._specs.get(key)
            if spec is not None and spec.kind in ("date_from", "date_to"):
                initial[key] = parse_date(value)
        self._initial = initial
        self._debounce: Timer | None = None
        self.table = RecordTable(source, session_factory, query=ListQuery(filters=initial))
        self.search_input = Input(
            placeholder=t("list.search"),
            compact=True,
            classes="record-list--search",
        )
        self.status = Static("", classes="record-list--status")
        self._status_text: str | None = None
        for key, value in initial.items():
            if key not in self._specs:
                self._extra[key] = value

    def compose(self) -> ComposeResult:
        # The table comes first in the DOM (so it is the first thing a screen's auto-focus
        # finds); the filter bar is docked on top of it and the status line at the bottom.
        yield self.table
        with _FilterBar(classes="record-list--filters"):
            for spec in self.source.filters:
                control = self._make_control(spec)
                self._controls[spec.key] = control
                yield control
            yield self.search_input
        yield self.status

    def _make_control(self, spec: FilterSpec) -> Select[str] | Input:
        title = t(spec.title_key)
        initial = self._initial.get(spec.key)
        if spec.kind == "choice":
            return Select(
                [(label, value) for value, label in spec.choices],
                prompt=t("list.filter_all", title=title),
                allow_blank=True,
                value=str(initial) if initial not in (None, "") else Select.NULL,
                compact=True,
            )
        if spec.kind in ("date_from", "date_to"):
            placeholder = f"{title} YYYY-MM-DD"
            box = Input(
                value=initial.isoformat() if isinstance(initial, date) else str(initial or ""),
                placeholder=placeholder,
                validators=[DateValidator()],
                compact=True,
                classes="record-list--date",
            )
            box.styles.width = cell_len(placeholder) + 2  # the whole hint, never cut
            return box
        return Input(
            value=str(initial or ""),
            placeholder=title,
            compact=True,
            classes="record-list--text",
        )

    def on_mount(self) -> None:
        self._update_status()

    # -- public --------------------------------------------------------------------------

    @property
    def current_id(self) -> int | None:
        """Id of the record under the cursor (``None``: empty list or still loading)."""
        row = self.table.current_row
        return row.id if row is not None else None

    @property
    def row_count(self) -> int:
        """Records matching the current filters (0 until counted)."""
        return self.table.count or 0

    @property
    def list_query(self) -> ListQuery:
        """The query the list shows."""
        return self.table.list_query

    def refresh_data(self) -> None:
        """Re-count and reload (after a record was added or changed), keeping the cursor
        on the same record (see :meth:`RecordTable.refresh_data`)."""
        self.table.refresh_data()

    def show_newest(self, *, reload: bool = True) -> None:
        """Reload with the cursor on the newest row (the area was opened by its key);
        see :meth:`RecordTable.show_newest` for ``reload=False``."""
        self.table.show_newest(reload=reload)

    def set_filter(self, key: str, value: object) -> None:
        """Set one filter (``None`` / ``""`` clears it) and reload now. Keys without a
        control in the filter bar are kept as fixed filters (e.g. a unit's id)."""
        control = self._controls.get(key)
        if control is None:
            self._extra[key] = value
        elif isinstance(control, Select):
            if value in (None, ""):
                control.clear()
            else:
                control.value = str(value)
        else:
            control.value = value.isoformat() if isinstance(value, date) else str(value or "")
        self._apply(self._build_query(overrides={key: value}))

    def focus_list(self) -> None:
        self.table.focus()

    def action_focus_search(self) -> None:
        self.search_input.focus()

    def action_export(self) -> None:
        """Export what the list shows (filters and search) to Excel or CSV."""
        from deskapp.tui.widgets.reports_export import start_export

        start_export(self)

    # -- filter bar ----------------------------------------------------------------------

    def _build_query(self, overrides: dict[str, object] | None = None) -> ListQuery:
        filters: dict[str, object] = {}
        for key, control in self._controls.items():
            if isinstance(control, Select):
                value: object = None if control.value is Select.NULL else control.value
            elif self._specs[key].kind in ("date_from", "date_to"):
                day = _parse_day(control.value)
                value = self.table.list_query.filters.get(key) if day is False else day
            else:
                value = control.value.strip()
            filters[key] = value
        filters.update(self._extra)
        filters.update(overrides or {})
        active = {k: v for k, v in filters.items() if v is not None and v != ""}
        return ListQuery(filters=active, search=self.search_input.value.strip())

    def _apply(self, query: ListQuery) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if query != self.table.list_query:
            self.table.set_query(query)

    def _schedule(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, lambda: self._apply(self._build_query()))

    @on(Select.Changed)
    def _on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._apply(self._build_query())

    @on(Input.Changed)
    def _on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._schedule()

    @on(Input.Submitted)
    def _on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply(self._build_query())
        self.table.focus()

    @on(RecordTable.StatusChanged)
    def _on_status_changed(self, event: RecordTable.StatusChanged) -> None:
        event.stop()
        self._update_status()

    def _update_status(self) -> None:
        table = self.table
        if table.error is not None:
            text = t("list.error")
        elif table.count is None:
            text = t("list.loading")
        elif table.count == 0:
            text = t("list.empty")
        else:
            count = t("list.count", n=f"{table.count:,}")
            text = f"{t('list.position', i=f'{table.cursor + 1:,}')} · {count}"
        if text != self._status_text:
            # One line of fixed height: redraw it without a layout pass of the screen
            # (issue #17 — every cursor key updates it).
            self._status_text = text
            self.status.update(text, layout=False)

    def focus(self, scroll_visible: bool = True) -> RecordList:
        """Focusing the list focuses its table (the filter bar is reached with ``/``)."""
        self.table.focus(scroll_visible)
        return self


class _FilterBar(HorizontalScroll, can_focus=False):
    """The row of filter controls; Escape goes back to the list. In a narrow terminal the
    row scrolls sideways to the focused control."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "list.key.back", id="record_list.back"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._bindings = _translated(self._bindings)  # no public API for own bindings

    def action_back(self) -> None:
        parent = self.parent
        if isinstance(parent, RecordList):
            parent.focus_list()
