"""Column types every model uses.

- Times: ``LocalDateTime`` — naive datetimes in the site's local time (see
  :mod:`deskapp.clock`). SQLModel ≥0.0.50 maps plain ``datetime`` to a UTC-aware type, so
  every datetime field is annotated with this alias instead.
- Enums: ``enum_type(E)`` stores the enum's *value* in a VARCHAR (no native PostgreSQL
  enum type, so adding a value never needs an ALTER TYPE migration).
- Money: plain ``int`` fields named ``*_fen``.
- Core tables: ``table_of(Model)`` — a table class's ``Table`` for Core inserts (its
  ``__table__``, which SQLModel's stubs do not declare).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import sqlalchemy as sa
from pydantic import NaiveDatetime

LocalDateTime = NaiveDatetime


def enum_type(enum: type[Enum], length: int = 20) -> Any:
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def table_of(model: type[Any]) -> sa.Table:
    """The Core ``Table`` of a SQLModel table class (``Model.__table__``, typed)."""
    table = sa.inspect(model).local_table
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not a table class")
    return table
