"""The monthly analysis on a hand-built data set; every expected figure is worked out by
hand in the comments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from deskapp import clock
from deskapp.db.models.complaints import ContactChannel
from deskapp.errors import ValidationError
from deskapp.services.complaints import figures, intake, workflow


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def step(db, when: str, fn, **kw):
    with clock.freeze(at(when)), db.write() as s:
        return fn(s, **kw)


def register(db, by, when: str, *, category: str, channel: ContactChannel, dept: str = "",
             major: bool = False):
    data = intake.ComplaintCreate(complainant_name="业主", content="投诉内容", channel=channel,
                                  category_code=category, complainant_phone="13812345678",
                                  target_department=dept, major=major, heard=True, asked=True,
                                  recorded=True)
    return step(db, when, intake.create_complaint, by=by, data=data)


def handle(db, by, c, *, classify: str, reply: str, visits=(), archive: str | None = None):
    """Valid complaint: classify, investigate, responsible, solution at ``classify``, reply at
    ``reply``; ``visits`` = [(when, satisfied, score, re-reply time or None)]."""
    step(db, classify, workflow.classify, by=by, complaint_id=c.id, valid=True)
    step(db, classify, workflow.investigate, by=by, complaint_id=c.id, findings="原因")
    step(db, classify, workflow.fix_responsible, by=by, complaint_id=c.id, department="engineering")
    step(db, classify, workflow.record_solution, by=by, complaint_id=c.id, solution="方案")
    step(db, reply, workflow.reply, by=by, complaint_id=c.id, method="phone", text="答复")
    for when, satisfied, score, again in visits:
        step(db, when, workflow.record_return_visit, by=by, complaint_id=c.id, satisfied=satisfied,
             score=score, note="" if satisfied else "仍有问题")
        if again:
            step(db, again, workflow.record_solution, by=by, complaint_id=c.id, solution="新方案")
            step(db, again, workflow.reply, by=by, complaint_id=c.id, method="visit", text="再答复")
    if archive:
        step(db, archive, workflow.archive, by=by, complaint_id=c.id)


@pytest.fixture
def dataset(db, specialist):
    by = specialist
    # C0 — October (received 10-31 23:00), first response 120 min; archived in November
    # 11-01 12:00 → close 13 h = 780 min; its visit (score 3, satisfied) is in November.
    c0 = register(db, by, "2026-10-31 23:00", category="service", channel=ContactChannel.PHONE,
                  dept="security")
    handle(db, by, c0, classify="2026-11-01 01:00", reply="2026-11-01 10:00",
           visits=[("2026-11-01 11:00", True, 3, None)], archive="2026-11-01 12:00")
    # C1 — service/phone/security; response 60 min; close 11-02 09:00 → 11-04 09:00 = 2880.
    c1 = register(db, by, "2026-11-02 09:00", category="service", channel=ContactChannel.PHONE,
                  dept="security")
    handle(db, by, c1, classify="2026-11-02 10:00", reply="2026-11-03 09:00",
           visits=[("2026-11-03 15:00", True, 5, None)], archive="2026-11-04 09:00")
    # C2 — fees/walk-in/finance; response 240 min; unsatisfied (2) then satisfied (4);
    # close due 11-15 14:00 (120 h), archived 15:00 → late; 5 d 1 h = 7260 min.
    c2 = register(db, by, "2026-11-10 14:00", category="fees", channel=ContactChannel.WALK_IN,
                  dept="finance")
    handle(db, by, c2, classify="2026-11-10 18:00", reply="2026-11-12 10:00",
           visits=[("2026-11-12 12:00", False, 2, "2026-11-14 10:00"),
                   ("2026-11-15 10:00", True, 4, None)], archive="2026-11-15 15:00")
    # C3 — service/phone/security; invalid after 30 min, replied, archived: 90 min.
    c3 = register(db, by, "2026-11-20 08:00", category="service", channel=ContactChannel.PHONE,
                  dept="security")
    step(db, "2026-11-20 08:30", workflow.classify, by=by, complaint_id=c3.id, valid=False,
         reason="非物业范围")
    step(db, "2026-11-20 09:00", workflow.reply, by=by, complaint_id=c3.id, method="phone", text="说明")
    step(db, "2026-11-20 09:30", workflow.archive, by=by, complaint_id=c3.id)
    # C4 — emergency/via staff/engineering, major, never classified: overdue.
    register(db, by, "2026-11-28 20:00", category="emergency", channel=ContactChannel.VIA_STAFF,
             dept="engineering", major=True)
    # C5 — culture/letter/no department; response 10 min; replied 11-30, no visit yet.
    c5 = register(db, by, "2026-11-29 09:00", category="culture", channel=ContactChannel.LETTER)
    handle(db, by, c5, classify="2026-11-29 09:10", reply="2026-11-30 09:00")
    # C6 — December: outside November.
    register(db, by, "2026-12-01 00:00", category="service", channel=ContactChannel.PHONE)
    return {"c0": c0, "c1": c1, "c2": c2, "c3": c3, "c5": c5}


def test_november_by_hand(db, dataset):
    with clock.freeze(at("2026-12-01 08:00")), db.read() as s:
        f = figures.monthly_analysis(s, year=2026, month=11)
    assert f.volume == 5  # C1..C5 (C0 is October, C6 December)
    assert {c.key: c.count for c in f.by_category} == {
        "service": 2, "fees": 1, "emergency": 1, "culture": 1}
    assert f.by_category[0].key == "service" and f.by_category[0].label == "物业管理服务"
    assert {c.key: c.count for c in f.by_channel} == {
        "phone": 2, "walk_in": 1, "via_staff": 1, "letter": 1}
    assert {c.key: c.count for c in f.by_department} == {
        "security": 2, "finance": 1, "engineering": 1, "": 1}
    assert {c.key: c.count for c in f.by_responsible} == {"engineering": 3, "": 2}
    assert (f.valid, f.invalid, f.unclassified) == (3, 1, 1)
    assert f.valid_share == Decimal("75.0")  # 3 of 4 classified
    assert (f.major, f.escalated) == (1, 1)
    assert f.overdue == 2  # C2 archived late, C4 never answered
    # first responses 10, 30, 60, 240 → median (30+60)/2, p90 = 4th of 4
    assert f.first_response_median == Decimal("45.0") and f.first_response_p90 == 240
    # archived in November: C0 780, C1 2880, C2 7260, C3 90
    assert f.closed == 4
    assert f.close_median == Decimal("1830.0") and f.close_p90 == 7260
    # valid and replied in November: C0, C1, C2, C5; visited by the month's end: C0, C1, C2
    assert (f.replied_valid, f.return_visited) == (4, 3)
    assert f.return_visit_rate == Decimal("75.0")
    # November complaint visits: C0 3 ✓, C1 5 ✓, C2 2 ✗, C2 4 ✓
    assert (f.visits, f.satisfied) == (4, 3)
    assert f.satisfaction_avg == Decimal("3.50") and f.satisfied_share == Decimal("75.0")
    assert f.open_now == 3  # C4, C5, C6

    p = f.previous
    assert p is not None and (p.year, p.month) == (2026, 10)
    assert p.volume == 1 and p.valid == 1 and p.valid_share == Decimal("100.0")
    assert p.first_response_median == Decimal("120.0") and p.first_response_p90 == 120
    assert p.closed == 0 and p.close_median is None and p.return_visit_rate is None
    assert p.visits == 0 and p.satisfaction_avg is None


def test_summary_is_the_analysis_and_serialises(db, dataset):
    with clock.freeze(at("2026-12-01 08:00")), db.read() as s:
        summary = figures.monthly_summary(s, year=2026, month=11)
        data = summary.as_dict()
    assert data["volume"] == 5 and data["previous"]["volume"] == 1
    assert data["close_p90_min"] == 7260 and data["return_visit_rate_pct"] == 75.0


def test_january_compares_with_december_of_the_year_before(db, specialist):
    register(db, specialist, "2026-12-31 23:59", category="service",
             channel=ContactChannel.PHONE)
    register(db, specialist, "2027-01-01 00:00", category="service",
             channel=ContactChannel.PHONE)
    with clock.freeze(at("2027-01-02 08:00")), db.read() as s:
        f = figures.monthly_analysis(s, year=2027, month=1)
    assert f.volume == 1 and f.previous is not None
    assert (f.previous.year, f.previous.month, f.previous.volume) == (2026, 12, 1)


def test_empty_month_and_bad_month(db, supervisor):
    with db.read() as s:
        f = figures.monthly_analysis(s, year=2020, month=2)
        assert f.volume == 0 and f.valid_share is None and f.first_response_median is None
        with pytest.raises(ValidationError):
            figures.monthly_analysis(s, year=2026, month=13)


def test_median_of_odd_count(db, specialist):
    for i, minutes in enumerate((5, 50, 500)):
        c = register(db, specialist, f"2026-11-0{i + 1} 08:00", category="service",
                     channel=ContactChannel.PHONE)
        h, m = divmod(minutes, 60)
        step(db, f"2026-11-0{i + 1} {8 + h:02d}:{m:02d}", workflow.classify, by=specialist,
             complaint_id=c.id, valid=True)
    with clock.freeze(at("2026-11-20 08:00")), db.read() as s:
        f = figures.monthly_analysis(s, year=2026, month=11)
    assert f.first_response_median == Decimal("50.0") and f.first_response_p90 == 500
