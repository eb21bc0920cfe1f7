"""Parking (issue #20 part 3): spaces, monthly passes with plates, billed by the cashier
to the fen (part months by the day), renewed, ended and amended with reasons, expiring
passes in the handover, the plate search and the month's figures. Bad input saves
nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from deskapp import clock
from deskapp.db.models import AuditEntry, UnitUse
from deskapp.db.models.cashier import Bill, BillStatus, FeeKind, ParkingLease
from deskapp.db.models.parking import ParkingSpace, SpaceKind
from deskapp.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from deskapp.services import hooks, units
from deskapp.services.cashier import fees
from deskapp.services.cashier.parking_bills import month_amount
from deskapp.services.customer import (
    parking,
    parking_common,
    parking_lists,
    parking_spaces,
    parking_views,
)
from deskapp.services.customer.month import monthly_summary
from deskapp.services.hooks import HandoverContext
from deskapp.services.listing import ListQuery
from deskapp.validators import plate

NOW = datetime(2026, 11, 10, 10, 0, 0)
STANDARDS = Path(__file__).parents[2] / "data" / "fee-standards.toml"


@pytest.fixture
def now():
    with clock.freeze(NOW):
        yield NOW


@pytest.fixture
def site(db, supervisor, specialist, now):
    """Units 3-1-1201 (home) and 7-1-0301 (office); spaces B1-001 rented, B1-002 owned by
    the home, V-01 visitor; the fee standards loaded."""
    with db.write() as s:  # this checkout's standards (PK-OWNED is new with parking)
        fees.load_standards(s, by=None, specs=fees.read_standards_file(STANDARDS))
        b = units.get_or_create_building(s, code="3", floors=18)
        home = units.create_unit(s, building=b, entrance="1", floor=12, room="1201",
                                 area=Decimal("89.36"))
        b7 = units.get_or_create_building(s, code="7", floors=10)
        office = units.create_unit(s, building=b7, entrance="1", floor=3, room="0301",
                                   area=Decimal("120.00"), use=UnitUse.OFFICE)
        units.add_occupant(s, unit=home, name="张三", phone="13812345678",
                           moved_in=date(2020, 5, 1))
        rented = parking_spaces.add_space(s, by=specialist, number="b1-001", kind="rented",
                                   zone="A区", floor="B1")
        owned = parking_spaces.add_space(s, by=specialist, number="B1-002", kind=SpaceKind.OWNED,
                                  floor="B1", owner_unit_id=home.id)
        parking_spaces.add_space(s, by=specialist, number="V-01", kind="visitor")
        return {"home": home.id, "office": office.id, "rented": rented.id, "owned": owned.id}


def count(db, model):
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def issue(db, by, **kw):
    values = dict(space="B1-001", plate="沪A12345", start_date="2026-11-15",
                  end_date="2026-12-14")
    values.update(kw)
    with db.write() as s:
        return parking.issue_pass(s, by=by, **values)


def parking_bills(db, unit_id):
    with db.read() as s:
        return list(s.execute(select(Bill).where(Bill.unit_id == unit_id,
                                                 Bill.kind == FeeKind.PARKING)
                              .order_by(Bill.period)).scalars())


# ------------------------------------------------------------------ plates


@pytest.mark.parametrize("raw,expected", [
    ("沪A12345", "沪A12345"), ("京a·1234x", "京A1234X"), (" 粤B 123-45 ", "粤B12345"),
    ("苏E1234学", "苏E1234学"), ("沪AD12345", "沪AD12345"), ("沪AFA1234", "沪AFA1234"),
    ("粤B12345D", "粤B12345D"), ("京Ａ１２３４５", "京A12345"),
])
def test_plates_accepted_and_normalised(raw, expected):
    assert plate(raw) == expected


@pytest.mark.parametrize("raw,key", [
    ("", "validate.plate.empty"), ("A12345", "validate.plate.province"),
    ("AB12345", "validate.plate.province"), ("沪A1234", "validate.plate.length"),
    ("沪A1234567", "validate.plate.length"), ("沪A1O345", "validate.plate.invalid"),
    ("沪112345", "validate.plate.invalid"), ("沪AX12345", "validate.plate.new_energy"),
    ("沪AD1234Z", "validate.plate.new_energy"), ("粤B1234DD", "validate.plate.new_energy"),
])
def test_wrong_plates_refused_with_their_reason(raw, key):
    with pytest.raises(ValidationError) as err:
        plate(raw, field="plate")
    assert (err.value.key, err.value.field) == (key, "plate")


# ------------------------------------------------------------------ spaces


def test_spaces_rules(db, specialist, receptionist, site):
    with db.write() as s, pytest.raises(Conflict):
        parking_spaces.add_space(s, by=specialist, number=" b1-001 ", kind="rented")
    with db.write() as s, pytest.raises(ValidationError) as err:
        parking_spaces.add_space(s, by=specialist, number="B1-009", kind="owned")
    assert err.value.field == "owner_unit"
    with db.write() as s, pytest.raises(ValidationError):
        parking_spaces.add_space(s, by=specialist, number="B1-009", kind="rented",
                          owner_unit_id=site["home"])
    with db.write() as s, pytest.raises(PermissionDenied):
        parking_spaces.add_space(s, by=receptionist, number="B1-009", kind="rented")
    assert count(db, ParkingSpace) == 3
    with db.write() as s:
        space = parking_spaces.amend_space(s, by=specialist, space_id=site["rented"], zone="B区",
                                    reason="现场核对区域")
        assert space.zone == "B区"
    with db.write() as s, pytest.raises(ValidationError) as err:
        parking_spaces.amend_space(s, by=specialist, space_id=site["rented"], zone="B区", reason="再改")
    assert err.value.key == "parking.nothing_changed"


# ------------------------------------------------------------------ passes


def test_issue_pass_audited_and_billed_to_the_fen(db, receptionist, supervisor, site):
    lease = issue(db, receptionist, unit_id=site["office"], holder="王五",
                  holder_phone="139 0000 1111")
    assert (lease.plate, lease.space_no, lease.fee_code) == ("沪A12345", "B1-001", "PK-OFFICE")
    assert lease.end_date == date(2026, 12, 14) and lease.holder_phone == "13900001111"
    with db.read() as s:
        entry = s.execute(select(AuditEntry).where(
            AuditEntry.action == "parking.pass.issue")).scalar_one()
        assert "13900001111" not in entry.detail and "139****1111" in entry.detail
    with db.write() as s:
        for period in ("2026-10", "2026-11", "2026-12", "2027-01"):
            fees.generate_bills(s, by=supervisor, period=period, kinds=[FeeKind.PARKING])
        again = fees.generate_bills(s, by=supervisor, period="2026-12",
                                       kinds=[FeeKind.PARKING])
        assert (again.created, again.existing) == (0, 1)
    bills = parking_bills(db, site["office"])
    # 350.00/month: 16 of 30 November days = 186.666… → 186.67; 14 of 31 December days
    # = 158.064… → 158.06; nothing for October or January
    assert [(b.period, b.amount_fen) for b in bills] == [("2026-11", 18667),
                                                         ("2026-12", 15806)]
    assert bills[0].source_kind == "parking_lease" and bills[0].source_id == lease.id
    assert "沪A12345" in bills[0].description and "16/30" in bills[0].description
    assert bills[0].quantity == Decimal("0.533")


def test_month_amount_rounds_once_half_up():
    assert month_amount(30000, 31, 31) == 30000
    assert month_amount(30000, 1, 31) == 968  # 967.74…
    assert month_amount(15, 1, 30) == 1  # 0.5 exactly → up (Decimal 1/30 × 15 would not)
    assert month_amount(8000, 15, 30) == 4000


def test_bad_plate_saves_nothing(db, receptionist, site):
    with db.write() as s, pytest.raises(ValidationError) as err:
        parking.issue_pass(s, by=receptionist, space="B1-001", unit_id=site["home"],
                           plate="沪A1O345", start_date="2026-11-15", months=1)
    assert (err.value.field, err.value.key) == ("plate", "validate.plate.invalid")
    assert count(db, ParkingLease) == 0
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.like("parking.pass%"))).scalar_one() == 0


def test_space_plate_owner_and_visitor_rules(db, receptionist, site):
    issue(db, receptionist, unit_id=site["home"])
    with pytest.raises(Conflict) as err:  # the space is taken on those days
        issue(db, receptionist, unit_id=site["office"], plate="沪B22222",
              start_date="2026-12-01", months=2)
    assert err.value.key == "parking.space.taken"
    with pytest.raises(Conflict) as err:  # one plate, one pass
        issue(db, receptionist, unit_id=site["home"], space="B1-002",
              start_date="2026-12-01", months=1)
    assert err.value.key == "parking.plate.taken"
    with pytest.raises(ValidationError) as err:  # an owned space: its owner only
        issue(db, receptionist, unit_id=site["office"], space="B1-002", plate="沪B22222")
    assert err.value.field == "unit"
    with pytest.raises(InvalidTransition):
        issue(db, receptionist, unit_id=site["home"], space="V-01", plate="沪B22222")
    with pytest.raises(ValidationError) as err:
        issue(db, receptionist, unit_id=site["home"], space="B1-002", plate="沪B22222",
              end_date="2026-11-01")
    assert err.value.key == "parking.end_before_start"
    owned = issue(db, receptionist, unit_id=site["home"], space="B1-002", plate="沪B22222",
                  start_date="2026-12-01", end_date=None, months=12)
    assert (owned.fee_code, owned.end_date) == ("PK-OWNED", date(2027, 11, 30))
    assert count(db, ParkingLease) == 2


def test_add_months():
    assert parking_common.add_months(date(2026, 1, 15), 1) == date(2026, 2, 14)
    assert parking_common.add_months(date(2026, 1, 1), 1) == date(2026, 1, 31)
    assert parking_common.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert parking_common.add_months(date(2026, 11, 1), 3) == date(2027, 1, 31)


def test_renew_end_and_amend(db, receptionist, supervisor, site):
    lease = issue(db, receptionist, unit_id=site["home"])
    with db.write() as s:
        renewed = parking.renew_pass(s, by=receptionist, lease_id=lease.id, months="2")
        assert renewed.end_date == date(2027, 2, 14)
    with db.write() as s, pytest.raises(ValidationError) as err:
        parking.renew_pass(s, by=receptionist, lease_id=lease.id, until="2027-01-01")
    assert err.value.key == "parking.renew.not_later"
    with db.write() as s:
        fees.generate_bills(s, by=supervisor, period="2027-01", kinds=[FeeKind.PARKING])
    with db.write() as s, pytest.raises(ValidationError) as err:
        parking.end_pass(s, by=receptionist, lease_id=lease.id, end_date="2026-12-31",
                         reason="")
    assert err.value.field == "reason"
    with db.read() as s:
        preview = parking.end_preview(s, by=receptionist, lease_id=lease.id,
                                      end_date="2026-12-31", reason="车辆已出售")
        assert any("2027-01" in n for n in preview.notes)  # a bill after the end, named
        mid = parking.end_preview(s, by=receptionist, lease_id=lease.id,
                                  end_date="2027-01-10", reason="车辆已出售")
        # January billed whole (300.00); to the 10th it is 10/31 → 96.77
        assert any("300.00" in n and "96.77" in n for n in mid.notes)
    with db.write() as s:
        parking.end_pass(s, by=receptionist, lease_id=lease.id, end_date="2026-12-31",
                         reason="车辆已出售")
    with db.write() as s:
        result = fees.generate_bills(s, by=supervisor, period="2027-02",
                                        kinds=[FeeKind.PARKING])
        assert result.created == 0
    with db.write() as s, pytest.raises(InvalidTransition):
        parking.renew_pass(s, by=receptionist, lease_id=lease.id, months=1)
    with db.write() as s:
        amended = parking.amend_pass(s, by=receptionist, lease_id=lease.id,
                                     plate="沪AD88888", reason="换了新能源车")
        assert amended.plate == "沪AD88888"
    with db.write() as s, pytest.raises(ValidationError):
        parking.amend_pass(s, by=receptionist, lease_id=lease.id, plate="沪AD88888",
                           reason="again")
    with db.read() as s:
        card = parking_views.card(s, lease.id)
        text = "\n".join(card.lines())
        assert "车辆已出售" in text and "沪A12345→沪AD88888" in text and "2027-01" in text
        assert [(b.period, b.status) for b in card.bills] == [("2027-01", BillStatus.OPEN)]


def test_expiring_handover_plate_search_and_month(db, receptionist, supervisor, site):
    issue(db, receptionist, unit_id=site["home"], holder="张三", holder_phone="13812345678",
          start_date="2026-11-01", end_date="2026-11-30")
    issue(db, receptionist, unit_id=site["office"], space="B1-001",
          plate="粤B12345D", start_date="2026-12-01", months=6)
    with db.read() as s:
        hits = parking_views.find_plate(s, "沪a·123")
        assert [(h.plate, h.status, h.phone_masked) for h in hits] == [
            ("沪A12345", "expiring", "138****5678")]
        with pytest.raises(ValidationError):
            parking_views.find_plate(s, "沪")
        soon = parking_views.expiring(s)
        assert [le.plate for le, _ in soon] == ["沪A12345"]
        items = [i for i in hooks.open_items(s, HandoverContext(NOW, NOW))
                 if i.section == "parking.section.expiring"]
        assert len(items) == 1 and "沪A12345" in items[0].label and not items[0].overdue
        assert items[0].ref.kind == "parking_pass"
        src = parking_lists.PassSource()
        page = src.fetch(s, ListQuery(filters={"status": "expiring"}), 0, 50)
        assert [r.cells[0] for r in page] == ["沪A12345"]
        page = src.fetch(s, ListQuery(filters={"status": "future"}), 0, 50)
        assert [r.cells[0] for r in page] == ["粤B12345D"]
        spaces = parking_lists.SpaceSource().fetch(s, ListQuery(filters={"free": "free"}), 0, 50)
        assert [r.cells[0] for r in spaces] == ["B1-002"]
    with db.write() as s:
        fees.generate_bills(s, by=supervisor, period="2026-11", kinds=[FeeKind.PARKING])
    with db.read() as s:
        month = monthly_summary(s, year=2026, month=11)
        section = next(x for x in month.sections if x.key == "parking")
        figures = {f.key: f.value for f in section.figures}
        assert figures["parking_spaces"] == 2 and figures["parking_issued"] == 2
        assert figures["parking_ending"] == 1 and figures["parking_billed"] == 30000
        assert figures["parking_paid"] == 0 and section.has_data


def test_receptionist_cannot_issue_for_unknown_space(db, receptionist, site):
    with pytest.raises(Exception) as err:
        issue(db, receptionist, unit_id=site["home"], space="Z-99")
    assert getattr(err.value, "key", "") == "parking.space.unknown"
    assert count(db, ParkingLease) == 0


def test_renewal_after_a_part_month_bill_adds_the_days_left(db, receptionist, supervisor,
                                                            site):
    """December billed for 14 days, then the pass is renewed: the next run bills the 17
    days added, and December's two bills add up to the whole month (rounded once)."""
    lease = issue(db, receptionist, unit_id=site["home"])  # to 12-14, 300.00/month
    with db.write() as s:
        fees.generate_bills(s, by=supervisor, period="2026-12", kinds=[FeeKind.PARKING])
        parking.renew_pass(s, by=receptionist, lease_id=lease.id, months=1)  # to 2027-01-14
    with db.write() as s:
        result = fees.generate_bills(s, by=supervisor, period="2026-12",
                                        kinds=[FeeKind.PARKING])
        assert result.created == 1
        again = fees.generate_bills(s, by=supervisor, period="2026-12",
                                       kinds=[FeeKind.PARKING])
        assert (again.created, again.existing) == (0, 1)
    december = [b.amount_fen for b in parking_bills(db, site["home"])]
    assert december == [13548, 16452] and sum(december) == 30000  # 14/31 → 135.48


def test_monthly_report_has_the_parking_section(db, receptionist, supervisor, site):
    from deskapp.services.reports import layout, monthly

    issue(db, receptionist, unit_id=site["home"], start_date="2026-11-01", months=1)
    with db.write() as s:
        fees.generate_bills(s, by=supervisor, period="2026-11", kinds=[FeeKind.PARKING])
    with db.read() as s:
        report = monthly.monthly_report(s, by=supervisor, year=2026, month=11)
    section = next(x for x in layout.sections(report) if x.key == "parking")
    figures = {f.key: f for f in section.figures}
    assert section.title == "停车" and section.has_data
    assert figures["parking_billed"].text == "¥300.00" and figures["parking_billed"].money
    assert figures["parking_leased"].value == 1 and figures["parking_issued"].text == "1"
