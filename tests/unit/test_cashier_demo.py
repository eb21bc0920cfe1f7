"""The cashier's demo activity: built through the services, consistent with the rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

import deskapp.demo.cashier as demo_cashier
from deskapp.db.engine import Database
from deskapp.db.models.cashier import ArrearsReminder, CloseStatus, DailyClose, Receipt
from deskapp.services import audit, demo
from deskapp.services.cashier import arrears, close
from deskapp.services.cashier.close import check_series, unclosed_days

TODAY = date(2026, 11, 30)


@pytest.fixture
def built(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setattr(demo, "demo_modules", lambda: [demo_cashier])
    with db.write() as session:
        summary = demo.build_demo(session, seed=1, today=TODAY)
    assert summary.modules == ["cashier"] and summary.extra["receipts"] > 100
    return db


def test_demo_cashier_activity_is_consistent(built: Database) -> None:
    with built.read() as s:
        receipts = s.exec(select(func.count()).select_from(Receipt)).one()
        check = check_series(s, "SJ2026")
        assert check.contiguous and check.issued == receipts and check.void >= 1
        assert unclosed_days(s, before=TODAY) == []  # every past day is closed
        statuses = set(s.exec(select(DailyClose.status)).all())
        assert {CloseStatus.CLOSED, CloseStatus.AWAITING_SIGNOFF,
                CloseStatus.SIGNED_OFF} <= statuses
        totals = arrears.arrears_totals(s, as_of=TODAY)
        assert totals.units > 20 and totals.over_180_fen > 0 and totals.d0_30_fen > 0
        assert s.exec(select(func.count()).select_from(ArrearsReminder)).one() > 5
        month = close.monthly_summary(s, year=2026, month=11)
        assert month.collected_fen > 0 and month.refunds >= 1 and month.billed > 0
        assert sum(month.by_method.values()) == month.collected_fen
        assert audit.verify(s).ok
