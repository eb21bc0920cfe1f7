"""The command palette (Ctrl+P) as a user meets it: type a query, read the results."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from deskapp.i18n import t
from tests.helpers import settle


def test_t_accepts_a_key_parameter():
    # The catalogue key is positional-only: a message may have its own {key} parameter.
    assert t("palette.goto.help", key="F2") in ("快捷键 F2", "Key F2")


async def _results(pilot, query: str) -> str:
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    box = palette.query_one("CommandInput")
    box.value = ""
    # the query set whole (Input.Changed starts one search), not pressed key by key: what
    # the palette finds is the point here, typing is not (a search per key; issue #17)
    box.value = query
    for _ in range(40):
        await pilot.pause(0.05)
        options = palette.query_one(CommandList)
        if options.option_count:
            break
    options = palette.query_one(CommandList)
    return "\n".join(str(options.get_option_at_index(i).prompt)
                     for i in range(options.option_count))


@pytest.mark.parametrize("lang,queries", [
    ("zh", {"前台": "转到：前台接待", "投诉": "转到：投诉处理", "装修": "转到：装修管理",
            "满意度": "转到：满意度调查", "收费": "转到：收费", "登记簿": "转到：登记簿",
            "报表": "转到：报表", "应知": "转到：应知应会", "员工": "转到：员工管理",
            "新建接待": "新建接待登记", "登记投诉": "登记投诉", "语言": "切换语言",
            "锁屏": "锁屏", "访客": "新访客登记"}),
    ("en", {"reception": "Go to: Reception", "complaints": "Go to: Complaints",
            "renovation": "Go to: Renovation", "survey": "Go to: Survey",
            "cashier": "Go to: Cashier", "registers": "Go to: Registers",
            "reports": "Go to: Reports", "knowledge": "Go to: Knowledge", "staff": "Go to: Staff",
            "new contact": "New contact", "new complaint": "New complaint",
            "language": "Switch language", "lock": "Lock the terminal",
            "new visitor": "New visitor"}),
])
async def test_palette_finds_areas_new_commands_language_and_lock(db, make_app, supervisor,
                                                                  lang, queries):
    app = make_app(login="boss", lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        for query, expected in queries.items():
            found = await _results(pilot, query)
            assert expected in found, (query, found)
        no_match = await _results(pilot, "zzzqqq")
        assert "转到" not in no_match and "Go to" not in no_match
