"""Operations benchmark: backup and restore of the benchmark site, and the audit log at
years of scale — verifying the chain, the month's operations figures, one reveal.

Five years of a desk writing ~300 audit entries a day is ~550,000 entries; they are
bulk-inserted (hashes chained exactly as :func:`deskapp.services.audit.record` does) into
a scratch database under ``ctx.tmp``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import insert, select

from deskapp.bench import BenchContext, Figure, measure, timed
from deskapp.db import migrate
from deskapp.db.engine import Database
from deskapp.db.models import AuditEntry, Counter, Occupant
from deskapp.services import audit, backup, ops, reveal

ACTIONS = ("contact.create", "cashier.receipt.issue", "workorder.create", "complaint.create",
           "visitor.in", "visitor.out", "parcel.receive", reveal.ACTION, "ops.backup")


def _audit_log(db: Database, n: int, years: int) -> None:
    """``n`` chained entries spread over ``years`` years, written in batches."""
    rng = random.Random(5)
    start = datetime(2026 - years, 1, 1, 8, 0)
    step = timedelta(days=365 * years) / max(n, 1)
    prev, batch = audit.GENESIS, []
    key = audit.ensure_key()
    with db.write() as session:
        for seq in range(1, n + 1):
            row = {"seq": seq, "at": (start + step * seq).replace(microsecond=0),
                   "staff_id": None, "action": rng.choice(ACTIONS), "entity": "contact",
                   "entity_id": str(seq), "detail": '{"unit": "3-1-1201"}', "prev_hash": prev}
            row["hash"] = prev = (  # as record() does: keyed after the key's switch-over
                audit._keyed(key.key, *row.values()) if seq > key.since_seq
                else audit._digest(SimpleNamespace(**row)))  # type: ignore[arg-type]
            batch.append(row)
            if len(batch) == 5000:
                session.execute(insert(AuditEntry), batch)
                batch = []
        if batch:
            session.execute(insert(AuditEntry), batch)
        session.merge(Counter(series="audit", value=n))


def run(ctx: BenchContext) -> list[Figure]:
    figures: list[Figure] = []
    n = ctx.scale(550_000, 5_000)
    scratch = Database(f"sqlite:///{ctx.tmp / 'ops-audit.sqlite3'}")
    migrate.upgrade(scratch.engine, backup=False)
    with timed(figures, f"audit log: insert {n:,} chained entries ({ctx.years} years)"):
        _audit_log(scratch, n, ctx.years)
    with scratch.read() as s:
        figures.append(measure(f"audit verify: {n:,} entries", lambda: audit.verify(s), repeat=1))
        figures.append(measure("ops monthly summary (one month of the log)",
                               lambda: ops.monthly_summary(s, year=2025, month=6)))
    scratch.dispose()

    with ctx.db.read() as s:
        occupant_id = s.execute(select(Occupant.id).where(Occupant.phone != "")).scalar()
    if occupant_id is not None:
        def one_reveal() -> None:
            with ctx.db.write() as s:
                reveal.reveal(s, by=ctx.receptionist, table="occupant", record_id=occupant_id,
                              column="phone", reason="基准测试")
        figures.append(measure("reveal one phone (write + audit)", one_reveal))

    copies = ctx.tmp / "ops-backups"
    if ctx.db.is_sqlite:
        result = backup.take_backup(ctx.db, directory=copies, keep=2)
        figures.append(measure(f"backup of the bench site ({result.rows:,} rows, "
                               f"{result.size / 1e6:,.0f} MB) incl. integrity check",
                               lambda: backup.take_backup(ctx.db, directory=copies, keep=2),
                               repeat=1))
        figures.append(Figure("backup size", result.size / 1e6, "MB"))
        target = ctx.tmp / "ops-restored.sqlite3"
        with timed(figures, "restore of that backup incl. row and audit-chain check"):
            backup.restore(result.path, url=f"sqlite:///{target}")
    return figures
