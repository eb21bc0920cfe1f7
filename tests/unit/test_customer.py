"""The customer file over time (issue #20): occupants with dates and history, sales with
the arrears warned and kept with the old owner, incidents (handover, monthly report) and
who may collect a unit key held in trust. Bad input saves nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from deskapp import clock
from deskapp.db.models import AuditEntry, Occupant, OccupantKind
from deskapp.db.models.cashier import Bill, FeeKind
from deskapp.db.models.customer import Incident, OwnershipTransfer, TrustKeyCollector
from deskapp.db.models.registers import KeyCategory
from deskapp.errors import InvalidTransition, PermissionDenied, ValidationError
from deskapp.services import hooks, units
from deskapp.services.customer import incidents, occupants, trust_keys
from deskapp.services.customer.month import monthly_summary
from deskapp.services.hooks import HandoverContext
from deskapp.services.listing import ListQuery
from deskapp.services.registers import keys

NOW = datetime(2026, 11, 30, 10, 0, 0)
ID_OK = "11010519491231002X"


@pytest.fixture
def now():
    with clock.freeze(NOW):
        yield NOW


@pytest.fixture
def site(db, supervisor, now):
    """3-1-1201: owner 张三 since 2020-05-01, tenant 李四; 3-1-1202 vacant."""
    with db.write() as session:
        b = units.get_or_create_building(session, code="3", floors=18)
        u1 = units.create_unit(session, building=b, entrance="1", floor=12, room="1201",
                               area=Decimal("89.36"))
        u2 = units.create_unit(session, building=b, entrance="1", floor=12, room="1202",
                               area=Decimal("96.12"), vacant=True)
        owner = units.add_occupant(session, unit=u1, name="张三", phone="13812345678",
                                   moved_in=date(2020, 5, 1))
        tenant = units.add_occupant(session, unit=u1, name="李四", phone="13912345678",
                                    kind=OccupantKind.TENANT, moved_in=date(2025, 3, 1))
        return {"u1": u1.id, "u2": u2.id, "owner": owner.id, "tenant": tenant.id}


def count(db, model):
    with db.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def audits(db, action):
    with db.read() as session:
        return list(session.execute(select(AuditEntry).where(AuditEntry.action == action))
                    .scalars())


# ------------------------------------------------------------------ occupants


def test_add_occupant_with_date_validated_and_audited(db, receptionist, site):
    with db.write() as s:
        occ = occupants.add(s, by=receptionist, unit_id=site["u2"], name=" 王芳 ",
                            kind=OccupantKind.TENANT, phone="139 0000 1111",
                            id_number=ID_OK, moved_in="2026-11-01")
        occ_id = occ.id
    with db.read() as s:
        occ = s.get(Occupant, occ_id)
        assert (occ.name, occ.phone, occ.moved_in, occ.active) == (
            "王芳", "13900001111", date(2026, 11, 1), True)
        assert occ.initials == "wf" and occ.phone_tail == "1111"
        assert s.get(units.Unit, site["u2"]).vacant is False
    [entry] = audits(db, "occupant.create")
    assert "13900001111" not in entry.detail and "139****1111" in entry.detail


@pytest.mark.parametrize(("kwargs", "field", "key"), [
    ({"name": "  "}, "name", "unit.occupant.name_required"),
    ({"phone": "12345"}, "phone", None),
    ({"id_number": "110105194912310021"}, "id_number", None),
    ({"moved_in": "2026-13-01"}, "moved_in", "customer.date_invalid"),
    ({"moved_in": "2026-12-01"}, "moved_in", "customer.date_future"),
    ({"kind": "owner"}, "kind", "customer.owner_exists"),
    ({"unit_id": None}, "unit", "customer.unit_required"),
])
def test_add_occupant_bad_input_saves_nothing(db, receptionist, site, kwargs, field, key):
    args = {"unit_id": site["u1"], "name": "王芳", "kind": "family", **kwargs}
    before = count(db, Occupant)
    with pytest.raises(ValidationError) as err, db.write() as s:
        occupants.add(s, by=receptionist, **args)
    assert err.value.field == field
    if key:
        assert err.value.key == key
    assert count(db, Occupant) == before


def test_edit_changes_and_audits_masked(db, receptionist, site):
    with db.write() as s:
        occupants.edit(s, by=receptionist, occupant_id=site["tenant"], name="李思",
                       phone="13912340000", id_number=ID_OK)
    with db.read() as s:
        occ = s.get(Occupant, site["tenant"])
        assert (occ.name, occ.initials, occ.phone_tail) == ("李思", "ls", "0000")
    [entry] = audits(db, "occupant.edit")
    assert ID_OK not in entry.detail and "13912340000" not in entry.detail
    with pytest.raises(ValidationError) as err, db.write() as s:
        occupants.edit(s, by=receptionist, occupant_id=site["tenant"], name="李思",
                       phone="13912340000", id_number=ID_OK)
    assert err.value.key == "customer.nothing_changed"


def test_move_out_keeps_history(db, receptionist, site):
    with db.read() as s:
        preview = occupants.move_out_preview(s, by=receptionist, occupant_id=site["tenant"],
                                             moved_out="2026-11-15")
    assert ("房号", "3-1-1201") in preview.lines
    with db.write() as s:
        occupants.move_out(s, by=receptionist, occupant_id=site["tenant"],
                           moved_out="2026-11-15")
    with db.read() as s:
        card = occupants.unit_card(s, site["u1"])
        assert [o.name for o in card.current] == ["张三"]
        assert [(o.name, o.moved_out) for o in card.past] == [("李四", date(2026, 11, 15))]
        assert [h.occupant_name for h in units.search_units(s, "李四")] == []
    with pytest.raises(InvalidTransition), db.write() as s:
        occupants.move_out(s, by=receptionist, occupant_id=site["tenant"])


def test_move_out_rules(db, receptionist, site):
    with pytest.raises(InvalidTransition) as err, db.write() as s:
        occupants.move_out(s, by=receptionist, occupant_id=site["owner"])
    assert err.value.key == "customer.owner_leaves_by_sale"
    with pytest.raises(ValidationError) as err, db.write() as s:
        occupants.move_out(s, by=receptionist, occupant_id=site["tenant"],
                           moved_out="2025-01-01")
    assert err.value.key == "customer.out_before_in"
    with db.read() as s:
        assert s.get(Occupant, site["tenant"]).active


def _overdue_bill(db, unit_id, amount_fen, due):
    with db.write() as s:
        s.add(Bill(unit_id=unit_id, unit_code="3-1-1201", fee_code="PM", kind=FeeKind.PROPERTY,
                   description="物业费", amount_fen=amount_fen, due_date=due,
                   created_at=datetime(2026, 1, 1)))


def test_sale_moves_owners_out_and_keeps_arrears_with_old_owner(db, receptionist, site):
    with db.write() as s:
        occupants.add(s, by=receptionist, unit_id=site["u1"], name="张小三",
                      kind=OccupantKind.CO_OWNER, moved_in="2020-05-01")
    _overdue_bill(db, site["u1"], 123456, date(2026, 9, 30))
    with db.read() as s:
        preview = occupants.transfer_preview(s, by=receptionist, unit_id=site["u1"],
                                             transfer_date="2026-11-20", name="赵六",
                                             phone="13700000000")
    assert any("1,234.56" in n and "原业主" in n for n in preview.notes)
    assert ("原业主", "张三、张小三") in preview.lines
    with db.write() as s:
        occupants.transfer(s, by=receptionist, unit_id=site["u1"], transfer_date="2026-11-20",
                           name="赵六", phone="13700000000", id_number=ID_OK)
    with db.read() as s:
        card = occupants.unit_card(s, site["u1"])
        assert {(o.name, o.kind) for o in card.current} == {
            ("赵六", OccupantKind.OWNER), ("李四", OccupantKind.TENANT)}
        assert {(o.name, o.moved_out) for o in card.past} == {
            ("张三", date(2026, 11, 20)), ("张小三", date(2026, 11, 20))}
        [tr] = card.transfers
        assert (tr.old_owners, tr.arrears_fen, tr.transfer_date) == (
            "张三、张小三", 123456, date(2026, 11, 20))
        assert units.owner_of(s, site["u1"]).name == "赵六"
        assert units.owner_of(s, site["u1"]).moved_in == date(2026, 11, 20)
    [entry] = audits(db, "occupant.transfer")
    assert "123456" in entry.detail


def test_sale_bad_input_saves_nothing(db, receptionist, site):
    for kwargs, key in (({"transfer_date": "2019-01-01"}, "customer.sale_before_owner"),
                        ({"transfer_date": "2027-01-01"}, "customer.date_future"),
                        ({"name": "张三"}, "customer.sale_same_owner"),
                        ({"name": ""}, "unit.occupant.name_required")):
        args = {"unit_id": site["u1"], "transfer_date": "2026-11-20", "name": "赵六", **kwargs}
        with pytest.raises(ValidationError) as err, db.write() as s:
            occupants.transfer(s, by=receptionist, **args)
        assert err.value.key == key
    assert count(db, OwnershipTransfer) == 0
    with db.read() as s:
        assert units.owner_of(s, site["u1"]).name == "张三"


def test_occupant_list_masks_and_filters(db, receptionist, site):
    with db.write() as s:
        occupants.move_out(s, by=receptionist, occupant_id=site["tenant"])
    source = occupants.OccupantSource()
    with db.read() as s:
        rows = source.fetch(s, ListQuery(filters={"unit": site["u1"]}), 0, 50)
        assert [r.cells[1] for r in rows] == ["张三", "李四"]  # current first
        assert rows[0].cells[3] == "138****5678" and rows[1].style == "muted"
        past = source.fetch(s, ListQuery(filters={"status": "past"}), 0, 50)
        assert [r.cells[1] for r in past] == ["李四"]
        assert source.count(s, ListQuery(search="zs")) == 1


def test_roles_are_enforced(db, site):
    with pytest.raises(PermissionDenied), db.write() as s:
        occupants.add(s, by=None, unit_id=site["u2"], name="王芳")


# ------------------------------------------------------------------ incidents


def handover_items(db):
    with db.read() as s:
        items = hooks.open_items(s, HandoverContext(start=NOW - timedelta(hours=8), end=NOW))
    return [i for i in items if i.section == "customer.section.incidents"]


def test_incident_log_actions_close_and_handover(db, receptionist, site):
    with db.write() as s:
        inc = incidents.log(s, by=receptionist, kind="lift", occurred_at="09:20",
                            unit_id=site["u1"], place="3号楼1单元电梯", reporter="李四",
                            reporter_phone="13912345678", told="王经理", told_at="09:22")
        inc_id, number = inc.id, inc.number
    assert number == "SJ202611-0001"
    [item] = handover_items(db)
    assert item.overdue and "电梯困人" in item.label and item.ref.id == inc_id
    with pytest.raises(InvalidTransition) as err, db.write() as s:
        incidents.close(s, by=receptionist, incident_id=inc_id, closure="已解救")
    assert err.value.key == "customer.incident.no_action"
    with db.write() as s:
        incidents.add_action(s, by=receptionist, incident_id=inc_id, at="09:31",
                             text="维保到场，乘客解救")
        incidents.close(s, by=receptionist, incident_id=inc_id, closure="电梯恢复运行")
    assert handover_items(db) == []
    with db.read() as s:
        d = incidents.detail(s, inc_id)
        assert incidents.response_minutes(d.incident) == 11
        text = "\n".join(d.lines())
        assert "139****5678" in text and "13912345678" not in text
        month = monthly_summary(s, year=2026, month=11)
    assert month.incidents.total == 1 and month.incidents.by_kind == {"lift": 1}
    assert month.incidents.avg_response_minutes == 11 and month.incidents.within_15 == 1
    assert [e.action for e in audits(db, "incident.close")] == ["incident.close"]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": "flood"}, "kind"),
    ({"reporter": ""}, "reporter"),
    ({"told": ""}, "told"),
    ({"place": "", "unit_id": None}, "place"),
    ({"occurred_at": "11:00"}, "occurred_at"),  # after now
    ({"occurred_at": "9点"}, "occurred_at"),
    ({"told_at": "08:00"}, "told_at"),  # before it happened
    ({"reporter_phone": "12"}, "reporter_phone"),
])
def test_incident_bad_input_saves_nothing(db, receptionist, site, kwargs, field):
    args = {"kind": "leak", "occurred_at": "09:00", "place": "车库", "reporter": "保安",
            "told": "王经理", **kwargs}
    with pytest.raises(ValidationError) as err, db.write() as s:
        incidents.log(s, by=receptionist, **args)
    assert err.value.field == field
    assert count(db, Incident) == 0


def test_monthly_report_has_incident_section(db, supervisor, receptionist, site):
    from deskapp.services.reports import layout as reports_layout
    from deskapp.services.reports import monthly

    with db.write() as s:
        incidents.log(s, by=receptionist, kind="leak", place="B1 车库", reporter="保安",
                      told="王经理", occurred_at="08:00")
        occupants.move_out(s, by=receptionist, occupant_id=site["tenant"])
    with db.read() as s:
        layout = reports_layout.sections(monthly.monthly_report(s, by=supervisor, year=2026, month=11))
    [section] = [x for x in layout if x.key == "incidents"]
    values = {f.key: f.value for f in section.figures}
    assert values["incidents"] == 1 and values["incidents_open"] == 1
    assert values["moved_out"] == 1 and values["incidents_avg_response"] is None
    assert [b.key for b in section.charts[0].bars] == ["leak"]


# ------------------------------------------------------------------ keys held in trust


@pytest.fixture
def unit_key(db, receptionist, site):
    with db.write() as s:
        item = keys.add_item(s, by=receptionist, code="K-3-1-1201", name="1201 托管钥匙",
                             category=KeyCategory.UNIT, unit_id=site["u1"])
        return item.id


def test_trust_key_checked_at_check_out(db, receptionist, site, unit_key):
    # no list yet: anyone the desk lets take it
    with db.write() as s:
        loan = keys.check_out(s, by=receptionist, code="K-3-1-1201", holder="保洁")
        keys.return_item(s, by=receptionist, loan_id=loan.id)
    with db.write() as s:
        trust_keys.add_collector(s, by=receptionist, key_item_id=unit_key, name="张妈妈",
                                 phone="13600001111")
    for holder, phone, key in (("保洁", "", "customer.trust.not_authorised"),
                               ("张妈妈", "", "customer.trust.phone_needed"),
                               ("张妈妈", "13600002222", "customer.trust.phone_mismatch")):
        with pytest.raises(ValidationError) as err, db.write() as s:
            keys.check_out(s, by=receptionist, code="K-3-1-1201", holder=holder,
                           holder_phone=phone)
        assert err.value.key == key
    with db.write() as s:
        keys.check_out(s, by=receptionist, code="K-3-1-1201", holder="张妈妈",
                       holder_phone="136 0000 1111")
    with db.read() as s:
        [tk] = trust_keys.unit_keys(s, site["u1"])
        assert [c.name for c in tk.collectors] == ["张妈妈"]


def test_trust_owner_may_collect_and_revoke(db, receptionist, site, unit_key):
    with db.write() as s:
        c = trust_keys.add_collector(s, by=receptionist, key_item_id=unit_key, name="张妈妈",
                                     phone="13600001111")
        cid = c.id
    with db.write() as s:  # the owner's own phone is on file: it must match
        keys.check_out(s, by=receptionist, code="K-3-1-1201", holder="张三",
                       holder_phone="13812345678")
    with db.write() as s:
        trust_keys.remove_collector(s, by=receptionist, collector_id=cid)
    with pytest.raises(InvalidTransition), db.write() as s:
        trust_keys.remove_collector(s, by=receptionist, collector_id=cid)


def test_trust_collector_bad_input(db, receptionist, site, unit_key):
    with db.write() as s:
        other = keys.add_item(s, by=receptionist, code="P-1", name="水泵房",
                              category=KeyCategory.PLANT).id
    for kwargs, key in (({"phone": ""}, "customer.trust.phone_required"),
                        ({"name": " "}, "customer.trust.name_required"),
                        ({"key_item_id": other}, "customer.trust.not_unit_key")):
        args = {"key_item_id": unit_key, "name": "张妈妈", "phone": "13600001111", **kwargs}
        with pytest.raises(ValidationError) as err, db.write() as s:
            trust_keys.add_collector(s, by=receptionist, **args)
        assert err.value.key == key
    assert count(db, TrustKeyCollector) == 0


def test_dates_typed_with_slashes_or_full_width_digits_are_read():
    from deskapp.services.customer.common import day

    with clock.freeze(datetime(2026, 11, 30, 10, 0)):
        assert day("２０２６/11/01", field="moved_in") == date(2026, 11, 1)
        with pytest.raises(ValidationError) as err:
            day("11/01", field="moved_in")
    assert err.value.key == "customer.date_invalid" and err.value.field == "moved_in"
