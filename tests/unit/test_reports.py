"""The monthly report (月报) on a hand-built October 2026: every figure below is worked
out by hand from the rows inserted here (comments give the arithmetic). The rows are
inserted directly, with exact timestamps around the month's edges, so the test pins the
report's month boundaries and its reuse of each area's monthly service.

Also: a month with no records says so, the drills list exactly the records behind each
figure, the JSON/text/XLSX/PDF outputs, and the refusals (future month, bad month, role).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from deskapp.db.engine import Database
from deskapp.db.models import Staff
from deskapp.db.models.cashier import (
    Bill,
    BillStatus,
    FeeKind,
    PayMethod,
    Receipt,
    ReceiptLine,
    ReceiptTender,
    Refund,
)
from deskapp.db.models.complaints import Complaint, ComplaintState, ServiceVisit, VisitKind
from deskapp.db.models.reception import (
    Contact,
    ContactChannel,
    ContactKind,
    ContactStatus,
    Handover,
    HandoverStatus,
    Shift,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderStatus,
    WorkOrderUrgency,
)
from deskapp.db.models.renovation import RenovationFiling, RenovationStatus, WorkKind
from deskapp.errors import PermissionDenied, ValidationError
from deskapp.printing.monthly_report import render, render_text
from deskapp.printing.pdf import pdf_text
from deskapp.services import units
from deskapp.services.listing import ListQuery
from deskapp.services.reception.shifts import HandoverSummary
from deskapp.services.reports import drills, monthly, months
from deskapp.services.reports import layout as reports_layout
from deskapp.services.reports.render import as_dict, render_json

D = datetime


@dataclass
class Month:
    db: Database
    boss: Staff
    desk: Staff
    cs: Staff
    unit_a: int
    unit_b: int


def _contact(s, by, at, channel, kind, status=ContactStatus.DONE):
    s.add(Contact(at=at, channel=channel, kind=kind, status=status, content="内容",
                  staff_id=by.id, created_at=at))


def _order(s, by, n, created, due, status, completed=None, visited=None, satisfaction=None):
    s.add(WorkOrder(number=f"WX-{n}", category=WorkOrderCategory.WATER,
                    urgency=WorkOrderUrgency.NORMAL, description="水管漏水", status=status,
                    limit_hours=24, due_at=due, created_at=created, created_by=by.id,
                    completed_at=completed, visited_at=visited, satisfaction=satisfaction))


def _complaint(s, by, n, received, category, channel, *, valid, first_due, first_at=None,
               replied=None, closed=None, close_minutes=None, close_due=None):
    state = ComplaintState.ARCHIVED if closed else ComplaintState.REGISTERED
    c = Complaint(number=f"TS-{n}", received_at=received, registered_at=received,
                  complainant_name="张三", content="噪音", channel=channel, category_code=category,
                  received_by_id=by.id, owner_id=by.id, state=state, valid=valid,
                  first_response_due=first_due, first_response_at=first_at,
                  first_response_minutes=(int((first_at - received).total_seconds() // 60)
                                          if first_at else None),
                  replied_at=replied, closed_at=closed, close_minutes=close_minutes,
                  close_due=close_due or received + timedelta(days=7), updated_at=received)
    s.add(c)
    s.flush()
    return c


def _filing(s, by, unit_id, n, created, *, approved, permit_end, deposit_paid=None,
            refunded=None, completion=None, closed=None, status=RenovationStatus.IN_PROGRESS):
    s.add(RenovationFiling(
        number=f"ZX-{n}", status=status, unit_id=unit_id, unit_code="3-1-1201",
        filed_on=created.date(), owner_name="张三", owner_id_number="11010519491231002X",
        owner_phone="13812345678", applicant_name="张三", contractor_name="某装饰公司",
        lead_name="李工", lead_id_number="11010519491231002X", lead_phone="13912345678",
        work_items="墙面", work_kind=WorkKind.GENERAL, permit_start=approved.date(),
        permit_end=permit_end, original_end=permit_end, created_at=created, created_by=by.id,
        approved_at=approved, deposit_fen=300000, deposit_paid_at=deposit_paid,
        deposit_refunded_at=refunded, deposit_refunded_fen=300000 if refunded else 0,
        completion_applied_at=completion, closed_at=closed))


def _bill(s, unit_id, code, kind, amount, created, due, status=BillStatus.OPEN):
    b = Bill(unit_id=unit_id, unit_code=code, fee_code=kind.value.upper(), kind=kind,
             description=kind.value, amount_fen=amount, due_date=due, status=status,
             created_at=created)
    s.add(b)
    s.flush()
    return b


def _receipt(s, by, n, unit_id, day, lines, tenders, voided=False):
    total = sum(amount for _, _, amount in lines)
    r = Receipt(number=f"SJ2026-{n:06d}", series="SJ2026", seq=n, unit_id=unit_id,
                unit_code="3-1-1201", total_fen=total, methods=",".join(m for m, _ in tenders),
                request_id=f"req-{n}", business_date=day, issued_at=D(day.year, day.month,
                                                                         day.day, 10),
                issued_by=by.id, voided=voided)
    s.add(r)
    s.flush()
    for bill, kind, amount in lines:
        s.add(ReceiptLine(receipt_id=r.id, bill_id=bill.id, fee_code=kind.value.upper(),
                          kind=kind, description=kind.value, amount_fen=amount))
        if not voided:
            bill.receipt_id = r.id
            s.add(bill)
    for method, amount in tenders:
        s.add(ReceiptTender(receipt_id=r.id, method=PayMethod(method), amount_fen=amount))
    return r


@pytest.fixture
def october(db, supervisor, receptionist, specialist, frozen_now) -> Month:
    """The hand-built month (today is 2026-11-30, so October is complete)."""
    boss, desk, cs = supervisor, receptionist, specialist
    with db.write() as s:
        b3 = units.get_or_create_building(s, code="3", floors=18)
        a = units.create_unit(s, building=b3, entrance="1", floor=12, room="1201",
                              area=Decimal("89.36"))
        b = units.create_unit(s, building=b3, entrance="1", floor=12, room="1202",
                              area=Decimal("96.12"))
        ua, ub = a.id, b.id

        # --- contacts: 5 in October (the two just outside it do not count)
        _contact(s, desk, D(2026, 9, 30, 23, 59, 59), ContactChannel.WALK_IN, ContactKind.ENQUIRY)
        _contact(s, desk, D(2026, 10, 1, 0, 0), ContactChannel.PHONE, ContactKind.REPAIR,
                 ContactStatus.HANDED_OVER)
        _contact(s, desk, D(2026, 10, 5, 10), ContactChannel.WALK_IN, ContactKind.ENQUIRY)
        _contact(s, desk, D(2026, 10, 12, 14), ContactChannel.PHONE, ContactKind.COMPLAINT)
        _contact(s, desk, D(2026, 10, 20, 16), ContactChannel.PHONE, ContactKind.ENQUIRY,
                 ContactStatus.PENDING)
        _contact(s, desk, D(2026, 10, 31, 23, 59, 59), ContactChannel.EMAIL,
                 ContactKind.SUGGESTION)
        _contact(s, desk, D(2026, 11, 1, 0, 0), ContactChannel.PHONE, ContactKind.ENQUIRY)

        # --- work orders
        V, C, X, DIS = (WorkOrderStatus.VISITED, WorkOrderStatus.COMPLETED,
                        WorkOrderStatus.CANCELLED, WorkOrderStatus.DISPATCHED)
        # w5: opened in September, completed late on 1 Oct, visited 2 Oct (4)
        _order(s, desk, 5, D(2026, 9, 28, 9), D(2026, 9, 29, 9), V, D(2026, 10, 1, 10),
               D(2026, 10, 2, 9), 4)
        # w1: on time, visited in October (5)
        _order(s, desk, 1, D(2026, 10, 3, 9, 10), D(2026, 10, 4, 9, 10), V,
               D(2026, 10, 4, 8), D(2026, 10, 6, 9), 5)
        # w2: late, visited in November
        _order(s, desk, 2, D(2026, 10, 10, 10), D(2026, 10, 11, 10), V, D(2026, 10, 12, 12),
               D(2026, 11, 2, 9), 3)
        # w3: dispatched, never completed, due 26 Oct: overdue and open
        _order(s, desk, 3, D(2026, 10, 25, 8), D(2026, 10, 26, 8), DIS)
        # w4: cancelled
        _order(s, desk, 4, D(2026, 10, 28, 8), D(2026, 10, 29, 8), X)
        # w6: opened 1 Nov
        _order(s, desk, 6, D(2026, 11, 1, 8), D(2026, 11, 2, 8), C, D(2026, 11, 1, 12))

        # --- handovers: two end in October (one confirmed, with notes), one in November
        for end, status, notes in [
            (D(2026, 10, 15, 16), HandoverStatus.CONFIRMED, "3号楼电梯异响，业主电话13812345678"),
            (D(2026, 10, 20, 22), HandoverStatus.WRITTEN, "   "),
            (D(2026, 11, 1, 8), HandoverStatus.CONFIRMED, "十一月的交接"),
        ]:
            shift = Shift(desk="前台1", opened_at=end - timedelta(hours=8), opened_by=desk.id,
                          closed_at=end, closed_by=desk.id)
            s.add(shift)
            s.flush()
            s.add(Handover(shift_id=shift.id, desk="前台1", period_start=shift.opened_at,
                           period_end=end, written_by=desk.id, notes=notes,
                           summary=HandoverSummary(str(shift.opened_at), str(end),
                                                   "前台1").to_json(),
                           status=status,
                           confirmed_by=cs.id if status == HandoverStatus.CONFIRMED else None,
                           confirmed_at=end if status == HandoverStatus.CONFIRMED else None))

        # --- complaints
        k1 = _complaint(s, cs, 1, D(2026, 10, 5, 10), "service", "phone", valid=True,
                        first_due=D(2026, 10, 5, 12), first_at=D(2026, 10, 5, 11),
                        replied=D(2026, 10, 6, 10), closed=D(2026, 10, 8, 10),
                        close_minutes=4320, close_due=D(2026, 10, 10, 10))
        _complaint(s, cs, 2, D(2026, 10, 12, 14), "fees", "walk_in", valid=False,
                   first_due=D(2026, 10, 12, 16), first_at=D(2026, 10, 12, 15),
                   closed=D(2026, 10, 13, 14), close_minutes=1440,
                   close_due=D(2026, 10, 20, 14))
        _complaint(s, cs, 3, D(2026, 10, 20, 9), "service", "phone", valid=None,
                   first_due=D(2026, 10, 20, 10), close_due=D(2026, 10, 27, 9))
        k4 = _complaint(s, cs, 4, D(2026, 9, 25, 9), "service", "phone", valid=True,
                        first_due=D(2026, 9, 26, 9), first_at=D(2026, 9, 25, 10),
                        replied=D(2026, 9, 30, 9), closed=D(2026, 10, 2, 9),
                        close_minutes=10000, close_due=D(2026, 10, 5, 9))
        s.add(ServiceVisit(kind=VisitKind.COMPLAINT, visited_at=D(2026, 10, 7, 9),
                           visited_by_id=cs.id, complaint_id=k1.id, satisfied=True, score=5,
                           created_at=D(2026, 10, 7, 9)))
        s.add(ServiceVisit(kind=VisitKind.COMPLAINT, visited_at=D(2026, 10, 3, 9),
                           visited_by_id=cs.id, complaint_id=k4.id, satisfied=False, score=2,
                           created_at=D(2026, 10, 3, 9)))

        # --- renovations
        _filing(s, desk, ua, 1, D(2026, 10, 8, 9), approved=D(2026, 10, 10, 9),
                permit_end=date(2027, 1, 9), deposit_paid=D(2026, 10, 10, 9))
        _filing(s, desk, ua, 2, D(2026, 9, 1, 9), approved=D(2026, 9, 5, 9),
                permit_end=date(2026, 11, 4), deposit_paid=D(2026, 9, 5, 9))
        _filing(s, desk, ua, 3, D(2026, 7, 1, 9), approved=D(2026, 7, 2, 9),
                permit_end=date(2026, 10, 1), deposit_paid=D(2026, 7, 2, 9))
        _filing(s, desk, ub, 4, D(2026, 5, 20, 9), approved=D(2026, 6, 1, 9),
                permit_end=date(2026, 8, 31), deposit_paid=D(2026, 6, 1, 9),
                refunded=D(2026, 10, 20, 9), completion=D(2026, 8, 1, 9),
                closed=D(2026, 10, 20, 9), status=RenovationStatus.CLOSED)

        # --- bills, receipts, a refund
        P, K, S = FeeKind.PROPERTY, FeeKind.PARKING, FeeKind.SERVICE
        b1 = _bill(s, ua, "3-1-1201", P, 25470, D(2026, 10, 1, 8), date(2026, 10, 15),
                   BillStatus.PAID)
        _bill(s, ub, "3-1-1202", P, 12345, D(2026, 8, 1, 8), date(2026, 8, 10))
        b3_ = _bill(s, ua, "3-1-1201", K, 30000, D(2026, 10, 1, 8), date(2026, 10, 20),
                    BillStatus.PAID)
        _bill(s, ua, "3-1-1201", P, 8000, D(2026, 10, 1, 8), date(2026, 10, 25))
        _bill(s, ub, "3-1-1202", P, 1000, D(2026, 4, 1, 8), date(2026, 4, 10))
        b6 = _bill(s, ua, "3-1-1201", S, 5000, D(2026, 10, 20, 8), date(2026, 10, 20))
        _receipt(s, desk, 1, ua, date(2026, 10, 5), [(b1, P, 25470)],
                 [("cash", 20000), ("wechat", 5470)])
        r2 = _receipt(s, desk, 2, ua, date(2026, 10, 15), [(b3_, K, 30000)], [("alipay", 30000)])
        _receipt(s, desk, 3, ua, date(2026, 10, 20), [(b6, S, 5000)], [("cash", 5000)],
                 voided=True)
        b7 = _bill(s, ua, "3-1-1201", P, 700, D(2026, 10, 25, 8), date(2026, 11, 15),
                   BillStatus.PAID)
        _receipt(s, desk, 4, ua, date(2026, 11, 1), [(b7, P, 700)], [("cash", 700)])
        s.add(Refund(number="TK2026-000001", series="TK2026", seq=1, receipt_id=r2.id,
                     unit_id=ua, unit_code="3-1-1201", amount_fen=10000,
                     method=PayMethod.ALIPAY, reason="多收", request_id="rf-1",
                     business_date=date(2026, 10, 25), issued_at=D(2026, 10, 25, 10),
                     issued_by=desk.id, approved_by=boss.id))
    return Month(db, boss, desk, cs, ua, ub)


def _report(m: Month, year=2026, month=10):
    with m.db.read() as s:
        return monthly.monthly_report(s, by=m.boss, year=year, month=month)


def test_every_figure_of_the_hand_built_month(october):
    data = as_dict(_report(october))
    assert data["month"] == "2026-10" and data["partial"] is False and data["empty"] is False
    assert data["as_of"] == "2026-10-31"
    sec = data["sections"]

    contacts = sec["contacts"]
    assert contacts["has_data"] is True
    assert contacts["figures"] == {"contacts": 5, "contacts_pending": 1}
    assert contacts["charts"]["contacts_by_kind"] == {
        "enquiry": 2, "repair": 1, "complaint": 1, "suggestion": 1}
    assert contacts["charts"]["contacts_by_channel"] == {"phone": 3, "walk_in": 1, "email": 1}

    repairs = sec["repairs"]["figures"]
    # opened in October: w1 w2 w3 w4; completed in October: w5 (late), w1 (on time), w2 (late)
    assert repairs["workorders_created"] == 4
    assert repairs["workorders_completed"] == 3
    assert repairs["workorders_on_time"] == 1
    assert repairs["workorders_on_time_rate"] == 33.3  # 1 / 3
    assert repairs["workorders_late"] == 2
    assert repairs["workorders_overdue_open"] == 1  # w3
    assert repairs["workorders_cancelled"] == 1  # w4
    assert repairs["workorders_visited"] == 2  # w5 (4) and w1 (5); w2 was visited in November
    assert repairs["workorders_satisfaction"] == 4.5
    assert sec["repairs"]["charts"]["repairs_timeliness"] == {
        "on_time": 1, "late": 2, "overdue_open": 1}

    c = sec["complaints"]["figures"]
    assert (c["complaints_volume"], c["complaints_valid"], c["complaints_invalid"],
            c["complaints_unclassified"]) == (3, 1, 1, 1)
    assert c["complaints_valid_share"] == 50.0  # 1 of 2 judged
    assert c["complaints_overdue"] == 1  # k3: no first response by its deadline
    assert c["complaints_closed"] == 3  # k1 4320, k2 1440, k4 10000 minutes
    assert c["complaints_close_median_min"] == 4320.0
    assert c["complaints_close_p90_min"] == 10000.0  # nearest rank 3 of 3
    assert c["complaints_replied_valid"] == 1  # k1 (k4 was replied in September)
    assert c["complaints_return_visited"] == 1
    assert c["complaints_return_visit_rate"] == 100.0
    assert c["complaints_visits"] == 2 and c["complaints_satisfied_share"] == 50.0
    assert c["complaints_satisfaction_avg"] == 3.5  # (5 + 2) / 2
    assert c["complaints_open_now"] == 1  # k3
    assert sec["complaints"]["charts"]["complaints_by_category"] == {"service": 2, "fees": 1}
    assert sec["complaints"]["charts"]["complaints_by_channel"] == {"phone": 2, "walk_in": 1}

    r = sec["renovation"]["figures"]
    assert (r["renovation_filed"], r["renovation_approved"], r["renovation_cancelled"]) == (1, 1, 0)
    assert r["renovation_active"] == 3  # f1, f2, f3 (f4 applied for completion in August)
    assert r["renovation_expiring"] == 1  # f2 ends 4 Nov, within 7 days of 31 Oct
    assert r["renovation_overdue"] == 1  # f3 ended 1 Oct
    assert (r["renovation_deposits_collected"], r["renovation_deposits_collected_fen"]) == (
        1, 300000)
    assert (r["renovation_deposits_refunded"], r["renovation_deposits_refunded_fen"]) == (
        1, 300000)
    assert (r["renovation_deposits_held"], r["renovation_deposits_held_fen"]) == (3, 900000)
    assert sec["renovation"]["charts"]["renovation_by_kind"] == {"general": 1}

    f = sec["fees"]["figures"]
    assert f["fees_collected_fen"] == 55470  # 25470 + 30000; the void 5000 and 1 Nov 700 not
    assert (f["fees_receipts"], f["fees_receipts_void"], f["fees_voided_fen"]) == (2, 1, 5000)
    assert (f["fees_refunds"], f["fees_refunded_fen"], f["fees_net_fen"]) == (1, 10000, 45470)
    assert (f["fees_billed"], f["fees_billed_fen"]) == (5, 69170)  # b1 b3 b4 b6 b7
    # in arrears on 31 Oct: 3-1-1202 (12345 due 10 Aug: 82 days; 1000 due 10 Apr: 204 days),
    # 3-1-1201 (8000 due 25 Oct, 5000 due 20 Oct: the voided receipt left it unpaid)
    assert (f["fees_arrears_units"], f["fees_arrears_fen"]) == (2, 26345)
    charts = sec["fees"]["charts"]
    assert charts["fees_by_kind"] == {"parking": 30000, "property": 25470}
    assert charts["fees_by_method"] == {"alipay": 30000, "cash": 20000, "wechat": 5470}
    assert charts["arrears_by_age"] == {"d0_30": 13000, "d31_90": 12345, "d91_180": 0,
                                        "over_180": 1000}

    h = sec["handovers"]
    assert h["figures"] == {"handovers": 2, "handovers_confirmed": 1,
                            "handovers_unconfirmed": 1, "handovers_with_notes": 1}
    assert len(h["items"]) == 1
    assert h["items"][0]["text"] == "3号楼电梯异响，业主电话138****5678"  # masked
    assert h["items"][0]["ref"]["kind"] == "handover"

    # nothing was recorded in these areas: said so, no zeros
    for key in ("survey", "registers", "ops"):
        assert sec[key]["has_data"] is False
        assert "figures" not in sec[key] and sec[key]["note"] == "本月无记录"


def test_figures_are_the_areas_own(october):
    """The report shows what each area's monthly service says — it does not recount."""
    from deskapp.services import ops
    from deskapp.services.cashier import close as cashier_close
    from deskapp.services.complaints import figures as complaints_figures
    from deskapp.services.reception import figures as reception_figures
    from deskapp.services.renovation import figures as renovation_figures

    report = _report(october)
    with october.db.read() as s:
        assert report.reception == reception_figures.monthly_summary(s, year=2026, month=10)
        assert report.renovation == renovation_figures.monthly_summary(s, year=2026, month=10)
        assert report.cashier == cashier_close.monthly_summary(s, year=2026, month=10)
        assert report.ops == ops.monthly_summary(s, year=2026, month=10)
        assert report.complaints.as_dict() == complaints_figures.monthly_analysis(
            s, year=2026, month=10).as_dict()


def test_every_drill_lists_exactly_the_records_counted(october):
    report = _report(october)
    layout = reports_layout.sections(report)
    checked = 0
    with october.db.read() as s:
        for section in layout:
            counted = [f for f in section.figures if not f.money]
            for chart in section.charts:
                counted += [b for b in chart.bars if not b.money]
            for figure in counted:
                if figure.drill is None:
                    continue
                d = drills.drill(s, by=october.boss, year=2026, month=10, key=figure.drill)
                n = d.source.count(s, ListQuery())
                assert n == figure.value, (figure.key, figure.drill)
                rows = d.source.fetch(s, ListQuery(), 0, 500)
                assert len(rows) == n, figure.drill
                checked += 1
        # amounts: the drill lists the receipts of that method / kind
        cash = drills.drill(s, by=october.boss, year=2026, month=10, key="receipts.method:cash")
        assert [r.cells[0] for r in cash.source.fetch(s, ListQuery(), 0, 50)] == [
            "SJ2026-000001"]
        arrears = drills.drill(s, by=october.boss, year=2026, month=10, key="arrears")
        rows = arrears.source.fetch(s, ListQuery(), 0, 50)
        assert [r.cells[0] for r in rows] == ["3-1-1202", "3-1-1201"]  # longest overdue first
        # unit, owner, phone, 0–30, 31–90, 91–180, >180, total, days …
        assert rows[0].cells[3:9] == ("", "¥123.45", "", "¥10.00", "¥133.45", "204")
        assert rows[1].cells[3:9] == ("¥130.00", "", "", "", "¥130.00", "11")
    assert checked >= 40


def test_drill_refuses_unknown_keys_and_arguments(october):
    with october.db.read() as s:
        for key in ("nonsense", "contacts.kind:flying", "receipts.method:gold"):
            with pytest.raises(ValidationError):
                drills.drill(s, by=october.boss, year=2026, month=10, key=key)


def test_a_month_without_records_says_so(october):
    report = _report(october, 2026, 3)
    layout = reports_layout.sections(report)
    assert reports_layout.is_empty(layout)
    data = as_dict(report, layout)
    assert data["empty"] is True
    assert all(not s["has_data"] and "figures" not in s for s in data["sections"].values())
    text = render_text(report)
    assert "2026-03 没有任何记录" in text
    assert "接待登记总数" not in text and "实收金额" not in text  # no zeros as if measured


def test_the_running_month_is_marked_partial(october):
    report = _report(october, 2026, 11)
    assert report.partial and report.as_of == date(2026, 11, 30)
    assert "本月尚未结束：数据截至 2026-11-30" in render_text(report)


def test_refusals(october, receptionist):
    with october.db.read() as s:
        with pytest.raises(ValidationError) as err:
            monthly.monthly_report(s, by=october.boss, year=2026, month=12)
        assert err.value.field == "month" and "还没有到" in str(err.value)
        with pytest.raises(ValidationError):
            monthly.monthly_report(s, by=october.boss, year=2026, month=13)
        with pytest.raises(PermissionDenied):
            monthly.monthly_report(s, by=receptionist, year=2026, month=10)
        with pytest.raises(PermissionDenied):
            drills.drill(s, by=receptionist, year=2026, month=10, key="contacts")


@pytest.mark.parametrize("text", ["2026-13", "2026", "26-10", "abc", "", "2026-10-01"])
def test_parse_month_refuses_bad_input(text, frozen_now):
    with pytest.raises(ValidationError) as err:
        months.parse_month(text)
    assert err.value.field == "month"


def test_parse_month_accepts_usual_forms(frozen_now):
    assert months.parse_month("2026-10") == (2026, 10)
    assert months.parse_month(" 2026/1 ") == (2026, 1)
    assert months.parse_month("２０２６－１０".replace("－", "-")) == (2026, 10)


def test_json_text_and_render(october):
    report = _report(october)
    data = json.loads(render_json(report))
    assert data["sections"]["fees"]["figures"]["fees_collected_fen"] == 55470
    text = render_text(report)
    assert "上海滩华府 客服部月报 2026-10" in text
    assert "实收金额" in text and "¥55,470.00" not in text  # fen: ¥554.70
    assert "¥554.70" in text
    assert "维修及时率" in text and "33.3%" in text
    assert "138****5678" in text and "13812345678" not in text
    assert "本月无记录" in text
    with pytest.raises(ValueError):
        render(report, "docx")


def test_xlsx_cells_and_charts(october):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render(_report(october), "xlsx")))
    ws = wb["月报"]
    by_key = {row[2]: row[1] for row in ws.iter_rows(values_only=True) if len(row) > 2 and row[2]}
    assert by_key["contacts"] == 5
    assert by_key["workorders_on_time_rate"] == pytest.approx(0.333)  # 33.3%, a percentage
    assert by_key["fees_collected_fen"] == pytest.approx(554.70)
    assert by_key["fees_arrears_fen"] == pytest.approx(263.45)
    assert by_key["renovation_deposits_held_fen"] == pytest.approx(9000.00)
    texts = [row[0] for row in ws.iter_rows(values_only=True)]
    assert "六、满意度调查" in texts and "本月无记录" in texts
    charts = wb["图表"]
    assert len(charts._charts) >= 8  # one bar chart per non-empty chart
    cells = [row for row in charts.iter_rows(values_only=True) if row[0]]
    assert ("报修", 1) in [(r[0], r[1]) for r in cells]
    assert ("支付宝", pytest.approx(300.0)) in [(r[0], r[1]) for r in cells]
    notes = wb["交接说明"]
    assert notes.cell(2, 2).value == "3号楼电梯异响，业主电话138****5678"


def test_pdf_text(october):
    text = pdf_text(render(_report(october), "pdf"))
    for expected in ("客服部月报（2026-10）", "上海滩华府", "一、前台接待", "维修及时率", "33.3%",
                     "投诉回访率", "月末在押保证金（金额）", "¥9,000.00", "欠费账龄",
                     "¥263.45", "¥130.00", "138****5678", "本月无记录",
                     "服务中心经理"):
        assert expected in text, expected
    assert "13812345678" not in text


def test_arrears_are_computed_once_per_report(october, monkeypatch):
    """Issue #17: the report and the cashier's summary share one arrears computation for a
    finished month (it was run twice, the slowest part of an old month's report)."""
    from deskapp.services.cashier import arrears as cashier_arrears
    from deskapp.services.cashier import close as cashier_close

    calls = []
    real = cashier_arrears.arrears_totals

    def counting(session, **kw):
        calls.append(kw["as_of"])
        return real(session, **kw)

    monkeypatch.setattr(cashier_arrears, "arrears_totals", counting)
    report = _report(october)
    assert calls == [date(2026, 10, 31)]
    monkeypatch.setattr(cashier_arrears, "arrears_totals", real)
    with october.db.read() as s:
        assert report.cashier == cashier_close.monthly_summary(s, year=2026, month=10)
        assert report.arrears == real(s, as_of=date(2026, 10, 31))
    assert report.cashier.arrears_fen == report.arrears.total_fen
