"""Every "not earlier than" rule compares at the minute (issue #14.7): stored times carry
seconds, typed and default times do not, so a step in the same minute as the one it follows
is accepted, and a step in an earlier minute is still refused."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from deskapp import clock
from deskapp.db.models.reception import WorkOrderCategory, WorkOrderUrgency
from deskapp.errors import ValidationError
from deskapp.services.reception import workorders as wo
from deskapp.services.reception.workorders import WorkOrderCreate
from deskapp.services.registers.common import due_time
from tests.unit.test_complaints import register
from tests.unit.test_reception_common import make_site

OPENED = datetime(2026, 11, 30, 10, 5, 37)  # a stored time: it has seconds


def test_earlier_than_compares_minutes():
    assert not clock.earlier_than(datetime(2026, 11, 30, 10, 5), OPENED)
    assert clock.earlier_than(datetime(2026, 11, 30, 10, 4, 59), OPENED)
    assert clock.to_minute(OPENED) == datetime(2026, 11, 30, 10, 5)


def _order(db, by):
    site = make_site(db)
    with clock.freeze(OPENED), db.write() as s:
        return wo.create_work_order(s, by=by, contact_id=None, data=WorkOrderCreate(
            category=WorkOrderCategory.WATER, urgency=WorkOrderUrgency.NORMAL,
            description="厨房水管漏水", unit_id=site.unit_a))


def test_dispatch_complete_visit_in_the_minute_of_the_step_before(db, receptionist):
    order = _order(db, receptionist)
    minute = datetime(2026, 11, 30, 10, 5)  # what the form proposes: cut to the minute
    with clock.freeze(OPENED + timedelta(seconds=10)):
        with db.write() as s:
            done = wo.dispatch_work_order(s, by=receptionist, work_order_id=order.id,
                                          assignee="王师傅", at=minute)
        assert done.dispatched_at == OPENED  # never stored before the opening
        with db.write() as s:
            done = wo.complete_work_order(s, by=receptionist, work_order_id=order.id,
                                          result="已更换阀门", at=minute)
        assert done.completed_at == OPENED
        with db.write() as s:
            done = wo.record_return_visit(s, by=receptionist, work_order_id=order.id,
                                          satisfaction=5, at=minute)
        assert done.visited_at == OPENED


@pytest.mark.parametrize("step", ["dispatch", "complete", "visit"])
def test_a_step_in_an_earlier_minute_is_still_refused(db, receptionist, step):
    order = _order(db, receptionist)
    minute = datetime(2026, 11, 30, 10, 5)
    before = datetime(2026, 11, 30, 10, 4)
    keys = {"dispatch": "reception.workorder.dispatch_before_create",
            "complete": "reception.workorder.complete_before_dispatch",
            "visit": "reception.workorder.visit_before_complete"}
    with clock.freeze(OPENED + timedelta(seconds=10)):
        calls = [
            lambda s, at: wo.dispatch_work_order(s, by=receptionist, work_order_id=order.id,
                                                 assignee="王师傅", at=at),
            lambda s, at: wo.complete_work_order(s, by=receptionist, work_order_id=order.id,
                                                 result="已更换阀门", at=at),
            lambda s, at: wo.record_return_visit(s, by=receptionist, work_order_id=order.id,
                                                 satisfaction=5, at=at),
        ]
        upto = ["dispatch", "complete", "visit"].index(step)
        for call in calls[:upto]:
            with db.write() as s:
                call(s, minute)
        with pytest.raises(ValidationError) as err, db.write() as s:
            calls[upto](s, before)
    assert err.value.key == keys[step]


def test_due_time_in_the_current_minute_is_not_in_the_past():
    now = datetime(2026, 11, 30, 10, 0, 30)
    assert due_time("2026-11-30 10:00", field="due", now=now) == datetime(2026, 11, 30, 10, 0)
    with pytest.raises(ValidationError) as err:
        due_time("2026-11-30 09:59", field="due", now=now)
    assert err.value.key == "registers.due.past"


def test_complaint_backdated_to_the_limit_minute_is_accepted(db, specialist):
    now = datetime(2026, 11, 30, 10, 0, 45)
    limit = datetime(2026, 10, 30, 10, 0)  # 31 days before, typed to the minute
    with clock.freeze(now):
        assert register(db, specialist, received_at=limit).received_at == limit
        with pytest.raises(ValidationError) as err:
            register(db, specialist, received_at=limit - timedelta(minutes=1))
    assert err.value.key == "complaints.time.too_old"
