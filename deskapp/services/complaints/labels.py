"""Complaint constants, labels and small text and time helpers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from deskapp import clock, validators
from deskapp.db.models import Role
from deskapp.db.models.complaints import ComplaintState, EscalationTarget
from deskapp.errors import ValidationError
from deskapp.i18n import has, language, t

FTS_TABLE = "complaint_fts"
SEARCH_COLUMNS = ("number", "unit_code", "complainant_name", "phone_tail", "place",
                  "target_person", "target_department", "content", "request")
HANDLER_ROLES = (Role.SPECIALIST, Role.SUPERVISOR)
DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST, Role.SUPERVISOR)
#: departments of the service centre (codes; labels in the catalogue). A site adds its own
#: with ``complaints.departments = ["…", …]`` in settings.toml.
DEFAULT_DEPARTMENTS = ("customer_service", "engineering", "security", "environment",
                       "finance", "centre", "external")
FUTURE_GRACE = timedelta(minutes=5)
MAX_BACKDATE = timedelta(days=31)
OPEN_ITEMS_LIMIT = 200
TEXT_LIMITS = {"place": 100, "complainant_name": 50, "floor": 20, "target_person": 50,
               "target_department": 40, "content": 2000, "request": 1000}


# --------------------------------------------------------------------------------------
# Small helpers: text, labels, time
# --------------------------------------------------------------------------------------


def _text(value: str | None, *, field: str, max_len: int, required: bool = False,
          multiline: bool = True) -> str:
    """Trim and check free text; the error names the form ``field`` and its label."""
    label = t(f"complaints.field.{field}")
    try:
        if required:
            return validators.required_text(value or "", label, max_len, multiline=multiline)
        return validators.optional_text(value or "", label, max_len, multiline=multiline) or ""
    except ValidationError as err:
        raise ValidationError(err.key, field=field, **err.params) from None


def state_label(state: ComplaintState | str) -> str:
    return t(f"complaints.state.{ComplaintState(state).value}")


def category_label(code: str, names: Mapping[str, str] | None = None) -> str:
    """A category's name in the current language: the catalogue has the default ones,
    a site's own categories show their stored name."""
    if has(f"complaints.category.{code}"):
        return t(f"complaints.category.{code}")
    return (names or {}).get(code, code)


def department_label(code: str) -> str:
    if not code:
        return t("complaints.dept.none")
    return t(f"complaints.dept.{code}") if has(f"complaints.dept.{code}") else code


def departments(settings: Mapping[str, object] | None = None) -> list[str]:
    """Department codes/names offered on the forms: the defaults plus the site's own."""
    extra = (settings or {}).get("complaints.departments") or []
    found = list(DEFAULT_DEPARTMENTS)
    if isinstance(extra, (list, tuple)):
        found += [str(d).strip() for d in extra if str(d).strip() and str(d) not in found]
    return found


def escalation_label(target: EscalationTarget | str | None) -> str:
    if not target:
        return ""
    return t(f"complaints.escalated.{EscalationTarget(target).value}")


def add_hours(start: datetime, hours: float | int) -> datetime:
    """``start`` (naive site-local) plus ``hours`` of elapsed time, as naive site-local
    time. Counted through UTC, so a daylight-saving change in the site's zone is
    honoured."""
    tz = clock.timezone()
    aware = start.replace(tzinfo=tz)
    later = aware.astimezone(UTC) + timedelta(hours=hours)
    return later.astimezone(tz).replace(tzinfo=None)


def elapsed_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes of real time between two naive site-local times (never negative)."""
    tz = clock.timezone()
    delta = end.replace(tzinfo=tz).astimezone(UTC) - start.replace(tzinfo=tz).astimezone(UTC)
    return max(0, int(delta.total_seconds() // 60))


def format_minutes(minutes: float | Decimal | int | None) -> str:
    """``1530`` → ``1天1小时30分`` (zh) / ``1d 1h 30m`` (en); ``None`` → ``—``."""
    if minutes is None:
        return "—"
    total = int(Decimal(str(minutes)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(t("complaints.duration.days", n=days))
    if hours:
        parts.append(t("complaints.duration.hours", n=hours))
    if mins or not parts:
        parts.append(t("complaints.duration.minutes", n=mins))
    return ("" if language() == "zh" else " ").join(parts)
