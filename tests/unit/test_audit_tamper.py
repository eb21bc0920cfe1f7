"""The audit log detects deletion at the tail and forging (issue 15, item 4).

Each attack is what someone with write access to the database file (but not to the site's
audit key) can do: drop the append-only trigger, delete or rewrite entries, re-hash the
chain with the published SHA-256 rule, reset the counter and carry on. Each is detected
and named by ``verify`` with the site's anchors (and by ``deskapp audit verify``).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry, Staff
from deskapp.services import audit, backup

N = 12


@pytest.fixture
def logged(db: Database, supervisor: Staff) -> Database:
    for i in range(N):
        with db.write() as session:  # one business action, one commit
            audit.record(session, by=supervisor, action="test.act", entity="thing",
                         entity_id=i, detail={"n": i})
    return db


def _verify(db: Database, backups: Path | None = None) -> audit.VerifyResult:
    with db.read() as session:
        return audit.verify(session, anchors=audit.site_anchors(session,
                                                                backup_directory=backups),
                            check_triggers=True)


def _last_seq(db: Database) -> int:
    with db.read() as session:
        return audit.head(session)[0]


def _sql(db: Database, *statements: str) -> None:
    with db.engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))


def test_intact_log_verifies_with_its_anchor(logged: Database) -> None:
    result = _verify(logged)
    assert result.ok, result
    with logged.read() as session:
        anchor = audit.read_anchor_file(session)
        assert anchor is not None and (anchor.seq, anchor.hash) == audit.head(session)


def test_triggers_refuse_update_and_delete(logged: Database) -> None:
    for sql in ("UPDATE audit_entry SET detail = 'x' WHERE seq = 2",
                "DELETE FROM audit_entry WHERE seq = (SELECT max(seq) FROM audit_entry)"):
        with pytest.raises(DatabaseError, match="append-only"):
            _sql(logged, sql)
    assert _verify(logged).ok


def test_delete_the_last_entry_is_named(logged: Database) -> None:
    last = _last_seq(logged)
    _sql(logged, "DROP TRIGGER audit_entry_no_delete",
         f"DELETE FROM audit_entry WHERE seq = {last}")
    result = _verify(logged)
    assert (result.first_broken_seq, result.reason, result.source) == (last, "tail",
                                                                        "锚点文件")


def test_delete_the_last_five_is_named(logged: Database) -> None:
    last = _last_seq(logged)
    _sql(logged, "DROP TRIGGER audit_entry_no_delete",
         f"DELETE FROM audit_entry WHERE seq > {last - 5}")
    result = _verify(logged)
    assert (result.first_broken_seq, result.reason) == (last - 4, "tail")


def test_edit_and_rehash_with_the_published_rule_is_named(logged: Database) -> None:
    target = 5
    _sql(logged, "DROP TRIGGER audit_entry_no_update")
    with logged.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET detail = '{\"n\": 999}' WHERE seq = :s"),
                     {"s": target})
        prev = conn.execute(text("SELECT hash FROM audit_entry WHERE seq = :s"),
                            {"s": target - 1}).scalar_one()
    with logged.write() as session:  # re-hash from the edited entry on, as published
        rows = session.exec(select(AuditEntry).where(AuditEntry.seq >= target)
                            .order_by(AuditEntry.seq)).all()
        for entry in rows:
            entry.prev_hash = prev
            entry.hash = audit._digest(entry)
            prev = entry.hash
            session.add(entry)
    result = _verify(logged)
    assert (result.first_broken_seq, result.reason) == (target, "hash")


def test_reset_the_counter_and_carry_on_is_named(logged: Database, supervisor: Staff) -> None:
    last = _last_seq(logged)
    _sql(logged, "DROP TRIGGER audit_entry_no_delete",
         f"DELETE FROM audit_entry WHERE seq > {last - 3}",
         f"UPDATE counter SET value = {last - 3} WHERE series = 'audit'")
    for i in range(3):  # new, validly chained entries where the deleted ones were
        with logged.write() as session:
            audit.record(session, by=supervisor, action="test.other", entity="thing",
                         entity_id=100 + i)
    assert _last_seq(logged) == last
    result = _verify(logged)
    assert (result.first_broken_seq, result.reason) == (last, "anchor")


def test_drop_the_trigger_and_delete_is_named(logged: Database) -> None:
    _sql(logged, "DROP TRIGGER audit_entry_no_delete")
    result = _verify(logged)
    assert result.reason == "trigger" and not result.ok  # the trigger alone is missed
    _sql(logged, "DELETE FROM audit_entry WHERE seq = 4")
    result = _verify(logged)
    assert (result.first_broken_seq, result.reason) == (4, "missing")


def test_a_backup_manifest_anchors_the_head(logged: Database, tmp_path: Path) -> None:
    taken = backup.take_backup(logged, directory=tmp_path / "b", keep=3)
    manifest = json.loads(backup.manifest_path(taken.path).read_text())
    head_at_backup = manifest["audit_head"]["seq"]
    assert head_at_backup >= N
    audit.anchor_path().unlink()  # the tamperer removes the anchor file too
    _sql(logged, "DROP TRIGGER audit_entry_no_delete",
         f"DELETE FROM audit_entry WHERE seq >= {head_at_backup}")
    result = _verify(logged, tmp_path / "b")
    assert result.reason == "tail" and result.source.startswith("备份 ")


def test_key_file_is_owner_only_and_outside_the_database(logged: Database) -> None:
    path = audit.key_path()
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(audit.anchor_path().stat().st_mode) == 0o600
    with logged.read() as session:
        entry = session.exec(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry is not None
        assert audit._digest(entry) != entry.hash  # keyed: the published rule does not fit


def test_an_older_log_switches_to_the_key(db: Database, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries written before the key existed keep the unkeyed rule up to the recorded
    switch-over; entries after it are keyed."""
    from deskapp import clock

    with db.read() as session:
        start = audit.head(session)[0]
    with db.write() as session:  # the old code's entries: plain SHA-256, no key
        prev = audit.head(session)[1]
        for i in range(start + 1, start + 4):
            fields = (i, clock.now().replace(microsecond=0), None, "old.act", "thing", str(i),
                      "", prev)
            digest = audit._digest_fields(*fields)
            session.execute(audit._INSERT, dict(zip(
                ("seq", "at", "staff_id", "action", "entity", "entity_id", "detail",
                 "prev_hash"), fields, strict=True)) | {"hash": digest})
            prev = digest
        session.execute(text("INSERT INTO counter (series, value) VALUES ('audit', :v) "
                             "ON CONFLICT(series) DO UPDATE SET value = excluded.value"),
                        {"v": start + 3})
    assert start == 0  # a log from before the key
    monkeypatch.setenv("DESKAPP_AUDIT_KEY", str(tmp_path / "new.key"))
    with db.write() as session:
        key = audit.ensure_key(session)
    assert key.since_seq == start + 3
    with db.write() as session:
        entry = audit.record(session, by=None, action="new.act", entity="thing")
    assert audit._digest(entry) != entry.hash  # keyed from the switch-over on
    assert _verify(db).ok
    assert os.path.exists(tmp_path / "new.key")


def test_postgres_triggers_refuse_and_are_checked(pg_db: Database) -> None:
    with pg_db.write() as session:
        for i in range(3):
            audit.record(session, by=None, action="test.act", entity="thing", entity_id=i)
    for sql in ("UPDATE audit_entry SET detail = 'x'", "DELETE FROM audit_entry",
                "TRUNCATE audit_entry"):
        with pytest.raises(DatabaseError, match="append-only"):
            _sql(pg_db, sql)
    assert _verify(pg_db).ok
    _sql(pg_db, "DROP TRIGGER audit_entry_no_delete ON audit_entry",
         "DELETE FROM audit_entry WHERE seq = (SELECT max(seq) FROM audit_entry)")
    result = _verify(pg_db)
    assert result.reason == "tail"
