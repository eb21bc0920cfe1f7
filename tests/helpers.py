"""Helpers for Pilot tests: wait for workers, read what the screen shows."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot


async def settle(pilot: Pilot) -> None:
    """Let thread workers finish and the UI process their results."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app: App) -> str:
    """What the current screen shows, as plain text lines (double-width characters are
    followed by no padding, so Chinese text reads naturally)."""
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)
