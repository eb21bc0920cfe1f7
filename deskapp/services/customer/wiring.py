"""The customer file's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.customer import incidents, movein

    hooks.open_items_provider(incidents.open_incidents_items, order=15)
    hooks.open_items_provider(movein.open_items, order=16)
    hooks.document_dependents_provider(movein.receipt_dependents)
