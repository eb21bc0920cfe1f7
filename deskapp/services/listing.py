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

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, Protocol, TypeAlias, runtime_checkable

from sqlalchemy import (
    DateTime,
    Select,
    SQLColumnExpression,
    String,
    and_,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression
from sqlmodel import Session

from deskapp.masking import mask_text
from deskapp.services.textsearch import (
    dialect_name,
    escape_like,
    fts_match_count,
    like_condition,
    search_condition,
    split_terms,
)

__all__ = [
    "PAGE_SIZE",
    "FilterKind",
    "FilterSpec",
    "ListColumn",
    "ListQuery",
    "ListRow",
    "ListSource",
    "MAX_SEARCH_TERMS",
    "SqlListSource",
    "clean_search",
    "parse_date",
    "term_condition",
]

PAGE_SIZE = 200

# A SELECT of any columns: SQLAlchemy 2.1's Select is variadic in its row's types, so a
# list source's ``select(Model, Unit.code)`` is a ``Select[Model, str]``, and this is the
# type every one of them is (a string: nothing to evaluate at run time).
AnySelect: TypeAlias = "Select[*tuple[Any, ...]]"
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

    def __setattr__(self, name: str, value: object) -> None:
        # Every source reads the search through a ListQuery: cleaning it here cleans it
        # once for all of them (see :func:`clean_search`).
        if name == "search":
            value = clean_search(str(value))
        object.__setattr__(self, name, value)

    def active(self) -> dict[str, object]:
        """The filters that actually restrict the list."""
        return {k: v for k, v in self.filters.items() if v is not None and v != ""}


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

    The masking happens when :attr:`cells` is first read (issue #17): the list draws the
    rows on screen only, so a fetched page of 200 rows masks the 40 shown, not all of
    them; an export reads every row and so masks every row. The unmasked text is never
    handed out.
    """

    __slots__ = ("_masked", "_raw", "id", "style")

    def __init__(self, id: int, cells: Sequence[object], style: str = "") -> None:
        self.id = id
        self._raw = tuple(cells)
        self._masked: tuple[str, ...] | None = None
        self.style = style

    @property
    def cells(self) -> tuple[str, ...]:
        if self._masked is None:
            self._masked = tuple(mask_text(str(c)) for c in self._raw)
        return self._masked

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ListRow):
            return NotImplemented
        return (self.id, self.cells, self.style) == (other.id, other.cells, other.style)

    def __hash__(self) -> int:
        return hash((self.id, self.cells, self.style))

    def __repr__(self) -> str:
        return f"ListRow(id={self.id!r}, cells={self.cells!r}, style={self.style!r})"


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

MAX_SEARCH_TERMS = 8
"""A search uses at most this many terms; the rest are ignored (every term is one more
condition: thousands of them make the database refuse the query)."""


def clean_search(text: str) -> str:
    """The search box's text as the lists use it: control and format characters (NUL,
    zero-width spaces …) dropped, whitespace of any kind between terms, at most
    :data:`MAX_SEARCH_TERMS` terms."""
    kept = []
    for ch in text:
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(ch)
    return " ".join("".join(kept).split()[:MAX_SEARCH_TERMS])


# -- search and personal numbers ----------------------------------------------------------
#
# A list masks phones (``138****5678``) and ID numbers. Search must not undo that: if a
# term could match the hidden digits, "unit code + a guessed digit" tells the hidden
# digits one by one. So a term with digits in it is matched per kind of column:
#
# * phone columns (``phone``, ``*_phone``, ``mobile``): only by their last four digits —
#   the term is exactly those four digits (the unit picker's rule);
# * ID-number columns: never;
# * code columns (receipt/work-order numbers, unit codes, tracking numbers, plates, the
#   stored last four of a phone): as a substring, as before;
# * free text (content, notes, names …): only where the term's digits stand alone — not
#   next to other digits, nor to digits across a separator (``138 1234 5678``,
#   ``(138)12345678``), so no part of a number written into the text is searchable on its
#   own — and never with a term that itself looks like a mobile or ID number.

_DIGIT = re.compile(r"[0-9\uff10-\uff19]")
_CODE_COLUMNS = frozenset({
    "number", "unit_code", "code", "tracking_no", "card_no", "plate", "phone_tail", "shelf",
    "storage", "receipt_no", "bill_no",
})
_DIG = "0-9\uff10-\uff19"
_SEP = " ./()\uff08\uff09\u3000\u200b\u200c\u200d\u2060\ufeff-"
_LEFT = f"(^|^[{_SEP}]|[^{_DIG}{_SEP}]|[^{_DIG}][{_SEP}])"
_RIGHT = f"($|[{_SEP}]$|[^{_DIG}{_SEP}]|[{_SEP}][^{_DIG}])"


def _column_kind(name: str) -> str:
    name = name.lower()
    if "id_number" in name or "id_no" in name or "idcard" in name:
        return "id"
    if name in _CODE_COLUMNS:
        return "code"
    if name == "phone" or name.endswith("_phone") or "mobile" in name:
        return "phone"
    return "text"


def _looks_personal(term: str) -> bool:
    return mask_text(unicodedata.normalize("NFKC", term)) != unicodedata.normalize(
        "NFKC", term)


def _regex_escape(term: str) -> str:
    # Backslash before every non-alphanumeric character: literal in Python's ``re`` (the
    # REGEXP of SQLite, registered by SQLAlchemy) and in PostgreSQL's ``~`` alike.
    return "".join(c if c.isalnum() else "\\" + c for c in term)


def term_condition(
    columns: Sequence[Any], term: str, *, dialect: str | None
) -> ColumnElement[bool]:
    """``term`` matches one of ``columns`` under the rules above (a term without digits:
    a plain substring match in any column except ID numbers)."""
    parts: list[ColumnElement[bool]] = []
    has_digit = bool(_DIGIT.search(term))
    personal = has_digit and _looks_personal(term)
    for column in columns:
        kind = _column_kind(str(getattr(column, "key", None) or getattr(column, "name", "")))
        if kind == "id":
            continue
        if not has_digit or kind == "code":
            parts.append(like_condition([column], term, dialect=dialect))
        elif kind == "phone":
            if len(term) == 4 and term.isascii() and term.isdigit():
                parts.append(column.like(f"%{escape_like(term)}", escape="\\"))
        elif not personal:
            parts.append(and_(like_condition([column], term, dialect=dialect),
                              column.regexp_match(_LEFT + _regex_escape(term) + _RIGHT)))
    if not parts:
        return false()
    return or_(*parts) if len(parts) != 1 else parts[0]


def parse_date(value: object) -> date | None:
    """A filter value as a date: accepts ``date``, ``datetime`` and ``YYYY-MM-DD``."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from deskapp.clock import parse_date as parse_day

    return parse_day(str(value))


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
    # Columns as ``col(Model.field)`` (or any Core column expression).
    filter_columns: Mapping[str, SQLColumnExpression[Any]] = {}
    search_columns: Sequence[str] = ()
    fts_table: str | None = None
    search_like_columns: Sequence[SQLColumnExpression[Any]] = ()

    # -- to override ---------------------------------------------------------------------

    def select(self) -> AnySelect:
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
        if isinstance(getattr(column, "type", None), DateTime):
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
        terms = split_terms(clean_search(query.search))
        if not terms:
            return clauses
        dialect = dialect_name(session)
        if self.search_like_columns:
            clauses += [term_condition(list(self.search_like_columns), term, dialect=dialect)
                        for term in terms]
            return clauses
        plain = [term for term in terms if not _DIGIT.search(term)]
        if plain:
            clauses.append(self._search_condition(session, " ".join(plain)))
        for term in terms:
            if term in plain:
                continue
            # The index (or LIKE) narrows to the rows containing the term; the per-column
            # rule then decides whether the match may be shown (see term_condition).
            table = getattr(self.model, "__table__", self.model)
            names = self.search_columns or [c.name for c in table.c
                                            if isinstance(c.type, String)]
            clauses.append(self._search_condition(session, term))
            clauses.append(term_condition([table.c[n] for n in names], term, dialect=dialect))
        return clauses

    def _search_condition(self, session: Session, text: str) -> ColumnElement[bool]:
        return search_condition(session, model=self.model, fts_table=self.fts_table,
                                query=text, columns=self.search_columns or None)

    def count_statement(self, session: Session, query: ListQuery) -> AnySelect:
        """``SELECT count(*)`` over the same FROM/joins and WHERE as :meth:`select`."""
        stmt = self.select().where(*self.where(session, query))
        return stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)

    def count(self, session: Session, query: ListQuery) -> int:
        if (self.fts_table and query.search.strip() and not query.active() and self._plain()
                and not _DIGIT.search(query.search)):
            # Search (without digits: see term_condition) is the only condition: the FTS
            # index alone knows the count.
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
