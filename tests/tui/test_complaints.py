"""The complaints area by keyboard: register (bad input first), then every step to the
archive; intake from a reception contact; the visit record; the month's analysis."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlmodel import select
from textual.widgets import Checkbox, Input, Select, TextArea

from deskapp import clock
from deskapp.db.models.complaints import Complaint, ComplaintState, ServiceVisit
from deskapp.db.models.reception import ContactChannel, ContactKind
from deskapp.services import units
from deskapp.services.complaints import intake, queries
from deskapp.services.reception import contacts
from deskapp.tui.screens.complaints import ComplaintDetail, ComplaintsScreen
from deskapp.tui.screens.complaints_forms import ComplaintForm, StepForm, VisitForm
from deskapp.tui.widgets.confirm import ConfirmDialog
from tests.helpers import notices, screen_text, settle

SIZE = (160, 50)


@pytest.fixture(autouse=True)
def _frozen():
    with clock.freeze(datetime(2026, 11, 30, 10, 0)):
        yield


@pytest.fixture
def unit_id(db, supervisor):
    with db.write() as s:
        b = units.get_or_create_building(s, code="3", floors=18)
        u = units.create_unit(s, building=b, entrance="1", floor=12, room="1201",
                              area=Decimal("89.36"))
        units.add_occupant(s, unit=u, name="张三", phone="13812345678")
        return u.id


async def open_area(app, pilot):
    await settle(pilot)
    await pilot.press("f3")
    await settle(pilot)
    assert isinstance(app.screen, ComplaintsScreen)


def complaints(db) -> list[Complaint]:
    with db.read() as s:
        return list(s.exec(select(Complaint).order_by(Complaint.id)).all())


async def fill_step(app, pilot, **values):
    """Fill the open StepForm (inputs, text areas, selects by value) and press Ctrl+S."""
    form = app.screen
    assert isinstance(form, StepForm), type(form)
    for name, value in values.items():
        widget = form.query_one(f"#sf-{name}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            widget.value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_register_by_keyboard_refuses_bad_input_then_saves(db, make_app, receptionist,
                                                                 specialist, unit_id):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_area(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ComplaintForm)
        assert "客户投诉受理登记表" in screen_text(app)
        # pick the unit by typing its room: the picker opens, Enter takes the first hit
        await pilot.press("1", "2", "0", "1")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert form.query_one("#cf-name", Input).value == "张三"
        assert form.query_one("#cf-floor", Input).value == "12"
        form.query_one("#cf-content", TextArea).text = "楼上夜间装修噪音"
        form.query_one("#cf-category", Select).value = "service"
        await pilot.press("ctrl+s")  # five clears not ticked
        await settle(pilot)
        assert "请确认已听清楚、问清楚、记清楚" in screen_text(app)
        assert complaints(db) == []
        for box in ("#cf-heard", "#cf-asked", "#cf-recorded"):
            form.query_one(box, Checkbox).focus()
            await pilot.press("space")
        form.query_one("#cf-phone", Input).value = "12345"
        await pilot.press("ctrl+s")  # a bad phone: the message is at the field
        await settle(pilot)
        assert "11位手机号" in screen_text(app)
        assert complaints(db) == []
        form.query_one("#cf-phone", Input).value = "13812345678"
        await pilot.press("ctrl+s")  # a receptionist must choose the handler
        await settle(pilot)
        assert "请选择处理人" in screen_text(app)
        form.query_one("#cf-owner", Select).value = str(specialist.id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintsScreen)
        saved = complaints(db)
        assert len(saved) == 1 and saved[0].number == "TS2026-0001"
        assert saved[0].owner_id == specialist.id and saved[0].unit_code == "3-1-1201"
        text = screen_text(app)
        assert "TS2026-0001" in text and "138****5678" in text and "13812345678" not in text


async def test_intake_to_archive_by_keyboard(db, make_app, specialist, unit_id):
    with db.write() as s:
        c = intake.create_complaint(s, by=specialist, data=intake.ComplaintCreate(
            complainant_name="张三", content="地下车库漏水", channel="phone",
            category_code="service", complainant_phone="13812345678", unit_id=unit_id,
            heard=True, asked=True, recorded=True))
    app = make_app(login="cs1")
    async with app.run_test(size=SIZE) as pilot:
        await open_area(app, pilot)
        assert "地下车库漏水" in screen_text(app)
        await pilot.press("enter")  # open the highlighted complaint
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ComplaintDetail)
        assert "下一步：判定有效/无效" in screen_text(app)
        # replying now is not offered: the footer shows only the next step
        assert "判定" in screen_text(app) and " 回复 " not in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        await fill_step(app, pilot, valid="valid", note="已核实")
        assert "下一步：调查分析" in screen_text(app)
        await pilot.press("i")
        await settle(pilot)
        await fill_step(app, pilot)  # empty findings are refused at the field
        assert isinstance(app.screen, StepForm)
        assert "必填" in screen_text(app) or "不能为空" in screen_text(app) or \
            "请填写" in screen_text(app)
        await fill_step(app, pilot, findings="排水管接口老化")
        await pilot.press("p")
        await settle(pilot)
        await fill_step(app, pilot, department="engineering", person="王工")
        await pilot.press("s")
        await settle(pilot)
        await fill_step(app, pilot, solution="更换接口，明日完成")
        await pilot.press("r")
        await settle(pilot)
        await fill_step(app, pilot, method="phone", reply="已电话告知维修安排")
        await pilot.press("a")  # archive is not offered before the return visit …
        await settle(pilot)
        assert isinstance(app.screen, ComplaintDetail)
        # … and the refused key says why (the service's rule) and which key comes next
        assert notices(app)[-1] == "有效投诉须回访满意后才能归档。下一步：按 V 回访"
        await pilot.press("v")
        await settle(pilot)
        await fill_step(app, pilot, satisfied="yes", score="5")
        await pilot.press("a")
        await settle(pilot)
        await fill_step(app, pilot, summary="处理及时")
        # archiving is confirmed first, naming the complaint; Enter does not confirm
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert f"确认归档投诉 {c.number}" in text and "处理及时" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        text = screen_text(app)
        assert "已归档" in text and "处理经过" in text and "排水管接口老化" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintsScreen)
    with db.read() as s:
        done = queries.get_complaint(s, c.id)
        assert done.state == ComplaintState.ARCHIVED and done.satisfaction == 5
        assert len(queries.timeline(s, c.id)) == 8


async def test_other_specialists_complaint_needs_take_over(db, make_app, supervisor, specialist,
                                                           unit_id):
    from deskapp.db.models import Role
    from deskapp.services import staff as staff_svc
    from tests.conftest import PASSWORD

    with db.write() as s:
        staff_svc.create_staff(s, by=supervisor, login="cs2", name="赵专员",
                               role=Role.SPECIALIST, password=PASSWORD)
        c = intake.create_complaint(s, by=specialist, data=intake.ComplaintCreate(
            complainant_name="张三", content="电梯噪音", channel="phone",
            category_code="service", unit_id=unit_id, heard=True, asked=True, recorded=True))
    app = make_app(login="cs2")
    async with app.run_test(size=SIZE) as pilot:
        await open_area(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")  # not offered: not the owner — and it says so
        await settle(pilot)
        assert isinstance(app.screen, ComplaintDetail)
        assert "该投诉由 李专员 负责" in notices(app)[-1] and "按 T 接手" in notices(app)[-1]
        await pilot.press("t")
        await settle(pilot)
        await fill_step(app, pilot, note="李专员外出")
        assert "接手处理：赵专员" in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, StepForm)
    with db.read() as s:
        assert queries.get_complaint(s, c.id).owner_id != specialist.id


async def test_complaint_contact_opens_the_prefilled_form(db, make_app, receptionist, specialist,
                                                         unit_id):
    from deskapp.tui import areas

    with db.write() as s:
        contact = contacts.log_contact(s, by=receptionist, data=contacts.ContactCreate(
            channel=ContactChannel.WALK_IN, kind=ContactKind.COMPLAINT,
            content="保洁员态度差", unit_id=unit_id, person_name="张三",
            phone="13812345678"))
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert areas.open_record(app, "complaint_intake", contact.id)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ComplaintForm)
        assert form.query_one("#cf-content", TextArea).text == "保洁员态度差"
        assert form.query_one("#cf-channel", Select).value == "walk_in"
        assert form.query_one("#cf-name", Input).value == "张三"
        form.query_one("#cf-category", Select).value = "service"
        form.query_one("#cf-owner", Select).value = str(specialist.id)
        for box in ("#cf-heard", "#cf-asked", "#cf-recorded"):
            form.query_one(box, Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
    with db.read() as s:
        c = complaints(db)[0]
        assert c.contact_id == contact.id and c.unit_code == "3-1-1201"
        linked = contacts.get_contact(s, contact.id)
        assert (linked.linked_kind, linked.linked_id) == ("complaint", c.id)


async def test_visit_record_and_analysis_tab(db, make_app, specialist, unit_id):
    app = make_app(login="cs1")
    async with app.run_test(size=SIZE) as pilot:
        await open_area(app, pilot)
        await pilot.press("w")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitForm)
        await pilot.press("ctrl+s")  # nothing filled in
        await settle(pilot)
        assert isinstance(app.screen, VisitForm)
        form.query_one("#vf-name", Input).value = "周女士"
        form.query_one("#vf-rating-overall", Select).value = "4"
        form.query_one("#vf-topic-0", Select).value = "cleaning"
        form.query_one("#vf-handling-0", Select).value = "department"
        form.query_one("#vf-text-0", Input).value = "楼道垃圾清运不及时"
        await pilot.press("ctrl+s")  # department missing: at the row's field
        await settle(pilot)
        assert isinstance(app.screen, VisitForm)
        assert "责任部门" in screen_text(app)
        form.query_one("#vf-dept-0", Select).value = "environment"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintsScreen)
        await pilot.press("ctrl+right")  # visits tab
        await settle(pilot)
        assert "周女士" in screen_text(app)
        await pilot.press("ctrl+right")  # analysis tab
        await settle(pilot)
        text = screen_text(app)
        assert "投诉月度分析 2026-11" in text and "回访率" in text and "2026-10" in text
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "投诉月度分析 2026-10" in screen_text(app)
    with db.read() as s:
        assert len(s.exec(select(ServiceVisit)).all()) == 1


async def test_supervisor_sees_take_over_on_someone_elses_complaint(db, make_app, supervisor,
                                                                    specialist, unit_id):
    with db.write() as s:
        c = intake.create_complaint(s, by=specialist, data=intake.ComplaintCreate(
            complainant_name="张三", content="电梯噪音", channel="phone",
            category_code="service", unit_id=unit_id, heard=True, asked=True, recorded=True))
    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await open_area(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintDetail)
        assert "接手" in screen_text(app)  # the footer offers the take-over key
        await pilot.press("t")
        await settle(pilot)
        await fill_step(app, pilot, note="主管亲自处理")
        assert "接手处理：王主管" in screen_text(app)
    with db.read() as s:
        assert queries.get_complaint(s, c.id).owner_id == supervisor.id
