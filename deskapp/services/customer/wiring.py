"""The customer file's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.customer import cards, incidents

    hooks.open_items_provider(incidents.open_incidents_items, order=15)
    hooks.open_items_provider(cards.open_card_items, order=16)
    hooks.unit_flag_provider(cards.moved_out_flags)  # a moved-out holder's cards
