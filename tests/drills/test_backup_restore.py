"""Backup and restore: copies taken while desks are writing restore into consistent,
complete databases; generations are kept and pruned; copies are private; a damaged, foreign
or mismatched file is refused; a failed restore leaves nothing half-done."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from deskapp.config import Settings
from deskapp.db import migrate
from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry, Staff
from deskapp.errors import Conflict, NotFound, ValidationError
from deskapp.services import backup
from tests.drills.drillsite import (
    DrillSite,
    People,
    as_user,
    build_site,
    contact,
    contiguous,
    ledger,
    make_people,
    new_request_id,
    pay,
    work_order,
)


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def _site(db: Database, bills: int = 60) -> tuple[People, DrillSite]:
    people = make_people(db, desks=2)
    return people, build_site(db, boss=people.boss, desks=people.desks, cs=people.cs,
                              bills_per_desk=bills)


def _some_activity(db: Database, people: People, site: DrillSite, n: int = 5) -> None:
    desk = people.desks[0]
    for i in range(n):
        bill = site.bills[desk.id].pop(0)  # type: ignore[index]
        assert as_user(db, lambda s, b=bill: pay(s, desk, b, new_request_id())).ok
        assert as_user(db, lambda s, i=i: contact(s, desk, site.unit_ids[0], f"a{i}")).ok
    assert as_user(db, lambda s: work_order(s, desk, site.unit_ids[1], "a")).ok


class Writers:
    """Desks writing in threads (each with its own connections) until stopped. A desk
    pauses a moment between two saves, as people do: SQLite's busy handler is not fair,
    and writers in a tight loop can starve a third one past the busy timeout."""

    def __init__(self, db: Database, people: People, site: DrillSite) -> None:
        self.stop = threading.Event()
        self.done = {"payments": 0, "contacts": 0, "work_orders": 0}
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(_url(db), desk, site))
                        for desk in people.desks]

    def _run(self, url: str, desk: Staff, site: DrillSite) -> None:
        db = Database(url)
        bills = list(site.bills[desk.id])  # type: ignore[index]
        i = 0
        try:
            while not self.stop.is_set():
                i += 1
                if bills and i % 2:
                    bill = bills.pop(0)
                    out = as_user(db, lambda s, b=bill: pay(s, desk, b, new_request_id()))
                    key = "payments"
                elif i % 3:
                    out = as_user(db, lambda s, i=i: contact(s, desk, site.unit_ids[0], f"w{i}"))
                    key = "contacts"
                else:
                    out = as_user(db, lambda s, i=i: work_order(s, desk, site.unit_ids[1],
                                                                f"w{i}"))
                    key = "work_orders"
                if out.ok:
                    self.done[key] += 1
                else:
                    self.errors.append(out.desk_error or out.unexpected)
                self.stop.wait(0.05)
        finally:
            db.dispose()

    def wait_for(self, more: int, timeout: float = 60) -> None:
        """Until the desks have saved ``more`` records more than now."""
        goal = sum(self.done.values()) + more
        deadline = time.monotonic() + timeout
        while sum(self.done.values()) < goal and time.monotonic() < deadline \
                and not self.errors:
            time.sleep(0.02)

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


def _check_restored(url: str, result: backup.BackupResult) -> dict[str, int]:
    restored = Database(url)
    try:
        book = ledger(restored)
        with restored.read() as s:
            entries = s.exec(select(AuditEntry.seq)).all()
    finally:
        restored.dispose()
    assert book.audit_ok, book.audit_reason
    assert contiguous(list(entries))
    assert contiguous([seq for _, _, seq in book.receipts.values()])
    assert len(entries) == result.tables["audit_entry"] + 1  # + the restore's own entry
    assert len(book.receipts) == result.tables["receipt"]
    return {"receipts": len(book.receipts), "audit": len(entries)}


# --------------------------------------------------------------------------------------
# SQLite
# --------------------------------------------------------------------------------------


def test_backups_taken_while_desks_write_restore_complete_and_consistent(
        db: Database, tmp_path: Path) -> None:
    people, site = _site(db, bills=60)
    copies = tmp_path / "backups"
    results = []
    with Writers(db, people, site) as writers:
        for _ in range(3):
            writers.wait_for(3)
            results.append(backup.take_backup(db, directory=copies, keep=5))
    assert writers.errors == []
    checked = []
    for n, result in enumerate(results):
        assert result.verified == "integrity_check"
        target = tmp_path / f"restored-{n}.sqlite3"
        restored = backup.restore(result.path, url=f"sqlite:///{target}")
        assert restored.audit_ok and restored.saved_previous is None
        assert restored.tables == result.tables
        checked.append(_check_restored(f"sqlite:///{target}", result))
    figures = (f"backup drill (SQLite): {len(results)} backups while 2 desks wrote "
               f"({writers.done}); restored and checked: "
               + ", ".join(f"{c['receipts']} receipts/{c['audit']} audit entries" for c in checked))
    print(figures)
    assert sum(writers.done.values()) > 0, figures
    # Later copies hold at least what earlier ones held.
    assert [c["audit"] for c in checked] == sorted(c["audit"] for c in checked), figures


def test_generations_are_kept_pruned_and_private(db: Database, tmp_path: Path) -> None:
    people, site = _site(db, bills=5)
    copies = tmp_path / "backups"
    copies.mkdir()
    foreign = copies / "notes.txt"
    foreign.write_text("not ours")
    made = [backup.take_backup(db, directory=copies, keep=2) for _ in range(4)]
    kept = backup.list_backups(copies)
    assert kept == [made[2].path, made[3].path]
    assert made[2].removed == [made[0].path] and made[3].removed == [made[1].path]
    assert foreign.exists()
    assert not backup.manifest_path(made[0].path).exists()
    assert stat.S_IMODE(copies.stat().st_mode) == 0o700
    for path in kept:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        manifest = backup.read_manifest(path)
        assert manifest is not None and manifest["sha256"] == backup._sha256(path)
        assert stat.S_IMODE(backup.manifest_path(path).stat().st_mode) == 0o600
        assert manifest["heads"] == sorted(migrate.head_revisions())
    assert not list(copies.glob("*.partial"))
    with db.read() as s:
        logged = s.exec(select(AuditEntry).where(AuditEntry.action == "ops.backup")).all()
    assert len(logged) == 4 and "sha256" in logged[0].detail


def test_keep_must_be_positive(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        backup.take_backup(db, directory=tmp_path, keep=0)
    assert err.value.key == "ops.backup.keep_invalid"
    assert backup.list_backups(tmp_path) == []


def test_restore_refuses_an_existing_database_and_replace_saves_it_first(
        db: Database, tmp_path: Path) -> None:
    people, site = _site(db, bills=10)
    first = backup.take_backup(db, directory=tmp_path / "b", keep=5)
    _some_activity(db, people, site)
    path = Path(db.engine.url.database or "")
    with db.read() as s:
        entries_now = len(s.exec(select(AuditEntry.id)).all())
    db.dispose()
    with pytest.raises(Conflict) as err:
        backup.restore(first.path, url=db.url)
    assert err.value.key == "ops.restore.target_exists"
    result = backup.restore(first.path, url=db.url, replace=True)
    assert result.saved_previous is not None and result.saved_previous.exists()
    saved = Database(f"sqlite:///{result.saved_previous}")
    try:
        with saved.read() as s:  # the database as it was before the restore
            assert len(s.exec(select(AuditEntry.id)).all()) == entries_now
    finally:
        saved.dispose()
    with db.read() as s:  # the backup's content, plus the entry recording the restore
        actions = s.exec(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert len(actions) == first.tables["audit_entry"] + 1 and actions[-1] == "ops.restore"
    assert stat.S_IMODE(result.saved_previous.stat().st_mode) == 0o600
    assert path.exists()


def test_a_damaged_backup_is_refused_and_nothing_is_created(db: Database, tmp_path: Path) -> None:
    _site(db, bills=3)
    result = backup.take_backup(db, directory=tmp_path / "b", keep=5)
    damaged = tmp_path / result.path.name
    shutil.copy(result.path, damaged)
    shutil.copy(backup.manifest_path(result.path), backup.manifest_path(damaged))
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    target = tmp_path / "new.sqlite3"
    with pytest.raises(Conflict) as err:
        backup.restore(damaged, url=f"sqlite:///{target}")
    assert err.value.key == "ops.restore.checksum"
    assert not target.exists()


def test_foreign_missing_and_mismatched_files_are_refused(db: Database, tmp_path: Path) -> None:
    junk = tmp_path / "deskapp-20260101-000000.sqlite3"
    junk.write_bytes(b"this is not a database at all")
    with pytest.raises(ValidationError) as err:
        backup.restore(junk, url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert err.value.key == "ops.restore.unknown_format"
    with pytest.raises(NotFound):
        backup.restore(tmp_path / "missing.sqlite3", url=f"sqlite:///{tmp_path / 'y.sqlite3'}")
    _site(db, bills=1)
    copy = backup.take_backup(db, directory=tmp_path / "b", keep=1)
    with pytest.raises(ValidationError) as err:
        backup.restore(copy.path, url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert err.value.key == "ops.restore.format_mismatch"
    with pytest.raises(ValidationError):
        backup.restore(copy.path, url="sqlite://")
    assert not (tmp_path / "x.sqlite3").exists() and not (tmp_path / "y.sqlite3").exists()


def test_a_restore_that_does_not_match_its_manifest_is_undone(db: Database, tmp_path: Path) -> None:
    _site(db, bills=3)
    result = backup.take_backup(db, directory=tmp_path / "b", keep=5)
    manifest = json.loads(backup.manifest_path(result.path).read_text())
    manifest["tables"]["receipt"] = manifest["tables"].get("receipt", 0) + 1  # one "missing"
    backup.manifest_path(result.path).write_text(json.dumps(manifest))
    target = tmp_path / "new.sqlite3"
    with pytest.raises(Conflict) as err:
        backup.restore(result.path, url=f"sqlite:///{target}")
    assert err.value.key == "ops.restore.counts_differ"
    assert not target.exists()


def test_a_backup_without_manifest_restores_after_the_integrity_check(
        db: Database, tmp_path: Path) -> None:
    _site(db, bills=3)
    result = backup.take_backup(db, directory=tmp_path / "b", keep=5)
    backup.manifest_path(result.path).unlink()
    restored = backup.restore(result.path, url=f"sqlite:///{tmp_path / 'r.sqlite3'}")
    assert restored.tables == result.tables


def test_a_tampered_audit_log_is_restored_as_it_was_and_reported(
        db: Database, tmp_path: Path) -> None:
    _site(db, bills=3)
    with db.engine.begin() as conn:  # someone edits an entry behind the program's back
        conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        conn.execute(text("UPDATE audit_entry SET detail = 'nothing happened' WHERE seq = 3"))
    result = backup.take_backup(db, directory=tmp_path / "b", keep=5)
    restored = backup.restore(result.path, url=f"sqlite:///{tmp_path / 'r.sqlite3'}")
    assert not restored.audit_ok
    assert restored.audit_broken_at == 3 and restored.audit_reason == "hash"


def test_an_older_schema_is_upgraded_after_the_restore(tmp_path: Path) -> None:
    old = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = migrate.alembic_config(old.engine)
    with old.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001_foundation")
    result = backup.take_backup(old, directory=tmp_path / "b", keep=1)
    old.dispose()
    assert result.heads == ["0001_foundation"]
    target = tmp_path / "new.sqlite3"
    restored = backup.restore(result.path, url=f"sqlite:///{target}")
    assert restored.upgraded
    fresh = Database(f"sqlite:///{target}")
    try:
        assert not migrate.needs_upgrade(fresh.engine)
    finally:
        fresh.dispose()


def test_the_daily_close_backup_never_fails_the_close(db: Database, tmp_path: Path) -> None:
    _site(db, bills=1)
    settings = Settings(db_url=db.url, backups_kept=3, extra={"backup_dir": str(tmp_path / "b")})
    assert backup.backup_dir(settings) == tmp_path / "b"
    done = backup.backup_after_close(db, settings)
    assert done is not None and done.path.parent == tmp_path / "b"
    blocked = tmp_path / "file"
    blocked.write_text("a file where the backup folder should be")
    failed = backup.backup_after_close(db, Settings(db_url=db.url,
                                                    extra={"backup_dir": str(blocked)}))
    assert failed is None
    with db.read() as s:
        actions = s.exec(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions[-2:] == ["ops.backup", "ops.backup.failed"]


def test_an_in_memory_or_missing_database_cannot_be_backed_up(tmp_path: Path) -> None:
    memory = Database("sqlite://")
    with pytest.raises(Conflict):
        backup.take_backup(memory, directory=tmp_path, keep=1)
    gone = Database(f"sqlite:///{tmp_path / 'gone.sqlite3'}")
    with pytest.raises(NotFound):
        backup.take_backup(gone, directory=tmp_path / "b", keep=1)
    assert backup.list_backups(tmp_path / "b") == []


def test_the_copy_is_one_self_contained_file(db: Database, tmp_path: Path) -> None:
    _site(db, bills=2)
    result = backup.take_backup(db, directory=tmp_path / "b", keep=1)
    with sqlite3.connect(result.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------


def test_postgresql_dump_while_desks_write_restores_into_an_empty_database(
        fresh_pg: Callable[..., Database], tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed (apt install postgresql-client)")
    db = fresh_pg()
    people, site = _site(db, bills=30)
    with Writers(db, people, site) as writers:
        writers.wait_for(5)
        result = backup.take_backup(db, directory=tmp_path / "b", keep=2, restore_test=True)
    assert writers.errors == []
    assert result.format == "pg_dump" and result.verified == "restore test"
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    target = fresh_pg(empty=True)
    restored = backup.restore(result.path, url=_url(target))
    assert restored.audit_ok and restored.tables == result.tables
    checked = _check_restored(_url(target), result)
    print(f"backup drill (PostgreSQL): pg_dump while 2 desks wrote ({writers.done}); "
          f"restored and checked {checked['receipts']} receipts, {checked['audit']} audit entries")
    # Into a database that has tables: refused, and nothing touched.
    with pytest.raises(Conflict) as err:
        backup.restore(result.path, url=_url(db))
    assert err.value.key == "ops.restore.pg_not_empty"
    with pytest.raises(ValidationError):
        backup.restore(result.path, url=_url(fresh_pg(empty=True)), replace=True)
    with pytest.raises(ValidationError):  # a pg_dump archive cannot go into SQLite
        backup.restore(result.path, url=f"sqlite:///{tmp_path / 'x.sqlite3'}")


def test_postgresql_restore_that_fails_its_check_leaves_the_database_empty(
        fresh_pg: Callable[..., Database], tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed (apt install postgresql-client)")
    db = fresh_pg()
    _site(db, bills=2)
    result = backup.take_backup(db, directory=tmp_path / "b", keep=1)
    manifest: dict[str, Any] = json.loads(backup.manifest_path(result.path).read_text())
    manifest["tables"]["staff"] += 1
    backup.manifest_path(result.path).write_text(json.dumps(manifest))
    target = fresh_pg(empty=True)
    with pytest.raises(Conflict) as err:
        backup.restore(result.path, url=_url(target))
    assert err.value.key == "ops.restore.counts_differ"
    with target.engine.connect() as conn:
        tables = conn.execute(text(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"))
        assert tables.scalar_one() == 0


def test_copies_within_one_second_keep_their_order(db: Database, tmp_path: Path) -> None:
    from datetime import datetime

    from deskapp import clock

    _site(db, bills=1)
    with clock.freeze(datetime(2026, 11, 30, 22, 30, 0)):
        made = [backup.take_backup(db, directory=tmp_path, keep=2).path for _ in range(5)]
    assert [p.name for p in made] == [
        "deskapp-20261130-223000.sqlite3", *(f"deskapp-20261130-223000-{n}.sqlite3"
                                             for n in range(2, 6))]
    assert backup.list_backups(tmp_path) == made[-2:]
