"""Cashier services: fee standards, bills, payments, receipts, voids, refunds, arrears,
reminders, the daily close, the month's figures, the handover summary and the PDFs."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry, Staff, Unit, UnitUse
from deskapp.db.models.cashier import (
    ArrearsReminder,
    Bill,
    BillStatus,
    CloseStatus,
    DailyClose,
    FeeBasis,
    FeeKind,
    FeeScope,
    MeterKind,
    PayMethod,
    Receipt,
    ReminderChannel,
)
from deskapp.db.models.reception import Contact, ContactKind
from deskapp.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from deskapp.money import multiply_rate, yuan_to_fen
from deskapp.printing import receipt as receipt_paper
from deskapp.printing.pdf import pdf_pages, pdf_text
from deskapp.services import hooks, numbering, units
from deskapp.services.cashier import arrears, fees, meters, payments, refunds, views
from deskapp.services.cashier import close as cashier_close
from deskapp.services.cashier.fees import StandardSpec

NOW = datetime(2026, 11, 30, 10, 0)
TODAY = NOW.date()


def spec(code: str, kind: FeeKind, basis: FeeBasis, price: int, scope: FeeScope = FeeScope.ALL,
         eff: date = date(2024, 1, 1), name: str | None = None) -> StandardSpec:
    return StandardSpec(code, name or code, kind, basis, price, scope, eff)


STANDARDS = [
    spec("PF-RES", FeeKind.PROPERTY, FeeBasis.PER_M2_MONTH, 285, FeeScope.RESIDENCE,
         name="物业服务费（住宅）"),
    spec("PF-RES", FeeKind.PROPERTY, FeeBasis.PER_M2_MONTH, 300, FeeScope.RESIDENCE,
         eff=date(2026, 12, 1), name="物业服务费（住宅）"),
    spec("PF-OFF", FeeKind.PROPERTY, FeeBasis.PER_M2_MONTH, 450, FeeScope.OFFICE),
    spec("PK-MONTH", FeeKind.PARKING, FeeBasis.PER_SPACE_MONTH, 30000, name="地下固定车位"),
    spec("PK-OFFICE", FeeKind.PARKING, FeeBasis.PER_SPACE_MONTH, 35000, FeeScope.OFFICE),
    spec("WA-RES", FeeKind.WATER, FeeBasis.PER_UNIT_READING, 365, FeeScope.RESIDENCE,
         name="居民生活用水"),
    spec("EL-RES", FeeKind.ELECTRICITY, FeeBasis.PER_UNIT_READING, 56, FeeScope.RESIDENCE),
    spec("SV-MOVE", FeeKind.SERVICE, FeeBasis.FIXED, 5000, name="搬家协助"),
    spec("SV-PRINT", FeeKind.SERVICE, FeeBasis.FIXED, 50, name="打印复印"),
    spec("DP-RENO-RES", FeeKind.DEPOSIT, FeeBasis.FIXED, 300000, FeeScope.RESIDENCE,
         name="装修保证金（住宅）"),
]


@dataclass
class Site:
    db: Database
    boss: Staff
    desk: Staff
    desk2: Staff
    cs: Staff
    home: int  # 3-1-1201, 10.10 m² (a half-fen product at 2.85 yuan/m²)
    home2: int  # 3-1-1202, 89.37 m²
    office: int  # 7-601, 120.00 m²

    def write(self) -> Session:
        return self.db.write()  # type: ignore[return-value]


def make_site(db: Database, boss: Staff, desk: Staff, cs: Staff) -> Site:
    from deskapp.services import staff as staff_svc
    from tests.conftest import _password_hashed_once

    with _password_hashed_once(), db.write() as s:
        desk2 = staff_svc.create_staff(s, by=boss, login="desk2", name="刘前台",
                                       role=desk.role, password="secret123")
        b3 = units.get_or_create_building(s, code="3")
        b7 = units.get_or_create_building(s, code="7")
        u1 = units.create_unit(s, building=b3, entrance="1", floor=12, room="1201",
                               area=Decimal("10.10"))
        u2 = units.create_unit(s, building=b3, entrance="1", floor=12, room="1202",
                               area=Decimal("89.37"))
        u3 = units.create_unit(s, building=b7, entrance="", floor=6, room="601",
                               area=Decimal("120.00"), use=UnitUse.OFFICE)
        units.add_occupant(s, unit=u1, name="张三", phone="13812345678")
        units.add_occupant(s, unit=u2, name="李四", phone="13912345678")
        units.add_occupant(s, unit=u3, name="洛阳某科技公司", phone="0379-65551234")
        fees.load_standards(s, by=boss, specs=STANDARDS)
        return Site(db, boss, desk, desk2, cs, u1.id, u2.id, u3.id)  # type: ignore[arg-type]


@pytest.fixture
def site(db: Database, supervisor: Staff, receptionist: Staff, specialist: Staff,
         frozen_now: datetime) -> Site:
    return make_site(db, supervisor, receptionist, specialist)


def rid() -> str:
    return uuid.uuid4().hex


def bills_of(s: Session, unit_id: int) -> list[Bill]:
    return fees.open_bills(s, unit_id)


def pay_all(s: Session, st: Site, unit_id: int, *, by: Staff | None = None,
            method: PayMethod = PayMethod.CASH) -> Receipt:
    bills = bills_of(s, unit_id)
    total = sum(b.amount_fen for b in bills)
    return payments.take_payment(s, by=by or st.desk, request_id=rid(), unit_id=unit_id,
                          bill_ids=[b.id for b in bills], tenders=[payments.Tender(method, total)])


def count(s: Session, model: type) -> int:
    return s.exec(select(func.count()).select_from(model)).one()


# --------------------------------------------------------------------------------------
# HALF_UP: the one rounding
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("quantity", "rate", "fen"), [
    ("0.125", 100, 13),  # 0.125 yuan → 0.13
    ("0.124", 100, 12),
    ("10.10", 285, 2879),  # 2878.5 → 2879 (banker's rounding would give 2878)
    ("0.10", 285, 29),  # 28.5 → 29
    ("89.37", 285, 25470),  # 25470.45 → 25470
    ("12.5", 1, 13),
    ("-12.5", 1, -13),
])
def test_half_up_vectors(quantity: str, rate: int, fen: int) -> None:
    assert multiply_rate(quantity, rate) == fen


def test_yuan_vector() -> None:
    assert yuan_to_fen("0.125") == 13
    assert yuan_to_fen("0.135") == 14
    assert yuan_to_fen("2.675") == 268  # float would say 2.67499…


# --------------------------------------------------------------------------------------
# Fee standards
# --------------------------------------------------------------------------------------


def test_shipped_standards_load_and_are_idempotent(db, supervisor, frozen_now) -> None:
    specs = fees.read_standards_file()
    assert {s.code for s in specs} >= {"PF-RES", "PF-OFF", "PK-MONTH", "DP-RENO-RES"}
    assert all(isinstance(s.unit_price_fen, int) for s in specs)
    with db.write() as s:
        first = fees.load_standards(s, by=None)
        assert first.added == len(specs)
    with db.write() as s:
        again = fees.load_standards(s, by=supervisor)
        assert (again.added, again.unchanged) == (0, len(specs))
        assert fees.standard_for(s, "PF-RES", TODAY).unit_price_fen == 220


def test_loading_needs_a_supervisor_once_standards_exist(site: Site) -> None:
    with site.write() as s, pytest.raises(PermissionDenied):
        fees.load_standards(s, by=site.desk, specs=STANDARDS)


def test_changed_price_on_same_date_is_refused(site: Site) -> None:
    changed = [spec("PF-OFF", FeeKind.PROPERTY, FeeBasis.PER_M2_MONTH, 500, FeeScope.OFFICE)]
    with site.write() as s, pytest.raises(Conflict) as err:
        fees.load_standards(s, by=site.boss, specs=changed)
    assert err.value.key == "cashier.standards.changed"


def test_bad_standards_file_is_refused_whole(tmp_path) -> None:
    path = tmp_path / "fees.toml"
    path.write_text('[[standard]]\ncode="X"\nname="x"\nkind="property"\nbasis="fixed"\n'
                    'unit_price_fen=2.5\napplies_to="all"\neffective_from=2024-01-01\n',
                    encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        fees.read_standards_file(path)
    assert err.value.key == "cashier.standards.bad"


def test_standard_by_date(site: Site) -> None:
    with site.db.read() as s:
        assert fees.standard_for(s, "PF-RES", date(2026, 11, 30)).unit_price_fen == 285
        assert fees.standard_for(s, "PF-RES", date(2026, 12, 1)).unit_price_fen == 300
        with pytest.raises(NotFound):
            fees.standard_for(s, "NOPE", TODAY)
        with pytest.raises(ValidationError):
            fees.standard_for(s, "PF-RES", date(2023, 1, 1))


# --------------------------------------------------------------------------------------
# Bills
# --------------------------------------------------------------------------------------


def test_generate_is_idempotent_and_rounds_once(site: Site) -> None:
    with site.write() as s:
        result = fees.generate_bills(s, by=site.desk, period="2026-11")
        assert result.created == 3 and result.existing == 0
    with site.write() as s:
        again = fees.generate_bills(s, by=site.desk, period="2026年11月")
        assert (again.created, again.existing) == (0, 3)
        home = bills_of(s, site.home)
        assert [b.amount_fen for b in home] == [2879]  # 10.10 × 2.85 = 28.785 → 28.79
        assert home[0].due_date == date(2026, 11, 30)
        assert [b.amount_fen for b in bills_of(s, site.home2)] == [25470]
        assert [b.amount_fen for b in bills_of(s, site.office)] == [54000]


def test_price_change_never_rewrites_past_bills(site: Site) -> None:
    with site.write() as s:
        fees.generate_bills(s, by=site.desk, period="2026-11", unit_id=site.home2)
        fees.generate_bills(s, by=site.desk, period="2026-12", unit_id=site.home2)
        nov, dec = bills_of(s, site.home2)
        assert (nov.unit_price_fen, nov.amount_fen) == (285, 25470)
        assert (dec.unit_price_fen, dec.amount_fen) == (300, 26811)  # 26811.0


def test_generate_one_building_and_parking(site: Site) -> None:
    from deskapp.services.customer import (
        parking,  # the passes are the parking desk's
        parking_spaces,
    )

    with site.write() as s:
        parking_spaces.add_space(s, by=site.cs, number="b1-023", kind="rented")
        parking.issue_pass(s, by=site.desk, unit_id=site.office, space="B1-023",
                           plate="沪A12345", start_date=date(2026, 11, 15), months=12)
        result = fees.generate_bills(s, by=site.desk, period="2026-11", building="7")
        assert result.created == 2
        kinds = sorted(b.kind for b in bills_of(s, site.office))
        assert kinds == [FeeKind.PARKING, FeeKind.PROPERTY]
        # the office's pass from the 15th: 16 of 30 days × 350.00 = 186.666… → 186.67
        assert [b.amount_fen for b in bills_of(s, site.office)
                if b.kind == FeeKind.PARKING] == [18667]
        assert bills_of(s, site.home) == []
        with pytest.raises(Conflict):
            parking.issue_pass(s, by=site.desk, unit_id=site.home, space="B1-023",
                               plate="沪B12345", start_date=date(2026, 12, 1), months=1)
        chosen = fees.generate_bills(s, by=site.desk, period="2026-12", unit_ids=[site.home])
        assert chosen.created == 1 and [b.period for b in bills_of(s, site.home)] == ["2026-12"]


def test_generate_bad_period_saves_nothing(site: Site) -> None:
    for bad in ("2026-13", "26-11", "下个月", ""):
        with site.write() as s, pytest.raises(ValidationError) as err:
            fees.generate_bills(s, by=site.desk, period=bad)
        assert err.value.field == "period"
    with site.db.read() as s:
        assert count(s, Bill) == 0


@pytest.mark.parametrize("amount", [0, -500, True, "12.00", 12.5])
def test_add_charge_refuses_bad_amounts(site: Site, amount: object) -> None:
    with site.write() as s, pytest.raises(ValidationError) as err:
        fees.add_charge(s, by=site.desk, unit_id=site.home, fee_code="SV-MOVE",
                     amount_fen=amount, description="搬家")  # type: ignore[arg-type]
    assert err.value.field == "amount"
    with site.db.read() as s:
        assert count(s, Bill) == 0


def test_add_charge_deposit_contract(site: Site) -> None:
    with site.write() as s:
        bill = fees.add_charge(s, by=site.cs, unit_id=site.home, fee_code="DP-RENO-RES",
                            amount_fen=300000, description="装修保证金 3-1-1201",
                            source_kind="renovation", source_id=7)
        assert bill.kind == FeeKind.DEPOSIT and bill.status == BillStatus.OPEN
        assert (bill.source_kind, bill.source_id, bill.due_date) == ("renovation", 7, TODAY)
        with pytest.raises(NotFound):
            fees.add_charge(s, by=site.desk, unit_id=site.home, fee_code="NOPE", amount_fen=1,
                         description="x")
        with pytest.raises(NotFound):
            fees.add_charge(s, by=site.desk, unit_id=99999, fee_code="SV-MOVE", amount_fen=1,
                         description="x")


def test_charge_item_quantity_times_price(site: Site) -> None:
    with site.write() as s:
        bill = fees.charge_item(s, by=site.desk, unit_id=site.home, fee_code="SV-PRINT",
                             quantity="7", description="合同复印")
        assert bill.amount_fen == 350 and "×7" in bill.description
        with pytest.raises(ValidationError):
            fees.charge_item(s, by=site.desk, unit_id=site.home, fee_code="WA-RES", quantity=3)
        with pytest.raises(ValidationError):
            fees.charge_item(s, by=site.desk, unit_id=site.home, fee_code="SV-PRINT", quantity="-1")


def test_cancel_bill_rules(site: Site) -> None:
    with site.write() as s:
        fees.generate_bills(s, by=site.desk, period="2026-11")
        bill = bills_of(s, site.home)[0]
    with site.write() as s:
        with pytest.raises(PermissionDenied):
            fees.cancel_bill(s, by=site.desk, bill_id=bill.id, reason="面积录错")
        with pytest.raises(ValidationError):
            fees.cancel_bill(s, by=site.boss, bill_id=bill.id, reason=" ")
        fees.cancel_bill(s, by=site.boss, bill_id=bill.id, reason="面积录错")
    with site.write() as s:
        assert fees.generate_bills(s, by=site.desk, period="2026-11").created == 0
        with pytest.raises(Conflict):
            payments.take_payment(s, by=site.desk, request_id=rid(), unit_id=site.home,
                           bill_ids=[bill.id], tenders=[payments.Tender(PayMethod.CASH, 2879)])
        paid = pay_all(s, site, site.home2)
        with pytest.raises(InvalidTransition):
            fees.cancel_bill(s, by=site.boss, bill_id=bills_for_receipt(s, paid)[0],
                          reason="重复")


def bills_for_receipt(s: Session, receipt: Receipt) -> list[int]:
    return list(s.exec(select(Bill.id).where(Bill.receipt_id == receipt.id)).all())


# --------------------------------------------------------------------------------------
# Meter readings
# --------------------------------------------------------------------------------------


def test_meter_readings(site: Site) -> None:
    with site.write() as s:
        first = meters.record_meter_reading(s, by=site.desk, unit_id=site.home, kind=MeterKind.WATER,
                                       period="2026-09", value="100.00")
        assert first.consumption == Decimal("100.00")
        second = meters.record_meter_reading(s, by=site.desk, unit_id=site.home,
                                        kind=MeterKind.WATER, period="2026-10", value="112.50")
        assert second.consumption == Decimal("12.50")
        bill = s.get(Bill, second.bill_id)
        assert bill is not None and bill.amount_fen == 4563  # 12.5 × 3.65 = 45.625 → 45.63
    with site.write() as s, pytest.raises(ValidationError) as err:
        meters.record_meter_reading(s, by=site.desk, unit_id=site.home, kind=MeterKind.WATER,
                               period="2026-11", value="99")
    assert err.value.key == "cashier.meter.below_last" and err.value.field == "value"
    with site.write() as s, pytest.raises(ValidationError):
        meters.record_meter_reading(s, by=site.desk, unit_id=site.home, kind=MeterKind.WATER,
                               period="2026-11", value="abc")
    with site.write() as s:
        changed = meters.record_meter_reading(s, by=site.desk, unit_id=site.home,
                                         kind=MeterKind.WATER, period="2026-11", value="3",
                                         meter_changed=True, old_final="120", new_start="0")
        assert changed.consumption == Decimal("10.5")  # 7.5 on the old meter + 3 on the new
        with pytest.raises(Conflict):
            meters.record_meter_reading(s, by=site.desk, unit_id=site.home, kind=MeterKind.WATER,
                                   period="2026-11", value="4", meter_changed=True,
                                   old_final="3")
    with site.db.read() as s:
        assert meters.last_reading(s, site.home, MeterKind.WATER).value == Decimal("3.00")


def test_meter_change_needs_old_final(site: Site) -> None:
    with site.write() as s:
        meters.record_meter_reading(s, by=site.desk, unit_id=site.home, kind=MeterKind.ELECTRICITY,
                               period="2026-10", value="500")
    with site.write() as s, pytest.raises(ValidationError) as err:
        meters.record_meter_reading(s, by=site.desk, unit_id=site.home, kind=MeterKind.ELECTRICITY,
                               period="2026-11", value="5", meter_changed=True)
    assert err.value.field == "old_final"


def test_cancelled_reading_can_be_entered_again(site: Site) -> None:
    with site.write() as s:
        meters.record_meter_reading(s, by=site.desk, unit_id=site.home, kind=MeterKind.WATER,
                               period="2026-10", value="10", start_value="0")
        wrong = meters.record_meter_reading(s, by=site.desk, unit_id=site.home,
                                       kind=MeterKind.WATER, period="2026-11", value="1000")
        fees.cancel_bill(s, by=site.boss, bill_id=wrong.bill_id, reason="抄错读数")
        right = meters.record_meter_reading(s, by=site.desk, unit_id=site.home,
                                       kind=MeterKind.WATER, period="2026-11", value="20")
        assert right.previous_value == Decimal("10.00")


# --------------------------------------------------------------------------------------
# Payments and receipts
# --------------------------------------------------------------------------------------


@pytest.fixture
def billed(site: Site) -> Site:
    with site.write() as s:
        fees.generate_bills(s, by=site.desk, period="2026-10")
        fees.generate_bills(s, by=site.desk, period="2026-11")
    return site


def test_cash_payment_with_change(billed: Site) -> None:
    st = billed
    with st.write() as s:
        bills = bills_of(s, st.home2)
        receipt = payments.take_payment(s, by=st.desk, request_id=rid(), unit_id=st.home2,
                                 bill_ids=[b.id for b in bills],
                                 tenders=[payments.Tender(PayMethod.CASH, 50940, 60000)], desk="前台1")
        assert receipt.number == "SJ2026-000001"
        assert (receipt.total_fen, receipt.change_fen) == (50940, 9060)
        assert receipt.payer_name == "李四" and receipt.business_date == TODAY
        assert all(b.status == BillStatus.PAID for b in bills)
    with st.db.read() as s:
        actions = s.exec(select(AuditEntry.action)).all()
        assert "cashier.receipt.issue" in actions
        view = views.receipt_view(s, receipt_id=receipt.id)
        assert view.capital == "伍佰零玖元肆角整"
        assert "找零 ¥90.60" in view.tender_text()


def test_mixed_tenders_and_numbers_follow_on(billed: Site) -> None:
    st = billed
    with st.write() as s:
        first = pay_all(s, st, st.home)
        bills = bills_of(s, st.office)
        second = payments.take_payment(s, by=st.desk2, request_id=rid(), unit_id=st.office,
                                bill_ids=[b.id for b in bills], payer_name="财务 王会计",
                                tenders=[payments.Tender(PayMethod.WECHAT, 100000),
                                         payments.Tender(PayMethod.CASH, 8000, 10000)])
        assert (first.seq, second.seq) == (1, 2)
        assert second.methods == "wechat,cash" and second.change_fen == 2000
        assert second.payer_name == "财务 王会计"


@pytest.mark.parametrize(("tenders", "field", "key"), [
    ([], "tenders", "cashier.pay.no_tender"),
    ([payments.Tender(PayMethod.CASH, 5000)], "tenders", "cashier.pay.short"),
    ([payments.Tender(PayMethod.CASH, 60000)], "tenders", "cashier.pay.over"),
    ([payments.Tender(PayMethod.CASH, 50940, 50000)], "tendered", "cashier.pay.tendered_short"),
    ([payments.Tender(PayMethod.CASH, -50940)], "tender_cash", "cashier.amount.positive"),
    ([payments.Tender(PayMethod.WECHAT, 0), payments.Tender(PayMethod.CASH, 50940)], "tender_wechat",
     "cashier.amount.positive"),
    ([payments.Tender(PayMethod.CASH, "509.40")], "tender_cash", "cashier.amount.invalid"),  # type: ignore[arg-type]
    ([payments.Tender(PayMethod.CASH, 40940), payments.Tender(PayMethod.CASH, 10000)], "tender_cash",
     "cashier.pay.duplicate_method"),
    ([payments.Tender(PayMethod.WECHAT, 50940, 60000)], "tender_wechat",
     "cashier.pay.tendered_cash_only"),
])
def test_bad_tenders_save_nothing_and_use_no_number(billed: Site, tenders, field, key) -> None:
    st = billed
    with st.db.read() as s:
        ids = [b.id for b in bills_of(s, st.home2)]
    with st.write() as s, pytest.raises(ValidationError) as err:
        payments.take_payment(s, by=st.desk, request_id=rid(), unit_id=st.home2, bill_ids=ids,
                       tenders=tenders)
    assert (err.value.key, err.value.field) == (key, field)
    assert str(err.value) != key  # a real message in the catalogue
    with st.db.read() as s:
        assert count(s, Receipt) == 0
        assert numbering.peek(s, "receipt.SJ2026") == 0
        assert all(b.status == BillStatus.OPEN for b in bills_of(s, st.home2))


def test_paying_an_item_twice_is_refused(billed: Site) -> None:
    st = billed
    with st.write() as s:
        bill = bills_of(s, st.home)[0]
        first = payments.take_payment(s, by=st.desk, request_id=rid(), unit_id=st.home,
                               bill_ids=[bill.id], tenders=[payments.Tender(PayMethod.CASH, 2879)])
    with st.write() as s, pytest.raises(Conflict) as err:
        payments.take_payment(s, by=st.desk2, request_id=rid(), unit_id=st.home, bill_ids=[bill.id],
                       tenders=[payments.Tender(PayMethod.CASH, 2879)])
    assert err.value.key == "cashier.pay.already_paid"
    assert first.number in str(err.value)
    with st.db.read() as s:
        assert count(s, Receipt) == 1 and numbering.peek(s, "receipt.SJ2026") == 1


def test_items_must_be_chosen_and_belong_to_the_unit(billed: Site) -> None:
    st = billed
    with st.db.read() as s:
        other = bills_of(s, st.office)[0].id
        mine = bills_of(s, st.home)[0].id
    for ids, key in (([], "cashier.pay.no_items"), ([mine, mine], "cashier.pay.duplicate_item"),
                     ([other], "cashier.pay.other_unit")):
        with st.write() as s, pytest.raises(ValidationError) as err:
            payments.take_payment(s, by=st.desk, request_id=rid(), unit_id=st.home, bill_ids=ids,
                           tenders=[payments.Tender(PayMethod.CASH, 100)])
        assert err.value.key == key and err.value.field == "items"
    with st.write() as s, pytest.raises(NotFound):
        payments.take_payment(s, by=st.desk, request_id=rid(), unit_id=st.home, bill_ids=[99999],
                       tenders=[payments.Tender(PayMethod.CASH, 100)])


def test_only_cashiers_take_money(billed: Site) -> None:
    with billed.write() as s, pytest.raises(PermissionDenied):
        pay_all(s, billed, billed.home, by=billed.cs)


def test_retried_save_returns_the_same_receipt(billed: Site) -> None:
    st = billed
    request = rid()
    with st.db.read() as s:
        ids = [b.id for b in bills_of(s, st.home)]
    with st.write() as s:
        first = payments.take_payment(s, by=st.desk, request_id=request, unit_id=st.home, bill_ids=ids,
                               tenders=[payments.Tender(PayMethod.CASH, 5758)])
    with st.write() as s:
        again = payments.take_payment(s, by=st.desk, request_id=request, unit_id=st.home, bill_ids=ids,
                               tenders=[payments.Tender(PayMethod.CASH, 5758)])
        assert again.id == first.id
        with pytest.raises(Conflict):
            payments.take_payment(s, by=st.desk, request_id=request, unit_id=st.home2,
                           bill_ids=[bills_of(s, st.home2)[0].id],
                           tenders=[payments.Tender(PayMethod.CASH, 25470)])
    with st.db.read() as s:
        assert count(s, Receipt) == 1


# --------------------------------------------------------------------------------------
# Voids and the database guard
# --------------------------------------------------------------------------------------


def test_void_keeps_the_number_and_reopens_the_bills(billed: Site) -> None:
    st = billed
    with st.write() as s:
        receipt = pay_all(s, st, st.home)
    with st.write() as s:
        with pytest.raises(PermissionDenied):
            payments.void_receipt(s, by=st.desk, receipt_id=receipt.id, reason="收错房号")
        with pytest.raises(ValidationError) as err:
            payments.void_receipt(s, by=st.boss, receipt_id=receipt.id, reason="  ")
        assert err.value.field == "reason"
    with st.write() as s:
        voided = payments.void_receipt(s, by=st.boss, receipt_id=receipt.id, reason="收错房号")
        assert voided.voided and voided.number == receipt.number
        assert len(bills_of(s, st.home)) == 2
    with st.write() as s, pytest.raises(InvalidTransition):
        payments.void_receipt(s, by=st.boss, receipt_id=receipt.id, reason="再作废")
    with st.write() as s:
        again = pay_all(s, st, st.home)
        assert again.seq == receipt.seq + 1  # never reused
    with st.db.read() as s:
        view = views.receipt_view(s, receipt_id=receipt.id)
        assert view.voided and view.void_reason == "收错房号" and view.voided_by == "王主管"


@pytest.mark.parametrize("sql", [
    "UPDATE receipt SET total_fen = total_fen + 100",
    "UPDATE receipt SET number = 'SJ2026-999999'",
    "UPDATE receipt SET payer_name = '别人'",
    "DELETE FROM receipt",
    "UPDATE receipt_line SET amount_fen = 1",
    "DELETE FROM receipt_line",
    "UPDATE receipt_tender SET amount_fen = 1",
    "DELETE FROM receipt_tender",
    "UPDATE bill SET amount_fen = 1",
    "DELETE FROM bill",
    "UPDATE receipt SET voided = 1, void_reason = '', voided_by = NULL",
])
def test_database_refuses_edits_of_issued_receipts(billed: Site, sql: str) -> None:
    with billed.write() as s:
        pay_all(s, billed, billed.home)
    with pytest.raises((IntegrityError, DatabaseError)), billed.write() as s:
        s.execute(text(sql))


def test_database_refuses_unvoiding(billed: Site) -> None:
    with billed.write() as s:
        receipt = pay_all(s, billed, billed.home)
        payments.void_receipt(s, by=billed.boss, receipt_id=receipt.id, reason="收错")
    with pytest.raises((IntegrityError, DatabaseError)), billed.write() as s:
        s.execute(text("UPDATE receipt SET voided = 0"))
    with billed.write() as s:  # what the database allows: nothing else changed
        assert s.get(Receipt, receipt.id).voided


# --------------------------------------------------------------------------------------
# Refunds
# --------------------------------------------------------------------------------------


def test_refund_never_exceeds_what_was_paid(billed: Site) -> None:
    st = billed
    with st.write() as s:
        receipt = pay_all(s, st, st.home2)  # 509.40
    with st.write() as s:
        with pytest.raises(PermissionDenied):
            refunds.refund(s, by=st.desk, receipt_id=receipt.id, amount_fen=100, reason="多收",
                     request_id=rid())
        with pytest.raises(ValidationError) as err:
            refunds.refund(s, by=st.boss, receipt_id=receipt.id, amount_fen=50941, reason="多收",
                     request_id=rid())
        assert err.value.field == "amount"
        with pytest.raises(ValidationError):
            refunds.refund(s, by=st.boss, receipt_id=receipt.id, amount_fen=100, reason="",
                     request_id=rid())
    with st.write() as s:
        first = refunds.refund(s, by=st.boss, receipt_id=receipt.id, amount_fen=40000, reason="预交退回",
                         request_id=rid())
        assert first.number == "TK2026-000001" and first.method == PayMethod.CASH
    with st.write() as s:
        with pytest.raises(ValidationError):
            refunds.refund(s, by=st.boss, receipt_id=receipt.id, amount_fen=10941, reason="再退",
                     request_id=rid())
        refunds.refund(s, by=st.boss, receipt_id=receipt.id, amount_fen=10940, reason="再退",
                 request_id=rid())
        assert refunds.refundable(s, receipt.id)[0] == 0
        with pytest.raises(Conflict):
            payments.void_receipt(s, by=st.boss, receipt_id=receipt.id, reason="想作废")


def test_deposit_return_by_bill(site: Site) -> None:
    st = site
    with st.write() as s:
        deposit = fees.add_charge(s, by=st.desk, unit_id=st.home, fee_code="DP-RENO-RES",
                               amount_fen=300000, description="装修保证金", source_kind="renovation",
                               source_id=1)
        fees.charge_item(s, by=st.desk, unit_id=st.home, fee_code="SV-MOVE")
        receipt = pay_all(s, st, st.home, method=PayMethod.TRANSFER)
    with st.write() as s:
        with pytest.raises(ValidationError):
            refunds.refund(s, by=st.boss, receipt_id=receipt.id, amount_fen=300001,
                     reason="装修保证金退还", request_id=rid(), bill_ids=[deposit.id])
        request = rid()
        doc = refunds.refund(s, by=st.boss, receipt_id=receipt.id, amount_fen=300000,
                       reason="装修保证金退还", request_id=request, bill_ids=[deposit.id])
        assert doc.method == PayMethod.TRANSFER
        same = refunds.refund(s, by=st.boss, receipt_id=receipt.id, amount_fen=300000,
                        reason="装修保证金退还", request_id=request, bill_ids=[deposit.id])
        assert same.id == doc.id
        assert refunds.refundable(s, receipt.id)[1][deposit.id] == 0
        pdf = pdf_text(receipt_paper.refund_pdf(s, refund_id=doc.id))
    flat = "".join(pdf.split())
    assert "退款单" in flat and doc.number in flat and "叁仟元整" in flat
    assert receipt.number in flat and "领款人签收" in flat


def test_refund_of_void_receipt_is_refused(billed: Site) -> None:
    with billed.write() as s:
        receipt = pay_all(s, billed, billed.home)
        payments.void_receipt(s, by=billed.boss, receipt_id=receipt.id, reason="收错")
        with pytest.raises(InvalidTransition):
            refunds.refund(s, by=billed.boss, receipt_id=receipt.id, amount_fen=1, reason="退费",
                     request_id=rid())


# --------------------------------------------------------------------------------------
# Daily close
# --------------------------------------------------------------------------------------


def test_close_reconciles_the_drawer(billed: Site) -> None:
    st = billed
    with st.write() as s:
        bills = bills_of(s, st.home2)  # 509.40
        payments.take_payment(s, by=st.desk, request_id=rid(), unit_id=st.home2,
                       bill_ids=[b.id for b in bills],
                       tenders=[payments.Tender(PayMethod.CASH, 9400, 10000),
                                payments.Tender(PayMethod.ALIPAY, 41540)])
        voided = pay_all(s, st, st.home)
        payments.void_receipt(s, by=st.boss, receipt_id=voided.id, reason="收错")
    with st.db.read() as s:
        day = cashier_close.day_summary(s, staff_id=st.desk.id, business_date=TODAY)
        assert day.by_method[PayMethod.CASH] == 9400 and day.by_method[PayMethod.ALIPAY] == 41540
        assert (day.receipts_valid, day.receipts_void) == (1, 1)
        assert day.expected_cash_fen(50000) == 59400
    counted = {10000: 5, 5000: 1, 2000: 2, 100: 4}  # 594.00
    with st.write() as s:
        with pytest.raises(ValidationError) as err:
            cashier_close.close_day(s, by=st.desk, opening_float_fen=50000, counted={10000: -1})
        assert err.value.field == "denom_10000"
        close = cashier_close.close_day(s, by=st.desk, opening_float_fen=50000, counted=counted)
        assert (close.expected_cash_fen, close.counted_cash_fen, close.difference_fen) == (
            59400, 59400, 0)
        assert close.status == CloseStatus.CLOSED
        assert (close.first_number, close.last_number) == ("SJ2026-000001", "SJ2026-000002")
        assert json.loads(close.denominations) == {"10000": 5, "5000": 1, "2000": 2, "100": 4}
    with st.write() as s, pytest.raises(Conflict):
        cashier_close.close_day(s, by=st.desk, opening_float_fen=50000, counted=counted)


def test_close_refuses_an_expected_cash_that_changed_since_it_was_confirmed(billed: Site
                                                                            ) -> None:
    """Issue 14 #4: the close is computed for the person closing at the moment of saving;
    the expected cash they confirmed must be what the service finds, else nothing is
    closed ("数据已变化，请刷新")."""
    st = billed
    with st.write() as s:
        pay_all(s, st, st.home)  # 57.58 in cash, by desk1
    with st.db.read() as s:
        preview = cashier_close.close_preview(s, by=st.desk, opening_float_fen=0, counted={100: 57})
    assert preview.expected == 5758
    labels = dict(preview.lines)
    assert labels["应有现金"] == "¥57.58" and labels["实点现金"] == "¥57.00"
    assert labels["差额"] == "-¥0.58" and labels["收款员"] == "张前台"
    with st.write() as s:  # another payment comes in before the close is saved
        pay_all(s, st, st.home2)
    with st.write() as s, pytest.raises(Conflict) as err:
        cashier_close.close_day(s, by=st.desk, opening_float_fen=0, counted={100: 57},
                    expected_cash_fen=preview.expected)
    assert err.value.key == "cashier.close.stale" and "请刷新" in str(err.value)
    # someone else's confirmed figure does not close this person's day either
    with st.write() as s, pytest.raises(Conflict):
        cashier_close.close_day(s, by=st.desk2, opening_float_fen=0, counted={100: 57},
                    expected_cash_fen=preview.expected)
    with st.db.read() as s:
        assert s.exec(select(DailyClose)).all() == []


def test_closed_day_is_locked(billed: Site) -> None:
    st = billed
    with st.write() as s:
        receipt = pay_all(s, st, st.home)
        cashier_close.close_day(s, by=st.desk, opening_float_fen=0, counted={100: 57, 50: 1, 10: 3})
    with st.write() as s, pytest.raises(Conflict) as err:
        pay_all(s, st, st.home2)
    assert err.value.key == "cashier.day_closed"
    with st.write() as s, pytest.raises(Conflict) as err:
        payments.void_receipt(s, by=st.boss, receipt_id=receipt.id, reason="收错")
    assert err.value.key == "cashier.void.day_closed"
    with st.write() as s:  # another cashier's day is still open
        pay_all(s, st, st.home2, by=st.desk2)
    with st.db.read() as s:
        assert numbering.peek(s, "receipt.SJ2026") == 2
    # the correction goes to a later day: a refund
    with clock.freeze(NOW + timedelta(days=1)), st.write() as s:
        doc = refunds.refund(s, by=st.boss, receipt_id=receipt.id, amount_fen=1000, reason="多收",
                       request_id=rid(), cashier=st.desk)
        assert doc.business_date == TODAY + timedelta(days=1)


@pytest.mark.parametrize("sql", [
    "UPDATE daily_close SET counted_cash_fen = counted_cash_fen + 100",
    "UPDATE daily_close SET status = 'signed_off'",
    "DELETE FROM daily_close",
    "INSERT INTO receipt (number, series, seq, unit_id, unit_code, payer_name, total_fen, "
    "change_fen, methods, request_id, business_date, issued_at, issued_by, desk, voided, "
    "void_reason) SELECT 'SJ2026-000099', 'SJ2026', 99, unit_id, unit_code, '', 1, 0, 'cash', "
    "'sql', business_date, issued_at, issued_by, '', 0, '' FROM receipt",
])
def test_database_keeps_a_closed_day(billed: Site, sql: str) -> None:
    with billed.write() as s:
        pay_all(s, billed, billed.home)
        cashier_close.close_day(s, by=billed.desk, opening_float_fen=0, counted={100: 57, 50: 1, 10: 3})
    with pytest.raises((IntegrityError, DatabaseError)), billed.write() as s:
        s.execute(text(sql))


def test_difference_beyond_threshold_needs_sign_off(billed: Site) -> None:
    st = billed
    with st.write() as s:
        pay_all(s, st, st.home)  # 57.58 cash
        close = cashier_close.close_day(s, by=st.desk, opening_float_fen=0, counted={1000: 4},
                            note="少了一张")
        assert close.difference_fen == 4000 - 5758
        assert close.status == CloseStatus.AWAITING_SIGNOFF
    with st.write() as s:
        items = hooks.open_items(s, hooks.HandoverContext(start=NOW - timedelta(hours=2),
                                                          end=NOW + timedelta(hours=1)))
        mine = [i for i in items if i.section == "handover.section.cash"]
        assert any("待主管签认" in i.label for i in mine)
        with pytest.raises(PermissionDenied):
            cashier_close.sign_off_close(s, by=st.desk, close_id=close.id, note="查明")
        with pytest.raises(ValidationError):
            cashier_close.sign_off_close(s, by=st.boss, close_id=close.id, note="")
        signed = cashier_close.sign_off_close(s, by=st.boss, close_id=close.id, note="找零多给，已扣责任人")
        assert signed.status == CloseStatus.SIGNED_OFF and signed.difference_fen == -1758
    with st.write() as s, pytest.raises(InvalidTransition):
        cashier_close.sign_off_close(s, by=st.boss, close_id=close.id, note="再签")


@pytest.mark.parametrize("raw,fen", [(None, 1000), ("20", 2000), ("5.50", 550), (0, 0),
                                     ("-3", 1000), ("很多", 1000), (True, 1000)])
def test_signoff_threshold_is_a_site_setting(raw: object, fen: int) -> None:
    from deskapp.config import Settings

    extra = {} if raw is None else {cashier_close.SIGNOFF_SETTING: raw}
    assert cashier_close.signoff_threshold_from_settings(Settings(extra=extra)) == fen
    assert cashier_close.signoff_threshold_from_settings(None) == cashier_close.SIGNOFF_THRESHOLD_FEN


def test_a_site_threshold_decides_the_sign_off(billed: Site) -> None:
    """¥17.58 short: over the default ¥10, within a site's ¥20."""
    st = billed
    with st.write() as s:
        pay_all(s, st, st.home)  # 57.58 cash
        close = cashier_close.close_day(s, by=st.desk, opening_float_fen=0, counted={1000: 4},
                            threshold_fen=2000)
        assert close.difference_fen == -1758 and close.status == CloseStatus.CLOSED


def test_close_rules(billed: Site) -> None:
    st = billed
    with st.write() as s:
        with pytest.raises(ValidationError):
            cashier_close.close_day(s, by=st.desk, opening_float_fen=0, counted={},
                        business_date=TODAY + timedelta(days=1))
        with pytest.raises(ValidationError):
            cashier_close.close_day(s, by=st.desk, opening_float_fen=-1, counted={})
        with pytest.raises(ValidationError):
            cashier_close.close_day(s, by=st.desk, opening_float_fen=0, counted={300: 1})
        with pytest.raises(PermissionDenied):
            cashier_close.close_day(s, by=st.desk, opening_float_fen=0, counted={}, cashier_id=st.desk2.id)
        other = cashier_close.close_day(s, by=st.boss, opening_float_fen=0, counted={},
                            cashier_id=st.desk2.id)
        assert other.staff_id == st.desk2.id and other.closed_by == st.boss.id
    with st.db.read() as s:
        assert count(s, DailyClose) == 1


# --------------------------------------------------------------------------------------
# Arrears and reminders
# --------------------------------------------------------------------------------------


def test_arrears_buckets_and_history(site: Site) -> None:
    st = site
    with clock.freeze(datetime(2026, 3, 1, 9)), st.write() as s:  # billed in advance
        for period in ("2026-03", "2026-06", "2026-08", "2026-10"):
            fees.generate_bills(s, by=st.desk, period=period, unit_id=st.home2)
    with st.write() as s:
        fees.add_charge(s, by=st.desk, unit_id=st.home2, fee_code="DP-RENO-RES", amount_fen=300000,
                     description="保证金", due_date=date(2026, 1, 5))  # deposits are no arrears
    with st.db.read() as s:
        rows = arrears.arrears(s, as_of=TODAY)
        assert len(rows) == 1
        row = rows[0]
        # due 03-31 (244 days), 06-30 (153), 08-31 (91), 10-31 (30)
        assert (row.d0_30_fen, row.d31_90_fen, row.d91_180_fen, row.over_180_fen) == (
            25470, 0, 50940, 25470)
        assert row.total_fen == 4 * 25470 and row.days(TODAY) == 244
        assert row.owner_name == "李四" and row.phone_masked == "139****5678"
        assert arrears.arrears(s, as_of=TODAY, building="7") == []
        assert arrears.arrears_count(s, as_of=TODAY, min_days=181) == 1
        flags = hooks.unit_flags(s, [st.home2, st.home])
        assert st.home not in flags
        assert "欠费 ¥1,018.80" in flags[st.home2][0].text
    with st.write() as s:
        bills = bills_of(s, st.home2)
        payments.take_payment(s, by=st.desk, request_id=rid(), unit_id=st.home2,
                       bill_ids=[b.id for b in bills if b.kind == FeeKind.PROPERTY],
                       tenders=[payments.Tender(PayMethod.CASH, 4 * 25470)])
    with st.db.read() as s:
        assert arrears.arrears(s, as_of=TODAY) == []
        past = arrears.arrears(s, as_of=date(2026, 9, 15))  # paid today: still owed back then
        assert past[0].total_fen == 3 * 25470
        totals = arrears.arrears_totals(s, as_of=date(2026, 9, 15))
        assert (totals.units, totals.total_fen) == (1, 3 * 25470)
        assert arrears.arrears(s, as_of=date(2026, 2, 27)) == []  # not billed yet back then


def test_reminder_is_logged_and_in_the_contact_log(site: Site) -> None:
    st = site
    with st.write() as s:
        fees.generate_bills(s, by=st.desk, period="2026-09", unit_id=st.home2)
    with st.write() as s:
        with pytest.raises(ValidationError):
            arrears.log_reminder(s, by=st.desk, unit_id=st.home2, channel=ReminderChannel.PHONE,
                           promise_date=TODAY - timedelta(days=1))
        with pytest.raises(ValidationError) as err:
            arrears.log_reminder(s, by=st.desk, unit_id=st.home, channel=ReminderChannel.PHONE)
        assert err.value.key == "cashier.reminder.nothing_owed"
        reminder = arrears.log_reminder(s, by=st.desk, unit_id=st.home2, channel=ReminderChannel.PHONE,
                                  promise_date=date(2026, 12, 10), note="本周内转账")
        assert reminder.owed_fen == 25470 and reminder.contact_id is not None
        contact = s.get(Contact, reminder.contact_id)
        assert contact.kind == ContactKind.FEE_REMINDER and contact.unit_id == st.home2
        assert "¥254.70" in contact.content and "2026-12-10" in contact.content
    with st.db.read() as s:
        row = arrears.arrears(s, as_of=TODAY)[0]
        assert row.promise_date == date(2026, 12, 10) and row.last_reminder_at == NOW
        assert count(s, ArrearsReminder) == 1


# --------------------------------------------------------------------------------------
# Month, day report, handover, PDF
# --------------------------------------------------------------------------------------


def test_monthly_summary(billed: Site) -> None:
    st = billed
    with st.write() as s:
        first = pay_all(s, st, st.home)  # 57.58 cash
        payments.take_payment(s, by=st.desk, request_id=rid(), unit_id=st.office,
                       bill_ids=[b.id for b in bills_of(s, st.office)],
                       tenders=[payments.Tender(PayMethod.WECHAT, 108000)])
        voided = pay_all(s, st, st.home2)
        payments.void_receipt(s, by=st.boss, receipt_id=voided.id, reason="收错")
        refunds.refund(s, by=st.boss, receipt_id=first.id, amount_fen=758, reason="多收",
                 request_id=rid(), cashier=st.desk)
        cashier_close.close_day(s, by=st.desk, opening_float_fen=0, counted={1000: 5})
    with st.db.read() as s:
        m = cashier_close.monthly_summary(s, year=2026, month=11)
        assert (m.receipts, m.receipts_void) == (2, 1)
        assert m.collected_fen == 5758 + 108000 and m.voided_fen == 50940
        assert m.by_method["cash"] == 5758 and m.by_method["wechat"] == 108000
        assert m.by_kind["property"] == 5758 + 108000
        assert (m.refunds, m.refunded_fen, m.net_fen) == (1, 758, 5758 + 108000 - 758)
        assert m.billed == 6 and m.closes == 1 and m.cash_difference_fen == 0
        assert m.arrears_units == 1 and m.arrears_fen == 25470  # home2's October, reopened
        october = cashier_close.monthly_summary(s, year=2026, month=10)
        assert october.receipts == 0 and october.collected_fen == 0
        report = cashier_close.day_report(s, day=TODAY)
        assert report.total_fen == 5758 + 108000
        assert report.series[0].contiguous and report.series[0].void == 1


def test_handover_cash_summary(billed: Site) -> None:
    st = billed
    with st.write() as s:
        pay_all(s, st, st.home)
        items = hooks.open_items(s, hooks.HandoverContext(start=NOW - timedelta(hours=4),
                                                          end=NOW + timedelta(hours=4)))
    mine = [i for i in items if i.section == "handover.section.cash"]
    assert "本班收款 1 笔，合计 ¥57.58（现金 ¥57.58）" in mine[0].label
    assert any("尚未日结" in i.label for i in mine)


def test_receipt_pdf_text(billed: Site) -> None:
    st = billed
    with st.write() as s:
        bills = bills_of(s, st.home2)
        receipt = payments.take_payment(s, by=st.desk, request_id=rid(), unit_id=st.home2,
                                 bill_ids=[b.id for b in bills],
                                 tenders=[payments.Tender(PayMethod.CASH, 50940, 60000)])
        pages = pdf_pages(receipt_paper.receipt_pdf(s, receipt_id=receipt.id))
    assert len(pages) == 3
    flat = "".join(pages[1].split())
    for expected in ("收款收据", "SJ2026-000001", "3-1-1202", "李四", "物业服务费（住宅）2026-10",
                     "伍佰零玖元肆角整", "¥509.40", "实收¥600.00，找零¥90.60", "张前台",
                     "第二联交款人", "本收据加盖财务专用章有效"):
        assert expected in flat, expected
    with st.write() as s:
        payments.void_receipt(s, by=st.boss, receipt_id=receipt.id, reason="收错房号")
        voided = "".join(pdf_text(receipt_paper.receipt_pdf(s, receipt_id=receipt.id)).split())
    assert "【作废】" in voided and "收错房号" in voided


def test_units_table_untouched(site: Site) -> None:
    with site.db.read() as s:
        assert s.get(Unit, site.home).code == "3-1-1201"


def test_close_anchors_the_audit_log_and_the_report_prints_it(billed: Site) -> None:
    """issue 15: the daily close records the audit log's head; the day report prints it;
    deleting entries after the close is named by the close."""
    from deskapp.reporting.text import render as render_text
    from deskapp.services import audit
    from deskapp.services.cashier.report import day_report_data

    st = billed
    with st.write() as s:
        pay_all(s, st, st.home)
    with st.write() as s:
        head_before = audit.head(s)
        close = cashier_close.close_day(s, by=st.desk, opening_float_fen=0,
                            counted={10000: 0})  # whatever the count: the anchor is the point
    assert (close.audit_seq, close.audit_hash) == head_before
    with st.db.read() as s:
        text_report = render_text(day_report_data(s, day=TODAY).table())
    assert f"第 {head_before[0]} 条，校验值 {head_before[1]}" in text_report
    with st.db.engine.begin() as conn:  # the close's own entry and everything after it
        conn.execute(text("DROP TRIGGER audit_entry_no_delete"))
        conn.execute(text("DELETE FROM audit_entry WHERE seq >= :s"), {"s": head_before[0]})
    audit.anchor_path().unlink()
    with st.db.read() as s:
        result = audit.verify(s, anchors=audit.site_anchors(s))
    assert result.reason == "tail" and "日结" in result.source


def test_tenders_from_the_desk_boxes_refuse_handed_over_money_without_cash():
    with pytest.raises(ValidationError) as err:
        payments.tenders_from({PayMethod.CASH: 0, PayMethod.WECHAT: 50940}, 60000)
    assert err.value.field == "tendered" and err.value.key == "cashier.pay.tendered_without_cash"
    tenders = payments.tenders_from({PayMethod.CASH: 20000, PayMethod.WECHAT: 30940}, 50000)
    assert tenders == [payments.Tender(PayMethod.CASH, 20000, 50000),
                       payments.Tender(PayMethod.WECHAT, 30940, None)]
    assert payments.tenders_from({PayMethod.CASH: 0, PayMethod.WECHAT: 50940}, None) == [
        payments.Tender(PayMethod.WECHAT, 50940, None)]
