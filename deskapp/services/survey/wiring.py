"""The survey area's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.survey import handover

    hooks.open_items_provider(handover.handover_items, order=60)
