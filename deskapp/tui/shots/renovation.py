"""Renovation (F4): the new-filing form, a filing, the archive."""

from __future__ import annotations

from textual.pilot import Pilot

from deskapp.tui.shots.common import Shots


async def form(pilot: Pilot) -> None:
    await pilot.press("n")


async def filing(pilot: Pilot) -> None:
    await pilot.press("1")
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.press("enter")


async def archive(pilot: Pilot) -> None:
    await pilot.press("ctrl+r")


SHOTS: Shots = [("form", form), ("filing", filing), ("archive", archive)]
