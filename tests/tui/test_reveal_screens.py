"""The reveal from the detail screens, by keyboard: ``v`` (or the screen's own key) opens
the dialog for what the screen shows masked; a reason is required; the full value shows in
the dialog and one audit entry is written. Free text holding a number is shown masked."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from textual.widgets import Input, OptionList

from deskapp import clock
from deskapp.db.models import AuditEntry
from deskapp.db.models.reception import ContactChannel, ContactKind
from deskapp.services import units
from deskapp.services.reception import contacts
from deskapp.services.renovation import filings, rules
from deskapp.tui.screens.reception_views import ContactDetail
from deskapp.tui.screens.renovation import FilingScreen
from deskapp.tui.widgets.reveal import RevealModal
from deskapp.validators import credit_code_check_char, resident_id_check_char
from tests.helpers import screen_text, settle

NOW = datetime(2026, 11, 30, 9, 30)
SIZE = (150, 45)
PHONE = "13812345678"
OTHER = "13987654321"


def _reveals(db) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == "personal.reveal")))


def _contact(db, by, content: str, phone: str = "") -> int:  # type: ignore[no-untyped-def]
    with clock.freeze(NOW), db.write() as s:
        return contacts.log_contact(s, by=by, data=contacts.ContactCreate(
            ContactChannel.PHONE, ContactKind.HELP, content, person_name="张三",
            phone=phone)).id


def _footer_keys(app) -> str:  # type: ignore[no-untyped-def]
    return screen_text(app).splitlines()[-1]


async def test_contact_detail_reveals_the_phone_with_a_reason(db, make_app, receptionist):
    cid = _contact(db, receptionist, f"业主请回拨 {OTHER}", phone=PHONE)
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ContactDetail(cid))
        await settle(pilot)
        text = screen_text(app)
        assert "138****5678" in text and "139****4321" in text  # phone and free text masked
        assert PHONE not in text and OTHER not in text
        assert "查看完整号码" in _footer_keys(app)
        await pilot.press("k")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, RevealModal) and len(modal.targets) == 2  # phone, content
        await pilot.press("enter")  # the first: the phone
        await settle(pilot)
        await pilot.press("ctrl+s")  # no reason
        await settle(pilot)
        assert "请填写查看原因" in screen_text(app) and PHONE not in screen_text(app)
        assert _reveals(db) == []
        modal.query_one("#reveal-reason", Input).value = "业主要求回电"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert PHONE in screen_text(app) and OTHER not in screen_text(app)
        (entry,) = _reveals(db)
        assert entry.entity == "contact" and entry.entity_id == str(cid)
        assert '"field": "phone"' in entry.detail and PHONE not in entry.detail
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ContactDetail) and PHONE not in screen_text(app)


async def test_the_reveal_key_shows_only_where_there_is_something_to_reveal(
        db, make_app, receptionist):
    plain = _contact(db, receptionist, "业主借轮椅，下午归还")
    app = make_app(login="desk1", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ContactDetail(plain))
        await settle(pilot)
        assert "借轮椅" in screen_text(app)
        assert "Reveal number" not in _footer_keys(app)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, ContactDetail)
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(ContactDetail(_contact(db, receptionist, "回电", phone=PHONE)))
        await settle(pilot)
        assert "Reveal number" in _footer_keys(app)


OWNER_ID = "41030219800101001" + resident_id_check_char("41030219800101001")
LEAD_ID = "41030519750505003" + resident_id_check_char("41030519750505003")
CREDIT = "91410300MA44ABCD5" + credit_code_check_char("91410300MA44ABCD5")


def _filing(db, by) -> int:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    with db.write() as s:
        b = units.get_or_create_building(s, code="3", floors=18)
        unit = units.create_unit(s, building=b, entrance="1", floor=12, room="1201",
                                 area=Decimal("96.12"))
        return filings.create_filing(s, by=by, data=rules.FilingInput(
            unit_id=unit.id, owner_name="张三", owner_id_number=OWNER_ID, owner_phone=PHONE,
            contractor_name="美家装饰", contractor_credit_code=CREDIT, lead_name="王师傅",
            lead_id_number=LEAD_ID, lead_phone=OTHER, work_items="刷墙",
            note=f"钥匙交王师傅，备用联系 {OTHER}", permit_start=clock.today(),
            permit_end=rules.latest_end(clock.today()))).id


async def test_renovation_filing_picks_the_second_number_by_keyboard(db, make_app,
                                                                      receptionist):
    fid = _filing(db, receptionist)
    app = make_app(login="desk1")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.push_screen(FilingScreen(fid))
        await settle(pilot)
        text = screen_text(app)
        assert "138****5678" in text and "139****4321" in text
        assert PHONE not in text and OTHER not in text and OWNER_ID not in text
        assert "查看完整号码" in _footer_keys(app)
        await pilot.press("k")  # v is the review on a filing
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, RevealModal)
        assert [x.column for x in modal.targets] == [
            "owner_id_number", "owner_phone", "lead_id_number", "lead_phone", "note"]
        assert modal.query_one(OptionList).has_focus
        await pilot.press("down", "enter")  # the second: the owner's phone
        await settle(pilot)
        assert modal.query_one("#reveal-reason", Input).has_focus
        modal.query_one("#reveal-reason", Input).value = "业主来电核对"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert PHONE in text and OWNER_ID not in text and OTHER not in text
        (entry,) = _reveals(db)
        assert (entry.entity, entry.entity_id) == ("renovation_filing", str(fid))
        assert '"field": "owner_phone"' in entry.detail
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("4")  # a digit picks directly: the lead's phone
        await settle(pilot)
        app.screen.query_one("#reveal-reason", Input).value = "联系装修负责人"
        await pilot.press("enter")
        await settle(pilot)
        assert OTHER in screen_text(app)
        assert '"field": "lead_phone"' in _reveals(db)[-1].detail


async def test_complaint_detail_masks_its_content_and_reveals_with_k(db, make_app,
                                                                     specialist):
    from deskapp.services.complaints import intake
    from deskapp.tui.screens.complaints import ComplaintDetail

    with clock.freeze(NOW), db.write() as s:
        cid = intake.create_complaint(s, by=specialist, data=intake.ComplaintCreate(
            complainant_name="张三", content=f"身份证 {OWNER_ID} 被冒用登记访客",
            channel="phone", category_code="service", complainant_phone=PHONE,
            heard=True, asked=True, recorded=True)).id
    app = make_app(login="cs1")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        app.push_screen(ComplaintDetail(cid))
        await settle(pilot)
        text = screen_text(app)
        assert "410302********" in text and OWNER_ID not in text and PHONE not in text
        await pilot.press("k")  # v is the return visit on a complaint
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, RevealModal)
        assert [x.column for x in modal.targets] == ["complainant_phone", "content"]
        await pilot.press("2")
        modal.query_one("#reveal-reason", Input).value = "核对冒用的身份证"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert OWNER_ID in screen_text(app)
        (entry,) = _reveals(db)
        assert entry.entity == "complaint" and '"field": "content"' in entry.detail
        assert OWNER_ID not in entry.detail


async def test_register_detail_reveals_the_visitors_id(db, make_app, receptionist):
    from deskapp.services.registers import visitors
    from deskapp.tui import areas
    from deskapp.tui.widgets.registers_form import DetailModal

    with clock.freeze(NOW), db.write() as s:
        vid = visitors.register_visitor(s, by=receptionist, name="李四", phone_no=PHONE,
                                        id_no=OWNER_ID, host="张三",
                                        note=f"司机电话 {OTHER}").id
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert areas.open_record(app, "visitor", vid)
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, DetailModal)
        text = screen_text(app)
        assert "138****5678" in text and "139****4321" in text and "410302" in text
        assert PHONE not in text and OTHER not in text and OWNER_ID not in text
        await pilot.press("k")
        await settle(pilot)
        reveal = app.screen
        assert isinstance(reveal, RevealModal)
        assert [(x.table, x.column) for x in reveal.targets] == [
            ("reg_visitor", "phone"), ("reg_visitor", "id_number"), ("reg_visitor", "note")]
        await pilot.press("2")
        reveal.query_one("#reveal-reason", Input).value = "核对访客证件"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert OWNER_ID in screen_text(app)
        assert '"field": "id_number"' in _reveals(db)[0].detail


async def test_unit_picker_reveals_a_household_phone_with_ctrl_y(db, make_app, receptionist):
    from decimal import Decimal

    from deskapp.tui.widgets.unit_picker import UnitPicker

    with db.write() as s:
        b = units.get_or_create_building(s, code="3", floors=18)
        unit = units.create_unit(s, building=b, entrance="1", floor=12, room="1201",
                                 area=Decimal("96.12"))
        units.add_occupant(s, unit=unit, name="张三", phone=PHONE)
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(UnitPicker("1201"))
        await settle(pilot)
        assert "138****5678" in screen_text(app) and "Ctrl+Y" in screen_text(app)
        await pilot.press("ctrl+y")  # letters go to the search field
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, RevealModal) and modal.column == "phone"
        modal.query_one("#reveal-reason", Input).value = "回电业主"
        await pilot.press("enter")
        await settle(pilot)
        assert PHONE in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, UnitPicker)
