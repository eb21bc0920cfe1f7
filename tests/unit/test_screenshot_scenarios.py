"""Screenshot scenarios live in deskapp/tui/shots/, never in the screen modules."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import deskapp.tui.screens
from deskapp.tui import areas, shots

SCREENS = Path(deskapp.tui.screens.__file__).parent


def _scenario_names_defined(source: str) -> list[str]:
    """Names in a module that look like a screenshot scenario: a ``SCREENSHOTS`` attribute
    or assignment, or a function whose name starts with ``_shot_``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("_shot"):
            found.append(node.name)
        elif isinstance(node, ast.Name) and node.id == "SCREENSHOTS":
            found.append(node.id)
        elif isinstance(node, ast.Attribute) and node.attr == "SCREENSHOTS":
            found.append(node.attr)
    return found


def test_the_check_finds_a_scenario_in_a_screen() -> None:
    bad = "class S:\n    SCREENSHOTS = []\n\nasync def _shot_form(p):\n    pass\nS.SCREENSHOTS = []\n"
    assert sorted(_scenario_names_defined(bad)) == ["SCREENSHOTS", "SCREENSHOTS", "_shot_form"]
    assert _scenario_names_defined("def shot(): pass\n") == []


def test_no_screen_module_holds_a_scenario() -> None:
    offenders = {p.name: names for p in sorted(SCREENS.glob("*.py"))
                 if (names := _scenario_names_defined(p.read_text(encoding="utf-8")))}
    assert not offenders, f"move these into deskapp/tui/shots/: {offenders}"


def test_scenarios_are_named_once_and_belong_to_an_area() -> None:
    keys = {a.key for a in areas.AREAS}
    assert set(shots.BY_AREA) <= keys
    files: list[str] = []
    for n, area in enumerate(areas.AREAS, start=1):
        names = [name for name, _ in shots.for_area(area.key)]
        assert all(names), area.key
        assert all(name.replace("-", "").isalnum() and name.islower() for name in names), names
        files += [f"{n:02d}-{area.key}"] + [f"{n:02d}-{area.key}-{name}" for name in names]
        files.append(f"{n:02d}-{area.key}-80x24")
        for _, scenario in shots.for_area(area.key):
            assert inspect.iscoroutinefunction(scenario), (area.key, scenario)
    assert len(files) == len(set(files)), sorted(f for f in files if files.count(f) > 1)
