"""Staff accounts, passwords and roles.

Passwords are hashed with scrypt (stdlib ``hashlib.scrypt``, n=2**14, r=8, p=1, 16-byte
salt). Role checks live here (:func:`require_role`) and are called by every service
function that changes data, so a denied action raises before anything is written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, func, select

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.db.models.core import LoginThrottle
from deskapp.errors import Conflict, DeskError, NotFound, PermissionDenied, ValidationError
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


def names(session: Session, *ids: int | None) -> dict[int, str]:
    """Staff names by id — of ``ids`` (``None`` skipped), or of everyone when none are
    given. The one staff-name look-up of the services."""
    query = select(Staff.id, Staff.name)
    if ids:
        wanted = [i for i in ids if i]
        if not wanted:
            return {}
        query = query.where(col(Staff.id).in_(wanted))
    return {sid: name for sid, name in session.exec(query).all() if sid is not None}


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


MAX_FAILURES = 5
LOCK_MINUTES = 5
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    """A hash no password matches, checked for unknown logins so that they take as long as
    known ones (no enumeration by timing)."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(16))
    return _DUMMY_HASH


@dataclass
class SignIn:
    """The outcome of one login attempt: ``staff`` when it succeeded, else ``error``. The
    attempt never raises for bad credentials, so the caller's transaction commits the
    failure count and its audit entry."""

    staff: Staff | None = None
    error: DeskError | None = None

    def unwrap(self) -> Staff:
        if self.error is not None:
            raise self.error
        assert self.staff is not None
        return self.staff


def _throttle_key(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode("utf-8")).hexdigest()


def _throttle(session: Session, login: str) -> LoginThrottle | None:
    return session.get(LoginThrottle, _throttle_key(login))


def locked_minutes(session: Session, login: str) -> int:
    """Minutes (rounded up) ``login`` stays locked; 0 when it is not locked."""
    row = _throttle(session, login.strip().lower())
    if row is None or row.locked_until is None:
        return 0
    left = (row.locked_until - clock.now()).total_seconds()
    return 0 if left <= 0 else max(1, math.ceil(left / 60))


def sign_in(session: Session, *, login: str, password: str, channel: str = "screen") -> SignIn:
    """Check a login and password — the one check behind the login screen, the lock screen
    and the command line. Needs a write session: every failure is counted and audited
    (never the password typed); after :data:`MAX_FAILURES` failures in a row the login is
    locked for :data:`LOCK_MINUTES` minutes, whether the account exists or not, and a
    wrong login and a wrong password get the same message and take the same time."""
    key = login.strip().lower()
    staff = session.exec(select(Staff).where(Staff.login == key)).first()
    # Always one scrypt run: unknown logins take as long as known ones.
    matches = check_password(password, staff.password_hash if staff else _dummy_hash())
    now = clock.now()
    row = _throttle(session, key)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        minutes = locked_minutes(session, key)
        _audit_failure(session, staff, key, channel, "locked")
        return SignIn(error=PermissionDenied("auth.locked", minutes=minutes))
    if staff is None or not matches:
        if row is None:
            row = LoginThrottle(login_key=_throttle_key(key))
        elif row.locked_until is not None:  # an expired lock: count afresh
            row.failures, row.locked_until = 0, None
        row.failures += 1
        row.last_failure = now
        locked = row.failures >= MAX_FAILURES
        if locked:
            row.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        session.add(row)
        session.flush()
        _audit_failure(session, staff, key, channel, "locked_now" if locked else "bad_login",
                       failures=row.failures)
        if locked:
            return SignIn(error=PermissionDenied("auth.locked", minutes=LOCK_MINUTES))
        return SignIn(error=PermissionDenied("auth.bad_login"))
    if not staff.active:
        _audit_failure(session, staff, key, channel, "inactive")
        return SignIn(error=PermissionDenied("auth.inactive"))
    if row is not None:
        session.delete(row)
        session.flush()
    return SignIn(staff=staff)


def _shown_login(staff: Staff | None, login: str) -> str:
    """The login as the audit log keeps it: an account's login, or only the first two
    characters of an unknown one (it may be a password typed into the wrong field)."""
    return staff.login if staff else login[:2] + "…"


def _audit_failure(session: Session, staff: Staff | None, login: str, channel: str,
                   reason: str, **extra: object) -> None:
    audit.record(session, by=staff, action="auth.failed", entity="staff",
                 entity_id=staff.id if staff else "",
                 detail={"login": _shown_login(staff, login), "channel": channel,
                         "reason": reason, **extra})


def unlock_login(session: Session, *, by: Staff, login: str) -> bool:
    """A supervisor lifts the lock (and the failure count) of ``login``; False when there
    was nothing to lift."""
    require_role(by, Role.SUPERVISOR)
    key = login.strip().lower()
    row = _throttle(session, key)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    target = session.exec(select(Staff).where(Staff.login == key)).first()
    audit.record(session, by=by, action="staff.unlock", entity="staff",
                 entity_id=target.id if target else "",
                 detail={"login": _shown_login(target, key)})
    return True


def locked_logins(session: Session) -> dict[str, int]:
    """Staff logins locked now, with the minutes (rounded up) each stays locked."""
    now = clock.now()
    locked = set(session.exec(select(LoginThrottle.login_key)
                              .where(col(LoginThrottle.locked_until) > now)).all())
    if not locked:
        return {}
    return {s.login: locked_minutes(session, s.login) for s in list_staff(session)
            if _throttle_key(s.login) in locked}


def authenticate(session: Session, *, login: str, password: str) -> Staff:
    """:func:`sign_in` that raises on failure (the failure is recorded only when the
    caller commits anyway)."""
    return sign_in(session, login=login, password=password).unwrap()


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
