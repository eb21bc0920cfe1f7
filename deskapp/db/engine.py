"""The one engine factory.

SQLite connections run in WAL mode with ``synchronous=FULL`` (a committed record survives a
killed process or a power cut), ``foreign_keys=ON`` and a busy timeout. pysqlite's own
transaction handling is switched off so that we issue ``BEGIN`` ourselves: read sessions
begin DEFERRED, write sessions begin IMMEDIATE — every read-then-write transaction (gap-free
numbering above all) takes the write lock before its first read, so two desks can neither
deadlock into "database is locked" nor read the same counter value.

On PostgreSQL the same code runs; gap-free counters lock their row with ``FOR UPDATE``.

:meth:`Database.run_write` is how a desk runs a business action: it retries the whole
transaction when the database says "try again" (SQLite still locked after the busy
timeout; PostgreSQL serialization failure, deadlock, lock not available) and — when the
action carries a request id — also when the connection broke, possibly after the commit:
the id is written in the action's own transaction (``request_log``), so a re-run that
finds it does not do the action twice.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    # Start-up (issue #17): SQLAlchemy is imported when the engine is first used (after the
    # login form is drawn), not when this module loads.
    from sqlalchemy import exc
    from sqlalchemy.engine import Engine

    # Start-up (issue #17): sqlmodel is imported when the first session opens, not when the
    # engine is made, so the login form is drawn before the ORM is loaded.
    from sqlmodel import Session

from deskapp.db.chars import CHAR_TOKENS_FUNCTION, char_tokens
from deskapp.errors import Conflict, StorageError

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 15_000
RETRY_ATTEMPTS = 5
"""Tries of one business action before the error reaches the desk."""
RETRY_BASE_SECONDS = 0.05
"""First back-off; doubled on every retry, with jitter so two desks do not collide again."""

_PG_RETRY_CODES = frozenset({"40001", "40P01", "55P03"})  # serialization, deadlock, lock
_SQLITE_RETRY_TEXT = ("database is locked", "database is busy", "database table is locked")


def is_retryable(error: BaseException) -> bool:
    """The database rolled the transaction back and asks for it to be run again."""
    from sqlalchemy import exc

    if not isinstance(error, exc.DBAPIError):
        return False
    orig = error.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code in _PG_RETRY_CODES:
        return True
    return isinstance(error, exc.OperationalError) and any(
        text in str(orig).lower() for text in _SQLITE_RETRY_TEXT)


def is_connection_lost(error: BaseException) -> bool:
    """The connection broke: the transaction may or may not have committed."""
    from sqlalchemy import exc

    return isinstance(error, exc.DBAPIError) and bool(error.connection_invalidated)


class RequestReplayed(Exception):
    """Raised inside :meth:`Database.run_write` when the request id was already done."""


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    if is_sqlite(url):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            poolclass=StaticPool if memory else None,
        )
        _install_sqlite_hooks(engine, memory=memory)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _install_sqlite_hooks(engine: Engine, *, memory: bool) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see "begin" below)
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()
        # the 1–2 character search index's triggers call it (see services.textsearch)
        dbapi_conn.create_function(CHAR_TOKENS_FUNCTION, 1, char_tokens, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """Owns the engine and hands out sessions.

    ``read()`` — a session for queries; ``write()`` — one business action: one
    transaction that commits on success and rolls back on any exception.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self._echo = echo
        self._engine: Engine | None = None
        self._write_engine_: Engine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """Made on first use (start-up, issue #17: the login form is drawn before
        SQLAlchemy is imported); the same engine afterwards, whichever thread asks first."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    engine = make_engine(self.url, echo=self._echo)
                    self._write_engine_ = (
                        engine.execution_options(sqlite_begin="IMMEDIATE")
                        if is_sqlite(self.url) else engine)
                    self._engine = engine
        return self._engine

    @property
    def _write_engine(self) -> Engine:
        self.engine  # noqa: B018 — makes both engines
        assert self._write_engine_ is not None
        return self._write_engine_

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def run_write(
        self,
        fn: Callable[[Session], T],
        *,
        request_id: str | None = None,
        attempts: int = RETRY_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> T:
        """Run one business action ``fn(session)`` in a write transaction, retrying it when
        the database asks to (see :func:`is_retryable`).

        With a ``request_id`` (at most 64 characters, unique per action — a form makes one
        when it opens) the action is recorded in ``request_log`` in the same transaction,
        and running it again does not repeat it: the retry after a broken connection
        returns what the first run returned when this process still has it, otherwise the
        record the first run returned, loaded again; when the first run returned no record
        it raises :class:`deskapp.errors.Conflict` ("already saved") — the desk is told, and
        nothing is done twice.
        """
        from sqlalchemy import exc

        if request_id is not None and not 0 < len(request_id) <= 64:
            raise ValueError("request_id must be 1–64 characters")
        earlier: list[T] = []
        for attempt in range(1, max(attempts, 1) + 1):
            try:
                with self.write() as session:
                    if request_id is not None:
                        done = _find_request(session, request_id)
                        if done is not None:
                            raise RequestReplayed(done)
                    result = fn(session)
                    if request_id is not None:
                        _log_request(session, request_id, result)
                    # only now is this run's result the one a replay may hand back: if the
                    # log row clashed, another run of the request won and its record counts
                    earlier[:] = [result]
                return result
            except RequestReplayed as replay:
                log.info("request %s already done; not repeated", request_id)
                if earlier:
                    return earlier[0]
                with self.read() as session:
                    record = _load_entity(session, replay.args[0])
                if record is None:
                    raise Conflict("ops.request.already_done") from None
                return record  # type: ignore[return-value]
            except exc.DBAPIError as error:
                again = is_retryable(error) or (request_id is not None and (
                    is_connection_lost(error) or _is_request_clash(error)))
                if not again or attempt >= attempts:
                    plain = storage_error(error)
                    if plain is not None:
                        log.error("write refused by the database: %s", error.orig)
                        raise plain from error
                    raise
                pause = RETRY_BASE_SECONDS * 2 ** (attempt - 1) * (0.5 + random.random())
                log.warning("write retried (%d/%d) after %s", attempt, attempts,
                            type(error.orig).__name__)
                sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _find_request(session: Session, request_id: str) -> tuple[str, int | None] | None:
    from deskapp.db.models.ops import RequestLog

    row = session.get(RequestLog, request_id)
    return None if row is None else (row.entity, row.entity_id)


def _log_request(session: Session, request_id: str, result: object) -> None:
    from sqlmodel import SQLModel

    from deskapp import clock
    from deskapp.db.models.ops import RequestLog

    entity, entity_id = "", None
    table = getattr(type(result), "__table__", None)
    result_id = getattr(result, "id", None)
    if isinstance(result, SQLModel) and table is not None and isinstance(result_id, int):
        entity, entity_id = str(table.name), result_id
    session.add(RequestLog(request_id=request_id, at=clock.now(), entity=entity,
                           entity_id=entity_id))
    session.flush()


_READONLY = ("readonly database", "read-only database", "read-only transaction",
             "read-only file system", "readonly file system")
_DISK_FULL = ("database or disk is full", "disk is full", "no space left on device",
              "disk full", "could not extend file")


def storage_error(error: BaseException) -> StorageError | None:
    """The plain message for a write the database refused for lack of a place to write:
    a read-only database (SQLite file or directory without write permission, a read-only
    PostgreSQL transaction, SQLSTATE 25006) or a full disk (SQLITE_FULL, SQLSTATE 53100);
    ``None`` for any other error."""
    orig = getattr(error, "orig", None) or error
    text = str(orig).lower()
    state = str(getattr(orig, "sqlstate", "") or "")
    if state == "25006" or any(s in text for s in _READONLY):
        return StorageError("error.db_readonly")
    if state == "53100" or any(s in text for s in _DISK_FULL):
        return StorageError("error.disk_full")
    return None


def _is_request_clash(error: exc.DBAPIError) -> bool:
    """Another run of the same request committed first (its log row is there now)."""
    from sqlalchemy import exc

    return isinstance(error, exc.IntegrityError) and "request_log" in str(error.orig).lower()


def _load_entity(session: Session, done: tuple[str, int | None]) -> object | None:
    from sqlmodel import SQLModel

    entity, entity_id = done
    if not entity or entity_id is None:
        return None
    for mapper in SQLModel._sa_registry.mappers:
        if getattr(mapper.local_table, "name", None) == entity:
            return session.get(mapper.class_, entity_id)
    return None
