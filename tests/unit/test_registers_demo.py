"""The registers' demo activity: made through the services, consistent, deterministic."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from deskapp import clock
from deskapp.db.models import Role
from deskapp.db.models.registers import (
    GoodsPass,
    GoodsPassStatus,
    LendKind,
    Parcel,
    ParcelStatus,
    Visitor,
)
from deskapp.demo import registers as demo
from deskapp.services import audit, hooks, units
from deskapp.services import staff as staff_svc
from deskapp.services.demo import DemoSummary

TODAY = date(2026, 11, 30)


def _site(db) -> DemoSummary:
    summary = DemoSummary(seed=1, today=TODAY)
    with db.write() as session:
        boss = staff_svc.create_staff(session, by=None, login="zhuguan", name="王主管",
                                      role=Role.SUPERVISOR, password="demo123")
        summary.staff["zhuguan"] = boss.id
        for login in ("qiantai1", "qiantai2"):
            summary.staff[login] = staff_svc.create_staff(
                session, by=boss, login=login, name=login, role=Role.RECEPTIONIST,
                password="demo123").id
        b = units.get_or_create_building(session, code="1", floors=18)
        for n in range(20):
            u = units.create_unit(session, building=b, entrance="1", floor=3 + n // 2,
                                  room=f"{3 + n // 2}{n % 2 + 1:02d}", area=Decimal("90"))
            units.add_occupant(session, unit=u, name=f"业主{n}", phone=f"1380000{n:04d}")
            summary.unit_ids.append(u.id)
            summary.occupied_unit_ids.append(u.id)
    return summary


def test_seed_makes_consistent_activity(db, monkeypatch):
    monkeypatch.setattr(demo, "DAYS", 7)  # a week is enough to check it; the demo has six
    summary = _site(db)
    with clock.freeze(datetime(2026, 11, 30, 11, 0)), db.write() as session:
        demo.seed(session, rng=random.Random("1:registers"), today=TODAY, summary=summary)
    assert summary.extra["registers_visitors"] > 20
    assert summary.extra["registers_parcels"] > 50
    with db.read() as session:
        assert session.execute(select(func.count()).select_from(Visitor)).scalar_one() == \
            summary.extra["registers_visitors"]
        kinds = session.execute(select(LendKind)).scalars().all()
        assert kinds and all(0 <= k.on_hand <= k.total for k in kinds)
        waiting = session.execute(select(func.count()).select_from(Parcel).where(
            Parcel.status == ParcelStatus.WAITING)).scalar_one()
        assert waiting > 0
        assert session.execute(select(func.count()).select_from(GoodsPass).where(
            GoodsPass.status == GoodsPassStatus.ISSUED)).scalar_one() >= 1
        first = session.execute(select(func.min(Visitor.time_in))).scalar_one()
        assert first.date() >= TODAY - timedelta(days=demo.DAYS)
        assert audit.verify(session).ok
        with clock.freeze(datetime(2026, 11, 30, 11, 0)):
            items = hooks.open_items(session, hooks.HandoverContext(
                start=datetime(2026, 11, 30, 8), end=datetime(2026, 11, 30, 11)))
        sections = {i.section for i in items if i.section.startswith("registers.")}
        assert {"registers.section.visitors", "registers.section.parcels",
                "registers.section.goods"} <= sections
