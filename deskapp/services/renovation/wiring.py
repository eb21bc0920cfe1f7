"""The renovation area's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.renovation import deposit, handover

    hooks.document_dependents_provider(deposit.deposit_receipt_dependents)
    hooks.open_items_provider(handover.open_items, order=40)
