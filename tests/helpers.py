"""Helpers for Pilot tests: wait for workers, read what the screen shows."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from deskapp.tui import shots


async def settle(pilot: Pilot) -> None:
    """Let thread workers finish and the UI process their results (the scenarios' settle:
    cancelled workers are expected and ignored), then wait for the screen to paint."""
    await shots.settle(pilot)
    # A screen just pushed may not have painted yet on a loaded machine: give it up to 2 s.
    for _ in range(40):
        if screen_text(pilot.app).strip():
            break
        await pilot.pause(0.05)


async def keys_delivered(pilot: Pilot, seconds: float = 10.0) -> None:
    """Wait until every key posted by :func:`burst` is handed on — none left in the app's
    queue, none the app still holds for a busy screen — and the screen has settled. On a
    loaded machine that takes longer than :func:`settle` alone waits."""
    from textual import events

    app = pilot.app
    for _ in range(int(seconds / 0.02)):
        queued = any(isinstance(m, events.Key) for m in app._message_queue.values)
        if not queued and not getattr(app, "_held_keys", None):
            break
        await pilot.pause(0.02)
    await settle(pilot)


def screen_text(app: App) -> str:
    """What the current screen shows, as plain text lines."""
    # Textual 8.2.8 has no public API for the screen as text (only an SVG export).
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def shown_with_background(app: App) -> str:
    """What the terminal shows: the current screen over the screens visible behind it
    (``screen_text`` reads the current screen alone)."""
    # Textual 8.2.8 has no public API for the composed screen as text (only an SVG export).
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(),
                      record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(  # type: ignore[attr-defined]
        full=True, screen_stack=app._background_screens))  # type: ignore[attr-defined]
    return console.export_text()


def notices(app: App) -> list[str]:
    """The messages of the notifications (toasts) shown so far, oldest first."""
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


_KEY_CHARS = {"enter": "\r", "tab": "\t", "escape": "\x1b", "space": " "}


def burst(app: App, *keys: str) -> None:
    """Post ``keys`` to the app all at once, the way a terminal delivers a fast typist's
    keys in one read (``pilot.press`` waits for the app to go idle between keys, which
    hides ordering bugs). Each item is a key name ("enter", "f3") or a string of
    characters typed one by one."""
    from textual import events
    from textual.keys import _character_to_key

    for item in keys:
        names = [item] if item in _KEY_CHARS or len(item) > 1 and item.isascii() and (
            item.startswith(("f", "ctrl+", "shift+")) and not item.isalpha()
            or item in ("up", "down", "left", "right", "home", "end", "backspace", "delete")
        ) else list(item)
        for name in names:
            char = _KEY_CHARS.get(name, name if len(name) == 1 else None)
            key = _character_to_key(name) if len(name) == 1 and not name.isalnum() else name
            event = events.Key(key, char)
            event.set_sender(app)
            app.post_message(event)


def footer_actions(app: App) -> set[str]:
    """The actions the footer offers now (shown and enabled), e.g. ``{"void", "step('visit')"}``
    — what the record's state and the staff's role allow, as the screen says."""
    return {active.binding.action for active in app.screen.active_bindings.values()
            if active.enabled and active.binding.show}


def pdf_has(data: bytes, *needles: str) -> bool:
    """Whether the PDF's text holds every one of ``needles`` — read page by page and only
    as far as needed: pypdf takes ~0.1 s a page, and a campaign's blank forms or the
    arrears notices of the whole demo site run to hundreds of pages (issue #17)."""
    from io import BytesIO

    from pypdf import PdfReader

    missing = set(needles)
    for page in PdfReader(BytesIO(data)).pages:
        text = (page.extract_text() or "").replace("\uffe5", "\u00a5")
        missing = {needle for needle in missing if needle not in text}
        if not missing:
            return True
    return not missing


def cut_labels(app: App) -> list[str]:
    """Cells of the record lists that are catalogue texts cut short by their column."""
    from rich.cells import cell_len

    from deskapp.i18n import messages, t
    from deskapp.tui.widgets.record_list import RecordTable

    labels = {pair[1] for pair in messages().values()}
    cut = []
    for table in app.screen.query(RecordTable):
        for i, width in table._layout:  # noqa: SLF001 — what the widget shows
            title = t(table._columns[i].title_key)
            if cell_len(title) > width:
                cut.append(f"header {title!r} in {width} cells")
        for index in range(min(table.row_count, 40)):
            row = table._row(index)
            if row is None:
                continue
            for i, width in table._layout:
                text = row.cells[i] if i < len(row.cells) else ""
                if text in labels and cell_len(text) > width:
                    cut.append(f"{text!r} in {width} cells ({table._columns[i].key})")
    return cut
