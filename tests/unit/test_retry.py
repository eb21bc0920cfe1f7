"""Database.run_write: a business action retried when the database asks, and never done
twice for the same request id (SQLite here; the deadlock drill at the bottom runs on
PostgreSQL when DESKAPP_TEST_PG_URL is set)."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pytest
from sqlalchemy import exc, func, text
from sqlmodel import Session, select

from deskapp.db.engine import Database, is_retryable
from deskapp.db.models import Staff
from deskapp.db.models.ops import RequestLog
from deskapp.db.models.reception import Contact, ContactChannel, ContactKind
from deskapp.errors import Conflict, ValidationError
from deskapp.services.reception import contacts


def _locked() -> exc.OperationalError:
    return exc.OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError(
        "database is locked"))


def _contact(by: Staff, content: str = "咨询停车费") -> contacts.ContactCreate:
    return contacts.ContactCreate(channel=ContactChannel.PHONE, kind=ContactKind.ENQUIRY,
                                   content=content, person_name="王先生")


def _contacts(db: Database) -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(Contact)).one()


def test_a_locked_database_is_retried_until_the_action_goes_through(
        db: Database, receptionist: Staff) -> None:
    tries: list[int] = []
    pauses: list[float] = []

    def action(s: Session) -> Contact:
        tries.append(1)
        if len(tries) < 3:
            raise _locked()
        return contacts.log_contact(s, by=receptionist, data=_contact(receptionist))

    contact = db.run_write(action, sleep=pauses.append)
    assert len(tries) == 3 and len(pauses) == 2
    assert pauses[1] > pauses[0] * 0.9 / 1.5  # backs off (doubling, with jitter)
    assert contact.id is not None and _contacts(db) == 1


def test_it_gives_up_after_the_last_attempt_and_saves_nothing(
        db: Database, receptionist: Staff) -> None:
    def action(s: Session) -> Contact:
        contacts.log_contact(s, by=receptionist, data=_contact(receptionist))
        raise _locked()

    with pytest.raises(exc.OperationalError, match="locked"):
        db.run_write(action, attempts=3, sleep=lambda _: None)
    assert _contacts(db) == 0


def test_other_errors_are_not_retried(db: Database, receptionist: Staff) -> None:
    tries: list[int] = []

    def bad(s: Session) -> Contact:
        tries.append(1)
        return contacts.log_contact(s, by=receptionist, data=_contact(receptionist, ""))

    with pytest.raises(ValidationError):
        db.run_write(bad, request_id="form-1", sleep=lambda _: None)
    assert tries == [1] and _contacts(db) == 0
    with db.read() as s:  # a refused action leaves no request behind: the form can retry
        assert s.get(RequestLog, "form-1") is None
    assert not is_retryable(exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError(
        "UNIQUE constraint failed: contact.id")))


def test_the_same_request_id_saves_once_and_returns_the_record(
        db: Database, receptionist: Staff) -> None:
    calls: list[int] = []

    def save(s: Session) -> Contact:
        calls.append(1)
        return contacts.log_contact(s, by=receptionist, data=_contact(receptionist))

    first = db.run_write(save, request_id="form-42")
    again = db.run_write(save, request_id="form-42")  # a second Ctrl+S, another process …
    assert calls == [1] and _contacts(db) == 1
    assert isinstance(again, Contact) and again.id == first.id
    with db.read() as s:
        row = s.get(RequestLog, "form-42")
        assert row is not None and (row.entity, row.entity_id) == ("contact", first.id)
    other = db.run_write(save, request_id="form-43")
    assert other.id != first.id and _contacts(db) == 2


def test_a_request_whose_result_is_not_a_record_is_refused_as_already_done(
        db: Database) -> None:
    assert db.run_write(lambda s: ("a", 1), request_id="plain") == ("a", 1)
    with pytest.raises(Conflict, match="已经保存成功"):
        db.run_write(lambda s: ("a", 2), request_id="plain")


def test_a_connection_lost_after_the_commit_does_not_save_twice(
        db: Database, receptionist: Staff, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commit reaches the database but its answer is lost: the retry finds the request
    and hands back what the first run returned."""
    real_commit = Session.commit
    broken: list[int] = []

    def commit_then_lose_the_connection(self: Session) -> None:
        real_commit(self)
        if not broken:
            broken.append(1)
            raise exc.OperationalError("COMMIT", {}, Exception("server closed the connection"),
                                       connection_invalidated=True)

    monkeypatch.setattr(Session, "commit", commit_then_lose_the_connection)
    calls: list[int] = []

    def save(s: Session) -> Contact:
        calls.append(1)
        return contacts.log_contact(s, by=receptionist, data=_contact(receptionist))

    contact = db.run_write(save, request_id="lost-1", sleep=lambda _: None)
    assert broken == [1] and calls == [1] and _contacts(db) == 1
    assert contact.content == "咨询停车费"


def test_without_a_request_id_a_lost_connection_is_not_retried(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def lose(self: Session) -> None:
        raise exc.OperationalError("COMMIT", {}, Exception("gone"), connection_invalidated=True)

    monkeypatch.setattr(Session, "commit", lose)
    tries: list[int] = []
    with pytest.raises(exc.OperationalError):
        db.run_write(lambda s: tries.append(1), sleep=lambda _: None)
    assert tries == [1]


def test_a_request_id_must_fit_the_log(db: Database) -> None:
    with pytest.raises(ValueError):
        db.run_write(lambda s: None, request_id="x" * 65)


def test_deadlock_on_postgresql_is_retried(pg_db: Database) -> None:
    """Two desks update the same two rows in opposite order at the same moment: PostgreSQL
    aborts one of them (deadlock detected, 40P01); run_write runs it again and both land."""
    with pg_db.write() as s:
        s.execute(text("CREATE TABLE drill_pair (id int primary key, n int)"))
        s.execute(text("INSERT INTO drill_pair VALUES (1, 0), (2, 0)"))
    barrier = threading.Barrier(2, timeout=20)
    attempts: list[str] = []
    errors: list[BaseException] = []

    def desk(first: int, second: int, name: str) -> None:
        def action(s: Session) -> None:
            attempts.append(name)
            s.execute(text("UPDATE drill_pair SET n = n + 1 WHERE id = :i"), {"i": first})
            if attempts.count(name) == 1:  # only the first try meets the other desk
                barrier.wait()
            s.execute(text("UPDATE drill_pair SET n = n + 1 WHERE id = :i"), {"i": second})

        try:
            pg_db.run_write(action)
        except BaseException as err:  # noqa: BLE001 — reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=desk, args=(1, 2, "a")),
               threading.Thread(target=desk, args=(2, 1, "b"))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
    assert len(attempts) == 3  # one of the two was the deadlock victim and ran again
    with pg_db.read() as s:
        assert s.execute(text("SELECT sum(n) FROM drill_pair")).scalar_one() == 4


def _retryable_pg(code: str) -> Any:
    class Orig(Exception):
        sqlstate = code

    return exc.OperationalError("UPDATE", {}, Orig("x"))


@pytest.mark.parametrize("code,expected", [("40001", True), ("40P01", True), ("55P03", True),
                                           ("23505", False), ("42P01", False)])
def test_postgresql_error_codes(code: str, expected: bool) -> None:
    assert is_retryable(_retryable_pg(code)) is expected


def test_when_another_run_of_the_request_wins_its_record_is_returned(
        db: Database, receptionist: Staff, monkeypatch: pytest.MonkeyPatch) -> None:
    """Our run's log row clashes with the winner's (same request id, committed first): the
    replay hands back the winner's record, never our rolled-back one."""
    import deskapp.db.engine as engine

    winner = db.run_write(lambda s: contacts.log_contact(s, by=receptionist,
                                                          data=_contact(receptionist, "先到")))
    clashes: list[int] = []

    def clash(session: Session, request_id: str, result: object) -> None:
        clashes.append(1)
        raise exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError(
            "UNIQUE constraint failed: request_log.request_id"))

    finds = iter([None, ("contact", winner.id)])
    monkeypatch.setattr(engine, "_log_request", clash)
    monkeypatch.setattr(engine, "_find_request", lambda s, rid: next(finds))
    got = db.run_write(lambda s: contacts.log_contact(s, by=receptionist,
                                                       data=_contact(receptionist, "后到")),
                       request_id="same", sleep=lambda _: None)
    assert clashes == [1] and isinstance(got, Contact) and got.id == winner.id
    assert got.content == "先到" and _contacts(db) == 1  # ours was rolled back
