"""Invariants of the cashier, checked with hypothesis, and two desks taking payments at the
same moment from two processes on one SQLite file."""

from __future__ import annotations

import multiprocessing
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import count as counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from deskapp import clock
from deskapp.db.engine import Database
from deskapp.db.models import Staff
from deskapp.db.models.cashier import (
    Bill,
    BillStatus,
    DailyClose,
    PayMethod,
    Receipt,
    ReceiptLine,
    ReceiptTender,
    Refund,
)
from deskapp.errors import Conflict, ValidationError
from deskapp.money import multiply_rate
from deskapp.services.cashier import close as cashier_close
from deskapp.services.cashier import fees, refunds
from deskapp.services.cashier import payments as cashier_payments
from tests.unit.test_cashier import Site, make_site

HYPO = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
METHODS = list(PayMethod)


@pytest.fixture
def plain_site(db, supervisor, receptionist, specialist) -> Site:
    with clock.freeze(datetime(2026, 11, 30, 9, 0)):
        return make_site(db, supervisor, receptionist, specialist)


def _charge(s, st: Site, amounts: list[int]) -> list[int]:
    return [fees.add_charge(s, by=st.desk, unit_id=st.home, fee_code="SV-MOVE", amount_fen=a,
                         description="服务").id for a in amounts]


# --------------------------------------------------------------------------------------
# Numbers contiguous; valid receipts == the ledger
# --------------------------------------------------------------------------------------


@HYPO
@given(payments=st.lists(
    st.tuples(st.lists(st.integers(1, 5_000_000), min_size=1, max_size=4),
              st.sampled_from(METHODS), st.booleans()),
    min_size=1, max_size=6))
def test_numbers_contiguous_and_receipts_match_the_ledger(plain_site: Site, payments) -> None:
    st_ = plain_site
    with clock.freeze(datetime(2026, 11, 30, 10, 0)):
        for amounts, method, void in payments:
            with st_.write() as s:
                ids = _charge(s, st_, amounts)
                tendered = sum(amounts) + 1000 if method == PayMethod.CASH else None
                receipt = cashier_payments.take_payment(s, by=st_.desk, request_id=uuid.uuid4().hex,
                                         unit_id=st_.home, bill_ids=ids,
                                         tenders=[cashier_payments.Tender(method, sum(amounts), tendered)])
            if void:
                with st_.write() as s:
                    cashier_payments.void_receipt(s, by=st_.boss, receipt_id=receipt.id, reason="测试作废")
            with st_.write() as s:  # a bad attempt in between uses no number
                with pytest.raises(ValidationError):
                    cashier_payments.take_payment(s, by=st_.desk, request_id=uuid.uuid4().hex,
                                   unit_id=st_.home, bill_ids=_charge(s, st_, [100]),
                                   tenders=[cashier_payments.Tender(PayMethod.CASH, 99)])
    with st_.db.read() as s:
        seqs = sorted(s.exec(select(Receipt.seq).where(Receipt.series == "SJ2026")).all())
        assert seqs == list(range(1, len(seqs) + 1))
        valid = s.exec(select(func.coalesce(func.sum(Receipt.total_fen), 0))
                       .where(Receipt.voided == False)).one()  # noqa: E712
        tendered = s.exec(select(func.coalesce(func.sum(ReceiptTender.amount_fen), 0))
                          .join(Receipt, Receipt.id == ReceiptTender.receipt_id)
                          .where(Receipt.voided == False)).one()  # noqa: E712
        lines = s.exec(select(func.coalesce(func.sum(ReceiptLine.amount_fen), 0))
                       .join(Receipt, Receipt.id == ReceiptLine.receipt_id)
                       .where(Receipt.voided == False)).one()  # noqa: E712
        ledger = s.exec(select(func.coalesce(func.sum(Bill.amount_fen), 0))
                        .where(Bill.status == BillStatus.PAID)).one()
        assert valid == tendered == lines == ledger
        # every paid bill points at a valid receipt, every open bill at none
        for status, receipt_id, voided in s.exec(
                select(Bill.status, Bill.receipt_id, Receipt.voided)
                .outerjoin(Receipt, Receipt.id == Bill.receipt_id)).all():
            assert (status == BillStatus.PAID) == (receipt_id is not None)
            assert not voided


# --------------------------------------------------------------------------------------
# A refund never exceeds what was paid
# --------------------------------------------------------------------------------------


@HYPO
@given(paid=st.integers(1, 1_000_000), attempts=st.lists(st.integers(-5, 1_200_000),
                                                          min_size=1, max_size=6))
def test_refunds_never_exceed_what_was_paid(plain_site: Site, paid: int, attempts) -> None:
    st_ = plain_site
    with clock.freeze(datetime(2026, 11, 30, 10, 0)):
        with st_.write() as s:
            ids = _charge(s, st_, [paid])
            receipt = cashier_payments.take_payment(s, by=st_.desk, request_id=uuid.uuid4().hex,
                                     unit_id=st_.home, bill_ids=ids,
                                     tenders=[cashier_payments.Tender(PayMethod.WECHAT, paid)])
        refunded = 0
        for amount in attempts:
            try:
                with st_.write() as s:
                    refunds.refund(s, by=st_.boss, receipt_id=receipt.id, amount_fen=amount,
                             reason="退款测试", request_id=uuid.uuid4().hex,
                             bill_ids=ids if amount % 2 else None)
            except ValidationError:
                assert amount <= 0 or amount > paid - refunded
            else:
                assert 0 < amount <= paid - refunded
                refunded += amount
    with st_.db.read() as s:
        total = s.exec(select(func.coalesce(func.sum(Refund.amount_fen), 0))
                       .where(Refund.receipt_id == receipt.id)).one()
        assert total == refunded <= paid


# --------------------------------------------------------------------------------------
# A closed day never changes
# --------------------------------------------------------------------------------------

_days = counter(1)


@HYPO
@given(before=st.lists(st.integers(1, 300_000), min_size=0, max_size=3),
       after=st.lists(st.tuples(st.sampled_from(["pay", "void", "refund", "close"]),
                                st.integers(1, 300_000)), min_size=1, max_size=5))
def test_a_closed_day_never_changes(plain_site: Site, before, after) -> None:
    st_ = plain_site
    day = datetime(2027, 1, 1, 9, 0) + timedelta(days=next(_days))  # a fresh day each example
    receipts: list[int] = []
    with clock.freeze(day):
        for amount in before:
            with st_.write() as s:
                ids = _charge(s, st_, [amount])
                receipts.append(cashier_payments.take_payment(
                    s, by=st_.desk, request_id=uuid.uuid4().hex, unit_id=st_.home,
                    bill_ids=ids, tenders=[cashier_payments.Tender(PayMethod.CASH, amount)]).id)
        with st_.write() as s:
            close = cashier_close.close_day(s, by=st_.desk, opening_float_fen=10000,
                                counted={100: sum(before) // 100 + 100})
        with st_.db.read() as s:
            snapshot = s.get(DailyClose, close.id).model_dump()
            summary = cashier_close.day_summary(s, staff_id=st_.desk.id, business_date=day.date())
            figures = (summary.by_method, summary.receipts_valid, summary.receipts_void)
        for op, amount in after:
            with pytest.raises((Conflict, ValidationError)), st_.write() as s:
                if op == "pay":
                    ids = _charge(s, st_, [amount])
                    cashier_payments.take_payment(s, by=st_.desk, request_id=uuid.uuid4().hex,
                                   unit_id=st_.home, bill_ids=ids,
                                   tenders=[cashier_payments.Tender(PayMethod.CASH, amount)])
                elif op == "void":
                    if not receipts:
                        raise Conflict("cashier.void.day_closed", number="", date="")
                    cashier_payments.void_receipt(s, by=st_.boss, receipt_id=receipts[amount % len(receipts)],
                                   reason="日结后作废")
                elif op == "refund":
                    if not receipts:
                        raise ValidationError("cashier.refund.exceeds", max="")
                    refunds.refund(s, by=st_.boss, receipt_id=receipts[amount % len(receipts)],
                             amount_fen=1, reason="日结后退款", request_id=uuid.uuid4().hex,
                             cashier=st_.desk)
                else:
                    cashier_close.close_day(s, by=st_.desk, opening_float_fen=amount, counted={})
        with st_.db.read() as s:
            assert s.get(DailyClose, close.id).model_dump() == snapshot
            again = cashier_close.day_summary(s, staff_id=st_.desk.id, business_date=day.date())
            assert (again.by_method, again.receipts_valid, again.receipts_void) == figures


# --------------------------------------------------------------------------------------
# HALF_UP: area × rate is rounded once, half away from zero
# --------------------------------------------------------------------------------------


@settings(max_examples=300)
@given(area=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
       rate=st.integers(1, 100_000))
def test_multiply_rate_is_half_up(area: Decimal, rate: int) -> None:
    exact = Fraction(area) * rate
    expected = int(exact + Fraction(1, 2)) if exact >= 0 else -int(-exact + Fraction(1, 2))
    assert multiply_rate(area, rate) == expected
    assert multiply_rate(str(area), rate) == expected


# --------------------------------------------------------------------------------------
# Two desks at once: no duplicate, no gap
# --------------------------------------------------------------------------------------

PER_DESK = 25


def _desk_worker(url: str, staff_id: int, unit_id: int, bill_ids: list[int], start,
                 results) -> None:  # type: ignore[no-untyped-def]
    """One desk in its own process: wait for the start signal, then pay bill after bill."""
    from deskapp.i18n import set_language

    set_language("zh")
    db = Database(url)
    with db.read() as s:
        staff = s.get(Staff, staff_id)
    start.wait(60)
    issued = []
    try:
        for bill_id in bill_ids:
            with db.write() as s:
                amount = s.get(Bill, bill_id).amount_fen
                receipt = cashier_payments.take_payment(s, by=staff, request_id=uuid.uuid4().hex,
                                         unit_id=unit_id, bill_ids=[bill_id],
                                         tenders=[cashier_payments.Tender(PayMethod.CASH, amount)])
                issued.append(receipt.number)
        results.put((staff_id, issued, ""))
    except Exception as err:  # noqa: BLE001 — reported to the test
        results.put((staff_id, issued, repr(err)))
    finally:
        db.dispose()


def test_two_processes_take_payments_without_duplicate_or_gap(plain_site: Site) -> None:
    st_ = plain_site
    with st_.write() as s:
        mine = [fees.add_charge(s, by=st_.desk, unit_id=st_.home, fee_code="SV-MOVE",
                             amount_fen=100 + i, description=f"A{i}").id for i in range(PER_DESK)]
        theirs = [fees.add_charge(s, by=st_.desk2, unit_id=st_.home2, fee_code="SV-MOVE",
                               amount_fen=200 + i, description=f"B{i}").id
                  for i in range(PER_DESK)]
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_desk_worker,
                         args=(st_.db.url, st_.desk.id, st_.home, mine, start, results)),
             ctx.Process(target=_desk_worker,
                         args=(st_.db.url, st_.desk2.id, st_.home2, theirs, start, results))]
    for proc in procs:
        proc.start()
    start.set()
    reports = [results.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join(60)
    assert [err for _, _, err in reports] == ["", ""]
    assert sorted(len(numbers) for _, numbers, _ in reports) == [PER_DESK, PER_DESK]
    with st_.db.read() as s:
        rows = s.exec(select(Receipt.series, Receipt.seq, Receipt.number, Receipt.issued_by)).all()
    assert len({r.series for r in rows}) == 1
    seqs = sorted(r.seq for r in rows)
    assert seqs == list(range(1, 2 * PER_DESK + 1))  # no duplicate, no gap
    assert {r.issued_by for r in rows} == {st_.desk.id, st_.desk2.id}
    issued = sorted(n for _, numbers, _ in reports for n in numbers)
    assert issued == sorted(r.number for r in rows)
