"""Issue 16 part 5: every main screen and the dialogs its screenshot scenarios open are
usable in an 80×24 terminal, in both languages: every area named in the area bar, F1 in
the footer, every focusable widget inside the screen when focused (Tab through)."""

from __future__ import annotations

import pytest
from textual.errors import NoWidget
from textual.widget import Widget
from textual.widgets import Footer

from deskapp.i18n import t
from deskapp.services.listing import ListColumn
from deskapp.tui import areas, shots
from deskapp.tui.widgets.record_list import layout_columns
from tests.helpers import screen_text, settle

SIZE = (80, 24)


def test_layout_drops_high_priority_columns_and_keeps_key_ones() -> None:
    cols = [ListColumn("no", "x.no", 12, priority=0),
            ListColumn("phone", "x.phone", 13, priority=8),
            ListColumn("content", "x.content", 30, priority=2, min_width=10),
            ListColumn("status", "x.status", 8, priority=0),
            ListColumn("flags", "x.flags", 10, priority=1)]
    wide = layout_columns(cols, 200)
    assert [i for i, _ in wide] == [0, 1, 2, 3, 4]
    narrow = layout_columns(cols, 50)
    shown = [i for i, _ in narrow]
    assert 0 in shown and 3 in shown and 1 not in shown  # phone goes first
    assert 1 + sum(w for _, w in narrow) + 2 * (len(narrow) - 1) <= 50
    # content narrowed rather than dropped while it can be
    assert 2 in shown and dict(narrow)[2] >= 10
    tiny = layout_columns(cols, 10)  # key columns stay even when they do not fit
    assert [i for i, _ in tiny] == [0, 3]


def test_column_widens_to_its_longest_label_in_english() -> None:
    from deskapp.i18n import set_language
    from deskapp.tui.widgets.record_list import column_width

    col = ListColumn("state", "complaints.col.state", 12, fits=("complaints.state.",))
    set_language("en")
    assert column_width(col) >= len("Needs responsible")
    set_language("zh")
    assert column_width(col) < len("Needs responsible")


def _outside(app, widget: Widget) -> str | None:
    """Why ``widget`` is not fully on screen, or None."""
    screen = app.screen
    try:
        geometry = screen.find_widget(widget)
    except NoWidget:
        return "not shown"
    region, clip = geometry.region, geometry.clip
    if not region.area:
        return "no size"
    if not screen.region.contains_region(region):
        return f"outside the screen {region}"
    if clip.intersection(region) != region:
        return f"cut off by its container {region} / {clip}"
    return None


async def _tab_through(pilot, where: str) -> list[str]:
    app = pilot.app
    problems: list[str] = []
    seen: set[int] = set()
    start = app.screen
    for _ in range(40):
        focused = app.screen.focused
        if focused is not None:
            if id(focused) in seen:
                break
            seen.add(id(focused))
            await pilot.pause()
            why = _outside(app, focused)
            if why:
                problems.append(f"{where}: {focused!r} {why}")
        await pilot.press("tab")
        await pilot.pause()
        if app.screen is not start:  # tab never opens anything; be safe
            break
    return problems


def _scenarios() -> list[tuple[str, str]]:
    out = []
    for area in areas.AREAS:
        out.append((area.key, ""))
        for suffix, _fn in shots.for_area(area.key):
            out.append((area.key, suffix))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_screen_fits_80x24(make_demo_app, frozen_now, lang: str) -> None:
    app = make_demo_app(login="zhuguan", lang=lang)
    problems: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, suffix in _scenarios():
            app.action_area(key)
            await settle(pilot)
            while len(app.screen_stack) > 1:
                app.pop_screen()
                await settle(pilot)
            if suffix:
                scenario = dict(shots.for_area(key))[suffix]
                await scenario(pilot)
                await settle(pilot)
            where = f"{lang}:{key}:{suffix or 'main'}"
            text = screen_text(app)
            if not suffix:
                for other in areas.AREAS:
                    assert t(other.title_key) in text, f"{where}: area bar lacks {other.key}"
                footers = list(app.screen.query(Footer))
                assert footers and "F1" in text.splitlines()[-1], f"{where}: no F1 in footer"
            problems += await _tab_through(pilot, where)
            while len(app.screen_stack) > 1:
                app.pop_screen()
                await settle(pilot)
    assert not problems, "\n".join(problems)
