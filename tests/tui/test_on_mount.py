"""The on_mount convention (DEVELOPING.md): Textual calls every class's own ``on_mount``,
subclass first, so nobody calls ``super().on_mount()``."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App
from textual.screen import Screen

import deskapp.tui
from deskapp.tui.base import DeskScreen

TUI = Path(deskapp.tui.__file__).parent


class _Base(Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def on_mount(self) -> None:
        self.calls.append("base")


class _Sub(_Base):
    def on_mount(self) -> None:
        self.calls.append("sub")


class _SubCallingSuper(_Base):
    def on_mount(self) -> None:
        super().on_mount()
        self.calls.append("sub")


async def test_textual_calls_each_class_on_mount_subclass_first() -> None:
    plain, calling = _Sub(), _SubCallingSuper()
    async with App().run_test() as pilot:
        await pilot.app.push_screen(plain)
        await pilot.pause()
        await pilot.app.push_screen(calling)
        await pilot.pause()
    assert plain.calls == ["sub", "base"]
    assert calling.calls == ["base", "sub", "base"]  # what super().on_mount() did: twice


async def test_desk_screen_base_runs_without_super(make_app) -> None:
    class Plain(DeskScreen):
        def on_mount(self) -> None:
            self.mounted = True

    app = make_app()
    screen = Plain()
    async with app.run_test() as pilot:
        await pilot.app.push_screen(screen)
        await pilot.pause()
        assert screen.mounted
        assert hasattr(screen, "_seen_generation")  # DeskScreen.on_mount ran too


def _super_on_mount_calls(source: str) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("on_mount", "_on_mount")
            and isinstance(node.func.value, ast.Call)
            and isinstance(node.func.value.func, ast.Name) and node.func.value.func.id == "super"]


def test_the_check_finds_a_super_call() -> None:
    assert _super_on_mount_calls("class A:\n    def on_mount(self):\n        super().on_mount()\n") == [3]
    assert _super_on_mount_calls("def on_mount(self):\n    self.on_mount()\n") == []


def test_no_tui_module_calls_super_on_mount() -> None:
    found = {str(p.relative_to(TUI)): lines for p in sorted(TUI.rglob("*.py"))
             if (lines := _super_on_mount_calls(p.read_text(encoding="utf-8")))}
    assert not found, f"Textual calls the base's on_mount itself: {found}"
