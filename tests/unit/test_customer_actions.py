"""The customer file's keys ask :mod:`deskapp.services.customer.actions`; its answer must
be the services' own: a step it allows is accepted by the service, one it refuses is
refused with the same message."""

from __future__ import annotations

import pytest

from deskapp.errors import PermissionDenied
from deskapp.services.customer import actions, movein_checklist, parking_spaces


def _service_refusal(db, staff, step: str) -> str | None:
    with db.write() as s:
        try:
            if step == "parking.space.new":
                parking_spaces.add_space(s, by=staff, number=f"B9-{staff.id:03d}",
                                         kind="visitor")
            elif step == "movein.checklist":
                movein_checklist.add_item(s, by=staff, kind="inspect", name=f"门铃{staff.id}")
            else:
                raise AssertionError(step)
        except PermissionDenied as err:
            s.rollback()
            return str(err)
    return None


@pytest.mark.parametrize("step", ["parking.space.new", "movein.checklist"])
def test_allowed_steps_are_the_services_own(db, supervisor, specialist, receptionist,
                                            step: str) -> None:
    for staff in (receptionist, specialist, supervisor):
        why = actions.why_not(staff, step)
        refused = _service_refusal(db, staff, step)
        assert actions.may(staff, step) is (refused is None), (staff.login, step)
        assert (str(why) if why else None) == refused


def test_only_a_supervisor_waives_a_card_fee(supervisor, specialist, receptionist) -> None:
    assert actions.may(supervisor, "cards.waive_fee")
    assert not actions.may(specialist, "cards.waive_fee")
    assert not actions.may(receptionist, "cards.waive_fee")
    assert not actions.may(None, "parking.space.new")
