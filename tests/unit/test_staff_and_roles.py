"""Staff accounts, passwords, roles and the audit entries they leave."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskapp.db.models import AuditEntry, Role
from deskapp.errors import Conflict, NotFound, PermissionDenied, ValidationError
from deskapp.services import staff as staff_svc
from tests.conftest import PASSWORD


def test_password_hash_is_scrypt_and_checks() -> None:
    stored = staff_svc.hash_password("demo123")
    assert stored.startswith("scrypt$") and "demo123" not in stored
    assert staff_svc.check_password("demo123", stored)
    assert not staff_svc.check_password("demo124", stored)
    assert not staff_svc.check_password("x", "garbage")


def test_first_account_must_be_supervisor(db) -> None:
    with pytest.raises(ValidationError) as err, db.write() as session:
        staff_svc.create_staff(session, by=None, login="a", name="甲", role=Role.RECEPTIONIST,
                               password=PASSWORD)
    assert "主管" in str(err.value)


def test_only_supervisor_creates_staff(db, supervisor, receptionist) -> None:
    with pytest.raises(PermissionDenied) as err, db.write() as session:
        staff_svc.create_staff(session, by=receptionist, login="x", name="某某",
                               role=Role.RECEPTIONIST, password=PASSWORD)
    assert "无权操作" in str(err.value)
    with db.read() as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "staff.create")
                            ).all()  # only the fixtures' accounts
        with pytest.raises(NotFound):
            staff_svc.get_by_login(session, "x")


@pytest.mark.parametrize(
    ("login", "password", "key"),
    [("bad login", PASSWORD, "staff.login.invalid"), ("张三", PASSWORD, "staff.login.invalid"),
     ("ok", "123", "staff.password.short")],
)
def test_bad_accounts_are_refused(db, supervisor, login, password, key) -> None:
    with pytest.raises(ValidationError) as err, db.write() as session:
        staff_svc.create_staff(session, by=supervisor, login=login, name="某某",
                               role=Role.RECEPTIONIST, password=password)
    assert err.value.key == key


def test_duplicate_login_refused(db, supervisor, receptionist) -> None:
    with pytest.raises(Conflict), db.write() as session:
        staff_svc.create_staff(session, by=supervisor, login="DESK1", name="重复",
                               role=Role.RECEPTIONIST, password=PASSWORD)


def test_authenticate_and_disable(db, supervisor, receptionist) -> None:
    with db.read() as session:
        assert staff_svc.authenticate(session, login="Desk1 ", password=PASSWORD).name == "张前台"
        with pytest.raises(PermissionDenied):
            staff_svc.authenticate(session, login="desk1", password="nope")
    with db.write() as session:
        staff_svc.set_active(session, by=supervisor, staff_id=receptionist.id, active=False)
    with db.read() as session:
        with pytest.raises(PermissionDenied) as err:
            staff_svc.authenticate(session, login="desk1", password=PASSWORD)
        assert "停用" in str(err.value)
    with pytest.raises(Conflict), db.write() as session:
        staff_svc.set_active(session, by=supervisor, staff_id=supervisor.id, active=False)


def test_change_password_needs_the_old_one(db, receptionist) -> None:
    with pytest.raises(ValidationError) as err, db.write() as session:
        staff_svc.change_password(session, by=receptionist, old="wrong", new="newpass1")
    assert err.value.field == "old"
    with db.write() as session:
        staff_svc.change_password(session, by=receptionist, old=PASSWORD, new="newpass1")
    with db.read() as session:
        assert staff_svc.authenticate(session, login="desk1", password="newpass1")


def test_require_role() -> None:
    from deskapp.db.models import Staff

    boss = Staff(login="b", name="b", role=Role.SUPERVISOR, password_hash="", created_at=None)
    desk = Staff(login="d", name="d", role=Role.RECEPTIONIST, password_hash="", created_at=None)
    assert staff_svc.require_role(boss, Role.RECEPTIONIST) is boss
    assert staff_svc.require_role(desk, Role.RECEPTIONIST) is desk
    with pytest.raises(PermissionDenied):
        staff_svc.require_role(desk, Role.SPECIALIST)
    with pytest.raises(PermissionDenied):
        staff_svc.require_role(None, Role.RECEPTIONIST)
