"""The reveal from the detail screens, by keyboard: ``v`` (or the screen's own key) opens
the dialog for what the screen shows masked; a reason is required; the full value shows in
the dialog and one audit entry is written. Free text holding a number is shown masked."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from textual.widgets import Input

from deskapp import clock
from deskapp.db.models import AuditEntry
from deskapp.db.models.reception import ContactChannel, ContactKind
from deskapp.services import reception
from deskapp.tui.screens.reception_views import ContactDetail
from deskapp.tui.widgets.reveal import RevealModal
from tests.helpers import screen_text, settle

NOW = datetime(2026, 11, 30, 9, 30)
SIZE = (150, 45)
PHONE = "13812345678"
OTHER = "13987654321"


def _reveals(db) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == "personal.reveal")))


def _contact(db, by, content: str, phone: str = "") -> int:  # type: ignore[no-untyped-def]
    with clock.freeze(NOW), db.write() as s:
        return reception.log_contact(s, by=by, data=reception.ContactCreate(
            ContactChannel.PHONE, ContactKind.HELP, content, person_name="张三",
            phone=phone)).id


def _footer_keys(app) -> str:  # type: ignore[no-untyped-def]
    return screen_text(app).splitlines()[-1]


async def test_contact_detail_reveals_the_phone_with_a_reason(db, make_app, receptionist):
    cid = _contact(db, receptionist, f"业主请回拨 {OTHER}", phone=PHONE)
    app = make_app(login="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ContactDetail(cid))
        await settle(pilot)
        text = screen_text(app)
        assert "138****5678" in text and "139****4321" in text  # phone and free text masked
        assert PHONE not in text and OTHER not in text
        assert "查看完整号码" in _footer_keys(app)
        await pilot.press("v")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, RevealModal) and len(modal.targets) == 2  # phone, content
        await pilot.press("enter")  # the first: the phone
        await settle(pilot)
        await pilot.press("ctrl+s")  # no reason
        await settle(pilot)
        assert "请填写查看原因" in screen_text(app) and PHONE not in screen_text(app)
        assert _reveals(db) == []
        modal.query_one("#reveal-reason", Input).value = "业主要求回电"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert PHONE in screen_text(app) and OTHER not in screen_text(app)
        (entry,) = _reveals(db)
        assert entry.entity == "contact" and entry.entity_id == str(cid)
        assert '"field": "phone"' in entry.detail and PHONE not in entry.detail
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ContactDetail) and PHONE not in screen_text(app)


async def test_the_reveal_key_shows_only_where_there_is_something_to_reveal(
        db, make_app, receptionist):
    plain = _contact(db, receptionist, "业主借轮椅，下午归还")
    app = make_app(login="desk1", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ContactDetail(plain))
        await settle(pilot)
        assert "借轮椅" in screen_text(app)
        assert "Reveal number" not in _footer_keys(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ContactDetail)
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(ContactDetail(_contact(db, receptionist, "回电", phone=PHONE)))
        await settle(pilot)
        assert "Reveal number" in _footer_keys(app)
