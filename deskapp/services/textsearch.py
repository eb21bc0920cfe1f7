"""Text search for Chinese (and anything else) at any query length.

Chinese has no spaces, so word tokenizers do not help: "漏水" must be found inside
"卫生间漏水的问题". The tools per database:

* **SQLite** — an external-content FTS5 table with ``tokenize='trigram'`` indexes every
  run of three characters, so any term of **three or more** characters is an index lookup
  (``id IN (SELECT rowid FROM fts WHERE fts MATCH '"漏水的"')``), fast at millions of rows.
  When a session is at hand, a capped probe tells a rare term (look each match up, sort
  the few) from a frequent one (walk the list's ORDER BY index, probe the match set, stop
  after a page) and the SQL is shaped for the planner accordingly.
  A trigram index cannot answer one- or two-character terms: those go to a second FTS5
  table, ``<fts>_chars`` (issue #17), that indexes every single character as a token — the
  text is stored as ``漏 水 的 …`` (:func:`char_tokens`, a SQL function the engine
  registers on every SQLite connection) in a contentless ``unicode61`` table, and a short
  term is queried as a phrase (``"漏 水"``: the two characters adjacent, in one column).
  Characters that are neither letters nor digits become one placeholder token, so a phrase
  never jumps over punctuation. A short term holding such a character, or a table without
  ``<fts>_chars``, falls back to ``LIKE '%…%'`` over the searched columns (a scan, ANDed
  with the list's other filters).
* **PostgreSQL** — ``ILIKE '%…%'``; a ``pg_trgm`` GIN index on the columns makes it an
  index scan (optional, outside this module).

A query is split on whitespace and every term must match (in any searched column), so
"张三 1502" finds 张三 in room 1502; long terms go to FTS, short ones to LIKE. FTS terms are
quoted as FTS5 string literals (a term is never FTS syntax) and bound as parameters;
LIKE wildcards (``%``, ``_``) and the escape character are escaped.

Migrations create the FTS table and its triggers with :func:`create_fts` (a no-op on
PostgreSQL). The triggers keep the index current on INSERT, DELETE and UPDATE of the
indexed columns. Note: Alembic's SQLite ``batch_alter_table`` re-creates a table and so
drops its triggers — call :func:`create_fts` again after one (it is idempotent), or
:func:`drop_fts` + :func:`create_fts` when the indexed columns change.

No Textual here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    SQLColumnExpression,
    String,
    Table,
    and_,
    column,
    event,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from deskapp.db.chars import CHAR_TOKENS_FUNCTION, char_phrase, char_tokens


@event.listens_for(Engine, "connect")
def _register_char_tokens(dbapi_conn: Any, _record: Any) -> None:
    """Every SQLite connection of every engine (the app's registers it too, see
    :mod:`deskapp.db.engine`; this covers engines made elsewhere, e.g. by tests) can run the
    ``_chars`` triggers."""
    if isinstance(dbapi_conn, sqlite3.Connection):
        dbapi_conn.create_function(CHAR_TOKENS_FUNCTION, 1, char_tokens, deterministic=True)

__all__ = [
    "FTS_FREQUENT",
    "FTS_MIN_CHARS",
    "create_fts",
    "dialect_name",
    "drop_fts",
    "escape_like",
    "fts_match_count",
    "fts_phrase",
    "char_tokens",
    "create_chars_index",
    "CHARS_SUFFIX",
    "char_phrase",
    "like_condition",
    "rebuild_fts",
    "search_condition",
    "split_terms",
]

FTS_MIN_CHARS = 3
"""The trigram tokenizer indexes 3-character runs: shorter terms cannot use it."""

FTS_FREQUENT = 2_000
"""From this many matches on, a page is found faster by walking the list in order and
probing the match set than by looking every match up and sorting (see :func:`search_condition`)."""

LIKE_ESCAPE = "\\"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def dialect_name(obj: Any) -> str:
    """``"sqlite"`` / ``"postgresql"`` from a Session, Connection, Engine, Dialect, name,
    or Alembic ``op``."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, Dialect):
        return str(obj.name)
    if isinstance(obj, Session):
        return str(obj.get_bind().dialect.name)
    if isinstance(obj, Connection | Engine):
        return str(obj.dialect.name)
    get_bind = getattr(obj, "get_bind", None)
    if get_bind is not None:
        return str(get_bind().dialect.name)
    raise TypeError(f"cannot tell the database dialect from {type(obj).__name__}")


def split_terms(query: str) -> list[str]:
    """Whitespace-separated terms (full-width spaces included)."""
    return query.split()


def escape_like(value: str, escape: str = LIKE_ESCAPE) -> str:
    """Escape ``%``, ``_`` and the escape character itself for ``LIKE … ESCAPE``."""
    return (
        value.replace(escape, escape + escape)
        .replace("%", escape + "%")
        .replace("_", escape + "_")
    )


def fts_phrase(term: str) -> str:
    """``term`` as an FTS5 string literal: quoted, inner quotes doubled, so operators,
    ``*``, ``:`` or parentheses in the term are plain text."""
    return '"' + term.replace('"', '""') + '"'


CHARS_SUFFIX = "_chars"
"""``<fts_table>_chars``: the one-character index beside a trigram FTS table."""

def _has_chars_index(bind: Any, fts_table: str) -> bool:
    """Whether ``<fts_table>_chars`` exists (looked up once per engine and table)."""
    if not isinstance(bind, Session | Connection):
        return False
    engine = bind.get_bind() if isinstance(bind, Session) else bind.engine
    key = (id(engine), str(getattr(engine, "url", "")), fts_table)
    found = _chars_known.get(key)
    if found is None:
        name = fts_table + CHARS_SUFFIX
        found = bind.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                  "name = :n"), {"n": name}).first() is not None
        if found:  # a missing index may be created later (a migration): not remembered
            _chars_known[key] = True
    return bool(found)


_chars_known: dict[tuple[int, str, str], bool] = {}


def like_condition(
    columns: Sequence[SQLColumnExpression[Any]], term: str, *, dialect: str | None
) -> ColumnElement[bool]:
    """``term`` appears in any of ``columns`` (escaped substring match).

    SQLite's ``LIKE`` is already case-insensitive for ASCII; elsewhere ``ILIKE``.
    """
    pattern = f"%{escape_like(term)}%"
    if dialect == "sqlite":
        parts = [c.like(pattern, escape=LIKE_ESCAPE) for c in columns]
    else:
        parts = [c.ilike(pattern, escape=LIKE_ESCAPE) for c in columns]
    return or_(*parts) if len(parts) != 1 else parts[0]


def _table_of(model: Any) -> Table:
    found = getattr(model, "__table__", model)
    if not isinstance(found, Table):
        raise TypeError(f"{model!r} is neither a mapped class nor a Table")
    return found


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def search_condition(
    session_or_dialect: Any,
    *,
    model: Any,
    fts_table: str | None,
    query: str,
    columns: Sequence[str] | None = None,
    id_column: str = "id",
) -> ColumnElement[bool]:
    """The WHERE clause for searching ``model`` for ``query``.

    ``columns``: names of the searched columns (those indexed in ``fts_table``); default:
    every string column of ``model``. ``fts_table``: the FTS5 table created by
    :func:`create_fts`, or ``None`` to search with LIKE only. An empty query is ``TRUE``.
    """
    terms = split_terms(query)
    if not terms:
        return true()
    dialect = dialect_name(session_or_dialect)
    tbl = _table_of(model)
    if columns:
        cols: list[ColumnElement[Any]] = [tbl.c[name] for name in columns]
    else:
        cols = [c for c in tbl.c if isinstance(c.type, String)]
    if not cols:
        raise ValueError(f"no searchable columns on {tbl.name}")

    use_fts = dialect == "sqlite" and fts_table is not None
    long_terms = [term for term in terms if use_fts and len(term) >= FTS_MIN_CHARS]
    short_terms = [term for term in terms if term not in long_terms]

    clauses: list[ColumnElement[bool]] = []
    if short_terms and use_fts:
        assert fts_table is not None
        phrases = [(term, char_phrase(term)) for term in short_terms]
        indexed = [(term, p) for term, p in phrases if p is not None]
        if indexed and _has_chars_index(session_or_dialect, fts_table):
            chars_name = _identifier(fts_table + CHARS_SUFFIX)
            chars = table(chars_name, column("rowid"))
            match = " ".join(p for _, p in indexed)
            clauses.append(tbl.c[id_column].in_(
                select(chars.c.rowid).where(literal_column(chars_name).op("MATCH")(match))))
            short_terms = [term for term in short_terms if term not in {t for t, _ in indexed}]
    if long_terms:
        assert fts_table is not None
        fts_name = _identifier(fts_table)
        fts = table(fts_name, column("rowid"))
        match = " ".join(fts_phrase(term) for term in long_terms)
        matching = select(fts.c.rowid).where(literal_column(fts_name).op("MATCH")(match))
        key: ColumnElement[Any] = tbl.c[id_column]
        if _is_frequent(session_or_dialect, fts_name, match):
            # "+ 0" hides the primary key from the planner: it walks the list's ORDER BY
            # index and probes the match set, stopping after one page, instead of looking
            # up every match and sorting them all.
            key = key + literal_column("0")
        clauses.append(key.in_(matching))
    clauses.extend(like_condition(cols, term, dialect=dialect) for term in short_terms)
    return and_(*clauses) if len(clauses) != 1 else clauses[0]


def _is_frequent(bind: Any, fts_table: str, match: str) -> bool:
    """Whether ``match`` has at least :data:`FTS_FREQUENT` matches (a cheap, capped probe;
    ``False`` when only a dialect was given)."""
    if not isinstance(bind, Session | Connection):
        return False
    probe = text(
        f"SELECT count(*) FROM (SELECT 1 FROM {fts_table} WHERE {fts_table} MATCH :q "
        "LIMIT :cap)"
    )
    found = bind.execute(probe, {"q": match, "cap": FTS_FREQUENT}).scalar_one()
    return int(found) >= FTS_FREQUENT


def fts_match_count(session: Session | Connection, *, fts_table: str, query: str) -> int | None:
    """Exact number of rows matching ``query`` read from the FTS indexes alone, or ``None``
    when that is not possible (not SQLite, empty query, a short term with punctuation, or
    no ``_chars`` index for a term shorter than 3).

    Only equal to the list's count when the search is the list's only condition.
    """
    terms = split_terms(query)
    if not terms or dialect_name(session) != "sqlite":
        return None
    long_terms = [term for term in terms if len(term) >= FTS_MIN_CHARS]
    short_terms = [term for term in terms if len(term) < FTS_MIN_CHARS]
    fts = _identifier(fts_table)
    if not short_terms:
        match = " ".join(fts_phrase(term) for term in long_terms)
        sql = text(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :q")
        return int(session.execute(sql, {"q": match}).scalar_one())
    phrases = [char_phrase(term) for term in short_terms]
    if any(p is None for p in phrases) or not _has_chars_index(session, fts_table):
        return None
    chars = _identifier(fts_table + CHARS_SUFFIX)
    short_match = " ".join(p for p in phrases if p is not None)
    if not long_terms:
        sql = text(f"SELECT count(*) FROM {chars} WHERE {chars} MATCH :q")
        return int(session.execute(sql, {"q": short_match}).scalar_one())
    sql = text(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :q AND rowid IN "
               f"(SELECT rowid FROM {chars} WHERE {chars} MATCH :s)")
    match = " ".join(fts_phrase(term) for term in long_terms)
    return int(session.execute(sql, {"q": match, "s": short_match}).scalar_one())


def _execute(op: Any, sql: str) -> None:
    op.execute(text(sql))


def create_fts(
    op: Any,
    *,
    table: str,
    fts_table: str,
    columns: list[str],
    id_column: str = "id",
) -> None:
    """Create the trigram FTS5 index of ``table.columns`` and the triggers that keep it
    current, then fill it from the existing rows. SQLite only; nothing on PostgreSQL.

    ``op`` is Alembic's ``op`` in a migration, or a Connection / Session (tests, tools).
    Idempotent: safe to call again, e.g. after a ``batch_alter_table`` dropped the
    triggers.
    """
    if dialect_name(op) != "sqlite":
        return
    src = _identifier(table)
    fts = _identifier(fts_table)
    rowid = _identifier(id_column)
    names = [_identifier(c) for c in columns]
    cols = ", ".join(names)
    new = ", ".join(f"new.{c}" for c in names)
    old = ", ".join(f"old.{c}" for c in names)
    delete_old = (
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.{rowid}, {old});"
    )
    insert_new = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.{rowid}, {new});"
    for sql in (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{src}', "
        f"content_rowid='{rowid}', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {src} BEGIN {insert_new} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {src} BEGIN {delete_old} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {src} "
        f"BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ):
        _execute(op, sql)
    create_chars_index(op, table=table, fts_table=fts_table, columns=columns,
                       id_column=id_column)


def create_chars_index(
    op: Any,
    *,
    table: str,
    fts_table: str,
    columns: list[str],
    id_column: str = "id",
) -> None:
    """Create ``<fts_table>_chars`` — every character of ``table.columns`` a token, for
    1–2 character searches — with its triggers, and fill it. SQLite only; idempotent
    (:func:`create_fts` calls it). The triggers call :data:`CHAR_TOKENS_FUNCTION`, which
    :mod:`deskapp.db.engine` registers on each connection: write these tables through the
    app's engine (the ``sqlite3`` shell cannot)."""
    if dialect_name(op) != "sqlite":
        return
    src = _identifier(table)
    chars = _identifier(fts_table + CHARS_SUFFIX)
    rowid = _identifier(id_column)
    names = [_identifier(c) for c in columns]
    cols = ", ".join(names)
    fn = CHAR_TOKENS_FUNCTION

    def toks(prefix: str) -> str:
        return ", ".join(f"{fn}({prefix}{c})" for c in names)

    delete_old = (f"INSERT INTO {chars}({chars}, rowid, {cols}) "
                  f"VALUES ('delete', old.{rowid}, {toks('old.')});")
    insert_new = f"INSERT INTO {chars}(rowid, {cols}) VALUES (new.{rowid}, {toks('new.')});"
    fill = f"INSERT INTO {chars}(rowid, {cols}) SELECT {rowid}, {toks('')} FROM {src}"
    for sql in (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {chars} USING fts5({cols}, content='', "
        "tokenize='unicode61 remove_diacritics 0')",
        f"CREATE TRIGGER IF NOT EXISTS {chars}_ai AFTER INSERT ON {src} BEGIN {insert_new} END",
        f"CREATE TRIGGER IF NOT EXISTS {chars}_ad AFTER DELETE ON {src} BEGIN {delete_old} END",
        f"CREATE TRIGGER IF NOT EXISTS {chars}_au AFTER UPDATE OF {cols} ON {src} "
        f"BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO {chars}({chars}) VALUES ('delete-all')",  # filled afresh, as 'rebuild'
        fill,
    ):
        _execute(op, sql)


def drop_fts(op: Any, *, fts_table: str) -> None:
    """Drop the FTS table made by :func:`create_fts` and its triggers (SQLite only)."""
    if dialect_name(op) != "sqlite":
        return
    fts = _identifier(fts_table)
    for name in (fts, fts + CHARS_SUFFIX):
        for suffix in ("ai", "ad", "au"):
            _execute(op, f"DROP TRIGGER IF EXISTS {name}_{suffix}")
        _execute(op, f"DROP TABLE IF EXISTS {name}")


def rebuild_fts(session: Session | Connection, fts_table: str) -> None:
    """Re-index every row (after a bulk load with triggers off, or to repair). SQLite only."""
    if dialect_name(session) != "sqlite":
        return
    fts = _identifier(fts_table)
    session.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"))
    chars = fts + CHARS_SUFFIX
    sql = session.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"),
                          {"n": fts}).scalar()
    found = _FTS_DEF.search(sql or "")
    if found is None or not _has_chars_index(session, fts):
        return
    names = [_identifier(c.strip()) for c in found["cols"].split(",")]
    src, rowid = _identifier(found["src"]), _identifier(found["rowid"])
    toks = ", ".join(f"{CHAR_TOKENS_FUNCTION}({c})" for c in names)
    session.execute(text(f"INSERT INTO {chars}({chars}) VALUES ('delete-all')"))
    session.execute(text(f"INSERT INTO {chars}(rowid, {', '.join(names)}) "
                         f"SELECT {rowid}, {toks} FROM {src}"))


_FTS_DEF = re.compile(r"fts5\((?P<cols>[^']*?),\s*content='(?P<src>\w+)',\s*"
                      r"content_rowid='(?P<rowid>\w+)'")
