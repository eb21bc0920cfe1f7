"""Write an SVG of every main screen into ``screenshots/`` from the demo data, in Chinese.

    deskapp screenshots            (or: python -m deskapp.tui.screenshots)

Every area's main screen is also written at 80×24 (``NN-area-80x24.svg``).

Beside the main screen, each area's scenarios in ``deskapp.tui.shots`` (one module per
area, listed in ``shots.BY_AREA``) are captured: a coroutine takes the Pilot and brings the
screen into the state to capture (a form filled in, a record opened …).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from textual.pilot import Pilot

from deskapp import clock
from deskapp.config import Settings
from deskapp.db import migrate
from deskapp.db.engine import Database
from deskapp.i18n import set_language
from deskapp.tui import areas, shots
from deskapp.tui.shots import Scenario

SIZE = (160, 45)
NARROW = (80, 24)  # an SSH session: every main screen is also shot at this size
_settle = shots.settle


async def _capture(db: Database, out: Path, name: str, login: str | None,
                   prepare: Scenario | None, size: tuple[int, int] = SIZE) -> Path:
    from deskapp.tui.app import DeskApp

    app = DeskApp(settings=Settings(db_url=db.url, language="zh", desk="前台1",
                                    idle_lock_seconds=0), db=db, login=login)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        if prepare is not None:
            await prepare(pilot)
            await _settle(pilot)
        await pilot.pause(0.2)
        path = out / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(out))
    return path


def _area_scenario(key: str, extra: Scenario | None = None) -> Scenario:
    async def go(pilot: Pilot) -> None:
        pilot.app.action_area(key)  # type: ignore[attr-defined]
        await _settle(pilot)
        if extra is not None:
            await extra(pilot)

    return go


async def write_all(out: Path, *, db_url: str | None = None) -> list[Path]:
    from deskapp.services.demo import build_demo

    set_language("zh")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="deskapp-shots-"))
    db = Database(db_url or f"sqlite:///{tmp / 'demo.sqlite3'}")
    migrate.upgrade(db.engine)
    with db.write() as session:
        build_demo(session, seed=1)
    written = [await _capture(db, out, "00-login", None, None)]
    for n, area in enumerate(areas.AREAS, start=1):
        login = "zhuguan"
        scenarios: list[tuple[str, Scenario | None]] = [("", None), *shots.for_area(area.key)]
        for suffix, extra in scenarios:
            name = f"{n:02d}-{area.key}" + (f"-{suffix}" if suffix else "")
            written.append(await _capture(db, out, name, login, _area_scenario(area.key, extra)))
    for n, area in enumerate(areas.AREAS, start=1):
        name = f"{n:02d}-{area.key}-80x24"
        written.append(await _capture(db, out, name, "zhuguan", _area_scenario(area.key),
                                      NARROW))
    db.dispose()
    return written


def main(out: str = "screenshots") -> list[Path]:
    clock.set_timezone("Asia/Shanghai")
    return asyncio.run(write_all(Path(out)))


if __name__ == "__main__":
    for p in main():
        print(p)
