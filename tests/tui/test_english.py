"""Issue 16 part 6: in English, no screen shows Chinese that is not data, and no list
cuts a label of the catalogue short ("Needs respo…")."""

from __future__ import annotations

import re

from sqlalchemy import String, Text, select

from deskapp.db.engine import Database
from deskapp.i18n import set_language
from deskapp.tui import areas, shots
from tests.helpers import cut_labels, screen_text, settle

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
SIZE = (160, 45)


def _data_text(db: Database) -> str:
    """Every text value in the database (names, addresses, titles, knowledge entries):
    Chinese there is data, shown as typed."""
    from sqlmodel import SQLModel

    values: list[str] = []
    with db.read() as session:
        for table in SQLModel.metadata.sorted_tables:
            cols = [c for c in table.columns
                    if isinstance(getattr(c.type, "impl", c.type), String | Text)]
            if not cols:
                continue
            for row in session.execute(select(*cols)):
                values += [v for v in row if isinstance(v, str) and CJK.search(v)]
    return "\n".join(values)


def _typed(app) -> str:
    """What the scenario typed into the screen's boxes is data too."""
    from textual.widgets import Input, TextArea

    return "\n".join([w.value for w in app.screen.query(Input)]
                     + [w.text for w in app.screen.query(TextArea)])


def _not_data(text: str, data: str) -> list[str]:
    return [run for run in CJK.findall(text) if run.strip("　") and run not in data]


async def test_english_screens_have_no_chinese_but_data_and_no_cut_labels(
        make_demo_app, demo_db, frozen_now) -> None:
    data = _data_text(demo_db) + "\n前台1"  # (the desk's name is a setting, as typed)
    app = make_demo_app(login="zhuguan", lang="en")
    problems: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for area in areas.AREAS:
            scenarios = [("main", None), *shots.for_area(area.key)]
            for name, scenario in scenarios:
                app.action_area(area.key)
                await settle(pilot)
                while len(app.screen_stack) > 1:
                    app.pop_screen()
                    await settle(pilot)
                if scenario is not None:
                    await scenario(pilot)
                    await settle(pilot)
                text = screen_text(app)
                where = f"{area.key}:{name}"
                problems += [f"{where}: Chinese {run!r}"
                             for run in _not_data(text, data + _typed(app))]
                problems += [f"{where}: cut {c}" for c in cut_labels(app)]
            await pilot.press("f1")
            await settle(pilot)
            problems += [f"{area.key}:help: Chinese {run!r}"
                         for run in _not_data(screen_text(app), data)]
            await pilot.press("escape")
            await settle(pilot)
    set_language("zh")
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_key_names_are_the_keyboards() -> None:
    from deskapp.tui.screens.help import key_name

    assert key_name("left_square_bracket") == "["
    assert key_name("ctrl+pageup") == "Ctrl+PgUp"
    assert key_name("f5") == "F5"
    assert key_name("tab") == "Tab"
    assert key_name("n") == "N"


async def test_textual_strings_follow_the_language(make_demo_app) -> None:
    from textual.command import CommandInput

    app = make_demo_app(login="zhuguan", lang="zh")
    async with app.run_test(size=(100, 32)) as pilot:  # the help lists F11 too
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        box = app.screen.query_one(CommandInput)
        assert box.placeholder == "输入要找的功能或命令…"
        await pilot.press(*"zzqx")
        await pilot.pause(1.2)
        await settle(pilot)
        assert "没有找到匹配的命令" in screen_text(app)
        assert "No matches" not in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        set_language("en")
        app.refresh_language()
        await settle(pilot)
        app.action_area("reports")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = screen_text(app)
        assert "Next field" in text and "Focus Next" not in text
        assert "Copy selected text" not in text and "Left_Square_Bracket" not in text
        lines = [line for line in text.splitlines() if "│ F5 " in line]
        assert lines and all("Survey" in line for line in lines)  # F5 is the survey only
    set_language("zh")
