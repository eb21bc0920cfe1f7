"""The complaints demo data: genuine workflows, every state represented, audit intact."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import select

from deskapp import clock
from deskapp.db.models.complaints import Complaint, ComplaintState, EscalationTarget
from deskapp.services import audit
from deskapp.services.complaints import figures, overdue
from deskapp.services.complaints import visits as vs
from deskapp.services.demo import build_demo

TODAY = date(2026, 11, 30)


def test_demo_complaints(db, monkeypatch):
    # only this area's demo module: other areas' demo data is theirs to test
    import deskapp.demo.complaints as module
    from deskapp.services import demo

    monkeypatch.setattr(demo, "demo_modules", lambda: [module])
    with clock.freeze(datetime(2026, 11, 30, 9, 0)):
        with db.write() as s:
            summary = build_demo(s, seed=1, today=TODAY)
        with db.read() as s:
            found = s.exec(select(Complaint)).all()
            assert summary.extra["complaints"] == len(found) >= 25
            states = {c.state for c in found}
            assert states >= {ComplaintState.ARCHIVED, ComplaintState.REGISTERED,
                              ComplaintState.VALID, ComplaintState.INVESTIGATED,
                              ComplaintState.ASSIGNED, ComplaintState.SOLUTION,
                              ComplaintState.REPLIED}
            assert any(c.valid is False and c.state == ComplaintState.ARCHIVED for c in found)
            assert any(c.reopened for c in found)
            assert any(c.escalated_to == EscalationTarget.DIRECTOR for c in found)
            assert sum(overdue.is_overdue(c) for c in found) >= 1
            # every archived valid complaint had its satisfied return visit
            assert all(c.visited_at is not None for c in found
                       if c.valid and c.state == ComplaintState.ARCHIVED)
            assert len(vs.waiting_rectification(s)) >= 1
            f = figures.monthly_analysis(s, year=2026, month=11)
            assert f.volume > 0 and f.previous is not None and f.previous.volume > 0
            assert audit.verify(s).ok
