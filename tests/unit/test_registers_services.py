"""Service tests of the six front-desk registers: every rule, every refused step, bad
input saving nothing, and open items appearing in the handover until closed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from deskapp import clock
from deskapp.db.models import AuditEntry, OccupantKind
from deskapp.db.models.registers import (
    GoodsPass,
    GoodsPassStatus,
    KeyCategory,
    KeyLoanStatus,
    LendKind,
    LoanStatus,
    LostStatus,
    NotifyMethod,
    Parcel,
    ParcelKind,
    ParcelStatus,
    ReturnCondition,
    Visitor,
    VisitorStatus,
)
from deskapp.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from deskapp.printing import goods_pass
from deskapp.printing.pdf import pdf_text
from deskapp.services import audit, hooks, units
from deskapp.services.hooks import HandoverContext
from deskapp.services.listing import ListQuery
from deskapp.services.registers import goods, keys, lending, lost, parcels, visitors
from deskapp.services.registers import registers as reg
from deskapp.services.registers.common import due_time, plate

NOW = datetime(2026, 11, 30, 10, 0, 0)
ID_OK = "11010519491231002X"


@pytest.fixture
def now():
    with clock.freeze(NOW):
        yield NOW


@pytest.fixture
def site(db, supervisor):
    """Two units: 3-1-1201 (owner 张三, tenant 李四) and 3-1-1202 (owner 王五)."""
    with db.write() as session:
        b = units.get_or_create_building(session, code="3", floors=18)
        u1 = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                               area=Decimal("89.36"))
        u2 = units.create_unit(session, building=b, entrance="1", floor=12, room="1202",
                               area=Decimal("96.12"))
        units.add_occupant(session, unit=u1, name="张三", phone="13812345678")
        units.add_occupant(session, unit=u1, name="李四", phone="13912345678",
                           kind=OccupantKind.TENANT)
        units.add_occupant(session, unit=u2, name="王五", phone="13712345678")
        return {"u1": u1.id, "u2": u2.id}


def handover(db):
    with db.read() as session:
        items = hooks.open_items(session, HandoverContext(start=NOW - timedelta(hours=8),
                                                          end=NOW))
    return [i for i in items if i.section.startswith("registers.")]


def refs(db, kind):
    return [i.ref.id for i in handover(db) if i.ref and i.ref.kind == kind]


def count(db, model):
    with db.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


# ------------------------------------------------------------------------ helpers


def test_due_time_forms():
    at = datetime(2026, 11, 30, 10, 0)
    assert due_time("2h", field="due", now=at) == datetime(2026, 11, 30, 12, 0)
    assert due_time("3天", field="due", now=at) == datetime(2026, 12, 3, 10, 0)
    assert due_time("17:30", field="due", now=at) == datetime(2026, 11, 30, 17, 30)
    assert due_time("09:00", field="due", now=at) == datetime(2026, 12, 1, 9, 0)
    assert due_time("12-05", field="due", now=at) == datetime(2026, 12, 5, 18, 0)
    assert due_time("12-05 9:15", field="due", now=at) == datetime(2026, 12, 5, 9, 15)
    assert due_time("2027-01-02 08:00", field="due", now=at) == datetime(2027, 1, 2, 8, 0)
    assert due_time("", field="due", now=at) is None
    assert due_time("", field="due", now=at, default_hours=4) == datetime(2026, 11, 30, 14, 0)
    for bad in ("tomorrow", "25:00", "2026-02-30", "13-01"):
        with pytest.raises(ValidationError) as err:
            due_time(bad, field="due", now=at)
        assert err.value.field == "due"
    with pytest.raises(ValidationError) as err:
        due_time("2026-11-29 10:00", field="due", now=at)
    assert err.value.key == "registers.due.past"


def test_plate_normalised_and_checked():
    assert plate("豫c 12345") == "豫C12345"
    assert plate("豫CD12345") == "豫CD12345"
    assert plate("") == ""
    for bad in ("12", "豫", "ABC-!!"):
        with pytest.raises(ValidationError):
            plate(bad)


# ------------------------------------------------------------------------ visitors


def test_visitor_in_and_out_with_card(db, receptionist, site, now):
    with db.write() as session:
        v = visitors.register_visitor(session, by=receptionist, name="赵六",
                                      phone_no="138 0000 1111", id_no=ID_OK,
                                      unit_id=site["u1"], purpose="送文件", people="2",
                                      plate_no="豫c12345", card_no="a12")
        vid = v.id
        assert v.number == "FK2026-000001"
        assert v.phone == "13800001111" and v.phone_tail == "1111"
        assert v.card_no == "A12" and v.plate == "豫C12345" and v.people == 2
    assert refs(db, "visitor") == [vid]
    # the card cannot be issued again while out
    with db.write() as session, pytest.raises(ValidationError) as err:
        visitors.register_visitor(session, by=receptionist, name="钱七", phone_no="13800002222",
                                  host="物业办公室", card_no="A12")
    assert err.value.field == "card_no"
    assert count(db, Visitor) == 1
    # leaving with a card: must say whether it came back
    with db.write() as session, pytest.raises(ValidationError) as err:
        visitors.sign_out_visitor(session, by=receptionist, visitor_id=vid)
    assert err.value.field == "card_returned"
    with db.write() as session:
        v = visitors.sign_out_visitor(session, by=receptionist, visitor_id=vid,
                                      card_returned=True)
        assert v.status == VisitorStatus.LEFT and v.time_out == NOW and v.card_returned
    assert refs(db, "visitor") == []
    with db.write() as session, pytest.raises(InvalidTransition):
        visitors.sign_out_visitor(session, by=receptionist, visitor_id=vid, card_returned=True)
    # the card is free again; numbers keep counting without gaps
    with db.write() as session:
        again = visitors.register_visitor(session, by=receptionist, name="钱七",
                                          phone_no="13800002222", host="物业办公室",
                                          card_no="A12")
        assert again.number == "FK2026-000002"
    with db.read() as session:
        actions = [e.action for e in session.execute(select(AuditEntry)).scalars()]
        assert actions.count("visitor.in") == 2 and "visitor.out" in actions
        assert audit.verify(session).ok
        detail = audit.entries_for(session, entity="visitor", entity_id=vid)[0].detail
        assert ID_OK not in detail and "13800001111" not in detail


@pytest.mark.parametrize("field,kwargs", [
    ("name", {"name": "  "}),
    ("phone", {"phone_no": ""}),
    ("phone", {"phone_no": "12345"}),
    ("id_number", {"id_no": "110105194912310021"}),
    ("people", {"people": "0"}),
    ("people", {"people": "两"}),
    ("plate", {"plate_no": "XX"}),
    ("host", {"unit_id": None, "host": ""}),
])
def test_visitor_bad_input_saves_nothing(db, receptionist, site, now, field, kwargs):
    args = {"name": "赵六", "phone_no": "13800001111", "unit_id": site["u1"], **kwargs}
    with db.write() as session, pytest.raises(ValidationError) as err:
        visitors.register_visitor(session, by=receptionist, **args)
    assert err.value.field == field
    assert count(db, Visitor) == 0
    with db.read() as session:
        from deskapp.services.numbering import peek
        assert peek(session, "visitor-pass-2026") == 0  # the number rolled back too


def test_visitor_void_needs_reason_and_only_when_open(db, receptionist, site, now):
    with db.write() as session:
        vid = visitors.register_visitor(session, by=receptionist, name="赵六",
                                        phone_no="13800001111", unit_id=site["u1"]).id
    with db.write() as session, pytest.raises(ValidationError) as err:
        visitors.void_visitor(session, by=receptionist, visitor_id=vid, reason=" ")
    assert err.value.field == "reason"
    with db.write() as session:
        v = visitors.void_visitor(session, by=receptionist, visitor_id=vid, reason="重复登记")
        assert v.status == VisitorStatus.VOIDED and v.voided_by_id == receptionist.id
    assert refs(db, "visitor") == []
    with db.write() as session, pytest.raises(InvalidTransition):
        visitors.void_visitor(session, by=receptionist, visitor_id=vid, reason="again")
    assert count(db, Visitor) == 1  # never deleted


def test_visitor_card_unique_in_database(db, receptionist, site, now):
    """Even a writer that skips the service cannot have one card out twice."""
    with db.write() as session:
        visitors.register_visitor(session, by=receptionist, name="赵六", phone_no="13800001111",
                                  unit_id=site["u1"], card_no="C1")
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(Visitor(number="X", name="x", card_no="C1", time_in=NOW,
                            in_by_id=receptionist.id))
        session.flush()


def test_visitor_list_masks_and_searches(db, receptionist, site, now):
    with db.write() as session:
        visitors.register_visitor(session, by=receptionist, name="欧阳娜娜", id_no=ID_OK,
                                  phone_no="13800001111", unit_id=site["u1"])
        visitors.register_visitor(session, by=receptionist, name="赵六", phone_no="13800002222",
                                  host="工程部")
    source = visitors.VisitorSource()
    with db.read() as session:
        rows = source.fetch(session, ListQuery(filters={"status": "inside"}), 0, 50)
        assert len(rows) == 2
        text = " ".join(" ".join(r.cells) for r in rows)
        assert "13800001111" not in text and "138****1111" in text
        assert ID_OK not in text
        assert source.count(session, ListQuery(search="欧阳娜")) == 1
        assert source.count(session, ListQuery(search="2222")) == 1  # phone tail
        assert source.count(session, ListQuery(filters={"status": "left"})) == 0


def test_visitor_overdue_after_twelve_hours(db, receptionist, site):
    with clock.freeze(NOW), db.write() as session:
        visitors.register_visitor(session, by=receptionist, name="赵六",
                                  phone_no="13800001111", unit_id=site["u1"])
    with clock.freeze(NOW + timedelta(hours=13)):
        assert [i.overdue for i in handover(db)] == [True]


# ------------------------------------------------------------------------ keys


@pytest.fixture
def radio(db, receptionist, site, now):
    with db.write() as session:
        item = keys.add_item(session, by=receptionist, code="r-05", name="对讲机5号",
                             category=KeyCategory.RADIO, location="充电座")
        return item.id


def test_key_check_out_twice_refused_and_return(db, receptionist, radio, now):
    with db.write() as session:
        loan = keys.check_out(session, by=receptionist, code="R-05", holder="保安老刘",
                              holder_org="秩序部", due="2h")
        lid = loan.id
        assert loan.due_at == NOW + timedelta(hours=2)
    with db.write() as session, pytest.raises(ValidationError) as err:
        keys.check_out(session, by=receptionist, code="r-05", holder="别人")
    assert err.value.key == "registers.key.already_out" and "保安老刘" in str(err.value)
    assert refs(db, "key_loan") == [lid]
    # damaged needs a note
    with db.write() as session, pytest.raises(ValidationError) as err:
        keys.return_item(session, by=receptionist, loan_id=lid,
                         condition=ReturnCondition.DAMAGED)
    assert err.value.field == "return_note"
    with db.write() as session:
        back = keys.return_by_code(session, by=receptionist, code="r-05",
                                   condition=ReturnCondition.DAMAGED, note="天线断了")
        assert back.status == KeyLoanStatus.RETURNED and back.condition == ReturnCondition.DAMAGED
    assert refs(db, "key_loan") == []
    with db.write() as session, pytest.raises(InvalidTransition):
        keys.return_item(session, by=receptionist, loan_id=lid)
    with db.write() as session, pytest.raises(InvalidTransition):
        keys.return_by_code(session, by=receptionist, code="R-05")


def test_key_catalogue_rules(db, receptionist, site, radio, now):
    with db.write() as session, pytest.raises(ValidationError) as err:
        keys.add_item(session, by=receptionist, code="R-05", name="重复",
                      category=KeyCategory.RADIO)
    assert err.value.field == "code"
    with db.write() as session, pytest.raises(ValidationError) as err:
        keys.add_item(session, by=receptionist, code="K-1", name="托管钥匙",
                      category=KeyCategory.UNIT)
    assert err.value.field == "unit"
    with db.write() as session, pytest.raises(ValidationError) as err:
        keys.check_out(session, by=receptionist, code="NOPE", holder="x")
    assert err.value.field == "code"
    with db.write() as session:
        keys.check_out(session, by=receptionist, code="R-05", holder="保安老刘")
    with db.write() as session, pytest.raises(Conflict):
        keys.set_item_active(session, by=receptionist, item_id=radio, active=False)


def test_key_overdue_in_handover_and_filter(db, receptionist, radio):
    with clock.freeze(NOW), db.write() as session:
        keys.check_out(session, by=receptionist, code="R-05", holder="保安老刘", due="1h")
    with clock.freeze(NOW + timedelta(hours=2)):
        assert [i.overdue for i in handover(db) if i.ref.kind == "key_loan"] == [True]
        with db.read() as session:
            source = keys.KeyLoanSource()
            assert source.count(session, ListQuery(filters={"overdue": "1"})) == 1
            assert source.count(session, ListQuery(search="对讲机")) == 1


def test_key_out_unique_in_database(db, receptionist, radio, now):
    from deskapp.db.models.registers import KeyLoan

    with db.write() as session:
        keys.check_out(session, by=receptionist, code="R-05", holder="保安老刘")
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(KeyLoan(item_id=radio, holder="x", out_at=NOW, out_by_id=receptionist.id))
        session.flush()


# ------------------------------------------------------------------------ lending


@pytest.fixture
def umbrellas(db, supervisor, now):
    with db.write() as session:
        return lending.save_kind(session, by=supervisor, name="雨伞", total=3,
                                 default_hours=24).id


def on_hand(db, kind_id):
    with db.read() as session:
        kind = session.get(LendKind, kind_id)
        return kind.on_hand, kind.total


def test_lend_return_and_stock(db, receptionist, site, umbrellas, now):
    with db.write() as session:
        loan = lending.lend(session, by=receptionist, kind_id=umbrellas, qty=2, borrower="张三",
                            unit_id=site["u1"])
        lid = loan.id
        assert loan.due_at == NOW + timedelta(hours=24)
    assert on_hand(db, umbrellas) == (1, 3)
    with db.write() as session, pytest.raises(ValidationError) as err:
        lending.lend(session, by=receptionist, kind_id=umbrellas, qty=2, borrower="王五",
                     unit_id=site["u2"])
    assert err.value.field == "qty" and "1" in str(err.value)
    assert on_hand(db, umbrellas) == (1, 3)
    assert refs(db, "loan") == [lid]
    with db.write() as session:
        lending.return_loan(session, by=receptionist, loan_id=lid)
    assert on_hand(db, umbrellas) == (3, 3)
    assert refs(db, "loan") == []
    with db.write() as session, pytest.raises(InvalidTransition):
        lending.return_loan(session, by=receptionist, loan_id=lid)
    assert on_hand(db, umbrellas) == (3, 3)


def test_lend_lost_writes_off_stock(db, receptionist, site, umbrellas, now):
    with db.write() as session:
        lid = lending.lend(session, by=receptionist, kind_id=umbrellas, qty=1, borrower="张三",
                           unit_id=site["u1"]).id
    with db.write() as session, pytest.raises(ValidationError) as err:
        lending.return_loan(session, by=receptionist, loan_id=lid, lost=True)
    assert err.value.field == "return_note"
    with db.write() as session:
        loan = lending.return_loan(session, by=receptionist, loan_id=lid, lost=True,
                                   note="住户说丢在地铁上")
        assert loan.status == LoanStatus.LOST
    assert on_hand(db, umbrellas) == (2, 2)


def test_lend_void_puts_stock_back(db, receptionist, site, umbrellas, now):
    with db.write() as session:
        lid = lending.lend(session, by=receptionist, kind_id=umbrellas, qty=3, borrower="张三",
                           unit_id=site["u1"]).id
    assert on_hand(db, umbrellas) == (0, 3)
    with db.write() as session:
        lending.void_loan(session, by=receptionist, loan_id=lid, reason="录错了")
    assert on_hand(db, umbrellas) == (3, 3)


def test_lend_bad_input(db, receptionist, site, umbrellas, now):
    cases = [
        ("qty", {"qty": "0"}), ("qty", {"qty": "-1"}), ("qty", {"qty": "x"}),
        ("borrower", {"borrower": ""}),
        ("phone", {"unit_id": None}),  # a person without a unit leaves a phone
        ("due", {"due": "yesterday"}),
        ("kind", {"kind_id": 999}),
    ]
    for field, extra in cases:
        args = {"kind_id": umbrellas, "qty": 1, "borrower": "张三", "unit_id": site["u1"],
                **extra}
        with db.write() as session, pytest.raises(ValidationError) as err:
            lending.lend(session, by=receptionist, **args)
        assert err.value.field == field, field
    assert on_hand(db, umbrellas) == (3, 3)


def test_stock_never_negative_in_database(db, umbrellas):
    with pytest.raises(IntegrityError), db.write() as session:
        session.execute(update(LendKind).where(LendKind.id == umbrellas).values(on_hand=-1))
    with pytest.raises(IntegrityError), db.write() as session:
        session.execute(update(LendKind).where(LendKind.id == umbrellas).values(on_hand=4))


def test_kind_management(db, supervisor, receptionist, site, umbrellas, now):
    with db.write() as session, pytest.raises(PermissionDenied):
        lending.save_kind(session, by=receptionist, name="轮椅", total=2)
    with db.write() as session:
        lending.lend(session, by=receptionist, kind_id=umbrellas, qty=2, borrower="张三",
                     unit_id=site["u1"])
    with db.write() as session, pytest.raises(ValidationError) as err:
        lending.save_kind(session, by=supervisor, kind_id=umbrellas, name="雨伞", total=1)
    assert err.value.field == "total"
    with db.write() as session:
        lending.save_kind(session, by=supervisor, kind_id=umbrellas, name="雨伞", total=10)
    assert on_hand(db, umbrellas) == (8, 10)
    with db.write() as session, pytest.raises(ValidationError) as err:
        lending.save_kind(session, by=supervisor, name="雨伞", total=1)
    assert err.value.field == "name"
    with db.write() as session:
        added = lending.load_default_kinds(session, by=supervisor)
        assert added == len(lending.DEFAULT_KINDS) - 1  # 雨伞 exists already
        assert lending.load_default_kinds(session, by=supervisor) == 0


def test_overdue_loan_filter(db, receptionist, site, umbrellas):
    with clock.freeze(NOW), db.write() as session:
        lending.lend(session, by=receptionist, kind_id=umbrellas, qty=1, borrower="张三",
                     unit_id=site["u1"], due="1h")
    with clock.freeze(NOW + timedelta(hours=3)), db.read() as session:
        assert lending.LoanSource().count(session, ListQuery(filters={"overdue": "1"})) == 1
        assert lending.LoanSource().count(session, ListQuery(filters={"kind": str(umbrellas)})) == 1


# ------------------------------------------------------------------------ parcels


def test_parcel_flow_and_tail_search(db, receptionist, site, now):
    with db.write() as session:
        p = parcels.receive(session, by=receptionist, recipient="张三", unit_id=site["u1"],
                            carrier="顺丰", tracking_no="sf 1234-5678-9012", shelf="a-3")
        pid = p.id
        assert p.tracking_no == "SF123456789012" and p.shelf == "A-3"
        parcels.receive(session, by=receptionist, recipient="王五", unit_id=site["u2"],
                        carrier="中通", tracking_no="7300 1111 9012 0000")
        parcels.receive(session, by=receptionist, recipient="王五", unit_id=site["u2"],
                        kind=ParcelKind.LETTER)
    with db.write() as session, pytest.raises(ValidationError) as err:
        parcels.receive(session, by=receptionist, recipient="张三", unit_id=site["u1"],
                        tracking_no="SF123456789012")
    assert err.value.field == "tracking_no"
    with db.read() as session:
        assert [x.id for x in parcels.find_by_tail(session, "9012")] == [pid]
        assert [x.id for x in parcels.find_by_tail(session, "789012")] == [pid]
        assert parcels.find_by_tail(session, "0000")[0].recipient == "王五"
        assert parcels.find_by_tail(session, "5555") == []
        source = parcels.ParcelSource()
        assert source.count(session, ListQuery(search="9012")) == 1
        assert source.count(session, ListQuery(search="张三")) == 1
        assert parcels.waiting_by_unit(session) == [("3-1-1201", 1), ("3-1-1202", 2)]
        with pytest.raises(ValidationError):
            parcels.find_by_tail(session, "12")
    assert len(refs(db, "parcel")) == 3
    with db.write() as session:
        p = parcels.notify(session, by=receptionist, parcel_id=pid, method=NotifyMethod.SMS)
        assert p.notify_count == 1 and p.notified_at == NOW
    with db.write() as session, pytest.raises(ValidationError) as err:
        parcels.hand_over(session, by=receptionist, parcel_id=pid, collected_by="")
    assert err.value.field == "collected_by"
    with db.write() as session:
        p = parcels.hand_over(session, by=receptionist, parcel_id=pid, collected_by="张三")
        assert p.status == ParcelStatus.COLLECTED
    with db.write() as session, pytest.raises(InvalidTransition):
        parcels.hand_over(session, by=receptionist, parcel_id=pid, collected_by="张三")
    with db.write() as session, pytest.raises(InvalidTransition):
        parcels.notify(session, by=receptionist, parcel_id=pid)
    assert pid not in refs(db, "parcel")
    # once collected, the same tracking number may arrive again (returned and resent)
    with db.write() as session:
        parcels.receive(session, by=receptionist, recipient="张三", unit_id=site["u1"],
                        tracking_no="SF123456789012")


def test_parcel_bad_input(db, receptionist, site, now):
    for field, kwargs in [
        ("tracking_no", {"tracking_no": ""}),
        ("tracking_no", {"tracking_no": "单号!"}),
        ("recipient", {"recipient": ""}),
        ("recipient_phone", {"unit_id": None}),
    ]:
        args = {"recipient": "张三", "unit_id": site["u1"], "tracking_no": "SF0001", **kwargs}
        with db.write() as session, pytest.raises(ValidationError) as err:
            parcels.receive(session, by=receptionist, **args)
        assert err.value.field == field
    assert count(db, Parcel) == 0


def test_parcel_overdue_after_days(db, receptionist, site):
    with clock.freeze(NOW), db.write() as session:
        parcels.receive(session, by=receptionist, recipient="张三", unit_id=site["u1"],
                        tracking_no="SF0001")
    with clock.freeze(NOW + timedelta(days=4)):
        assert [i.overdue for i in handover(db)] == [True]


# ------------------------------------------------------------------------ lost and found


def test_lost_found_claim(db, receptionist, now):
    with db.write() as session:
        item = lost.register_found(session, by=receptionist, description="黑色钱包",
                                   found_place="3号楼大堂", found_at="09:30", finder="保洁王姐",
                                   storage="前台柜2")
        iid = item.id
        assert item.found_at == datetime(2026, 11, 30, 9, 30)
        assert item.hold_until == date(2027, 2, 28)
    assert refs(db, "lost_item") == [iid]
    with db.write() as session, pytest.raises(ValidationError) as err:
        lost.claim(session, by=receptionist, item_id=iid, claimant="张三",
                   claimant_phone="13812345678", id_checked=True)
    assert err.value.field == "id_number"
    with db.write() as session, pytest.raises(ValidationError) as err:
        lost.claim(session, by=receptionist, item_id=iid, claimant="张三", claimant_phone="123")
    assert err.value.field == "claimant_phone"
    with db.write() as session:
        item = lost.claim(session, by=receptionist, item_id=iid, claimant="张三",
                          claimant_phone="13812345678", id_no=ID_OK, id_checked=True)
        assert item.status == LostStatus.CLAIMED and item.id_checked
    assert refs(db, "lost_item") == []
    with db.write() as session, pytest.raises(InvalidTransition):
        lost.dispose(session, by=receptionist, item_id=iid, disposal="丢弃")
    with db.read() as session:
        row = lost.LostItemSource().fetch(session, ListQuery(), 0, 10)[0]
        assert "138****5678" in row.cells and "13812345678" not in row.cells


def test_lost_dispose_only_after_period(db, receptionist, supervisor):
    with clock.freeze(NOW), db.write() as session:
        iid = lost.register_found(session, by=receptionist, description="雨伞",
                                  found_place="地库", hold_days=30).id
        iid2 = lost.register_found(session, by=receptionist, description="水杯",
                                   found_place="电梯", hold_days=30).id
    with clock.freeze(NOW + timedelta(days=10)):
        with db.write() as session, pytest.raises(PermissionDenied):
            lost.dispose(session, by=receptionist, item_id=iid, disposal="捐赠")
        with db.write() as session:  # a supervisor may, and it is recorded as early
            lost.dispose(session, by=supervisor, item_id=iid2, disposal="交派出所")
            assert '"early": true' in audit.entries_for(session, entity="lost_item",
                                                        entity_id=iid2)[-1].detail
    with clock.freeze(NOW + timedelta(days=30)):
        assert [i.overdue for i in handover(db) if i.ref.kind == "lost_item"] == [True]
        with db.write() as session, pytest.raises(ValidationError):
            lost.dispose(session, by=receptionist, item_id=iid, disposal="")
        with db.write() as session:
            assert lost.dispose(session, by=receptionist, item_id=iid,
                                disposal="捐赠").status == LostStatus.DISPOSED


def test_lost_bad_found_time(db, receptionist, now):
    for value in ("明天", "23:59", "2026-13-01"):
        with db.write() as session, pytest.raises(ValidationError) as err:
            lost.register_found(session, by=receptionist, description="钥匙",
                                found_place="大堂", found_at=value)
        assert err.value.field == "found_at"


# ------------------------------------------------------------------------ goods passes


def test_goods_pass_owner_issue_print_use(db, receptionist, site, now):
    with db.write() as session:
        g = goods.issue(session, by=receptionist, unit_id=site["u1"], applicant="张三",
                        applicant_phone="13812345678",
                        items="沙发 1件\n纸箱×5箱、电视机1台", plate_no="豫C12345")
        gid = g.id
        assert g.number == "FX2026-00001"
        assert g.items_text == "沙发×1件、纸箱×5箱、电视机×1台"
        assert g.out_date == date(2026, 11, 30)
        assert [(i.name, i.qty, i.measure) for i in goods.pass_items(session, gid)] == [
            ("沙发", 1, "件"), ("纸箱", 5, "箱"), ("电视机", 1, "台")]
        pdf = goods_pass.pass_pdf(session, pass_id=gid, by=receptionist)
    text = pdf_text(pdf)
    assert "物品放行通知单" in text and "FX2026-00001" in text and "3-1-1201" in text
    assert "纸箱" in text and "第二联 门岗" in text
    assert refs(db, "goods_pass") == [gid]
    with db.write() as session:
        assert goods.mark_used(session, by=receptionist, pass_id=gid,
                               guard="门岗小李").status == GoodsPassStatus.USED
    assert refs(db, "goods_pass") == []
    with db.write() as session, pytest.raises(InvalidTransition):
        goods.mark_used(session, by=receptionist, pass_id=gid)
    with db.write() as session, pytest.raises(InvalidTransition):
        goods.void_pass(session, by=receptionist, pass_id=gid, reason="x")


def test_goods_pass_tenant_needs_consent(db, receptionist, site, now):
    args = dict(unit_id=site["u1"], applicant="李四", applicant_kind=OccupantKind.TENANT,
                applicant_phone="13912345678", items="冰箱 1台")
    with db.write() as session, pytest.raises(ValidationError) as err:
        goods.issue(session, by=receptionist, **args)
    assert err.value.field == "consent"
    assert count(db, GoodsPass) == 0
    with db.write() as session:
        g = goods.issue(session, by=receptionist, consent_note="业主张三电话确认 10:05", **args)
        assert g.number == "FX2026-00001"  # the refused attempt used no number
    # someone not on the unit's file also needs the owner's consent
    with db.write() as session, pytest.raises(ValidationError) as err:
        goods.issue(session, by=receptionist, unit_id=site["u1"], applicant="陌生人",
                    applicant_phone="13900000000", items="椅子 2把")
    assert err.value.key == "registers.goods.not_on_file" and err.value.field == "consent"


def test_goods_pass_database_refuses_tenant_without_consent(db, receptionist, site, now):
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(GoodsPass(number="X1", unit_id=site["u1"], applicant="李四",
                              applicant_kind=OccupantKind.TENANT, out_date=NOW.date(),
                              issued_at=NOW, issued_by_id=receptionist.id))
        session.flush()


@pytest.mark.parametrize("field,kwargs", [
    ("items", {"items": ""}),
    ("items", {"items": "沙发"}),
    ("items", {"items": "沙发 0件"}),
    ("out_date", {"out_date": "2026-11-29"}),
    ("out_date", {"out_date": "2027-03-01"}),
    ("out_date", {"out_date": "明天"}),
    ("unit", {"unit_id": None}),
    ("applicant_phone", {"applicant_phone": "1"}),
    ("plate", {"plate_no": "??"}),
])
def test_goods_pass_bad_input(db, receptionist, site, now, field, kwargs):
    args = {"unit_id": site["u1"], "applicant": "张三", "applicant_phone": "13812345678",
            "items": "沙发 1件", **kwargs}
    with db.write() as session, pytest.raises(ValidationError) as err:
        goods.issue(session, by=receptionist, **args)
    assert err.value.field == field
    assert count(db, GoodsPass) == 0


def test_goods_pass_arrears_warning_must_be_acknowledged(db, receptionist, site, now):
    def arrears(session, unit_ids):
        return {u: [hooks.UnitFlag("warning", "欠费 ¥1,234.00")] for u in unit_ids
                if u == site["u2"]}

    hooks.unit_flag_provider(arrears)
    try:
        args = dict(unit_id=site["u2"], applicant="王五", applicant_phone="13712345678",
                    items="书柜 1件")
        with db.write() as session, pytest.raises(ValidationError) as err:
            goods.issue(session, by=receptionist, **args)
        assert err.value.field == "unit" and "欠费" in str(err.value)
        with db.write() as session:
            g = goods.issue(session, by=receptionist, acknowledge_warnings=True, **args)
            assert g.warning == "欠费 ¥1,234.00"
    finally:
        hooks._unit_flag_providers.remove(arrears)


def test_goods_pass_void(db, receptionist, site, now):
    with db.write() as session:
        gid = goods.issue(session, by=receptionist, unit_id=site["u1"], applicant="张三",
                          applicant_phone="13812345678", items="沙发 1件").id
    with db.write() as session:
        g = goods.void_pass(session, by=receptionist, pass_id=gid, reason="业主改期")
        assert g.status == GoodsPassStatus.VOIDED
        pdf = goods_pass.pass_pdf(session, pass_id=gid)
    assert "已作废" in pdf_text(pdf)
    assert refs(db, "goods_pass") == []


# ------------------------------------------------------------------------ roles, summary


def test_inactive_or_missing_staff_refused(db, receptionist, site, now):
    receptionist.active = False
    with db.write() as session, pytest.raises(PermissionDenied):
        visitors.register_visitor(session, by=receptionist, name="赵六",
                                  phone_no="13800001111", unit_id=site["u1"])
    with db.write() as session, pytest.raises(PermissionDenied):
        parcels.receive(session, by=None, recipient="x", unit_id=site["u1"],  # type: ignore[arg-type]
                        tracking_no="SF1111")


def test_monthly_summary_counts_by_month(db, receptionist, supervisor, site, umbrellas, radio):
    with clock.freeze(datetime(2026, 10, 31, 23, 50)), db.write() as session:
        visitors.register_visitor(session, by=receptionist, name="十月", phone_no="13800001111",
                                  unit_id=site["u1"], people=5)
    with clock.freeze(NOW), db.write() as session:
        v = visitors.register_visitor(session, by=receptionist, name="赵六",
                                      phone_no="13800001111", unit_id=site["u1"], people=3,
                                      card_no="A1")
        visitors.sign_out_visitor(session, by=receptionist, visitor_id=v.id,
                                  card_returned=False)
        gone = visitors.register_visitor(session, by=receptionist, name="错",
                                         phone_no="13800001111", unit_id=site["u1"])
        visitors.void_visitor(session, by=receptionist, visitor_id=gone.id, reason="录错")
        kl = keys.check_out(session, by=receptionist, code="R-05", holder="老刘", due="1h")
        loan = lending.lend(session, by=receptionist, kind_id=umbrellas, qty=2,
                            borrower="张三", unit_id=site["u1"])
        p = parcels.receive(session, by=receptionist, recipient="张三", unit_id=site["u1"],
                            tracking_no="SF0001")
        parcels.hand_over(session, by=receptionist, parcel_id=p.id, collected_by="张三",
                          delivered=True)
        item = lost.register_found(session, by=receptionist, description="钱包",
                                   found_place="大堂")
        lost.claim(session, by=receptionist, item_id=item.id, claimant="张三",
                   claimant_phone="13812345678")
        g = goods.issue(session, by=receptionist, unit_id=site["u1"], applicant="张三",
                        applicant_phone="13812345678", items="沙发 1件")
        goods.mark_used(session, by=receptionist, pass_id=g.id)
    with clock.freeze(NOW + timedelta(hours=2)), db.write() as session:
        keys.return_item(session, by=receptionist, loan_id=kl.id)
        lending.return_loan(session, by=receptionist, loan_id=loan.id, lost=True, note="丢了")
    with db.read() as session:
        nov = reg.monthly_summary(session, year=2026, month=11)
        oct_ = reg.monthly_summary(session, year=2026, month=10)
    assert (nov.visitors, nov.visitor_people, nov.visitor_cards_not_returned) == (1, 3, 1)
    assert (oct_.visitors, oct_.visitor_people) == (1, 5)
    assert (nov.key_checkouts, nov.key_returns_late) == (1, 1)
    assert (nov.loans, nov.loan_items, nov.loans_lost) == (1, 2, 1)
    assert (nov.parcels_received, nov.parcels_handed_over) == (1, 1)
    assert (nov.lost_registered, nov.lost_claimed) == (1, 1)
    assert (nov.goods_passes_issued, nov.goods_passes_used) == (1, 1)
    assert nov.as_dict()["year"] == 2026
    with clock.freeze(NOW), db.read() as session:
        counts = reg.open_counts(session)
        assert counts.visitors == 1 and counts.keys == 0 and counts.lending == 0  # October's
        assert counts.goods == 0 and counts.parcels == 0


def test_visitor_and_worker_passes_have_their_own_prefix(db, receptionist, site, now):
    """Issue 21.5: visitors' passes (LS2026-000336) and renovation workers' passes
    (LS000018) shared the prefix LS. A visitor's pass is FK…, a worker's SG…; passes issued
    before keep their LS numbers and the counter carries on past them."""
    from deskapp.services import numbering
    from deskapp.services.renovation import rules

    with db.write() as session:
        old = visitors.register_visitor(session, by=receptionist, name="赵六",
                                        phone_no="13800001111", host="物业办公室")
        old_id = old.id
        session.execute(update(Visitor).where(Visitor.id == old_id)
                        .values(number="LS2026-000001"))  # issued under the old prefix
    with db.write() as session:
        new = visitors.register_visitor(session, by=receptionist, name="钱七",
                                        phone_no="13800002222", host="物业办公室")
        assert new.number == "FK2026-000002"
        assert numbering.peek(session, "visitor-pass-2026") == 2
    with db.read() as session:
        assert session.get(Visitor, old_id).number == "LS2026-000001"  # never rewritten
    assert visitors.VISITOR_PASS_PREFIX != rules.WORKER_PASS_PREFIX
    assert not rules.WORKER_PASS_PREFIX.startswith("LS")
