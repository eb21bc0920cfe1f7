"""Crash drill: a desk process saves records in a loop — payments, contacts, work orders —
and reports each one only after its commit has returned; it is killed with SIGKILL at
random moments, again and again (a pulled plug, a killed terminal).

Afterwards the SQLite file passes ``PRAGMA integrity_check``, the audit chain holds,
every reported record is in the database with the number the desk was given, receipt and
work-order numbers run 1…n without a gap, and the payment that was in flight at a kill,
sent again with its request id, is never paid twice.

The desk processes are forked from a forkserver that has imported the app once (started
clean, without the test's connections): a restart costs milliseconds instead of a full
import, so the drill can afford many kills.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlmodel import select

from deskapp.db.engine import Database
from deskapp.db.models import Staff
from deskapp.db.models.cashier import Bill, BillStatus, Receipt, ReceiptLine
from tests.drills.drillsite import (
    FEE,
    as_user,
    build_site,
    contact,
    contiguous,
    ledger,
    make_people,
    new_request_id,
    pay,
    work_order,
    work_order_seqs,
)

KILLS = int(os.environ.get("DESKAPP_DRILL_KILLS", "15"))
SEED = 20261130


def _line(fd: int, *parts: object) -> None:
    """One report line, written straight to the kernel (survives the process's death)."""
    os.write(fd, (" ".join(str(p) for p in parts) + "\n").encode())


def _pending(report: Path) -> tuple[str, int, int, int] | None:
    """The payment sent but not reported as done by the last run, if any."""
    sent: dict[str, tuple[str, int, int, int]] = {}
    for line in report.read_text().splitlines():
        parts = line.split()
        if parts[0] == "P":
            sent[parts[1]] = (parts[1], int(parts[2]), int(parts[3]), int(parts[4]))
        elif parts[0] in ("R", "X"):
            sent.pop(parts[1], None)
    return next(iter(sent.values()), None)


def desk_loop(url: str, staff_id: int, unit_ids: list[int], report_path: str, run: int) -> None:
    """Save records until killed. Lines: ``P rid bill unit amount`` before a payment's
    transaction, ``R rid receipt_id number`` after its commit, ``C id`` / ``W id number``
    after a contact's / work order's commit, ``E message`` for an error."""
    from deskapp.i18n import set_language

    entered = time.perf_counter()
    set_language("zh")
    rng = random.Random(SEED + run)
    fd = os.open(report_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    db = Database(url)
    with db.read() as s:
        staff = s.get(Staff, staff_id)
    pending = _pending(Path(report_path))
    if pending is not None:  # the desk re-sends what it was doing when it was killed
        rid, bill_id, unit_id, amount = pending
        out = as_user(db, lambda s: pay(s, staff, (bill_id, unit_id, amount), rid))
        if out.ok:
            _line(fd, "R", rid, out.value[0], out.value[1], "resent")
        else:
            _line(fd, "X", rid, out.key or "unexpected")
    with db.read() as s:
        bills = [(b.id, b.unit_id, b.amount_fen) for b in s.exec(
            select(Bill).where(Bill.status == BillStatus.OPEN, Bill.fee_code == FEE)
            .order_by(Bill.id))]
    _line(fd, "READY", run, f"{time.perf_counter() - entered:.3f}")
    i = 0
    while True:
        i += 1
        kind = rng.choice(("pay", "pay", "contact", "work_order")) if bills else \
            rng.choice(("contact", "work_order"))
        unit_id = rng.choice(unit_ids)
        if kind == "pay":
            bill, rid = bills.pop(0), new_request_id()
            _line(fd, "P", rid, *bill)
            out = as_user(db, lambda s, b=bill, r=rid: pay(s, staff, b, r))
            if out.ok:
                _line(fd, "R", rid, out.value[0], out.value[1])
        elif kind == "contact":
            out = as_user(db, lambda s, u=unit_id, m=f"r{run}-{i}": contact(s, staff, u, m))
            if out.ok:
                _line(fd, "C", out.value)
        else:
            out = as_user(db, lambda s, u=unit_id, m=f"r{run}-{i}": work_order(s, staff, u, m))
            if out.ok:
                _line(fd, "W", out.value[0], out.value[1])
        if not out.ok:
            if kind == "pay":
                _line(fd, "X", rid, out.key or "unexpected")
            _line(fd, "E", (out.desk_error or out.unexpected).replace("\n", " ")[:300])


def _wait_ready(report: Path, run: int, proc: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    marker = f"READY {run} "
    while time.monotonic() < deadline:
        if report.exists() and marker in report.read_text():
            return
        if not proc.is_alive():
            raise AssertionError(f"desk process of run {run} died before it was ready")
        time.sleep(0.02)
    raise AssertionError(f"desk process of run {run} not ready after {timeout} s")


def test_killed_desk_loses_nothing_it_reported(db: Database, tmp_path: Path) -> None:
    people = make_people(db, desks=1)
    desk = people.desks[0]
    site = build_site(db, boss=people.boss, desks=[desk], cs=people.cs, bills_per_desk=300)
    path = Path(db.engine.url.database or "")
    db.dispose()  # the parent holds no connection while desks are killed
    report = tmp_path / "report.txt"
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    rng = random.Random(SEED)
    began = time.perf_counter()
    kills = 0
    startup: list[float] = []
    for run in range(KILLS):
        proc = ctx.Process(target=desk_loop, args=(site.url, desk.id, site.unit_ids,
                                                   str(report), run))
        started = time.perf_counter()
        proc.start()
        _wait_ready(report, run, proc)
        startup.append(time.perf_counter() - started)
        time.sleep(rng.uniform(0.05, 0.9))
        os.kill(proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
        proc.join(30)
        assert proc.exitcode == -signal.SIGKILL, f"run {run}: exit code {proc.exitcode}"
        kills += 1
    elapsed = time.perf_counter() - began

    # The file as SQLite sees it after the kills (a fresh connection recovers the WAL).
    with sqlite3.connect(path) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
    lines = [line.split() for line in report.read_text().splitlines()]
    reported_receipts = {p[1]: (int(p[2]), p[3]) for p in lines if p[0] == "R"}
    reported_contacts = {int(p[1]) for p in lines if p[0] == "C"}
    reported_orders = {int(p[1]): p[2] for p in lines if p[0] == "W"}
    errors = [" ".join(p[1:]) for p in lines if p[0] in ("E", "X")]
    resent = sum(1 for p in lines if p[0] == "R" and p[-1] == "resent")

    # The last run's payment in flight, sent again now: at most one receipt for it.
    pending = _pending(report)
    if pending is not None:
        rid, bill_id, unit_id, amount = pending
        with db.read() as s:
            staff = s.get(Staff, desk.id)
        out = as_user(db, lambda s: pay(s, staff, (bill_id, unit_id, amount), rid))
        assert out.ok, out
        reported_receipts[rid] = (out.value[0], out.value[1])
        resent += 1
    after = ledger(db)
    with db.read() as s:
        paid_lines = s.exec(select(ReceiptLine.bill_id)).all()
        paid_bills = s.exec(select(Bill.id).where(Bill.status == BillStatus.PAID)).all()
        per_request = s.exec(select(Receipt.request_id)).all()
    rows = len(after.receipts) + len(after.contacts) + len(after.work_orders)
    figures = (f"crash drill: {kills} SIGKILLs in {elapsed:.1f} s; reported "
               f"{len(reported_receipts)} payments ({resent} re-sent after a kill), "
               f"{len(reported_contacts)} contacts, {len(reported_orders)} work orders; "
               f"rows checked: {rows} records, {after.audit_entries} audit entries; "
               f"integrity_check: {integrity[0][0]}")
    print(figures)
    print("desk start-up times (s):", " ".join(f"{x:.2f}" for x in startup),
          "| ready after entry:", " ".join(p[2] for p in lines if p[0] == "READY"))

    assert integrity == [("ok",)], figures
    assert errors == [], f"{errors[:5]}\n{figures}"
    assert after.audit_ok, f"audit chain broken at {after.audit_reason}\n{figures}"
    assert len(reported_receipts) + len(reported_contacts) + len(reported_orders) > KILLS, \
        f"too few records saved to mean anything\n{figures}"
    # Every reported record is there, with the number the desk was given.
    for rid, (receipt_id, number) in reported_receipts.items():
        assert after.receipts.get(receipt_id, ("", "", 0))[:2] == (number, rid), \
            f"receipt {number} ({rid}) lost\n{figures}"
    assert reported_contacts <= after.contacts, figures
    for order_id, number in reported_orders.items():
        assert after.work_orders.get(order_id) == number, f"work order {number} lost\n{figures}"
    # A kill between commit and report can leave at most one unreported record per kill.
    assert rows - len(reported_receipts) - len(reported_contacts) - len(reported_orders) \
        <= kills, figures
    # Numbers: 1…n, no duplicate, no gap.
    assert contiguous([seq for _, _, seq in after.receipts.values()]), figures
    for day, seqs in work_order_seqs(list(after.work_orders.values())).items():
        assert contiguous(seqs), f"{day}: {sorted(seqs)}\n{figures}"
    # No bill paid twice, no request paid twice.
    assert sorted(paid_lines) == sorted(paid_bills), figures
    assert len(set(paid_lines)) == len(paid_lines), figures
    assert len(set(per_request)) == len(per_request), figures
