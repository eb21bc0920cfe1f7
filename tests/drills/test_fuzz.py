"""Bad-input and keyboard fuzzing.

* hypothesis feeds arbitrary text to every validator and to the create service of every
  area's forms: the only outcomes allowed are a clean result or a :class:`DeskError` (a
  message the form shows at a field) — never another exception — and whatever was saved
  passes the validators again;
* a random-key Pilot test drives the app through its screens with a bounded, seeded
  sequence of keys and text: it never crashes, no unexpected error is logged, and nothing
  invalid reaches the database.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from deskapp import masking, money, validators
from deskapp.db.engine import Database
from deskapp.db.models import Occupant
from deskapp.db.models.cashier import Bill, Receipt
from deskapp.db.models.reception import (
    Contact,
    ContactChannel,
    ContactKind,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderUrgency,
)
from deskapp.errors import DeskError
from deskapp.services import audit
from tests.drills.drillsite import DrillSite, People, build_site, contiguous, make_people

# Text a desk could type or paste: CJK, full-width forms, digits, separators, control
# characters, emoji, very long runs.
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60) | \
    st.sampled_from(["", " ", "\x00", "13812345678", "１３８１２３４５６７８", "0379-6555 1234",
                     "11010519491231002X", "110105194912310021", "'; DROP TABLE unit; --",
                     "张三" * 40, "\u200b", "+86 138 1234 5678", "9" * 300, "-1", "1e9"])
FAST = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


class _Rollback(Exception):
    """Raised to undo one example's transaction."""


def _one_example(db: Database, fn: Callable[[Session], Any],
                 check: Callable[[Session, Any], None] | None = None) -> None:
    """Run ``fn`` in a write transaction and roll it back; only DeskError may escape."""
    try:
        with db.write() as session:
            result = fn(session)
            if check is not None:
                check(session, result)
            raise _Rollback
    except (_Rollback, DeskError):
        return


# --------------------------------------------------------------------------------------
# Validators
# --------------------------------------------------------------------------------------

ONE_ARG = [validators.resident_id, validators.mobile_phone, validators.phone,
           validators.credit_code, validators.room_code, money.parse_yuan]


@pytest.mark.parametrize("check", ONE_ARG, ids=lambda f: f.__name__)
@FAST
@given(text=TEXT)
def test_validators_return_clean_values_or_a_desk_error(check: Callable[[str], Any],
                                                        text: str) -> None:
    try:
        value = check(text)
    except DeskError as err:
        assert str(err) and not str(err).startswith(("validate.", "money.")), err.key
        return
    if isinstance(value, str):  # a normalised value validates again, unchanged
        assert check(value) == value


@FAST
@given(text=TEXT, max_len=st.integers(1, 200), multiline=st.booleans())
def test_text_validators(text: str, max_len: int, multiline: bool) -> None:
    for check in (validators.required_text, validators.optional_text):
        try:
            value = check(text, "field", max_len, multiline=multiline)
        except DeskError:
            continue
        assert value is None or (len(value) <= max_len and (multiline or "\n" not in value))


@FAST
@given(text=TEXT)
def test_masking_never_raises_and_hides_what_it_finds(text: str) -> None:
    masked = masking.mask_text(text)
    assert masking.mask_text(masked) == masked
    masking.mask_id(text)
    masking.mask_phone(text)


# --------------------------------------------------------------------------------------
# Every area's create services
# --------------------------------------------------------------------------------------


@pytest.fixture
def fuzz_site(db: Database) -> tuple[Database, People, DrillSite]:
    people = make_people(db, desks=1)
    return db, people, build_site(db, boss=people.boss, desks=people.desks, cs=people.cs,
                                  n_units=2, bills_per_desk=1)


def _phone_ok(value: str) -> None:
    if value:
        validators.phone(value)


@FAST
@given(content=TEXT, name=TEXT, phone=TEXT, unit=st.sampled_from([None, 1, 999]),
       kind=st.sampled_from([*ContactKind, "bogus"]))
def test_log_contact(fuzz_site: Any, content: str, name: str, phone: str, unit: Any,
                     kind: Any) -> None:
    from deskapp.services.reception.contacts import ContactCreate, log_contact

    db, people, _ = fuzz_site

    def check(_s: Session, contact: Contact) -> None:
        assert contact.content.strip()
        _phone_ok(contact.phone)

    _one_example(db, lambda s: log_contact(s, by=people.desks[0], data=ContactCreate(
        channel=ContactChannel.PHONE, kind=kind, content=content, unit_id=unit,
        person_name=name, phone=phone)), check)


@FAST
@given(description=TEXT, location=TEXT, phone=TEXT, unit=st.sampled_from([None, 1, 999]),
       category=st.sampled_from([*WorkOrderCategory, "x"]))
def test_create_work_order(fuzz_site: Any, description: str, location: str, phone: str,
                           unit: Any, category: Any) -> None:
    from deskapp.services.reception.workorders import WorkOrderCreate, create_work_order

    db, people, _ = fuzz_site

    def check(_s: Session, order: WorkOrder) -> None:
        assert order.description.strip() and order.number.startswith("WX")
        _phone_ok(order.requester_phone)

    _one_example(db, lambda s: create_work_order(s, by=people.desks[0], contact_id=None,
                                                 data=WorkOrderCreate(
        category=category, urgency=WorkOrderUrgency.NORMAL, description=description,
        unit_id=unit, location=location, requester_phone=phone)), check)


@FAST
@given(name=TEXT, content=TEXT, phone=TEXT, request=TEXT, unit=st.sampled_from([None, 1, 999]))
def test_create_complaint(fuzz_site: Any, name: str, content: str, phone: str, request: str,
                          unit: Any) -> None:
    from deskapp.db.models.complaints import ComplaintCategory
    from deskapp.services.complaints.intake import ComplaintCreate, create_complaint

    db, people, _ = fuzz_site
    with db.read() as s:
        code = s.exec(select(ComplaintCategory.code)).first() or "x"

    def check(_s: Session, complaint: Any) -> None:
        assert complaint.content.strip() and complaint.complainant_name.strip()
        _phone_ok(complaint.complainant_phone)

    _one_example(db, lambda s: create_complaint(s, by=people.cs, data=ComplaintCreate(
        complainant_name=name, content=content, channel=ContactChannel.PHONE,
        category_code=code, complainant_phone=phone, unit_id=unit, request=request,
        heard=True, asked=True, recorded=True)), check)


@FAST
@given(name=TEXT, phone=TEXT, id_no=TEXT, purpose=TEXT, people_n=TEXT)
def test_register_visitor(fuzz_site: Any, name: str, phone: str, id_no: str, purpose: str,
                          people_n: str) -> None:
    from deskapp.services.registers.visitors import register_visitor

    db, people, _ = fuzz_site

    def check(_s: Session, visitor: Any) -> None:
        _phone_ok(visitor.phone)
        if visitor.id_number:
            validators.resident_id(visitor.id_number)

    _one_example(db, lambda s: register_visitor(s, by=people.desks[0], name=name,
                                                phone_no=phone, id_no=id_no, unit_id=1,
                                                purpose=purpose, people=people_n), check)


@FAST
@given(description=TEXT, place=TEXT, finder=TEXT, phone=TEXT, recipient=TEXT, tracking=TEXT)
def test_registers_found_and_parcels(fuzz_site: Any, description: str, place: str,
                                     finder: str, phone: str, recipient: str,
                                     tracking: str) -> None:
    from deskapp.services.registers.lost import register_found
    from deskapp.services.registers.parcels import receive

    db, people, _ = fuzz_site
    _one_example(db, lambda s: register_found(s, by=people.desks[0], description=description,
                                              found_place=place, finder=finder,
                                              finder_phone=phone),
                 lambda _s, item: _phone_ok(item.finder_phone))
    _one_example(db, lambda s: receive(s, by=people.desks[0], recipient=recipient, unit_id=1,
                                       carrier="顺丰", tracking_no=tracking,
                                       recipient_phone=phone),
                 lambda _s, parcel: _phone_ok(parcel.recipient_phone))


@FAST
@given(owner=TEXT, owner_id=TEXT, phone=TEXT, lead_id=TEXT, work=TEXT,
       start=st.sampled_from(["2026-12-01", "", "2026-02-30", "明天", "2026-12-01x"]),
       end=st.sampled_from(["2027-02-28", "2027-12-01", "", "2026-11-01"]))
def test_create_renovation_filing(fuzz_site: Any, owner: str, owner_id: str, phone: str,
                                  lead_id: str, work: str, start: str, end: str) -> None:
    from deskapp.services.renovation.filings import create_filing
    from deskapp.services.renovation.rules import FilingInput

    db, people, _ = fuzz_site

    def check(_s: Session, filing: Any) -> None:
        validators.resident_id(filing.owner_id_number, today=date(2100, 1, 1))
        validators.phone(filing.owner_phone)
        assert filing.permit_end >= filing.permit_start

    _one_example(db, lambda s: create_filing(s, by=people.desks[0], data=FilingInput(
        unit_id=1, owner_name=owner, owner_id_number=owner_id, owner_phone=phone,
        contractor_name="装修公司", lead_name="周工", lead_id_number=lead_id,
        lead_phone=phone, work_items=work, permit_start=start, permit_end=end)), check)


@FAST
@given(amount=st.integers(-10**12, 10**12) | st.sampled_from([0, 1, 2**63]),
       description=TEXT, tendered=st.integers(-10, 10**9) | st.none())
def test_charge_and_payment(fuzz_site: Any, amount: int, description: str,
                            tendered: int | None) -> None:
    from deskapp.db.models.cashier import PayMethod
    from deskapp.services.cashier import fees, payments

    db, people, site = fuzz_site
    desk = people.desks[0]

    def pay(s: Session) -> Any:
        bill = fees.add_charge(s, by=desk, unit_id=1, fee_code="SV-DRILL",
                                  amount_fen=amount, description=description)
        return payments.take_payment(s, by=desk, request_id=f"fz{amount}", unit_id=1,
                                    bill_ids=[bill.id],
                                    tenders=[payments.Tender(PayMethod.CASH, bill.amount_fen,
                                                            tendered)])

    def check(s: Session, receipt: Receipt) -> None:
        assert 0 < receipt.total_fen <= money.MAX_FEN and receipt.change_fen >= 0

    _one_example(db, pay, check)


# --------------------------------------------------------------------------------------
# Random keys through the app
# --------------------------------------------------------------------------------------

KEYS = (["f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f1", "tab", "shift+tab",
         "enter", "escape", "up", "down", "left", "right", "pageup", "pagedown", "home", "end",
         "space", "backspace", "ctrl+s", "ctrl+n", "ctrl+e", "ctrl+p", "slash", "delete"]
        + list("nwhcedrpvak123") + ["0", "9", "x"])
WORDS = ["张三", "13812345678", "1381234567", "3-1-1201", "11010519491231002X",
         "110105194912310021", "漏水", "'; --", "", "100.50", "-5", "2026-02-30", "😀"]
N_KEYS = 80


async def test_random_keys_never_crash_or_save_invalid_data(
        db: Database, make_app: Any, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from textual.widgets import Input

    from tests.helpers import settle

    monkeypatch.setenv("DESKAPP_HOME", str(tmp_path))
    caplog.set_level(logging.ERROR)
    people = make_people(db, desks=1)
    build_site(db, boss=people.boss, desks=people.desks, cs=people.cs, n_units=4,
               bills_per_desk=3)
    rng = random.Random(9)
    app = make_app(login="desk1")
    pressed: list[str] = []
    async with app.run_test(size=(140, 42)) as pilot:
        await settle(pilot)
        for i in range(N_KEYS):
            if rng.random() < 0.15 and isinstance(app.focused, Input):
                word = rng.choice(WORDS)
                app.focused.value = word
                pressed.append(f"<{word}>")
            else:
                key = rng.choice(KEYS)
                pressed.append(key)
                await pilot.press(key)
            if i % 8 == 7:
                await settle(pilot)
            assert app.is_running, f"app stopped after {pressed}"
        await settle(pilot)
        assert app.is_running
    unexpected = [r for r in caplog.records if r.levelno >= logging.ERROR]
    figures = (f"keyboard fuzz: {len(pressed)} keys/inputs through the app; "
               f"unexpected errors logged: {len(unexpected)}")
    print(figures)
    assert unexpected == [], f"{figures}\n{unexpected[0].getMessage()}\nkeys: {pressed}"
    with db.read() as s:  # nothing invalid was saved
        for contact in s.exec(select(Contact)):
            assert contact.content.strip()
            _phone_ok(contact.phone)
        for order in s.exec(select(WorkOrder)):
            _phone_ok(order.requester_phone)
        for occupant in s.exec(select(Occupant)):
            _phone_ok(occupant.phone)
            if occupant.id_number:
                validators.resident_id(occupant.id_number)
        for bill in s.exec(select(Bill)):
            assert 0 < bill.amount_fen <= money.MAX_FEN
        seqs = list(s.exec(select(Receipt.seq)))
        assert contiguous(seqs)
        assert audit.verify(s).ok
