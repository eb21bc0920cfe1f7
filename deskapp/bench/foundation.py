"""Foundation figures: launch to the first screen, unit-picker search at scale."""

from __future__ import annotations

import asyncio
import time

from sqlmodel import select

from deskapp.bench import BenchContext, Figure, measure
from deskapp.db.models import Occupant, Unit
from deskapp.services import units


def _launch_ms(ctx: BenchContext) -> float:
    from deskapp.config import Settings
    from deskapp.tui.app import DeskApp
    from deskapp.tui.screens.login import LoginScreen

    async def run() -> float:
        start = time.perf_counter()
        app = DeskApp(settings=Settings(db_url=ctx.db.url, idle_lock_seconds=0), db=ctx.db)
        async with app.run_test(size=(160, 45)) as pilot:
            while not isinstance(app.screen, LoginScreen):
                await pilot.pause(0.005)
            return (time.perf_counter() - start) * 1000

    return asyncio.run(run())


def run(ctx: BenchContext) -> list[Figure]:
    figures = [Figure("launch to login screen (headless)", _launch_ms(ctx))]
    with ctx.db.read() as session:
        n_units = len(ctx.unit_ids)
        sample_unit = session.get(Unit, ctx.unit_ids[len(ctx.unit_ids) // 2])
        occ = session.exec(select(Occupant).where(Occupant.phone != "").limit(1)
                           .offset(n_units // 3)).first()
        assert sample_unit is not None and occ is not None
        queries = [
            (f"room code {sample_unit.code}", sample_unit.code),
            ("room number only", sample_unit.room),
            (f"name {occ.name}", occ.name),
            (f"pinyin initials {occ.initials}", occ.initials),
            ("phone last 4 digits", occ.phone_tail),
            ("one surname character", occ.name[0]),
        ]
        for label, query in queries:
            figures.append(measure(f"unit picker over {n_units:,} units: {label}",
                                   lambda q=query: units.search_units(session, q)))
    return figures
