"""Demo access and lift cards (issue #20 part 4): cards issued over the last year to the
people living in about a third of the units, a few lost cards replaced (the fee billed to
the unit, some paid later at the cashier), a few returned — through the services, at the
times they would have happened. It runs before the customer file's demo moves tenants
out and records sales, so those cancel the leavers' cards as they do at the desk."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Occupant
from deskapp.errors import DeskError
from deskapp.services.customer import cards
from deskapp.services.demo import DemoSummary, ensure_fee_standards

ORDER = 115  # after the registers, before the customer file's move-outs and the cashier


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    desk = [summary.staff_member(session, "qiantai1"), summary.staff_member(session, "qiantai2")]
    ensure_fee_standards(session, since=today - timedelta(days=210))
    counts = {"issued": 0, "replaced": 0, "cancelled": 0}
    units = list(summary.occupied_unit_ids)
    issued: list[tuple[int, datetime]] = []
    serial = rng.randrange(100000, 800000)
    for unit_id in sorted(rng.sample(units, len(units) // 3)):
        people = list(session.execute(select(Occupant).where(
            Occupant.unit_id == unit_id, Occupant.active == True)  # noqa: E712
            .order_by(Occupant.id)).scalars())
        for occ in people[:2]:
            kind = rng.choice(("access", "access", "both", "lift"))
            at = datetime.combine(today - timedelta(days=rng.randrange(30, 360)),
                                  time(rng.randrange(9, 17), rng.randrange(60)))
            serial += rng.randrange(1, 40)
            with clock.freeze(at):
                try:
                    card = cards.issue(session, by=rng.choice(desk), occupant_id=occ.id,
                                       kind=kind, number=f"{serial:08d}")
                except DeskError:
                    continue
            issued.append((card.id or 0, at))
            counts["issued"] += 1
    rng.shuffle(issued)
    for card_id, at in issued[:5]:
        when = at + timedelta(days=rng.randrange(5, 25), hours=1)
        if when.date() >= today:
            continue
        serial += rng.randrange(1, 40)
        with clock.freeze(when):
            try:
                cards.replace(session, by=rng.choice(desk), card_id=card_id,
                              new_number=f"{serial:08d}", reason=rng.choice(("lost", "damaged")))
                counts["replaced"] += 1
            except DeskError:
                pass
    for card_id, at in issued[5:8]:
        when = at + timedelta(days=rng.randrange(5, 25), hours=2)
        if when.date() >= today:
            continue
        with clock.freeze(when):
            try:
                cards.cancel(session, by=rng.choice(desk), card_id=card_id, reason="returned",
                             note="住户退卡")
                counts["cancelled"] += 1
            except DeskError:
                pass
    summary.extra.update({f"cards_{k}": v for k, v in counts.items()})
