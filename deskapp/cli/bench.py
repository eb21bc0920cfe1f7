"""`deskapp bench`: a large synthetic site and the timings that matter at the desk."""

from __future__ import annotations

import importlib
import tempfile
import time
from pathlib import Path

import typer

from deskapp.cli.base import app, state

# The modules of :mod:`deskapp.bench` with a ``run(ctx)``, in run order — an explicit list.
BENCH_MODULES = ("cashier", "complaints", "desk", "foundation", "launch", "ops", "reception",
                 "record_list", "registers", "renovation", "reports", "survey")


@app.command()
def bench(
    units: int = typer.Option(20_000, help="Units in the synthetic site"),
    years: int = typer.Option(5, help="Years of synthetic activity"),
    quick: bool = typer.Option(False, "--quick", help="Small sizes (a smoke run)"),
    only: str = typer.Option(None, "--only", help="Comma-separated bench modules to run"),
    keep: Path = typer.Option(None, "--keep", help="Build the site in this folder and keep it"),
) -> None:
    """Build a multi-year synthetic site and print timings (benchmarks print figures;
    tests never assert them)."""
    from deskapp.bench import PASSWORD, BenchContext, Figure
    from deskapp.db import migrate
    from deskapp.db.engine import Database
    from deskapp.db.models import Role
    from deskapp.i18n import set_language
    from deskapp.services import site, staff
    from deskapp.services.demo import build_synthetic_site

    set_language(state.lang or "zh")  # labels in Chinese; `deskapp --lang en bench` for English
    if quick:
        units = min(units, 2_000)
    folder = keep or Path(tempfile.mkdtemp(prefix="deskapp-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = Database(f"sqlite:///{folder / 'bench.sqlite3'}")
    migrate.upgrade(db.engine)
    start = time.perf_counter()
    with db.write() as session:
        site.set_up_site(session, name="基准测试小区")
        boss = staff.create_staff(session, by=None, login="boss", name="王主管",
                                  role=Role.SUPERVISOR, password=PASSWORD)
        desk = staff.create_staff(session, by=boss, login="desk", name="张前台",
                                  role=Role.RECEPTIONIST, password=PASSWORD)
        cs = staff.create_staff(session, by=boss, login="cs", name="李专员",
                                role=Role.SPECIALIST, password=PASSWORD)
        build_synthetic_site(session, units=units)
    from sqlmodel import select

    from deskapp.db.models import Unit

    with db.read() as session:
        unit_ids = list(session.exec(select(Unit.id).order_by(Unit.id)).all())
    build_ms = (time.perf_counter() - start) * 1000
    ctx = BenchContext(db=db, tmp=folder, supervisor=boss, receptionist=desk, specialist=cs,
                       unit_ids=unit_ids, years=years, quick=quick)
    from deskapp.i18n import t

    typer.echo(t("bench.title", units=f"{len(unit_ids):,}", years=years,
                 quick=t("bench.quick") if quick else "", folder=folder))
    typer.echo(str(Figure(t("bench.build_site", units=f"{len(unit_ids):,}"), build_ms)))
    goals: list[Figure] = []
    wanted = {w.strip() for w in only.split(",")} if only else None
    for name in BENCH_MODULES:
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"deskapp.bench.{name}")
        fn = getattr(module, "run", None)
        if fn is None:
            continue
        typer.echo(f"\n[{name}]")
        try:
            for figure in fn(ctx):
                typer.echo(str(figure))
                if figure.goal is not None:
                    goals.append(figure)
        except Exception as err:  # noqa: BLE001 — one area's failure must not hide the rest
            typer.echo(t("bench.failed", error=f"{type(err).__name__}: {err}"))
    if goals:
        typer.echo(f"\n[{t('bench.goals')}]")
        for figure in goals:
            typer.echo(str(figure))
    db.dispose()


@app.command()
def screenshots(out: Path = typer.Option(Path("screenshots"), "--out")) -> None:
    """Write an SVG of every main screen (demo data, Chinese) into screenshots/."""
    from deskapp.tui.screenshots import main as write

    for path in write(str(out)):
        typer.echo(str(path))
