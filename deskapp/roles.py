"""Staff roles. Kept outside :mod:`deskapp.db.models` so the app shell (area keys, footer
bindings) can know them without importing the ORM and its 50-odd tables at start-up
(issue #17); ``deskapp.db.models.Role`` is this same class."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RECEPTIONIST = "receptionist"
    SPECIALIST = "specialist"
    SUPERVISOR = "supervisor"
