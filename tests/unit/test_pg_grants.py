"""Least privilege on PostgreSQL: the desks' login role works the desk but cannot edit or
delete issued documents or the audit log, nor alter the schema (needs DESKAPP_TEST_PG_URL;
skipped without a server)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from deskapp.db import grants
from deskapp.db.engine import Database
from deskapp.db.models import Role
from deskapp.db.models.reception import ContactChannel, ContactKind
from deskapp.services import audit, site
from deskapp.services import staff as staff_svc
from deskapp.services.cashier import close, fees, payments
from deskapp.services.reception import contacts
from tests.conftest import PASSWORD
from tests.unit.test_cashier import make_site, pay_all

REFUSED = [
    "DELETE FROM audit_entry",
    "UPDATE audit_entry SET detail = 'x'",
    "TRUNCATE audit_entry",
    "UPDATE receipt SET total_fen = 1",
    "UPDATE receipt SET payer_name = 'x'",
    "DELETE FROM receipt",
    "DELETE FROM receipt_line",
    "UPDATE receipt_tender SET amount_fen = 1",
    "UPDATE daily_close SET cash_fen = 0",
    "DELETE FROM daily_close",
    "DELETE FROM bill",
    "ALTER TABLE receipt ADD COLUMN x integer",
    "ALTER TABLE audit_entry DISABLE TRIGGER ALL",
    "DROP TABLE audit_entry",
    "CREATE TABLE evil (id integer)",
    "UPDATE alembic_version SET version_num = 'x'",
]


def _role_for(db: Database) -> str:
    return re.sub(r"[^a-z0-9_]", "_", f"desk_{db.engine.url.database}".lower())[:60]


@pytest.fixture
def desk_role(pg_db: Database):  # type: ignore[no-untyped-def]
    role = _role_for(pg_db)
    yield role
    with pg_db.engine.begin() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))
        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


def test_the_desk_role_works_the_desk_and_nothing_more(pg_db: Database, desk_role: str,
                                                      frozen_now) -> None:
    with pg_db.write() as s:  # set-up as the owner
        site.set_up_site(s, name="上海滩华府")
        boss = staff_svc.create_staff(s, by=None, login="boss", name="王主管",
                                      role=Role.SUPERVISOR, password=PASSWORD)
        desk = staff_svc.create_staff(s, by=boss, login="desk1", name="张前台",
                                      role=Role.RECEPTIONIST, password=PASSWORD)
        cs = staff_svc.create_staff(s, by=boss, login="cs1", name="李专员",
                                    role=Role.SPECIALIST, password=PASSWORD)
    st = make_site(pg_db, boss, desk, cs)
    with pg_db.write() as s:
        fees.generate_bills(s, by=boss, period="2026-11")
    grants.apply_grants(pg_db.engine, desk_role)  # the test server trusts local logins
    grants.apply_grants(pg_db.engine, desk_role)  # idempotent

    as_desk = Database(pg_db.engine.url.set(username=desk_role)
                       .render_as_string(hide_password=False))
    try:
        with as_desk.read() as s:
            assert s.execute(text("SELECT current_user")).scalar() == desk_role
        # The desk's day: payments, a void, a contact, a failed login and its unlock, a
        # close awaiting and given the supervisor's sign-off.
        with as_desk.write() as s:
            kept = pay_all(s, st, st.home2)
        with as_desk.write() as s:
            wrong = pay_all(s, st, st.home)
        with as_desk.write() as s:
            payments.void_receipt(s, by=boss, receipt_id=wrong.id, reason="收错户")
        with as_desk.write() as s:
            contacts.log_contact(s, by=desk, data=contacts.ContactCreate(
                channel=ContactChannel.PHONE, kind=ContactKind.ENQUIRY,
                content="咨询停车月卡", unit_id=st.home))
        with as_desk.write() as s:
            assert staff_svc.sign_in(s, login="desk1", password="nope").error is not None
        with as_desk.write() as s:
            assert staff_svc.unlock_login(s, by=boss, login="desk1")
        with as_desk.write() as s:
            day = close.close_day(s, by=desk, opening_float_fen=0, counted={},
                                  threshold_fen=0)
        with as_desk.write() as s:
            if day.status != close.CloseStatus.CLOSED:
                close.sign_off_close(s, by=boss, close_id=day.id, note="差额已查明")
        with as_desk.read() as s:
            assert payments.get_receipt(s, wrong.id).voided
            assert not payments.get_receipt(s, kept.id).voided
            assert audit.verify(s).ok
        # What it may never do.
        for sql in REFUSED:
            with pytest.raises(DBAPIError) as err, as_desk.engine.begin() as conn:
                conn.execute(text(sql))
            assert re.search(r"permission denied|must be owner", str(err.value)), sql
    finally:
        as_desk.dispose()
    # The owner still may (migrations run as the owner).
    with pg_db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE receipt ADD COLUMN scratch integer"))
        conn.execute(text("ALTER TABLE receipt DROP COLUMN scratch"))


def test_db_grant_command(pg_url: str, pg_db: Database, tmp_path, monkeypatch) -> None:
    from deskapp.cli import app
    from deskapp.cli.base import state

    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))
    state.db = state.lang = state.desk = None
    runner = CliRunner()
    printed = runner.invoke(app, ["--db", pg_url, "db", "grant", "--role", "desk_x", "--print"])
    assert printed.exit_code == 0, printed.output
    assert 'GRANT SELECT, INSERT ON "audit_entry" TO "desk_x"' in printed.output
    assert ('GRANT UPDATE ("voided", "void_reason", "voided_at", "voided_by") ON "receipt"'
            in printed.output)
    bad = runner.invoke(app, ["--db", pg_url, "db", "grant", "--role", "Desk; DROP"])
    assert bad.exit_code == 2 and "角色名" in bad.output


def test_db_grant_refuses_sqlite(tmp_path, monkeypatch) -> None:
    from deskapp.cli import app
    from deskapp.cli.base import state

    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path / "home"))
    state.db = state.lang = state.desk = None
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "db",
                                      "grant", "--role", "desk", "--print"])
    assert result.exit_code == 2 and "PostgreSQL" in result.output


def test_every_table_is_classified() -> None:
    """A new table gets the default desk rights; the protected ones exist by these names."""
    from sqlmodel import SQLModel

    import deskapp.db.models  # noqa: F401 — every table

    names = set(SQLModel.metadata.tables)
    assert set(grants.PROTECTED) <= names and grants.DELETES <= names
    sql = grants.grant_statements("desk", sorted(names), database="site")
    assert not any("DELETE" in s and "audit_entry" in s for s in sql)
