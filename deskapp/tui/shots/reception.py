"""Reception (F2): a contact form filled in, a work order, the handover."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from deskapp.tui.shots.common import Shots, settle


async def new_contact(pilot: Pilot) -> None:
    await pilot.press("n")
    await settle(pilot)
    await pilot.press("2", "1")
    await settle(pilot)
    form = pilot.app.screen
    form.query_one("#cf-name", Input).value = "张先生"
    form.query_one("#cf-phone", Input).value = "13812345678"
    form.query_one("#cf-content", Input).value = "卫生间天花板渗水，楼上可能漏水"
    form.query_one("#cf-content", Input).focus()
    await settle(pilot)


async def work_order(pilot: Pilot) -> None:
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("a")  # all orders: the newest one has its whole history
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def handover(pilot: Pilot) -> None:
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


SHOTS: Shots = [("contact-form", new_contact), ("workorder", work_order),
                ("handover", handover)]
