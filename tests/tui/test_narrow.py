"""Issue 16 part 5: every main screen, its screenshot scenarios and every dialog or form
its keys open (and the dialogs those open) are usable in an 80×24 terminal, in both
languages: every area named in the area bar, F1 in the footer, every focusable widget
inside the screen when focused, no list label cut short by its column. One app per
language and area (so the parallel workers share the walk) on a copy of the full demo
(records in every list, so the record keys are live); focus moves with ``focus_next`` and
nothing is typed, which keeps the walk cheap."""

from __future__ import annotations

import pytest
from textual.errors import NoWidget
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from deskapp.i18n import t
from deskapp.services.listing import ListColumn
from deskapp.tui import areas, shots
from deskapp.tui.widgets.record_list import layout_columns
from tests.helpers import cut_labels, screen_text, settle

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


async def _focus_through(pilot, where: str) -> list[str]:
    """Every focusable widget of the current screen, focused in turn, is on screen."""
    app = pilot.app
    screen = app.screen
    problems: list[str] = []
    seen: set[int] = set()
    for _ in range(60):
        focused = screen.focused
        if focused is not None:
            if id(focused) in seen:
                break
            seen.add(id(focused))
            await pilot.pause()
            why = _outside(app, focused)
            if why:  # a sideways-scrolling row may still be scrolling to it: look again
                await pilot.pause(0.3)
                why = _outside(app, focused)
            if why:
                problems.append(f"{where}: {focused!r} {why}")
        screen.focus_next()
        await pilot.pause()
        if app.screen is not screen:
            break
    return problems


#: actions never run while exploring: moving between areas and views, leaving, printing
_SKIP = {"help", "area", "lock", "quit", "command_palette", "view", "next_view",
         "prev_view", "cancel", "close", "save", "print", "print_forms", "reprint",
         "export", "refresh", "reveal", "reveal_phone", "next_field", "toggle_language",
         "switch_language"}


def _keys(screen: Screen) -> list[tuple[str, object]]:
    """The screen's own keys shown in its footer and enabled now (not the app's)."""
    app = screen.app
    out = []
    for active in screen.active_bindings.values():
        name = active.binding.action.split("(")[0]
        if active.node is app or not active.enabled or not active.binding.show \
                or name in _SKIP:
            continue
        out.append((active.binding.action, active.node))
    return out


async def _quick(pilot) -> None:
    """Workers done and their results shown: enough for a dialog opened by a key."""
    for _ in range(2):
        try:
            await pilot.app.workers.wait_for_complete()
        except Exception:  # noqa: BLE001,S110 — a cancelled or failed worker: shown already
            pass
        await pilot.pause()


async def _back_to(pilot, screen: Screen) -> bool:
    """Close what was opened over ``screen``; False when ``screen`` itself is gone."""
    app = pilot.app
    if screen not in app.screen_stack:
        while app.screen.is_modal:
            app.pop_screen()
            await _quick(pilot)
        return False
    while app.screen is not screen:
        app.pop_screen()
        await _quick(pilot)
    return True


async def _explore(pilot, where: str, opened: set[str], depth: int) -> list[str]:
    """Check the current screen, then each dialog its keys open (to ``depth``)."""
    app = pilot.app
    screen = app.screen
    problems = await _focus_through(pilot, where)
    if depth == 0:
        return problems
    for action, node in _keys(screen):
        before = list(app.screen_stack)
        await app.run_action(action, node)
        await _quick(pilot)
        new = app.screen
        if new not in before:
            opened.add(type(new).__name__)
            problems += await _explore(pilot, f"{where} > {action}", opened, depth - 1)
        if not await _back_to(pilot, screen):
            break
    return problems


def _scenarios(key: str) -> list[tuple[str, str]]:
    return [(key, "")] + [(key, suffix) for suffix, _fn in shots.for_area(key)]


#: dialogs the walk must reach in each area (a sample of each kind: forms, confirm,
#: pickers, views), so a key that stops opening its dialog does not shrink the walk
_MUST_OPEN = {
    "reception": {"ContactForm", "WorkOrderForm", "ContactDetail"},
    "complaints": {"ComplaintForm", "StepForm", "UnitPicker", "ComplaintDetail"},
    "renovation": {"FilingForm", "FilingScreen", "UnitPicker"},
    "survey": {"SurveyEntryScreen", "SpecForm", "ReportView"},
    "cashier": {"UnitPicker"},
    "registers": {"NewRecordForm", "ActionModal", "DetailModal"},
    "reports": {"DrillScreen", "MonthPrompt"},
    "knowledge": {"UnitPicker"},
    "customer": {"ConfirmDialog", "SpecForm", "UnitPicker", "ParkingScreen", "MoveInScreen",
                 "IncidentsScreen"},
    "admin": {"ConfirmDialog", "StaffForm"},
}


@pytest.mark.parametrize("area", [a.key for a in areas.AREAS])
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_screen_and_dialog_fits_80x24(full_demo_db, frozen_now, lang: str,
                                                  area: str) -> None:
    from deskapp.config import Settings
    from deskapp.i18n import set_language
    from deskapp.tui.app import DeskApp

    set_language(lang)
    app = DeskApp(settings=Settings(db_url=full_demo_db.url, language=lang, desk="前台1",
                                    idle_lock_seconds=0), db=full_demo_db, login="zhuguan")
    problems: list[str] = []
    opened: set[str] = set()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, suffix in _scenarios(area):
            app.action_area(key)
            await settle(pilot)
            while len(app.screen_stack) > 1 and app.screen.is_modal:
                app.pop_screen()
                await settle(pilot)
            if suffix:
                scenario = dict(shots.for_area(key))[suffix]
                await scenario(pilot)
                await settle(pilot)
            where = f"{lang}:{key}:{suffix or 'main'}"
            text = screen_text(app)
            # the lists narrow their columns, never cutting a status or a role label
            # ("Pendi…", "CS specialis", "Faciliti"), in English and in Chinese
            problems += [f"{where}: cut {c}" for c in cut_labels(app)]
            if not suffix:
                for other in areas.AREAS:
                    assert t(other.title_key) in text, f"{where}: area bar lacks {other.key}"
                footers = list(app.screen.query(Footer))
                assert footers and "F1" in text.splitlines()[-1], f"{where}: no F1 in footer"
                assert "^p" not in text.splitlines()[-1], f"{where}: palette hint at 80 cols"
            # the main screen: every dialog its keys open, and theirs; a scenario: itself
            problems += await _explore(pilot, where, opened, 0 if suffix else 2)
            while len(app.screen_stack) > 1 and app.screen.is_modal:
                app.pop_screen()
                await settle(pilot)
    assert not problems, "\n".join(problems)
    assert _MUST_OPEN[area] <= opened, sorted(opened)
