"""Free text is revealable only where it holds an ID number or a mobile (what the detail
screens show masked); the staff and audit tables never are."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry, Staff
from deskapp.db.models.reception import ContactChannel, ContactKind
from deskapp.errors import ValidationError
from deskapp.services import reveal
from deskapp.services.reception import contacts

MOBILE = "13812345678"
ID = "11010519491231002X"


def _contact(db: Database, by: Staff, content: str, action_taken: str = "") -> int:
    with db.write() as s:
        return contacts.log_contact(s, by=by, data=contacts.ContactCreate(
            ContactChannel.PHONE, ContactKind.HELP, content, person_name="张三",
            action_taken=action_taken)).id


def _entries(db: Database) -> list[AuditEntry]:
    with db.read() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == reveal.ACTION)).all())


def test_free_text_with_a_number_is_revealed_and_audited(db: Database,
                                                         receptionist: Staff) -> None:
    content = f"业主来电，回拨 {MOBILE}，身份证 {ID} 待核对"
    cid = _contact(db, receptionist, content)
    with db.write() as s:
        assert reveal.reveal(s, by=receptionist, table="contact", record_id=cid,
                             column="content", reason="回电核对") == content
    (entry,) = _entries(db)
    assert (entry.entity, entry.entity_id, entry.staff_id) == ("contact", str(cid),
                                                               receptionist.id)
    assert '"field": "content"' in entry.detail and "回电核对" in entry.detail
    assert MOBILE not in entry.detail and ID not in entry.detail and "业主来电" not in entry.detail


def test_free_text_without_a_number_is_refused(db: Database, receptionist: Staff) -> None:
    cid = _contact(db, receptionist, f"业主借轮椅 {MOBILE}", action_taken="已借出，下午归还")
    with db.write() as s, pytest.raises(ValidationError) as err:
        reveal.reveal(s, by=receptionist, table="contact", record_id=cid,
                      column="action_taken", reason="回电核对")
    assert err.value.key == "ops.reveal.not_personal"
    with db.write() as s, pytest.raises(ValidationError) as err:  # not text at all
        reveal.reveal(s, by=receptionist, table="contact", record_id=cid, column="channel",
                      reason="回电核对")
    assert err.value.key == "ops.reveal.not_personal"
    assert _entries(db) == []


@pytest.mark.parametrize("column", ["name", "login", "password_hash"])
def test_the_staff_table_is_never_revealed(db: Database, receptionist: Staff,
                                           column: str) -> None:
    with db.write() as s:
        staff = s.get(Staff, receptionist.id)
        assert staff is not None
        staff.name = f"前台 {MOBILE}"  # even with a mobile in it
        s.add(staff)
    with db.write() as s, pytest.raises(ValidationError) as err:
        reveal.reveal(s, by=receptionist, table="staff", record_id=receptionist.id,
                      column=column, reason="测试原因")
    assert err.value.key == "ops.reveal.not_personal"
    assert _entries(db) == []


def test_which_columns_count_as_free_text() -> None:
    assert reveal.is_free_text("contact", "content")
    assert reveal.is_free_text("work_order", "description")
    assert not reveal.is_free_text("contact", "channel")  # an enum
    assert not reveal.is_free_text("contact", "staff_id")
    assert not reveal.is_free_text("audit_entry", "detail")
    assert not reveal.is_free_text("staff", "name")
    assert not reveal.is_free_text("occupant", "phone_tail")
    assert not reveal.is_free_text("contact", "no_such_column")
