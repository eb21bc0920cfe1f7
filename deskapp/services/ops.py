"""Operations figures for the supervisor's monthly report: personal-data reveals, backups,
restores and the size of the audit log. Backup/restore themselves live in
:mod:`deskapp.services.backup`, the reveal in :mod:`deskapp.services.reveal`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskapp.db.models import AuditEntry, Staff
from deskapp.errors import ValidationError
from deskapp.services.reveal import ACTION as REVEAL

__all__ = ["OpsMonthSummary", "monthly_summary"]

BACKUP, BACKUP_FAILED, RESTORE = "ops.backup", "ops.backup.failed", "ops.restore"


@dataclass(frozen=True)
class OpsMonthSummary:
    """Operations in one site-local month."""

    year: int
    month: int
    reveals: int = 0
    reveals_by_staff: dict[str, int] = field(default_factory=dict)
    backups: int = 0
    backup_failures: int = 0
    restores: int = 0
    audit_entries: int = 0


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    if not (1 <= month <= 12) or not (1900 <= year <= 9999):
        raise ValidationError("ops.month.invalid", field="month")
    return datetime(year, month, 1), datetime(year + (month == 12), month % 12 + 1, 1)


def monthly_summary(session: Session, *, year: int, month: int) -> OpsMonthSummary:
    """Reveals (in all and per staff member), backups, failed backups, restores and all
    audit entries written in the month: SQL counts over the audit log's site-local times."""
    start, end = month_bounds(year, month)
    in_month = (col(AuditEntry.at) >= start) & (col(AuditEntry.at) < end)
    by_action = {action: int(n) for action, n in session.execute(
        select(col(AuditEntry.action), func.count()).where(in_month)
        .where(col(AuditEntry.action).in_([REVEAL, BACKUP, BACKUP_FAILED, RESTORE]))
        .group_by(col(AuditEntry.action))).all()}
    total = session.execute(
        select(func.count()).select_from(AuditEntry).where(in_month)).scalar_one()
    per_staff = session.execute(
        select(col(Staff.name), func.count()).select_from(AuditEntry)
        .join(Staff, col(Staff.id) == AuditEntry.staff_id)
        .where(in_month, col(AuditEntry.action) == REVEAL)
        .group_by(col(Staff.name)).order_by(func.count().desc(), col(Staff.name))).all()
    return OpsMonthSummary(
        year=year, month=month, reveals=by_action.get(REVEAL, 0),
        reveals_by_staff={name: int(n) for name, n in per_staff},
        backups=by_action.get(BACKUP, 0), backup_failures=by_action.get(BACKUP_FAILED, 0),
        restores=by_action.get(RESTORE, 0), audit_entries=int(total))
