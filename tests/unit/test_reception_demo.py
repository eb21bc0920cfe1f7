"""The reception demo activity: consistent with the rules (it runs through the services)."""

from __future__ import annotations

import random
from datetime import date, datetime

from sqlmodel import func, select

from deskapp import clock
from deskapp.db.models import Role
from deskapp.db.models.reception import (
    Contact,
    Handover,
    HandoverStatus,
    WorkOrder,
    WorkOrderStatus,
)
from deskapp.demo import reception as demo
from deskapp.services import audit
from deskapp.services.demo import DemoSummary
from deskapp.services.reception import shifts
from tests.conftest import _make_staff
from tests.unit.test_reception_common import make_site

TODAY = date(2026, 11, 30)


def test_demo_weeks_follow_the_rules(db, supervisor, monkeypatch):
    monkeypatch.setattr(demo, "DAYS", 9)
    site = make_site(db)
    people = {login: _make_staff(db, login, name, role) for login, name, role in (
        ("qiantai1", "张前台", Role.RECEPTIONIST), ("qiantai2", "刘前台", Role.RECEPTIONIST),
        ("zhuanyuan", "李专员", Role.SPECIALIST))}
    summary = DemoSummary(seed=1, today=TODAY, staff={k: v.id for k, v in people.items()},
                          unit_ids=[site.unit_a, site.unit_b, site.unit_c],
                          occupied_unit_ids=[site.unit_a, site.unit_b, site.unit_c])
    with clock.freeze(datetime(2026, 11, 30, 11, 0)), db.write() as session:
        demo.seed(session, rng=random.Random("1:reception"), today=TODAY, summary=summary)
    with db.read() as session:
        contacts = session.exec(select(func.count()).select_from(Contact)).one()
        orders = session.exec(select(WorkOrder)).all()
        handovers = session.exec(select(Handover)).all()
        open_now = shifts.current_shift(session, desk=demo.DESK)
        assert audit.verify(session).ok
        future = session.exec(select(func.count()).select_from(Contact).where(
            Contact.at > datetime(2026, 11, 30, 11, 0))).one()
    assert contacts == summary.extra["contacts"] > 50 and future == 0
    assert len(orders) == summary.extra["work_orders"] > 5
    assert any(o.status == WorkOrderStatus.CLOSED for o in orders)
    assert all(o.visited_at is not None for o in orders if o.status == WorkOrderStatus.CLOSED)
    assert len(handovers) == summary.extra["handovers"] == 2 * 9  # today's morning still open
    confirmed = [h for h in handovers if h.status == HandoverStatus.CONFIRMED]
    assert len(confirmed) == len(handovers)  # the last one was confirmed this morning
    assert all(h.confirmed_by != h.written_by for h in confirmed)
    assert open_now is not None and open_now.opened_at.date() == TODAY
