"""The personal-data reveal and the month's operations figures."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from deskapp import clock
from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry, Staff
from deskapp.errors import NotFound, PermissionDenied, ValidationError
from deskapp.services import audit, ops, reveal, units

PHONE = "13812345678"
ID = "11010519491231002X"


@pytest.fixture
def occupant(db: Database, supervisor: Staff) -> int:
    with db.write() as s:
        building = units.get_or_create_building(s, code="3")
        unit = units.create_unit(s, building=building, entrance="1", floor=12, room="1201",
                                 area=Decimal("89.00"))
        occ = units.add_occupant(s, unit=unit, name="张三", phone=PHONE, id_number=ID)
        empty = units.add_occupant(s, unit=unit, name="李四", phone="")
        assert empty.id == occ.id + 1  # type: ignore[operator]
        return occ.id  # type: ignore[return-value]


def _entries(db: Database, action: str = reveal.ACTION) -> list[AuditEntry]:
    with db.read() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def test_personal_columns_are_found_by_name() -> None:
    assert reveal.revealable_columns("occupant") == ["phone", "phone2", "id_number"]
    assert "phone_tail" not in reveal.revealable_columns("occupant")
    assert reveal.revealable_columns("site_profile") == []  # the company's own line
    assert reveal.revealable_columns("no_such_table") == []
    # Other areas' columns are found without registering them.
    assert "requester_phone" in reveal.revealable_columns("work_order")
    assert {"owner_id_number", "lead_phone"} <= set(reveal.revealable_columns("renovation_filing"))


def test_reveal_returns_the_full_value_and_audits_who_what_why(
        db: Database, receptionist: Staff, occupant: int) -> None:
    with db.write() as s:
        value = reveal.reveal(s, by=receptionist, table="occupant", record_id=occupant,
                              column="phone", reason="  回电确认  维修时间 ")
    assert value == PHONE
    with db.write() as s:
        assert reveal.reveal(s, by=receptionist, table="occupant", record_id=occupant,
                             column="id_number", reason="核对装修备案身份证") == ID
    first, second = _entries(db)
    assert (first.entity, first.entity_id, first.staff_id) == ("occupant", str(occupant),
                                                               receptionist.id)
    assert '"field": "phone"' in first.detail and "回电确认 维修时间" in first.detail
    assert '"field": "id_number"' in second.detail
    for entry in (first, second):  # the value itself is never in the log
        assert PHONE not in entry.detail and ID not in entry.detail
    with db.read() as s:
        assert audit.verify(s).ok


def test_a_reason_with_a_phone_in_it_is_masked_in_the_log(
        db: Database, receptionist: Staff, occupant: int) -> None:
    with db.write() as s:
        reveal.reveal(s, by=receptionist, table="occupant", record_id=occupant, column="phone",
                      reason=f"业主用 {PHONE} 来电，核对号码")
    (entry,) = _entries(db)
    assert PHONE not in entry.detail and "138****5678" in entry.detail


@pytest.mark.parametrize("reason", ["", " ", "a", "\n\t", None])
def test_a_reason_is_required(db: Database, receptionist: Staff, occupant: int,
                              reason: str | None) -> None:
    with db.write() as s, pytest.raises(ValidationError) as err:
        reveal.reveal(s, by=receptionist, table="occupant", record_id=occupant, column="phone",
                      reason=reason)  # type: ignore[arg-type]
    assert (err.value.key, err.value.field) == ("ops.reveal.reason_required", "reason")
    assert _entries(db) == []


def test_a_reason_has_a_limit(db: Database, receptionist: Staff, occupant: int) -> None:
    with db.write() as s, pytest.raises(ValidationError) as err:
        reveal.reveal(s, by=receptionist, table="occupant", record_id=occupant, column="phone",
                      reason="原" * (reveal.REASON_MAX + 1))
    assert err.value.key == "ops.reveal.reason_long"


@pytest.mark.parametrize(("table", "column"), [
    ("occupant", "name"), ("occupant", "phone_tail"), ("staff", "password_hash"),
    ("no_such_table", "phone"), ("occupant", "id; DROP TABLE occupant"), ("counter", "value"),
])
def test_only_personal_data_columns_can_be_revealed(
        db: Database, receptionist: Staff, occupant: int, table: str, column: str) -> None:
    with db.write() as s, pytest.raises(ValidationError) as err:
        reveal.reveal(s, by=receptionist, table=table, record_id=occupant, column=column,
                      reason="测试原因")
    assert err.value.key == "ops.reveal.not_personal"
    assert _entries(db) == []


def test_missing_record_or_empty_value(db: Database, receptionist: Staff, occupant: int) -> None:
    with db.write() as s, pytest.raises(NotFound) as err:
        reveal.reveal(s, by=receptionist, table="occupant", record_id=99999, column="phone",
                      reason="测试原因")
    assert err.value.key == "ops.reveal.no_record"
    with db.write() as s, pytest.raises(NotFound) as err:
        reveal.reveal(s, by=receptionist, table="occupant", record_id=occupant + 1,
                      column="phone", reason="测试原因")
    assert err.value.key == "ops.reveal.empty"
    assert _entries(db) == []


def test_a_disabled_account_cannot_reveal(db: Database, receptionist: Staff,
                                          occupant: int) -> None:
    receptionist.active = False
    with db.write() as s, pytest.raises(PermissionDenied):
        reveal.reveal(s, by=receptionist, table="occupant", record_id=occupant, column="phone",
                      reason="测试原因")
    with db.write() as s, pytest.raises(PermissionDenied):
        reveal.reveal(s, by=None, table="occupant", record_id=occupant,  # type: ignore[arg-type]
                      column="phone", reason="测试原因")


def test_every_role_may_reveal_with_a_reason(db: Database, supervisor: Staff, specialist: Staff,
                                             receptionist: Staff, occupant: int) -> None:
    for who in (supervisor, specialist, receptionist):
        with db.write() as s:
            assert reveal.reveal(s, by=who, table="occupant", record_id=occupant,
                                 column="phone", reason="回访需要") == PHONE
    assert len(_entries(db)) == 3


def test_monthly_summary_counts_by_site_local_month(
        db: Database, supervisor: Staff, receptionist: Staff, specialist: Staff,
        occupant: int) -> None:
    def reveal_at(at: datetime, who: Staff) -> None:
        with clock.freeze(at), db.write() as s:
            reveal.reveal(s, by=who, table="occupant", record_id=occupant, column="phone",
                          reason="回电")

    reveal_at(datetime(2026, 10, 31, 23, 59, 59), receptionist)  # October
    reveal_at(datetime(2026, 11, 1, 0, 0, 0), receptionist)  # November from here
    reveal_at(datetime(2026, 11, 15, 9, 0), receptionist)
    reveal_at(datetime(2026, 11, 30, 23, 59, 59), specialist)
    reveal_at(datetime(2026, 12, 1, 0, 0, 0), specialist)  # December
    for action, at in (("ops.backup", datetime(2026, 11, 2)), ("ops.backup", datetime(2026, 11, 3)),
                       ("ops.backup.failed", datetime(2026, 11, 4)),
                       ("ops.restore", datetime(2026, 11, 5)),
                       ("ops.backup", datetime(2026, 12, 1))):
        with clock.freeze(at), db.write() as s:
            audit.record(s, by=None, action=action, entity="database", entity_id="x")
    with db.read() as s:
        november = ops.monthly_summary(s, year=2026, month=11)
        october = ops.monthly_summary(s, year=2026, month=10)
        december = ops.monthly_summary(s, year=2026, month=12)
        in_november = s.exec(select(AuditEntry).where(
            AuditEntry.at >= datetime(2026, 11, 1), AuditEntry.at < datetime(2026, 12, 1))).all()
    assert (november.reveals, november.backups, november.backup_failures, november.restores) \
        == (3, 2, 1, 1)
    assert november.reveals_by_staff == {receptionist.name: 2, specialist.name: 1}
    assert list(november.reveals_by_staff) == [receptionist.name, specialist.name]
    assert november.audit_entries == len(in_november) >= 7  # + the set-up's own entries
    assert (october.reveals, october.backups) == (1, 0)
    assert (december.reveals, december.backups, december.reveals_by_staff) == \
        (1, 1, {specialist.name: 1})


@pytest.mark.parametrize(("year", "month"), [(2026, 0), (2026, 13), (0, 5), (10000, 1)])
def test_monthly_summary_refuses_a_bad_month(db: Database, year: int, month: int) -> None:
    with db.read() as s, pytest.raises(ValidationError):
        ops.monthly_summary(s, year=year, month=month)


def test_demo_reveals_are_audited_in_the_past_weeks(db: Database, supervisor: Staff,
                                                     occupant: int) -> None:
    import random
    from datetime import date, timedelta

    from deskapp.demo import ops as demo_ops
    from deskapp.services import staff as staff_svc
    from deskapp.services.demo import DemoSummary

    with db.write() as s:
        staff_svc.create_staff(s, by=supervisor, login="qiantai1", name="前台一",
                               role=staff_svc.Role.RECEPTIONIST, password="secret123")
    today = date(2026, 11, 30)
    summary = DemoSummary(seed=1, today=today)
    with db.write() as s:
        demo_ops.seed(s, rng=random.Random(1), today=today, summary=summary)
    entries = _entries(db)
    assert summary.extra["reveals"] == len(entries) > 5
    assert all(today - timedelta(days=demo_ops.DAYS) <= e.at.date() < today for e in entries)
    assert all(PHONE not in e.detail and ID not in e.detail for e in entries)
    with db.read() as s:
        assert audit.verify(s).ok
        month = ops.monthly_summary(s, year=2026, month=11)
    assert month.reveals == sum(1 for e in entries if e.at.month == 11)
