"""The reveal dialog by keyboard: no reason, no number; with a reason the full number shows
in the dialog, is written to the audit log (without the number) and hides itself again."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select
from textual.widgets import Input

from deskapp.db.models import AuditEntry
from deskapp.masking import mask_phone
from deskapp.services import units
from deskapp.tui.widgets.reveal import RevealModal, open_reveal
from tests.helpers import screen_text, settle

PHONE = "13812345678"


def _occupant(db) -> int:  # type: ignore[no-untyped-def]
    with db.write() as s:
        building = units.get_or_create_building(s, code="3")
        unit = units.create_unit(s, building=building, entrance="1", floor=12, room="1201",
                                 area=Decimal("89.00"))
        return units.add_occupant(s, unit=unit, name="张三", phone=PHONE).id


def _reveals(db) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == "personal.reveal")))


async def test_reveal_needs_a_reason_then_shows_the_number(db, make_app, receptionist):
    occupant = _occupant(db)
    app = make_app(login="desk1")
    closed: list[bool | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_reveal(app, table="occupant", record_id=occupant, column="phone",
                    masked=mask_phone(PHONE), callback=closed.append)
        await settle(pilot)
        assert isinstance(app.screen, RevealModal)
        text = screen_text(app)
        assert "查看完整信息" in text and "138****5678" in text and PHONE not in text
        assert "查看" in text  # the footer shows the key
        await pilot.press("enter")  # no reason
        await settle(pilot)
        assert "请填写查看原因" in screen_text(app) and PHONE not in screen_text(app)
        assert _reveals(db) == []
        app.screen.query_one("#reveal-reason", Input).value = "业主来电要求回电"
        await pilot.press("enter")
        await settle(pilot)
        assert PHONE in screen_text(app)
        (entry,) = _reveals(db)
        assert entry.staff_id == receptionist.id and "业主来电要求回电" in entry.detail
        assert PHONE not in entry.detail
        await pilot.press("ctrl+s")  # asking again does not log twice
        await settle(pilot)
        assert len(_reveals(db)) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RevealModal)
        assert PHONE not in screen_text(app)
    assert closed == [True]


async def test_escape_without_reason_reveals_nothing(db, make_app, receptionist):
    occupant = _occupant(db)
    app = make_app(login="desk1", lang="en")
    closed: list[bool | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_reveal(app, table="occupant", record_id=occupant, column="phone",
                    masked=mask_phone(PHONE), callback=closed.append)
        await settle(pilot)
        assert "Show the full value" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
    assert closed == [False] and _reveals(db) == []


async def test_the_number_hides_itself_again(db, make_app, receptionist):
    occupant = _occupant(db)
    app = make_app(login="desk1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(RevealModal(table="occupant", record_id=occupant, column="phone",
                                    masked=mask_phone(PHONE), seconds=0.1))
        await settle(pilot)
        app.screen.query_one("#reveal-reason", Input).value = "核对"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.5)
        assert not isinstance(app.screen, RevealModal)
        assert PHONE not in screen_text(app)
    assert len(_reveals(db)) == 1
