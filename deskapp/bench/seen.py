"""Key to screen: how long a person waits after pressing a key (issue #17, part 7).

Pilot's own ``press()`` waits for the whole app to go idle and adds its pauses: timed from
outside, a Down key in the record list cost 100+ ms of which most was Pilot. Here the clock
starts when the key event is created by the driver (``events.Key.time``: the moment a
real terminal's key would arrive) and stops at the end of the first compositor update
(``App._display``, what writes the changed lines to the terminal) after which the screen
shows the result — for a cursor key, the cursor's row with its data; for an area key,
the area's screen with every record list loaded. Headless, ``_display`` computes the
update but skips the final write to the terminal (a few hundred bytes for a cursor move).

The same instrument is put on a bare Textual app in the same run, so the ratio holds on
a busy machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual._time import get_time

__all__ = ["KeyToScreen"]


class KeyToScreen:
    """Instrument one app: the arrival time of each key, and every compositor update
    with whether ``done()`` held when it was made.

    Use :meth:`arm` before pressing a key with a condition for "the screen shows the
    result"; after the press has settled, :meth:`elapsed_ms` is key → that update."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._key_at: float | None = None
        self._done: Callable[[], bool] = lambda: True
        self._seen_at: float | None = None
        original_display = app._display
        original_on_event = app.on_event

        def display(screen: Any, renderable: Any) -> None:
            original_display(screen, renderable)
            if (renderable is not None and self._key_at is not None and self._seen_at is None
                    and not app._batch_count and self._done()):
                self._seen_at = get_time()

        async def on_event(event: events.Event) -> None:
            if isinstance(event, events.Key) and self._key_at is None:
                self._key_at = event.time
            await original_on_event(event)

        app._display = display
        app.on_event = on_event

    def arm(self, done: Callable[[], bool]) -> None:
        """The next key starts the clock; the first update with ``done()`` true stops it."""
        self._key_at = None
        self._seen_at = None
        self._done = done

    @property
    def seen(self) -> bool:
        return self._seen_at is not None

    def elapsed_ms(self) -> float:
        if self._key_at is None or self._seen_at is None:
            raise RuntimeError("no key or no update seen")
        return (self._seen_at - self._key_at) * 1000
