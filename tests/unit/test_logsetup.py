"""The log file (issue #14.9): where it is, personal data masked, and writes the database
refuses for want of space or permission reported in plain words, nothing saved."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from deskapp.db.engine import Database
from deskapp.db.models.reception import Contact, ContactChannel, ContactKind
from deskapp.errors import StorageError
from deskapp.logsetup import log_file, setup_logging
from deskapp.services.reception import contacts
from deskapp.services.reception.contacts import ContactCreate


def test_log_file_honours_deskapp_home(monkeypatch, tmp_path):
    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path))
    assert log_file() == tmp_path / "logs" / "deskapp.log"


def test_personal_data_is_masked_in_the_log_file(tmp_path):
    path = tmp_path / "logs" / "deskapp.log"
    logger = logging.getLogger("deskapp")
    before = list(logger.handlers)
    try:
        assert setup_logging(path=path) == path
        setup_logging(path=path)  # once per file
        assert len(logger.handlers) == len(before) + 1
        log = logging.getLogger("deskapp.test")
        log.error("call back %s about 110101199003071234", "13812345678")
        try:
            raise ValueError("bad phone 139 1234 5678")
        except ValueError:
            log.exception("failed for %s", "张三")
        for handler in logger.handlers:
            handler.flush()
        written = path.read_text(encoding="utf-8")
    finally:
        for handler in logger.handlers[len(before):]:
            logger.removeHandler(handler)
            handler.close()
    assert "138****5678" in written and "13812345678" not in written
    assert "110101********1234" in written and "199003071234" not in written
    assert "ValueError" in written and "1234 5678" not in written
    assert "张三" in written


def _readonly(db: Database) -> Database:
    path = Path(db.url.removeprefix("sqlite:///"))
    return Database(f"sqlite:///file:{path}?mode=ro&uri=true")


def _log(database: Database, by) -> Contact:
    return database.run_write(lambda s: contacts.log_contact(s, by=by, data=ContactCreate(
        channel=ContactChannel.PHONE, kind=ContactKind.ENQUIRY, content="询问停车", person_name="李四")))


def _contacts(db: Database) -> int:
    with db.read() as s:
        return len(s.exec(select(Contact)).all())


def test_a_read_only_database_says_so_and_saves_nothing(db, receptionist, frozen_now):
    ro = _readonly(db)
    try:
        with pytest.raises(StorageError) as err:
            _log(ro, receptionist)
    finally:
        ro.dispose()
    assert str(err.value) == "数据库只读，未保存"
    assert _contacts(db) == 0


def test_a_full_disk_says_so_and_saves_nothing(db, receptionist, frozen_now):
    with db.read() as s:
        pages = s.exec(text("PRAGMA page_count")).one()[0]
    full = Database(db.url)

    @event.listens_for(full.engine, "connect")
    def _tiny(dbapi, _record) -> None:  # no room for one more page
        dbapi.execute(f"PRAGMA max_page_count={pages}")

    try:
        with pytest.raises(StorageError) as err:
            full.run_write(lambda s: s.exec(text(
                "CREATE TABLE filler AS SELECT randomblob(200000) AS b")))
    finally:
        full.dispose()
    assert str(err.value) == "磁盘已满，未保存"
    assert _contacts(db) == 0
