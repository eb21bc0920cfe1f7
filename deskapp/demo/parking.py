"""Demo activity of parking (issue #20 part 3): the underground spaces (rented, owned by
units, visitor), monthly passes issued over the last months — a few ending in the next
weeks (the handover's reminder), some renewed, two ended early, one plate changed — all
through the services at the times they would have happened. Runs before the cashier's
demo, whose monthly bills then include these passes."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind
from deskapp.errors import DeskError
from deskapp.services.customer import parking, parking_spaces
from deskapp.services.demo import DemoSummary, ensure_fee_standards, random_mobile, random_name
from deskapp.validators import PLATE_PROVINCES

ORDER = 125  # after the customer file, before the cashier (its bills take these passes)
MONTHS_BACK = 6
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def _month_start(day: date, back: int) -> date:
    year, month = day.year, day.month - back
    while month <= 0:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def random_plate(rng: random.Random) -> str:
    """Mostly 豫C (Luoyang), some other provinces; one in five new-energy."""
    province = "豫" if rng.random() < 0.8 else rng.choice(PLATE_PROVINCES)
    office = "C" if province == "豫" and rng.random() < 0.7 else rng.choice("ABCDEFGH")
    if rng.random() < 0.2:
        return f"{province}{office}{rng.choice('DF')}{rng.choice(_LETTERS)}" \
               f"{rng.randrange(10000):04d}"
    tail = "".join(rng.choice(_LETTERS + "0123456789") for _ in range(2))
    return f"{province}{office}{rng.randrange(1000):03d}{tail}"


def seed(session: Session, *, rng: random.Random, today: date, summary: DemoSummary) -> None:
    boss = summary.staff_member(session, "zhuguan")
    desk = [summary.staff_member(session, "qiantai1"), summary.staff_member(session, "qiantai2")]
    oldest = _month_start(today, MONTHS_BACK)
    ensure_fee_standards(session, since=oldest)
    counts = {"spaces": 0, "passes": 0, "renewed": 0, "ended": 0}
    occupied_set = set(summary.occupied_unit_ids)
    owners = [o for o in session.execute(select(Occupant).where(
        Occupant.kind == OccupantKind.OWNER, Occupant.active == True)  # noqa: E712
        .order_by(Occupant.id)).scalars() if o.unit_id in occupied_set]
    owners = rng.sample(owners, min(12, len(owners)))

    with clock.freeze(datetime.combine(oldest - timedelta(days=3), time(9, 0))):
        for n in range(1, 41):
            parking_spaces.add_space(session, by=boss, number=f"B1-{n:03d}", kind="rented",
                              zone="A区" if n <= 20 else "B区", floor="B1")
        for n, owner in enumerate(owners, start=1):
            parking_spaces.add_space(session, by=boss, number=f"B2-{n:03d}", kind="owned",
                              zone="C区", floor="B2", owner_unit_id=owner.unit_id)
        for n in range(1, 9):
            parking_spaces.add_space(session, by=boss, number=f"V-{n:02d}", kind="visitor",
                              zone="地面", floor="1")
        counts["spaces"] = 40 + len(owners) + 8

    plans: list[tuple[str, int, date, int, str]] = []  # space, unit, start, months, holder
    occupied = list(summary.occupied_unit_ids)
    for n, unit_id in enumerate(rng.sample(occupied, min(30, len(occupied))), start=1):
        if n <= 5:  # three-month passes running out in the next weeks (the handover's list)
            start, months = today + timedelta(days=rng.randrange(3, 28) - 91), 3
        else:
            start = oldest + timedelta(days=rng.choice((0, 0, 0, 9, 14)) + 30 * rng.randrange(4))
            months = rng.choice((3, 6, 6, 12, 12))
        plans.append((f"B1-{n:03d}", unit_id, start, months, random_name(rng)[0]))
    for n, owner in enumerate(owners, start=1):
        plans.append((f"B2-{n:03d}", owner.unit_id, oldest, 12, owner.name))
    issued = []
    for space, unit_id, start, months, holder in plans:
        if start > today:
            continue
        with clock.freeze(datetime.combine(start, time(9, rng.randrange(60)))):
            try:
                lease = parking.issue_pass(session, by=rng.choice(desk), space=space,
                                           unit_id=unit_id, plate=random_plate(rng),
                                           start_date=start, months=months, holder=holder,
                                           holder_phone=random_mobile(rng))
            except DeskError:
                continue
        issued.append(lease)
        counts["passes"] += 1
    # passes that ran out were mostly renewed at the desk
    for lease in issued[5:]:
        if lease.end_date and lease.end_date < today and rng.random() < 0.8:
            with clock.freeze(datetime.combine(lease.end_date - timedelta(days=2), time(10))):
                try:
                    parking.renew_pass(session, by=rng.choice(desk), lease_id=lease.id or 0,
                                       months=rng.choice((3, 6, 12)))
                    counts["renewed"] += 1
                except DeskError:
                    pass
    for lease, reason in zip(issued[6:8], ("业主搬离，退租车位", "车辆已出售"), strict=False):
        end = max(lease.start_date, today - timedelta(days=rng.randrange(5, 20)))
        with clock.freeze(datetime.combine(end, time(16))):
            try:
                parking.end_pass(session, by=rng.choice(desk), lease_id=lease.id or 0,
                                 end_date=end, reason=reason)
                counts["ended"] += 1
            except DeskError:
                pass
    if len(issued) > 9:
        with clock.freeze(datetime.combine(today - timedelta(days=3), time(11))):
            try:
                parking.amend_pass(session, by=desk[0], lease_id=issued[9].id or 0,
                                   plate=random_plate(rng), reason="业主换车，更换车牌")
            except DeskError:
                pass
    session.flush()
    summary.extra.update({f"parking_{k}": v for k, v in counts.items()})
