"""Reports (F8): the fees section with its charts, the records behind a figure."""

from __future__ import annotations

from textual.pilot import Pilot

from deskapp.tui.screens.reports import FigureLine
from deskapp.tui.shots.common import Shots, settle


async def fees(pilot: Pilot) -> None:
    """The fees section with its charts (the cursor walked down to it)."""
    for _ in range(60):
        focused = pilot.app.focused
        if isinstance(focused, FigureLine) and focused.figure.key == "fees_collected_fen":
            break
        await pilot.press("down")
    await pilot.press("pagedown")
    await settle(pilot)


async def drill(pilot: Pilot) -> None:
    """The records behind the first figure."""
    await pilot.press("enter")
    await settle(pilot)


SHOTS: Shots = [("fees", fees), ("drill", drill)]
