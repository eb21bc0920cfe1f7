"""Shifts and the handover: opened at login, joined by the second receptionist, the
summary's counts and open items, confirmation by someone else, read-only afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from deskapp import clock
from deskapp.db.models.reception import (
    ContactChannel,
    ContactKind,
    ContactStatus,
    HandoverStatus,
    Shift,
    WorkOrderCategory,
    WorkOrderUrgency,
)
from deskapp.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from deskapp.services import hooks
from deskapp.services.listing import ListQuery
from deskapp.services.reception import contacts, shifts
from deskapp.services.reception import workorders as wo
from deskapp.services.reception.contacts import ContactCreate
from deskapp.services.reception.workorders import WorkOrderCreate
from tests.conftest import PASSWORD, _make_staff
from tests.unit.test_reception_common import make_site

NOW = datetime(2026, 11, 30, 8, 0)
DESK = "前台1"


@pytest.fixture
def site(db):
    with clock.freeze(NOW):
        return make_site(db)


@pytest.fixture
def second(db, supervisor):
    from deskapp.db.models import Role

    return _make_staff(db, "desk2", "刘前台", Role.RECEPTIONIST)


def _login(db, staff, desk=DESK):
    with db.write() as session:
        hooks.after_login(session, staff, desk)


def _log(db, by, kind=ContactKind.ENQUIRY, status=ContactStatus.DONE, unit_id=None,
         content="咨询"):
    with db.write() as session:
        return contacts.log_contact(session, by=by, data=ContactCreate(
            channel=ContactChannel.PHONE, kind=kind, content=content, unit_id=unit_id,
            person_name="" if unit_id else "来电人", status=status))


def test_login_opens_the_desk_shift_and_the_second_login_joins_it(db, receptionist, second,
                                                                  supervisor):
    with clock.freeze(NOW):
        _login(db, receptionist)
    with clock.freeze(NOW + timedelta(minutes=20)):
        _login(db, second)
        _login(db, receptionist)  # logging in again changes nothing
        _login(db, supervisor)  # supervisors do not open or join shifts
        _login(db, second, desk="前台2")  # another desk has its own shift
    with db.read() as session:
        shift = shifts.current_shift(session, desk=DESK)
        assert shift.opened_at == NOW and shift.opened_by == receptionist.id
        assert [s.name for s in shifts.members(session, shift.id)] == ["张前台", "刘前台"]
        other = shifts.current_shift(session, desk="前台2")
        assert other.id != shift.id
        assert len(session.exec(select(Shift)).all()) == 2
        assert shifts.contact_count(session, shift.id) == 0


def test_handover_summary_counts_and_open_items(db, receptionist, second, site):
    with clock.freeze(NOW - timedelta(days=1)):  # before the shift: not counted, still open
        _log(db, receptionist, kind=ContactKind.MESSAGE, status=ContactStatus.PENDING,
             content="昨天的留言未回复")
    with clock.freeze(NOW):
        _login(db, receptionist)
    with clock.freeze(NOW + timedelta(hours=1)):
        _log(db, receptionist)
        _log(db, receptionist)
        _log(db, receptionist, kind=ContactKind.HELP, status=ContactStatus.PENDING,
             content="借轮椅未归还")
        repair = _log(db, receptionist, kind=ContactKind.REPAIR, unit_id=site.unit_a,
                      content="卫生间漏水", status=ContactStatus.PENDING)
        with db.write() as session:
            order = wo.create_work_order(session, by=receptionist, contact_id=repair.id,
                                         data=WorkOrderCreate(WorkOrderCategory.WATER,
                                                              WorkOrderUrgency.URGENT, "卫生间漏水"))
    with db.read() as session:  # the four of this shift, not yesterday's message
        assert shifts.contact_count(session, shifts.current_shift(session, desk=DESK).id) == 4
    end = NOW + timedelta(hours=8)
    with clock.freeze(end), db.write() as session:
        shift = shifts.current_shift(session, desk=DESK)
        handover = shifts.write_handover(session, by=receptionist, shift_id=shift.id,
                                         notes="3号楼电梯有异响，已报工程部")
    with db.read() as session:
        view = shifts.get_handover(session, handover.id)
        assert shifts.current_shift(session, desk=DESK) is None  # the shift is closed
    summary = view.summary
    assert summary.contacts == 4 and summary.contacts_pending == 1
    assert summary.contacts_by_kind == {"enquiry": 2, "help": 1, "repair": 1}
    assert summary.workorders_opened == 1 and summary.workorders_completed == 0
    assert summary.staff == ["张前台"] and view.writer == "张前台"
    sections = dict(summary.sections())
    pending = [i.label for i in sections["reception.section.contacts"]]
    assert len(pending) == 2 and any("昨天的留言" in p for p in pending)
    assert any("借轮椅" in p for p in pending)
    (item,) = sections["reception.section.workorders"]
    assert item.ref == hooks.RecordRef("workorder", order.id) and item.overdue  # 4 h limit
    assert view.handover.period_start == NOW and view.handover.period_end == end
    assert view.handover.notes == "3号楼电梯有异响，已报工程部"
    # the next login opens the next shift
    with clock.freeze(end + timedelta(minutes=5)):
        _login(db, second)
    with db.read() as session:
        assert shifts.current_shift(session, desk=DESK).opened_by == second.id


def test_other_areas_open_items_appear(db, receptionist):
    def parcels(session, ctx):
        return [hooks.OpenItem("test.parcels", "快递 3-1-1201 待取", hooks.RecordRef("parcel", 9))]

    hooks.open_items_provider(parcels)
    try:
        with clock.freeze(NOW):
            _login(db, receptionist)
        with clock.freeze(NOW + timedelta(hours=1)), db.write() as session:
            shift = shifts.current_shift(session, desk=DESK)
            handover = shifts.write_handover(session, by=receptionist, shift_id=shift.id, notes="")
        with db.read() as session:
            items = shifts.get_handover(session, handover.id).summary.items
    finally:
        hooks._open_items_providers[:] = [p for p in hooks._open_items_providers
                                          if p[2] is not parcels]
    assert [(i.label, i.kind, i.id) for i in items if i.section == "test.parcels"] == [
        ("快递 3-1-1201 待取", "parcel", 9)]


def test_handover_sections_come_in_a_fixed_order_whatever_was_imported_first(
        db, receptionist):
    """The reception's own items first, the cash summary last — not in import order."""
    first: list[str] = []

    def early(session, ctx):
        return [hooks.OpenItem("test.first", "x")]

    def late(session, ctx):
        return [hooks.OpenItem("test.last", "y")]

    hooks.open_items_provider(late, order=1000)  # registered first, listed last
    hooks.open_items_provider(early, order=1)
    try:
        with db.read() as session:
            items = hooks.open_items(session, hooks.HandoverContext(
                start=NOW - timedelta(hours=1), end=NOW))
        first = list(dict.fromkeys(i.section for i in items))
    finally:
        hooks._open_items_providers[:] = [p for p in hooks._open_items_providers
                                          if p[2] not in (early, late)]
    assert first[0] == "test.first" and first[-1] == "test.last"
    assert first.index("handover.section.cash") == len(first) - 2  # cash after the areas


def _written(db, receptionist):
    with clock.freeze(NOW):
        _login(db, receptionist)
        _log(db, receptionist)
    with clock.freeze(NOW + timedelta(hours=8)), db.write() as session:
        shift = shifts.current_shift(session, desk=DESK)
        return shifts.write_handover(session, by=receptionist, shift_id=shift.id, notes="正常")


def test_confirmation_by_the_incoming_staff_makes_it_read_only(db, receptionist, second):
    handover = _written(db, receptionist)
    with db.write() as session, pytest.raises(Conflict) as err:
        shifts.confirm_handover(session, by=receptionist, handover_id=handover.id)
    assert err.value.key == "reception.handover.same_staff"
    with db.write() as session, pytest.raises(PermissionDenied):
        shifts.confirm_handover(session, by=second, handover_id=handover.id, password="wrong")
    with db.read() as session:
        assert shifts.pending_handover(session, desk=DESK).id == handover.id
    # until confirmed the writer may write it again
    with clock.freeze(NOW + timedelta(hours=8, minutes=5)), db.write() as session:
        again = shifts.write_handover(session, by=receptionist, shift_id=handover.shift_id,
                                      notes="正常；补充：前台打印机缺纸")
        assert again.id == handover.id and again.period_end == NOW + timedelta(hours=8)
    with clock.freeze(NOW + timedelta(hours=8, minutes=10)), db.write() as session:
        done = shifts.confirm_handover(session, by=second, handover_id=handover.id,
                                       password=PASSWORD)
        assert done.status == HandoverStatus.CONFIRMED and done.confirmed_by == second.id
        # the confirmer takes the desk over: the next shift is theirs
        nxt = shifts.current_shift(session, desk=DESK)
        assert nxt.id != handover.shift_id and nxt.opened_by == second.id
    with db.write() as session, pytest.raises(Conflict):
        shifts.write_handover(session, by=receptionist, shift_id=handover.shift_id, notes="改")
    with db.write() as session, pytest.raises(InvalidTransition):
        shifts.confirm_handover(session, by=second, handover_id=handover.id)
    with db.read() as session:
        view = shifts.get_handover(session, handover.id)
        assert view.handover.notes == "正常；补充：前台打印机缺纸" and view.confirmer == "刘前台"
        assert shifts.pending_handover(session, desk=DESK) is None


def test_only_members_write_and_notes_are_checked(db, receptionist, second):
    with clock.freeze(NOW):
        _login(db, receptionist)
    with db.write() as session:
        shift = shifts.current_shift(session, desk=DESK)
    with db.write() as session, pytest.raises(PermissionDenied):
        shifts.write_handover(session, by=second, shift_id=shift.id, notes="")
    with db.write() as session, pytest.raises(ValidationError) as err:
        shifts.write_handover(session, by=receptionist, shift_id=shift.id, notes="x" * 2001)
    assert err.value.field == "notes"
    with db.read() as session:
        assert shifts.current_shift(session, desk=DESK) is not None  # still open


def test_contacts_join_the_shift_of_their_desk(db, receptionist, second):
    with clock.freeze(NOW):
        _login(db, receptionist)
        c = _log(db, receptionist)
        with db.write() as session:
            other = contacts.log_contact(session, by=second, desk="前台2", data=ContactCreate(
                channel=ContactChannel.WALK_IN, kind=ContactKind.ENQUIRY, content="问路",
                person_name="访客"))
    with db.read() as session:
        shift = shifts.current_shift(session, desk=DESK)
        second_desk = shifts.current_shift(session, desk="前台2")
    assert c.shift_id == shift.id
    # nobody had logged in at 前台2: logging a contact there opened its shift
    assert other.shift_id == second_desk.id and second_desk.opened_by == second.id


def test_handover_log_filters_by_staff(db, receptionist, second, supervisor):
    handover = _written(db, receptionist)
    with db.write() as session:
        shifts.confirm_handover(session, by=second, handover_id=handover.id)
    source = shifts.HandoverSource(staff=[(receptionist.id, "张前台"), (second.id, "刘前台")])
    with db.read() as session:
        for sid, expected in ((receptionist.id, 1), (second.id, 1), (supervisor.id, 0)):
            query = ListQuery(filters={"staff": str(sid)})
            assert source.count(session, query) == expected
        row = source.fetch(session, ListQuery(), 0, 10)[0]
    assert row.cells[3:6] == ("张前台", "刘前台", "已确认") and row.cells[6] == "1"


def test_incoming_staff_who_joined_early_continues_in_a_new_shift(db, receptionist, second):
    with clock.freeze(NOW):
        _login(db, receptionist)
    with clock.freeze(NOW + timedelta(hours=7, minutes=50)):
        _login(db, second)  # arrives early: joins the day shift
    with clock.freeze(NOW + timedelta(hours=8)), db.write() as session:
        day = shifts.current_shift(session, desk=DESK)
        handover = shifts.write_handover(session, by=receptionist, shift_id=day.id, notes="")
    with clock.freeze(NOW + timedelta(hours=8, minutes=5)):
        with db.write() as session:
            shifts.confirm_handover(session, by=second, handover_id=handover.id)
        evening_contact = _log(db, second)
    with db.read() as session:
        evening = shifts.current_shift(session, desk=DESK)
    assert evening.id != day.id and evening.opened_by == second.id
    assert evening_contact.shift_id == evening.id


def test_a_number_in_a_pending_contact_or_the_notes_never_shows_in_full(db, receptionist):
    """Handover items quote the contact's content and the notes are typed freely: the
    stored summary, the viewer's text and the CLI print them masked."""
    from deskapp.cli.reception import render_handover
    from deskapp.masking import mask_text

    with clock.freeze(NOW):
        _login(db, receptionist)
        with db.write() as session:
            contacts.log_contact(session, by=receptionist, desk=DESK, data=ContactCreate(
                ContactChannel.PHONE, ContactKind.HELP, "业主借梯子，回电 13912345678",
                person_name="王先生", status=ContactStatus.PENDING))
    with clock.freeze(NOW + timedelta(hours=1)), db.write() as session:
        shift = shifts.current_shift(session, desk=DESK)
        handover = shifts.write_handover(session, by=receptionist, shift_id=shift.id,
                                         notes="梯子未还，业主电话 13912345678")
    with db.read() as session:
        view = shifts.get_handover(session, handover.id)
    labels = [i.label for i in view.summary.items]
    assert any("139****5678" in label for label in labels), labels
    printed = render_handover(view)
    assert "13912345678" not in printed and "139****5678" in printed
    assert view.handover.notes.endswith("13912345678")  # kept as typed; shown masked
    assert mask_text(view.handover.notes) != view.handover.notes


def test_figures_count_the_shifts_own_contacts_not_earlier_days_attached(db, receptionist):
    """#21.3: fee reminders dated on earlier days, recorded during today's shift, are tied
    to the shift but are not its own work: the figures and the desk's shift line show what
    the shift's list shows."""
    with clock.freeze(NOW):
        _login(db, receptionist)
    with clock.freeze(NOW + timedelta(hours=1)):
        for _ in range(2):
            _log(db, receptionist)
        for days in (1, 3, 5):
            with db.write() as session:
                contacts.log_contact(session, by=receptionist, desk=DESK, data=ContactCreate(
                    channel=ContactChannel.PHONE, kind=ContactKind.FEE_REMINDER,
                    content="催缴物业费", person_name="业主",
                    at=NOW - timedelta(days=days)))
        with db.write() as session:  # one reminder made today counts
            contacts.log_contact(session, by=receptionist, desk=DESK, data=ContactCreate(
                channel=ContactChannel.PHONE, kind=ContactKind.FEE_REMINDER,
                content="催缴物业费", person_name="业主"))
        with db.read() as session:
            shift = shifts.current_shift(session, desk=DESK)
            assert shifts.shift_contact_count(session, shift) == 3
            summary = shifts.preview_handover(session, by=receptionist, shift_id=shift.id)
    assert summary.contacts == 3
    assert summary.contacts_by_kind == {"enquiry": 2, "fee_reminder": 1}


def test_only_someone_on_the_shift_may_write_its_handover(db, receptionist, second, supervisor):
    """#21.3: a supervisor (never on a shift) or a receptionist who was not on it cannot
    write the desk's handover, nor preview it."""
    with clock.freeze(NOW):
        _login(db, receptionist)
    with clock.freeze(NOW + timedelta(hours=1)):
        with db.read() as session:
            shift = shifts.current_shift(session, desk=DESK)
            assert shifts.may_write_handover(session, by=receptionist, shift_id=shift.id)
            assert not shifts.may_write_handover(session, by=supervisor, shift_id=shift.id)
            assert not shifts.may_write_handover(session, by=second, shift_id=shift.id)
        for outsider in (supervisor, second):
            for call in (shifts.write_handover, shifts.preview_handover):
                kw = {"notes": ""} if call is shifts.write_handover else {}
                with pytest.raises(PermissionDenied), db.write() as session:
                    call(session, by=outsider, shift_id=shift.id, **kw)
        with db.read() as session:
            assert shifts.current_shift(session, desk=DESK) is not None  # still open
            assert shifts.pending_handover(session, desk=DESK) is None


def test_a_supervisor_marks_a_handover_read_with_who_and_when(db, receptionist, supervisor):
    """#14.8: 已阅 on the handover log — who and when; only a supervisor marks it."""
    with clock.freeze(NOW):
        _login(db, receptionist)
    with clock.freeze(NOW + timedelta(hours=1)), db.write() as session:
        shift = shifts.current_shift(session, desk=DESK)
        handover = shifts.write_handover(session, by=receptionist, shift_id=shift.id, notes="")
    with pytest.raises(PermissionDenied), db.write() as session:
        shifts.mark_handover_read(session, by=receptionist, handover_id=handover.id)
    at = NOW + timedelta(hours=2)
    with clock.freeze(at), db.write() as session:
        shifts.mark_handover_read(session, by=supervisor, handover_id=handover.id)
    with db.read() as session:
        view = shifts.get_handover(session, handover.id)
        rows = shifts.HandoverSource().fetch(session, ListQuery(), 0, 10)
    assert (view.handover.reviewed_by, view.handover.reviewed_at) == (supervisor.id, at)
    assert view.reviewer == supervisor.name
    assert view.handover.status == HandoverStatus.WRITTEN  # the handover itself is untouched
    assert f"{supervisor.name} 11-30 10:00" == rows[0].cells[-1]
