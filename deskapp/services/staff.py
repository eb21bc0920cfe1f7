"""Staff accounts, passwords and roles.

Passwords are hashed with scrypt (stdlib ``hashlib.scrypt``, n=2**14, r=8, p=1, 16-byte
salt). Role checks live here (:func:`require_role`) and are called by every service
function that changes data, so a denied action raises before anything is written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlmodel import Session, func, select

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.errors import Conflict, NotFound, PermissionDenied, ValidationError
from deskapp.services import audit
from deskapp.services.preview import ActionPreview
from deskapp.validators import has_visible

_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 6


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    key = hashlib.scrypt(
        password.encode("utf-8"),
        salt=base64.b64decode(salt_b64),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=32,
    )
    return hmac.compare_digest(key, base64.b64decode(key_b64))


def require_role(actor: Staff | None, *roles: Role) -> Staff:
    """Raise PermissionDenied unless ``actor`` is active and holds one of ``roles``
    (a supervisor may do anything)."""
    if actor is None or not actor.active:
        raise PermissionDenied("auth.denied.login")
    if actor.role == Role.SUPERVISOR or actor.role in roles:
        return actor
    raise PermissionDenied(
        "auth.denied.role", roles="、".join(role_label(r) for r in roles) or role_label(Role.SUPERVISOR)
    )


def role_label(role: Role | str) -> str:
    from deskapp.i18n import t

    return t(f"role.{Role(role).value}")


def _validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError("staff.password.short", field="password", n=MIN_PASSWORD)


def count_staff(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Staff)).one()


def create_staff(
    session: Session,
    *,
    by: Staff | None,
    login: str,
    name: str,
    role: Role,
    password: str,
) -> Staff:
    """Create an account. ``by`` must be a supervisor, except for the very first account
    of an empty database (site set-up), which must itself be a supervisor."""
    first = count_staff(session) == 0
    if first:
        if role != Role.SUPERVISOR:
            raise ValidationError("staff.first_must_be_supervisor", field="role")
    else:
        require_role(by, Role.SUPERVISOR)
    login = login.strip().lower()
    name = name.strip()
    if not login or not login.isascii() or not login.replace("_", "").replace(".", "").isalnum():
        raise ValidationError("staff.login.invalid", field="login")
    if not has_visible(name):  # empty, or zero-width characters only
        raise ValidationError("staff.name.required", field="name")
    _validate_password(password)
    if session.exec(select(Staff).where(Staff.login == login)).first():
        raise Conflict("staff.login.taken", login=login)
    staff = Staff(
        login=login,
        name=name,
        role=Role(role),
        password_hash=hash_password(password),
        active=True,
        created_at=clock.now(),
    )
    session.add(staff)
    session.flush()
    audit.record(session, by=by or staff, action="staff.create", entity="staff", entity_id=staff.id,
                 detail={"login": login, "role": staff.role.value})
    return staff


def authenticate(session: Session, *, login: str, password: str) -> Staff:
    staff = session.exec(select(Staff).where(Staff.login == login.strip().lower())).first()
    if staff is None or not check_password(password, staff.password_hash):
        raise PermissionDenied("auth.bad_login")
    if not staff.active:
        raise PermissionDenied("auth.inactive")
    return staff


def change_password(session: Session, *, by: Staff, old: str, new: str) -> None:
    staff = session.get(Staff, by.id)
    if staff is None:
        raise NotFound("staff.not_found")
    if not check_password(old, staff.password_hash):
        raise ValidationError("staff.password.wrong_old", field="old")
    _validate_password(new)
    staff.password_hash = hash_password(new)
    session.add(staff)
    audit.record(session, by=staff, action="staff.password", entity="staff", entity_id=staff.id)


def reset_password(session: Session, *, by: Staff, staff_id: int, new: str) -> None:
    require_role(by, Role.SUPERVISOR)
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("staff.not_found")
    _validate_password(new)
    staff.password_hash = hash_password(new)
    session.add(staff)
    audit.record(session, by=by, action="staff.reset_password", entity="staff", entity_id=staff.id)


def disable_preview(session: Session, *, by: Staff, staff_id: int) -> ActionPreview:
    """What disabling the account will do, for the confirmation (refused as
    :func:`set_active` would)."""
    from deskapp.i18n import t

    require_role(by, Role.SUPERVISOR)
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("staff.not_found")
    if staff.id == by.id:
        raise Conflict("staff.cannot_disable_self")
    return ActionPreview(t("staff.confirm.disable_title", name=staff.name), [
        (t("staff.confirm.login"), staff.login),
        (t("staff.confirm.name"), staff.name),
        (t("staff.confirm.role"), role_label(staff.role)),
        (t("staff.confirm.effect"), t("staff.confirm.disable_effect")),
    ])


def set_active(session: Session, *, by: Staff, staff_id: int, active: bool) -> Staff:
    require_role(by, Role.SUPERVISOR)
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("staff.not_found")
    if staff.id == by.id and not active:
        raise Conflict("staff.cannot_disable_self")
    staff.active = active
    session.add(staff)
    audit.record(session, by=by, action="staff.activate" if active else "staff.deactivate",
                 entity="staff", entity_id=staff.id)
    return staff


def set_role(session: Session, *, by: Staff, staff_id: int, role: Role) -> Staff:
    require_role(by, Role.SUPERVISOR)
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("staff.not_found")
    staff.role = Role(role)
    session.add(staff)
    audit.record(session, by=by, action="staff.role", entity="staff", entity_id=staff.id,
                 detail={"role": staff.role.value})
    return staff


def list_staff(session: Session, *, include_inactive: bool = True) -> list[Staff]:
    query = select(Staff).order_by(Staff.role, Staff.login)
    if not include_inactive:
        query = query.where(Staff.active == True)  # noqa: E712
    return list(session.exec(query).all())


def get_by_login(session: Session, login: str) -> Staff:
    staff = session.exec(select(Staff).where(Staff.login == login.strip().lower())).first()
    if staff is None:
        raise NotFound("staff.not_found")
    return staff
