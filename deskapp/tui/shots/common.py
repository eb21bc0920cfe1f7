"""What every screenshot scenario shares: its type and the wait for the desk to settle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

Scenario = Callable[[Pilot], Awaitable[None]]
Shots = list[tuple[str, Scenario]]

_BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


async def settle(pilot: Pilot) -> None:
    """Wait for the workers and the messages they sent (a cancelled worker spoils nothing)."""
    for _ in range(4):
        try:
            await pilot.app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            pass
        await pilot.pause()
        # settled once that pause started no new worker: each pause is at least one 20 ms
        # idle wait of Textual's, and the tests settle thousands of times (issue #17)
        if not any(w.state in _BUSY for w in pilot.app.workers):
            break
