"""Complaint service: registration, the whole state machine (every allowed and refused
step), ownership, escalation, deadlines across midnight / month ends / DST, amendments,
handover items and the list source."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from deskapp import clock
from deskapp.db.models import AuditEntry, Role
from deskapp.db.models.complaints import (
    Complaint,
    ComplaintEvent,
    ComplaintState,
    ContactChannel,
    EscalationTarget,
    EventKind,
    ServiceVisit,
)
from deskapp.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from deskapp.services import audit, hooks, units
from deskapp.services import staff as staff_svc
from deskapp.services.complaints import deadlines, intake, labels, overdue, queries, workflow
from deskapp.services.listing import ListQuery
from tests.conftest import PASSWORD

NOW = datetime(2026, 11, 30, 10, 0, 0)


@pytest.fixture
def unit_id(db, supervisor):
    with db.write() as s:
        b = units.get_or_create_building(s, code="3", floors=18)
        u = units.create_unit(s, building=b, entrance="1", floor=12, room="1201",
                              area=Decimal("89.36"))
        units.add_occupant(s, unit=u, name="张三", phone="13812345678")
        return u.id


@pytest.fixture
def other_specialist(db, supervisor):
    with db.write() as s:
        boss = staff_svc.get_by_login(s, "boss")
        return staff_svc.create_staff(s, by=boss, login="cs2", name="赵专员",
                                      role=Role.SPECIALIST, password=PASSWORD)


def data(**over) -> intake.ComplaintCreate:
    base = dict(complainant_name="张三", content="楼上装修噪音，晚上十点还在施工",
                channel=ContactChannel.PHONE, category_code="service",
                complainant_phone="138 1234 5678", request="要求停止夜间施工",
                target_department="security", heard=True, asked=True, recorded=True)
    base.update(over)
    return intake.ComplaintCreate(**base)


def register(db, by, **over) -> Complaint:
    with db.write() as s:
        return intake.create_complaint(s, by=by, data=data(**over))


def run(db, fn, **kw):
    with db.write() as s:
        return fn(s, **kw)


def walk_to(db, c, by, state: ComplaintState):
    """Drive a valid complaint along the happy path up to ``state``."""
    steps = [
        (ComplaintState.VALID, workflow.classify, {"valid": True}),
        (ComplaintState.INVESTIGATED, workflow.investigate, {"findings": "3-1-1301 装修队超时施工"}),
        (ComplaintState.ASSIGNED, workflow.fix_responsible,
         {"department": "security", "person": "王队长"}),
        (ComplaintState.SOLUTION, workflow.record_solution, {"solution": "通知装修队晚八点后停工"}),
        (ComplaintState.REPLIED, workflow.reply, {"method": "phone", "text": "已通知，今晚起停工"}),
        (ComplaintState.VISITED, workflow.record_return_visit, {"satisfied": True, "score": 5}),
        (ComplaintState.ARCHIVED, workflow.archive, {"summary": "处理及时"}),
    ]
    order = [ComplaintState.REGISTERED] + [target for target, _, _ in steps]
    for target, fn, kw in steps:
        if order.index(target) <= order.index(c.state):
            continue  # already past this step
        c = run(db, fn, by=by, complaint_id=c.id, **kw)
        if isinstance(c, ServiceVisit):
            with db.read() as s:
                c = queries.get_complaint(s, c.complaint_id)
        if target == state:
            break
    with db.read() as s:
        return queries.get_complaint(s, c.id)


# --------------------------------------------------------------------------- registration


def test_register_numbers_gap_free_and_records_owner_and_timeline(db, receptionist, specialist,
                                                                 frozen_now, unit_id):
    a = register(db, receptionist, owner_id=specialist.id, unit_id=unit_id, floor="")
    b = register(db, specialist)
    assert (a.number, b.number) == ("TS2026-0001", "TS2026-0002")
    assert a.owner_id == specialist.id and a.received_by_id == receptionist.id
    assert b.owner_id == specialist.id  # a specialist registering handles it
    assert a.unit_code == "3-1-1201" and a.floor == "12"
    assert a.complainant_phone == "13812345678" and a.phone_tail == "5678"
    assert a.state == ComplaintState.REGISTERED
    # service category: 24 h to first response, 72 h to close
    assert a.first_response_due == datetime(2026, 12, 1, 10, 0)
    assert a.close_due == datetime(2026, 12, 3, 10, 0)
    with db.read() as s:
        line = queries.timeline(s, a.id)
        assert [e.kind for e in line] == [EventKind.REGISTERED]
        assert "李专员" in line[0].text and line[0].who == "张前台"
        entries = audit.entries_for(s, entity="complaint", entity_id=a.id)
        assert entries[0].action == "complaint.registered"
        assert "13812345678" not in entries[0].detail  # masked in the audit log


def test_numbering_restarts_each_year(db, specialist):
    with clock.freeze(datetime(2026, 12, 31, 23, 59)):
        assert register(db, specialist).number == "TS2026-0001"
    with clock.freeze(datetime(2027, 1, 1, 0, 1)):
        assert register(db, specialist).number == "TS2027-0001"


def test_failed_registration_uses_no_number(db, specialist, frozen_now):
    with pytest.raises(ValidationError):
        register(db, specialist, complainant_name="")
    assert register(db, specialist).number == "TS2026-0001"


@pytest.mark.parametrize(("over", "field", "key"), [
    ({"complainant_name": "  "}, "complainant_name", "validate.text.required"),
    ({"content": ""}, "content", "validate.text.required"),
    ({"content": "x" * 2001}, "content", "validate.text.too_long"),
    ({"complainant_phone": "12345"}, "complainant_phone", "validate.phone.invalid"),
    ({"complainant_phone": ""}, "complainant_phone", "complaints.phone.required"),
    ({"category_code": "nonsense"}, "category", "complaints.category.unknown"),
    ({"category_code": ""}, "category", "complaints.category.unknown"),
    ({"channel": "pigeon"}, "channel", "complaints.channel.invalid"),
    ({"asked": False}, "five_clears", "complaints.five_clears.required"),
    ({"received_at": NOW + timedelta(hours=1)}, "received_at", "complaints.time.future"),
    ({"received_at": NOW - timedelta(days=40)}, "received_at", "complaints.time.too_old"),
    ({"unit_id": 999999}, "unit", "unit.not_found"),
    ({"escalate_to": "mayor"}, "escalate_to", "complaints.escalate.target_invalid"),
])
def test_bad_registration_is_refused_at_the_field_and_saves_nothing(db, specialist, frozen_now,
                                                                   over, field, key):
    with pytest.raises(ValidationError) as err:
        register(db, specialist, **over)
    assert err.value.field == field and err.value.key == key
    with db.read() as s:
        assert s.exec(select(Complaint)).first() is None


def test_phone_optional_for_letters_and_known_units(db, specialist, frozen_now, unit_id):
    assert register(db, specialist, complainant_phone="", channel="letter").complainant_phone == ""
    assert register(db, specialist, complainant_phone="", unit_id=unit_id).unit_id == unit_id


def test_receptionist_must_name_a_handler(db, receptionist, specialist, frozen_now):
    with pytest.raises(ValidationError) as err:
        register(db, receptionist)
    assert err.value.field == "owner"
    with pytest.raises(ValidationError) as err:
        register(db, receptionist, owner_id=receptionist.id)  # not a handler
    assert err.value.key == "complaints.owner.invalid"


def test_major_complaint_is_escalated_at_once_to_whom_chosen(db, specialist, frozen_now):
    c = register(db, specialist, major=True, escalate_to="director")
    assert c.escalated_to == EscalationTarget.DIRECTOR and c.escalated_at == frozen_now
    with db.read() as s:
        kinds = [e.kind for e in queries.timeline(s, c.id)]
        assert kinds == [EventKind.REGISTERED, EventKind.ESCALATED]
        assert "服务中心总监" in queries.timeline(s, c.id)[1].text


# --------------------------------------------------------------------------- workflow


def test_happy_path_valid_complaint_to_archive(db, specialist, frozen_now):
    c = register(db, specialist)
    later = frozen_now + timedelta(hours=2, minutes=30)
    with clock.freeze(later):
        c = walk_to(db, c, specialist, ComplaintState.VALID)
    assert c.first_response_at == later and c.first_response_minutes == 150
    with clock.freeze(frozen_now + timedelta(days=2)):
        c = walk_to(db, c, specialist, ComplaintState.ARCHIVED)
    assert c.state == ComplaintState.ARCHIVED
    assert c.close_minutes == 2 * 1440 and c.closed_at == frozen_now + timedelta(days=2)
    assert c.satisfied is True and c.satisfaction == 5 and c.visited_at is not None
    with db.read() as s:
        events = queries.timeline(s, c.id)
        assert [e.kind for e in events] == [
            EventKind.REGISTERED, EventKind.CLASSIFIED, EventKind.INVESTIGATED,
            EventKind.RESPONSIBLE, EventKind.SOLUTION, EventKind.REPLIED,
            EventKind.RETURN_VISIT, EventKind.ARCHIVED]
        assert all(e.who == "李专员" for e in events)
        visits = s.exec(select(ServiceVisit).where(ServiceVisit.complaint_id == c.id)).all()
        assert len(visits) == 1 and visits[0].score == 5


def test_invalid_complaint_reply_with_reason_then_archive_without_visit(db, specialist,
                                                                       frozen_now):
    c = register(db, specialist)
    with pytest.raises(ValidationError) as err:  # an invalid judgement needs its reason
        run(db, workflow.classify, by=specialist, complaint_id=c.id, valid=False, reason=" ")
    assert err.value.field == "reason"
    run(db, workflow.classify, by=specialist, complaint_id=c.id, valid=False,
        reason="属市政道路施工，非物业服务范围")
    run(db, workflow.reply, by=specialist, complaint_id=c.id, method="phone",
        text="已婉转说明原因并提供街道办电话")
    with pytest.raises(InvalidTransition) as err:
        run(db, workflow.record_return_visit, by=specialist, complaint_id=c.id, satisfied=True,
            score=4)
    assert err.value.key == "complaints.visit.invalid_complaint"
    c = run(db, workflow.archive, by=specialist, complaint_id=c.id)
    assert c.state == ComplaintState.ARCHIVED and c.valid is False


def test_unsatisfied_return_visit_goes_back_to_handling(db, specialist, frozen_now):
    c = walk_to(db, register(db, specialist), specialist, ComplaintState.REPLIED)
    with pytest.raises(ValidationError) as err:  # not satisfied: say why
        run(db, workflow.record_return_visit, by=specialist, complaint_id=c.id, satisfied=False,
            score=2)
    assert err.value.field == "note"
    run(db, workflow.record_return_visit, by=specialist, complaint_id=c.id, satisfied=False, score=2,
        note="晚上仍有噪音")
    with db.read() as s:
        c = queries.get_complaint(s, c.id)
        assert c.state == ComplaintState.ASSIGNED and c.reopened == 1 and c.satisfied is False
        assert queries.next_step(c) == "solution"
    with pytest.raises(InvalidTransition):  # cannot archive: no satisfied visit
        run(db, workflow.archive, by=specialist, complaint_id=c.id)
    run(db, workflow.fix_responsible, by=specialist, complaint_id=c.id, department="engineering")
    run(db, workflow.record_solution, by=specialist, complaint_id=c.id, solution="加装隔音并派人巡查")
    run(db, workflow.reply, by=specialist, complaint_id=c.id, method="visit", text="上门说明")
    run(db, workflow.record_return_visit, by=specialist, complaint_id=c.id, satisfied=True, score=4)
    c = run(db, workflow.archive, by=specialist, complaint_id=c.id)
    assert c.state == ComplaintState.ARCHIVED and c.satisfaction == 4
    with db.read() as s:
        assert len(s.exec(select(ServiceVisit).where(ServiceVisit.complaint_id == c.id)).all()) == 2


ACTIONS = {
    "classify": (workflow.classify, {"valid": True}),
    "investigate": (workflow.investigate, {"findings": "原因"}),
    "responsible": (workflow.fix_responsible, {"department": "engineering"}),
    "solution": (workflow.record_solution, {"solution": "方案"}),
    "reply": (workflow.reply, {"method": "phone", "text": "答复"}),
    "visit": (workflow.record_return_visit, {"satisfied": True, "score": 5}),
    "archive": (workflow.archive, {}),
}
ALLOWED = {
    ComplaintState.REGISTERED: {"classify"},
    ComplaintState.VALID: {"investigate"},
    ComplaintState.INVESTIGATED: {"responsible"},
    ComplaintState.ASSIGNED: {"responsible", "solution"},
    ComplaintState.SOLUTION: {"reply"},
    ComplaintState.REPLIED: {"visit"},
    ComplaintState.VISITED: {"archive"},
    ComplaintState.ARCHIVED: set(),
}


@pytest.mark.parametrize("state", list(ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_state_machine_allows_exactly_the_next_step(db, specialist, frozen_now, state, action):
    c = register(db, specialist)
    if state != ComplaintState.REGISTERED:
        c = walk_to(db, c, specialist, state)
    fn, kw = ACTIONS[action]
    before = (c.state, c.updated_at)
    with db.read() as s:
        events_before = len(queries.timeline(s, c.id))
    why = workflow.why_not(c, action, by=specialist)  # what a refused key shows on screen
    if action in ALLOWED[state]:
        assert why is None
        run(db, fn, by=specialist, complaint_id=c.id, **kw)
        with db.read() as s:
            assert len(queries.timeline(s, c.id)) > events_before
        return
    with pytest.raises(InvalidTransition) as err:
        run(db, fn, by=specialist, complaint_id=c.id, **kw)
    assert why is not None and (why.key, str(why)) == (err.value.key, str(err.value))
    if state == ComplaintState.ARCHIVED:
        assert err.value.key == "complaints.archived"
    with db.read() as s:  # nothing changed
        again = queries.get_complaint(s, c.id)
        assert (again.state, again.updated_at) == before
        assert len(queries.timeline(s, c.id)) == events_before


def test_why_not_names_the_owner_and_the_role(db, receptionist, specialist, other_specialist,
                                              frozen_now):
    c = register(db, specialist)
    why = workflow.why_not(c, "classify", by=other_specialist, owner_name="李专员")
    assert why is not None and why.key == "complaints.not_owner" and "李专员" in str(why)
    assert workflow.why_not(c, "take_over", by=other_specialist) is None
    assert workflow.why_not(c, "take_over", by=specialist).key == "complaints.already_owner"
    assert workflow.why_not(c, "classify", by=receptionist) is not None
    assert workflow.why_not(c, "reassign", by=specialist) is not None
    assert workflow.why_not(c, "note", by=receptionist) is None


def test_refusals_say_what_is_wrong(db, specialist, frozen_now):
    c = walk_to(db, register(db, specialist), specialist, ComplaintState.INVESTIGATED)
    with pytest.raises(InvalidTransition) as err:
        run(db, workflow.reply, by=specialist, complaint_id=c.id, method="phone", text="x")
    assert err.value.key == "complaints.reply.no_responsible"
    assert "责任人" in str(err.value)
    c = walk_to(db, register(db, specialist), specialist, ComplaintState.VALID)
    with pytest.raises(InvalidTransition) as err:
        run(db, workflow.record_solution, by=specialist, complaint_id=c.id, solution="x")
    assert "调查分析" in str(err.value)  # names the next step
    c = walk_to(db, register(db, specialist), specialist, ComplaintState.REPLIED)
    with pytest.raises(InvalidTransition) as err:
        run(db, workflow.archive, by=specialist, complaint_id=c.id)
    assert err.value.key == "complaints.archive.no_visit"


def test_return_visit_score_must_fit_the_outcome(db, specialist, frozen_now):
    c = walk_to(db, register(db, specialist), specialist, ComplaintState.REPLIED)
    for satisfied, score in ((True, 1), (True, 2), (False, 4), (False, 5)):
        with pytest.raises(ValidationError) as err:
            run(db, workflow.record_return_visit, by=specialist, complaint_id=c.id,
                satisfied=satisfied, score=score, note="x")
        assert err.value.field == "score"
    for score in (0, 6):
        with pytest.raises(ValidationError):
            run(db, workflow.record_return_visit, by=specialist, complaint_id=c.id, satisfied=True,
                score=score)


def test_reply_method_and_text_are_checked(db, specialist, frozen_now):
    c = walk_to(db, register(db, specialist), specialist, ComplaintState.SOLUTION)
    with pytest.raises(ValidationError) as err:
        run(db, workflow.reply, by=specialist, complaint_id=c.id, method="fax", text="x")
    assert err.value.field == "method"
    with pytest.raises(ValidationError) as err:
        run(db, workflow.reply, by=specialist, complaint_id=c.id, method="phone", text="")
    assert err.value.field == "reply"


def test_category_change_at_classification_moves_the_deadlines(db, specialist, frozen_now):
    c = register(db, specialist)
    c = run(db, workflow.classify, by=specialist, complaint_id=c.id, valid=True,
            category_code="emergency")
    assert c.category_code == "emergency"
    assert c.first_response_due == frozen_now + timedelta(hours=1)
    assert c.close_due == frozen_now + timedelta(hours=24)


# --------------------------------------------------------------------------- ownership, roles


def test_specialist_must_take_over_before_acting(db, specialist, other_specialist, frozen_now):
    c = register(db, specialist)
    with pytest.raises(PermissionDenied) as err:
        run(db, workflow.classify, by=other_specialist, complaint_id=c.id, valid=True)
    assert "李专员" in str(err.value)
    run(db, workflow.take_over, by=other_specialist, complaint_id=c.id, note="李专员休假")
    c = run(db, workflow.classify, by=other_specialist, complaint_id=c.id, valid=True)
    assert c.owner_id == other_specialist.id
    with pytest.raises(PermissionDenied):  # the old owner no longer may
        run(db, workflow.investigate, by=specialist, complaint_id=c.id, findings="x")
    with pytest.raises(Conflict):
        run(db, workflow.take_over, by=other_specialist, complaint_id=c.id)


def test_receptionist_registers_but_does_not_handle(db, receptionist, specialist, frozen_now):
    c = register(db, receptionist, owner_id=specialist.id)
    for fn, kw in ACTIONS.values():
        with pytest.raises(PermissionDenied):
            run(db, fn, by=receptionist, complaint_id=c.id, **kw)
    with pytest.raises(PermissionDenied):
        run(db, workflow.take_over, by=receptionist, complaint_id=c.id)
    with pytest.raises(PermissionDenied):
        run(db, workflow.reassign, by=receptionist, complaint_id=c.id, owner_id=specialist.id)
    run(db, workflow.add_note, by=receptionist, complaint_id=c.id, note="业主来电询问进度")  # allowed


def test_supervisor_reassigns_and_may_act_on_any(db, supervisor, specialist, other_specialist,
                                                frozen_now):
    c = register(db, specialist)
    with pytest.raises(PermissionDenied):
        run(db, workflow.reassign, by=specialist, complaint_id=c.id, owner_id=other_specialist.id)
    c = run(db, workflow.reassign, by=supervisor, complaint_id=c.id, owner_id=other_specialist.id,
            note="专项处理")
    assert c.owner_id == other_specialist.id
    with pytest.raises(Conflict):
        run(db, workflow.reassign, by=supervisor, complaint_id=c.id, owner_id=other_specialist.id)
    run(db, workflow.classify, by=supervisor, complaint_id=c.id, valid=True)
    with db.read() as s:
        assert "赵专员" in queries.timeline(s, c.id)[1].text


def test_escalation_rules(db, supervisor, specialist, frozen_now):
    c = register(db, specialist)
    with pytest.raises(PermissionDenied):  # not major: a specialist goes to the supervisor
        run(db, workflow.escalate, by=specialist, complaint_id=c.id, to="director", reason="业主情绪激动")
    with pytest.raises(ValidationError):
        run(db, workflow.escalate, by=specialist, complaint_id=c.id, to="supervisor", reason="")
    c = run(db, workflow.escalate, by=specialist, complaint_id=c.id, to="supervisor", reason="难以处理")
    assert c.escalated_to == EscalationTarget.SUPERVISOR
    with pytest.raises(Conflict):
        run(db, workflow.escalate, by=specialist, complaint_id=c.id, to="supervisor", reason="再报")
    c = run(db, workflow.escalate, by=supervisor, complaint_id=c.id, to="director", reason="涉及开发商")
    assert c.escalated_to == EscalationTarget.DIRECTOR
    major = register(db, specialist, major=True)  # escalated to the supervisor at once
    major = run(db, workflow.escalate, by=specialist, complaint_id=major.id, to="director",
                reason="重大投诉")
    assert major.escalated_to == EscalationTarget.DIRECTOR


def test_amend_keeps_old_and_new_on_the_timeline(db, receptionist, specialist, frozen_now):
    c = register(db, receptionist, owner_id=specialist.id)
    with pytest.raises(ValidationError) as err:
        run(db, workflow.amend, by=receptionist, complaint_id=c.id,
            changes={"complainant_phone": "139"}, reason="听错")
    assert err.value.field == "complainant_phone"
    with pytest.raises(ValidationError) as err:
        run(db, workflow.amend, by=receptionist, complaint_id=c.id, changes={"state": "archived"},
            reason="x")
    assert err.value.key == "complaints.amend.field_invalid"
    c = run(db, workflow.amend, by=receptionist, complaint_id=c.id,
            changes={"complainant_phone": "13987654321", "place": "3号楼大堂"}, reason="电话听错")
    assert c.complainant_phone == "13987654321" and c.phone_tail == "4321"
    with db.read() as s:
        note = queries.timeline(s, c.id)[-1].note
    assert "138****5678 → 139****4321" in note and "电话听错" in note
    run(db, workflow.classify, by=specialist, complaint_id=c.id, valid=True)
    with pytest.raises(PermissionDenied):  # after classification only the owner amends
        run(db, workflow.amend, by=receptionist, complaint_id=c.id, changes={"place": "x"}, reason="y")


# --------------------------------------------------------------------------- deadlines


def test_deadlines_across_midnight_and_month_and_year_ends(db, specialist):
    cases = [
        # received, category → (first response due, close due)
        (datetime(2026, 11, 30, 23, 30), "emergency",
         datetime(2026, 12, 1, 0, 30), datetime(2026, 12, 1, 23, 30)),
        (datetime(2026, 2, 27, 18, 0), "service",
         datetime(2026, 2, 28, 18, 0), datetime(2026, 3, 2, 18, 0)),
        (datetime(2028, 2, 27, 18, 0), "service",  # leap year
         datetime(2028, 2, 28, 18, 0), datetime(2028, 3, 1, 18, 0)),
        (datetime(2026, 12, 31, 22, 0), "culture",
         datetime(2027, 1, 2, 22, 0), datetime(2027, 1, 7, 22, 0)),
    ]
    with db.read() as s:
        for received, cat, first, close in cases:
            assert deadlines.deadlines_for(s, category_code=cat, received_at=received) == (first, close)


def test_deadlines_overridden_by_settings(db, specialist, frozen_now):
    settings = {"complaints.first_response_hours.service": 2,
                "complaints.close_hours.service": "36"}
    with db.read() as s:
        first, close = deadlines.deadlines_for(s, category_code="service", received_at=frozen_now,
                                               settings=settings)
    assert (first, close) == (frozen_now + timedelta(hours=2), frozen_now + timedelta(hours=36))
    with db.write() as s:
        c = intake.create_complaint(s, by=specialist, data=data(), settings=settings)
    assert c.first_response_due == frozen_now + timedelta(hours=2)


def test_deadlines_count_elapsed_time_across_a_dst_change(db):
    clock.set_timezone("Europe/Berlin")
    try:
        with db.read() as s:
            # 2026-03-29 02:00 CET → 03:00 CEST: 24 h after Saturday 12:00 is Sunday 13:00
            first, _ = deadlines.deadlines_for(s, category_code="service",
                                               received_at=datetime(2026, 3, 28, 12, 0))
        assert first == datetime(2026, 3, 29, 13, 0)
        assert labels.elapsed_minutes(datetime(2026, 3, 28, 12, 0), datetime(2026, 3, 29, 13, 0)) \
            == 24 * 60
    finally:
        clock.set_timezone("Asia/Shanghai")


def test_supervisor_changes_category_hours_and_adds_a_category(db, supervisor, specialist,
                                                              frozen_now):
    with pytest.raises(PermissionDenied):
        run(db, deadlines.set_category_hours, by=specialist, code="fees", first_response_hours=4,
            close_hours=48)
    with pytest.raises(ValidationError):
        run(db, deadlines.set_category_hours, by=supervisor, code="fees", first_response_hours=48,
            close_hours=4)
    run(db, deadlines.set_category_hours, by=supervisor, code="fees", first_response_hours=4,
        close_hours=48)
    c = register(db, specialist, category_code="fees")
    assert c.first_response_due == frozen_now + timedelta(hours=4)
    run(db, deadlines.add_category, by=supervisor, code="parking", name="停车管理",
        first_response_hours=12, close_hours=48)
    with pytest.raises(Conflict):
        run(db, deadlines.add_category, by=supervisor, code="parking", name="停车",
            first_response_hours=12, close_hours=48)
    with pytest.raises(ValidationError):
        run(db, deadlines.add_category, by=supervisor, code="停车", name="停车",
            first_response_hours=12, close_hours=48)
    assert register(db, specialist, category_code="parking").category_code == "parking"
    assert labels.category_label("parking", {"parking": "停车管理"}) == "停车管理"


def test_overdue_is_flagged_and_escalated_once_by_the_system(db, specialist, frozen_now):
    late = register(db, specialist, category_code="emergency")  # 1 h to first response
    fine = register(db, specialist)
    major = register(db, specialist, category_code="emergency", major=True,
                     escalate_to="director")
    with clock.freeze(frozen_now + timedelta(hours=1, minutes=1)):
        with db.write() as s:
            found = overdue.escalate_overdue(s)
        assert {c.id for c in found} == {late.id, major.id}
        with db.write() as s:
            assert overdue.escalate_overdue(s) == []  # idempotent
            assert overdue.attention_counts(s) == (2, 2)  # overdue; escalated and open
        with db.read() as s:
            late = queries.get_complaint(s, late.id)
            assert late.escalated_to == EscalationTarget.SUPERVISOR
            assert late.overdue_at is not None
            assert queries.timeline(s, late.id)[-1].who == "系统"
            assert queries.get_complaint(s, major.id).escalated_to == EscalationTarget.DIRECTOR
            assert queries.get_complaint(s, fine.id).escalated_to is None
            ids = {r.id for r in queries.list_source(s).fetch(s, ListQuery({"flag": "overdue"}), 0,
                                                              50)}
            assert ids == {late.id, major.id}


def test_login_sweeps_overdue_complaints(db, specialist, frozen_now):
    c = register(db, specialist, category_code="emergency")
    with clock.freeze(frozen_now + timedelta(hours=3)):
        with db.write() as s:
            hooks.after_login(s, specialist, "前台1")
    with db.read() as s:
        assert queries.get_complaint(s, c.id).overdue_at is not None


def test_handover_lists_open_complaints_overdue_first(db, specialist, frozen_now):
    done = walk_to(db, register(db, specialist), specialist, ComplaintState.ARCHIVED)
    waiting = register(db, specialist)
    late = register(db, specialist, category_code="emergency")
    with clock.freeze(frozen_now + timedelta(hours=2)):
        with db.read() as s:
            items = [i for i in hooks.open_items(s, hooks.HandoverContext(
                start=frozen_now, end=frozen_now + timedelta(hours=8)))
                if i.section == "complaints.handover.section"]
    assert [i.ref.id for i in items] == [late.id, waiting.id]
    assert items[0].overdue and not items[1].overdue
    assert "判定有效/无效" in items[1].label and done.id not in {i.ref.id for i in items}


# --------------------------------------------------------------------------- list source


def test_list_source_filters_search_and_masks(db, specialist, other_specialist, frozen_now,
                                              unit_id):
    a = register(db, specialist, unit_id=unit_id, content="地下车库漏水严重")
    b = register(db, specialist, category_code="fees", complainant_name="李四",
                 complainant_phone="13900001111", content="物业费多收")
    run(db, workflow.reassign, by=staff_svc_boss(db), complaint_id=b.id, owner_id=other_specialist.id)
    walk_to(db, a, specialist, ComplaintState.ARCHIVED)
    with db.read() as s:
        src = queries.list_source(s)

        def ids(**filters):
            search = filters.pop("search", "")
            q = ListQuery(filters, search)
            assert src.count(s, q) == len(src.fetch(s, q, 0, 50))
            return [r.id for r in src.fetch(s, q, 0, 50)]

        assert ids() == [b.id, a.id]
        assert ids(state="open") == [b.id]
        assert ids(state="archived") == [a.id]
        assert ids(category="fees") == [b.id]
        assert ids(department="security") == [a.id]
        assert ids(owner=str(other_specialist.id)) == [b.id]
        assert ids(search="车库漏水") == [a.id]  # FTS (3+ characters)
        assert ids(search="漏水") == [a.id]  # LIKE (short term)
        assert ids(search="1111") == [b.id]  # phone tail
        assert ids(search="3-1-1201") == [a.id]
        assert ids(**{"from": frozen_now.date(), "to": frozen_now.date()}) == [b.id, a.id]
        assert ids(**{"from": (frozen_now + timedelta(days=1)).date()}) == []
        row = src.fetch(s, ListQuery({"state": "open"}), 0, 1)[0]
        assert "139****1111" in row.cells and "13900001111" not in row.cells


def staff_svc_boss(db):
    with db.read() as s:
        return staff_svc.get_by_login(s, "boss")


def test_every_action_is_audited(db, specialist, frozen_now):
    c = walk_to(db, register(db, specialist), specialist, ComplaintState.ARCHIVED)
    with db.read() as s:
        actions = [e.action for e in audit.entries_for(s, entity="complaint", entity_id=c.id)]
        events = s.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == c.id)).all()
        assert len(actions) == len(events) == 8
        assert audit.verify(s).ok
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "complaint.archived")).first()


def test_format_minutes():
    assert labels.format_minutes(None) == "—"
    assert labels.format_minutes(0) == "0分"
    assert labels.format_minutes(1530) == "1天1小时30分"
    assert labels.format_minutes(Decimal("90.5")) == "1小时31分"


# --------------------------------------------------------------------------- allowed actions


def test_allowed_actions_follow_role_owner_and_state(db, receptionist, supervisor, specialist,
                                                     other_specialist, frozen_now):
    c = register(db, specialist)
    mine = workflow.allowed_actions(c, specialist)
    assert mine == {"classify", "escalate", "note", "amend"}
    # another specialist must take it over first; a supervisor may act on any and take over
    assert workflow.allowed_actions(c, other_specialist) == {"take_over", "note"}
    assert workflow.allowed_actions(c, supervisor) == {"classify", "escalate", "note", "amend",
                                                  "take_over", "reassign"}
    assert workflow.allowed_actions(c, receptionist) == {"note"}
    mine_at_desk = register(db, receptionist, owner_id=specialist.id)
    assert workflow.allowed_actions(mine_at_desk, receptionist) == {"note", "amend"}  # the receiver
    c = walk_to(db, c, specialist, ComplaintState.ASSIGNED)
    assert {"solution", "responsible"} <= workflow.allowed_actions(c, specialist)
    c = run(db, workflow.escalate, by=specialist, complaint_id=c.id, to="supervisor", reason="难")
    assert "escalate" not in workflow.allowed_actions(c, specialist)  # not major: no further
    assert "escalate" in workflow.allowed_actions(c, supervisor)
    c = walk_to(db, c, specialist, ComplaintState.ARCHIVED)
    for who in (receptionist, specialist, supervisor):
        assert workflow.allowed_actions(c, who) == frozenset()


def test_allowed_actions_agree_with_the_workflow(db, supervisor, specialist, other_specialist,
                                                 frozen_now):
    """Every action offered works; every action refused by the service is not offered."""
    for who in (specialist, other_specialist, supervisor):
        c = register(db, specialist)
        offered = workflow.allowed_actions(c, who)
        attempts = {
            "classify": (workflow.classify, {"valid": True}),
            "take_over": (workflow.take_over, {}),
            "reassign": (workflow.reassign, {"owner_id": other_specialist.id}),
            "escalate": (workflow.escalate, {"to": "supervisor", "reason": "难"}),
            "note": (workflow.add_note, {"note": "来电"}),
            "amend": (workflow.amend, {"changes": {"place": "大堂"}, "reason": "听错"}),
        }
        for action, (fn, kw) in attempts.items():
            fresh = register(db, specialist)
            try:
                run(db, fn, by=who, complaint_id=fresh.id, **kw)
                worked = True
            except (PermissionDenied, Conflict):
                worked = False
            assert worked == (action in offered), (who.login, action)
