"""The cashier area's wiring into :mod:`deskapp.services.hooks` (one explicit table)."""

from __future__ import annotations

from deskapp.services import hooks


def register() -> None:
    from deskapp.services.cashier import arrears, close

    hooks.unit_flag_provider(arrears.arrears_flags)  # 欠费 next to a unit everywhere
    hooks.open_items_provider(close.cash_handover_items, order=90)
