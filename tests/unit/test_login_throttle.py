"""Login throttling: five failures lock a login for five minutes, every failure is audited
without the password, and unknown logins look and cost the same as known ones."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from deskapp import clock
from deskapp.db.models import AuditEntry
from deskapp.errors import PermissionDenied
from deskapp.services import staff as staff_svc
from tests.conftest import PASSWORD


def _try(db, login: str, password: str) -> staff_svc.SignIn:
    with db.write() as session:
        return staff_svc.sign_in(session, login=login, password=password)


def _failures(db) -> list[dict]:
    with db.read() as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.failed")
                            .order_by(AuditEntry.seq)).all()
        return [json.loads(r.detail) | {"staff_id": r.staff_id} for r in rows]


def test_five_failures_lock_the_login_for_five_minutes(db, receptionist, frozen_now) -> None:
    for n in range(4):
        result = _try(db, "desk1", f"wrong{n}")
        assert result.staff is None and result.error.key == "auth.bad_login"
    fifth = _try(db, "desk1", "wrong5")
    assert fifth.error.key == "auth.locked"
    assert str(fifth.error) == "登录失败次数过多，请 5 分钟后再试或请主管解锁"
    # Locked: even the right password is refused, and that attempt is audited too.
    with clock.freeze(frozen_now + timedelta(minutes=2)):
        locked = _try(db, "desk1", PASSWORD)
        assert locked.staff is None and "3 分钟" in str(locked.error)
    with clock.freeze(frozen_now + timedelta(minutes=5, seconds=1)):
        assert _try(db, "desk1", PASSWORD).staff.id == receptionist.id
    details = _failures(db)
    assert [d["reason"] for d in details] == ["bad_login"] * 4 + ["locked_now", "locked"]
    assert all(d["staff_id"] == receptionist.id and d["login"] == "desk1" for d in details)
    with db.read() as session:
        text = " ".join(e.detail for e in session.exec(select(AuditEntry)).all())
    assert "wrong" not in text and PASSWORD not in text


def test_success_resets_the_count(db, receptionist, frozen_now) -> None:
    for _ in range(4):
        _try(db, "desk1", "nope")
    assert _try(db, "desk1", PASSWORD).staff is not None
    for _ in range(4):
        assert _try(db, "desk1", "nope").error.key == "auth.bad_login"


def test_unknown_login_same_message_same_lock_same_work(db, receptionist, monkeypatch) -> None:
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    staff_svc._dummy_hash()  # built once, before counting
    monkeypatch.setattr(hashlib, "scrypt", counting)
    known = _try(db, "desk1", "nope")
    known_calls = len(calls)
    calls.clear()
    unknown = _try(db, "nobody", "nope")
    assert len(calls) == known_calls == 1  # the same password hash runs for both
    assert str(known.error) == str(unknown.error) == "账号或密码不正确"
    for _ in range(4):
        unknown = _try(db, "nobody", "nope")
    assert unknown.error.key == "auth.locked"  # a lock says nothing about existence
    assert _failures(db)[-1] == {"login": "no…", "channel": "screen",
                                 "reason": "locked_now", "failures": 5, "staff_id": None}


def test_a_password_typed_into_the_login_field_is_not_kept(db, receptionist) -> None:
    from deskapp.db.models.core import LoginThrottle

    _try(db, "desk1Secret!77", "")
    with db.read() as session:
        kept = [e.detail for e in session.exec(select(AuditEntry)).all()]
        kept += [r.login_key for r in session.exec(select(LoginThrottle)).all()]
    assert kept and not any("secret!77" in k.lower() for k in kept)


def test_supervisor_unlocks(db, supervisor, receptionist, frozen_now) -> None:
    for _ in range(5):
        _try(db, "desk1", "nope")
    with db.read() as session:
        assert staff_svc.locked_minutes(session, "desk1") == 5
    with pytest.raises(PermissionDenied), db.write() as session:
        staff_svc.unlock_login(session, by=receptionist, login="desk1")
    with db.write() as session:
        assert staff_svc.unlock_login(session, by=supervisor, login="DESK1")
    with db.read() as session:
        assert staff_svc.locked_minutes(session, "desk1") == 0
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "staff.unlock")).one()
        assert entry.staff_id == supervisor.id and entry.entity_id == str(receptionist.id)
    assert _try(db, "desk1", PASSWORD).staff is not None
    with db.write() as session:
        assert not staff_svc.unlock_login(session, by=supervisor, login="desk1")


def test_disabled_account_refused_and_audited(db, supervisor, receptionist) -> None:
    with db.write() as session:
        staff_svc.set_active(session, by=supervisor, staff_id=receptionist.id, active=False)
    assert _try(db, "desk1", PASSWORD).error.key == "auth.inactive"
    assert _failures(db)[-1]["reason"] == "inactive"
