"""The reception area's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.reception import handover, shifts, workorders

    hooks.after_login_hook(shifts.open_shift_at_login)
    hooks.open_items_provider(handover.pending_contacts, order=10)
    hooks.open_items_provider(workorders.open_work_orders, order=20)
