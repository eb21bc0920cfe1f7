"""Foundation figures: unit-picker search at scale."""

from __future__ import annotations

from sqlmodel import select

from deskapp.bench import BenchContext, Figure, measure
from deskapp.db.models import Occupant, Unit
from deskapp.services import units


def run(ctx: BenchContext) -> list[Figure]:
    # launch to the login form: deskapp.bench.desk (a real process, the form drawn)
    figures: list[Figure] = []
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
