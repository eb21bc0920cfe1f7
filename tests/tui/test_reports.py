"""The report screen (F8) as the supervisor uses it: pick the month, read it, open the
records behind a figure and one record from there, export that list; a wrong month is
refused at the field; a receptionist is told the report is the supervisor's."""

from __future__ import annotations

from textual.widgets import Input

from deskapp.tui.screens.reports import DrillScreen, FigureLine, MonthPrompt, ReportsScreen
from deskapp.tui.widgets.reports_export import ExportChoice
from tests.helpers import screen_text, settle
from tests.unit.test_reports import october  # noqa: F401 — the hand-built month fixture


async def _to_figure(pilot, key: str) -> FigureLine:
    """Move the cursor down (as the user does) until it stands on ``key``."""
    app = pilot.app
    for _ in range(80):
        focused = app.focused
        if isinstance(focused, FigureLine) and focused.figure.key == key:
            return focused
        await pilot.press("down")
    raise AssertionError(f"no line for {key}")


async def _open_reports_for_october(pilot) -> None:
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReportsScreen)
    assert "2026-11" in screen_text(pilot.app)  # the running month first (it is the 30th)
    await pilot.press("left_square_bracket")  # [ : the month before
    await settle(pilot)


async def test_read_the_month_and_open_the_records_behind_a_figure(october, make_app):  # noqa: F811
    app = make_app(login="boss")
    async with app.run_test(size=(150, 45)) as pilot:
        await _open_reports_for_october(pilot)
        text = screen_text(app)
        assert "上海滩华府 客服部月报 2026-10" in text
        assert "接待登记总数" in text and "按类别" in text and "报修" in text
        assert isinstance(app.focused, FigureLine) and app.focused.figure.key == "contacts"

        line = await _to_figure(pilot, "workorders_created")
        assert line.figure.value == 4
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        text = screen_text(app)
        assert "2026-10 · 新开维修工单" in text
        for number in ("WX-1", "WX-2", "WX-3", "WX-4"):
            assert number in text
        assert "WX-5" not in text and "WX-6" not in text  # opened in September / November
        assert "共 4 条" in text

        await pilot.press("enter")  # the newest: WX-4, through the reception opener
        await settle(pilot)
        assert "WX-4" in screen_text(app)
        assert not isinstance(app.screen, DrillScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)


async def test_handover_note_opens_the_handover(october, make_app):  # noqa: F811
    app = make_app(login="boss")
    async with app.run_test(size=(150, 45)) as pilot:
        await _open_reports_for_october(pilot)
        line = None
        for _ in range(120):
            focused = app.focused
            if isinstance(focused, FigureLine) and focused.figure.ref is not None:
                line = focused
                break
            await pilot.press("down")
        assert line is not None and line.figure.ref.kind == "handover"
        assert "138****5678" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ReportsScreen)
        assert "3号楼电梯异响" in screen_text(app)


async def test_export_the_drilled_list_to_csv(october, make_app, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DESKAPP_EXPORT_DIR", str(tmp_path))
    app = make_app(login="boss")
    async with app.run_test(size=(150, 45)) as pilot:
        await _open_reports_for_october(pilot)
        await _to_figure(pilot, "complaints_volume")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert "^e 导出" in screen_text(app)  # the list's export key is in the footer
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, ExportChoice)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
    files = list(tmp_path.glob("*.csv"))
    assert len(files) == 1 and files[0].name.startswith("受理投诉-2026-10-")
    data = files[0].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 4  # header + the 3 complaints received in October
    assert lines[0].startswith("编号,")
    assert {line.split(",")[0] for line in lines[1:]} == {"TS-1", "TS-2", "TS-3"}


async def test_month_prompt_refuses_a_wrong_month_at_the_field(october, make_app):  # noqa: F811
    app = make_app(login="boss")
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MonthPrompt)
        field = app.screen.query_one("#rp-month", Input)
        field.value = "2026-13"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MonthPrompt)
        assert "月份格式不对" in screen_text(app)
        field.value = "2027-01"
        await pilot.press("enter")
        await settle(pilot)
        assert "还没有到" in screen_text(app)
        field.value = "2026-03"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        text = screen_text(app)
        assert "2026-03 没有任何记录" in text and "本月无记录" in text
        assert "接待登记总数" not in text
        await pilot.press("right_square_bracket")  # ]
        await settle(pilot)
        assert "客服部月报 2026-04" in screen_text(app)


async def test_next_month_stops_at_the_current_one(october, make_app):  # noqa: F811
    app = make_app(login="boss")
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.screen.month == 11 and "客服部月报 2026-11" in screen_text(app)


async def test_receptionist_is_told_the_report_is_the_supervisors(october, make_app):  # noqa: F811
    app = make_app(login="desk1")
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        text = screen_text(app)
        assert "月报只供客服主管使用" in text and "接待登记总数" not in text
