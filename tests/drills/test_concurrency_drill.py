"""Concurrency drill: several desks (processes) take payments, log contacts and open work
orders at the same moment, on SQLite and on PostgreSQL.

Passes when no unexpected error reached any desk, no receipt or work-order number is
duplicated or skipped, every action a desk was told succeeded is in the database (and
nothing else is), a bill offered at every desk at once is paid exactly once, a payment
re-sent with the same request id returns the first receipt, and the audit chain holds.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from typing import Any

from sqlmodel import select

from deskapp.db.engine import Database
from deskapp.db.models import Staff
from deskapp.db.models.cashier import Bill, BillStatus, ReceiptLine
from tests.drills.drillsite import (
    DrillSite,
    as_user,
    build_site,
    contact_record,
    contiguous,
    ledger,
    make_people,
    new_request_id,
    pay,
    work_order,
    work_order_seqs,
)

OPS_PER_DESK = 20
CONTENDED = 3  # bills every desk tries to pay at the same moment


def desk_process(url: str, staff_id: int, bills: list[tuple[int, int, int]],
                 contended: list[tuple[int, int, int]], unit_ids: list[int], ops: int,
                 seed: int, start: Any, results: Any) -> None:
    """One desk: wait for the start signal, then do ``ops`` actions as fast as it can."""
    from deskapp.i18n import set_language

    set_language("zh")
    rng = random.Random(seed)
    db = Database(url)
    report: dict[str, list[Any]] = {k: [] for k in (
        "payments", "retries", "resent_contacts", "contacts", "work_orders", "contended_ok", "contended_refused",
        "desk_errors", "unexpected", "seconds")}
    try:
        with db.read() as s:
            staff = s.get(Staff, staff_id)
        start.wait(120)
        began = time.perf_counter()
        for bill in contended:  # everyone at once on the same bills
            rid = new_request_id()
            out = as_user(db, lambda s, b=bill, r=rid: pay(s, staff, b, r))
            if out.ok:
                report["contended_ok"].append(bill[0])
            elif out.key:
                report["contended_refused"].append(out.key)
            else:
                report["unexpected"].append(out.unexpected)
        queue = list(bills)
        for i in range(ops):
            kind = rng.choice(("pay", "pay", "contact", "work_order")) if queue else \
                rng.choice(("contact", "work_order"))
            unit_id = rng.choice(unit_ids)
            marker = f"d{staff_id}-{i}"
            if kind == "pay":
                bill, rid = queue.pop(0), new_request_id()
                out = as_user(db, lambda s, b=bill, r=rid: pay(s, staff, b, r, f"desk{staff_id}"))
                if out.ok:
                    report["payments"].append(out.value)
                    if rng.random() < 0.2:  # the answer "got lost": the desk sends it again
                        again = as_user(db, lambda s, b=bill, r=rid: pay(s, staff, b, r))
                        report["retries"].append((out.value, again.value if again.ok else
                                                  again.desk_error or again.unexpected))
            elif kind == "contact":
                rid = new_request_id()
                out = as_user(db, lambda s, u=unit_id, m=marker: contact_record(s, staff, u, m),
                              request_id=rid)
                if out.ok:
                    report["contacts"].append(out.value.id)
                    if rng.random() < 0.2:  # the form's save sent again with its request id
                        again = as_user(db, lambda s, u=unit_id, m=marker: contact_record(
                            s, staff, u, m), request_id=rid)
                        report["resent_contacts"].append((out.value.id, again.value.id
                                                          if again.ok else again.desk_error
                                                          or again.unexpected))
            else:
                out = as_user(db, lambda s, u=unit_id, m=marker: work_order(s, staff, u, m))
                if out.ok:
                    report["work_orders"].append(out.value)
            if not out.ok:
                report["desk_errors" if out.desk_error else "unexpected"].append(
                    out.desk_error or out.unexpected)
        report["seconds"] = [time.perf_counter() - began]
    except Exception as err:  # noqa: BLE001 — the drill reports it
        report["unexpected"].append(f"desk process: {type(err).__name__}: {err}")
    finally:
        db.dispose()
        results.put((staff_id, report))


def run_drill(db: Database, label: str) -> None:
    people = make_people(db, desks=3)
    desks = [*people.desks, people.boss]  # three front desks and the supervisor's office
    site: DrillSite = build_site(db, boss=people.boss, desks=desks, cs=people.cs,
                                 bills_per_desk=OPS_PER_DESK + CONTENDED)
    contended = [site.bills[d.id].pop() for d in desks][:CONTENDED]  # type: ignore[index]
    before = ledger(db)
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=desk_process, args=(
        site.url, d.id, site.bills[d.id], contended, site.unit_ids, OPS_PER_DESK, n, start,  # type: ignore[index]
        results)) for n, d in enumerate(desks)]
    for proc in procs:
        proc.start()
    start.set()
    reports = dict(results.get(timeout=240) for _ in procs)
    for proc in procs:
        proc.join(60)
    elapsed = max(every_seconds for r in reports.values() for every_seconds in r["seconds"])
    after = ledger(db)

    def every(key: str) -> list[Any]:
        return [x for r in reports.values() for x in r[key]]

    payments, contacts, orders = every("payments"), every("contacts"), every("work_orders")
    operations = (len(payments) + len(every("retries")) + len(every("resent_contacts"))
                  + len(contacts) + len(orders)
                  + len(every("contended_ok")) + len(every("contended_refused")))
    new_receipts = {k: v for k, v in after.receipts.items() if k not in before.receipts}
    new_orders = {k: v for k, v in after.work_orders.items() if k not in before.work_orders}
    figures = (f"[{label}] concurrency drill: {len(procs)} desk processes, {operations} "
               f"operations ({len(payments)} payments, {len(every('retries'))} resent, "
               f"{len(contacts)} contacts ({len(every('resent_contacts'))} resent), "
               f"{len(orders)} work orders, "
               f"{len(procs) * len(contended)} contended payments) in {elapsed:.1f} s; "
               f"rows checked: {len(new_receipts)} receipts, {len(new_orders)} work orders, "
               f"{len(after.contacts)} contacts, {after.audit_entries} audit entries")
    print(figures)

    assert every("unexpected") == [], figures
    assert every("desk_errors") == [], figures
    assert [p.exitcode for p in procs] == [0] * len(procs), figures
    # Every payment a desk was told about is there, with its number; nothing else is.
    reported = {rid: (rec_id, number) for rec_id, number, rid in payments}
    contended_receipts = {k: v for k, v in new_receipts.items() if v[1] not in reported}
    assert {k: (v[0], v[1]) for k, v in new_receipts.items() if v[1] in reported} == \
        {rec_id: (number, rid) for rid, (rec_id, number) in reported.items()}, figures
    # A bill offered at every desk at once: paid exactly once, the others told so.
    assert sorted(every("contended_ok")) == sorted(b[0] for b in contended), figures
    assert len(contended_receipts) == len(contended), figures
    assert set(every("contended_refused")) <= {"cashier.pay.already_paid"}, figures
    assert len(every("contended_refused")) == (len(procs) - 1) * len(contended), figures
    # Re-sending a payment with its request id returns the receipt of the first time; a
    # contact form's save sent again returns the contact saved the first time.
    for first, second in every("retries") + every("resent_contacts"):
        assert second == first, figures
    # Receipt numbers: one series, 1…n, no duplicate, no gap.
    assert len(after.receipt_series) == 1, figures
    assert contiguous([seq for _, _, seq in after.receipts.values()]), figures
    assert len({number for number, _, _ in after.receipts.values()}) == len(after.receipts)
    # Work orders: per day 1…n; every reported one is there.
    assert {i: n for i, n in orders} == new_orders, figures
    for day, seqs in work_order_seqs(list(after.work_orders.values())).items():
        assert contiguous(seqs), f"{day}: {sorted(seqs)}\n{figures}"
    assert set(contacts) == after.contacts - before.contacts, figures
    # Each bill paid once; receipts add up to the bills they paid.
    with db.read() as s:
        lines = s.exec(select(ReceiptLine.bill_id)).all()
        paid = s.exec(select(Bill.id).where(Bill.status == BillStatus.PAID)).all()
    assert sorted(lines) == sorted(paid), figures
    assert len(lines) == len(set(lines)), figures
    # The audit log: one entry per action, the chain intact.
    expected_entries = len(new_receipts) + len(contacts) + len(orders)
    assert after.audit_entries - before.audit_entries == expected_entries, figures
    assert after.audit_ok, f"audit chain broken: {after.audit_reason}\n{figures}"


def test_desks_at_once_on_sqlite(db: Database) -> None:
    run_drill(db, "SQLite")


def test_desks_at_once_on_postgresql(fresh_pg: Any) -> None:
    run_drill(fresh_pg(), "PostgreSQL")


def test_a_payment_at_one_desk_shows_at_the_other(any_db: Database) -> None:
    """Two desks (two engines) on one database: what one commits, the other reads."""
    db = any_db
    people = make_people(db, desks=2)
    site = build_site(db, boss=people.boss, desks=people.desks, cs=people.cs, bills_per_desk=1)
    other = Database(db.engine.url.render_as_string(hide_password=False))
    try:
        bill = site.bills[people.desks[0].id][0]  # type: ignore[index]
        out = as_user(db, lambda s: pay(s, people.desks[0], bill, new_request_id()))
        assert out.ok, out
        with other.read() as s:
            assert s.get(Bill, bill[0]).status == BillStatus.PAID  # type: ignore[union-attr]
    finally:
        other.dispose()
