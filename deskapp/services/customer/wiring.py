"""The customer file's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.customer import incidents, parking_lists
    from deskapp.services.customer.month import month_section_provider

    hooks.open_items_provider(incidents.open_incidents_items, order=15)
    hooks.open_items_provider(parking_lists.expiring_items, order=16)
    month_section_provider(parking_lists.month_section, order=30)
