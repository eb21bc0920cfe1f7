"""Complaints (F3): the register form, a complaint's timeline, the analysis tab."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from deskapp.tui.shots.common import Shots


async def form(pilot: Pilot) -> None:
    """The register form with the unit picked and the content typed."""
    await pilot.press("n")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)
    screen = pilot.app.screen
    screen.query_one("#cf-content", TextArea).text = "楼上装修晚上十点后仍在施工，噪音很大"
    screen.query_one("#cf-request", Input).value = "要求夜间停止施工"
    screen.query_one("#cf-name", Input).value = "张三"
    screen.query_one("#cf-phone", Input).value = "13812345678"


async def timeline(pilot: Pilot) -> None:
    """A complaint with its timeline and the next step."""
    await pilot.pause(0.5)
    await pilot.press("enter")


async def analysis(pilot: Pilot) -> None:
    await pilot.press("ctrl+right", "ctrl+right")


SHOTS: Shots = [("form", form), ("timeline", timeline), ("analysis", analysis)]
