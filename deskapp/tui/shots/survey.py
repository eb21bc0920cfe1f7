"""Survey (F5): answers being entered, the statistics, the report of a closed campaign."""

from __future__ import annotations

from textual.pilot import Pilot

from deskapp.db.models.survey import CampaignStatus
from deskapp.services.survey import campaigns
from deskapp.tui.screens.survey import SurveyScreen
from deskapp.tui.screens.survey_entry import SurveyEntryScreen
from deskapp.tui.shots.common import Shots, settle


async def _last_closed(pilot: Pilot, view: str) -> None:
    screen = pilot.app.screen
    with pilot.app.db.read() as session:  # type: ignore[attr-defined]
        done = [c for c in campaigns.list_campaigns(session) if c.status != CampaignStatus.OPEN]
    if isinstance(screen, SurveyScreen) and done:
        screen._pick_campaign(done[0].id)
        await settle(pilot)
        screen.action_view(view)
        await settle(pilot)


async def entry(pilot: Pilot) -> None:
    await _last_closed(pilot, "responses")
    with pilot.app.db.read() as session:  # type: ignore[attr-defined]
        current = campaigns.current_campaign(session)
    if current is None or current.status != CampaignStatus.OPEN:
        return
    pilot.app.push_screen(SurveyEntryScreen(current.id))
    await settle(pilot)
    await pilot.press("1")
    await settle(pilot)
    await pilot.press(*"-1-1201")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(*"554544345443")


async def statistics(pilot: Pilot) -> None:
    await _last_closed(pilot, "stats")


async def report(pilot: Pilot) -> None:
    await _last_closed(pilot, "stats")
    screen = pilot.app.screen
    if isinstance(screen, SurveyScreen):
        screen.action_report()
    await settle(pilot)


SHOTS: Shots = [("entry", entry), ("statistics", statistics), ("report", report)]
