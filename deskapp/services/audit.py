"""The append-only audit log, chained by a keyed hash: each entry's hash covers its own
fields and the previous entry's hash, so editing or deleting any entry breaks the chain from
there on (:func:`verify`). Details are masked (ID numbers, phones) before they are written.

Three things make the log hard to forge or cut short without it showing:

* **Triggers** (migration ``ops_002_h15b``) refuse UPDATE and DELETE on ``audit_entry``;
  :func:`verify` checks they are still there.
* **A site key.** Hashes are HMAC-SHA256 with a secret kept outside the database, in the
  owner-only file ``audit.key`` in the configuration folder (created by ``deskapp init`` /
  ``deskapp demo``, or by the first entry written without one). Someone who can write the
  database but not read that file cannot re-hash an edited chain. Entries written before
  the key existed (an older database) keep the plain SHA-256 rule; the key file records
  the switch-over (``since_seq``: entries after it are keyed). Every desk of a site on
  PostgreSQL needs a copy of the same file; back it up separately from the database.
* **Head anchors** — the last sequence number and hash, recorded outside the table: the
  anchor file ``audit-anchor.json`` beside the key (updated after every commit that wrote
  an entry), every backup's manifest and every daily close (printed on its report).
  :func:`verify` with ``anchors`` checks that each anchored entry is still there with the
  same hash, so deleting the newest entries (which leaves a valid but shorter chain) or
  resetting the counter and writing new ones is named.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, func, insert, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.config import config_file
from deskapp.db.models import AuditEntry, Counter, Staff
from deskapp.db.types import table_of
from deskapp.i18n import t
from deskapp.masking import mask_text
from deskapp.services.numbering import next_value

GENESIS = "0" * 64
# one encoder for every entry (json.dumps with options builds a new one per call); the
# same bytes as json.dumps(..., ensure_ascii=False, separators=(",", ":"))
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
KEY_FILE = "audit.key"
ANCHOR_FILE = "audit-anchor.json"
TRIGGERS = ("audit_entry_no_update", "audit_entry_no_delete")

log = logging.getLogger(__name__)


# -- the site key --------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteKey:
    key: bytes
    since_seq: int  # entries with a higher seq are keyed


def key_path() -> Path:
    """``audit.key`` in the configuration folder (``DESKAPP_HOME`` when set), or the file
    named by ``DESKAPP_AUDIT_KEY``."""
    named = os.environ.get("DESKAPP_AUDIT_KEY")
    return Path(named) if named else config_file().parent / KEY_FILE


def anchor_path() -> Path:
    return config_file().parent / ANCHOR_FILE


_key_cache: dict[Path, tuple[float, SiteKey]] = {}


def load_key(path: Path | None = None) -> SiteKey | None:
    """The site key, or None when the file does not exist."""
    path = path or key_path()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    cached = _key_cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    data = json.loads(path.read_text(encoding="utf-8"))
    key = SiteKey(bytes.fromhex(data["key"]), int(data["since_seq"]))
    _key_cache[path] = (mtime, key)
    return key


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def ensure_key(session: Session | None = None, *, since_seq: int | None = None) -> SiteKey:
    """The site key; created (owner-only file) when missing. Entries up to the log's
    current last one (``since_seq``) stay on the unkeyed rule."""
    existing = load_key()
    if existing is not None:
        return existing
    if since_seq is None:
        since_seq = 0
        if session is not None:
            since_seq = int(session.execute(select(func.max(AuditEntry.seq))).scalar() or 0)
    path = key_path()
    content = json.dumps({"key": secrets.token_hex(32), "since_seq": since_seq,
                          "created": clock.now().isoformat(timespec="seconds")})
    try:  # never overwrite a key another process has just made
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_key(path)  # type: ignore[return-value]
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    log.warning("audit key created at %s (keep a copy apart from the database backups)", path)
    return load_key(path)  # type: ignore[return-value]


# -- anchors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """The log's head at some moment, recorded outside the table."""

    source: str  # where it was recorded (the anchor file, a backup, a daily close), shown
    seq: int
    hash: str


def head(session: Session) -> tuple[int, str]:
    """The last entry's sequence number and hash (``(0, GENESIS)`` for an empty log)."""
    row = session.execute(select(AuditEntry.seq, AuditEntry.hash)
                          .order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def _db_key(bind: Any) -> str:
    url = getattr(bind, "url", None)
    return url.render_as_string(hide_password=True) if url is not None else ""


def _read_anchors() -> dict[str, Any]:
    try:
        data = json.loads(anchor_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_anchor_file(bind: Any) -> Anchor | None:
    """The anchor file's head for the database behind ``bind`` (engine or session)."""
    if isinstance(bind, OrmSession):
        bind = bind.get_bind()
    entry = _read_anchors().get(_db_key(bind))
    try:
        return Anchor(t("audit.anchor.file"), int(entry["seq"]), str(entry["hash"])) \
            if entry else None
    except (KeyError, TypeError, ValueError):
        return None


def write_anchor_file(bind: Any, seq: int, hash_: str, *, reset: bool = False) -> None:
    """Move the database's anchor forward to ``seq`` (never back, unless ``reset``: a
    database built afresh at the same place, by ``deskapp demo`` / ``init``)."""
    if isinstance(bind, OrmSession):
        bind = bind.get_bind()
    anchors = _read_anchors()
    key = _db_key(bind)
    current = anchors.get(key)
    if not reset and isinstance(current, dict) and int(current.get("seq", 0)) >= seq:
        return
    anchors[key] = {"seq": seq, "hash": hash_, "at": clock.now().isoformat(timespec="seconds")}
    _write_private(anchor_path(), json.dumps(anchors, ensure_ascii=False, indent=1))


def reset_anchor(session: Session) -> None:
    """Anchor the database's current head, whatever the file said (a new database)."""
    write_anchor_file(session, *head(session), reset=True)


@event.listens_for(OrmSession, "after_commit")
def _anchor_after_commit(session: OrmSession) -> None:
    written = session.info.pop("audit_head", None)
    if written is not None:
        try:
            write_anchor_file(session.get_bind(), *written)
        except OSError:  # a read-only config folder must not fail the business action
            log.exception("could not update the audit anchor file")


@event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(session: OrmSession) -> None:
    session.info.pop("audit_head", None)


def site_anchors(session: Session, *, backup_directory: Path | None = None) -> list[Anchor]:
    """Every head anchor recorded for this database: the anchor file, each daily close,
    each backup manifest in ``backup_directory``."""
    from deskapp.db.models.cashier import DailyClose

    found: list[Anchor] = []
    file_anchor = read_anchor_file(session)
    if file_anchor is not None:
        found.append(file_anchor)
    try:
        closes = session.execute(
            select(col(DailyClose.business_date), col(DailyClose.staff_id),
                   col(DailyClose.audit_seq), col(DailyClose.audit_hash))
            .where(col(DailyClose.audit_seq).is_not(None))
        ).all()
    except Exception:  # noqa: BLE001 — an older schema without the columns
        session.rollback()
        closes = []
    for day, staff_id, seq, hash_ in closes:
        if seq:
            found.append(Anchor(t("audit.anchor.close", day=day, staff=staff_id), int(seq),
                                str(hash_)))
    if backup_directory is not None:
        from deskapp.services.backup import manifest_anchors

        found.extend(manifest_anchors(backup_directory, _db_key(session.get_bind())))
    return found


def _keyed(key: bytes, seq: int, at: datetime, staff_id: int | None, action: str, entity: str,
           entity_id: str, detail: str, prev_hash: str) -> str:
    payload = _ENCODER.encode(
        [seq, at.isoformat(), staff_id, action, entity, entity_id, detail, prev_hash])
    return hmac.digest(key, payload.encode("utf-8"), "sha256").hex()


def _digest(entry: AuditEntry | Logged) -> str:
    return _digest_fields(entry.seq, entry.at, entry.staff_id, entry.action, entry.entity,
                          entry.entity_id, entry.detail, entry.prev_hash)


def _digest_fields(seq: int, at: datetime, staff_id: int | None, action: str, entity: str,
                   entity_id: str, detail: str, prev_hash: str) -> str:
    payload = _ENCODER.encode(
        [seq, at.isoformat(), staff_id, action, entity, entity_id, detail, prev_hash])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_CHAIN_COLUMNS = (col(AuditEntry.seq), col(AuditEntry.at), col(AuditEntry.staff_id),
                  col(AuditEntry.action), col(AuditEntry.entity), col(AuditEntry.entity_id),
                  col(AuditEntry.detail), col(AuditEntry.prev_hash), col(AuditEntry.hash))


@dataclass(frozen=True, slots=True)
class Logged:
    """One entry as :func:`record` wrote it (inside :func:`batch`: will write it; ``id``
    None). Not an ``AuditEntry``: building an ORM object per entry cost more than the
    entry's hash and insert together (issue #17), and the log is never edited."""

    seq: int
    at: datetime
    staff_id: int | None
    action: str
    entity: str
    entity_id: str
    detail: str
    prev_hash: str
    hash: str
    id: int | None = None


def record(
    session: Session,
    *,
    by: Staff | None,
    action: str,
    entity: str,
    entity_id: object = "",
    detail: str | dict[str, object] = "",
) -> Logged:
    """Append one entry in the caller's transaction (inside :func:`batch`: the entry is
    chained at once and written with the batch's next statement that reads the log)."""
    if isinstance(detail, dict):
        detail = json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)
    pending = session.info.get(_BATCH)
    if pending is not None:
        if session.autoflush:
            session.flush()  # what next_value does first: the services' flushes stay put
        seq, prev_hash, key = pending.next_link(session)
    else:
        seq = next_value(session, "audit")
        prev_hash, key = _link(session, seq)
    at = clock.now()
    staff_id = by.id if by else None
    entity_id = str(entity_id)
    detail = mask_text(detail)[:4000]
    if seq > key.since_seq:
        hash_ = _keyed(key.key, seq, at, staff_id, action, entity, entity_id, detail, prev_hash)
    else:
        hash_ = _digest_fields(seq, at, staff_id, action, entity, entity_id, detail, prev_hash)
    row = {"seq": seq, "at": at, "staff_id": staff_id, "action": action, "entity": entity,
           "entity_id": entity_id, "detail": detail, "prev_hash": prev_hash, "hash": hash_}
    entry_id: int | None = None
    if pending is not None:
        pending.add(row)
    else:
        # A Core INSERT on the session's connection: the audit log is append-only, so the
        # ORM (its unit of work, or its bulk-insert path for an ORM insert()) buys nothing
        # and costs most of an entry's time (issue #17).
        entry_id = session.connection().execute(_INSERT, row).scalar_one()
        session.info[_HEAD] = (session.get_transaction(), seq, hash_)
    session.info["audit_head"] = (seq, hash_)  # the anchor file, after commit
    return Logged(id=entry_id, **row)


def _link(session: Session, seq: int) -> tuple[str, SiteKey]:
    """The hash entry ``seq`` chains to, and the site key (both read once per transaction).
    Issue #17: a transaction that records many entries (imports) knows the chain's last
    hash from its own previous call; trusted only for the very next seq in the same
    transaction (a rolled-back savepoint gives a seq that does not follow)."""
    txn = session.get_transaction()
    cached = session.info.get(_HEAD)
    if cached is not None and cached[0] is txn and cached[1] == seq - 1:
        prev = cached[2]
    else:
        prev = session.exec(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)).first()
    # the site key, read once per transaction (load_key stats the file on every call)
    key_cached = session.info.get(_KEY)
    if key_cached is not None and key_cached[0] is txn:
        key = key_cached[1]
    else:
        key = load_key() or ensure_key(since_seq=seq - 1)
        session.info[_KEY] = (txn, key)
    return prev or GENESIS, key


_HEAD = "deskapp.audit.head"
_KEY = "deskapp.audit.key"
_BATCH = "deskapp.audit.batch"


_INSERT = insert(table_of(AuditEntry)).returning(table_of(AuditEntry).c.id)
_INSERT_MANY = insert(table_of(AuditEntry))
_COUNTER = table_of(Counter)


# -- batches -------------------------------------------------------------------------------


@contextmanager
def batch(session: Session) -> Iterator[None]:
    """Record the entries of a long transaction (the demo build) in batches: each entry is
    numbered and chained at once, exactly as :func:`record` alone would, but the rows (and
    the ``audit`` counter) are written together — before the next statement that reads
    ``audit_entry``, before a commit, and when the block ends. A rolled-back savepoint
    takes its own entries back with it. Issue #17: two statements fewer per entry.

    Inside the block nothing but :func:`record` may take numbers of the ``audit`` series.
    The block runs inside one transaction; an exception leaves the rows unwritten (the
    caller rolls back)."""
    if _BATCH in session.info:  # already batching
        yield
        return
    conn = session.connection()
    pending = _Pending(conn)
    listeners: list[tuple[Any, str, Any]] = [
        (conn, "before_cursor_execute", pending.before_statement),
        (session, "after_transaction_create", pending.savepoint_started),
        (session, "after_soft_rollback", pending.rolled_back),
        (session, "before_commit", pending.before_commit),
    ]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    session.info[_BATCH] = pending
    try:
        yield
        pending.write()
    finally:
        session.info.pop(_BATCH, None)
        session.info.pop(_HEAD, None)
        for target, name, fn in listeners:
            event.remove(target, name, fn)


class _Pending:
    """The entries of a :func:`batch`: ``rows[:written]`` are in the database."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.rows: list[dict[str, Any]] = []
        self.written = 0
        self.seq: int | None = None  # the last seq handed out (None: read it first)
        self.prev = GENESIS
        self.counter_row = False  # whether the counter row of the series exists
        self.key: SiteKey | None = None
        self.writing = False
        self.savepoints: weakref.WeakKeyDictionary[Any, tuple[int, int, int | None, str, bool]] \
            = weakref.WeakKeyDictionary()

    def next_link(self, session: Session) -> tuple[int, str, SiteKey]:
        if self.seq is None:
            value = session.connection().execute(
                sa.select(_COUNTER.c.value).where(_COUNTER.c.series == "audit")).scalar()
            self.counter_row = value is not None
            self.seq = int(value or 0)
            self.prev = session.connection().execute(
                sa.select(col(AuditEntry.hash)).where(col(AuditEntry.seq) == self.seq)
            ).scalar() or GENESIS
        self.seq += 1
        if self.key is None:
            self.key = load_key() or ensure_key(since_seq=self.seq - 1)
        return self.seq, self.prev, self.key

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.prev = row["hash"]

    def write(self) -> None:
        if self.written == len(self.rows) or self.writing:
            return
        rows = self.rows[self.written:]
        last = rows[-1]["seq"]
        self.writing = True
        try:
            self.conn.execute(_INSERT_MANY, rows)
            if self.counter_row:
                self.conn.execute(sa.update(_COUNTER).where(_COUNTER.c.series == "audit")
                                  .values(value=last))
            else:
                self.conn.execute(sa.insert(_COUNTER).values(series="audit", value=last))
                self.counter_row = True
        finally:
            self.writing = False
        self.written = len(self.rows)

    # the session's and the connection's events

    def before_statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not self.writing and "audit_entry" in statement:
            self.write()  # the log as a reader expects it, whatever reads it

    def before_commit(self, _session: Any) -> None:
        self.write()

    def savepoint_started(self, _session: Any, transaction: Any) -> None:
        if transaction.nested:
            self.savepoints[transaction] = (len(self.rows), self.written, self.seq,
                                                self.prev, self.counter_row)

    def rolled_back(self, _session: Any, transaction: Any) -> None:
        # A failed flush rolls back its own subtransaction, and with it the savepoint (or
        # the transaction) it runs in; the savepoint is told again when it ends.
        boundary = transaction
        while not boundary.nested and boundary.parent is not None:
            boundary = boundary.parent
        mark = self.savepoints.get(boundary) if boundary.nested else None
        if boundary is transaction:
            self.savepoints.pop(boundary, None)
        if mark is not None:  # the savepoint's entries, and what it wrote, are gone
            count, written, self.seq, self.prev, self.counter_row = mark
            del self.rows[count:]
            self.written = min(self.written, written)
        else:  # the whole transaction (or a savepoint older than the batch): start again
            self.rows.clear()
            self.written = 0
            self.seq = None
            self.savepoints.clear()


@dataclass(frozen=True)
class VerifyResult:
    """``reason``: ``missing`` (a gap in the sequence), ``link`` (an entry does not point
    at its predecessor), ``hash`` (an entry's contents or hash changed), ``tail`` (an
    anchored entry is gone: the newest entries were deleted), ``anchor`` (an anchored
    entry has another hash: rewritten or counter reset), ``trigger`` (the append-only
    triggers were removed), ``key`` (keyed entries but no site key to check them)."""

    checked: int
    first_broken_seq: int | None
    reason: str = ""
    source: str = ""  # the anchor that told (tail / anchor)

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None and not self.reason


def triggers_present(session: Session) -> bool:
    """Whether both append-only triggers are on ``audit_entry``."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        names = set(session.execute(text(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_entry'"
        )).scalars())
    elif bind.dialect.name == "postgresql":
        names = set(session.execute(text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entry'::regclass "
            "AND tgenabled <> 'D'")).scalars())
    else:  # pragma: no cover - only the two supported databases
        return True
    return set(TRIGGERS) <= names


def verify(session: Session, *, batch: int = 5000, key: SiteKey | None = None,
           anchors: Iterable[Anchor] = (), check_triggers: bool = False) -> VerifyResult:
    """Walk the chain in order; name the first entry whose hash or link is wrong; then
    check every anchor (and, asked to, the triggers).

    ``key`` defaults to the site key file; entries after its ``since_seq`` must carry
    the keyed hash, those before the plain one."""
    key = key or load_key()
    since = key.since_seq if key else None
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    hashes_at: dict[int, str] = {}
    wanted = {a.seq for a in anchors}
    anchors = list(anchors)
    while True:
        # Plain column tuples, not ORM objects: verifying half a million entries is
        # dominated by object construction otherwise.
        rows = session.execute(  # SQLAlchemy's select: sqlmodel's takes at most 4 columns
            sa.select(*_CHAIN_COLUMNS).where(col(AuditEntry.seq) > last_seq)
            .order_by(col(AuditEntry.seq)).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            seq, stored_prev, stored_hash = row[0], row[7], row[8]
            if seq != expected_seq:
                return VerifyResult(checked, expected_seq, "missing")
            if stored_prev != prev_hash:
                return VerifyResult(checked, seq, "link")
            if since is not None and seq > since:
                assert key is not None
                good = _keyed(key.key, *row[:8]) == stored_hash
            elif since is None and _digest_fields(*row[:8]) != stored_hash:
                return VerifyResult(checked, seq, "key")  # keyed, but no key here
            else:
                good = _digest_fields(*row[:8]) == stored_hash
            if not good:
                return VerifyResult(checked, seq, "hash")
            if seq in wanted:
                hashes_at[seq] = stored_hash
            prev_hash = stored_hash
            expected_seq += 1
            checked += 1
            last_seq = seq
    for anchor in sorted(anchors, key=lambda a: -a.seq):
        if anchor.seq > last_seq:
            return VerifyResult(checked, last_seq + 1, "tail", anchor.source)
        if anchor.seq and hashes_at.get(anchor.seq) != anchor.hash:
            return VerifyResult(checked, anchor.seq, "anchor", anchor.source)
    if check_triggers and not triggers_present(session):
        return VerifyResult(checked, None, "trigger")
    return VerifyResult(checked, None)


def entries_for(session: Session, *, entity: str, entity_id: object) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
            .order_by(col(AuditEntry.seq))
        ).all()
    )
