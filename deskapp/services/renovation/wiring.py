"""The renovation area's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.renovation import renovation

    hooks.document_dependents_provider(renovation.deposit_receipt_dependents)
    hooks.open_items_provider(renovation.open_items, order=40)
