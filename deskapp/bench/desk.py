"""What a person at the desk sees (issue #17): launch to the login form drawn, memory after
login, area switches, cursor keys in a 1,000,000-row list, 1–2 character search counts, the
demo build. Each figure that has a reference (a bare Textual app, raw sqlite3) is measured
in the same run, interleaved where it can be, and printed with its ratio — the machine may
be busy, the ratio says more than the milliseconds."""

from __future__ import annotations

import asyncio
import os
import shlex
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from deskapp.bench import PASSWORD, BenchContext, Figure
from deskapp.bench import launch as tmux
from deskapp.i18n import t

SWITCH_KEYS = ("f3", "f6", "f2")


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _ratio(value: float, reference: float) -> Figure:
    return Figure(t("bench.ratio"), value / reference if reference else 0.0, "×")


# ------------------------------------------------------------------ launch, RSS (tmux)
def _launch(ctx: BenchContext) -> list[Figure]:
    repeat = 3 if ctx.quick else 5
    tmux.byte_compile()
    app_runs, bare_runs = [], []
    for _ in range(repeat):  # interleaved, so a busy moment hits both alike
        bare_runs.append(tmux.bare_ms(ctx.tmp))
        app_runs.append(tmux.launch_ms(ctx.db.url, tmp=ctx.tmp))
    app, bare = _median(app_runs), _median(bare_runs)
    return [Figure(t("bench.launch.app"), app, goal=1.3 * bare, reference=bare),
            Figure(t("bench.launch.bare"), bare), _ratio(app, bare)]


def _rss_after_login(ctx: BenchContext, login: str, needle: str) -> float:
    """MB resident in the real app process once the home area is drawn after a real login:
    the plain command, its login form typed into (login, Enter, password, Enter) as a
    person does, then the area screen on the terminal and its lists loaded."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    env = {"DESKAPP_DB": ctx.db.url, "DESKAPP_HOME": str(ctx.tmp / "home"),
           "TERM": "xterm-256color", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    cmd = f"exec env {exports} {shlex.quote(sys.executable)} -m deskapp --lang zh"
    tmux.byte_compile()
    tmux.new_session(["-d", "-s", name, "-c", str(Path.cwd()), "-x", "160", "-y", "45", cmd],
                     dict(os.environ))

    def wait_for(*needles: str) -> None:
        start = time.perf_counter()
        while time.perf_counter() - start < 60:
            out = subprocess.run(["tmux", "capture-pane", "-p", "-t", name],
                                 capture_output=True, text=True).stdout
            if "Traceback" in out:
                raise RuntimeError("the program failed: " + " ".join(out.split()[-20:]))
            if all(n in out for n in needles):
                return
            time.sleep(0.05)
        raise TimeoutError(f"{needles!r} not on screen after 60 s")

    try:
        wait_for(t("login.title"), t("login.submit"))
        time.sleep(0.5)  # the worker that loads the services after the first paint
        for keys in ([login], ["Enter"], [PASSWORD], ["Enter"]):
            literal = ["-l"] if keys[0] != "Enter" else []
            subprocess.run(["tmux", "send-keys", "-t", name, *literal, *keys], check=True)
        wait_for(needle)
        time.sleep(1.0)  # the lists of the home area load
        pid = subprocess.run(["tmux", "display", "-p", "-t", name, "#{pane_pid}"],
                             capture_output=True, text=True).stdout.strip()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


# ------------------------------------------------------------------ area switch (headless)
# Timed key → screen (see :mod:`deskapp.bench.seen`): from the key's arrival to the first
# compositor update that shows the new area with every record list loaded. Pilot only
# sends the keys; its idle waits are not in the figure.
def _lists_ready(screen: Any) -> bool:
    from deskapp.tui.widgets.record_list import RecordTable

    return all(table.ready for table in screen.query(RecordTable))


async def _settle(pilot: Any, done: Any) -> None:
    for _ in range(5000):
        if done():
            break
        await asyncio.sleep(0.001)
    await pilot.pause()


def _switch(ctx: BenchContext) -> list[Figure]:
    from deskapp.bench.seen import KeyToScreen
    from deskapp.config import Settings
    from deskapp.tui.app import DeskApp

    repeat = 3 if ctx.quick else 7

    async def desk() -> tuple[dict[str, tuple[float, list[float]]], int]:
        app = DeskApp(settings=Settings(db_url=ctx.db.url, idle_lock_seconds=0), db=ctx.db,
                      login=ctx.receptionist.login)
        found: dict[str, tuple[float, list[float]]] = {}
        widgets = 0
        async with app.run_test(size=(160, 45)) as pilot:
            while app.current_area is None:
                await pilot.pause(0.01)
            await _settle(pilot, lambda: _lists_ready(app.screen))
            seen = KeyToScreen(app)
            for round_ in range(repeat + 1):
                for key in SWITCH_KEYS:
                    before = app.screen

                    def done(before: Any = before) -> bool:
                        return app.screen is not before and _lists_ready(app.screen)

                    seen.arm(done)
                    await pilot.press(key)
                    await _settle(pilot, lambda: seen.seen)
                    await _settle(pilot, lambda: _lists_ready(app.screen))
                    ms = seen.elapsed_ms()
                    widgets = max(widgets, len(app.screen.query("*")))
                    first, later = found.get(key, (ms, []))
                    if round_:
                        later.append(ms)
                    found[key] = (first, later)
        return found, widgets

    async def bare() -> list[float]:
        from textual.app import App
        from textual.binding import Binding
        from textual.screen import Screen
        from textual.widgets import Footer, Header, Input, Label

        class Area(Screen[None]):
            def compose(self) -> Any:
                yield Header()
                yield Label("area")
                yield Input()
                yield Footer()

        class Bare(App[None]):
            BINDINGS = [Binding(f"f{n + 2}", f"switch_screen('a{n}')", f"a{n}")
                        for n in range(5)]

            def on_mount(self) -> None:
                for n in range(5):
                    self.install_screen(Area(), name=f"a{n}")
                self.push_screen("a0")

        runs: list[float] = []
        app = Bare()
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            seen = KeyToScreen(app)
            for i in range(repeat * 3):
                before = app.screen
                seen.arm(lambda before=before: app.screen is not before)
                await pilot.press(f"f{3 + i % 4}")
                await _settle(pilot, lambda: seen.seen)
                runs.append(seen.elapsed_ms())
        return runs

    found, widgets = asyncio.run(desk())
    bare_ms = _median(asyncio.run(bare()))
    figures = []
    for key in SWITCH_KEYS:
        first, later = found[key]
        figures.append(Figure(t("bench.switch.first", press=key.upper()), first))
        value = _median(later)
        figures.append(Figure(t("bench.switch", press=key.upper()), value, goal=2 * bare_ms,
                              reference=bare_ms))
        figures.append(_ratio(value, bare_ms))
    figures.append(Figure(t("bench.switch.bare"), bare_ms))
    figures.append(Figure(t("bench.switch.widgets"), widgets, ""))
    return figures


# ------------------------------------------------------------------ the 1M list
def _list(ctx: BenchContext) -> list[Figure]:
    from deskapp.bench.record_list import BenchContactSource, _build
    from deskapp.db.engine import Database
    from deskapp.services.listing import ListQuery

    rows = ctx.scale(1_000_000, 20_000)
    path = ctx.tmp / f"desk_list_{rows}.sqlite3"
    figures = []
    if not path.exists():
        start = time.perf_counter()
        _build(path, rows)
        figures.append(Figure(t("bench.build_list", rows=f"{rows:,}"),
                              (time.perf_counter() - start) * 1000))
    db = Database(f"sqlite:///{path}")
    source = BenchContactSource()
    label_rows = f"{rows:,}"
    try:
        figures += _cursor(db, label_rows, rows)
        raw = sqlite3.connect(path)
        for text in ("王", "漏水"):
            runs, floor = [], []
            for _ in range(3 if ctx.quick else 5):
                start = time.perf_counter()
                with db.read() as session:
                    source.count(session, ListQuery(search=text))
                runs.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                raw.execute("SELECT count(*) FROM bench_contact WHERE name LIKE ? OR phone LIKE ?"
                            " OR unit_code LIKE ? OR note LIKE ?", (f"%{text}%",) * 4).fetchone()
                floor.append((time.perf_counter() - start) * 1000)
            value, ref = _median(runs), _median(floor)
            figures.append(Figure(t("bench.search_count", text=text, rows=label_rows), value,
                                  goal=50, reference=ref))
            figures.append(Figure(t("bench.search_floor", text=text), ref))
            figures.append(_ratio(value, ref))
        raw.close()
    finally:
        db.dispose()
    return figures


def _cursor(db: Any, label_rows: str, rows: int) -> list[Figure]:
    """Down and PageDown in a RecordList over every row, from the middle of the list, timed
    key → screen (:mod:`deskapp.bench.seen`): until the update that shows the cursor on
    its row with the row's data. The reference is a bare Textual ``DataTable`` (2,000 rows,
    all in memory) with the same keys and the same instrument, in the same run."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from deskapp.bench.record_list import BenchContactSource
    from deskapp.bench.seen import KeyToScreen
    from deskapp.tui.widgets.record_list import RecordList

    presses = 25

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield RecordList(BenchContactSource(), db.read)

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("created", "name", "unit", "phone", "note")
            table.add_rows((f"2024-01-01 08:{i % 60:02d}", "王小明", "3-2-1201",
                            "138****5678", "卫生间漏水的问题已报修") for i in range(2000))
            table.move_cursor(row=200)  # 25 Down + 25 PageDown stay inside
            table.focus()

    async def desk() -> dict[str, list[float]]:
        app = Host()
        times: dict[str, list[float]] = {"down": [], "pagedown": []}
        async with app.run_test(size=(160, 45)) as pilot:
            table = app.query_one(RecordList).table
            await _settle(pilot, lambda: table.ready)
            table.focus()
            table.move_cursor(rows // 2)
            await _settle(pilot, lambda: table.ready)
            seen = KeyToScreen(app)
            for key in ("down", "pagedown"):
                for _ in range(presses):
                    target = table.cursor
                    seen.arm(lambda target=target: table.cursor != target and table.ready)
                    await pilot.press(key)
                    await _settle(pilot, lambda: seen.seen)
                    times[key].append(seen.elapsed_ms())
        return times

    async def bare() -> dict[str, list[float]]:
        app = Bare()
        times: dict[str, list[float]] = {"down": [], "pagedown": []}
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            table = app.query_one(DataTable)
            seen = KeyToScreen(app)
            for key in ("down", "pagedown"):
                for _ in range(presses):
                    target = table.cursor_row
                    seen.arm(lambda target=target: table.cursor_row != target)
                    await pilot.press(key)
                    await _settle(pilot, lambda: seen.seen)
                    times[key].append(seen.elapsed_ms())
        return times

    times = asyncio.run(desk())
    reference = asyncio.run(bare())
    figures = []
    for key, runs in times.items():
        value, ref = _median(runs), _median(reference[key])
        figures.append(Figure(t("bench.cursor", press=key, rows=label_rows), value, goal=20,
                              reference=ref))
        figures.append(Figure(t("bench.cursor.max", press=key), max(runs)))
        figures.append(Figure(t("bench.cursor.bare", press=key), ref))
        figures.append(_ratio(value, ref))
    return figures


# ------------------------------------------------------------------ demo build
def _demo(ctx: BenchContext) -> list[Figure]:
    from deskapp.db import migrate
    from deskapp.db.engine import Database
    from deskapp.services.demo import build_demo

    path = ctx.tmp / f"demo-{uuid.uuid4().hex[:6]}.sqlite3"
    start = time.perf_counter()
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db.engine, backup=False)
    with db.write() as session:
        build_demo(session, seed=1, activity=True)
    ms = (time.perf_counter() - start) * 1000
    db.dispose()
    for leftover in ctx.tmp.glob(f"{path.name}*"):
        leftover.unlink()
    return [Figure(t("bench.demo"), ms, goal=8000)]


def run(ctx: BenchContext) -> list[Figure]:
    figures: list[Figure] = []
    parts: list[Any] = []
    if tmux.available():
        parts.append(_launch)
        parts.append(lambda c: [Figure(t("bench.rss"), _rss_after_login(
            c, c.receptionist.login, c.receptionist.name), "MB", goal=100)])
    else:
        figures.append(Figure(t("bench.no_tmux"), 0, ""))
    parts += [_switch, _list, _demo]
    for part in parts:
        try:
            figures += part(ctx)
        except Exception as err:  # noqa: BLE001 — one figure's failure must not hide the rest
            figures.append(Figure(t("bench.failed", error=f"{type(err).__name__}: {err}"), 0, ""))
    return figures
