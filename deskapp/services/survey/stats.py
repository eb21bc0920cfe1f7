"""The statistics of a campaign, counted in SQL, and the written opinions of the valid
forms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement, func, or_, select
from sqlmodel import Session, col

from deskapp.db.models import Building, Unit
from deskapp.db.models.survey import (
    FollowUpStatus,
    OpinionQuestion,
    ResponseStatus,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyResponse,
)
from deskapp.services.survey.campaigns import get_campaign, previous_campaign
from deskapp.services.survey.constants import SCORES
from deskapp.services.survey.forms import form_items, item_title, section_title

K = TypeVar("K")  # what a tally is counted by: an item id, a building id

# --------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Answers counted by score: ``counts[0]`` is the number of 1s … ``counts[4]`` of 5s."""

    counts: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def total(self) -> int:
        return sum(score * c for score, c in zip(SCORES, self.counts, strict=True))

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def satisfied(self) -> int:
        return self.counts[3] + self.counts[4]

    @property
    def satisfaction_rate(self) -> float | None:
        """Share of 4 (satisfied) and 5 (very satisfied)."""
        return self.satisfied / self.n if self.n else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(_five(a + b for a, b in zip(self.counts, other.counts, strict=True)))


def _five(values: Iterable[int]) -> tuple[int, int, int, int, int]:
    """Five counts, one per score, as a :class:`Tally`'s ``counts``."""
    one, two, three, four, five = values
    return one, two, three, four, five


@dataclass(frozen=True)
class ItemStat:
    item_id: int
    code: str
    position: int
    section_no: int
    section: str
    title: str
    tally: Tally
    previous: Tally | None = None  # same item code in the previous campaign

    @property
    def delta(self) -> float | None:
        """Change of the satisfaction rate against the previous campaign."""
        if self.previous is None or self.previous.satisfaction_rate is None or \
                self.tally.satisfaction_rate is None:
            return None
        return self.tally.satisfaction_rate - self.previous.satisfaction_rate


@dataclass(frozen=True)
class SectionStat:
    section_no: int
    title: str
    tally: Tally
    previous: Tally | None = None


@dataclass(frozen=True)
class BuildingStat:
    building_id: int
    code: str
    name: str
    responses: int
    tally: Tally


@dataclass(frozen=True)
class CampaignStats:
    campaign_id: int
    title: str
    responses: int
    items: list[ItemStat]
    sections: list[SectionStat]
    overall: Tally
    buildings: list[BuildingStat]
    previous_title: str = ""
    previous_overall: Tally | None = None

    def lowest(self, n: int = 5) -> list[ItemStat]:
        """The ``n`` items with the lowest satisfaction rate (then lowest mean)."""
        rated = [i for i in self.items if i.tally.n]
        rated.sort(key=lambda i: (i.tally.satisfaction_rate, i.tally.mean, i.position))
        return rated[:n]


def _tallies(rows: Iterable[tuple[K, int, int]]) -> dict[K, Tally]:
    counts: dict[K, list[int]] = {}
    for key, score, count in rows:
        if score in SCORES:
            counts.setdefault(key, [0, 0, 0, 0, 0])[score - 1] += int(count)
    return {k: Tally(_five(v)) for k, v in counts.items()}


def _valid_answers(campaign_id: int) -> tuple[ColumnElement[bool], ...]:
    return (col(SurveyAnswer.response_id) == SurveyResponse.id,
            col(SurveyResponse.campaign_id) == campaign_id,
            col(SurveyResponse.status) == ResponseStatus.VALID)


def item_tallies(session: Session, campaign_id: int) -> dict[int, Tally]:
    """Item id → tally over the campaign's valid responses (one GROUP BY)."""
    rows = session.execute(select(col(SurveyAnswer.item_id), col(SurveyAnswer.score), func.count())
                        .join(SurveyResponse, col(SurveyAnswer.response_id) == SurveyResponse.id)
                        .where(*_valid_answers(campaign_id))
                        .group_by(col(SurveyAnswer.item_id), col(SurveyAnswer.score))).all()
    return _tallies(rows)


def statistics(session: Session, campaign_id: int, *, compare: bool = True) -> CampaignStats:
    """Per item: count, mean, distribution 1–5 and satisfaction rate (share of 4 and 5);
    per section and overall (every answer pooled); by building; and against the previous
    campaign (items matched by code)."""
    campaign = get_campaign(session, campaign_id)
    items = form_items(session, campaign.form_id)
    tallies = item_tallies(session, campaign_id)
    prev_campaign = previous_campaign(session, campaign) if compare else None
    prev_by_code: dict[str, Tally] = {}
    prev_sections: dict[str, Tally] = {}
    prev_overall: Tally | None = None
    if prev_campaign is not None:
        prev_items = {i.id: i for i in form_items(session, prev_campaign.form_id)}
        assert prev_campaign.id is not None
        prev_tallies = item_tallies(session, prev_campaign.id)
        prev_overall = Tally()
        for item_id, tally in prev_tallies.items():
            item = prev_items[item_id]
            prev_by_code[item.code] = tally
            prev_sections[item.section] = prev_sections.get(item.section, Tally()) + tally
            prev_overall = prev_overall + tally
    item_stats: list[ItemStat] = []
    for i in items:
        assert i.id is not None
        item_stats.append(ItemStat(i.id, i.code, i.position, i.section_no, section_title(i),
                                   item_title(i), tallies.get(i.id, Tally()),
                                   prev_by_code.get(i.code)))
    sections: list[SectionStat] = []
    for item, stat in zip(items, item_stats, strict=True):
        if not sections or sections[-1].section_no != item.section_no:
            sections.append(SectionStat(item.section_no, stat.section, Tally(),
                                        prev_sections.get(item.section)))
        last = sections[-1]
        sections[-1] = SectionStat(last.section_no, last.title, last.tally + stat.tally,
                                   last.previous)
    overall = Tally()
    for stat in item_stats:
        overall = overall + stat.tally
    building_rows = session.execute(
        select(col(Building.id), col(SurveyAnswer.score), func.count())
        .select_from(SurveyAnswer)
        .join(SurveyResponse, col(SurveyAnswer.response_id) == SurveyResponse.id)
        .join(Unit, col(Unit.id) == SurveyResponse.unit_id)
        .join(Building, col(Building.id) == Unit.building_id)
        .where(*_valid_answers(campaign_id))
        .group_by(col(Building.id), col(SurveyAnswer.score))).all()
    building_tallies: dict[int, Tally] = _tallies(building_rows)
    response_counts = dict(session.execute(
        select(col(Unit.building_id), func.count())
        .select_from(SurveyResponse).join(Unit, col(Unit.id) == SurveyResponse.unit_id)
        .where(col(SurveyResponse.campaign_id) == campaign_id,
               col(SurveyResponse.status) == ResponseStatus.VALID)
        .group_by(col(Unit.building_id))).all())
    buildings = [BuildingStat(b.id, b.code, b.name, int(response_counts.get(b.id, 0)),
                              building_tallies.get(b.id, Tally()))
                 for b in session.execute(select(Building).order_by(col(Building.sort),
                                                                    col(Building.code)))
                 .scalars() if b.id in response_counts]
    responses = sum(int(v) for v in response_counts.values())
    return CampaignStats(campaign_id, campaign.title, responses, item_stats, sections, overall,
                         buildings, prev_campaign.title if prev_campaign else "", prev_overall)


@dataclass(frozen=True)
class Opinion:
    response_id: int
    unit_code: str
    name: str
    question: OpinionQuestion
    text: str
    followed_up: bool


def opinions(session: Session, campaign_id: int) -> dict[OpinionQuestion, list[Opinion]]:
    """The written opinions of the valid forms, grouped by question, in unit order."""
    followed = {(r, q) for r, q in session.execute(select(
        col(SurveyFollowUp.response_id), col(SurveyFollowUp.question)).where(
        col(SurveyFollowUp.campaign_id) == campaign_id,
        col(SurveyFollowUp.status) != FollowUpStatus.WITHDRAWN)).all()}
    rows = session.execute(
        select(SurveyResponse, col(Unit.code))
        .join(Unit, col(Unit.id) == SurveyResponse.unit_id)
        .join(Building, col(Building.id) == Unit.building_id)
        .where(col(SurveyResponse.campaign_id) == campaign_id,
               col(SurveyResponse.status) == ResponseStatus.VALID,
               or_(col(SurveyResponse.improve) != "", col(SurveyResponse.add_services) != "",
                   col(SurveyResponse.other) != ""))
        .order_by(col(Building.sort), col(Unit.code))).all()
    grouped: dict[OpinionQuestion, list[Opinion]] = {q: [] for q in OpinionQuestion}
    for response, code in rows:
        for question, text in ((OpinionQuestion.IMPROVE, response.improve),
                               (OpinionQuestion.ADD, response.add_services),
                               (OpinionQuestion.OTHER, response.other)):
            if text:
                grouped[question].append(Opinion(response.id, code, response.respondent_name,
                                                 question, text,
                                                 (response.id, question) in followed))
    return grouped
