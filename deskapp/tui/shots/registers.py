"""Registers (F7): each register's tab, the goods-pass form saved, the visitors' history."""

from __future__ import annotations

from textual.pilot import Pilot

from deskapp.db.models import OccupantKind
from deskapp.services import units
from deskapp.tui.screens.registers import NewRecordForm, RegistersScreen
from deskapp.tui.shots.common import Scenario, Shots
from deskapp.tui.widgets.unit_picker import PickedUnit


def _tab(key: str, *, history: bool = False) -> Scenario:
    async def go(pilot: Pilot) -> None:
        screen = pilot.app.screen
        if isinstance(screen, RegistersScreen):
            screen.action_tab(key)
            await pilot.pause(0.3)
            if history:
                screen.action_history()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.3)

    return go


async def goods_form(pilot: Pilot) -> None:
    screen = pilot.app.screen
    if not isinstance(screen, RegistersScreen):
        return
    screen.start_new("goods")
    await pilot.pause(0.3)
    form = pilot.app.screen
    if not isinstance(form, NewRecordForm):
        return
    with pilot.app.db.read() as session:  # type: ignore[attr-defined]
        hits = units.search_units(session, "1-1-302", limit=1)
    if hits:
        form.widget("unit").set_picked(PickedUnit(hits[0]))
        await pilot.pause(0.2)
    form.widget("applicant").value = "李四"
    form.widget("applicant_kind").value = OccupantKind.TENANT.value
    form.widget("applicant_phone").value = "13912345678"
    form.widget("items").value = "冰箱 1台、纸箱 5箱"
    form.action_save()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)


SHOTS: Shots = [
    ("keys", _tab("keys")),
    ("lending", _tab("lending")),
    ("parcels", _tab("parcels")),
    ("lost", _tab("lost")),
    ("goods", _tab("goods")),
    ("goods-form", goods_form),
    ("visitors-history", _tab("visitors", history=True)),
]
