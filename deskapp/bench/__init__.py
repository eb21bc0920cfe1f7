"""`deskapp bench`: builds a large synthetic site and prints timings.

Each module of this package may define ``run(ctx: BenchContext) -> list[Figure]``; the
command builds the site once (``ctx.db``: 20,000 units with occupants, demo staff) and calls
every module in name order. A module adds its own multi-year activity to ``ctx.db`` (or its
own scratch database under ``ctx.tmp``) and returns what it measured. Benchmarks print
figures; tests never assert them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from deskapp.db.engine import Database
from deskapp.db.models import Staff

PASSWORD = "bench123"
"""Every bench staff member's password (the desk bench types it into the login form)."""


@dataclass(frozen=True)
class Figure:
    label: str
    value: float
    unit: str = "ms"
    goal: float | None = None
    """Issue #17's goal for this figure (same unit), printed beside it and in the summary."""
    reference: float | None = None
    """The reference measured in the same run (bare Textual, raw sqlite3), same unit: a
    figure with a goal prints it and the ratio beside the goal."""

    def __str__(self) -> str:
        from rich.cells import cell_len

        from deskapp.i18n import t

        if self.unit == "×":
            value = f"{self.value:,.2f}" if self.value >= 0.1 else f"{self.value:.3f}"
        elif self.unit == "ms":
            value = f"{self.value:,.1f}"
        else:
            value = f"{self.value:,.0f}"
        pad = " " * max(1, 64 - cell_len(self.label))
        line = f"{self.label}{pad}{value:>12} {self.unit}"
        if self.goal is not None:
            verdict = t("bench.goal.ok") if self.met else t("bench.goal.over")
            line += f"   {t('bench.goal', goal=f'{self.goal:,.0f} {self.unit}')} {verdict}"
            if self.reference:
                ratio = f"{self.value / self.reference:,.2f}"
                line += "   " + t("bench.goal.reference",
                                  ref=f"{self.reference:,.1f} {self.unit}", ratio=ratio)
            else:
                line += "   " + t("bench.goal.no_reference")
        return line

    @property
    def met(self) -> bool:
        return self.goal is not None and self.value <= self.goal


@dataclass
class BenchContext:
    db: Database
    tmp: Path
    supervisor: Staff
    receptionist: Staff
    specialist: Staff
    unit_ids: list[int]
    years: int = 5
    quick: bool = False  # smaller sizes (CI smoke run)
    figures: list[Figure] = field(default_factory=list)

    def scale(self, full: int, quick: int) -> int:
        return quick if self.quick else full


@contextmanager
def timed(into: list[Figure], label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into.append(Figure(label, (time.perf_counter() - start) * 1000))


def measure(label: str, fn: Callable[[], object], *, repeat: int = 5,
            goal: float | None = None) -> Figure:
    """Median of ``repeat`` runs of ``fn`` in milliseconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    runs.sort()
    return Figure(label, runs[len(runs) // 2], goal=goal)
