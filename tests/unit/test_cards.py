"""Access and lift cards (issue #20 part 4): issue to a current occupant, a number unique
among active cards, cancel with a reason, replace a lost card — the old card cancelled
first and the fee billed to the fen in the same transaction — flags and handover for a
holder who moved out, the month's figures. Bad input saves nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from deskapp import clock
from deskapp.db.models import AuditEntry, Occupant, OccupantKind
from deskapp.db.models.cards import AccessCard, CardEndReason, CardStatus
from deskapp.db.models.cashier import Bill, BillStatus
from deskapp.errors import InvalidTransition, PermissionDenied, ValidationError
from deskapp.services import hooks, units
from deskapp.services.cashier import fees
from deskapp.services.customer import cards, occupants
from deskapp.services.customer.month import monthly_summary
from deskapp.services.hooks import HandoverContext
from deskapp.services.listing import ListQuery

NOW = datetime(2026, 11, 30, 10, 0, 0)


@pytest.fixture
def site(db, supervisor):
    with clock.freeze(NOW), db.write() as session:
        fees.load_standards(session, by=None)
        b = units.get_or_create_building(session, code="3", floors=18)
        u1 = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                                area=Decimal("89.36"))
        owner = units.add_occupant(session, unit=u1, name="张三", phone="13812345678",
                                   moved_in=date(2020, 5, 1))
        tenant = units.add_occupant(session, unit=u1, name="李四", phone="13912345678",
                                    kind=OccupantKind.TENANT, moved_in=date(2025, 3, 1))
        return {"u1": u1.id, "owner": owner.id, "tenant": tenant.id}


@pytest.fixture(autouse=True)
def frozen():
    with clock.freeze(NOW):
        yield


def count(db, *where):
    with db.read() as session:
        return session.execute(select(func.count(AccessCard.id)).where(*where)).scalar_one()


def issue(db, by, occupant_id, number, kind="access"):
    with db.write() as session:
        return cards.issue(session, by=by, occupant_id=occupant_id, kind=kind,
                           number=number).id


def test_issue_cleans_the_number_and_audits(db, site, receptionist):
    card_id = issue(db, receptionist, site["owner"], " ａb-12 34 ", kind="both")
    with db.read() as session:
        card = session.get(AccessCard, card_id)
        assert (card.number, card.kind.value, card.unit_id) == ("AB1234", "both", site["u1"])
        entry = session.execute(select(AuditEntry).where(
            AuditEntry.action == "card.issue")).scalars().one()
        assert "AB1234" in entry.detail and "张三" in entry.detail


@pytest.mark.parametrize(("number", "key"), [
    ("", "cards.number_required"), ("12", "cards.number_invalid"),
    ("12345678901234567890X", "cards.number_invalid"), ("12#45", "cards.number_invalid"),
    ("=1+2", "cards.number_invalid")])
def test_bad_number_saves_nothing(db, site, receptionist, number, key):
    with pytest.raises(ValidationError) as err, db.write() as session:
        cards.issue(session, by=receptionist, occupant_id=site["owner"], kind="access",
                    number=number)
    assert err.value.key == key and err.value.field == "number"
    assert count(db) == 0


def test_active_number_unique_but_reusable_after_cancel(db, site, receptionist):
    first = issue(db, receptionist, site["owner"], "10001")
    with pytest.raises(ValidationError) as err, db.write() as session:
        cards.issue(session, by=receptionist, occupant_id=site["tenant"], kind="lift",
                    number="10001")
    assert err.value.key == "cards.number_in_use" and "3-1-1201" in str(err.value.params)
    with db.write() as session:
        cards.cancel(session, by=receptionist, card_id=first, reason="returned")
    issue(db, receptionist, site["tenant"], "10001")
    assert count(db, AccessCard.number == "10001") == 2
    assert count(db, AccessCard.status == CardStatus.ACTIVE) == 1


def test_kind_and_holder_required(db, site, receptionist):
    with pytest.raises(ValidationError) as err, db.write() as session:
        cards.issue(session, by=receptionist, occupant_id=site["owner"], kind="",
                    number="10001")
    assert err.value.key == "cards.kind_required"
    with pytest.raises(ValidationError) as err, db.write() as session:
        cards.issue(session, by=receptionist, occupant_id=None, kind="access",
                    number="10001")
    assert err.value.key == "cards.holder_required"
    assert count(db) == 0


def test_replace_cancels_first_and_bills_the_fee_to_the_fen(db, site, receptionist):
    old_id = issue(db, receptionist, site["owner"], "10001")
    with db.read() as session:
        preview = cards.replace_preview(session, by=receptionist, card_id=old_id,
                                        new_number="10002", reason="lost")
    text = " ".join(v for _, v in preview.lines) + " ".join(preview.notes)
    assert "10001" in text and "10002" in text and "¥20.00" in text
    with db.write() as session:
        done = cards.replace(session, by=receptionist, card_id=old_id, new_number="10002",
                             reason="lost")
        new_id, bill_id = done.new.id, done.bill.id
    with db.read() as session:
        old, new = session.get(AccessCard, old_id), session.get(AccessCard, new_id)
        assert old.status == CardStatus.CANCELLED and old.end_reason == CardEndReason.LOST
        assert old.ended_at <= new.issued_at and new.replaces_id == old_id
        assert new.occupant_id == site["owner"] and new.kind == old.kind
        bill = session.get(Bill, bill_id)
        assert (bill.amount_fen, bill.fee_code, bill.status, bill.unit_id) == (
            2000, "SV-CARD", BillStatus.OPEN, site["u1"])
        assert new.fee_bill_id == bill_id
        assert session.execute(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "card.replace")).scalar_one() == 1


def test_replace_refused_saves_nothing(db, site, receptionist):
    old_id = issue(db, receptionist, site["owner"], "10001")
    other = issue(db, receptionist, site["tenant"], "20001")
    for kwargs, key in [
        ({"new_number": "20001", "reason": "lost"}, "cards.number_in_use"),
        ({"new_number": "10001", "reason": "lost"}, "cards.same_number"),
        ({"new_number": "10002", "reason": "returned"}, "cards.reason_not_replace"),
        ({"new_number": "10002", "reason": "lost", "waive_reason": "老人免收"},
         "cards.waive_supervisor"),
    ]:
        with pytest.raises(ValidationError) as err, db.write() as session:
            cards.replace(session, by=receptionist, card_id=old_id, **kwargs)
        assert err.value.key == key
    assert count(db) == 2 and count(db, AccessCard.status == CardStatus.ACTIVE) == 2
    with db.read() as session:
        assert session.execute(select(func.count(Bill.id))).scalar_one() == 0
    assert other


def test_supervisor_may_waive_the_fee(db, site, supervisor):
    old_id = issue(db, supervisor, site["owner"], "10001")
    with db.write() as session:
        done = cards.replace(session, by=supervisor, card_id=old_id, new_number="10002",
                             reason="damaged", waive_reason="卡片质量问题")
        assert done.bill is None and done.fee_fen == 0
    with db.read() as session:
        assert session.execute(select(func.count(Bill.id))).scalar_one() == 0


def test_cancel_needs_a_reason_and_happens_once(db, site, receptionist):
    card_id = issue(db, receptionist, site["owner"], "10001")
    with pytest.raises(ValidationError) as err, db.write() as session:
        cards.cancel(session, by=receptionist, card_id=card_id, reason="other")
    assert err.value.key == "cards.note_required"
    with pytest.raises(ValidationError), db.write() as session:
        cards.cancel(session, by=receptionist, card_id=card_id, reason="")
    assert count(db, AccessCard.status == CardStatus.ACTIVE) == 1
    with db.write() as session:
        cards.cancel(session, by=receptionist, card_id=card_id, reason="lost", note="业主来电挂失")
    with pytest.raises(InvalidTransition), db.write() as session:
        cards.cancel(session, by=receptionist, card_id=card_id, reason="returned")
    with pytest.raises(InvalidTransition), db.write() as session:
        cards.replace(session, by=receptionist, card_id=card_id, new_number="10002",
                      reason="lost")


def test_moving_out_and_selling_cancel_the_leavers_cards(db, site, receptionist):
    tenant_card = issue(db, receptionist, site["tenant"], "10001")
    owner_card = issue(db, receptionist, site["owner"], "20001")
    with db.read() as session:
        note = " ".join(occupants.move_out_preview(
            session, by=receptionist, occupant_id=site["tenant"], moved_out="2026-11-29").notes)
    assert "李四 10001" in note and "20001" not in note
    with db.write() as session:
        occupants.move_out(session, by=receptionist, occupant_id=site["tenant"],
                           moved_out="2026-11-29")
    with db.read() as session:
        card = session.get(AccessCard, tenant_card)
        assert card.status == CardStatus.CANCELLED and card.end_reason == CardEndReason.MOVED_OUT
        note = " ".join(occupants.transfer_preview(
            session, by=receptionist, unit_id=site["u1"], transfer_date="2026-11-30",
            name="赵六").notes)
    assert "张三 20001" in note
    with db.write() as session:
        occupants.transfer(session, by=receptionist, unit_id=site["u1"],
                           transfer_date="2026-11-30", name="赵六")
    assert count(db, AccessCard.status == CardStatus.ACTIVE) == 0
    assert count(db, AccessCard.id == owner_card, AccessCard.end_reason == CardEndReason.MOVED_OUT) == 1


def test_no_card_for_someone_who_moved_out(db, site, receptionist):
    card_id = issue(db, receptionist, site["tenant"], "10001")
    with db.write() as session:  # left some other way (e.g. a register update)
        tenant = session.get(Occupant, site["tenant"])
        tenant.active, tenant.moved_out = False, date(2026, 11, 29)
        session.add(tenant)
    with pytest.raises(ValidationError) as err, db.write() as session:
        cards.issue(session, by=receptionist, occupant_id=site["tenant"], kind="access",
                    number="10002")
    assert err.value.key == "cards.holder_moved_out"
    # the card left behind is flagged on the unit and listed in the handover
    with db.read() as session:
        flags = hooks.unit_flags(session, [site["u1"]])[site["u1"]]
        assert any("李四" in f.text for f in flags)
        items = [i for i in hooks.open_items(session, HandoverContext(NOW, NOW))
                 if i.section == "cards.section"]
        assert len(items) == 1 and "李四" in items[0].label and items[0].overdue
        assert cards.unit_cards(session, site["u1"])[0].holder_gone
    with db.write() as session:
        cards.cancel(session, by=receptionist, card_id=card_id, reason="moved_out")
    with db.read() as session:
        assert not any(i.section == "cards.section"
                       for i in hooks.open_items(session, HandoverContext(NOW, NOW)))


def test_roles_and_the_list(db, site, receptionist, specialist):
    issue(db, specialist, site["owner"], "10001")
    with db.write() as session:
        inactive = receptionist.model_copy(update={"active": False})
        with pytest.raises(PermissionDenied):
            cards.issue(session, by=inactive, occupant_id=site["owner"], kind="access",
                        number="10009")
    source = cards.CardSource()
    with db.read() as session:
        rows = source.fetch(session, ListQuery(filters={"unit": site["u1"]}, search="张三"),
                            0, 50)
        assert [r.cells[0] for r in rows] == ["10001"]
        assert source.fetch(session, ListQuery(filters={"unit": site["u1"]}, search="王五"),
                            0, 50) == []


def test_month_figures(db, site, receptionist, supervisor):
    a = issue(db, receptionist, site["owner"], "10001")
    b = issue(db, receptionist, site["tenant"], "20001")
    with db.write() as session:
        cards.replace(session, by=receptionist, card_id=a, new_number="10002", reason="lost")
        cards.cancel(session, by=receptionist, card_id=b, reason="returned")
    with db.read() as session:
        month = monthly_summary(session, year=2026, month=11).cards
        assert (month.issued, month.replaced, month.cancelled, month.active) == (2, 1, 1, 1)
        assert monthly_summary(session, year=2026, month=10).cards.issued == 0


def test_history_tells_the_story(db, site, receptionist):
    old_id = issue(db, receptionist, site["owner"], "10001")
    with db.write() as session:
        new_id = cards.replace(session, by=receptionist, card_id=old_id, new_number="10002",
                               reason="lost").new.id
    with db.read() as session:
        old, new = cards.history(session, old_id), cards.history(session, new_id)
    assert "10001" in old[0] and "张前台" in old[0] and "挂失" in old[-1]
    assert any("10001" in line for line in new) and any("¥20.00" in line and "待收" in line
                                                        for line in new)
