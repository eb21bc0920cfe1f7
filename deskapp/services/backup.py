"""Backup and restore of the whole database (``deskapp db backup`` / ``deskapp db restore``).

**SQLite** — the copy is taken with SQLite's online backup API in one step, so it is one
consistent snapshot even while other desks keep writing (WAL mode lets them go on while we
read). The copy is switched to a single-file journal, checked with ``PRAGMA
integrity_check`` and its rows counted, then renamed into place.

**PostgreSQL** — ``pg_dump --format=custom`` (the ``postgresql-client`` package) runs
inside a snapshot we export from a REPEATABLE READ transaction, and the row counts of the
manifest are read in that same snapshot, so they describe exactly what the dump holds.
The archive is checked with ``pg_restore --list``; ``restore_test=True`` also restores it
into a scratch database, compares every table's rows and drops the scratch database.
Connection details reach the client tools through ``PG*`` environment variables, never
the command line (other users can read a process's arguments).

Every copy is written readable by its owner only (``0600``, directory ``0700``), with a
manifest beside it (``<name>.json``: format, SHA-256, schema revisions, rows per table).
The newest ``keep`` generations (``Settings.backups_kept``) are kept; older ones — only
files this module wrote — are deleted after the new copy is verified.

:func:`restore` restores into a *fresh* database — an SQLite file that does not exist yet
or an empty PostgreSQL database — checks the SHA-256, the rows per table against the
manifest and the audit chain, and upgrades the schema when the copy is older than the
program. ``replace=True`` (SQLite only) restores over an existing file after saving it as
a verified copy beside it: nothing is ever lost by a restore.

No Textual here; the CLI (``deskapp/cli/ops.py``) and the cashier's daily close call it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlmodel import SQLModel

from deskapp import clock
from deskapp.config import Settings, data_dir
from deskapp.db import migrate
from deskapp.db.engine import Database
from deskapp.db.models import Staff
from deskapp.errors import Conflict, DeskError, NotFound, ValidationError

__all__ = [
    "BackupResult",
    "RestoreResult",
    "backup_dir",
    "backup_after_close",
    "list_backups",
    "manifest_anchors",
    "read_manifest",
    "restore",
    "take_backup",
]

SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".pgdump"
_NAME = re.compile(r"^deskapp-(\d{8}-\d{6})(?:-(\d+))?(\.sqlite3|\.pgdump)$")
_lock = threading.Lock()  # one backup at a time in this process


@dataclass(frozen=True)
class BackupResult:
    path: Path
    format: str  # "sqlite" | "pg_dump"
    size: int
    sha256: str
    tables: dict[str, int]
    heads: list[str]
    verified: str  # how: "integrity_check" | "pg_restore --list" | "restore test"
    removed: list[Path] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass(frozen=True)
class RestoreResult:
    url: str
    source: Path
    tables: dict[str, int]
    audit_checked: int
    upgraded: bool
    saved_previous: Path | None = None
    audit_broken_at: int | None = None  # first broken entry of the restored audit log
    audit_reason: str = ""

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def audit_ok(self) -> bool:
        return self.audit_broken_at is None


# --------------------------------------------------------------------------------------
# Where, which, how many
# --------------------------------------------------------------------------------------


def backup_dir(settings: Settings | None = None) -> Path:
    """``backup_dir`` from settings.toml, else ``<data dir>/backups``."""
    chosen = settings.get("backup_dir") if settings is not None else None
    return Path(str(chosen)).expanduser() if chosen else data_dir() / "backups"


def list_backups(directory: Path) -> list[Path]:
    """This module's backup files in ``directory``, oldest first."""
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_file() and _NAME.match(p.name)]
    return sorted(found, key=_sort_key)


def _sort_key(path: Path) -> tuple[str, int]:
    match = _NAME.match(path.name)
    assert match is not None
    return match[1], int(match[2] or 0)


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest written beside ``path``, or None for a file without one."""
    sidecar = manifest_path(path)
    if not sidecar.is_file():
        return None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Conflict("ops.backup.manifest_bad", file=sidecar.name) from None
    return data if isinstance(data, dict) else None


def _new_name(directory: Path, suffix: str, now: datetime) -> Path:
    """``deskapp-<time><suffix>``; a second copy within the same second gets ``-2``, ``-3``
    … — always above any number already used, so the new copy sorts as the newest even
    after older copies of that second were pruned."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    used = [int(m[2] or 1) for p in directory.iterdir()
            if (m := _NAME.match(p.name.removesuffix(".json"))) and m[1] == stamp]
    if not used:
        return directory / f"deskapp-{stamp}{suffix}"
    return directory / f"deskapp-{stamp}-{max(used) + 1}{suffix}"


def _private_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    try:
        directory.chmod(0o700)
    except PermissionError:  # a shared mount we do not own: the files are still 0600
        pass


def _create_private(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    path.chmod(0o600)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_private_text(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    _create_private(tmp)
    tmp.write_text(content, encoding="utf-8")
    _fsync(tmp)
    tmp.replace(path)


def _prune(directory: Path, keep: int, suffix: str) -> list[Path]:
    """Delete the oldest of our backups of this format beyond ``keep`` (never the newest)."""
    keep = max(1, keep)
    ours = [p for p in list_backups(directory) if p.suffix == suffix]
    removed = []
    for old in ours[: max(0, len(ours) - keep)]:
        old.unlink(missing_ok=True)
        manifest_path(old).unlink(missing_ok=True)
        removed.append(old)
    return removed


# --------------------------------------------------------------------------------------
# Counting rows
# --------------------------------------------------------------------------------------


def _known_tables() -> list[str]:
    import deskapp.db.models  # noqa: F401  (registers every table)

    return sorted([*SQLModel.metadata.tables, "alembic_version"])


def _count_tables(conn: Any, existing: set[str]) -> dict[str, int]:
    counts = {}
    for name in _known_tables():
        if name in existing:
            counts[name] = int(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
    return counts


def _heads(conn: Any, existing: set[str]) -> list[str]:
    if "alembic_version" not in existing:
        return []
    return sorted(r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version")))


def _sqlite_tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    existing = _sqlite_tables(conn)
    return {name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name in _known_tables() if name in existing}


def _sqlite_integrity(conn: sqlite3.Connection) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows[:5])


# --------------------------------------------------------------------------------------
# Backup
# --------------------------------------------------------------------------------------


def take_backup(db: Database, *, directory: Path, keep: int = 7, restore_test: bool = False,
                by: Staff | None = None) -> BackupResult:
    """Copy the whole database into ``directory``, verify the copy, keep ``keep``
    generations. Raises :class:`DeskError` (nothing half-written is left behind)."""
    if keep < 1:
        raise ValidationError("ops.backup.keep_invalid", field="keep")
    with _lock:
        _private_dir(directory)
        if db.is_sqlite:
            result = _backup_sqlite(db, directory)
        else:
            result = _backup_pg(db, directory, restore_test=restore_test)
        removed = _prune(directory, keep, result.path.suffix)
    _record(db, by, "ops.backup", result.path.name, {
        "file": result.path.name, "size": result.size, "sha256": result.sha256,
        "rows": result.rows, "verified": result.verified})
    return BackupResult(**{**result.__dict__, "removed": removed})


def _record(db: Database, by: Staff | None, action: str, entity_id: str,
            detail: Mapping[str, object]) -> None:
    """An audit entry for a backup/restore (``by`` None: the operating-system user ran it
    from the command line). Best effort: a database that cannot take the entry — a schema
    without the audit table, a full disk — still has its verified copy."""
    from deskapp.services import audit

    try:
        with db.write() as session:
            audit.record(session, by=by, action=action, entity="database",
                         entity_id=entity_id[:40], detail=dict(detail))
    except Exception:  # noqa: BLE001 — e.g. a schema without the audit table
        pass


def _sqlite_file(db: Database) -> Path:
    path = migrate.sqlite_path(db.engine)
    if path is None:
        raise Conflict("ops.backup.memory")
    if not path.is_file():
        raise NotFound("ops.backup.no_database", path=str(path))
    return path


def _backup_sqlite(db: Database, directory: Path) -> BackupResult:
    source_path = _sqlite_file(db)
    now = clock.now()
    final = _new_name(directory, SQLITE_SUFFIX, now)
    partial = final.with_name(final.name + ".partial")
    partial.unlink(missing_ok=True)
    _create_private(partial)
    try:
        source = sqlite3.connect(source_path, timeout=30, isolation_level=None)
        try:
            source.execute("PRAGMA busy_timeout=30000")
            target = sqlite3.connect(partial, isolation_level=None)
            try:
                source.backup(target)  # pages=-1: the whole file in one consistent step
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                problem = _sqlite_integrity(target)
                if problem != "ok":
                    raise Conflict("ops.backup.verify_failed", detail=problem)
                counts = _sqlite_counts(target)
                audit_head = _sqlite_audit_head(target)
                heads = sorted(r[0] for r in target.execute(
                    "SELECT version_num FROM alembic_version").fetchall()) \
                    if "alembic_version" in _sqlite_tables(target) else []
            finally:
                target.close()
        finally:
            source.close()
        for extra in ("-journal", "-wal", "-shm"):
            Path(str(partial) + extra).unlink(missing_ok=True)
        _fsync(partial)
        partial.chmod(0o600)
        digest = _sha256(partial)
        size = partial.stat().st_size
        partial.replace(final)
    except sqlite3.Error as err:
        partial.unlink(missing_ok=True)
        raise Conflict("ops.backup.failed", detail=str(err)) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if audit_head is not None:
        audit_head["database"] = db.engine.url.render_as_string(hide_password=True)
    _write_manifest(final, fmt="sqlite", at=now, sha=digest, size=size, counts=counts,
                    heads=heads, audit_head=audit_head)
    return BackupResult(final, "sqlite", size, digest, counts, heads, "integrity_check")


def _sqlite_audit_head(conn: sqlite3.Connection) -> dict[str, Any] | None:
    if "audit_entry" not in _sqlite_tables(conn):
        return None
    row = conn.execute("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1").fetchone()
    return {"seq": int(row[0]), "hash": str(row[1])} if row else None


def _pg_audit_head(conn: Any, existing: set[str]) -> dict[str, Any] | None:
    if "audit_entry" not in existing:
        return None
    row = conn.execute(text(
        "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")).first()
    return {"seq": int(row[0]), "hash": str(row[1])} if row else None


def _write_manifest(path: Path, *, fmt: str, at: datetime, sha: str, size: int,
                    counts: Mapping[str, int], heads: list[str],
                    audit_head: dict[str, Any] | None = None) -> None:
    # ``audit_head``: the audit log's last entry in this copy — an anchor outside the
    # table that ``deskapp audit verify`` checks (deleting newer entries is then named).
    _write_private_text(manifest_path(path), json.dumps({
        "format": fmt, "created_at": at.isoformat(timespec="seconds"), "file": path.name,
        "sha256": sha, "size": size, "heads": heads, "tables": dict(counts),
        "audit_head": audit_head,
    }, ensure_ascii=False, indent=2, sort_keys=True))


def manifest_anchors(directory: Path, database: str | None = None) -> list[Any]:
    """The audit head recorded in every backup manifest in ``directory`` (only those of
    ``database``, a URL without password, when given)."""
    from deskapp.i18n import t
    from deskapp.services.audit import Anchor

    found = []
    for path in list_backups(directory):
        try:
            manifest = read_manifest(path) or {}
        except Conflict:
            continue
        head = manifest.get("audit_head")
        if database is not None and isinstance(head, dict) \
                and head.get("database") not in (None, database):
            continue
        if isinstance(head, dict) and "seq" in head and "hash" in head:
            found.append(Anchor(t("audit.anchor.backup", file=path.name), int(head["seq"]),
                                str(head["hash"])))
    return found


# -- PostgreSQL -------------------------------------------------------------------------


def _pg_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    for var in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE"):
        env.pop(var, None)
    for var, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None and str(value) != "":
            env[var] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise NotFound("ops.backup.no_tool", tool=name)
    return found


def _run(args: list[str], env: Mapping[str, str]) -> str:
    proc = subprocess.run(args, env=dict(env), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        message = (proc.stderr or proc.stdout).strip().splitlines()
        raise Conflict("ops.backup.tool_failed", tool=Path(args[0]).name,
                       detail=(message[-1] if message else str(proc.returncode))[:300])
    return proc.stdout


def _backup_pg(db: Database, directory: Path, *, restore_test: bool) -> BackupResult:
    pg_dump = _tool("pg_dump")
    pg_restore = _tool("pg_restore")
    url = db.engine.url
    env = _pg_env(url)
    now = clock.now()
    final = _new_name(directory, PG_SUFFIX, now)
    partial = final.with_name(final.name + ".partial")
    partial.unlink(missing_ok=True)
    _create_private(partial)
    try:
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                existing = set(inspect(conn).get_table_names())
                counts = _count_tables(conn, existing)
                heads = _heads(conn, existing)
                audit_head = _pg_audit_head(conn, existing)
                _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                      f"--snapshot={snapshot}", f"--file={partial}"], env)
        partial.chmod(0o600)
        toc = _run([pg_restore, "--list", str(partial)], env)
        missing = [name for name in counts if f"TABLE DATA public {name} " not in toc]
        if missing:
            raise Conflict("ops.backup.verify_failed", detail=", ".join(missing))
        verified = "pg_restore --list"
        if restore_test:
            _restore_test_pg(db, partial, counts)
            verified = "restore test"
        _fsync(partial)
        digest = _sha256(partial)
        size = partial.stat().st_size
        partial.replace(final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if audit_head is not None:
        audit_head["database"] = db.engine.url.render_as_string(hide_password=True)
    _write_manifest(final, fmt="pg_dump", at=now, sha=digest, size=size, counts=counts,
                    heads=heads, audit_head=audit_head)
    return BackupResult(final, "pg_dump", size, digest, counts, heads, verified)


@contextmanager
def _scratch_pg_database(url: URL) -> Iterator[URL]:
    """A temporary database on the same server (needs CREATEDB), dropped afterwards."""
    name = f"{url.database}_verify_{os.getpid()}_{threading.get_ident() % 100000}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _restore_test_pg(db: Database, archive: Path, counts: Mapping[str, int]) -> None:
    with _scratch_pg_database(db.engine.url) as scratch:
        _pg_restore_into(scratch, archive)
        engine = create_engine(scratch)
        try:
            with engine.connect() as conn:
                got = _count_tables(conn, set(inspect(conn).get_table_names()))
        finally:
            engine.dispose()
    _compare_counts(counts, got)


def _pg_restore_into(url: URL, archive: Path) -> None:
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={url.database}", str(archive)], _pg_env(url))


def _compare_counts(expected: Mapping[str, int], got: Mapping[str, int]) -> None:
    wrong = [f"{name} {n}≠{got.get(name)}" for name, n in sorted(expected.items())
             if got.get(name) != n]
    if wrong:
        raise Conflict("ops.restore.counts_differ", detail="; ".join(wrong[:5]))


# --------------------------------------------------------------------------------------
# After the daily close
# --------------------------------------------------------------------------------------


def backup_after_close(db: Database, settings: Settings, *,
                       by: Staff | None = None) -> BackupResult | None:
    """The backup the cashier's daily close triggers: same as ``deskapp db backup`` with
    the site's settings. Returns None instead of raising (the close itself is done and
    must not look failed); the reason is in the audit log as ``ops.backup.failed``."""
    try:
        return take_backup(db, directory=backup_dir(settings), keep=settings.backups_kept,
                           by=by)
    except (DeskError, OSError, sqlite3.Error) as err:
        _record(db, by, "ops.backup.failed", "close", {"error": str(err)[:300]})
        return None


# --------------------------------------------------------------------------------------
# Restore
# --------------------------------------------------------------------------------------


def _check_file(path: Path) -> tuple[str, dict[str, Any] | None]:
    if not path.is_file():
        raise NotFound("ops.restore.no_file", path=str(path))
    manifest = read_manifest(path)
    if manifest is not None and manifest.get("sha256") and _sha256(path) != manifest["sha256"]:
        raise Conflict("ops.restore.checksum")
    with path.open("rb") as fh:
        magic = fh.read(16)
    if magic.startswith(b"SQLite format 3"):
        return "sqlite", manifest
    if magic.startswith(b"PGDMP"):
        return "pg_dump", manifest
    raise ValidationError("ops.restore.unknown_format", field="file")


def restore(source: Path, *, url: str, replace: bool = False, upgrade: bool = True) -> RestoreResult:
    """Restore the backup ``source`` into the database at ``url`` and verify it.

    The target must be fresh: an SQLite file that does not exist yet (``replace=True``
    saves an existing one beside it first, then restores over it) or an empty PostgreSQL
    database. Verified: the manifest's SHA-256 before; SQLite's integrity check and the
    rows of every table against the manifest after. A restore that fails its check is
    undone (the new file removed, the saved database put back, the PostgreSQL database
    emptied again) and raises. The audit chain is checked and reported in the result: a
    chain broken in the backup itself is restored faithfully, not refused."""
    fmt, manifest = _check_file(source)
    is_sqlite = url.startswith("sqlite")
    if (fmt == "sqlite") != is_sqlite:
        raise ValidationError("ops.restore.format_mismatch", field="file",
                              format=fmt, target=make_url(url).get_backend_name())
    saved: Path | None = None
    if is_sqlite:
        target, saved = _restore_sqlite(source, url, replace=replace)
        undo = (lambda: _copy_sqlite(saved, target, fresh=False)) if saved is not None \
            else (lambda: _remove_sqlite(target))
    else:
        if replace:
            raise ValidationError("ops.restore.pg_replace", field="replace")
        _require_empty_pg(url)
        undo = lambda: _empty_pg(url)  # noqa: E731
        try:
            _pg_restore_into(make_url(url), source)
        except BaseException:
            undo()
            raise
    from deskapp.services import audit

    db = Database(url)
    try:
        with db.engine.connect() as conn:
            counts = _count_tables(conn, set(inspect(conn).get_table_names()))
        if manifest is not None:
            _compare_counts(manifest.get("tables", {}), counts)
        with db.read() as session:
            chain = audit.verify(session)
    except BaseException:
        db.dispose()
        undo()
        raise
    try:
        upgraded = False
        if upgrade and migrate.needs_upgrade(db.engine):
            migrate.upgrade(db.engine)
            upgraded = True
        _record(db, None, "ops.restore", source.name[:40], {
            "file": source.name, "rows": sum(counts.values()), "upgraded": upgraded,
            "audit_ok": chain.ok, "saved_previous": saved.name if saved else ""})
    finally:
        db.dispose()
    return RestoreResult(url=make_url(url).render_as_string(hide_password=True),
                         source=source, tables=counts, audit_checked=chain.checked,
                         upgraded=upgraded, saved_previous=saved,
                         audit_broken_at=chain.first_broken_seq, audit_reason=chain.reason)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _empty_pg(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def _restore_sqlite(source: Path, url: str, *, replace: bool) -> tuple[Path, Path | None]:
    target = make_url(url).database
    if not target or target == ":memory:":
        raise ValidationError("ops.restore.memory", field="to")
    target_path = Path(target)
    saved: Path | None = None
    if target_path.exists() and target_path.stat().st_size > 0:
        if not replace:
            raise Conflict("ops.restore.target_exists", path=str(target_path))
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        saved = target_path.with_name(f"{target_path.name}.before-restore-{stamp}")
        n = 1
        while saved.exists():
            n += 1
            saved = target_path.with_name(f"{target_path.name}.before-restore-{stamp}-{n}")
        _copy_sqlite(target_path, saved)
    else:
        target_path.parent.mkdir(parents=True, exist_ok=True)
        target_path.unlink(missing_ok=True)
        _create_private(target_path)
    # Copy page by page into the target's own connection: other connections to an existing
    # file see either the old or the new database, never a mix.
    try:
        _copy_sqlite(source, target_path, fresh=False)
    except BaseException:
        if saved is not None:
            _copy_sqlite(saved, target_path, fresh=False)
        else:
            _remove_sqlite(target_path)
        raise
    return target_path, saved


def _copy_sqlite(source: Path, target: Path, *, fresh: bool = True) -> None:
    """Online-backup ``source`` into ``target`` and check the result."""
    if fresh:
        _create_private(target)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30, isolation_level=None)
    try:
        dst = sqlite3.connect(target, timeout=30, isolation_level=None)
        try:
            dst.execute("PRAGMA busy_timeout=30000")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
            problem = _sqlite_integrity(dst)
            if problem != "ok":
                raise Conflict("ops.backup.verify_failed", detail=problem)
        finally:
            dst.close()
    except sqlite3.Error as err:
        raise Conflict("ops.restore.failed", detail=str(err)) from None
    finally:
        src.close()


def _require_empty_pg(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
    except Exception as err:  # noqa: BLE001 — no such database, refused connection …
        raise Conflict("ops.restore.pg_connect", detail=str(err).splitlines()[0][:200]) from None
    finally:
        engine.dispose()
    if tables:
        raise Conflict("ops.restore.pg_not_empty", n=len(tables))

