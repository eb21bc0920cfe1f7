"""Return visits and opinions (SPEC §5): ratings, opinions answered / turned into complaints
/ handed to a department until the rectification result comes back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from deskapp.db.models.complaints import (
    ComplaintState,
    OpinionHandling,
    ServiceVisit,
    VisitKind,
    VisitOpinion,
)
from deskapp.errors import Conflict, PermissionDenied, ValidationError
from deskapp.services import hooks, units
from deskapp.services.complaints import visits as vs
from deskapp.services.listing import ListQuery


@pytest.fixture
def unit_id(db, supervisor):
    with db.write() as s:
        b = units.get_or_create_building(s, code="5", floors=21)
        u = units.create_unit(s, building=b, entrance="2", floor=8, room="802",
                              area=Decimal("96.12"))
        return u.id


def visit(**over) -> vs.VisitCreate:
    base = dict(kind="walkaround", person_name="周女士", phone="13711112222",
                ratings={"security": 4, "cleaning": 2, "overall": 4},
                opinions=[
                    vs.OpinionCreate("cleaning", "楼道垃圾清运不及时", "department",
                                     department="environment"),
                    vs.OpinionCreate("fees", "特约服务收费标准在哪里看", "answered",
                                     answer="已告知前台公示栏和应知应会"),
                    vs.OpinionCreate("security", "夜间外来车辆随意进出", "complaint"),
                ])
    base.update(over)
    return vs.VisitCreate(**base)


def test_record_visit_with_ratings_and_opinions(db, receptionist, unit_id, frozen_now):
    with db.write() as s:
        v = vs.record_visit(s, by=receptionist, data=visit(unit_id=unit_id))
    with db.read() as s:
        v = s.get(ServiceVisit, v.id)
        assert (v.kind, v.unit_code, v.security, v.cleaning, v.overall, v.fees) == (
            VisitKind.WALKAROUND, "5-2-802", 4, 2, 4, None)
        ops = vs.opinions_of(s, v.id)
        assert [o.handling for o in ops] == [OpinionHandling.DEPARTMENT,
                                             OpinionHandling.ANSWERED, OpinionHandling.COMPLAINT]
        assert ops[0].handed_at == frozen_now and ops[1].answer
        rows = vs.VisitSource().fetch(s, ListQuery({"kind": "walkaround"}), 0, 10)
        assert rows[0].id == v.id and "137****2222" in rows[0].cells


@pytest.mark.parametrize(("over", "field"), [
    ({"person_name": ""}, "person_name"),
    ({"kind": "complaint"}, "kind"),
    ({"phone": "123"}, "phone"),
    ({"ratings": {"security": 6}}, "rating_security"),
    ({"ratings": {"weather": 3}}, "ratings"),
    ({"ratings": {}, "opinions": []}, "opinions"),
    ({"opinions": [vs.OpinionCreate("cleaning", "x", "answered")]}, "answer_0"),
    ({"opinions": [vs.OpinionCreate("cleaning", "x", "department")]}, "department_0"),
    ({"opinions": [vs.OpinionCreate("cleaning", "", "complaint")]}, "text_0"),
    ({"unit_id": 99999}, "unit"),
])
def test_bad_visit_is_refused_and_saves_nothing(db, receptionist, frozen_now, over, field):
    with pytest.raises(ValidationError) as err, db.write() as s:
        vs.record_visit(s, by=receptionist, data=visit(**over))
    assert err.value.field == field
    with db.read() as s:
        assert s.exec(select(ServiceVisit)).first() is None
        assert s.exec(select(VisitOpinion)).first() is None


def test_opinion_becomes_a_complaint_once(db, specialist, unit_id, frozen_now):
    with db.write() as s:
        v = vs.record_visit(s, by=specialist, data=visit(unit_id=unit_id))
    with db.read() as s:
        answered, complaint_op = vs.opinions_of(s, v.id)[1:]
    with pytest.raises(Conflict), db.write() as s:
        vs.opinion_to_complaint(s, by=specialist, opinion_id=answered.id, category_code="fees")
    with db.write() as s:
        c = vs.opinion_to_complaint(s, by=specialist, opinion_id=complaint_op.id,
                                    category_code="service")
    assert c.state == ComplaintState.REGISTERED and c.unit_code == "5-2-802"
    assert c.content == "夜间外来车辆随意进出" and c.owner_id == specialist.id
    assert c.visit_opinion_id == complaint_op.id
    with pytest.raises(Conflict), db.write() as s:
        vs.opinion_to_complaint(s, by=specialist, opinion_id=complaint_op.id,
                                category_code="service")


def test_department_problem_waits_for_rectification(db, receptionist, frozen_now):
    with db.write() as s:
        v = vs.record_visit(s, by=receptionist, data=visit())
    with db.read() as s:
        problem, answered, _ = vs.opinions_of(s, v.id)
        items = [i for i in hooks.open_items(s, hooks.HandoverContext(frozen_now, frozen_now))
                 if i.section == "complaints.handover.rectification"]
    assert len(items) == 1 and "环境部" in items[0].label
    with pytest.raises(Conflict), db.write() as s:
        vs.record_rectification(s, by=receptionist, opinion_id=answered.id, result="x")
    with pytest.raises(ValidationError), db.write() as s:
        vs.record_rectification(s, by=receptionist, opinion_id=problem.id, result=" ")
    with db.write() as s:
        vs.record_rectification(s, by=receptionist, opinion_id=problem.id,
                                result="已增加一次下午清运")
    with pytest.raises(Conflict), db.write() as s:
        vs.record_rectification(s, by=receptionist, opinion_id=problem.id, result="again")
    with db.read() as s:
        assert vs.waiting_rectification(s) == []


def test_inactive_staff_cannot_record(db, receptionist, frozen_now):
    receptionist.active = False
    with pytest.raises(PermissionDenied), db.write() as s:
        vs.record_visit(s, by=receptionist, data=visit())
