"""The reception log: logging, bad input, editing with history, linking, the list, the
monthly summary."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import func, select

from deskapp import clock
from deskapp.db.models import AuditEntry
from deskapp.db.models.reception import Contact, ContactChannel, ContactKind, ContactStatus
from deskapp.errors import Conflict, PermissionDenied, ValidationError
from deskapp.services import hooks
from deskapp.services import staff as staff_svc
from deskapp.services.listing import ListQuery
from deskapp.services.reception import common, contacts, figures
from deskapp.services.reception.contacts import ContactCreate, ContactUpdate
from deskapp.services.reception.lists import ContactSource
from tests.unit.test_reception_common import make_site

NOW = datetime(2026, 11, 30, 10, 0)


@pytest.fixture
def site(db, frozen_now):
    return make_site(db)


def _log(db, by, **kw):
    data = ContactCreate(channel=kw.pop("channel", ContactChannel.PHONE),
                         kind=kw.pop("kind", ContactKind.ENQUIRY),
                         content=kw.pop("content", "咨询物业费标准"), **kw)
    with db.write() as session:
        return contacts.log_contact(session, by=by, data=data)


def _count(db) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(Contact)).one()


def test_log_contact_stores_everything_and_audits(db, receptionist, site):
    c = _log(db, receptionist, kind=ContactKind.REPAIR, unit_id=site.unit_a, person_name="张三",
             phone="138 1234 5678", content="卫生间漏水", action_taken="已通知工程部",
             status=ContactStatus.PENDING)
    assert c.at == NOW and c.unit_code == "3-1-1201" and c.building_id == site.building_3
    assert c.phone == "13812345678" and c.staff_id == receptionist.id
    assert c.status == ContactStatus.PENDING and c.action_taken == "已通知工程部"
    with db.read() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "contact.create")).all()
    assert len(entries) == 1 and entries[0].entity_id == str(c.id)
    assert "13812345678" not in entries[0].detail and "138****5678" in entries[0].detail


def test_outside_caller_without_unit_is_allowed(db, receptionist, site):
    c = _log(db, receptionist, person_name="快递员小王", content="询问3号楼位置")
    assert c.unit_id is None and c.person_name == "快递员小王"


@pytest.mark.parametrize(("kw", "field", "key"), [
    ({"content": "   "}, "content", "validate.text.required"),
    ({"phone": "12345"}, "phone", "validate.phone.invalid"),
    ({"unit_id": None, "person_name": ""}, "unit", "reception.contact.who_required"),
    ({"unit_id": 99999}, "unit", "reception.unit.not_found"),
    ({"at": NOW + timedelta(hours=1)}, "at", "reception.time.future"),
    ({"content": "x" * 2001}, "content", "validate.text.too_long"),
    ({"person_name": "a\x07b"}, "person_name", "validate.text.control"),
])
def test_bad_input_names_the_field_and_saves_nothing(db, receptionist, site, kw, field, key):
    kw.setdefault("unit_id", site.unit_a)
    with pytest.raises(ValidationError) as err:
        _log(db, receptionist, **kw)
    assert err.value.field == field and err.value.key == key
    assert _count(db) == 0
    with db.read() as session:
        assert not session.exec(select(AuditEntry).where(AuditEntry.action == "contact.create")).all()


def test_bad_choice_is_refused(db, receptionist, site):
    with pytest.raises(ValidationError) as err:
        _log(db, receptionist, unit_id=site.unit_a, kind="gossip")
    assert err.value.field == "kind"


def test_complaint_is_never_logged_as_done(db, receptionist, site):
    c = _log(db, receptionist, kind=ContactKind.COMPLAINT, unit_id=site.unit_a,
             content="楼上噪音", status=ContactStatus.DONE)
    assert c.status == ContactStatus.PENDING
    with db.write() as session, pytest.raises(ValidationError) as err:
        contacts.update_contact(session, by=receptionist, contact_id=c.id,
                                 data=ContactUpdate(status=ContactStatus.DONE))
    assert err.value.field == "status"


def test_every_desk_role_may_log_but_not_a_disabled_account(db, supervisor, receptionist,
                                                            specialist, site):
    for who in (supervisor, receptionist, specialist):
        _log(db, who, unit_id=site.unit_a)
    with db.write() as session:
        staff_svc.set_active(session, by=supervisor, staff_id=receptionist.id, active=False)
    with db.read() as session:
        disabled = staff_svc.get_by_login(session, "desk1")
    with pytest.raises(PermissionDenied):
        _log(db, disabled, unit_id=site.unit_a)
    assert _count(db) == 3


def test_edit_keeps_history_in_the_audit_log(db, receptionist, specialist, site):
    c = _log(db, receptionist, unit_id=site.unit_a, status=ContactStatus.PENDING)
    with db.write() as session:
        contacts.update_contact(session, by=specialist, contact_id=c.id,
                                 data=ContactUpdate(status=ContactStatus.DONE,
                                                    action_taken="已电话答复"))
    with db.read() as session:
        stored = session.get(Contact, c.id)
        history = contacts.contact_history(session, c.id)
    assert stored.status == ContactStatus.DONE and stored.updated_by == specialist.id
    assert [h[2] for h in history] == ["contact.create", "contact.update"]
    detail = json.loads(history[1][3])
    assert detail["before"] == {"status": "pending", "action_taken": ""}
    assert detail["after"] == {"status": "done", "action_taken": "已电话答复"}
    assert history[1][1] == "李专员"


def test_edit_with_bad_input_changes_nothing(db, receptionist, site):
    c = _log(db, receptionist, unit_id=site.unit_a, content="原内容")
    with db.write() as session, pytest.raises(ValidationError) as err:
        contacts.update_contact(session, by=receptionist, contact_id=c.id,
                                 data=ContactUpdate(action_taken="新处理", content=""))
    assert err.value.field == "content"
    with db.read() as session:
        stored = session.get(Contact, c.id)
        assert stored.content == "原内容" and stored.action_taken == ""
        assert len(contacts.contact_history(session, c.id)) == 1
    with db.write() as session, pytest.raises(ValidationError) as err:
        contacts.update_contact(session, by=receptionist, contact_id=c.id,
                                 data=ContactUpdate(unit_id=0))  # no unit and no name left
    assert err.value.field == "unit"


def test_link_contact(db, receptionist, site):
    c = _log(db, receptionist, kind=ContactKind.COMPLAINT, unit_id=site.unit_a)
    ref = hooks.RecordRef("complaint", 7)
    with db.write() as session:
        linked = contacts.link_contact(session, by=receptionist, contact_id=c.id, ref=ref)
        assert linked.status == ContactStatus.HANDED_OVER
        assert (linked.linked_kind, linked.linked_id) == ("complaint", 7)
    with db.write() as session:  # linking again to the same record is harmless
        contacts.link_contact(session, by=receptionist, contact_id=c.id, ref=ref)
    with db.write() as session, pytest.raises(Conflict):
        contacts.link_contact(session, by=receptionist, contact_id=c.id,
                               ref=hooks.RecordRef("workorder", 1))
    with db.write() as session, pytest.raises(Conflict):
        contacts.update_contact(session, by=receptionist, contact_id=c.id,
                                 data=ContactUpdate(kind=ContactKind.ENQUIRY))


def test_contact_source_filters_search_and_masks(db, receptionist, specialist, site):
    _log(db, receptionist, kind=ContactKind.REPAIR, unit_id=site.unit_a, phone="13812345678",
         content="卫生间漏水的问题")
    _log(db, receptionist, kind=ContactKind.ENQUIRY, unit_id=site.unit_c, content="咨询停车费")
    _log(db, specialist, kind=ContactKind.REPAIR, person_name="外来人员", content="门禁坏了",
         status=ContactStatus.PENDING)
    with clock.freeze(NOW - timedelta(days=3)):
        _log(db, receptionist, kind=ContactKind.HELP, unit_id=site.unit_b, content="借轮椅")
    source = ContactSource(staff=[(receptionist.id, "张前台")], buildings=[(site.building_3, "3")])

    def ids(**kw) -> list[str]:
        search = kw.pop("search", "")
        with db.read() as session:
            query = ListQuery(filters=kw, search=search)
            rows = source.fetch(session, query, 0, 50)
            assert source.count(session, query) == len(rows)
        return [r.cells[6] for r in rows]

    assert ids() == ["门禁坏了", "咨询停车费", "卫生间漏水的问题", "借轮椅"]  # newest first
    assert ids(kind="repair") == ["门禁坏了", "卫生间漏水的问题"]
    assert ids(status="pending") == ["门禁坏了"]
    assert ids(staff=str(specialist.id)) == ["门禁坏了"]
    assert ids(building=str(site.building_3)) == ["卫生间漏水的问题", "借轮椅"]
    assert ids(**{"from": date(2026, 11, 30)}) == ["门禁坏了", "咨询停车费", "卫生间漏水的问题"]
    assert ids(**{"to": date(2026, 11, 29)}) == ["借轮椅"]
    assert ids(search="漏水的") == ["卫生间漏水的问题"]  # FTS trigram
    assert ids(search="漏") == ["卫生间漏水的问题"]  # one character: LIKE
    assert ids(search="1201 漏水") == ["卫生间漏水的问题"]  # room and text
    assert ids(search="外来") == ["门禁坏了"]
    with db.read() as session:
        row = source.fetch(session, ListQuery(filters={"kind": "repair"}), 1, 1)[0]
    assert row.cells[5] == "138****5678" and row.cells[8] == "张前台"
    assert "13812345678" not in "".join(row.cells)


def test_pending_contacts_are_open_items(db, receptionist, site):
    _log(db, receptionist, unit_id=site.unit_a, content="留言：请回电", kind=ContactKind.MESSAGE,
         status=ContactStatus.PENDING)
    _log(db, receptionist, unit_id=site.unit_b, content="已答复")
    with db.read() as session:
        items = [i for i in hooks.open_items(session, hooks.HandoverContext(NOW, NOW))
                 if i.section == "reception.section.contacts"]
    assert len(items) == 1 and "请回电" in items[0].label and items[0].ref.kind == "contact"


def test_monthly_summary_counts_by_site_month(db, receptionist, site):
    with clock.freeze(datetime(2026, 10, 31, 23, 59)):
        _log(db, receptionist, unit_id=site.unit_a)  # October
    _log(db, receptionist, unit_id=site.unit_a, kind=ContactKind.REPAIR,
         status=ContactStatus.PENDING)
    _log(db, receptionist, unit_id=site.unit_a, channel=ContactChannel.WALK_IN)
    with clock.freeze(datetime(2026, 12, 1, 0, 0)):
        _log(db, receptionist, unit_id=site.unit_a)  # December
    with db.read() as session:
        nov = figures.monthly_summary(session, year=2026, month=11)
        octo = figures.monthly_summary(session, year=2026, month=10)
    assert nov.contacts == 2 and nov.contacts_pending == 1
    assert nov.contacts_by_kind == {"repair": 1, "enquiry": 1}
    assert nov.contacts_by_channel == {"phone": 1, "walk_in": 1}
    assert octo.contacts == 1 and octo.workorders_created == 0 and octo.on_time_rate is None


def test_parse_time_from_a_form(frozen_now):
    assert common.parse_time("2026-11-29 08:05", field="at") == datetime(2026, 11, 29, 8, 5)
    assert common.parse_time("９:３０", field="at") == datetime(2026, 11, 30, 9, 30)
    assert common.parse_time("  ", field="at") is None
    for bad in ("2026-13-01 08:00", "昨天", "25:00"):
        with pytest.raises(ValidationError) as err:
            common.parse_time(bad, field="completed_at")
        assert (err.value.field, err.value.key) == ("completed_at", "reception.time.invalid")
