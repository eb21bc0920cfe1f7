"""The data side of every record list: columns, filters, a query, rows, and a source.

A list screen (contacts, work orders, complaints, receipts, …) shows a
:class:`deskapp.tui.widgets.record_list.RecordList`; the widget knows nothing about any
area. It asks a :class:`ListSource` two questions, always on a worker thread and always
for one page at a time:

* ``count(session, query)`` — how many records match (sizes the scroll bar);
* ``fetch(session, query, offset, limit, reverse=...)`` — one page of ready-to-show rows.

Rows come newest first. ``reverse=True`` asks for the same ordering read from the other
end, so the widget can fetch a page near the bottom of 1,000,000 records as
``OFFSET 50`` in reverse order instead of ``OFFSET 999,950`` (SQL ``OFFSET`` walks every
skipped row). The widget decides which end is closer.

Most areas subclass :class:`SqlListSource`: they give a ``select()``, the newest-first
``order_by``, which column each filter compares, which columns text search covers (and the
FTS table, see :mod:`deskapp.services.textsearch`), and ``to_row`` that turns one result
into display strings. Count and fetch follow from those.

No Textual here: services implement sources, and tests exercise them without a screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, Protocol, runtime_checkable

from sqlalchemy import DateTime, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from deskapp.masking import mask_text
from deskapp.services.textsearch import (
    dialect_name,
    fts_match_count,
    like_condition,
    search_condition,
)

__all__ = [
    "PAGE_SIZE",
    "FilterKind",
    "FilterSpec",
    "ListColumn",
    "ListQuery",
    "ListRow",
    "ListSource",
    "SqlListSource",
    "parse_date",
]

PAGE_SIZE = 200
"""Rows per fetch: a few screens' worth, small enough to read in a few milliseconds."""

FilterKind = Literal["choice", "date_from", "date_to", "text"]


@dataclass(frozen=True)
class ListColumn:
    """One column of a list.

    ``width`` is in terminal cells: a Chinese character takes two. Cells are padded and cut
    by cell width (``rich.cells.cell_len``), never by ``len()``.

    Narrow terminals (80 columns): ``priority`` 0 marks a key column (number, unit,
    status, staff …) that is always shown; when the columns do not fit, the one with the
    highest ``priority`` goes first (the rightmost of equals). ``min_width`` lets a long
    column (content, period) be narrowed down to that many cells before any column is
    dropped (0: never narrowed). ``fits``: catalogue key prefixes whose texts the column
    shows (states, kinds): the column widens to the longest of them in the current
    language, so "Needs response" is never cut to "Needs respo…".
    """

    key: str
    title_key: str
    width: int
    align: Literal["left", "right"] = "left"
    priority: int = 5
    min_width: int = 0
    fits: tuple[str, ...] = ()


@dataclass(frozen=True)
class FilterSpec:
    """One control of the filter bar.

    ``choice``: a drop-down of ``choices`` as ``(value, label)`` — the label is shown as
    given (translate it when building the spec). ``date_from`` / ``date_to``: a
    ``YYYY-MM-DD`` box; both ends are inclusive. ``text``: a box matched as a substring.
    """

    key: str
    title_key: str
    kind: FilterKind
    choices: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ListQuery:
    """What the user asked for: filter values by :attr:`FilterSpec.key`, and search text.

    Values are ``str`` for choice/text filters and :class:`datetime.date` for dates. A key
    that is missing, ``None`` or ``""`` means "no filter".
    """

    filters: dict[str, object] = field(default_factory=dict)
    search: str = ""

    def active(self) -> dict[str, object]:
        """The filters that actually restrict the list."""
        return {k: v for k, v in self.filters.items() if v is not None and v != ""}


@dataclass(frozen=True)
class ListRow:
    """One display row: the record's id, one string per column, and an optional style.

    ``style`` names a highlight the widget knows: ``"overdue"``, ``"warning"``, ``"muted"``
    (or ``""`` for none).

    Every row of every list and list export is built here, so this is where personal data
    typed into free text (an ID number or a mobile in a contact's content, a work order's
    description …) is masked: each cell goes through :func:`deskapp.masking.mask_text`.
    Sources still mask their own phone and ID columns (``mask_phone`` also masks landlines,
    which free text cannot be searched for reliably); the full value is only ever shown by
    the audited reveal.
    """

    id: int
    cells: tuple[str, ...]
    style: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "cells", tuple(mask_text(str(c)) for c in self.cells))


@runtime_checkable
class ListSource(Protocol):
    """What a record list reads from. Implementations must be safe to call from a worker
    thread with a session of their own; they must not touch the UI."""

    columns: list[ListColumn]
    filters: list[FilterSpec]

    def count(self, session: Session, query: ListQuery) -> int:
        """Number of records matching ``query``."""
        ...

    def fetch(
        self,
        session: Session,
        query: ListQuery,
        offset: int,
        limit: int,
        *,
        reverse: bool = False,
    ) -> list[ListRow]:
        """Rows ``offset .. offset+limit`` newest first, or counted from the oldest when
        ``reverse`` (then returned oldest first)."""
        ...


def parse_date(value: object) -> date | None:
    """A filter value as a date: accepts ``date``, ``datetime`` and ``YYYY-MM-DD``."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _flip(clause: ColumnElement[Any]) -> ColumnElement[Any]:
    """``x DESC`` → ``x ASC`` and back; a bare column counts as ascending."""
    if isinstance(clause, UnaryExpression) and clause.modifier in (
        operators.desc_op,
        operators.asc_op,
    ):
        inner = clause.element
        return inner.asc() if clause.modifier is operators.desc_op else inner.desc()
    return clause.desc()


class SqlListSource:
    """A :class:`ListSource` built from one SQL select.

    Set, as class attributes or in ``__init__``:

    * ``columns`` / ``filters`` — what the widget shows;
    * ``model`` — the ORM class (or ``Table``) whose integer ``id`` the rows carry and whose
      columns text search covers;
    * ``order_by`` — newest first, ending with a unique column (``Model.id.desc()``) so
      pages never overlap; reversed automatically for ``reverse=True``;
    * ``filter_columns`` — ``{filter key: column}`` for the default filter mapping
      (choice → ``=``, date_from → ``>=`` day start, date_to → ``<`` next day start,
      text → escaped ``LIKE``); override :meth:`filter_clause` for anything else;
    * ``search_columns`` / ``fts_table`` — column names searched by the search box, and
      the FTS5 table over them (``None``: LIKE only);

    and implement :meth:`to_row`. Override :meth:`select` for joins or column subsets:
    a select with one column (``select(Model)``) hands ``to_row`` the object itself,
    otherwise the result ``Row``.
    """

    columns: list[ListColumn] = []
    filters: list[FilterSpec] = []
    model: Any = None
    order_by: Sequence[ColumnElement[Any]] = ()
    filter_columns: Mapping[str, ColumnElement[Any]] = {}
    search_columns: Sequence[str] = ()
    fts_table: str | None = None
    search_like_columns: Sequence[ColumnElement[Any]] = ()

    # -- to override ---------------------------------------------------------------------

    def select(self) -> Select[Any]:
        """The base statement, without filters or ordering."""
        return select(self.model)

    def to_row(self, item: Any) -> ListRow:
        """One result (the object for single-column selects, else the ``Row``) → ListRow."""
        raise NotImplementedError

    def filter_clause(self, key: str, value: object) -> ColumnElement[bool] | None:
        """The WHERE clause for one active filter; ``None`` to ignore it."""
        spec = next((f for f in self.filters if f.key == key), None)
        column = self.filter_columns.get(key)
        if spec is None or column is None:
            return None
        if spec.kind == "choice":
            return column == value
        if spec.kind == "text":
            return like_condition([column], str(value), dialect=None)
        day = parse_date(value)
        if day is None:
            return None
        if spec.kind == "date_to":
            day = day + timedelta(days=1)
        bound: date | datetime = day
        if isinstance(column.type, DateTime):
            bound = datetime.combine(day, time.min)
        return column >= bound if spec.kind == "date_from" else column < bound

    # -- derived -------------------------------------------------------------------------

    def where(self, session: Session, query: ListQuery) -> list[ColumnElement[bool]]:
        """Every clause of ``query``: filters first, then the text search."""
        clauses: list[ColumnElement[bool]] = []
        for key, value in query.active().items():
            clause = self.filter_clause(key, value)
            if clause is not None:
                clauses.append(clause)
        if query.search.strip() and self.search_like_columns:
            dialect = dialect_name(session)
            clauses += [like_condition(list(self.search_like_columns), term, dialect=dialect)
                        for term in query.search.split()]
        elif query.search.strip():
            clauses.append(
                search_condition(
                    session,
                    model=self.model,
                    fts_table=self.fts_table,
                    query=query.search,
                    columns=self.search_columns or None,
                )
            )
        return clauses

    def count_statement(self, session: Session, query: ListQuery) -> Select[Any]:
        """``SELECT count(*)`` over the same FROM/joins and WHERE as :meth:`select`."""
        stmt = self.select().where(*self.where(session, query))
        return stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)

    def count(self, session: Session, query: ListQuery) -> int:
        if self.fts_table and query.search.strip() and not query.active() and self._plain():
            # Search is the only condition: the FTS index alone knows the count.
            found = fts_match_count(session, fts_table=self.fts_table, query=query.search)
            if found is not None:
                return found
        return int(session.execute(self.count_statement(session, query)).scalar_one())

    def _plain(self) -> bool:
        """The base select reads the model's table alone, unfiltered."""
        stmt = self.select()
        table = getattr(self.model, "__table__", self.model)
        return stmt.whereclause is None and list(stmt.get_final_froms()) == [table]

    def fetch(
        self,
        session: Session,
        query: ListQuery,
        offset: int,
        limit: int,
        *,
        reverse: bool = False,
    ) -> list[ListRow]:
        if limit <= 0:
            return []
        order = [_flip(c) for c in self.order_by] if reverse else list(self.order_by)
        stmt = (
            self.select()
            .where(*self.where(session, query))
            .order_by(*order)
            .offset(max(offset, 0))
            .limit(limit)
        )
        result = session.execute(stmt)
        single = len(stmt.column_descriptions) == 1
        items = result.scalars().all() if single else result.all()
        return [self.to_row(item) for item in items]
