"""The complaints area's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.complaints import handover, overdue, visits

    hooks.after_login_hook(overdue._overdue_at_login)
    hooks.open_items_provider(handover.open_complaints, order=30)
    hooks.open_items_provider(visits.open_rectifications, order=35)
