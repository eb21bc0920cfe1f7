"""Work orders: numbering (also under two concurrent writer processes), the forward-only
state machine, the return-visit rule, impossible times, overdue, the lists."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import func, select

from deskapp import clock
from deskapp.config import Settings
from deskapp.db.engine import Database
from deskapp.db.models.reception import (
    Contact,
    ContactChannel,
    ContactKind,
    ContactStatus,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderStatus,
    WorkOrderUrgency,
)
from deskapp.errors import Conflict, InvalidTransition, ValidationError
from deskapp.services import hooks
from deskapp.services.listing import ListQuery
from deskapp.services.numbering import peek
from deskapp.services.reception import contacts
from deskapp.services.reception import workorders as wo
from deskapp.services.reception.contacts import ContactCreate
from deskapp.services.reception.workorders import WorkOrderCreate, WorkOrderSource
from tests.unit.test_reception_common import make_site

NOW = datetime(2026, 11, 30, 10, 0)


@pytest.fixture
def site(db, frozen_now):
    return make_site(db)


def _repair_contact(db, by, unit_id) -> Contact:
    with db.write() as session:
        return contacts.log_contact(session, by=by, data=ContactCreate(
            channel=ContactChannel.PHONE, kind=ContactKind.REPAIR, content="厨房水管漏水",
            unit_id=unit_id, person_name="张三", phone="13812345678",
            status=ContactStatus.PENDING))


def _create(db, by, *, contact_id=None, **kw) -> WorkOrder:
    data = WorkOrderCreate(category=kw.pop("category", WorkOrderCategory.WATER),
                           urgency=kw.pop("urgency", WorkOrderUrgency.NORMAL),
                           description=kw.pop("description", "厨房水管漏水"), **kw)
    with db.write() as session:
        return wo.create_work_order(session, by=by, contact_id=contact_id, data=data)


def _orders(db) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(WorkOrder)).one()


def test_create_from_repair_contact(db, receptionist, site):
    contact = _repair_contact(db, receptionist, site.unit_a)
    order = _create(db, receptionist, contact_id=contact.id, urgency=WorkOrderUrgency.URGENT)
    assert order.number == "WX20261130-001"
    assert order.unit_code == "3-1-1201" and order.requester_name == "张三"
    assert order.requester_phone == "13812345678"
    assert order.due_at == NOW + timedelta(hours=4) and order.limit_hours == 4
    assert order.status == WorkOrderStatus.CREATED and order.created_by == receptionist.id
    with db.read() as session:
        linked = session.get(Contact, contact.id)
    assert linked.status == ContactStatus.HANDED_OVER
    assert (linked.linked_kind, linked.linked_id) == ("workorder", order.id)
    with pytest.raises(Conflict):  # one contact, one work order
        _create(db, receptionist, contact_id=contact.id)


def test_numbers_are_gap_free_per_day_and_a_failure_uses_none(db, receptionist, site):
    assert _create(db, receptionist, unit_id=site.unit_a).number == "WX20261130-001"
    with pytest.raises(ValidationError):
        _create(db, receptionist, unit_id=site.unit_a, description="")
    assert _create(db, receptionist, unit_id=site.unit_b).number == "WX20261130-002"
    with clock.freeze(datetime(2026, 12, 1, 8, 0)):
        assert _create(db, receptionist, unit_id=site.unit_a).number == "WX20261201-001"


def _writer(url: str, staff_id: int, unit_id: int, n: int, out) -> None:  # runs in a child
    from deskapp.db.models import Staff

    database = Database(url)
    numbers = []
    with clock.freeze(NOW):
        for _ in range(n):
            with database.write() as session:
                by = session.get(Staff, staff_id)
                order = wo.create_work_order(session, by=by, contact_id=None, data=WorkOrderCreate(
                    category=WorkOrderCategory.WATER, urgency=WorkOrderUrgency.NORMAL,
                    description="并发测试", unit_id=unit_id))
                numbers.append(order.number)
    out.put(numbers)


def test_two_concurrent_writers_get_no_duplicates_and_no_gaps(db, receptionist, site):
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    per_process = 12
    procs = [ctx.Process(target=_writer, args=(db.url, receptionist.id, site.unit_a,
                                               per_process, out)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    numbers = sorted(results[0] + results[1])
    assert numbers == [f"WX20261130-{i:03d}" for i in range(1, 2 * per_process + 1)]
    with db.read() as session:
        assert peek(session, "workorder:20261130") == 2 * per_process
        stored = session.exec(select(WorkOrder.number)).all()
    assert sorted(stored) == numbers
    assert Path(db.url.removeprefix("sqlite:///")).exists()


@pytest.mark.parametrize(("kw", "field", "key"), [
    ({}, "unit", "reception.workorder.unit_required"),
    ({"category": WorkOrderCategory.PAID_IN_HOME, "location": "3号楼大堂"}, "unit",
     "reception.workorder.unit_required"),
    ({"unit_id": 1, "description": " "}, "description", "validate.text.required"),
    ({"unit_id": 1, "requester_phone": "0379-12"}, "requester_phone", "validate.phone.invalid"),
    ({"unit_id": 4242}, "unit", "reception.unit.not_found"),
])
def test_bad_input_saves_nothing(db, receptionist, site, kw, field, key):
    if kw.get("unit_id") == 1:
        kw["unit_id"] = site.unit_a
    with pytest.raises(ValidationError) as err:
        _create(db, receptionist, **kw)
    assert (err.value.field, err.value.key) == (field, key)
    assert _orders(db) == 0
    with db.read() as session:
        assert peek(session, "workorder:20261130") == 0


def test_public_area_order_needs_only_a_location(db, receptionist, site):
    order = _create(db, receptionist, category=WorkOrderCategory.LIFT, location="5号楼2单元电梯",
                    description="电梯异响")
    assert order.unit_id is None and order.location == "5号楼2单元电梯"


def _load_fee_standards(db) -> None:
    from deskapp.services.cashier import fees

    with db.write() as session:
        fees.load_standards(session, by=None)


def test_full_life_cycle_records_who_and_when(db, receptionist, specialist, site):
    _load_fee_standards(db)
    order = _create(db, receptionist, unit_id=site.unit_a, category=WorkOrderCategory.PAID_IN_HOME)
    with clock.freeze(NOW + timedelta(minutes=30)), db.write() as session:
        wo.dispatch_work_order(session, by=receptionist, work_order_id=order.id,
                               assignee="工程部 刘师傅")
    with clock.freeze(NOW + timedelta(hours=3)), db.write() as session:
        wo.complete_work_order(session, by=receptionist, work_order_id=order.id,
                               result="更换角阀", materials="角阀×1", charge_fen=3500,
                               at=NOW + timedelta(hours=2))
    with clock.freeze(NOW + timedelta(days=1)), db.write() as session:
        wo.record_return_visit(session, by=specialist, work_order_id=order.id, satisfaction=5,
                               comment="师傅很细心")
        wo.close_work_order(session, by=specialist, work_order_id=order.id)
    with db.read() as session:
        done = wo.get_work_order(session, order.id)
        timeline = wo.work_order_timeline(session, done)
    assert done.status == WorkOrderStatus.CLOSED and done.charge_fen == 3500
    assert done.dispatched_at == NOW + timedelta(minutes=30)
    assert done.completed_at == NOW + timedelta(hours=2) and done.completed_by == receptionist.id
    assert done.visited_by == specialist.id and done.satisfaction == 5
    assert [(s, who) for s, _, who in timeline] == [
        ("开单", "张前台"), ("派工", "张前台"), ("完工", "张前台"), ("回访", "李专员"), ("关闭", "李专员")]


def test_refused_transitions(db, receptionist, site):
    order = _create(db, receptionist, unit_id=site.unit_a)
    oid = order.id
    with db.write() as session, pytest.raises(InvalidTransition):
        wo.complete_work_order(session, by=receptionist, work_order_id=oid, result="好了")
    with db.write() as session, pytest.raises(InvalidTransition):
        wo.record_return_visit(session, by=receptionist, work_order_id=oid, satisfaction=5)
    with db.write() as session:
        wo.dispatch_work_order(session, by=receptionist, work_order_id=oid, assignee="刘师傅")
    with db.write() as session, pytest.raises(InvalidTransition):
        wo.dispatch_work_order(session, by=receptionist, work_order_id=oid, assignee="王师傅")
    with db.write() as session:
        wo.complete_work_order(session, by=receptionist, work_order_id=oid, result="已修好")
    with db.write() as session, pytest.raises(InvalidTransition) as err:
        wo.close_work_order(session, by=receptionist, work_order_id=oid)
    assert err.value.key == "reception.workorder.close_needs_visit"
    with db.write() as session, pytest.raises(InvalidTransition):
        wo.cancel_work_order(session, by=receptionist, work_order_id=oid, reason="重复")
    with db.read() as session:
        assert wo.get_work_order(session, oid).status == WorkOrderStatus.COMPLETED


def test_a_paid_repair_is_billed_to_the_unit_at_the_cashier(db, receptionist, site):
    from deskapp.db.models.cashier import Bill, BillStatus
    from deskapp.services.cashier import fees as cashier_fees

    _load_fee_standards(db)
    order = _create(db, receptionist, unit_id=site.unit_a, category=WorkOrderCategory.PAID_IN_HOME)
    with db.write() as session:
        wo.dispatch_work_order(session, by=receptionist, work_order_id=order.id, assignee="刘师傅")
    with clock.freeze(NOW + timedelta(hours=1)), db.write() as session:
        wo.complete_work_order(session, by=receptionist, work_order_id=order.id,
                               result="更换角阀", charge_fen=4550)
    with db.read() as session:
        bill = wo.work_order_bill(session, wo.get_work_order(session, order.id))
        owed = cashier_fees.open_bills(session, site.unit_a)
    assert bill is not None and (bill.unit_id, bill.amount_fen, bill.fee_code) == (
        site.unit_a, 4550, wo.CHARGE_FEE_CODE)
    assert bill.status == BillStatus.OPEN and order.number in bill.description
    assert [b.id for b in owed] == [bill.id]  # the cashier offers it with the unit's bills
    with db.read() as session:  # a free repair bills nothing
        assert session.exec(select(func.count()).select_from(Bill)).one() == 1


def test_a_paid_repair_without_its_fee_standard_is_refused_and_nothing_saved(
        db, receptionist, site):
    from deskapp.db.models.cashier import Bill

    order = _create(db, receptionist, unit_id=site.unit_a, category=WorkOrderCategory.PAID_IN_HOME)
    with db.write() as session:
        wo.dispatch_work_order(session, by=receptionist, work_order_id=order.id, assignee="刘师傅")
    with clock.freeze(NOW + timedelta(hours=1)), pytest.raises(Conflict, match="SV-REPAIR"), \
            db.write() as session:  # the refusal rolls the whole completion back
        wo.complete_work_order(session, by=receptionist, work_order_id=order.id,
                               result="更换角阀", charge_fen=4550)
    with db.read() as session:
        assert wo.get_work_order(session, order.id).status == WorkOrderStatus.DISPATCHED
        assert session.exec(select(func.count()).select_from(Bill)).one() == 0
    assert wo.charge_fee_code_from_settings(Settings(extra={wo.CHARGE_FEE_SETTING: "SV-X"})) \
        == "SV-X"
    assert wo.charge_fee_code_from_settings(Settings()) == wo.CHARGE_FEE_CODE


def test_impossible_times_and_bad_visit_input(db, receptionist, site):
    order = _create(db, receptionist, unit_id=site.unit_a)
    with db.write() as session, pytest.raises(ValidationError) as err:
        wo.dispatch_work_order(session, by=receptionist, work_order_id=order.id,
                               assignee="刘师傅", at=NOW - timedelta(hours=1))
    assert err.value.field == "dispatched_at"
    with db.write() as session, pytest.raises(ValidationError) as err:
        wo.dispatch_work_order(session, by=receptionist, work_order_id=order.id, assignee="")
    assert err.value.field == "assignee"
    with db.write() as session:
        wo.dispatch_work_order(session, by=receptionist, work_order_id=order.id,
                               assignee="刘师傅")
    with db.write() as session, pytest.raises(ValidationError) as err:
        wo.complete_work_order(session, by=receptionist, work_order_id=order.id, result="修好",
                               at=NOW - timedelta(minutes=1))
    assert (err.value.field, err.value.key) == ("completed_at",
                                                "reception.workorder.complete_before_dispatch")
    with db.write() as session, pytest.raises(ValidationError) as err:
        wo.complete_work_order(session, by=receptionist, work_order_id=order.id, result="修好",
                               at=NOW + timedelta(days=1))
    assert (err.value.field, err.value.key) == ("completed_at", "reception.time.future")
    with db.write() as session, pytest.raises(ValidationError) as err:
        wo.complete_work_order(session, by=receptionist, work_order_id=order.id, result="修好",
                               charge_fen=500)  # a water repair is free
    assert err.value.field == "charge"
    with db.read() as session:
        assert wo.get_work_order(session, order.id).status == WorkOrderStatus.DISPATCHED
    with db.write() as session:
        wo.complete_work_order(session, by=receptionist, work_order_id=order.id, result="修好")
    for bad in (0, 6, True):
        with db.write() as session, pytest.raises(ValidationError) as err:
            wo.record_return_visit(session, by=receptionist, work_order_id=order.id,
                                   satisfaction=bad)
        assert err.value.field == "satisfaction"
    with db.write() as session, pytest.raises(ValidationError) as err:
        wo.record_return_visit(session, by=receptionist, work_order_id=order.id,
                               satisfaction=4, at=NOW - timedelta(minutes=5))
    assert err.value.field == "visited_at"


def test_cancel_keeps_the_order_with_reason(db, receptionist, site):
    order = _create(db, receptionist, unit_id=site.unit_a)
    with db.write() as session, pytest.raises(ValidationError):
        wo.cancel_work_order(session, by=receptionist, work_order_id=order.id, reason="")
    with db.write() as session:
        wo.cancel_work_order(session, by=receptionist, work_order_id=order.id, reason="重复开单")
    with db.read() as session:
        stored = wo.get_work_order(session, order.id)
    assert stored.status == WorkOrderStatus.CANCELLED and stored.cancel_reason == "重复开单"
    assert stored.cancelled_by == receptionist.id


def test_limits_come_from_settings_and_overdue_from_the_clock(db, receptionist, site):
    limits = wo.limits_from_settings(Settings(extra={"workorder.limit_hours.urgent": 2,
                                                     "workorder.limit_hours.normal": "bad"}))
    assert limits[WorkOrderUrgency.URGENT] == 2 and limits[WorkOrderUrgency.NORMAL] == 24
    with db.write() as session:
        urgent = wo.create_work_order(session, by=receptionist, contact_id=None, limits=limits,
                                      data=WorkOrderCreate(WorkOrderCategory.ELECTRICITY,
                                                           WorkOrderUrgency.URGENT, "停电",
                                                           unit_id=site.unit_a))
    normal = _create(db, receptionist, unit_id=site.unit_b)
    assert urgent.due_at == NOW + timedelta(hours=2)
    source = WorkOrderSource()
    later = NOW + timedelta(hours=3)
    with clock.freeze(later), db.read() as session:
        assert wo.is_overdue(urgent) and not wo.is_overdue(normal)
        rows = source.fetch(session, ListQuery(filters={"view": "overdue"}), 0, 50)
        assert [r.id for r in rows] == [urgent.id] and rows[0].style == "overdue"
        assert "超时" in rows[0].cells[8]
        items = [i for i in hooks.open_items(session, hooks.HandoverContext(NOW, later))
                 if i.section == "reception.section.workorders"]
    assert [(i.ref.id, i.overdue) for i in items] == [(urgent.id, True), (normal.id, False)]


def test_work_order_views(db, receptionist, site):
    a = _create(db, receptionist, unit_id=site.unit_a, description="卫生间漏水")
    b = _create(db, receptionist, unit_id=site.unit_c, description="灯不亮")
    with db.write() as session:
        wo.dispatch_work_order(session, by=receptionist, work_order_id=b.id, assignee="电工")
        wo.complete_work_order(session, by=receptionist, work_order_id=b.id, result="换灯泡")
    source = WorkOrderSource(buildings=[(site.building_5, "5号楼")])

    def ids(**kw):
        search = kw.pop("search", "")
        with db.read() as session:
            query = ListQuery(filters=kw, search=search)
            assert source.count(session, query) == len(source.fetch(session, query, 0, 50))
            return [r.id for r in source.fetch(session, query, 0, 50)]

    assert ids() == [b.id, a.id]
    assert ids(view="open") == [a.id]
    assert ids(view="awaiting_visit") == [b.id]
    assert ids(view="closed") == []
    assert ids(building=str(site.building_5)) == [b.id]
    assert ids(search="漏水") == [a.id]
    assert ids(search="WX20261130-002") == [b.id]
    assert ids(category="water") == [b.id, a.id]
    assert ids(category="lift") == []
