"""The survey screen as the desk uses it: a whole form typed by keys, bad digits, a missing
name, replacing a second form, distribution, statistics, the report, a new campaign."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import Input

from deskapp.db.models.survey import ResponseStatus, SurveyAnswer, SurveyResponse
from deskapp.services.survey import campaigns, constants, distribution, forms, rates, responses
from deskapp.tui.screens.survey import SurveyScreen
from deskapp.tui.screens.survey_entry import SurveyEntryScreen
from deskapp.tui.widgets.survey_grid import RatingGrid
from tests.helpers import footer_actions, notices, screen_text, settle
from tests.unit.test_survey import N_ITEMS, campaign, now, site  # noqa: F401

SIZE = (150, 50)
SCORES = "5432154321543215432155"  # 22 items


async def _open_entry(pilot, app):  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(app.screen, SurveyScreen)
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(app.screen, SurveyEntryScreen)


async def _pick_unit(pilot, code: str) -> None:  # type: ignore[no-untyped-def]
    """A room typed into the form-number box opens the unit picker; Enter picks it."""
    await pilot.press(*code, "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_typing_a_whole_form_by_keys(db, make_app, receptionist, campaign, site):  # noqa: F811
    with db.write() as session:
        distribution.distribute(session, by=receptionist, campaign_id=campaign.id,
                                unit_ids=[site["1-1-301"]])
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await _open_entry(pilot, app)
        assert "录入调查表" in screen_text(app) and "有效回收率" in screen_text(app)
        await _pick_unit(pilot, "1-1-301")
        entry = app.screen
        assert "已于 2026-06-22 发放" in screen_text(app)
        assert isinstance(app.focused, RatingGrid)
        # 22 items, with a slip corrected: "1" then Backspace, then the right digit.
        await pilot.press(*SCORES[:5])
        await pilot.press("1", "backspace")
        await pilot.press(*SCORES[5:])
        await settle(pilot)
        assert app.focused.id == "se-improve"  # the grid moved on by itself
        app.focused.value = "电梯间卫生要加强"
        for _ in range(3):  # improve → add → other → name
            await pilot.press("enter")
        assert entry.query_one("#se-name", Input).value == "业主1-1-301"  # from the file
        await pilot.press("enter", "enter")  # name → phone → date
        await pilot.press("enter")  # Enter on the date saves
        await settle(pilot)
        assert "本次已录 1 份" in screen_text(app)
        assert "100.0%" in screen_text(app)  # recovery: 1 of 1 distributed
        assert app.focused.id == "se-formno"  # ready for the next form
    with db.read() as session:
        [response] = session.execute(select(SurveyResponse)).scalars().all()
        scores = dict(session.execute(select(SurveyAnswer.item_id, SurveyAnswer.score).where(
            SurveyAnswer.response_id == response.id)).all())
        items = forms.form_items(session, campaign.id and response.campaign_id and
                                 campaigns.get_campaign(session, response.campaign_id).form_id)
    assert [scores[i.id] for i in items] == [int(c) for c in SCORES]
    assert response.improve == "电梯间卫生要加强" and response.respondent_phone == "13800000000"


async def test_bad_digit_zero_and_space(db, make_app, receptionist, campaign, site):  # noqa: F811
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await _open_entry(pilot, app)
        await _pick_unit(pilot, "1-1-302")
        grid = app.screen.query_one(RatingGrid)
        await pilot.press("4", "7")
        await settle(pilot)
        assert "评分只能是 1–5" in screen_text(app)
        assert grid.values[:2] == [4, None] and grid.cursor == 1
        await pilot.press("0", "space", "3")
        assert grid.values[:4] == [4, None, None, 3] and grid.cursor == 4
        await pilot.press("backspace", "backspace")
        assert grid.values[:4] == [4, None, None, None] and grid.cursor == 2


async def test_missing_name_shows_at_the_field_and_keeps_the_form(
        db, make_app, receptionist, campaign, site):  # noqa: F811
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await _open_entry(pilot, app)
        await _pick_unit(pilot, "2-1-101")
        assert "未登记发放" in screen_text(app)  # allowed, but flagged
        await pilot.press(*"555")
        entry = app.screen
        entry.query_one("#se-name", Input).value = ""
        entry.query_one("#se-phone", Input).value = "12345"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "请填写业主姓名" in screen_text(app)
        assert entry.query_one(RatingGrid).values[:3] == [5, 5, 5]  # nothing lost
        entry.query_one("#se-name", Input).value = "王五"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "座机号" in screen_text(app)  # the phone is checked too
        with db.read() as session:
            assert session.execute(select(SurveyResponse)).first() is None
        entry.query_one("#se-phone", Input).value = "0379-65551234"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "本次已录 1 份" in screen_text(app)


async def test_second_form_asks_to_replace(db, make_app, receptionist, campaign, site):  # noqa: F811
    with db.write() as session:
        responses.record_response(session, by=receptionist, campaign_id=campaign.id,
                                  unit_id=site["1-1-401"], ratings=[1] * N_ITEMS, name="甲",
                                  phone="13900000001")
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await _open_entry(pilot, app)
        await _pick_unit(pilot, "1-1-401")
        assert "已录入过一份" in screen_text(app)
        await pilot.press(*("5" * N_ITEMS))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "替换为这一份" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert "本次已录 1 份" in screen_text(app)
    with db.read() as session:
        statuses = sorted(r.status for r in session.execute(select(SurveyResponse)).scalars())
    assert statuses == [ResponseStatus.REPLACED, ResponseStatus.VALID]


async def test_distribution_view_marks_units(db, make_app, receptionist, campaign, site):  # noqa: F811
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("d")  # a key of the distribution page, pressed on another page
        await settle(pilot)
        assert notices(app)[-1] == "此键属于另一页。下一步：按 2 发放登记"
        await pilot.press("n")  # a supervisor's key
        await settle(pilot)
        assert "主管" in notices(app)[-1]
        await pilot.press("2")
        await settle(pilot)
        assert "1-1-301" in screen_text(app) and "未发放" in screen_text(app)
        await pilot.press("d")  # first unit; the cursor moves on
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "2/10" in screen_text(app)  # distribution rate against valid units
        await pilot.press("v")  # exclude the vacant unit
        await settle(pilot)
        assert "2/9" in screen_text(app)
    with db.read() as session:
        assert rates.progress(session, campaign.id).distributed == 2


async def test_statistics_and_report(db, make_app, supervisor, receptionist, campaign, site):  # noqa: F811
    with db.write() as session:
        responses.record_response(session, by=receptionist, campaign_id=campaign.id,
                                  unit_id=site["1-1-301"], ratings=[5] * N_ITEMS, name="甲",
                                  phone="13900000001", improve="希望增加快递柜")
    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        text = screen_text(app)
        assert "服务人员仪态" in text and "100.0%" in text and "█" in text
        await pilot.press("r")
        await settle(pilot)
        text = screen_text(app)
        assert "分析报告" in text and "一、发放与回收" in text
        await pilot.press("escape")
        await settle(pilot)


async def test_supervisor_opens_a_campaign(db, make_app, supervisor, site):  # noqa: F811
    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert "还没有调查活动" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#fm-year", Input).value = "20x6"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "请输入整数" in screen_text(app)
        app.screen.query_one("#fm-year", Input).value = "2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "2026年上半年客户满意度调查" in screen_text(app)
        assert "回收截止 2026-06-30" in screen_text(app)
        # the footer follows the campaign's state (the survey service's rules)
        assert "close_campaign" in footer_actions(app)
        assert {"reopen_campaign", "mark_reported"}.isdisjoint(footer_actions(app))
        await pilot.press("c")  # close the collection
        await settle(pilot)
        assert "[已截止]" in screen_text(app)
        assert "close_campaign" not in footer_actions(app)
        assert {"reopen_campaign", "mark_reported"} <= footer_actions(app)
        await pilot.press("c")  # refused: says why
        await settle(pilot)
        assert "不在回收中" in notices(app)[-1]


async def test_switch_campaign_then_follow_up_an_opinion(
        db, make_app, supervisor, receptionist, site):  # noqa: F811
    from datetime import datetime

    from deskapp import clock
    from deskapp.db.models.survey import FollowUpStatus, SurveyFollowUp

    with clock.freeze(datetime(2025, 12, 20, 9, 0)):
        with db.write() as session:
            dec = campaigns.open_campaign(session, by=supervisor, year=2025, half=2)
            responses.record_response(session, by=receptionist, campaign_id=dec.id,
                                      unit_id=site["1-1-301"], ratings=[4] * N_ITEMS, name="甲",
                                      phone="13900000001", improve="车库灯太暗")
            campaigns.close_collection(session, by=supervisor, campaign_id=dec.id)
    with db.write() as session:
        campaigns.open_campaign(session, by=supervisor, year=2026, half=1)
    app = make_app(login="boss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert "2026年上半年客户满意度调查  [回收中]" in screen_text(app)
        await pilot.press("1", "down", "enter")  # the older campaign
        await settle(pilot)
        assert "2025年下半年客户满意度调查  [已截止]" in screen_text(app)
        await pilot.press("3")
        await settle(pilot)
        assert "1-1-301" in screen_text(app)
        await pilot.press("enter")  # the form
        await settle(pilot)
        assert "车库灯太暗" in screen_text(app)
        await pilot.press("f")  # make it a follow-up item: question/department defaults
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert "待正式意见" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "尚无正式意见" in screen_text(app) and "p 回复业主" not in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#fm-answer", Input).value = "已更换车库灯具"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")  # reply now offered
        await settle(pilot)
        app.screen.query_one("#fm-reply", Input).value = "已电话告知业主"
        await pilot.press("ctrl+s")
        await settle(pilot)
    with db.read() as session:
        [item] = session.execute(select(SurveyFollowUp)).scalars().all()
    assert item.status == FollowUpStatus.REPLIED and item.answer == "已更换车库灯具"
    assert item.department == constants.DEPARTMENTS[0] and item.reply_channel == "phone"


async def test_the_printed_form_number_opens_its_unit(  # noqa: F811
        db, make_app, receptionist, campaign, site):  # noqa: F811
    """The number on the blank questionnaire (deskapp print survey-forms) opens that unit's
    entry straight away; a form of another campaign or no unit is refused at the field."""
    with db.read() as session:
        number = distribution.form_number(campaigns.get_campaign(session, campaign.id), site["1-1-301"])
        other = f"MY{campaign.year - 1}{campaign.half}-{site['1-1-301']:05d}"
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await _open_entry(pilot, app)
        entry = app.screen
        assert app.focused.id == "se-formno"
        entry.query_one("#se-formno", Input).value = other
        await pilot.press("enter")
        await settle(pilot)
        assert "不是本次" in screen_text(app)
        assert entry.query_one("#se-unit").unit_id is None
        entry.query_one("#se-formno", Input).value = f"MY{campaign.year}{campaign.half}-99999"
        await pilot.press("enter")
        await settle(pilot)
        assert "对应的房屋不存在" in screen_text(app)
        entry.query_one("#se-formno", Input).value = number.lower()
        await pilot.press("enter")
        await settle(pilot)
        assert entry.query_one("#se-unit").unit_id == site["1-1-301"]
        assert "1-1-301" in screen_text(app)
        assert isinstance(app.focused, RatingGrid)


async def test_the_entry_behaves_as_every_form(db, make_app, receptionist, supervisor,  # noqa: F811
                                               campaign, site):  # noqa: F811
    """Esc on an untouched entry closes it; on a typed one it asks first; a corrected date
    loses its error and what is typed after a failed save replaces the bad text; another
    person logging in mid-form starts it again empty."""
    from textual.widgets import Input as Box

    from deskapp.tui.widgets.confirm import ConfirmDialog
    from tests.conftest import PASSWORD

    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await _open_entry(pilot, app)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, SurveyScreen)
        await pilot.press("e")
        await settle(pilot)
        entry = app.screen
        await _pick_unit(pilot, "1-1-302")
        await pilot.press(*"45")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "放弃已填写的内容？" in screen_text(app)
        await pilot.press("escape")  # no: the form stays as typed
        await settle(pilot)
        assert app.screen is entry and entry.query_one(RatingGrid).values[:2] == [4, 5]
        await pilot.press("enter")  # Enter on the grid: on to the open questions
        assert app.focused.id == "se-improve"
        date_box = entry.query_one("#se-filled_on", Box)
        date_box.value = "2026-13-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "日期格式应为 YYYY-MM-DD" in screen_text(app)
        assert app.focused is date_box
        await pilot.press(*"2026-06-2")  # replaces the bad date, not appended to it
        assert date_box.value == "2026-06-2"
        assert "日期格式应为" not in screen_text(app)  # corrected: the error went
        # another person unlocks the desk mid-form: nothing typed for desk1 is saved by boss
        await pilot.press("ctrl+l")
        await settle(pilot)
        app.screen.query_one("#login-login", Box).value = "boss"
        app.screen.query_one("#login-password", Box).value = PASSWORD
        app.screen.query_one("#login-password", Box).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is entry
        assert entry.query_one(RatingGrid).values[:2] == [None, None]
        assert entry.query_one("#se-name", Box).value == "" and not entry.dirty
        assert app.focused.id == "se-formno"


async def test_response_and_followup_keys_follow_the_service(  # noqa: F811
        db, make_app, receptionist, supervisor, campaign, site):  # noqa: F811
    """The keys of an opened response come from services/survey/actions.py: the desk may
    follow it up but not void it; a voided form offers neither."""
    from deskapp.tui.screens.survey import open_response

    with db.write() as session:
        kept = responses.record_response(session, by=receptionist, campaign_id=campaign.id,
                                      unit_id=site["1-1-301"], ratings=[4] * N_ITEMS,
                                      name="甲", phone="13900000001", improve="车库灯太暗")
        voided = responses.record_response(session, by=receptionist, campaign_id=campaign.id,
                                        unit_id=site["1-1-302"], ratings=[3] * N_ITEMS,
                                        name="乙", phone="13900000002")
        responses.void_response(session, by=supervisor, response_id=voided.id, reason="重复录入")
        kept_id, voided_id = kept.id, voided.id
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_response(app, kept_id)
        await settle(pilot)
        assert footer_actions(app) >= {"pick('followup')"}
        assert "pick('void')" not in footer_actions(app)
        await pilot.press("v")  # not offered: nothing happens
        await settle(pilot)
        assert "车库灯太暗" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        open_response(app, voided_id)
        await settle(pilot)
        assert not {"pick('followup')", "pick('void')"} & footer_actions(app)
