"""The customer file's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.customer import cards, incidents, movein_views, parking_lists
    from deskapp.services.customer.month import month_section_provider

    hooks.open_items_provider(incidents.open_incidents_items, order=15)
    hooks.open_items_provider(cards.open_card_items, order=16)
    hooks.unit_flag_provider(cards.moved_out_flags)  # a moved-out holder's cards
    hooks.open_items_provider(parking_lists.expiring_items, order=17)
    month_section_provider(parking_lists.month_section, order=30)
    hooks.open_items_provider(movein_views.open_items, order=18)
    hooks.document_dependents_provider(movein_views.receipt_dependents)
