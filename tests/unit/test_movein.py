"""Move-in (入伙/交付, issue #20 part 2): the site's checklist edited by a supervisor, the
inspection with defects sent as work orders, keys, first meter readings fed to the cashier,
documents signed, fees collected through the cashier (one receipt), completion rules,
amendments with a reason, the handover, the monthly figures, the printed sheet, and the
move-in date starting the renovation refund's 3 months. Bad input saves nothing."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from deskapp import clock
from deskapp.db.models import AuditEntry
from deskapp.db.models.cashier import Bill, BillStatus, MeterKind, MeterReading, Receipt
from deskapp.db.models.movein import MoveIn, MoveInCheck, MoveInItem, MoveInItemKind, MoveInStatus
from deskapp.db.models.reception import WorkOrder
from deskapp.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from deskapp.services import hooks, units
from deskapp.services.cashier import fees
from deskapp.services.customer import movein, movein_checklist, movein_fees, movein_views
from deskapp.services.customer.month import monthly_summary
from deskapp.services.hooks import DocumentAction, HandoverContext
from deskapp.services.listing import ListQuery
from deskapp.services.reception import workorders

NOW = datetime(2026, 11, 30, 10, 0, 0)


@pytest.fixture
def now():
    with clock.freeze(NOW):
        yield NOW


@pytest.fixture
def site(db, supervisor, now):
    """3-1-1201 (owner 张三 on file), fee standards loaded."""
    with db.write() as session:
        fees.load_standards(session, by=None)
        b = units.get_or_create_building(session, code="3", floors=18)
        u1 = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                               area=Decimal("100.00"))
        u2 = units.create_unit(session, building=b, entrance="1", floor=12, room="1202",
                               area=Decimal("96.12"), vacant=True)
        units.add_occupant(session, unit=u1, name="张三", phone="13812345678",
                           moved_in=date(2026, 11, 1))
        return {"u1": u1.id, "u2": u2.id}


def count(db, model, *where):
    with db.read() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)
                               ).scalar_one()


def audits(db, action):
    with db.read() as session:
        return list(session.execute(select(AuditEntry).where(AuditEntry.action == action))
                    .scalars())


def _start(db, by, unit_id, **over) -> int:
    with db.write() as session:
        return movein.start(session, by=by, unit_id=unit_id, **over).id


def _checks(db, movein_id, kind):
    with db.read() as session:
        return list(session.execute(select(MoveInCheck).where(
            MoveInCheck.movein_id == movein_id, MoveInCheck.kind == kind)
            .order_by(MoveInCheck.sort)).scalars())


def _ready(db, by, movein_id, *, defect: str = "") -> None:
    """Inspect (one defect when given), two door keys, every document signed."""
    lines = _checks(db, movein_id, MoveInItemKind.INSPECT)
    docs = _checks(db, movein_id, MoveInItemKind.DOCUMENT)
    with db.write() as session:
        movein.record_inspection(session, by=by, movein_id=movein_id,
                                 defects={lines[1].id: defect} if defect else {})
        movein.set_keys(session, by=by, movein_id=movein_id, counts={"door": "2"})
        movein.sign_documents(session, by=by, movein_id=movein_id,
                              signed={d.id: True for d in docs})


def test_default_checklist_comes_with_the_migration(db, site):
    with db.read() as session:
        inspect = movein_checklist.checklist(session, kind=MoveInItemKind.INSPECT)
        docs = movein_checklist.checklist(session, kind=MoveInItemKind.DOCUMENT)
    assert "入户门及门锁" in [i.name for i in inspect] and len(inspect) >= 8
    assert {"业主公约", "装修须知"} <= {d.name for d in docs}


def test_supervisor_edits_the_checklist_desk_cannot(db, site, supervisor, receptionist):
    with pytest.raises(PermissionDenied), db.write() as session:
        movein_checklist.add_item(session, by=receptionist, kind="inspect", name="阳台栏杆")
    with db.write() as session:
        item = movein_checklist.add_item(session, by=supervisor, kind="inspect", name="阳台栏杆")
        item_id = item.id
    with pytest.raises(Conflict), db.write() as session:
        movein_checklist.add_item(session, by=supervisor, kind="inspect", name="阳台栏杆")
    with pytest.raises(ValidationError) as err, db.write() as session:
        movein_checklist.add_item(session, by=supervisor, kind="inspect", name="   ")
    assert err.value.field == "item_name"
    with pytest.raises(ValidationError), db.write() as session:
        movein_checklist.add_item(session, by=supervisor, kind="nonsense", name="x")
    # a move-in started now copies the line; retiring it later does not change that record
    mid = _start(db, receptionist, site["u1"])
    with db.write() as session:
        movein_checklist.retire_item(session, by=supervisor, item_id=item_id)
    with pytest.raises(InvalidTransition), db.write() as session:
        movein_checklist.retire_item(session, by=supervisor, item_id=item_id)
    assert "阳台栏杆" in [c.name for c in _checks(db, mid, MoveInItemKind.INSPECT)]
    with db.read() as session:
        assert "阳台栏杆" not in [i.name for i in movein_checklist.checklist(session)]
        assert session.get(MoveInItem, item_id) is not None  # kept, retired
    assert len(audits(db, "movein.item.add")) == 1 and len(audits(db, "movein.item.retire")) == 1


def test_start_defaults_owner_numbers_and_refuses_a_second_open_one(db, site, receptionist):
    mid = _start(db, receptionist, site["u1"], moved_in_on="2026-11-28")
    with db.read() as session:
        mv = session.get(MoveIn, mid)
        assert (mv.number, mv.owner_name, mv.owner_phone, mv.moved_in_on) == (
            "RH202611-0001", "张三", "13812345678", date(2026, 11, 28))
        assert mv.status == MoveInStatus.OPEN
    with pytest.raises(Conflict) as err, db.write() as session:
        movein.start(session, by=receptionist, unit_id=site["u1"])
    assert "RH202611-0001" in str(err.value)
    assert len(audits(db, "movein.start")) == 1


@pytest.mark.parametrize(("over", "field"), [
    ({"moved_in_on": "2026-12-05"}, "moved_in_on"),  # in the future
    ({"moved_in_on": "2026-13-01"}, "moved_in_on"),
    ({"owner_phone": "12345"}, "owner_phone"),
])
def test_bad_start_names_the_field_and_saves_nothing(db, site, receptionist, over, field):
    with pytest.raises(ValidationError) as err, db.write() as session:
        movein.start(session, by=receptionist, unit_id=site["u1"], **over)
    assert err.value.field == field
    assert count(db, MoveIn) == 0 and count(db, MoveInCheck) == 0


def test_vacant_unit_without_owner_needs_a_name(db, site, receptionist):
    with pytest.raises(ValidationError) as err, db.write() as session:
        movein.start(session, by=receptionist, unit_id=site["u2"])
    assert err.value.field == "owner_name"
    _start(db, receptionist, site["u2"], owner_name="王五", owner_phone="13700001111")


def test_defects_become_work_orders_once(db, site, receptionist):
    mid = _start(db, receptionist, site["u1"])
    lines = _checks(db, mid, MoveInItemKind.INSPECT)
    with db.write() as session:
        orders = movein.record_inspection(session, by=receptionist, movein_id=mid, defects={
            lines[0].id: "门锁卡滞", lines[5].id: "客厅墙面裂缝"})
        numbers = [o.number for o in orders]
    assert len(numbers) == 2
    with db.read() as session:
        order = workorders.get_by_number(session, numbers[0])
        assert order.unit_code == "3-1-1201" and "门锁卡滞" in order.description
        assert "RH202611-0001" in order.description and order.requester_name == "张三"
    # inspecting again keeps the orders (no second order for the same defect)
    with db.write() as session:
        again = movein.record_inspection(session, by=receptionist, movein_id=mid,
                                         defects={lines[0].id: "门锁卡滞"})
    assert again == [] and count(db, WorkOrder) == 2
    checks = _checks(db, mid, MoveInItemKind.INSPECT)
    assert all(c.done for c in checks)
    assert [c.defect for c in checks if c.defect] == ["门锁卡滞", "客厅墙面裂缝"]


def test_bad_defect_text_saves_nothing(db, site, receptionist):
    mid = _start(db, receptionist, site["u1"])
    lines = _checks(db, mid, MoveInItemKind.INSPECT)
    with pytest.raises(ValidationError) as err, db.write() as session:
        movein.record_inspection(session, by=receptionist, movein_id=mid,
                                 defects={lines[0].id: "门锁" * 150})
    assert err.value.field == f"defect_{lines[0].id}"
    assert count(db, WorkOrder) == 0
    assert not any(c.done for c in _checks(db, mid, MoveInItemKind.INSPECT))


@pytest.mark.parametrize(("counts", "field"), [
    ({"door": "-1"}, "key_door"), ({"door": "abc"}, "key_door"), ({"door": "21"}, "key_door"),
    ({"door": "0", "mailbox": ""}, "key_door"),
])
def test_bad_key_counts(db, site, receptionist, counts, field):
    mid = _start(db, receptionist, site["u1"])
    with pytest.raises(ValidationError) as err, db.write() as session:
        movein.set_keys(session, by=receptionist, movein_id=mid, counts=counts)
    assert err.value.field == field


def test_meter_readings_feed_the_cashier_as_baseline(db, site, receptionist):
    mid = _start(db, receptionist, site["u1"])
    with db.write() as session:
        movein.record_meters(session, by=receptionist, movein_id=mid, water="123.5",
                             power="4567", gas="88.01")
    with db.read() as session:
        readings = {r.kind: r for r in session.execute(select(MeterReading)).scalars()}
        mv = session.get(MoveIn, mid)
    assert readings[MeterKind.WATER].value == Decimal("123.50")
    assert readings[MeterKind.WATER].consumption == 0  # the baseline: nothing billed
    assert readings[MeterKind.ELECTRICITY].value == Decimal("4567.00")
    assert mv.gas_reading == Decimal("88.01") and mv.water_reading_id is not None
    assert count(db, Bill) == 0
    with pytest.raises(Conflict), db.write() as session:  # once per move-in
        movein.record_meters(session, by=receptionist, movein_id=mid, water="130")


@pytest.mark.parametrize(("values", "field"), [
    ({"water": "abc"}, "water"), ({"power": "-3"}, "power"), ({"gas": "1.234"}, "gas"),
    ({}, "water"),
])
def test_bad_readings_save_nothing(db, site, receptionist, values, field):
    mid = _start(db, receptionist, site["u1"])
    with pytest.raises(ValidationError) as err, db.write() as session:
        movein.record_meters(session, by=receptionist, movein_id=mid, **values)
    assert err.value.field == field
    assert count(db, MeterReading) == 0


def test_fees_through_the_cashier_one_receipt(db, site, receptionist):
    mid = _start(db, receptionist, site["u1"])
    with db.read() as session:  # the confirm dialog's lines, before anything is taken
        preview = movein_fees.fees_preview(session, by=receptionist, movein_id=mid, months="3",
                                      method="cash")
    assert ("合计", "¥660.00") in preview.lines
    assert ("物业费月份", "2026-11 — 2027-01（3）") in preview.lines
    with db.write() as session:
        mv = movein_fees.collect_fees(session, by=receptionist, movein_id=mid, request_id="mv-1",
                                 months="3", method="cash", tendered_fen=70000)
        receipt_id, total = mv.receipt_id, mv.fees_fen
    # 100 m² × 2.20 元 × 3 months
    assert total == 66000
    with db.read() as session:
        receipt = session.get(Receipt, receipt_id)
        assert receipt.total_fen == 66000 and receipt.change_fen == 4000
        bills = list(session.execute(select(Bill).where(Bill.receipt_id == receipt_id)).scalars())
    assert sorted(b.period for b in bills) == ["2026-11", "2026-12", "2027-01"]
    assert all(b.status == BillStatus.PAID for b in bills)
    with pytest.raises(Conflict), db.write() as session:
        movein_fees.collect_fees(session, by=receptionist, movein_id=mid, request_id="mv-2",
                            months="1", method="cash")
    # voiding the receipt (supervisor) puts the move-in back to "fees not collected"
    with db.read() as session:
        deps = hooks.document_dependents(session, DocumentAction("void", "receipt", receipt_id))
    assert any("RH202611-0001" in d.text for d in deps)


@pytest.mark.parametrize(("months", "method", "field"), [
    ("0", "cash", "months"), ("x", "cash", "months"), ("25", "cash", "months"),
    ("3", "cheque", "method"),
])
def test_bad_fees_take_nothing(db, site, receptionist, months, method, field):
    mid = _start(db, receptionist, site["u1"])
    with pytest.raises(ValidationError) as err, db.write() as session:
        movein_fees.collect_fees(session, by=receptionist, movein_id=mid, request_id="mv-x",
                            months=months, method=method)
    assert err.value.field == field
    assert count(db, Receipt) == 0 and count(db, Bill) == 0


def test_complete_needs_inspection_keys_and_documents(db, site, receptionist):
    mid = _start(db, receptionist, site["u1"])
    with pytest.raises(Conflict) as err, db.write() as session:
        movein.complete(session, by=receptionist, movein_id=mid)
    text = str(err.value)
    assert "验房未完成" in text and "未登记交付钥匙" in text and "业主公约" in text
    _ready(db, receptionist, mid, defect="窗户密封条脱落")
    with db.write() as session:
        movein.complete(session, by=receptionist, movein_id=mid)
    with db.read() as session:
        mv = session.get(MoveIn, mid)
        assert mv.status == MoveInStatus.COMPLETED and mv.completed_at == NOW
        assert movein.moved_in_on(session, site["u1"]) == date(2026, 11, 30)
    # a completed move-in takes no more steps
    with pytest.raises(InvalidTransition), db.write() as session:
        movein.set_keys(session, by=receptionist, movein_id=mid, counts={"door": 3})


def test_amend_needs_a_reason_and_keeps_the_old_values(db, site, receptionist):
    mid = _start(db, receptionist, site["u1"])
    with pytest.raises(InvalidTransition), db.write() as session:  # open: no amendment
        movein.amend(session, by=receptionist, movein_id=mid, reason="x", note="y")
    _ready(db, receptionist, mid)
    with db.write() as session:
        movein.complete(session, by=receptionist, movein_id=mid)
    with pytest.raises(ValidationError) as err, db.write() as session:
        movein.amend(session, by=receptionist, movein_id=mid, reason=" ",
                     moved_in_on="2026-11-20")
    assert err.value.field == "reason"
    with pytest.raises(ValidationError) as err, db.write() as session:
        movein.amend(session, by=receptionist, movein_id=mid, reason="填错",
                     moved_in_on="2026-11-30")
    assert err.value.key == "movein.amend.nothing"
    with db.write() as session:
        movein.amend(session, by=receptionist, movein_id=mid, reason="业主实际 20 日入住",
                     moved_in_on="2026-11-20", keys={"door": "3", "mailbox": "1"})
    with db.read() as session:
        d = movein_views.detail(session, mid)
    assert d.movein.moved_in_on == date(2026, 11, 20) and d.movein.amended_at == NOW
    assert "入户门钥匙×3" in d.key_text() and "信箱钥匙×1" in d.key_text()
    entry = audits(db, "movein.amend")[0]
    assert json.loads(entry.detail)["changes"]["moved_in_on"] == ["2026-11-30", "2026-11-20"]
    assert json.loads(audits(db, "movein.amend.keys")[0].detail)["before"] == {"door": 2}
    assert count(db, MoveIn) == 1


def test_handover_lists_open_moveins_and_defects_under_repair(db, site, receptionist):
    mid = _start(db, receptionist, site["u1"])
    with db.read() as session:
        items = movein_views.open_items(session, HandoverContext(NOW, NOW))
    assert [i.label for i in items] == ["RH202611-0001 3-1-1201 入伙办理中（11-30 10:00 开始）"]
    _ready(db, receptionist, mid, defect="窗户密封条脱落")
    with db.write() as session:
        movein.complete(session, by=receptionist, movein_id=mid)
    with db.read() as session:
        items = movein_views.open_items(session, HandoverContext(NOW, NOW))
        assert len(items) == 1 and "窗户密封条脱落" not in items[0].label
        assert "维修中" in items[0].label and items[0].ref.kind == "movein"
        hooks.load_area_services()
        assert any(i.section == "movein.section"
                   for i in hooks.open_items(session, HandoverContext(NOW, NOW)))


def test_month_counts_moveins_and_defects(db, site, receptionist):
    mid = _start(db, receptionist, site["u1"], moved_in_on="2026-11-10")
    _ready(db, receptionist, mid, defect="地漏堵塞")
    with db.write() as session:
        movein.complete(session, by=receptionist, movein_id=mid)
    _start(db, receptionist, site["u2"], owner_name="王五")
    with db.read() as session:
        month = monthly_summary(session, year=2026, month=11).moveins
        october = monthly_summary(session, year=2026, month=10).moveins
    assert (month.completed, month.open_now, month.defects) == (1, 1, 1)
    assert (october.completed, october.defects) == (0, 0)


def test_list_masks_phones_and_filters_by_unit(db, site, receptionist):
    _start(db, receptionist, site["u1"])
    _start(db, receptionist, site["u2"], owner_name="王五", owner_phone="13700001111")
    source = movein_views.MoveInSource()
    with db.read() as session:
        rows = source.fetch(session, ListQuery(filters={"unit": site["u2"]}), 0, 10)
    assert [r.cells[2] for r in rows] == ["3-1-1202"]
    assert rows[0].cells[5] == "137****1111"


def _filing(session, by, unit_id):
    """A renovation filing made the real way, its permit moved to August–October."""
    from deskapp.services.renovation.filings import create_filing
    from tests.unit.test_renovation import form

    filing = create_filing(session, by=by, data=form(unit_id))
    filing.permit_start, filing.permit_end = date(2026, 8, 1), date(2026, 10, 31)
    session.add(filing)
    session.flush()
    return filing


def test_moved_in_date_starts_the_renovation_refund_clock(db, site, receptionist):
    from deskapp.db.models.renovation import RenovationFiling
    from deskapp.services.renovation.deposit import refund_blockers

    with db.write() as session:
        filing = _filing(session, receptionist, site["u1"])
        blockers = {m.code: m.text for m in refund_blockers(
            session, filing, receipt_presented=True, certificate_presented=True,
            owner_signed=True)}
        assert "lived_in" in blockers and "2026" not in blockers["lived_in"]
    mid = _start(db, receptionist, site["u1"], moved_in_on="2026-08-20")
    _ready(db, receptionist, mid)
    with db.write() as session:
        movein.complete(session, by=receptionist, movein_id=mid)
    with db.read() as session:
        filing = session.execute(select(RenovationFiling)).scalar_one()
        codes = {m.code: m.text for m in refund_blockers(
            session, filing, receipt_presented=True, certificate_presented=True,
            owner_signed=True)}
        # from 2026-08-20 the 3 months end on 2026-11-20: lived in long enough by 11-30
        assert "lived_in" not in codes
        late = {m.code: m.text for m in refund_blockers(
            session, filing, receipt_presented=True, certificate_presented=True,
            owner_signed=True, today=date(2026, 11, 1))}
        assert "2026-08-20" in late["lived_in"]


def test_moved_in_before_the_permit_does_not_count(db, site, receptionist):
    from deskapp.services.renovation.deposit import refund_blockers

    mid = _start(db, receptionist, site["u1"], moved_in_on="2026-07-01")
    _ready(db, receptionist, mid)
    with db.write() as session:
        movein.complete(session, by=receptionist, movein_id=mid)
        filing = _filing(session, receptionist, site["u1"])
        codes = {m.code for m in refund_blockers(
            session, filing, receipt_presented=True, certificate_presented=True,
            owner_signed=True)}
    assert "lived_in" in codes


def test_sheet_prints_through_the_documents_service(db, site, receptionist, tmp_path,
                                                    monkeypatch):
    from deskapp.printing import documents

    monkeypatch.setenv("DESKAPP_DOCUMENTS_DIR", str(tmp_path / "docs"))
    mid = _start(db, receptionist, site["u1"])
    _ready(db, receptionist, mid, defect="窗户密封条脱落")
    with db.write() as session:
        produced = documents.produce(session, by=receptionist, kind="movein", ref=mid)
    assert produced.file_name.endswith("RH202611-0001.pdf")
    assert list((tmp_path / "docs").rglob("RH202611-0001.pdf"))
    with db.write() as session:
        built = documents.KINDS["movein"].build(session, by=receptionist, ref="rh202611-0001")
    assert built.number == "RH202611-0001"
