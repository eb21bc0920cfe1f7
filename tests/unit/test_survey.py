"""Survey services: campaigns, distribution, entry, statistics (figures computed by hand),
follow-up, handover items and the monthly summary."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from deskapp import clock
from deskapp.db.models import Building
from deskapp.db.models.survey import (
    CampaignStatus,
    FollowUpScope,
    FollowUpStatus,
    OpinionQuestion,
    ResponseStatus,
    SurveyAnswer,
    SurveyResponse,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from deskapp.services import audit, hooks, units
from deskapp.services.survey import campaigns, distribution, followups, rates, responses
from deskapp.services.survey import figures as survey_figures
from deskapp.services.survey import forms as survey_forms
from deskapp.services.survey import stats as survey_stats

NOW = datetime(2026, 6, 22, 10, 0)
N_ITEMS = 22


@pytest.fixture
def now():
    with clock.freeze(NOW):
        yield NOW


@pytest.fixture
def site(db, supervisor, now):
    """Building 1: floors 3–5 × 2 rooms (6 units); building 2: floors 1–2 × 2 rooms, 2-102
    vacant. 10 units in all, each with an owner."""
    ids: dict[str, int] = {}
    with db.write() as session:
        b1 = units.get_or_create_building(session, code="1", floors=5)
        b2 = units.get_or_create_building(session, code="2", floors=2)
        for building, floors in ((b1, (3, 4, 5)), (b2, (1, 2))):
            for floor in floors:
                for pos in (1, 2):
                    room = f"{floor}{pos:02d}"
                    unit = units.create_unit(session, building=building, entrance="1",
                                             floor=floor, room=room, area=Decimal("89.36"),
                                             vacant=(building is b2 and room == "102"))
                    units.add_occupant(session, unit=unit, name=f"业主{unit.code}",
                                       phone=f"1380000{len(ids):04d}")
                    ids[unit.code] = unit.id
    return ids


@pytest.fixture
def campaign(db, supervisor, site):
    with db.write() as session:
        return campaigns.open_campaign(session, by=supervisor, year=2026, half=1)


def _form(scores: list[int | None]) -> list[int | None]:
    return scores + [None] * (N_ITEMS - len(scores))


def _enter(db, by, campaign, unit_id, scores, **kw):
    with db.write() as session:
        return responses.record_response(session, by=by, campaign_id=campaign.id, unit_id=unit_id,
                                         ratings=scores, name=kw.pop("name", "张三"),
                                         phone=kw.pop("phone", "13812345678"), **kw)


# ---------------------------------------------------------------------------- campaigns


def test_open_campaign_uses_the_spec_form_and_plan_dates(db, supervisor, campaign):
    assert campaign.title == "2026年上半年客户满意度调查"
    assert campaign.distribution_date == date(2026, 6, 15)
    assert campaign.collection_deadline == date(2026, 6, 30)
    assert campaign.statistics_due == date(2026, 7, 3)
    assert campaign.status == CampaignStatus.OPEN
    with db.read() as session:
        items = survey_forms.form_items(session, campaign.form_id)
        assert len(items) == N_ITEMS
        assert [i.title for i in items[:4]] == ["客户服务员", "维修人员", "安全管理员", "保洁服务员"]
        assert items[-1].section == "物业管理总体满意度" and items[-1].code == "overall"
        assert len({i.section for i in items}) == 8
        assert [e.action for e in audit.entries_for(session, entity="survey_campaign",
                                                    entity_id=campaign.id)] == \
            ["survey.campaign.open"]


def test_second_campaign_same_half_is_refused(db, supervisor, campaign):
    with db.write() as session, pytest.raises(Conflict):
        campaigns.open_campaign(session, by=supervisor, year=2026, half=1)


def test_campaign_bad_input(db, supervisor, site):
    with db.write() as session:
        with pytest.raises(ValidationError) as err:
            campaigns.open_campaign(session, by=supervisor, year=2026, half=3)
        assert err.value.field == "half"
        with pytest.raises(ValidationError) as err:
            campaigns.open_campaign(session, by=supervisor, year=2026, half=1,
                                    distribution_date=date(2026, 7, 15))
        assert err.value.field == "distribution_date"


def test_only_the_supervisor_opens_and_closes(db, receptionist, campaign):
    with db.write() as session:
        with pytest.raises(PermissionDenied):
            campaigns.open_campaign(session, by=receptionist, year=2026, half=2)
        with pytest.raises(PermissionDenied):
            campaigns.close_collection(session, by=receptionist, campaign_id=campaign.id)


def test_campaign_transitions(db, supervisor, receptionist, campaign, site):
    with db.write() as session:
        with pytest.raises(InvalidTransition):
            campaigns.mark_reported(session, by=supervisor, campaign_id=campaign.id)
        with pytest.raises(InvalidTransition):
            campaigns.reopen_collection(session, by=supervisor, campaign_id=campaign.id,
                                        reason="x")
        campaigns.close_collection(session, by=supervisor, campaign_id=campaign.id)
    # Nothing can be entered or distributed once collection is closed.
    with db.write() as session, pytest.raises(InvalidTransition):
        distribution.distribute(session, by=receptionist, campaign_id=campaign.id,
                                unit_ids=[site["1-1-301"]])
    with pytest.raises(InvalidTransition):
        _enter(db, receptionist, campaign, site["1-1-301"], _form([5]))
    with db.write() as session:
        with pytest.raises(ValidationError):
            campaigns.reopen_collection(session, by=supervisor, campaign_id=campaign.id,
                                        reason="  ")
        campaigns.reopen_collection(session, by=supervisor, campaign_id=campaign.id,
                                    reason="迟交的表")
    _enter(db, receptionist, campaign, site["1-1-301"], _form([5]))
    with db.write() as session:
        campaigns.close_collection(session, by=supervisor, campaign_id=campaign.id)
        c = campaigns.mark_reported(session, by=supervisor, campaign_id=campaign.id)
        assert c.status == CampaignStatus.REPORTED and c.reported_by_id == supervisor.id
        with pytest.raises(InvalidTransition):
            campaigns.reopen_collection(session, by=supervisor, campaign_id=campaign.id,
                                        reason="再开")
        with pytest.raises(InvalidTransition):
            campaigns.close_collection(session, by=supervisor, campaign_id=campaign.id)


def test_find_campaign_by_id_or_month(db, campaign):
    with db.read() as session:
        assert campaigns.find_campaign(session, str(campaign.id)).id == campaign.id
        assert campaigns.find_campaign(session, "2026-06").id == campaign.id
        assert campaigns.find_campaign(session, "2026h1").id == campaign.id
        with pytest.raises(NotFound):
            campaigns.find_campaign(session, "2026-12")
        with pytest.raises(NotFound):
            campaigns.find_campaign(session, "junk")


def test_old_campaign_keeps_its_form(db, supervisor, campaign):
    sections = [survey_forms.SectionSpec("服务", "Service", (
        survey_forms.ItemSpec("overall", "总体", "Overall"), survey_forms.ItemSpec("new", "新项目", "New")))]
    with db.write() as session:
        form = survey_forms.create_form(session, by=supervisor, name="新版", sections=sections)
        dec = campaigns.open_campaign(session, by=supervisor, year=2026, half=2)
        assert dec.form_id == form.id and form.version == 2
        assert len(survey_forms.form_items(session, dec.form_id)) == 2
        assert len(survey_forms.form_items(session, campaign.form_id)) == N_ITEMS
        with pytest.raises(ValidationError) as err:
            survey_forms.create_form(session, by=supervisor, name="坏", sections=[
                survey_forms.SectionSpec("s", "s", (survey_forms.ItemSpec("a", "甲", "A"),
                                                    survey_forms.ItemSpec("a", "乙", "B")))])
        assert err.value.key == "survey.form.duplicate_code"
        with pytest.raises(ValidationError):
            survey_forms.create_form(session, by=supervisor, name="空", sections=[])


# ---------------------------------------------------------------------------- distribution


def test_distribution_rate_against_valid_units(db, supervisor, receptionist, campaign, site):
    with db.write() as session:
        excluded = distribution.exclude_vacant(session, by=receptionist, campaign_id=campaign.id,
                                               reason="空置")
        assert excluded == 1
        b1 = units.find_unit_by_code(session, "1-1-301").building_id
        floor_ids = distribution.units_of(session, building_id=b1, floor_from=3, floor_to=4)
        assert len(floor_ids) == 4
        code = session.get(Building, b1).code
        assert distribution.units_of_building(session, building_code=code, floor_from=3,
                                              floor_to=4) == floor_ids
        assert distribution.units_of_building(session, building_code="no-such") == []
        result = distribution.distribute(session, by=receptionist, campaign_id=campaign.id,
                                         unit_ids=floor_ids, on=date(2026, 6, 15))
        assert (result.added, result.already, result.excluded) == (4, 0, 0)
        again = distribution.distribute(session, by=receptionist, campaign_id=campaign.id,
                                        unit_ids=[*floor_ids, site["2-1-102"]])
        assert (again.added, again.already, again.excluded) == (0, 4, 1)
    with db.read() as session:
        p = rates.progress(session, campaign.id)
        assert (p.total_units, p.excluded, p.valid_units, p.distributed) == (10, 1, 9, 4)
        assert p.distribution_rate == pytest.approx(4 / 9)
        assert not p.distribution_met


def test_distribution_bad_input(db, receptionist, campaign, site):
    with db.write() as session:
        with pytest.raises(ValidationError) as err:
            distribution.distribute(session, by=receptionist, campaign_id=campaign.id,
                                    unit_ids=[site["1-1-301"]], on=date(2026, 6, 23))
        assert err.value.key == "survey.date.future"
        with pytest.raises(ValidationError):
            distribution.distribute(session, by=receptionist, campaign_id=campaign.id, unit_ids=[])
        with pytest.raises(NotFound):
            distribution.distribute(session, by=receptionist, campaign_id=campaign.id,
                                    unit_ids=[99999])


def test_exclusion_rules(db, receptionist, campaign, site):
    unit = site["1-1-301"]
    with db.write() as session:
        with pytest.raises(ValidationError):
            distribution.exclude_units(session, by=receptionist, campaign_id=campaign.id,
                                       unit_ids=[unit], reason="")
        distribution.distribute(session, by=receptionist, campaign_id=campaign.id, unit_ids=[unit])
        with pytest.raises(Conflict):
            distribution.exclude_units(session, by=receptionist, campaign_id=campaign.id,
                                       unit_ids=[unit], reason="空置")
        other = site["1-1-302"]
        distribution.exclude_units(session, by=receptionist, campaign_id=campaign.id,
                                   unit_ids=[other], reason="装修中")
        assert rates.progress(session, campaign.id).excluded == 1
        distribution.include_unit(session, by=receptionist, campaign_id=campaign.id, unit_id=other)
        assert rates.progress(session, campaign.id).excluded == 0
        with pytest.raises(InvalidTransition):
            distribution.include_unit(session, by=receptionist, campaign_id=campaign.id,
                                      unit_id=other)


def test_cancel_distribution_keeps_the_record(db, receptionist, campaign, site):
    unit = site["1-1-301"]
    with db.write() as session:
        distribution.distribute(session, by=receptionist, campaign_id=campaign.id, unit_ids=[unit])
        row = distribution.cancel_distribution(session, by=receptionist, campaign_id=campaign.id,
                                               unit_id=unit, reason="点错了")
        assert not row.active and row.cancel_reason == "点错了"
        assert rates.progress(session, campaign.id).distributed == 0
        with pytest.raises(InvalidTransition):
            distribution.cancel_distribution(session, by=receptionist, campaign_id=campaign.id,
                                             unit_id=unit, reason="再撤")
        distribution.distribute(session, by=receptionist, campaign_id=campaign.id, unit_ids=[unit])
    _enter(db, receptionist, campaign, unit, _form([5]))
    with db.write() as session, pytest.raises(Conflict):
        distribution.cancel_distribution(session, by=receptionist, campaign_id=campaign.id,
                                         unit_id=unit, reason="撤")


# ---------------------------------------------------------------------------- entry


def test_record_response_saves_scores_and_audits(db, receptionist, campaign, site):
    scores = _form([5, 4, 0, 3, None, 1, 2])
    response = _enter(db, receptionist, campaign, site["1-1-301"], scores, phone="138 1234 5678",
                      improve="电梯维保要及时", filled_on=date(2026, 6, 20))
    with db.read() as session:
        detail = responses.response_detail(session, response.id)
        assert [s for _, s in detail.answers[:8]] == [5, 4, None, 3, None, 1, 2, None]
        assert response.answered == 5
        assert response.respondent_phone == "13812345678"
        assert not detail.distributed  # never got a form: allowed, flagged
        entry = audit.entries_for(session, entity="survey_response", entity_id=response.id)[0]
        assert entry.action == "survey.response.create" and "13812345678" not in entry.detail


@pytest.mark.parametrize(("kwargs", "field", "key"), [
    ({"name": " "}, "name", "survey.response.name_required"),
    ({"phone": ""}, "phone", "survey.response.phone_required"),
    ({"phone": "12345"}, "phone", "validate.phone.invalid"),
    ({"filled_on": date(2026, 6, 23)}, "filled_on", "survey.date.future"),
    ({"filled_on": date(2026, 4, 1)}, "filled_on", "survey.response.date_too_early"),
    ({"improve": "长" * 1001}, "improve", "survey.text.too_long"),
])
def test_bad_form_input_saves_nothing(db, receptionist, campaign, site, kwargs, field, key):
    with pytest.raises(ValidationError) as err:
        _enter(db, receptionist, campaign, site["1-1-301"], _form([5, 5]), **kwargs)
    assert (err.value.field, err.value.key) == (field, key)
    with db.read() as session:
        assert session.execute(select(SurveyResponse)).first() is None
        assert session.execute(select(SurveyAnswer)).first() is None


@pytest.mark.parametrize("bad", [6, 9, -1, True, "5"])
def test_scores_outside_1_to_5_are_refused(db, receptionist, campaign, site, bad):
    with pytest.raises(ValidationError) as err:
        _enter(db, receptionist, campaign, site["1-1-301"], _form([5, 4, bad]))
    assert err.value.key == "survey.response.bad_score" and err.value.params["position"] == 3
    assert "安全管理员" in str(err.value)


def test_empty_and_oversized_ratings_are_refused(db, receptionist, campaign, site):
    with pytest.raises(ValidationError) as err:
        _enter(db, receptionist, campaign, site["1-1-301"], _form([]))
    assert err.value.key == "survey.response.no_ratings"
    with pytest.raises(ValidationError):
        _enter(db, receptionist, campaign, site["1-1-301"], [5] * (N_ITEMS + 1))
    with pytest.raises(ValidationError):
        _enter(db, receptionist, campaign, site["1-1-301"], {123456: 5})


def test_second_form_for_a_unit_asks_to_replace(db, receptionist, campaign, site):
    unit = site["1-1-301"]
    first = _enter(db, receptionist, campaign, unit, _form([1, 1]))
    with pytest.raises(Conflict) as err:
        _enter(db, receptionist, campaign, unit, _form([5, 5]), name="李四")
    assert err.value.key == "survey.response.exists" and "1-1-301" in str(err.value)
    second = _enter(db, receptionist, campaign, unit, _form([5, 5]), name="李四", replace=True)
    with db.read() as session:
        old = session.get(SurveyResponse, first.id)
        assert old.status == ResponseStatus.REPLACED and old.replaced_by_id == second.id
        assert rates.progress(session, campaign.id).responses == 1
        tallies = survey_stats.item_tallies(session, campaign.id)
        assert all(t.counts == (0, 0, 0, 0, 1) for t in tallies.values())


def test_void_response(db, supervisor, receptionist, campaign, site):
    response = _enter(db, receptionist, campaign, site["1-1-301"], _form([3]))
    with db.write() as session:
        with pytest.raises(PermissionDenied):
            responses.void_response(session, by=receptionist, response_id=response.id, reason="x")
        with pytest.raises(ValidationError):
            responses.void_response(session, by=supervisor, response_id=response.id, reason="")
        responses.void_response(session, by=supervisor, response_id=response.id, reason="录错房号")
        with pytest.raises(InvalidTransition):
            responses.void_response(session, by=supervisor, response_id=response.id, reason="再")
        assert rates.progress(session, campaign.id).responses == 0
    # The unit can be entered again.
    _enter(db, receptionist, campaign, site["1-1-301"], _form([4]))


def test_recovery_rate_counts_forms_from_distributed_units(db, receptionist, campaign, site):
    codes = ["1-1-301", "1-1-302", "1-1-401", "1-1-402"]
    with db.write() as session:
        distribution.distribute(session, by=receptionist, campaign_id=campaign.id,
                                unit_ids=[site[c] for c in codes])
    for code in codes[:3]:
        _enter(db, receptionist, campaign, site[code], _form([5]))
    _enter(db, receptionist, campaign, site["2-1-101"], _form([5]))  # never got a form
    with db.read() as session:
        p = rates.progress(session, campaign.id)
        assert (p.distributed, p.responses, p.responses_distributed) == (4, 4, 3)
        assert p.undistributed_responses == 1
        assert p.recovery_rate == pytest.approx(0.75)
        state = distribution.unit_state(session, campaign_id=campaign.id, unit_id=site["1-1-501"])
        assert state.owner_name == "业主1-1-501" and state.response_id is None


# ---------------------------------------------------------------------------- statistics


def test_statistics_on_hand_built_forms(db, supervisor, receptionist, campaign, site):
    """Four forms (unanswered = None). Item 1 (客户服务员): 5, 4, 3, 5 → n 4, mean 4.25,
    satisfied 3/4. Item 2 (维修人员): 2, None, 4, 1 → n 3, mean 7/3, satisfied 1/3.
    Overall item (22nd): 4, 4, 5, None → n 3, mean 13/3, satisfied 3/3.
    Section 服务人员仪态 (items 1–4, items 3/4 unanswered): 7 answers, sum 24.
    All answers pooled: 10 answers, sum 17 + 7 + 13 = 37, satisfied 3 + 1 + 3 = 7.
    Building 1 holds forms 1–3, building 2 form 4."""
    forms = {
        "1-1-301": (5, 2, 4),
        "1-1-302": (4, None, 4),
        "1-1-401": (3, 4, 5),
        "2-1-101": (5, 1, None),
    }
    for code, (a, b, overall) in forms.items():
        scores: list[int | None] = [a, b] + [None] * 19 + [overall]
        _enter(db, receptionist, campaign, site[code], scores)
    with db.read() as session:
        stats = survey_stats.statistics(session, campaign.id)
    item1, item2 = stats.items[0], stats.items[1]
    assert item1.tally.counts == (0, 0, 1, 1, 2)
    assert item1.tally.n == 4 and item1.tally.mean == pytest.approx(4.25)
    assert item1.tally.satisfaction_rate == pytest.approx(0.75)
    assert item2.tally.counts == (1, 1, 0, 1, 0)
    assert item2.tally.mean == pytest.approx(7 / 3)
    assert item2.tally.satisfaction_rate == pytest.approx(1 / 3)
    last = stats.items[-1]
    assert last.code == "overall" and last.tally.counts == (0, 0, 0, 2, 1)
    assert last.tally.satisfaction_rate == 1.0
    assert stats.items[2].tally.n == 0 and stats.items[2].tally.mean is None
    section = stats.sections[0]
    assert section.title == "服务人员仪态" and section.tally.n == 7 and section.tally.total == 24
    assert stats.overall.n == 10 and stats.overall.total == 37 and stats.overall.satisfied == 7
    assert stats.responses == 4
    assert [(b.code, b.responses, b.tally.n) for b in stats.buildings] == [("1", 3, 8),
                                                                           ("2", 1, 2)]
    assert stats.buildings[1].tally.counts == (1, 0, 0, 0, 1)
    assert [i.code for i in stats.lowest(2)] == ["staff_maint", "staff_cs"]


def test_statistics_compare_with_previous_campaign(db, supervisor, receptionist, site):
    with db.write() as session:
        with clock.freeze(datetime(2025, 12, 20, 9, 0)):
            dec = campaigns.open_campaign(session, by=supervisor, year=2025, half=2)
    with clock.freeze(datetime(2025, 12, 20, 9, 0)):
        _enter(db, receptionist, dec, site["1-1-301"], [2] + [None] * 20 + [3])
        _enter(db, receptionist, dec, site["1-1-302"], [4] + [None] * 20 + [4])
    with db.write() as session:
        jun = campaigns.open_campaign(session, by=supervisor, year=2026, half=1)
    _enter(db, receptionist, jun, site["1-1-301"], [5] + [None] * 20 + [5])
    with db.read() as session:
        stats = survey_stats.statistics(session, jun.id)
    assert stats.previous_title == "2025年下半年客户满意度调查"
    assert stats.items[0].previous.counts == (0, 1, 0, 1, 0)
    assert stats.items[0].delta == pytest.approx(1.0 - 0.5)
    assert stats.previous_overall.n == 4 and stats.previous_overall.satisfied == 2
    assert stats.sections[0].previous.n == 2


def test_opinions_grouped_by_question(db, receptionist, campaign, site):
    _enter(db, receptionist, campaign, site["1-1-301"], _form([5]), improve="楼道灯坏了",
           other="谢谢")
    _enter(db, receptionist, campaign, site["1-1-302"], _form([5]), add_services="代收快递")
    with db.read() as session:
        grouped = survey_stats.opinions(session, campaign.id)
    assert [o.text for o in grouped[OpinionQuestion.IMPROVE]] == ["楼道灯坏了"]
    assert [o.unit_code for o in grouped[OpinionQuestion.ADD]] == ["1-1-302"]
    assert [o.text for o in grouped[OpinionQuestion.OTHER]] == ["谢谢"]


# ---------------------------------------------------------------------------- follow-up


def test_followup_reply_requires_the_official_answer_first(
        db, supervisor, receptionist, specialist, campaign, site):
    response = _enter(db, receptionist, campaign, site["1-1-301"], _form([2]),
                      improve="地下车库照明不足")
    with db.write() as session:
        item = followups.create_followup(session, by=receptionist, response_id=response.id,
                                         question=OpinionQuestion.IMPROVE, department="工程部")
        assert item.opinion == "地下车库照明不足" and item.status == FollowUpStatus.OPEN
        with pytest.raises(InvalidTransition) as err:
            followups.record_reply(session, by=receptionist, followup_id=item.id,
                                   reply="已处理", channel="phone")
        assert err.value.key == "survey.followup.answer_first"
        with pytest.raises(PermissionDenied):
            followups.record_answer(session, by=receptionist, followup_id=item.id, answer="x")
        with pytest.raises(ValidationError):
            followups.record_answer(session, by=specialist, followup_id=item.id, answer=" ")
        followups.record_answer(session, by=specialist, followup_id=item.id,
                                answer="项目经理已安排更换车库灯具，6月25日完成")
        with pytest.raises(InvalidTransition):
            followups.record_answer(session, by=specialist, followup_id=item.id, answer="再答")
        with pytest.raises(ValidationError):
            followups.record_reply(session, by=receptionist, followup_id=item.id,
                                   reply="已处理", channel="pigeon")
        done = followups.record_reply(session, by=receptionist, followup_id=item.id,
                                      reply="电话告知业主已更换灯具", channel="phone")
        assert done.status == FollowUpStatus.REPLIED and done.replied_by_id == receptionist.id
        with pytest.raises(InvalidTransition):
            followups.record_reply(session, by=receptionist, followup_id=item.id,
                                   reply="再回复", channel="phone")
        with pytest.raises(InvalidTransition):
            followups.withdraw_followup(session, by=specialist, followup_id=item.id, reason="x")


def test_followup_escalation_and_bad_input(db, receptionist, specialist, campaign, site):
    response = _enter(db, receptionist, campaign, site["1-1-301"], _form([2]),
                      other="小区应增设充电桩")
    with db.write() as session:
        with pytest.raises(ValidationError) as err:
            followups.create_followup(session, by=receptionist, response_id=response.id,
                                      question=OpinionQuestion.IMPROVE, department="工程部")
        assert err.value.key == "survey.followup.opinion_required"
        with pytest.raises(ValidationError):
            followups.create_followup(session, by=receptionist, response_id=response.id,
                                      question=OpinionQuestion.OTHER, department="")
        with pytest.raises(ValidationError):
            followups.create_followup(session, by=receptionist, response_id=response.id,
                                      question="nonsense", department="工程部")
        item = followups.create_followup(session, by=receptionist, response_id=response.id,
                                         question="other", department="工程部")
        with pytest.raises(PermissionDenied):
            followups.set_scope(session, by=receptionist, followup_id=item.id,
                                scope=FollowUpScope.ESCALATED)
        followups.set_scope(session, by=specialist, followup_id=item.id,
                            scope=FollowUpScope.ESCALATED, department="综合管理部")
        assert item.scope == FollowUpScope.ESCALATED and item.department == "综合管理部"
        counts = followups.followup_counts(session, campaign.id)
        assert (counts.open, counts.escalated) == (1, 1)
        followups.withdraw_followup(session, by=specialist, followup_id=item.id, reason="重复")
        assert followups.followup_counts(session, campaign.id).withdrawn == 1


def test_handover_lists_open_followups_and_passed_deadline(
        db, supervisor, receptionist, specialist, campaign, site):
    response = _enter(db, receptionist, campaign, site["1-1-301"], _form([2]), improve="绿化差")
    with db.write() as session:
        a = followups.create_followup(session, by=receptionist, response_id=response.id,
                                      question="improve", department="环境部")
        followups.record_answer(session, by=specialist, followup_id=a.id, answer="已补种")
        followups.create_followup(session, by=receptionist, response_id=response.id,
                                  question="improve", department="环境部", opinion="草坪枯黄")
    ctx = hooks.HandoverContext(start=NOW - timedelta(hours=8), end=NOW + timedelta(days=10))
    with db.read() as session:
        items = [i for i in hooks.open_items(session, ctx)
                 if i.section == "survey.handover.section"]
    labels = [i.label for i in items]
    assert any("回收截止日 2026-06-30 已过" in label for label in labels)
    assert any("待回复业主" in label and "1-1-301" in label for label in labels)
    assert any("待正式意见" in label and "草坪枯黄" in label for label in labels)


# ---------------------------------------------------------------------------- monthly


def test_monthly_summary(db, supervisor, receptionist, specialist, campaign, site):
    with db.write() as session:
        distribution.distribute(session, by=receptionist, campaign_id=campaign.id,
                                unit_ids=[site["1-1-301"], site["1-1-302"]])
    r1 = _enter(db, receptionist, campaign, site["1-1-301"], [5] * 21 + [4], improve="好")
    _enter(db, receptionist, campaign, site["1-1-302"], [3] * 21 + [2])
    _enter(db, receptionist, campaign, site["1-1-302"], [3] * 21 + [3], replace=True)
    with db.write() as session:
        f = followups.create_followup(session, by=receptionist, response_id=r1.id,
                                      question="improve", department="客服部")
        followups.record_answer(session, by=specialist, followup_id=f.id, answer="已改进")
    with clock.freeze(datetime(2026, 7, 2, 9, 0)):
        with db.write() as session:
            followups.record_reply(session, by=receptionist, followup_id=f.id, reply="已告知",
                                   channel="visit")
            campaigns.close_collection(session, by=supervisor, campaign_id=campaign.id)
    with db.read() as session:
        june = survey_figures.monthly_summary(session, year=2026, month=6)
        july = survey_figures.monthly_summary(session, year=2026, month=7)
    assert (june.distributed, june.responses, june.replaced, june.voided) == (2, 2, 1, 0)
    assert (june.followups_created, june.followups_answered, june.followups_replied) == (1, 1, 0)
    assert june.followups_open == 1 and june.campaigns_closed == []
    assert (july.responses, july.followups_replied, july.followups_open) == (0, 1, 0)
    [figures] = july.campaigns_closed
    assert figures.responses == 2 and figures.recovery_rate == 1.0
    # 22 answers of 4/5 on form 1 (21 fives + one 4) and 22 threes on form 2: 22 / 44.
    assert figures.satisfaction_rate == pytest.approx(0.5)
    assert figures.overall_item_rate == pytest.approx(0.5)  # 4 and 3
