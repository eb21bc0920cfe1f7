"""Which customer-file steps a member of staff may take (issue #16 part 2): the screens'
keys, footers and form fields ask here and never compare roles themselves.

Each step names the roles of the service function that carries it out, so a key shown is
a key whose save the service accepts (a receptionist is not offered the parking-space keys
the service would then refuse).
"""

from __future__ import annotations

from deskapp.db.models.core import Staff
from deskapp.errors import PermissionDenied
from deskapp.roles import Role
from deskapp.services.customer.parking_common import SPACE_ROLES
from deskapp.services.staff import require_role

#: step → the roles its service function requires (a supervisor passes every check)
STEP_ROLES: dict[str, tuple[Role, ...]] = {
    # parking_spaces.add_space / amend_space
    "parking.space.new": SPACE_ROLES,
    "parking.space.amend": SPACE_ROLES,
    # movein_checklist.add_item / retire_item: the site's move-in checklist
    "movein.checklist": (Role.SUPERVISOR,),
    # cards.replace_card: waiving the replacement fee (cards.waive_supervisor)
    "cards.waive_fee": (Role.SUPERVISOR,),
}


def why_not(staff: Staff | None, step: str) -> PermissionDenied | None:
    """The refusal the step's service would raise for ``staff``, or None when allowed."""
    try:
        require_role(staff, *STEP_ROLES[step])
    except PermissionDenied as err:
        return err
    return None


def may(staff: Staff | None, step: str) -> bool:
    return why_not(staff, step) is None
