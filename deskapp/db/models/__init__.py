"""Table models, one module per area. Importing this package imports every module, so
``SQLModel.metadata`` (used by Alembic) knows every table."""

from __future__ import annotations

import importlib
import pkgutil

from deskapp.db.models.core import (
    AuditEntry,
    Building,
    Counter,
    Occupant,
    OccupantKind,
    ReferenceEntry,
    Role,
    SiteProfile,
    Staff,
    Unit,
    UnitUse,
)


def load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


load_all()

__all__ = [
    "AuditEntry",
    "Building",
    "Counter",
    "Occupant",
    "OccupantKind",
    "ReferenceEntry",
    "Role",
    "SiteProfile",
    "Staff",
    "Unit",
    "UnitUse",
    "load_all",
]
