"""The registers area's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.registers import registers

    hooks.open_items_provider(registers.open_items, order=50)
