"""``allowed_actions`` of each area (issue #16 part 2): what a role may do to a record in
each state, the keys the screens show — and the reason a refused key gives."""

from __future__ import annotations

import pytest

from deskapp.db.models import Role, Staff
from deskapp.db.models.reception import (
    Contact,
    Handover,
    HandoverStatus,
    WorkOrder,
    WorkOrderStatus,
)
from deskapp.db.models.renovation import RenovationFiling, RenovationStatus
from deskapp.db.models.survey import (
    CampaignStatus,
    FollowUpStatus,
    ResponseStatus,
    SurveyCampaign,
    SurveyFollowUp,
    SurveyResponse,
)
from deskapp.errors import PermissionDenied
from deskapp.services.cashier import actions as ca
from deskapp.services.reception import actions as ra
from deskapp.services.renovation import actions as rn
from deskapp.services.survey import actions as sa

RS = RenovationStatus


def _staff(role: Role, *, active: bool = True, id: int = 7) -> Staff:
    return Staff(id=id, login=role.value, name=role.value, role=role, password_hash="x",
                 active=active)


DESK = _staff(Role.RECEPTIONIST)
SPECIALIST = _staff(Role.SPECIALIST)
BOSS = _staff(Role.SUPERVISOR)
GONE = _staff(Role.SUPERVISOR, active=False)


# --------------------------------------------------------------------------------------
# Renovation filings
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "expected"), [
    (RS.DRAFT, {"edit", "documents", "workers", "submit", "cancel", "tax"}),
    (RS.SUBMITTED, {"documents", "workers", "review", "cancel", "tax"}),
    (RS.REVIEWED, {"documents", "workers", "agreement", "deposit", "approve", "cancel", "tax"}),
    (RS.APPROVED, {"workers", "print", "start", "extend", "lived_in", "tax"}),
    (RS.IN_PROGRESS, {"workers", "print", "extend", "completion", "downstairs", "lived_in",
                      "tax"}),
    (RS.COMPLETION_APPLIED, {"workers", "print", "inspect", "downstairs", "lived_in", "tax"}),
    (RS.INSPECTED, {"workers", "print", "downstairs", "lived_in", "refund", "close", "tax"}),
    (RS.REFUNDED, {"workers", "close", "tax"}),
    (RS.CLOSED, {"tax"}),
    (RS.CANCELLED, set()),
])
def test_renovation_steps_follow_the_state(status, expected):
    filing = RenovationFiling(status=status, applicant_is_owner=True)
    for who in (DESK, SPECIALIST, BOSS):
        assert rn.allowed_actions(filing, who) == expected, (who.role, status)
    assert rn.allowed_actions(filing, GONE) == frozenset()
    assert rn.allowed_actions(filing, None) == frozenset()


def test_renovation_owner_confirmation_only_for_a_non_owner():
    filing = RenovationFiling(status=RS.DRAFT, applicant_is_owner=False)
    assert "confirm_owner" in rn.allowed_actions(filing, DESK)
    filing.applicant_is_owner = True
    assert "confirm_owner" not in rn.allowed_actions(filing, DESK)
    assert "业主本人申办" in str(rn.why_not(filing, "confirm_owner", DESK))


def test_renovation_refusal_names_the_state_and_the_next_step():
    filing = RenovationFiling(status=RS.SUBMITTED)
    assert str(rn.why_not(filing, "submit", DESK)) == "「待审核」状态下不能提交审核"
    assert rn.why_not(filing, "review", DESK) is None
    assert rn.next_step(filing, DESK) == "review"
    filing.status = RS.REVIEWED
    assert rn.next_step(filing, DESK) == "agreement"
    assert isinstance(rn.why_not(filing, "submit", None), PermissionDenied)


# --------------------------------------------------------------------------------------
# Reception: contacts, work orders, handovers
# --------------------------------------------------------------------------------------


def test_contact_keys_follow_the_link_and_the_login():
    contact = Contact(linked_kind=None)
    assert ra.contact_actions(contact, DESK) == {"edit", "workorder"}
    assert ra.contact_actions(contact, BOSS) == {"edit", "workorder"}
    assert ra.contact_actions(contact, GONE) == frozenset()
    linked = Contact(linked_kind="workorder", linked_id=3)
    assert ra.contact_actions(linked, SPECIALIST) == {"edit", "open_linked"}
    assert "workorder #3" in str(ra.why_not_contact(linked, "workorder", DESK))
    assert "未转为" in str(ra.why_not_contact(contact, "open_linked", DESK))


@pytest.mark.parametrize(("status", "expected"), [
    (WorkOrderStatus.CREATED, {"dispatch", "cancel"}),
    (WorkOrderStatus.DISPATCHED, {"complete", "cancel"}),
    (WorkOrderStatus.COMPLETED, {"visit"}),
    (WorkOrderStatus.VISITED, {"close"}),
    (WorkOrderStatus.CLOSED, set()),
    (WorkOrderStatus.CANCELLED, set()),
])
def test_work_order_steps_follow_the_state(status, expected):
    order = WorkOrder(status=status)
    for who in (DESK, SPECIALIST, BOSS):
        assert ra.work_order_actions(order, who) == expected
    assert ra.work_order_actions(order, GONE) == frozenset()


def test_work_order_close_before_the_visit_says_the_visit_is_due():
    order = WorkOrder(status=WorkOrderStatus.COMPLETED)
    assert "回访" in str(ra.why_not_work_order(order, "close", DESK))


def test_handover_confirm_and_read_follow_the_state_and_role():
    waiting = Handover(status=HandoverStatus.WRITTEN, written_by=DESK.id)
    assert ra.handover_actions(waiting, DESK) == {"confirm", "mark_read"}
    assert ra.handover_actions(waiting, BOSS) == {"confirm", "mark_read"}
    assert ra.handover_actions(waiting, None) == frozenset()
    done = Handover(status=HandoverStatus.CONFIRMED, written_by=DESK.id)
    assert ra.handover_actions(done, DESK) == frozenset()
    assert ra.handover_actions(done, SPECIALIST) == frozenset()
    assert ra.handover_actions(done, BOSS) == {"mark_read"}  # 已阅 any time
    assert "已确认" in str(ra.why_not_handover(done, "confirm", DESK))
    assert "客服主管" in str(ra.why_not_handover(done, "mark_read", DESK))


# --------------------------------------------------------------------------------------
# Cashier receipts
# --------------------------------------------------------------------------------------


def _receipt(**over) -> ca.ReceiptState:
    values = dict(id=1, number="SJ2026-000001", business_date_text="2026-12-05", voided=False,
                  has_refunds=False, refundable_fen=5758, day_closed=False)
    values.update(over)
    return ca.ReceiptState(**values)


def test_receipt_void_and_refund_only_for_a_supervisor():
    fresh = _receipt()
    assert ca.receipt_actions(fresh, DESK) == {"print"}
    assert ca.receipt_actions(fresh, SPECIALIST) == {"print"}
    assert ca.receipt_actions(fresh, BOSS) == {"print", "void", "refund"}
    assert ca.receipt_actions(fresh, GONE) == frozenset()
    assert "客服主管" in str(ca.why_not_receipt(fresh, "void", DESK))


@pytest.mark.parametrize(("over", "expected", "why_void"), [
    ({"voided": True}, {"print"}, "已作废"),
    ({"has_refunds": True, "refundable_fen": 1000}, {"print", "refund"}, "已有退款"),
    ({"has_refunds": True, "refundable_fen": 0}, {"print"}, "已有退款"),
    ({"day_closed": True}, {"print", "refund"}, "已日结"),
])
def test_receipt_keys_follow_its_state(over, expected, why_void):
    state = _receipt(**over)
    assert ca.receipt_actions(state, BOSS) == expected
    assert why_void in str(ca.why_not_receipt(state, "void", BOSS))


# --------------------------------------------------------------------------------------
# Survey campaigns
# --------------------------------------------------------------------------------------

_DISTRIBUTION = {"distribute", "distribute_batch", "exclude", "exclude_vacant", "include",
                 "cancel_distribution"}


@pytest.mark.parametrize(("status", "boss", "desk"), [
    (CampaignStatus.OPEN, {"new_campaign", "close_campaign", *_DISTRIBUTION}, _DISTRIBUTION),
    (CampaignStatus.CLOSED, {"new_campaign", "reopen_campaign", "mark_reported"}, set()),
    (CampaignStatus.REPORTED, {"new_campaign"}, set()),
])
def test_campaign_keys_follow_its_state_and_the_role(status, boss, desk):
    campaign = SurveyCampaign(title="2026年下半年满意度调查", status=status)
    assert survey_allowed(campaign, BOSS) == boss
    assert survey_allowed(campaign, DESK) == desk
    assert survey_allowed(campaign, SPECIALIST) == desk
    assert survey_allowed(campaign, GONE) == set()


def survey_allowed(campaign, staff) -> set[str]:
    return set(sa.allowed_actions(campaign, staff))


def test_campaign_refusals_say_why():
    closed = SurveyCampaign(title="2026年下半年满意度调查", status=CampaignStatus.CLOSED)
    assert "不在回收中" in str(sa.why_not(closed, "close_campaign", BOSS))
    assert "已截止回收" in str(sa.why_not(closed, "distribute", DESK))
    assert "客服主管" in str(sa.why_not(closed, "reopen_campaign", DESK))
    assert sa.allowed_actions(None, BOSS) == {"new_campaign"}
    assert sa.allowed_actions(None, DESK) == frozenset()


@pytest.mark.parametrize(("status", "boss", "desk"), [
    (ResponseStatus.VALID, {"followup", "void"}, {"followup"}),
    (ResponseStatus.REPLACED, set(), set()),
    (ResponseStatus.VOIDED, set(), set()),
])
def test_response_keys_follow_its_state_and_the_role(status, boss, desk):
    response = SurveyResponse(status=status)
    assert sa.response_actions(response, BOSS) == boss
    assert sa.response_actions(response, DESK) == desk
    assert sa.response_actions(response, SPECIALIST) == desk
    assert sa.response_actions(response, GONE) == frozenset()


FS = FollowUpStatus


@pytest.mark.parametrize(("status", "manager", "desk"), [
    (FS.OPEN, {"answer", "scope", "withdraw"}, set()),
    (FS.ANSWERED, {"reply", "withdraw"}, {"reply"}),
    (FS.REPLIED, set(), set()),
    (FS.WITHDRAWN, set(), set()),
])
def test_followup_keys_follow_its_state_and_the_role(status, manager, desk):
    item = SurveyFollowUp(status=status)
    assert sa.followup_actions(item, BOSS) == manager
    assert sa.followup_actions(item, SPECIALIST) == manager
    assert sa.followup_actions(item, DESK) == desk
    assert sa.followup_actions(item, GONE) == frozenset()


def test_response_and_followup_refusals_say_why():
    voided = SurveyResponse(status=ResponseStatus.VOIDED)
    assert isinstance(sa.why_not_response(voided, "void", DESK), PermissionDenied)
    assert "作废" in str(sa.why_not_response(voided, "void", BOSS))
    opened = SurveyFollowUp(status=FS.OPEN)
    assert "先登记正式意见" in str(sa.why_not_followup(opened, "reply", DESK))
    assert isinstance(sa.why_not_followup(opened, "answer", DESK), PermissionDenied)
    assert sa.why_not_followup(opened, "unknown", DESK) is None


# --------------------------------------------------------------------------------------
# System timeline lines follow the language (issue #16 part 6)
# --------------------------------------------------------------------------------------


def test_system_lines_are_shown_in_the_current_language():
    from deskapp.i18n import set_language
    from deskapp.services.system_lines import localize

    zh = "超过结案时限（2026-12-01 17:00），自动上报客服主管"
    en = "Close deadline passed (2026-12-01 17:00); escalated to the supervisor"
    try:
        set_language("en")
        assert localize(zh) == en  # an old row written in Chinese
        assert localize("重大投诉，受理即上报") == "Major complaint: escalated on registration"
        assert localize("业主说超过结案时限") == "业主说超过结案时限"  # people's words stay
        set_language("zh")
        assert localize(en) == zh  # written while the desk spoke English
        assert localize("") == ""
    finally:
        set_language("zh")
