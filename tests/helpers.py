"""Helpers for Pilot tests: wait for workers, read what the screen shows."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed


async def settle(pilot: Pilot) -> None:
    """Let thread workers finish and the UI process their results. Workers replaced by a
    newer exclusive one are cancelled; that is expected and ignored here."""
    for _ in range(4):
        try:
            await pilot.app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            pass
        await pilot.pause()
    # A screen just pushed may not have painted yet on a loaded machine: give it up to 2 s.
    for _ in range(40):
        if screen_text(pilot.app).strip():
            break
        await pilot.pause(0.05)


def screen_text(app: App) -> str:
    """What the current screen shows, as plain text lines."""
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)
