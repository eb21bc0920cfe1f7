"""The reception screen as a receptionist uses it, by keyboard: log a repair, turn it into a
work order, dispatch, complete, return visit, close; bad input; write and confirm the
handover."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select
from textual.widgets import Input, TextArea

from deskapp import clock
from deskapp.db.models import AuditEntry
from deskapp.db.models.reception import (
    Contact,
    ContactKind,
    ContactStatus,
    Handover,
    HandoverStatus,
    WorkOrder,
    WorkOrderStatus,
)
from deskapp.services.reception import shifts
from deskapp.tui.screens.reception import ReceptionScreen
from deskapp.tui.screens.reception_forms import ContactForm, StepForm, WorkOrderForm
from deskapp.tui.screens.reception_views import (
    HandoverConfirm,
    HandoverViewer,
    HandoverWrite,
    WorkOrderDetail,
)
from tests.conftest import PASSWORD, _make_staff
from tests.helpers import burst, footer_actions, notices, screen_text, settle
from tests.unit.test_reception_common import make_site

NOW = datetime(2026, 11, 30, 9, 30)
SIZE = (150, 45)


@pytest.fixture
def site(db):
    with clock.freeze(NOW):
        return make_site(db)


@pytest.fixture
def frozen():
    with clock.freeze(NOW):
        yield NOW


async def _type(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def test_log_a_repair_and_run_its_work_order_to_the_end(db, make_app, receptionist, site,
                                                               frozen):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        assert "接待登记" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        await pilot.press("2")  # kind: 报修 — focus moves to the channel
        await pilot.press("1")  # channel: 电话 — focus moves to the unit
        await settle(pilot)
        await _type(pilot, "1201")  # typing in the unit field opens the picker
        await settle(pilot)
        await pilot.press("enter")  # pick 3-1-1201
        await settle(pilot)
        assert form.query_one("#cf-name", Input).value == "张三"
        # the owner's phone is pre-filled masked; the full number is saved
        assert form.query_one("#cf-phone", Input).value == "138****5678"
        assert "13812345678" not in screen_text(app)
        form.query_one("#cf-content", Input).value = "厨房水管漏水"
        await pilot.press("ctrl+s")
        await settle(pilot)
        # a repair opens the work order form, filled from the contact
        wform = app.screen
        assert isinstance(wform, WorkOrderForm)
        assert wform.query_one("#wf-description", Input).value == "厨房水管漏水"
        assert wform.query_one("#wf-phone", Input).value == "138****5678"
        await pilot.press("1")  # category: 水
        await pilot.press("1")  # urgency: 紧急
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        with db.read() as session:
            contact = session.exec(select(Contact)).one()
            order = session.exec(select(WorkOrder)).one()
        assert contact.kind == ContactKind.REPAIR and contact.unit_code == "3-1-1201"
        assert contact.phone == "13812345678" and order.requester_phone == "13812345678"
        assert contact.status == ContactStatus.HANDED_OVER and contact.linked_id == order.id
        assert order.number == "WX20261130-001" and order.limit_hours == 4
        text = screen_text(app)
        assert "厨房水管漏水" in text and "138****5678" in text and "13812345678" not in text

        await pilot.press("2")  # the work orders tab: open orders
        await settle(pilot)
        assert "WX20261130-001" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WorkOrderDetail)
        await pilot.press("d")
        await settle(pilot)
        step = app.screen
        assert isinstance(step, StepForm)
        step.query_one("#sf-assignee", Input).value = "工程部 刘师傅"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "已派工" in screen_text(app)
        # the footer follows the new state: no dispatch after dispatching, complete is due
        assert "step('dispatch')" not in footer_actions(app)
        assert "step('complete')" in footer_actions(app)
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#sf-result", Input).value = "更换水管接头"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "须回访" in screen_text(app)
        await pilot.press("x")  # closing before the return visit is not offered …
        await settle(pilot)
        assert isinstance(app.screen, WorkOrderDetail)  # … and says why and what is due
        assert notices(app)[-1] == "须先完成回访才能关闭工作单。下一步：按 V 回访"
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("5")  # 非常满意
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "已关闭" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
    with db.read() as session:
        order = session.get(WorkOrder, order.id)
    assert order.status == WorkOrderStatus.CLOSED and order.satisfaction == 5
    assert order.assignee == "工程部 刘师傅" and order.result == "更换水管接头"


async def test_bad_input_shows_at_the_field_and_saves_nothing(db, make_app, receptionist, site,
                                                              frozen):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("1")  # 咨询
        await pilot.press("2")  # 亲临
        await settle(pilot)
        form = app.screen
        form.query_one("#cf-name", Input).value = "访客"
        form.query_one("#cf-phone", Input).value = "12345"
        form.query_one("#cf-content", Input).value = "问路"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "请输入11位手机号" in screen_text(app)
        form.query_one("#cf-phone", Input).value = ""
        form.query_one("#cf-content", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "内容不能为空" in screen_text(app)
        form.query_one("#cf-name", Input).value = ""
        form.query_one("#cf-content", Input).value = "问路"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "请选择房号，或填写来访/来电人姓名" in screen_text(app)
        form.query_one("#cf-at", Input).value = "昨天下午"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "时间格式应为" in screen_text(app)
        await pilot.press("escape")  # typed changes: asked first
        await settle(pilot)
        assert "放弃已填写的内容？" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        # a work order without unit or location
        await pilot.press("w")
        await settle(pilot)
        wform = app.screen
        assert isinstance(wform, WorkOrderForm)
        await pilot.press("3")  # 门窗
        wform.query_one("#wf-description", Input).value = "单元门关不上"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "请选择房号（公共区域报修可填写位置）" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert "放弃已填写的内容？" in screen_text(app)  # a category was chosen
        await pilot.press("n")  # no: back in the form, nothing lost
        await settle(pilot)
        assert app.screen is wform and wform.query_one("#wf-description", Input).value
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
    with db.read() as session:
        assert session.exec(select(Contact)).all() == []
        assert session.exec(select(WorkOrder)).all() == []


async def test_completion_before_dispatch_is_refused_at_the_field(db, make_app, receptionist,
                                                                  site, frozen):
    from deskapp.db.models.reception import WorkOrderCategory, WorkOrderUrgency
    from deskapp.services.reception import workorders as wo

    with db.write() as session:
        order = wo.create_work_order(session, by=receptionist, contact_id=None,
                                     data=wo.WorkOrderCreate(WorkOrderCategory.LIFT,
                                                             WorkOrderUrgency.URGENT, "电梯困人",
                                                             location="5号楼电梯"))
        wo.dispatch_work_order(session, by=receptionist, work_order_id=order.id,
                               assignee="电梯公司")
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from deskapp.tui import areas

        assert areas.open_record(app, "workorder", order.id)
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#sf-at", Input).value = "2026-11-30 09:00"
        app.screen.query_one("#sf-result", Input).value = "已解困"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "完工时间不能早于派工时间" in screen_text(app)
    with db.read() as session:
        assert session.get(WorkOrder, order.id).status == WorkOrderStatus.DISPATCHED


async def test_complaint_without_complaints_area_stays_pending_with_a_note(db, make_app,
                                                                           receptionist, site,
                                                                           frozen, monkeypatch):
    from deskapp.tui import areas

    monkeypatch.setattr(areas, "open_record", lambda app, kind, rid: False)
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("3")  # 投诉
        await pilot.press("1")
        await settle(pilot)
        form = app.screen
        form.query_one("#cf-name", Input).value = "匿名业主"
        form.query_one("#cf-content", Input).value = "晚上广场舞噪音太大"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
    with db.read() as session:
        contact = session.exec(select(Contact)).one()
    assert contact.status == ContactStatus.PENDING
    assert contact.note == "投诉处理功能尚未上线，本条投诉暂记为待处理"


async def test_write_and_confirm_the_handover(db, make_app, receptionist, supervisor, site):
    from deskapp.db.models import Role

    second = _make_staff(db, "desk2", "刘前台", Role.RECEPTIONIST)
    with clock.freeze(NOW):
        app = make_app(login="desk1")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            await pilot.press("6")  # 留言
            await pilot.press("1")
            await settle(pilot)
            app.screen.query_one("#cf-name", Input).value = "快递员"
            app.screen.query_one("#cf-content", Input).value = "3-1-1201 的包裹放在前台"
            app.screen.query_one("#cf-content", Input).focus()
            await pilot.press("enter")  # Enter in a field moves on; the form stays
            assert isinstance(app.screen, ContactForm)
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("3")
            await settle(pilot)
            assert "当前班次：前台1" in screen_text(app) and "本班接待 1 条" in screen_text(app)
            await pilot.press("h")
            await settle(pilot)
            write = app.screen
            assert isinstance(write, HandoverWrite)
            assert "留言 1" in screen_text(app)
            write.query_one("#hw-notes", TextArea).text = "前台打印机缺纸，已申领"
            await pilot.press("ctrl+s")
            await settle(pilot)
            viewer = app.screen
            assert isinstance(viewer, HandoverViewer)
            assert "前台打印机缺纸" in screen_text(app) and "待接班确认" in screen_text(app)
            await pilot.press("c")  # the writer may not confirm their own handover
            await settle(pilot)
            confirm = app.screen
            assert isinstance(confirm, HandoverConfirm)
            confirm.query_one("#hc-login", Input).value = "desk1"
            confirm.query_one("#hc-password", Input).value = PASSWORD
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "交班人不能自己确认" in screen_text(app)
            # A wrong password counts towards the login lock and is audited.
            confirm.query_one("#hc-login", Input).value = "desk2"
            confirm.query_one("#hc-password", Input).value = "wrong123"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "账号或密码不正确" in screen_text(app)
            with db.read() as session:
                failed = session.exec(select(AuditEntry).where(
                    AuditEntry.action == "auth.failed")).one()
                assert '"channel": "handover"' in failed.detail
            confirm.query_one("#hc-password", Input).value = PASSWORD
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is viewer
            assert "已确认" in screen_text(app) and "刘前台" in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
    with db.read() as session:
        handover = session.exec(select(Handover)).one()
        # the handed-over shift is closed; the confirmer's shift is the desk's shift now
        assert shifts.current_shift(session, desk="前台1").opened_by == second.id
    assert handover.status == HandoverStatus.CONFIRMED and handover.confirmed_by == second.id
    assert handover.notes == "前台打印机缺纸，已申领"


async def test_supervisor_reviews_the_handover_log_and_opens_an_item(db, make_app, receptionist,
                                                                     supervisor, site):
    from deskapp.db.models.reception import ContactChannel
    from deskapp.services import hooks
    from deskapp.services.reception import contacts

    with clock.freeze(NOW):
        with db.write() as session:
            hooks.after_login(session, receptionist, "前台1")
            contacts.log_contact(session, by=receptionist, data=contacts.ContactCreate(
                ContactChannel.PHONE, ContactKind.HELP, "业主借轮椅，下午归还",
                unit_id=site.unit_b, status=ContactStatus.PENDING))
        with db.write() as session:
            shift = shifts.current_shift(session, desk="前台1")
            shifts.write_handover(session, by=receptionist, shift_id=shift.id, notes="轮椅未还")
        app = make_app(login="boss")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("3")
            await settle(pilot)
            text = screen_text(app)
            assert "张前台" in text and "轮椅未还" in text and "待接班确认" in text
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, HandoverViewer)
            assert "待处理的接待" in screen_text(app)
            await pilot.press("down")  # the first item (below its section heading)
            await pilot.press("enter")
            await settle(pilot)
            # Opening a record switches area and loads it in a worker: on a loaded machine
            # (two test processes on two cores) that can take a few seconds to paint.
            for _ in range(100):
                if "借轮椅" in screen_text(app):
                    break
                await pilot.pause(0.1)
                await settle(pilot)
            shown = screen_text(app)
            assert "借轮椅" in shown and "接待记录" in shown, (
                f"screen={type(app.screen).__name__} stack={app.screen_stack} "
                f"workers={list(app.workers)}\n{shown}")


async def test_palette_new_contact_from_another_area(db, make_app, receptionist, site, frozen):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        from deskapp.tui import areas

        commands = dict(areas.palette_commands())
        commands["reception.palette.new_contact"](app)
        await settle(pilot)
        assert isinstance(app.screen, ContactForm)
        await pilot.press("1")
        await pilot.press("1")
        app.screen.query_one("#cf-name", Input).value = "来电人"
        app.screen.query_one("#cf-content", Input).value = "咨询停车月卡"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.current_area == "knowledge"
    with db.read() as session:
        assert session.exec(select(Contact.content)).all() == ["咨询停车月卡"]


async def test_fast_typing_in_the_unit_field_opens_one_picker(db, make_app, receptionist, site,
                                                              frozen):
    from deskapp.tui.widgets.unit_picker import UnitField, UnitPicker

    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        field = app.screen.query_one("#cf-unit", UnitField)
        for ch in "1201":  # keys arriving before the picker is on screen
            field.action_pick(ch)
        await settle(pilot)
        pickers = [s for s in app.screen_stack if isinstance(s, UnitPicker)]
        assert len(pickers) == 1
        assert app.screen.query_one("#picker-query", Input).value == "1201"
        await pilot.press("enter")
        await settle(pilot)
        assert field.value == "3-1-1201"


async def test_save_pressed_twice_saves_one_contact(db, make_app, receptionist, site, frozen):
    """Ctrl+S twice in a row (an impatient hand, a bouncing key): one contact, not two —
    the form's save carries one request id until it succeeds."""
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("1", "2")  # 咨询, 亲临
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        form.query_one("#cf-name", Input).value = "访客"
        form.query_one("#cf-content", Input).value = "问路"
        rid = form.request_id
        form.action_save()
        form.action_save()  # while the first save is still running
        await settle(pilot)
        assert app.screen is not form
        assert form.request_id != rid  # a later record on the same form gets a new id
    with db.read() as session:
        assert len(session.exec(select(Contact)).all()) == 1


async def test_coming_back_reloads_the_lists_only_after_a_write(db, make_app, receptionist, site,
                                                                frozen, monkeypatch):
    """Issue #17: F3 then F2 with nothing written shows the lists as they were, without a
    reload; after another desk logs a contact, coming back shows it."""
    from deskapp.services.reception import contacts as reception_contacts
    from deskapp.services.reception.contacts import ContactCreate
    from deskapp.tui.widgets.record_list import RecordList

    reloads = []
    real = RecordList.refresh_data

    def counting(self, *a, **kw):
        reloads.append(self.id)
        return real(self, *a, **kw)

    monkeypatch.setattr(RecordList, "refresh_data", counting)
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        reloads.clear()
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert reloads == []  # nothing written: no reload
        assert "楼道灯不亮了" not in screen_text(app)
        await pilot.press("f3")
        await settle(pilot)
        with db.write() as session:
            reception_contacts.log_contact(session, by=receptionist, data=ContactCreate(
                channel="phone", kind="enquiry", content="楼道灯不亮了", person_name="来电人"))
        await pilot.press("f2")
        await settle(pilot)
        assert "contact-list" in reloads
        assert "楼道灯不亮了" in screen_text(app)


async def test_picked_phone_is_masked_and_a_typed_number_replaces_it(db, make_app, receptionist,
                                                                     site, frozen):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await pilot.press("1", "1")  # kind, channel
        await settle(pilot)
        await _type(pilot, "1201")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        phone = form.query_one("#cf-phone", Input)
        assert phone.value == "138****5678"
        assert "13812345678" not in screen_text(app)
        phone.focus()
        await pilot.press("end")
        await _type(pilot, "13900001111")  # typing replaces the masked number, stars and all
        assert phone.value == "13900001111"
        form.query_one("#cf-content", Input).value = "咨询停车"
        await pilot.press("ctrl+s")
        await settle(pilot)
        with db.read() as session:
            contact = session.exec(select(Contact)).one()
        assert contact.phone == "13900001111"


async def test_picked_phone_reveal_key_shows_the_full_number(db, make_app, receptionist, site,
                                                              frozen):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("1", "1")
        await settle(pilot)
        await _type(pilot, "1201")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        from deskapp.tui.widgets.reveal import RevealModal
        assert isinstance(app.screen, RevealModal)
        assert "138****5678" in screen_text(app)


async def test_form_keys_enter_moves_on_esc_asks_and_a_retyped_value_replaces(
        db, make_app, receptionist, site, frozen):
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await pilot.press("enter")  # Enter on a digit choice moves on without choosing
        assert form.focused is form.query_one("#cf-channel")
        await pilot.press("1")  # channel: phone → the unit
        form.query_one("#cf-kind").focus()
        await pilot.press("1")  # kind: consultation
        at = form.query_one("#cf-at", Input)
        at.value = "昨天下午"
        form.query_one("#cf-name", Input).value = "路人"
        form.query_one("#cf-content", Input).value = "问路"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "时间格式应为" in screen_text(app)
        assert form.focused is at
        await _type(pilot, "09:15")  # replaces the invalid text instead of appending
        assert at.value == "09:15"
        await settle(pilot)
        assert "时间格式应为" not in screen_text(app)  # corrected: the error goes
        await pilot.press("escape")
        await settle(pilot)
        assert "放弃已填写的内容？" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    with db.read() as session:
        assert session.exec(select(Contact)).one().content == "问路"


async def test_keys_typed_in_one_burst_follow_the_focus(db, make_app, receptionist, site,
                                                        frozen):
    """Issue 21.2: "n" and "22" arriving in one read used to give 报修 with the channel
    left at 电话 (the second 2 went to the kind box the focus had just left)."""
    from deskapp.db.models.reception import ContactChannel
    from deskapp.tui.widgets.reception_choice import KeyChoice

    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "n", "22", "1201", "enter")
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        assert form.query_one("#cf-kind", KeyChoice).value == ContactKind.REPAIR.value
        assert form.query_one("#cf-channel", KeyChoice).value == ContactChannel.WALK_IN.value
        assert form.query_one("#cf-name", Input).value == "张三"  # 1201 picked in the picker


async def test_a_tabs_list_is_built_when_the_tab_is_first_shown(db, make_app, receptionist, site,
                                                                 frozen):
    """Issue #17 (memory after login): only the contact list is built at login; the work
    orders' and the handovers' lists are built, loaded and given the keys when their tab
    is first shown, and kept afterwards."""
    from deskapp.tui.widgets.record_list import RecordList

    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReceptionScreen)
        assert [r.id for r in screen.query(RecordList)] == ["contact-list"]
        assert screen.workorders is None and screen.handovers is None
        await pilot.press("2")
        await settle(pilot)
        assert screen.workorders is not None and screen.workorders.table.ready
        assert app.focused is screen.workorders.table
        await pilot.press("3")
        await settle(pilot)
        assert screen.handovers is not None and app.focused is screen.handovers.table
        workorders = screen.workorders
        await pilot.press("2")
        await settle(pilot)
        assert screen.workorders is workorders  # built once
        assert len(screen.query(RecordList)) == 3
