"""Customer (F11): the card of a unit that was sold, the unit's incidents, a unit's access
cards."""

from __future__ import annotations

from sqlalchemy import func, select
from textual.pilot import Pilot

from deskapp.db.models import Unit
from deskapp.db.models.cards import AccessCard
from deskapp.db.models.customer import OwnershipTransfer
from deskapp.tui.screens.customer import CustomerScreen
from deskapp.tui.screens.customer_cards import CardsScreen
from deskapp.tui.shots.common import Shots


async def card(pilot: Pilot) -> None:
    """A demo unit that was sold: its people current and past, the sale on the card."""
    app = pilot.app
    with app.db.read() as session:  # type: ignore[attr-defined]
        unit_id = session.execute(select(OwnershipTransfer.unit_id)
                                  .order_by(OwnershipTransfer.id)).scalars().first()
    if unit_id is not None and isinstance(app.screen, CustomerScreen):
        app.screen.show_unit(unit_id)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def incidents(pilot: Pilot) -> None:
    app = pilot.app
    if isinstance(app.screen, CustomerScreen):
        app.screen.action_incidents()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def cards(pilot: Pilot) -> None:
    """The access cards of the demo unit with the most cards (a replaced one among them)."""
    app = pilot.app
    with app.db.read() as session:  # type: ignore[attr-defined]
        row = session.execute(
            select(AccessCard.unit_id, Unit.code).join(Unit, Unit.id == AccessCard.unit_id)
            .group_by(AccessCard.unit_id, Unit.code)
            .order_by(func.count(AccessCard.replaces_id).desc(), func.count().desc(),
                      AccessCard.unit_id)).first()
    if row is not None:
        app.push_screen(CardsScreen(row[0], row[1]))
    await app.workers.wait_for_complete()
    await pilot.pause()


SHOTS: Shots = [("card", card), ("incidents", incidents), ("cards", cards)]
