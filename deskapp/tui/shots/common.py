"""What every screenshot scenario shares: its type and the wait for the desk to settle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

Scenario = Callable[[Pilot], Awaitable[None]]
Shots = list[tuple[str, Scenario]]


async def settle(pilot: Pilot) -> None:
    """Wait for the workers and the messages they sent (a cancelled worker spoils nothing)."""
    for _ in range(4):
        try:
            await pilot.app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            pass
        await pilot.pause()
        # Four rounds, always: stopping once a pause started no new worker (tried for
        # issue #17) let the 80×24 checks read a footer not yet drawn on a loaded machine
